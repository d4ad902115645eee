// instance.run() runs a WASI command's _start and resolves to its exit code; through
// call() a non-zero exit is a 5002 carrying exitCode.
import { compile, compileFile, instantiate } from "runtime:wasm";
import { assertEquals, assertRejects } from "../_assert.ts";

const exiting = (code: number) =>
  compile(`(module
    (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
    (memory (export "memory") 1)
    (func (export "_start") (call $exit (i32.const ${code}))))`);

assertEquals(await (await instantiate(await exiting(0))).run(), 0);
assertEquals(await (await instantiate(await exiting(3))).run(), 3);
assertEquals(await (await instantiate(await exiting(125))).run(), 125);
// WASI preview 1 allows exit codes below 126; anything else is an error, not a code.
await assertRejects(async () => (await instantiate(await exiting(255))).run(), 5002, "invalid exit status");

// A plain return from _start is exit code 0.
const plain = await instantiate(await compile(`(module (func (export "_start")))`));
assertEquals(await plain.run(), 0);

// The wasi_files program prints and dumps; run() returns 0 and its output is captured.
const program = await instantiate(await compileFile("tests/fixtures/wasi_files.wasm"), { stdout: "pipe" });
assertEquals(await program.run(), 0);
assertEquals(await program.stdout.text(), "hello from wasi\n");

// Through call(): exit 0 is a normal return, non-zero is 5002 with exitCode.
const viaCall = await instantiate(await exiting(7));
const error = await assertRejects(() => viaCall.call("_start"), 5002, "exited with code 7");
assertEquals(error.exitCode, 7);
const files = await instantiate(await compileFile("tests/fixtures/wasi_files.wasm"));
assertEquals(await files.call("exit_with", 0), []);
const e42 = await assertRejects(() => files.call("exit_with", 42), 5002);
assertEquals(e42.exitCode, 42);

// A trap in _start is still an error from run(), and a module without _start is 5003.
const trapping = await instantiate(await compile(`(module (func (export "_start") unreachable))`));
await assertRejects(() => trapping.run(), 5002, "unreachable");
const library = await instantiate(await compileFile("tests/fixtures/math.wasm"));
await assertRejects(() => library.run(), 5003, "_start");
await assertRejects(() => plain.run({ timeoutMs: 1000, fuell: 5 } as never), 5007, "fuell");

// Captured standard streams: "pipe" collects output readable as it arrives; stdin is
// given as text or bytes; the seed's inherit* flags combine with the new modes.
// expect-stdout: hello from wasi
import { compileFile, instantiate } from "runtime:wasm";
import { assertEquals, assertRejects } from "../_assert.ts";

const moduleId = await compileFile("tests/fixtures/wasi_files.wasm");

// stdout and stderr piped, stdin from a string.
const echo = await instantiate(moduleId, { stdin: "héllo\nworld", stdout: "pipe", stderr: "pipe" });
assertEquals(await echo.call("echo_stdin"), [12]);
assertEquals(await echo.stdout.text(), "héllo\nworld");
assertEquals(await echo.stderr.text(), "done\n");
assertEquals((await echo.stdout.read()).length, 0, "a read takes what is new only");

// stdin from bytes, including NUL and high bytes.
const bytes = new Uint8Array([0, 1, 2, 255, 10]);
const binary = await instantiate(moduleId, { stdin: bytes, stdout: "pipe" });
assertEquals(await binary.call("echo_stdin"), [5]);
assertEquals(await binary.stdout.read(), bytes);

// No stdin given: end-of-file at once.
const empty = await instantiate(moduleId, { stdout: "pipe" });
assertEquals(await empty.call("echo_stdin"), [0]);

// Output accumulates across calls until read.
const twice = await instantiate(moduleId, { stdout: "pipe" });
await twice.call("hello");
await twice.call("hello");
assertEquals(await twice.stdout.text(), "hello from wasi\nhello from wasi\n");

// inheritStdout writes to the host's stdout (checked by the header) and is the same as
// stdout: "inherit"; it may not contradict stdout: "pipe".
const inherited = await instantiate(moduleId, { inheritStdout: true, stdout: "inherit" });
await inherited.call("hello");
await assertRejects(() => instantiate(moduleId, { inheritStdout: true, stdout: "pipe" }), 5010, "conflicts");
await assertRejects(() => instantiate(moduleId, { inheritStdin: true, stdin: "x" }), 5010, "not both");

// Reading a stream that is not piped says how to pipe it.
await assertRejects(() => inherited.stdout.read(), 5010, "stdout: \"pipe\"");

// "null" discards; "closed" makes the guest's write fail with an errno (not a host error).
const discarded = await instantiate(moduleId, { stdout: "null" });
assertEquals(await discarded.call("hello"), [0]);
const closed = await instantiate(moduleId, { stdout: "closed" });
const [errno] = await closed.call("hello");
assertEquals(errno !== 0, true, `a closed stdout gives an errno, got ${errno}`);

// Unknown option names are refused with a clear message.
await assertRejects(() => instantiate(moduleId, { inheritStdOut: true } as never), 5010, "inheritStdOut");

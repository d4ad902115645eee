// WASI functions work on every call path. callSync drives the call on the JS thread
// (file work and sleeps go to the extension's own I/O runtime while the JS thread
// waits); async calls start on the JS thread and move to a worker when WASI waits or a
// tick passes. These once aborted the process: wasmtime-wasi's synchronous functions
// block on a tokio runtime, which panics on the thread that drives the event loop.
import { compileFile, instantiate } from "runtime:wasm";
import { assert, assertEquals } from "../_assert.ts";

const dir = "tests/.tmp/calls_on_every_path";
await Deno.remove(dir, { recursive: true }).catch(() => {});
await Deno.mkdir(dir, { recursive: true });
const moduleId = await compileFile("tests/fixtures/wasi_files.wasm");
const instance = await instantiate(moduleId, { stdout: "pipe", preopens: { "/data": `./${dir}` } });
const name = new TextEncoder().encode("made-by-callSync");
await instance.memory.write(50000, name);

// fd_write to a piped stdout.
assertEquals(instance.callSync("hello"), [0], "callSync of a function that prints");
assertEquals(await instance.stdout.text(), "hello from wasi\n");
assertEquals(instance.getFunction("hello").callSync(), [0], "handle.callSync of a function that prints");
assertEquals(await instance.call("hello"), [0], "async call of a function that prints");
assertEquals(await instance.stdout.text(), "hello from wasi\nhello from wasi\n");

// File I/O in a preopened directory, synchronously.
assertEquals(instance.callSync("create_file", 50000, name.length), [0], "callSync creates a file");
assertEquals(new TextDecoder().decode(await Deno.readFile(`${dir}/made-by-callSync`)), "created\n");
const [read] = instance.callSync("read_file", 50000, name.length, 60000, 64);
assertEquals(read, 8, "callSync reads the file back");
assertEquals(new TextDecoder().decode(await instance.memory.read(60000, 8)), "created\n");

// poll_oneoff sleeps (1 ms each) while the JS thread is blocked in callSync: the timer
// is not the event loop's, so this returns instead of waiting forever.
const missing = new TextEncoder().encode("never-there");
await instance.memory.write(51000, missing);
const started = Date.now();
assertEquals(instance.callSync("wait_for_file", 51000, missing.length, 5), [-1], "callSync sleeps and gives up");
assert(Date.now() - started >= 5, "five 1 ms sleeps took at least 5 ms");

// An async call that sleeps moves to a worker: the event loop keeps running meanwhile.
const events: string[] = [];
const waiting = instance.call("wait_for_file", 51000, missing.length, 40).then(([polls]) => {
  events.push("call done");
  return polls;
});
setTimeout(() => events.push("timer fired"), 1);
assertEquals(await waiting, -1);
assertEquals(events, ["timer fired", "call done"], "the timer fired while the WASI call slept");

// Many short WASI calls in flight on one instance keep their order and results.
const results = await Promise.all(Array.from({ length: 20 }, () => instance.call("hello")));
assertEquals(results, Array.from({ length: 20 }, () => [0]));
assertEquals((await instance.stdout.text()).length, 20 * "hello from wasi\n".length);
await instance.drop();
await Deno.remove(dir, { recursive: true });

// Async host functions: a host function that returns a promise suspends the wasm call until
// the promise settles, while the event loop, timers and other instances keep running. This
// works from call, getFunction(..).call, callBatch, callWith, run() of a WASI command and
// a start function run by instantiate. Under callSync a promise (any thenable) fails the
// call with 5002 at once, without a deadlock; a rejected promise fails the call with 5002
// whose `cause` is the rejection reason.
import { compile, instantiate, type Instance, WasmError } from "runtime:wasm";
import { assert, assertEquals, assertRejects } from "../_assert.ts";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const moduleId = await compile(`(module
  (import "env" "wait" (func $wait (param i32) (result i32)))
  (import "env" "wait64" (func $wait64 (param i64) (result i64 i32)))
  (import "env" "rejects" (func $rejects (param i32) (result i32)))
  (import "env" "thenable" (func $thenable (result i32)))
  (memory (export "memory") 1)
  (func (export "wait") (param i32) (result i32) (call $wait (local.get 0)))
  ;; three suspensions in one wasm call: wait(x) + wait(x + 1) + wait(x + 2)
  (func (export "wait3") (param $x i32) (result i32)
    (i32.add
      (i32.add (call $wait (local.get $x)) (call $wait (i32.add (local.get $x) (i32.const 1))))
      (call $wait (i32.add (local.get $x) (i32.const 2)))))
  (func (export "wait64") (param i64) (result i64 i32) (call $wait64 (local.get 0)))
  (func (export "rejects") (param i32) (result i32) (call $rejects (local.get 0)))
  (func (export "thenable") (result i32) (call $thenable))
  (func (export "plain") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2))))`);

let events: string[] = [];
/** How long `wait(x)` sleeps, by x (default 5 ms). */
let delays: Record<number, number> = {};
let rejection: () => unknown = () => new Error("rejected");
let thenableResult: () => unknown = () => ({ then: (resolve: (v: number) => void) => resolve(1) });
/** Called as each `wait` starts (after its event is recorded). */
let onStart: (tag: string, x: number) => void = () => {};
const makeImports = (tag: string) => ({
  env: {
    async wait(x: number) {
      events.push(`${tag} start ${x}`);
      onStart(tag, x);
      await sleep(delays[x] ?? 5);
      events.push(`${tag} end ${x}`);
      return x * 10;
    },
    async wait64(x: bigint) {
      await sleep(2);
      return [x * 2n, Number(x & 0xffn)];
    },
    async rejects(x: number) {
      await sleep(x);
      throw rejection();
    },
    thenable() {
      return thenableResult();
    },
  },
});
// Some host functions return what no HostFunction type allows (on purpose): cast.
const instance = await instantiate(moduleId, { imports: makeImports("A") as never });
const b = await instantiate(moduleId, { imports: makeImports("B") as never });
const plain = await instantiate(await compile(`(module (func (export "double") (param i32) (result i32)
  (i32.mul (local.get 0) (i32.const 2))))`));

// The wasm call waits for the promise; meanwhile a timer fires, a plain instance answers
// callSync, and another instance runs a suspending call of its own to the end.
events = [];
delays = { 1: 400, 2: 20 };
let nested: Promise<unknown> | undefined;
onStart = (tag, x) => {
  if (tag !== "A" || x !== 1) return;
  setTimeout(() => {
    events.push("timer");
    events.push(`plain ${plain.callSync("double", 21)[0]}`);
    nested = b.call("wait", 2).then((r) => events.push(`B returned ${r[0]}`));
  }, 10);
};
const started = Date.now();
await instance.call("wait", 1).then((r) => events.push(`A returned ${r[0]}`));
await nested;
onStart = () => {};
assert(Date.now() - started >= 395, `the call waited for the promise (${Date.now() - started} ms)`);
assertEquals(
  events,
  ["A start 1", "timer", "plain 42", "B start 2", "B end 2", "B returned 20", "A end 1", "A returned 10"],
  "the order of events while a call waits on a host promise",
);

// Every async call path suspends.
delays = {};
events = [];
assertEquals(await instance.getFunction("wait").call(3), [30], "getFunction(..).call");
assertEquals(events, ["A start 3", "A end 3"]);
events = [];
assertEquals(await instance.callBatch("wait", [[1], [2], [3]]), [[10], [20], [30]], "callBatch");
assertEquals(events, ["A start 1", "A end 1", "A start 2", "A end 2", "A start 3", "A end 3"], "callBatch: one after the other");
events = [];
assertEquals(await instance.getFunction("wait").callBatch([[4], [5]]), [[40], [50]], "getFunction(..).callBatch");
assertEquals(await instance.callWith("wait", [6], { timeoutMs: 10_000 }), [60], "callWith with a timeout");
// Fuel needs an instance created with a budget (metered code); the fuel cases are in errors.ts.
await assertRejects(() => instance.callWith("wait", [7], { fuel: 1_000_000 }), 5007);
events = [];
assertEquals(await instance.call("wait3", 1), [60], "three suspensions in one call");
assertEquals(events, ["A start 1", "A end 1", "A start 2", "A end 2", "A start 3", "A end 3"]);
assertEquals(await instance.call("wait64", 0x1_0000_0001n), [0x2_0000_0002n, 1], "an async multi-value result with an i64");
assertEquals(await instance.call("wait64", -5n), [-10n, 0xfb]);
// A promise that is already fulfilled, and a thenable, under call().
thenableResult = () => Promise.resolve(11);
assertEquals(await instance.call("thenable"), [11], "an already fulfilled promise");
thenableResult = async () => 12;
assertEquals(await instance.call("thenable"), [12], "an async function that does not await");

// Parallel calls on different instances all suspend at once.
delays = { 8: 300, 9: 300 };
const t0 = Date.now();
assertEquals(await Promise.all([instance.call("wait", 8), b.call("wait", 9)]), [[80], [90]]);
assert(Date.now() - t0 < 580, `two instances waited in parallel, not one after the other (${Date.now() - t0} ms)`);
delays = {};

// run() of a WASI command that imports a host function: the host function waits, then
// writes the text wasm prints with fd_write; its result is the exit code.
const command = await compile(`(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "env" "fill" (func $fill (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (local $code i32)
    (local.set $code (call $fill (i32.const 64) (i32.const 12)))
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (i32.const 12))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (call $exit (local.get $code))))`);
const runLog: string[] = [];
const program = await instantiate(command, {
  stdout: "pipe",
  imports: {
    env: {
      async fill(this: any, ptr: number, len: number) {
        runLog.push("fill start");
        setTimeout(() => runLog.push("timer"), 2);
        await sleep(30);
        // `this.memory` still reaches the suspended call after an await.
        this.memory.write(ptr, new TextEncoder().encode("async hello\n".slice(0, len)));
        runLog.push("fill end");
        return 4;
      },
    },
  },
});
assertEquals(await program.run(), 4, "run() resolves to the exit code the host function chose");
assertEquals(runLog, ["fill start", "timer", "fill end"]);
assertEquals(await program.stdout.text(), "async hello\n", "what the host wrote after its await was printed");

// A start function that calls an async host function: instantiate waits for it.
const withStart = await compile(`(module
  (import "env" "boot" (func $boot (param i32) (result i32)))
  (memory (export "memory") 1)
  (global $g (export "g") (mut i32) (i32.const 0))
  (func $start (global.set $g (call $boot (i32.const 6))))
  (start $start))`);
const bootLog: unknown[] = [];
const booted = await instantiate(withStart, {
  imports: {
    env: {
      async boot(this: any, x: number) {
        bootLog.push("boot start", this.instance);
        setTimeout(() => bootLog.push("timer"), 5);
        await sleep(60);
        this.memory.write(0, new Uint8Array([1, 2, 3]));
        bootLog.push("boot end");
        return x * 7;
      },
    },
  },
});
bootLog.push("instantiated");
assertEquals(bootLog, ["boot start", undefined, "timer", "boot end", "instantiated"], "the start function's order of events");
assertEquals(await booted.getGlobal("g").get(), 42, "the start function got the promise's value");
assertEquals(await booted.memory.read(0, 3), new Uint8Array([1, 2, 3]));
await booted.drop();

// callSync and a promise: 5002 at once, saying callSync cannot wait; no deadlock after.
const syncRefusals: [string, () => unknown][] = [
  ["a pending promise", () => new Promise((resolve) => setTimeout(() => resolve(1), 10))],
  ["an already fulfilled promise", () => Promise.resolve(1)],
  ["an async function's promise", async () => 1],
  ["a thenable", () => ({ then: (resolve: (v: number) => void) => resolve(1) })],
];
for (const [label, make] of syncRefusals) {
  thenableResult = make;
  const t = Date.now();
  let caught: unknown;
  try {
    instance.callSync("thenable");
  } catch (error) {
    caught = error;
  }
  assert(caught instanceof WasmError, `callSync with ${label}: a WasmError, got ${String(caught)}`);
  assertEquals(caught.code, 5002, `callSync with ${label}: the code (${caught.message})`);
  assert(caught.message.includes("callSync"), `callSync with ${label}: the message mentions callSync: ${caught.message}`);
  assert(/promise/i.test(caught.message), `callSync with ${label}: the message mentions the promise: ${caught.message}`);
  assert(caught.message.includes("env.thenable"), `callSync with ${label}: the message names env.thenable: ${caught.message}`);
  assert(Date.now() - t < 1000, `callSync with ${label} failed at once`);
}
// The callSync path through `wait` and a batch-less handle too.
await assertRejects(async () => instance.callSync("wait", 1), 5002, "callSync");
await assertRejects(async () => instance.getFunction("wait").callSync(1), 5002, "callSync");
// A promise callSync refused that later rejects is not an unhandled rejection.
thenableResult = () => new Promise((_, reject) => setTimeout(() => reject(new Error("late")), 10));
await assertRejects(async () => instance.callSync("thenable"), 5002);
await sleep(40);
// The instance is usable on both paths afterwards.
assertEquals(instance.callSync("plain", 4), [8], "callSync after the refusals");
assertEquals(await instance.call("wait", 2), [20], "call after the refusals");
thenableResult = () => 13;
assertEquals(instance.callSync("thenable"), [13], "callSync with a plain value");

// A rejected promise: 5002 naming the import, the reason as `cause`, on every path.
const reason = new TypeError("no such key");
rejection = () => reason;
let error = await assertRejects(() => instance.call("rejects", 5), 5002, "env.rejects");
assert(error.cause === reason, `the cause is the rejection reason, got ${String(error.cause)}`);
error = await assertRejects(() => instance.callBatch("rejects", [[1], [1]]), 5002, "env.rejects");
assert(error.cause === reason, "callBatch: the cause");
error = await assertRejects(() => instance.callWith("rejects", [1], { timeoutMs: 5000 }), 5002, "env.rejects");
assert(error.cause === reason, "callWith: the cause");
error = await assertRejects(() => instance.getFunction("rejects").call(0), 5002, "env.rejects");
assert(error.cause === reason, "getFunction(..).call: the cause");
rejection = () => "a string reason";
error = await assertRejects(() => instance.call("rejects", 1), 5002, "env.rejects");
assertEquals(error.cause, "a string reason", "a non-Error rejection reason is the cause");
thenableResult = () => Promise.reject(17);
error = await assertRejects(() => instance.call("thenable"), 5002, "env.thenable");
assertEquals(error.cause, 17, "Promise.reject(17): the cause");
assertEquals(await instance.call("wait", 5), [50], "usable after rejections");

await instance.drop();
await b.drop();
await plain.drop();
await program.drop();
console.log("host functions async ok");

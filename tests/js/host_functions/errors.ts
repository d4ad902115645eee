// Host function failures and the options around them: a throw fails the wasm call with
// 5002 naming `module.name` and carrying the thrown value (any value) as `cause`, and the
// instance stays usable; instantiate reports every import nothing provides in one 5001,
// and a non-function value as a 5001 naming it; host imports and WASI share a module, and
// an entry under wasi_snapshot_preview1 replaces that one WASI function (what the guest
// then sees); timeoutMs counts time spent waiting on a host promise (5012), fuel counts
// wasm instructions only.
import { compile, instantiate, WasmError } from "runtime:wasm";
import { assert, assertEquals, assertRejects } from "../_assert.ts";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---- a throw: 5002, the import's name, `cause` the thrown value, usable after.
const moduleId = await compile(`(module
  (import "env" "fail" (func $fail (param i32) (result i32)))
  (memory (export "memory") 1)
  (global $count (export "count") (mut i32) (i32.const 0))
  ;; stores x at 0 and counts, then calls the host: both happen before the host throws
  (func (export "fail") (param $x i32) (result i32)
    (i32.store (i32.const 0) (local.get $x))
    (global.set $count (i32.add (global.get $count) (i32.const 1)))
    (call $fail (local.get $x)))
  ;; n wasm frames deep, then the host call
  (func $deep (export "deep") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (call $fail (i32.const 0)))
      (else (i32.add (call $deep (i32.sub (local.get $n) (i32.const 1))) (i32.const 1)))))
  (func (export "ok") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1))))`);

let thrown: () => unknown = () => new Error("boom");
let throwing = true;
const instance = await instantiate(moduleId, {
  imports: {
    env: {
      fail(x: number) {
        if (throwing) throw thrown();
        return x * 3;
      },
    },
  },
});

const sym = Symbol("thrown symbol");
const anObject = { reason: "an object", nested: { n: 1 } };
const anError = new RangeError("out of range");
// The JS class takes a code as its second argument; the declared type does not say so.
const otherWasmError = new (WasmError as unknown as new (m: string, c: number) => Error)("from elsewhere", 5003);
const values: [string, unknown][] = [
  ["an Error", anError],
  ["a WasmError of another code", otherWasmError],
  ["42", 42],
  ["a string", "str"],
  ["undefined", undefined],
  ["null", null],
  ["an object", anObject],
  ["a bigint", 12n],
  ["a symbol", sym],
  ["false", false],
];

let expectedCount = 0;
for (const [label, value] of values) {
  thrown = () => value;
  for (const path of ["call", "callSync", "callBatch", "deep"] as const) {
    let caught: unknown;
    try {
      if (path === "call") await instance.call("fail", 7);
      else if (path === "callSync") instance.callSync("fail", 7);
      else if (path === "callBatch") await instance.callBatch("fail", [[7]]);
      else await instance.call("deep", 50);
    } catch (error) {
      caught = error;
    }
    if (path !== "deep") expectedCount++;
    const what = `throwing ${label} (${path})`;
    assert(caught instanceof WasmError, `${what}: a WasmError, got ${String(caught)}`);
    assertEquals(caught.code, 5002, `${what}: the code (${caught.message})`);
    assert(caught.message.includes("env.fail"), `${what}: the message names env.fail: ${caught.message}`);
    assert("cause" in caught, `${what}: the error has a cause`);
    assert(Object.is(caught.cause, value), `${what}: the cause is the thrown value, got ${String(caught.cause)}`);
    // Usable after: plain calls, the host import itself, and state wasm set before the throw.
    assertEquals(await instance.call("ok", 1), [2], `${what}: usable after`);
  }
  assertEquals(await instance.getGlobal("count").get(), expectedCount, `${label}: wasm ran up to the host call`);
}
assertEquals(await instance.memory.read(0, 4), new Uint8Array([7, 0, 0, 0]), "the store before the throw stays");
throwing = false;
assertEquals(await instance.call("fail", 5), [15], "the import works once it stops throwing");
assertEquals(instance.callSync("deep", 100), [100], "deep recursion through the import after the throws");

// An async host function that throws after an await: the same.
const asyncThrower = await instantiate(moduleId, {
  imports: {
    env: {
      async fail(x: number) {
        await sleep(1);
        if (x === 0) throw anObject;
        return x;
      },
    },
  },
});
const asyncError = await assertRejects(() => asyncThrower.call("fail", 0), 5002, "env.fail");
assert(asyncError.cause === anObject, "an async throw: the cause is the thrown object");
assertEquals(await asyncThrower.call("fail", 4), [4], "usable after an async throw");
await asyncThrower.drop();

// ---- 5001: every import nothing provides, in one message; non-function values.
const needs = await compile(`(module
  (import "env" "alpha" (func (param i32)))
  (import "env" "beta" (func (result i32)))
  (import "other" "gamma" (func))
  (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "f")))`);
const missing = async (options: unknown, expected: string[], absent: string[], label: string) => {
  const error = await assertRejects(() => instantiate(needs, options as never), 5001);
  for (const name of expected) {
    assert(error.message.includes(name), `${label}: the message lists ${name}: ${error.message}`);
  }
  for (const name of absent) {
    assert(!error.message.includes(name), `${label}: the message does not list ${name}: ${error.message}`);
  }
};
await missing(undefined, ["env.alpha", "env.beta", "other.gamma"], ["fd_write"], "no options");
await missing({}, ["env.alpha", "env.beta", "other.gamma"], ["fd_write"], "no imports option");
await missing({ imports: {} }, ["env.alpha", "env.beta", "other.gamma"], ["fd_write"], "empty imports");
await missing({ imports: { env: { alpha() {} } } }, ["env.beta", "other.gamma"], ["env.alpha", "fd_write"], "one given");
await missing(
  { imports: { env: { alpha() {}, beta: () => 1 }, other: {} } },
  ["other.gamma"],
  ["env.alpha", "env.beta"],
  "two given",
);
// A function under another module name does not count.
await missing({ imports: { other: { alpha() {}, beta() {} } } }, ["env.alpha", "env.beta", "other.gamma"], [], "wrong module");
for (const [label, value] of [
  ["a number", 42],
  ["a string", "function"],
  ["null", null],
  ["an object", { call() {} }],
  ["a bigint", 1n],
  ["true", true],
] as const) {
  const error = await assertRejects(
    () => instantiate(needs, { imports: { env: { alpha: value, beta() {} }, other: { gamma() {} } } } as never),
    5001,
  );
  assert(error.message.includes("env.alpha"), `env.alpha as ${label}: the message names it: ${error.message}`);
}
// A non-function WASI override is named too.
await assertRejects(
  () =>
    instantiate(needs, {
      imports: { env: { alpha() {}, beta() {} }, other: { gamma() {} }, wasi_snapshot_preview1: { fd_write: 5 } },
    } as never),
  5001,
  "wasi_snapshot_preview1.fd_write",
);
// An imported memory can never be provided by a host function: 5001 naming it.
const memoryImport = await compile(`(module (import "env" "mem" (memory 1)) (import "env" "f" (func)))`);
await assertRejects(() => instantiate(memoryImport, { imports: { env: { f() {} } } }), 5001, "env.mem");
// With everything given, it instantiates and runs (no import is called).
const full = await instantiate(needs, { imports: { env: { alpha() {}, beta: () => 1 }, other: { gamma() {} } } });
assertEquals(await full.call("f"), []);
await full.drop();

// ---- WASI and host imports in one module; overriding one WASI function.
const wasiGuest = await compile(`(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
  (import "env" "greet" (func $greet (param i32) (result i32)))
  (memory (export "memory") 1)
  ;; the host writes a greeting at 256 and returns its length; wasm prints it
  (func (export "hello") (result i32)
    (i32.store (i32.const 0) (i32.const 256))
    (i32.store (i32.const 4) (call $greet (i32.const 256)))
    (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
  (func (export "random") (param i32 i32) (result i32) (call $random_get (local.get 0) (local.get 1)))
  (func (export "load64") (param i32) (result i64) (i64.load (local.get 0)))
  ;; clock_time_get(id, precision 1000) into 512; returns the errno, the time is at 512
  (func (export "clock") (param i32) (result i32) (call $clock (local.get 0) (i64.const 1000) (i32.const 512))))`);
const greet = function (this: any, ptr: number) {
  const text = new TextEncoder().encode("hi from the host\n");
  this.memory.write(ptr, text);
  return text.length;
};

// No override: WASI's own random_get and clock, the host's greet.
const stock = await instantiate(wasiGuest, { stdout: "pipe", imports: { env: { greet } } });
assertEquals(await stock.call("hello"), [0], "fd_write's errno");
assertEquals(await stock.stdout.text(), "hi from the host\n", "WASI printed what the host function wrote");
assertEquals(await stock.call("random", 1024, 32), [0]);
const realRandom = await stock.memory.read(1024, 32);
assert(realRandom.some((b) => b !== 0), "WASI's random_get filled the buffer");
assertEquals(await stock.call("clock", 0), [0]);
const stockNow = (await stock.call("load64", 512))[0] as bigint;
const nowNs = BigInt(Date.now()) * 1_000_000n;
assert(stockNow > nowNs - 60_000_000_000n && stockNow < nowNs + 60_000_000_000n, `the real clock: ${stockNow}`);

// random_get overridden: the guest sees exactly the host's bytes and errno; fd_write and
// clock_time_get stay WASI's.
const PATTERN = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
const randomCalls: unknown[][] = [];
let randomErrno = 0;
const overridden = await instantiate(wasiGuest, {
  stdout: "pipe",
  imports: {
    env: { greet },
    wasi_snapshot_preview1: {
      random_get(this: any, ptr: number, len: number) {
        randomCalls.push([ptr, len]);
        this.memory.write(ptr, PATTERN.subarray(0, len));
        return randomErrno;
      },
    },
  },
});
assertEquals(await overridden.call("random", 1024, 8), [0]);
assertEquals(randomCalls, [[1024, 8]], "the override got the guest's arguments");
assertEquals(await overridden.call("load64", 1024), [0x0807060504030201n], "the guest sees the override's bytes");
assertEquals(await overridden.memory.read(1024, 16), new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0]));
randomErrno = 52;
assertEquals(await overridden.call("random", 2048, 4), [52], "the guest sees the override's errno");
assertEquals(overridden.callSync("random", 2048, 2), [52], "callSync runs the override too");
assertEquals(await overridden.call("hello"), [0]);
assertEquals(await overridden.stdout.text(), "hi from the host\n", "fd_write is still WASI's");
assertEquals(await overridden.call("clock", 0), [0]);
const overriddenNow = (await overridden.call("load64", 512))[0] as bigint;
assert(overriddenNow > nowNs - 60_000_000_000n, `clock_time_get is still WASI's: ${overriddenNow}`);
// The override belongs to that instance: the stock one still gets real random bytes.
assertEquals(await stock.call("random", 1024, 16), [0]);
const again = await stock.memory.read(1024, 16);
assert(!again.every((b, i) => b === PATTERN[i]), "an instance without the override is not overridden");
assert(!again.every((b, i) => b === realRandom[i]), "WASI's random_get gives new bytes each time");

// clock_time_get overridden: the precision arrives as a bigint, the guest sees the fixed time.
const clockCalls: unknown[][] = [];
const frozen = await instantiate(wasiGuest, {
  imports: {
    env: { greet },
    wasi_snapshot_preview1: {
      async clock_time_get(this: any, id: number, precision: bigint, ptr: number) {
        clockCalls.push([id, precision, ptr]);
        await sleep(1);
        const bytes = new Uint8Array(8);
        new DataView(bytes.buffer).setBigUint64(0, 1_234_567_890_123n, true);
        this.memory.write(ptr, bytes);
        return 0;
      },
    },
  },
});
assertEquals(await frozen.call("clock", 1), [0]);
assertEquals(clockCalls, [[1, 1000n, 512]], "the override's arguments (i64 precision as a bigint)");
assertEquals(await frozen.call("load64", 512), [1_234_567_890_123n], "the guest sees the overridden time");
assertEquals(await frozen.call("random", 0, 8), [0], "random_get is still WASI's");
await frozen.drop();
await stock.drop();
await overridden.drop();

// ---- timeoutMs counts the wait on a host promise: 5012, and the call does not wait it out.
const waiter = await compile(`(module
  (import "env" "wait" (func $wait (result i32)))
  (func (export "wait") (result i32) (call $wait))
  (func (export "ok") (result i32) (i32.const 1)))`);
let release: (v: number) => void = () => {};
const hostWait = () => new Promise<number>((resolve) => (release = resolve));
const limited = await instantiate(waiter, { timeoutMs: 150, imports: { env: { wait: hostWait } } });
let t = Date.now();
await assertRejects(() => limited.call("wait"), 5012);
let took = Date.now() - t;
assert(took >= 140 && took < 3000, `the instance's timeout stopped the wait after ${took} ms`);
release(1); // a late answer is ignored
await sleep(10);
assertEquals(await limited.call("ok"), [1], "usable after a timeout during a host wait");
const unlimited = await instantiate(waiter, { imports: { env: { wait: hostWait } } });
t = Date.now();
await assertRejects(() => unlimited.callWith("wait", [], { timeoutMs: 100 }), 5012);
took = Date.now() - t;
assert(took >= 90 && took < 3000, `callWith's timeout stopped the wait after ${took} ms`);
release(1);
await sleep(10);
// Without a timeout the same wait is answered.
const answered = unlimited.call("wait");
await sleep(200);
release(9);
assertEquals(await answered, [9], "without a timeout the call waits as long as the host does");
await limited.drop();
await unlimited.drop();

// ---- fuel counts wasm only: the same wasm work costs the same fuel whatever the host does.
const fueled = await compile(`(module
  (import "env" "work" (func $work (param i32) (result i32)))
  ;; calls work(i) for i = n-1 .. 0 and sums the results
  (func (export "run") (param $n i32) (result i32)
    (local $sum i32)
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (local.set $sum (i32.add (local.get $sum) (call $work (local.get $n))))
      (br $l)))
    (local.get $sum))
  (func (export "spin") (loop $l (br $l))))`);
const FUEL = 1_000_000;
const cheap = await instantiate(fueled, { fuel: FUEL, imports: { env: { work: (i: number) => i } } });
const costly = await instantiate(fueled, {
  fuel: FUEL,
  imports: {
    env: {
      async work(i: number) {
        // Heavy JS and a wait: neither is wasm.
        let x = 0;
        for (let k = 0; k < 200_000; k++) x = (x + k * i) % 1_000_003;
        await sleep(5);
        return i + (x - x);
      },
    },
  },
});
assertEquals(await cheap.call("run", 10), [45]);
assertEquals(await costly.call("run", 10), [45]);
const cheapUsed = FUEL - (await cheap.getFuel());
const costlyUsed = FUEL - (await costly.getFuel());
assert(cheapUsed > 0 && cheapUsed < 10_000, `a few wasm instructions cost ${cheapUsed} fuel`);
assertEquals(costlyUsed, cheapUsed, "host work and host waits cost no fuel");
// Fuel still runs out in wasm that keeps calling the host.
const tight = await instantiate(fueled, { fuel: 2_000, imports: { env: { work: (i: number) => i } } });
await assertRejects(() => tight.call("run", 1_000_000), 5011);
await assertRejects(() => tight.call("spin"), 5011);
await cheap.drop();
await costly.drop();
await tight.drop();

await instance.drop();
console.log("host functions errors ok");

// Hostile use of exported globals: forged handles, values that would run user code
// (getters, Proxies, valueOf), absurd names, a flood of reads and writes while a call
// holds the instance, and an instance dropped under pending reads. Every case ends in a
// value or a WasmError, never a hang or a crash, and no user code runs during a write.
import * as wasm from "runtime:wasm";
import { assert, assertEquals } from "../_assert.ts";
import { expectCodes, hostile } from "./_harness.ts";

const h = await hostile("globals");
const source = `(module
  (global $g (export "g") (mut i32) (i32.const 0))
  (global (export "big") (mut i64) (i64.const 0))
  (global (export "fixed") f64 (f64.const 2.5))
  (func (export "spin_then_set") (param $n i32)
    (loop $again
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $again (i32.gt_s (local.get $n) (i32.const 0))))
    (global.set $g (i32.const -1))))`;
const moduleId = await wasm.compile(source);
const instance = await wasm.instantiate(moduleId);
const g = instance.getGlobal("g");

// Forged handles reach nothing that getGlobal could not: the op checks the name against
// the module every time. Id 1 is the add sentinel (no globals: 5003), 0 and non-handles
// are never live (5005).
const Forge = wasm.WasmGlobal as unknown as new (id: unknown, name: unknown, info: unknown) => wasm.WasmGlobal;
const forgeries: [string, unknown, unknown, unknown][] = [
  ["id 1, a name the sentinel lacks", 1, "g", { type: "i32", mutable: true }],
  ["id 0", 0, "g", { type: "i32", mutable: true }],
  ["id 1.5", 1.5, "g", { type: "i32", mutable: true }],
  ["id 2^32 + 1", 2 ** 32 + 1, "g", { type: "i32", mutable: true }],
  ["a non-string name", 1, { toString: () => "g" }, { type: "i32", mutable: true }],
  ["null info", 1, "g", null],
];
for (const [label, id, name, info] of forgeries) {
  await h.run(`forged WasmGlobal, ${label}`, async () => {
    const forged = new Forge(id, name, info);
    for (const op of [() => forged.get(), () => forged.set(5)]) {
      try {
        await op();
        throw new Error("a forged handle read or wrote a global");
      } catch (error) {
        expectCodes(error, [5003, 5005], label);
      }
    }
  });
}

// Values whose inspection would run user code: none of it runs, and each is a 5007.
let userCodeRan = 0;
const traps: ProxyHandler<object> = {
  get: () => (userCodeRan++, 0),
  getPrototypeOf: () => (userCodeRan++, null),
  has: () => (userCodeRan++, false),
  ownKeys: () => (userCodeRan++, []),
};
const revocable = Proxy.revocable({}, traps);
revocable.revoke();
const sneaky: [string, unknown][] = [
  ["an object with valueOf", { valueOf: () => (userCodeRan++, 1) }],
  ["an object with a value getter", { get value() { return (userCodeRan++, 1); }, type: "i32" }],
  ["a Proxy", new Proxy({}, traps)],
  ["a Proxy of an array", new Proxy([1], traps)],
  ["a revoked Proxy", revocable.proxy],
  ["a Symbol", Symbol("g")],
  ["a function", () => 1],
];
for (const [label, value] of sneaky) {
  await h.rejects(`set to ${label}`, () => g.set(value as number), 5007, `global "g" (i32)`);
}
await h.run("no user code ran during the writes above", async () => {
  assertEquals(userCodeRan, 0, "getters, traps and valueOf called");
  assertEquals(await g.get(), 0, "refused writes left the global at 0");
});

// Absurd names: 5003 at getGlobal, nothing else.
const names: [string, string][] = [
  ["1 MiB of 'g'", "g".repeat(1 << 20)],
  ["a NUL inside", "g\0"],
  ["a lone surrogate", "\ud800"],
  ["__proto__", "__proto__"],
  ["constructor", "constructor"],
];
for (const [label, name] of names) {
  await h.rejects(`getGlobal(${label})`, async () => instance.getGlobal(name), 5003);
}

// Huge and hostile bigints into an i64 and an immutable global: 5007, no wrap-around.
const big = instance.getGlobal("big");
const hugeBigints: [string, bigint, string][] = [
  ["2^10000", 2n ** 10000n, "out of range"],
  ["-(2^64)", -(2n ** 64n), "does not fit in 64 bits"],
  ["2^64", 2n ** 64n, "does not fit in 64 bits"],
];
for (const [label, value, reason] of hugeBigints) {
  await h.rejects(`i64 set to ${label}`, () => big.set(value), 5007, reason);
}
await h.rejects("immutable f64 set to NaN", () => instance.getGlobal("fixed").set(NaN), 5007, "immutable");
await h.run("the immutable global kept its value", async () => {
  assertEquals(await instance.getGlobal("fixed").get(), 2.5);
  assertEquals(await big.get(), 0n);
});

// A flood of reads and writes while a call holds the instance: all settle once the call
// returns, every read sees a value something wrote, and the event loop keeps turning.
await h.run("500 writes and 500 reads during a long call", async () => {
  const call = instance.call("spin_then_set", 20_000_000);
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  const writes = Array.from({ length: 500 }, (_, i) => g.set(i + 1));
  const reads = Array.from({ length: 500 }, () => g.get());
  await call;
  await Promise.all(writes);
  const seen = await Promise.all(reads);
  clearInterval(timer);
  const written = new Set([-1, ...Array.from({ length: 500 }, (_, i) => i + 1)]);
  assert(seen.every((v) => written.has(v as number)), `reads saw only written values: ${seen.slice(0, 10)}`);
  const last = await g.get();
  assert(typeof last === "number" && last >= 1 && last <= 500, `the final value is one of the writes: ${last}`);
  assert(ticks > 0, "the event loop turned while the flood waited");
});

// The instance is dropped while reads and writes wait for its call: each settles, with
// the value or a 5005, and the handle is dead afterwards.
await h.run("drop under pending reads and writes", async () => {
  const victim = await wasm.instantiate(moduleId);
  const global = victim.getGlobal("g");
  const call = victim.call("spin_then_set", 20_000_000);
  const pending = [global.get(), global.set(7), global.get()];
  await victim.drop();
  const outcomes = await Promise.allSettled([call, ...pending]);
  for (const outcome of outcomes) {
    if (outcome.status === "rejected") expectCodes(outcome.reason, [5005], "a pending access after drop");
  }
  for (const op of [() => global.get(), () => global.set(1)]) {
    try {
      await op();
      throw new Error("a global of a dropped instance answered");
    } catch (error) {
      expectCodes(error, [5005], "access after drop");
    }
  }
});

await instance.drop();
await wasm.dropModule(moduleId);
await h.finish(26);

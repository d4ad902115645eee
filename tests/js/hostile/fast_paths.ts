// The fast call paths under hostile input: Instance.callSync, Instance.callBatch, function
// handles (getFunction: call, callSync, callBatch) and memory.readInto. Bad arguments are
// 5007 (callSync throws synchronously), bad names 5003, dropped or forged handles 5005,
// bad offsets and buffers 5006 with the target buffer untouched; traps and limits keep
// their codes and the instance stays usable.
import * as wasm from "runtime:wasm";
import { assert, assertEquals } from "../_assert.ts";
import { expectCodes, hostile } from "./_harness.ts";

const h = await hostile("fast_paths");
const source = `(module
  (memory (export "memory") 1)
  (func (export "i32") (param i32) (result i32) local.get 0)
  (func (export "i64") (param i64) (result i64) local.get 0)
  (func (export "f32") (param f32) (result f32) local.get 0)
  (func (export "f64") (param f64) (result f64) local.get 0)
  (func (export "v128") (param v128))
  (func (export "boom") unreachable)
  (func (export "forever") (loop br 0))
  (func (export "recurse") (result i32) call 7)
  (func (export "ok") (result i32) i32.const 1))`;
// (function 7 is "recurse" itself: functions are numbered in order, from 0.)
const moduleId = await wasm.compile(source);
const instance = await wasm.instantiate(moduleId);

/** A synchronous call that must throw a WasmError with `code` (not return, not reject). */
function throwsSync(fn: () => unknown, code: number): void {
  let result: unknown;
  try {
    result = fn();
  } catch (error) {
    expectCodes(error, [code], "synchronous throw");
    return;
  }
  if (result instanceof Promise) {
    result.catch(() => {});
    throw new Error("expected a synchronous throw, got a promise");
  }
  throw new Error(`expected a synchronous throw with ${code}, got ${String(result)}`);
}

const badValues: [string, unknown][] = [
  ["a string", "1"],
  ["undefined", undefined],
  ["null", null],
  ["an object", {}],
  ["NaN (for i32)", NaN],
  ["1.5 (for i32)", 1.5],
  ["2^32 (for i32)", 2 ** 32],
  ["bigint 2^64 (for i32)", 2n ** 64n],
  ["bigint -(2^200) (for i32)", -(2n ** 200n)],
  ["types.f64 (for i32)", wasm.types.f64(1)],
  ["a look-alike typed value", { type: "i32", value: 1 }],
];
const i32 = instance.getFunction("i32");
for (const [label, value] of badValues) {
  await h.run(`callSync i32(${label}) throws 5007 synchronously`, async () =>
    throwsSync(() => instance.callSync("i32", value as number), 5007));
  await h.run(`handle callSync i32(${label}) throws 5007 synchronously`, async () =>
    throwsSync(() => i32.callSync(value as number), 5007));
  await h.rejects(`handle call i32(${label})`, () => i32.call(value as number), 5007);
  await h.rejects(`callBatch i32 with ${label} in the middle`, () => instance.callBatch("i32", [[1], [value as number], [3]]), 5007);
  await h.rejects(`handle callBatch with ${label}`, () => i32.callBatch([[1], [value as number]]), 5007);
}
for (const [type, value] of [["i64", 2 ** 53], ["i64", 2n ** 64n], ["f32", 2n ** 128n], ["f64", 2n ** 1024n], ["v128", 0]] as const) {
  const fn = instance.getFunction(type);
  await h.run(`${type} handle refuses ${String(value)}`, async () => throwsSync(() => fn.callSync(value), 5007));
  await h.rejects(`${type} handle call refuses ${String(value)}`, () => fn.call(value), 5007);
}
await h.run("wrong argument counts", async () => {
  throwsSync(() => instance.callSync("i32"), 5007);
  throwsSync(() => instance.callSync("i32", 1, 2), 5007);
  throwsSync(() => i32.callSync(), 5007);
  throwsSync(() => i32.callSync(...new Array(1000).fill(0)), 5007);
});
await h.rejects("callBatch: a list with a wrong count", () => i32.callBatch([[1], [1, 2]]), 5007);
for (const [label, list] of [
  ["not an array", 5],
  ["null", null],
  ["an array of non-arrays", [1, 2, 3]],
  ["an array-like", { length: 1, 0: [1] }],
] as [string, unknown][]) {
  await h.rejects(`instance.callBatch(${label})`, () => instance.callBatch("i32", list as number[][]), 5007);
  await h.rejects(`handle callBatch(${label})`, () => i32.callBatch(list as number[][]), 5007);
}
await h.run("callBatch: empty and large batches", async () => {
  assertEquals(await i32.callBatch([]), []);
  const big = Array.from({ length: 10_000 }, (_, i) => [i]);
  const results = await i32.callBatch(big);
  assertEquals(results.length, 10_000);
  assert(results.every((r, i) => r[0] === i), "every result");
});

// Names: 5003 (getFunction and callSync throw synchronously).
for (const name of ["nope", "", "memory", "i32\0", 5, undefined, null]) {
  await h.run(`getFunction(${String(name)}) throws 5003`, async () =>
    throwsSync(() => instance.getFunction(name as string), 5003));
  await h.run(`callSync(${String(name)}) throws 5003`, async () =>
    throwsSync(() => instance.callSync(name as string, 1), 5003));
  await h.rejects(`callBatch(${String(name)})`, () => instance.callBatch(name as string, [[1]]), 5003);
}

// Traps and limits through the fast paths.
const ok = instance.getFunction("ok");
await h.run("callSync trap is 5002, then usable", async () => {
  throwsSync(() => instance.callSync("boom"), 5002);
  throwsSync(() => instance.getFunction("boom").callSync(), 5002);
  throwsSync(() => instance.callSync("recurse"), 5002);
  assertEquals(ok.callSync(), [1]);
});
await h.rejects("callBatch stops at a trap", () => instance.callBatch("boom", [[], []]), 5002);
await h.run("callSync under a timeout: 5012, then usable", async () => {
  const timed = await wasm.instantiate(moduleId, { timeoutMs: 50 });
  throwsSync(() => timed.callSync("forever"), 5012);
  throwsSync(() => timed.getFunction("forever").callSync(), 5012);
  assertEquals(timed.callSync("ok"), [1]);
  await timed.drop();
});
await h.run("callSync under fuel: 5011, then setFuel and usable", async () => {
  const fueled = await wasm.instantiate(moduleId, { fuel: 10_000 });
  throwsSync(() => fueled.callSync("forever"), 5011);
  await fueled.setFuel(1000);
  assertEquals(fueled.getFunction("ok").callSync(), [1]);
  await fueled.drop();
});

// Dropped and forged handles.
await h.run("function handles of a dropped instance are 5005", async () => {
  const doomed = await wasm.instantiate(moduleId);
  const fn = doomed.getFunction("ok");
  assertEquals(fn.callSync(), [1]);
  await doomed.drop();
  throwsSync(() => fn.callSync(), 5005);
  throwsSync(() => doomed.callSync("ok"), 5005);
  throwsSync(() => doomed.getFunction("i32"), 5005);
  // (getFunction of a name resolved before the drop: fast_paths_dropped.ts.)
  for (const attempt of [() => fn.call(), () => fn.callBatch([[]]), () => doomed.callBatch("ok", [[]])]) {
    try {
      await attempt();
      throw new Error("a dropped instance answered");
    } catch (error) {
      expectCodes(error, [5005], "dropped");
    }
  }
});
const Forge = wasm.WasmFunction as unknown as new (...args: unknown[]) => wasm.WasmFunction;
// Forged with ids never issued (a forged handle with a live instance's id reaches that
// instance, as `new Instance(liveId)` does: handles are numbers, not capabilities).
const sig = { index: 0, params: [], results: ["i32"] };
for (const args of [[], [12345, "ok", sig], [0, "ok", sig], [2 ** 32 + 1, "ok", sig], [1.5, "ok", {}], ["x", "ok", null]]) {
  await h.run(`forged WasmFunction(${JSON.stringify(args)}) is 5005`, async () => {
    const forged = new Forge(...args);
    throwsSync(() => forged.callSync(), 5005);
    try {
      await forged.call();
      throw new Error("a forged function answered");
    } catch (error) {
      expectCodes(error, [5005], "forged");
    }
  });
}

// readInto: hostile offsets and buffers, the buffer untouched on failure.
const mem = instance.memory;
await mem.write(0, new Uint8Array([1, 2, 3, 4]));
for (const [label, offset, size] of [
  ["offset -1", -1, 4],
  ["offset 1.5", 1.5, 4],
  ["offset NaN", NaN, 4],
  ["offset Infinity", Infinity, 4],
  ["offset 2^53", 2 ** 53, 4],
  ["offset 2^32 (wraps to 0 as u32)", 2 ** 32, 4],
  ["past the end", 65536 - 2, 4],
  ["a buffer larger than memory", 0, 65537],
] as [string, number, number][]) {
  await h.run(`readInto ${label}: 5006, buffer untouched`, async () => {
    const target = new Uint8Array(size).fill(0xcc);
    try {
      await mem.readInto(offset, target);
      throw new Error("readInto resolved");
    } catch (error) {
      expectCodes(error, [5006], "readInto");
    }
    assert(target.every((b) => b === 0xcc), "the target buffer was written");
  });
}
for (const [label, target] of [
  ["a string", "abcd"],
  ["an array", [0, 0]],
  ["null", null],
  ["a number", 4],
] as [string, unknown][]) {
  await h.rejects(`readInto(${label})`, () => mem.readInto(0, target as Uint8Array), 5006);
}
await h.run("readInto edge cases that work", async () => {
  assertEquals(await mem.readInto(65536, new Uint8Array(0)), 0);
  const sub = new Uint8Array(8).fill(9).subarray(2, 6);
  assertEquals(await mem.readInto(0, sub), 4);
  assertEquals(sub, new Uint8Array([1, 2, 3, 4]));
});

await instance.drop();
await wasm.dropModule(moduleId);
await h.finish(100);

// The fast paths (callSync, function handles, callBatch, readInto) give exactly what the
// async call gives, with the same errors.
import { compileFile, instantiate, types } from "runtime:wasm";
import { assert, assertEquals, assertRejects } from "../_assert.ts";

const m = await instantiate(await compileFile("tests/fixtures/math.wasm"));
// Each case with its exact result: every path must give it, not merely agree with the others.
const cases: [string, unknown[], unknown[]][] = [
  ["add", [2, 3], [5]],
  ["divmod", [-7, 2], [-3, -1]],
  ["id_i32", [4294967295], [-1]],
  ["id_i64", [-9223372036854775808n], [-9223372036854775808n]],
  ["id_i64", [18446744073709551615n], [-1n]],
  ["id_i64", [types.i64(5)], [5n]],
  ["id_f32", [0.1], [Math.fround(0.1)]],
  ["id_f64", [-0], [-0]],
  ["id_f64", [NaN], [NaN]],
  ["id_f64", [9007199254740991n], [9007199254740991]],
  ["compute", [types.f32(1.5), types.f64(2)], [3]],
  ["four", [], [-1, -1n, 1.5, -0]],
];
for (const [name, args, expected] of cases) {
  assertEquals(await m.call(name, ...(args as number[])), expected, `call ${name}`);
  assertEquals(m.callSync(name, ...(args as number[])), expected, `callSync ${name}`);
  const fn = m.getFunction(name);
  assertEquals(fn.callSync(...(args as number[])), expected, `handle.callSync ${name}`);
  assertEquals(await fn.call(...(args as number[])), expected, `handle.call ${name}`);
  assertEquals(await fn.callBatch([args as number[], args as number[]]), [expected, expected], `callBatch ${name}`);
}

// Signatures, and the same handle for the same export.
const add = m.getFunction("add");
assertEquals([add.name, add.params, add.results], ["add", ["i32", "i32"], ["i32"]]);
assert(m.getFunction("add") === add, "handles are cached per export");

// Errors are the converter's, naming the parameter, on every path.
const sync = () => m.callSync("id_i32", "7" as never);
let error: unknown;
try {
  sync();
} catch (e) {
  error = e;
}
assertEquals((error as { code: number }).code, 5007);
assert(String((error as Error).message).includes("argument 1"), String(error));
assertEquals(
  (() => {
    try {
      m.callSync("id_i64", 2 ** 53);
    } catch (e) {
      return (e as { code: number }).code;
    }
  })(),
  5007,
);
await assertRejects(() => add.call(1), 5007, "expected 2 argument(s), got 1");
await assertRejects(() => add.call(1, 2n ** 70n), 5007, "argument 2");
await assertRejects(() => add.callBatch([[1, 2], [3, "x" as never]]), 5007, "argument 2");
await assertRejects(async () => m.getFunction("nope"), 5003);
await assertRejects(async () => m.callSync("nope"), 5003);

// Batches: many calls, one crossing, results in order.
const batch = Array.from({ length: 1000 }, (_, i) => [i, i]);
const sums = await add.callBatch(batch);
assertEquals(sums, batch.map(([a, b]) => [a + b]), "every sum of the batch, in order");
assertEquals(await m.callBatch("add", []), []);

// Traps through the sync path are 5002 and leave the instance usable.
const t = await instantiate(await compileFile("tests/fixtures/traps.wasm"));
assertEquals(
  (() => {
    try {
      t.callSync("div_zero");
    } catch (e) {
      return (e as { code: number }).code;
    }
  })(),
  5002,
);
assertEquals(t.callSync("spin", 3), [3]);

// readInto fills the caller's buffer; writes and reads round-trip.
const p = await instantiate(await compileFile("tests/fixtures/process.wasm"));
await p.memory.write(100, new Uint8Array([5, 6, 7, 8]));
const target = new Uint8Array(4);
assertEquals(await p.memory.readInto(100, target), 4);
assertEquals(Array.from(target), [5, 6, 7, 8]);
await assertRejects(() => p.memory.readInto(65535, new Uint8Array(2)), 5006);
await assertRejects(() => p.memory.readInto(0, [1, 2] as never), 5006);

// While a long call holds the instance, memory access waits for it without blocking JS.
await t.memory.write(0, new Uint8Array([9, 8, 7, 6]));
const busy = t.call("spin", 200_000_000);
const during = await t.memory.read(0, 4);
assertEquals(during, new Uint8Array([9, 8, 7, 6]), "read while a call holds the instance");
const into = new Uint8Array(4);
assertEquals(await t.memory.readInto(0, into), 4);
assertEquals(into, new Uint8Array([9, 8, 7, 6]), "readInto while a call holds the instance");
assertEquals(await busy, [200_000_000]);

// After drop, handles fail with 5005.
await m.drop();
await assertRejects(() => add.call(1, 2), 5005);
await assertRejects(async () => add.callSync(1, 2), 5005);

// Seed "Type System": automatic conversion by the parameter's declared type, and the
// explicit `types` helpers.
import { compileFile, instantiate, types } from "runtime:wasm";
import { assertEquals, assertRejects } from "../_assert.ts";

// process(x: f64) -> x + 1
const p = await instantiate(await compileFile("tests/fixtures/process.wasm"));
assertEquals(await p.call("process", 42), [43]);
assertEquals(await p.call("process", 9007199254740991), [9007199254740992]);
assertEquals(await p.call("process", 3.14159), [3.14159 + 1]);
assertEquals(await p.call("process", 9007199254740991n), [9007199254740992]);

const m = await instantiate(await compileFile("tests/fixtures/math.wasm"));
const [result] = await m.call("add_i32", types.i32(10), types.i32(32));
assertEquals(result, 42);
const [largeResult] = await m.call("add_i64", types.i64(9007199254740991n), types.i64(1n));
assertEquals(largeResult, 9007199254740992n);
const [floatResult] = await m.call("compute", types.f32(3.14159), types.f64(2.71828));
assertEquals(floatResult, Math.fround(3.14159) * 2.71828);

// A types.* value must match the declared type.
await assertRejects(() => m.call("add_i32", types.i64(1n), types.i32(2)), 5007, "types.i64");

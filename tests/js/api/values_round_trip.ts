// Value conversion at the edges, through identity functions.
import { compileFile, instantiate, types } from "runtime:wasm";
import { assert, assertEquals, assertRejects } from "../_assert.ts";

const m = await instantiate(await compileFile("tests/fixtures/math.wasm"));
const id = async (fn: string, v: unknown) => (await m.call(fn, v as number))[0];

// i32: signed range, and u32 inputs keep their bits.
assertEquals(await id("id_i32", -2147483648), -2147483648);
assertEquals(await id("id_i32", 2147483647), 2147483647);
assertEquals(await id("id_i32", 4294967295), -1);
assertEquals(await id("id_u32_as_i64", 4294967295), 4294967295n);
assertEquals(await id("id_i32", 7n), 7);
await assertRejects(() => m.call("id_i32", 4294967296), 5007, "parameter 0");
await assertRejects(() => m.call("id_i32", -2147483649), 5007);
await assertRejects(() => m.call("id_i32", 1.5), 5007, "not an integer");
await assertRejects(() => m.call("id_i32", NaN), 5007);
await assertRejects(() => m.call("id_i32", Infinity), 5007);

// i64: bigint out always; bigint or safe-integer number in.
assertEquals(await id("id_i64", -9223372036854775808n), -9223372036854775808n);
assertEquals(await id("id_i64", 9223372036854775807n), 9223372036854775807n);
assertEquals(await id("id_i64", 18446744073709551615n), -1n);
assertEquals(await id("id_i64", 9007199254740993n), 9007199254740993n);
assertEquals(await id("id_i64", 9007199254740991), 9007199254740991n);
assertEquals(await id("id_i64", -9007199254740991), -9007199254740991n);
await assertRejects(() => m.call("id_i64", 2 ** 53), 5007);
await assertRejects(() => m.call("id_i64", 18446744073709551616n), 5007);
await assertRejects(() => m.call("id_i64", -9223372036854775809n), 5007);

// f32 rounds to single precision; f64 is exact; NaN, -0 and infinities survive.
assertEquals(await id("id_f32", 0.1), Math.fround(0.1));
assertEquals(await id("id_f32", 16777217), 16777216);
assertEquals(await id("id_f64", 0.1), 0.1);
assertEquals(await id("id_f64", -0), -0);
assertEquals(await id("id_f32", -0), -0);
assert(Number.isNaN(await id("id_f64", NaN)), "NaN f64");
assert(Number.isNaN(await id("id_f32", NaN)), "NaN f32");
assertEquals(await id("id_f64", Infinity), Infinity);
assertEquals(await id("id_f64", -Infinity), -Infinity);
assertEquals(await id("id_f32", 1e300), Infinity);
assertEquals(await id("f64_bits", -0), -9223372036854775808n);
assert(Number.isNaN((await m.call("nan_with_payload"))[0] as number), "a NaN result with a payload is NaN");

// Vector and reference parameters cannot come from JS: a clear 5007, not a crash.
const refs = await instantiate(await compileFile("tests/fixtures/refs.wasm"));
await assertRejects(() => refs.call("takes_v128", 1), 5007, "v128");
await assertRejects(() => refs.call("takes_externref", 1), 5007, "externref");
await assertRejects(() => refs.call("returns_funcref"), 5007, "reference");

// Multiple results of every type, in order.
assertEquals(await m.call("four"), [-1, -1n, 1.5, -0]);

// Wrong kinds of values name the parameter.
for (const bad of ["1", {}, [], null, undefined, true]) {
  await assertRejects(() => m.call("id_i32", bad as never), 5007, "argument 1");
}
await assertRejects(() => m.call("add", 1), 5007, "expected 2 argument(s), got 1");
await assertRejects(() => m.call("add", 1, 2, 3), 5007, "got 3");
await assertRejects(() => m.call("id_f64", types.i32(1)), 5007);

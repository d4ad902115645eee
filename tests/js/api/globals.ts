// Exported globals from JS: values round-trip exactly for every numeric type (the call
// converter's rules), immutable and non-numeric globals are refused with 5007, unknown
// names with 5003, a dropped instance with 5005, and wasm and JS see each other's writes.
import { compile, instantiate, types, WasmError, WasmGlobal } from "runtime:wasm";
import { assert, assertEquals, assertRejects } from "../_assert.ts";

const moduleId = await compile(`(module
  (global $i32 (export "i32") (mut i32) (i32.const 0))
  (global $i64 (export "i64") (mut i64) (i64.const 0))
  (global $f32 (export "f32") (mut f32) (f32.const 0))
  (global $f64 (export "f64") (mut f64) (f64.const 0))
  (global (export "const_i32") i32 (i32.const -7))
  (global (export "const_i64") i64 (i64.const -9223372036854775808))
  (global (export "const_nan") f64 (f64.const nan))
  (global (export "const_neg_zero") f32 (f32.const -0))
  (global (export "v128") (mut v128) (v128.const i64x2 0 0))
  (global (export "funcref") (mut funcref) (ref.null func))
  (global (export "externref") externref (ref.null extern))
  (memory (export "memory") 1)
  (func (export "f"))
  (func (export "read_i64") (result i64) (global.get $i64))
  (func (export "read_f64") (result f64) (global.get $f64))
  (func (export "write_i32") (param i32) (global.set $i32 (local.get 0)))
  (func (export "write_i64") (param i64) (global.set $i64 (local.get 0)))
  ;; Spins for about n iterations, then sets the i32 global to 1.
  (func (export "spin_then_set") (param $n i32)
    (loop $again
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $again (i32.gt_s (local.get $n) (i32.const 0))))
    (global.set $i32 (i32.const 1))))`);
const instance = await instantiate(moduleId);
const g = (name: string) => instance.getGlobal(name);

// Handles: name, type, mutability; the class is the exported one.
const i32 = g("i32");
assert(i32 instanceof WasmGlobal, "getGlobal returns a WasmGlobal");
assertEquals([i32.name, i32.type, i32.mutable], ["i32", "i32", true]);
assertEquals([g("const_i64").type, g("const_i64").mutable], ["i64", false]);
assertEquals([g("v128").type, g("funcref").type, g("externref").type], ["v128", "funcref", "externref"]);

// Initial values, immutable ones included.
assertEquals(await g("const_i32").get(), -7);
assertEquals(await g("const_i64").get(), -9223372036854775808n);
assert(Number.isNaN(await g("const_nan").get()), "an f64 NaN global reads as NaN");
assertEquals(await g("const_neg_zero").get(), -0);
assertEquals(await g("i64").get(), 0n, "an i64 reads as a bigint even when it is 0");

/** Set `value`, then expect exactly `expected` back. */
async function roundTrip(name: string, value: number | bigint | ReturnType<typeof types.i32>, expected: unknown) {
  await g(name).set(value);
  assertEquals(await g(name).get(), expected, `${name} set to ${String(value)}`);
}

// i32: signed range, u32 inputs keep their bits (read back signed), exact bigints.
await roundTrip("i32", -2147483648, -2147483648);
await roundTrip("i32", 2147483647, 2147483647);
await roundTrip("i32", 4294967295, -1);
await roundTrip("i32", 7n, 7);
await roundTrip("i32", types.i32(-3), -3);

// i64: bigint in and out at both edges, u64 inputs keep their bits, safe-integer numbers.
await roundTrip("i64", -9223372036854775808n, -9223372036854775808n);
await roundTrip("i64", 9223372036854775807n, 9223372036854775807n);
await roundTrip("i64", 18446744073709551615n, -1n);
await roundTrip("i64", 9007199254740993n, 9007199254740993n);
await roundTrip("i64", 9007199254740991, 9007199254740991n);
await roundTrip("i64", -9007199254740991, -9007199254740991n);
await roundTrip("i64", types.i64(5n), 5n);

// f32 rounds to single precision; f64 is exact; NaN, -0 and infinities survive.
await roundTrip("f32", 0.1, Math.fround(0.1));
await roundTrip("f32", 16777217, 16777216);
await roundTrip("f32", -0, -0);
await roundTrip("f32", 1e300, Infinity);
await roundTrip("f32", NaN, NaN);
await roundTrip("f64", 0.1, 0.1);
await roundTrip("f64", -0, -0);
await roundTrip("f64", NaN, NaN);
await roundTrip("f64", -Infinity, -Infinity);
await roundTrip("f64", Number.MIN_VALUE, Number.MIN_VALUE);
await roundTrip("f64", 2n ** 60n, 2 ** 60);
await roundTrip("f64", types.f64(1.5), 1.5);

// Refused values are 5007 naming the global and its type, and change nothing.
await g("i32").set(11);
await g("i64").set(12n);
await g("f32").set(13);
await g("f64").set(14);
const refused: [string, unknown, string][] = [
  ["i32", 4294967296, "does not fit in 32 bits"],
  ["i32", -2147483649, "does not fit in 32 bits"],
  ["i32", 1.5, "not an integer"],
  ["i32", NaN, "not an integer"],
  ["i32", "1", "a string"],
  ["i32", {}, "an object"],
  ["i32", null, "null"],
  ["i32", undefined, "undefined"],
  ["i32", true, "boolean"],
  ["i32", types.f64(1), "types.f64(...) was given"],
  ["i64", 2 ** 53, "not a safe integer"],
  ["i64", 18446744073709551616n, "does not fit in 64 bits"],
  ["i64", -9223372036854775809n, "does not fit in 64 bits"],
  ["i64", types.i32(1), "types.i32(...) was given"],
  ["f32", 16777217n, "cannot be represented exactly as f32"],
  ["f64", 9007199254740993n, "cannot be represented exactly as f64"],
  ["f64", 2n ** 2000n, "out of range"],
];
for (const [name, value, reason] of refused) {
  const error = await assertRejects(() => g(name).set(value as number), 5007, reason);
  assert(error.message.startsWith(`global "${name}" (${name}): `), `the message names the global: ${error.message}`);
}
assertEquals(
  [await g("i32").get(), await g("i64").get(), await g("f32").get(), await g("f64").get()],
  [11, 12n, 13, 14],
  "refused values left the globals unchanged",
);

// Immutable globals: 5007, and the value stays.
await assertRejects(() => g("const_i32").set(1), 5007, `global "const_i32" is immutable`);
await assertRejects(() => g("const_i64").set(1n), 5007, "immutable");
// Immutability is reported before the value is looked at.
await assertRejects(() => g("const_nan").set("not a number" as never), 5007, "immutable");
assertEquals(await g("const_i32").get(), -7);

// v128 and reference globals cannot cross to JS, either way.
for (const name of ["v128", "funcref", "externref"]) {
  await assertRejects(() => g(name).get(), 5007, `global "${name}" is of type ${name}`);
}
await assertRejects(() => g("v128").set(0), 5007, "v128, which cannot be read or written");
await assertRejects(() => g("funcref").set(0), 5007, "funcref");
await assertRejects(() => g("externref").set(0), 5007, "immutable");

// Unknown names and exports of other kinds are 5003, at getGlobal.
const notFound = (fn: () => unknown) => assertRejects(async () => await fn(), 5003);
await notFound(() => g("missing"));
await notFound(() => g(""));
await assertRejects(async () => g("f"), 5003, `export "f" is not a global`);
await assertRejects(async () => g("memory"), 5003, "not a global");
await assertRejects(async () => instance.getGlobal(1 as unknown as string), 5003, "must be a string");
try {
  g("missing");
  assert(false, "getGlobal of a missing export throws synchronously");
} catch (error) {
  assert(error instanceof WasmError && error.code === 5003, `getGlobal throws a 5003, got ${String(error)}`);
}

// Wasm and JS see each other's writes: one global, however many handles.
await instance.call("write_i64", -5n);
assertEquals(await g("i64").get(), -5n, "JS sees what wasm wrote");
await g("i64").set(9223372036854775807n);
assertEquals(await instance.call("read_i64"), [9223372036854775807n], "wasm sees what JS wrote");
await g("f64").set(-0);
assertEquals(instance.callSync("read_f64"), [-0], "-0 written from JS is -0 in wasm");
const first = g("i32");
const second = g("i32");
await first.set(100);
assertEquals(await second.get(), 100, "two handles of one export share the global");
instance.callSync("write_i32", 101);
assertEquals(await first.get(), 101);

// A read while a call holds the instance waits for the call (off the JS thread) and then
// sees what it wrote. The call runs far longer than an epoch tick, so it has moved to a
// worker holding the instance when the read starts.
await g("i32").set(0);
const spinning = instance.call("spin_then_set", 50_000_000);
const during = g("i32").get();
const write = g("i32").set(2);
assertEquals(await during, 1, "a read during a call waits for it and sees its write");
await write;
await spinning;
assertEquals(await g("i32").get(), 2, "a write during a call lands after it");

// Operations queued behind a call take the instance in the order they were issued: each
// read sees the write issued just before it, never a later one.
const busy = instance.call("spin_then_set", 50_000_000);
const seen: Promise<number | bigint>[] = [];
const writes: Promise<void>[] = [];
for (let i = 0; i < 20; i++) {
  writes.push(g("i32").set(1000 + i));
  seen.push(g("i32").get());
}
await busy;
await Promise.all(writes);
assertEquals(await Promise.all(seen), Array.from({ length: 20 }, (_, i) => 1000 + i), "queued operations keep their order");
await g("i32").set(2);

// Another instance of the module has globals of its own.
const other = await instantiate(moduleId);
await other.getGlobal("i32").set(-9);
assertEquals(await g("i32").get(), 2, "instances do not share globals");
assertEquals(await other.getGlobal("i32").get(), -9);
await other.drop();

// After drop: getGlobal, and handles made before, fail with 5005.
const kept = g("i64");
await instance.drop();
await assertRejects(async () => instance.getGlobal("i64"), 5005);
await assertRejects(() => kept.get(), 5005);
await assertRejects(() => kept.set(1n), 5005);
console.log("globals ok");

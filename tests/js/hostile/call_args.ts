// Hostile call arguments: every value that cannot be represented exactly in the declared
// parameter type is 5007 (naming the argument), for every value type, plain and through
// `types.*`, and for wrong argument counts; bad export names are 5003. Values that are
// representable (negative i32, unsigned i32, safe-integer i64, -0, NaN for floats) pass.
import * as wasm from "runtime:wasm";
import { assert, assertEquals } from "../_assert.ts";
import { hostile } from "./_harness.ts";

const h = await hostile("call_args");
const instance = await wasm.instantiate(
  await wasm.compile(`(module
    (memory (export "memory") 1)
    (global (export "g") i32 (i32.const 1))
    (func (export "i32") (param i32) (result i32) local.get 0)
    (func (export "i64") (param i64) (result i64) local.get 0)
    (func (export "f32") (param f32) (result f32) local.get 0)
    (func (export "f64") (param f64) (result f64) local.get 0)
    (func (export "two") (param i32 i64) (result i32) local.get 0)
    (func (export "v128") (param v128))
    (func (export "externref") (param externref))
    (func (export "funcref") (param funcref))
    (func (export "ret_v128") (result v128) v128.const i64x2 0 0)
    (func (export "ret_externref") (result externref) ref.null extern))`),
);

// Not a number, bigint or types.* value: 5007 for every parameter type.
const notValues: [string, unknown][] = [
  ["a string", "5"],
  ["an empty string", ""],
  ["an object", {}],
  ["an array", [1]],
  ["undefined", undefined],
  ["null", null],
  ["a boolean", true],
  ["a symbol", Symbol("x")],
  ["a function", () => 1],
  ["a Number object", new Number(5)],
  ["a look-alike typed value", { type: "i32", value: 1 }],
  ["a Uint8Array", new Uint8Array([1])],
  ["a Date", new Date(0)],
];
for (const type of ["i32", "i64", "f32", "f64"]) {
  for (const [label, value] of notValues) {
    await h.rejects(`${type}(${label})`, () => instance.call(type, value as number), 5007, "argument 1");
  }
}

// A value whose property reads throw: still a WasmError, not the proxy's exception.
await h.rejects(
  "i32(a Proxy that throws on every read)",
  () => instance.call("i32", new Proxy({}, { get: () => { throw new Error("proxy trap"); } }) as number),
  5007,
);

// Numbers and bigints that do not fit: 5007, naming the parameter.
const misfits: [string, string, unknown][] = [
  ["i32", "NaN", NaN],
  ["i32", "Infinity", Infinity],
  ["i32", "-Infinity", -Infinity],
  ["i32", "fractional", 1.5],
  ["i32", "tiny fraction", Number.MIN_VALUE],
  ["i32", "2^32", 2 ** 32],
  ["i32", "-2^31 - 1", -(2 ** 31) - 1],
  ["i32", "2^53", 2 ** 53],
  ["i32", "1e300", 1e300],
  ["i32", "bigint 2^32", 2n ** 32n],
  ["i32", "bigint -2^31 - 1", -(2n ** 31n) - 1n],
  ["i32", "bigint 2^200", 2n ** 200n],
  ["i64", "NaN", NaN],
  ["i64", "Infinity", Infinity],
  ["i64", "fractional", -0.25],
  ["i64", "2^53 (not a safe integer)", 2 ** 53],
  ["i64", "-(2^53)", -(2 ** 53)],
  ["i64", "1e300", 1e300],
  ["i64", "bigint 2^64", 2n ** 64n],
  ["i64", "bigint -2^63 - 1", -(2n ** 63n) - 1n],
  ["i64", "bigint -2^200", -(2n ** 200n)],
  ["f32", "bigint 2^24 + 1 (not exact)", 2n ** 24n + 1n],
  ["f32", "bigint 2^200", 2n ** 200n],
  ["f64", "bigint 2^53 + 1 (not exact)", 2n ** 53n + 1n],
  ["f64", "bigint -(2^63) - 1", -(2n ** 63n) - 1n],
  ["f64", "bigint 2^1000 + 1 (not exact)", 2n ** 1000n + 1n],
  ["f64", "bigint 2^1024 (past the largest double)", 2n ** 1024n],
  ["f32", "bigint 2^128 (past the largest float)", 2n ** 128n],
  ["f32", "bigint 2^100 + 1 (not exact)", 2n ** 100n + 1n],
];
for (const [type, label, value] of misfits) {
  await h.rejects(`${type}(${label})`, () => instance.call(type, value as number), 5007, `(parameter 0, ${type})`);
}

// Explicit types that do not match the declaration, or hold the wrong kind of value.
const explicit: [string, string, wasm.TypedValue][] = [
  ["i32", "types.i64", wasm.types.i64(1n)],
  ["i32", "types.f64", wasm.types.f64(1)],
  ["i64", "types.i32", wasm.types.i32(1)],
  ["f32", "types.f64", wasm.types.f64(1)],
  ["f64", "types.f32", wasm.types.f32(1)],
  ["i32", "types.i32(1.5)", wasm.types.i32(1.5)],
  ["i32", "types.i32('1')", wasm.types.i32("1" as unknown as number)],
  ["i64", "types.i64(2^53)", wasm.types.i64(2 ** 53)],
  ["i64", "types.i64(null)", wasm.types.i64(null as unknown as number)],
  ["f64", "types.f64({})", wasm.types.f64({} as number)],
];
for (const [type, label, value] of explicit) {
  await h.rejects(`${type}(${label})`, () => instance.call(type, value), 5007);
}

// Wrong argument counts.
await h.rejects("i32 with no argument", () => instance.call("i32"), 5007, "expected 1 argument");
await h.rejects("i32 with two arguments", () => instance.call("i32", 1, 2), 5007, "expected 1 argument");
await h.rejects("two with 1000 arguments", () => instance.call("two", ...new Array(1000).fill(0)), 5007);
await h.rejects("two, second argument bad", () => instance.call("two", 1, 1.5), 5007, "argument 2");
await h.rejects("callWith args not an array", () => instance.callWith("i32", 5 as unknown as number[], {}), 5007);
await h.rejects(
  "callWith args array-like",
  () => instance.callWith("i32", { length: 1, 0: 5 } as unknown as number[], {}),
  5007,
);
await h.rejects("callWith options not an object", () => instance.callWith("i32", [5], 5 as wasm.CallOptions), 5007);
await h.rejects("callWith options null", () => instance.callWith("i32", [5], null as unknown as wasm.CallOptions), 5007);
await h.rejects(
  "callWith unknown option",
  () => instance.callWith("i32", [5], { fule: 5 } as wasm.CallOptions),
  5007,
  "fuel",
);
await h.rejects(
  "callWith fuel as a string",
  () => instance.callWith("i32", [5], { fuel: "5" } as unknown as wasm.CallOptions),
  5007,
);

// Types JS cannot pass or receive.
for (const type of ["v128", "externref", "funcref"]) {
  await h.rejects(`${type} parameter`, () => instance.call(type, 0), 5007, type);
}
await h.rejects("v128 result", () => instance.call("ret_v128"), 5007);
await h.rejects("externref result", () => instance.call("ret_externref"), 5007);

// Export names that are not functions, or not there.
const badNames: [string, unknown][] = [
  ["missing", "nope"],
  ["empty", ""],
  ["memory (not a function)", "memory"],
  ["global (not a function)", "g"],
  ["NUL inside", "i32\0"],
  ["lone surrogate", "\ud800"],
  ["1 MiB long", "x".repeat(1 << 20)],
  ["a number", 5],
  ["undefined", undefined],
  ["an object", { toString: () => "i32" }],
];
for (const [label, name] of badNames) {
  await h.rejects(`call export named ${label}`, () => instance.call(name as string, 1), 5003);
}

// Representable values pass unchanged.
await h.run("representable values", async () => {
  assertEquals(await instance.call("i32", -1), [-1]);
  assertEquals(await instance.call("i32", -(2 ** 31)), [-(2 ** 31)]);
  assertEquals(await instance.call("i32", 2 ** 32 - 1), [-1], "u32 input keeps its bits");
  assertEquals(await instance.call("i32", -0), [0]);
  assertEquals(await instance.call("i32", 7n), [7]);
  assertEquals(await instance.call("i64", Number.MAX_SAFE_INTEGER), [BigInt(Number.MAX_SAFE_INTEGER)]);
  assertEquals(await instance.call("i64", -(2n ** 63n)), [-(2n ** 63n)]);
  assertEquals(await instance.call("i64", 2n ** 64n - 1n), [-1n]);
  const [nan] = await instance.call("f64", NaN);
  assert(Number.isNaN(nan), "NaN survives f64");
  assertEquals(await instance.call("f64", -0), [-0]);
  assertEquals(await instance.call("f32", Infinity), [Infinity]);
  assertEquals(await instance.call("f64", 2n ** 53n), [2 ** 53]);
  // Bigints a float holds exactly pass, however large.
  assertEquals(await instance.call("f64", 2n ** 1000n), [2 ** 1000]);
  assertEquals(await instance.call("f64", -(2n ** 127n)), [-(2 ** 127)]);
  assertEquals(await instance.call("f32", 2n ** 127n), [2 ** 127]);
});

await h.finish(110);

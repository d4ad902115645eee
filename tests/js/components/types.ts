// Component values both ways, with jco's mapping: every echo function of the `types`
// fixture (tests/components/README.md) returns its argument as it went in, at the edges of
// each type; a value that does not fit its WIT type is 5007 naming where it sits
// (`echo-point(x).yCoord`), before the call, so the instance stays usable; a function's
// own `result` returns its ok value or throws 5014 with the err value as `payload`.
import { compileFile, instantiateComponent, WasmError } from "runtime:wasm";
import { assert, assertEquals, assertRejects } from "../_assert.ts";

const instance = await instantiateComponent(await compileFile("tests/components/types.wasm"));
// deno-lint-ignore no-explicit-any
const echo = instance.exports.echo as Record<string, (...args: any[]) => Promise<any>>;
let cases = 0;

/** echo-<kind>(value) returns `expected` (the value itself unless given). */
async function roundTrip(fn: string, value: unknown, ...out: unknown[]): Promise<void> {
  const expected = out.length > 0 ? out[0] : value;
  const got = await echo[fn](value);
  assertEquals(got, expected, `${fn}(${label(value)})`);
  cases++;
}

/** echo-<kind>(value) is 5007 with a message containing `path` (and `says`, when given). */
async function refused(fn: string, value: unknown, path: string, says?: string): Promise<WasmError> {
  const error = await assertRejects(() => echo[fn](value), 5007, path);
  if (says !== undefined) assert(error.message.includes(says), `${fn}: expected ${JSON.stringify(says)} in ${JSON.stringify(error.message)}`);
  cases++;
  return error;
}

function label(value: unknown): string {
  try {
    const text = JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? `${v}n` : v)) ?? String(value);
    return text.length > 80 ? `${text.slice(0, 80)}...` : text;
  } catch {
    return String(value).slice(0, 80);
  }
}

// ---- top level -----------------------------------------------------------------------

assertEquals(await instance.exports.add(2n, 3n), 5n, "add(2n, 3n)");
assertEquals(await instance.exports.add(Number.MAX_SAFE_INTEGER, 1), 2n ** 53n, "add of safe-integer numbers gives a bigint");
assertEquals(await instance.call("add", 2n ** 64n - 1n, 2n), 1n, "add wraps at 2^64");
assertEquals(await instance.exports.greet("wasm"), "hello, wasm");
assertEquals(await echo.greet("ünï"), "hello, ünï", "the interface's greet");
await assertRejects(() => instance.exports.add(1n), 5007, "takes 2 argument(s)");
await assertRejects(() => instance.exports.add(1n, 2n, 3n), 5007, "got 3");
await assertRejects(() => echo.nothing(1), 5007, "takes 0 argument(s)");
await assertRejects(() => instance.exports.add(2 ** 53 + 2, 0), 5007, "add(a)");
await assertRejects(() => instance.exports.add(1.5, 0), 5007, "add(a)");
assertEquals(await echo.nothing(), undefined, "nothing()");
cases += 11;

// ---- scalars -------------------------------------------------------------------------

for (const b of [true, false]) await roundTrip("echoBool", b);
await refused("echoBool", 1, "echo-bool(x)", "true or false");
await refused("echoBool", undefined, "echo-bool(x)");

const ints: [string, string, number, number][] = [
  ["echoS8", "s8", -128, 127],
  ["echoU8", "u8", 0, 255],
  ["echoS16", "s16", -32768, 32767],
  ["echoU16", "u16", 0, 65535],
  ["echoS32", "s32", -(2 ** 31), 2 ** 31 - 1],
  ["echoU32", "u32", 0, 2 ** 32 - 1],
];
for (const [fn, wit, min, max] of ints) {
  const kebab = `echo-${wit}(x)`;
  for (const v of [min, max, 0, 1]) await roundTrip(fn, v);
  await roundTrip(fn, BigInt(max), max); // a bigint is accepted in, a number comes out
  await refused(fn, max + 1, kebab, `${max + 1} is out of range for ${wit} (${min}..=${max})`);
  await refused(fn, min - 1, kebab, `out of range for ${wit}`);
  await refused(fn, 1.5, kebab, `a whole number (${wit})`);
  await refused(fn, NaN, kebab);
  await refused(fn, "1", kebab);
}
assert(Object.is(await echo.echoS8(-0), 0), "-0 as s8 comes back as 0");

for (const v of [0n, 1n, -1n, -(2n ** 63n), 2n ** 63n - 1n]) await roundTrip("echoS64", v);
await roundTrip("echoS64", -5, -5n);
await roundTrip("echoS64", Number.MIN_SAFE_INTEGER, BigInt(Number.MIN_SAFE_INTEGER));
await refused("echoS64", 2n ** 63n, "echo-s64(x)", "out of range for s64");
await refused("echoS64", -(2n ** 63n) - 1n, "echo-s64(x)", "out of range for s64");
await refused("echoS64", 2 ** 60, "echo-s64(x)"); // a number past 2^53 is not exact
for (const v of [0n, 2n ** 64n - 1n, 2n ** 63n]) await roundTrip("echoU64", v);
await roundTrip("echoU64", Number.MAX_SAFE_INTEGER, 2n ** 53n - 1n);
await refused("echoU64", 2n ** 64n, "echo-u64(x)", "out of range for u64");
await refused("echoU64", -1n, "echo-u64(x)", "out of range for u64");
await refused("echoU64", 2n ** 128n, "echo-u64(x)");

for (const v of [0, 1.5, -2.25, Infinity, -Infinity, 3.4028234663852886e38]) await roundTrip("echoF32", v);
await roundTrip("echoF32", NaN);
await roundTrip("echoF32", 0.1, Math.fround(0.1)); // rounded to f32
await roundTrip("echoF32", 1e40, Infinity); // past f32's range
await roundTrip("echoF32", 1e-46, 0);
assert(Object.is(await echo.echoF32(-0), -0), "f32 keeps -0");
for (const v of [0, 0.1, -1e308, Number.MAX_VALUE, Number.MIN_VALUE, Infinity, -Infinity, NaN]) {
  await roundTrip("echoF64", v);
}
assert(Object.is(await echo.echoF64(-0), -0), "f64 keeps -0");
await refused("echoF32", 1n, "echo-f32(x)", "a number (f32)");
await refused("echoF64", "1.0", "echo-f64(x)", "a number (f64)");

for (const c of ["a", "\0", "é", "中", "😀", "\u{10FFFF}", "\uFFFF"]) await roundTrip("echoChar", c);
await refused("echoChar", "ab", "echo-char(x)", "one character");
await refused("echoChar", "", "echo-char(x)", "one character");
await refused("echoChar", "e\u0301", "echo-char(x)"); // two code points
await refused("echoChar", 97, "echo-char(x)");

for (const s of ["", "plain", "naïve ☃", "😀 astral 𝄞", "nul\0inside", "x".repeat(100_000)]) {
  await roundTrip("echoString", s);
}
// A lone surrogate cannot be UTF-8: it is replaced (as TextEncoder does), never a crash.
assertEquals(await echo.echoString("a\uD800b"), "a\uFFFDb", "a lone surrogate becomes U+FFFD");
await refused("echoString", 1, "echo-string(x)", "a string");
await refused("echoString", null, "echo-string(x)");

// ---- lists -----------------------------------------------------------------------------

await roundTrip("echoBytes", new Uint8Array([]));
await roundTrip("echoBytes", new Uint8Array([0, 1, 254, 255]));
await roundTrip("echoBytes", [1, 2, 255], new Uint8Array([1, 2, 255])); // an array of numbers in
const big = new Uint8Array(1 << 20).map((_, i) => (i * 7) & 0xff);
await roundTrip("echoBytes", big);
// A view into a larger buffer sends only its own bytes.
await roundTrip("echoBytes", new Uint8Array([9, 8, 7, 6, 5]).subarray(1, 3), new Uint8Array([8, 7]));
await refused("echoBytes", [1, 256], "echo-bytes(x)[1]", "out of range for u8");
await refused("echoBytes", "abc", "echo-bytes(x)", "list<u8>");
await refused("echoBytes", new Uint16Array([1]), "echo-bytes(x)");

await roundTrip("echoStrings", []);
await roundTrip("echoStrings", ["", "a", "😀", "ü".repeat(1000)]);
await refused("echoStrings", ["a", 2], "echo-strings(x)[1]", "a string");
await refused("echoStrings", "a", "echo-strings(x)", "an array");

// ---- records, tuples ---------------------------------------------------------------------

await roundTrip("echoPoint", { xCoord: 1, yCoord: -2 });
await roundTrip("echoPoint", { xCoord: -(2 ** 31), yCoord: 2 ** 31 - 1 });
// Key order in does not matter; out, fields come in declaration order.
assertEquals(Object.keys(await echo.echoPoint({ yCoord: 4, xCoord: 3 })), ["xCoord", "yCoord"], "field order");
await refused("echoPoint", { xCoord: 1 }, "echo-point(x).yCoord", "missing field");
await refused("echoPoint", { xCoord: 1, yCoord: 2, zCoord: 3 }, "echo-point(x)", "unknown field \"zCoord\"");
await refused("echoPoint", { x_coord: 1, yCoord: 2 }, "echo-point(x)", "unknown field");
await refused("echoPoint", { "x-coord": 1, "y-coord": 2 }, "echo-point(x)", "unknown field");
await refused("echoPoint", { xCoord: 2 ** 31, yCoord: 0 }, "echo-point(x).xCoord", "out of range for s32");
await refused("echoPoint", [1, 2], "echo-point(x)", "an object (record)");
await refused("echoPoint", null, "echo-point(x)");

await roundTrip("echoPoints", []);
const points = Array.from({ length: 1000 }, (_, i) => ({ xCoord: i, yCoord: -i | 0 }));
await roundTrip("echoPoints", points);
await refused("echoPoints", [{ xCoord: 0, yCoord: 0 }, { xCoord: 1, yCoord: "2" }], "echo-points(x)[1].yCoord");

await roundTrip("echoBag", { name: "b", maybe: 7, items: [1, 2, 3] });
await roundTrip("echoBag", { name: "", maybe: 0, items: [] });
await roundTrip("echoBag", { name: "n", items: [4] }, { name: "n", maybe: undefined, items: [4] });
await roundTrip("echoBag", { name: "n", maybe: null, items: [] }, { name: "n", maybe: undefined, items: [] });
const bag = await echo.echoBag({ name: "k", items: [] });
assert(Object.hasOwn(bag, "maybe") && bag.maybe === undefined, "an absent option field comes back as a key holding undefined");
await refused("echoBag", { name: "n", maybe: -1, items: [] }, "echo-bag(x).maybe", "out of range for u32");
await refused("echoBag", { name: "n", maybe: 1, items: [1, -1] }, "echo-bag(x).items[1]");
await refused("echoBag", { name: "n", maybe: 1 }, "echo-bag(x).items", "missing field");
await refused("echoBag", { name: "n", mabye: 1, items: [] }, "echo-bag(x)", "unknown field \"mabye\"");

await roundTrip("echoTuple", [0, ""]);
await roundTrip("echoTuple", [2 ** 32 - 1, "ünï"]);
await refused("echoTuple", [1], "echo-tuple(x)", "an array of 2 items (tuple)");
await refused("echoTuple", [1, "a", 2], "echo-tuple(x)", "2 items");
await refused("echoTuple", ["a", 1], "echo-tuple(x)[0]");
await refused("echoTuple", { 0: 1, 1: "a" }, "echo-tuple(x)");

await roundTrip("echoPairs", []);
await roundTrip("echoPairs", [["a", 1], ["😀", 2 ** 32 - 1], ["", 0]]);
await refused("echoPairs", [["a", 1], ["b"]], "echo-pairs(x)[1]", "tuple");
await refused("echoPairs", [["a", 1], [2, 2]], "echo-pairs(x)[1][0]", "a string");

// ---- variants, enums, flags ------------------------------------------------------------

await roundTrip("echoShape", { tag: "circle", val: 1.5 });
await roundTrip("echoShape", { tag: "circle", val: 0.1 }, { tag: "circle", val: Math.fround(0.1) });
await roundTrip("echoShape", { tag: "square", val: 2 ** 32 - 1 });
await roundTrip("echoShape", { tag: "nothing" });
await roundTrip("echoShape", { tag: "nothing", val: undefined }, { tag: "nothing" });
await refused("echoShape", { tag: "triangle", val: 1 }, "echo-shape(x)", "unknown case \"triangle\"");
await refused("echoShape", { tag: "square" }, "echo-shape(x).val", "missing");
await refused("echoShape", { tag: "nothing", val: 1 }, "echo-shape(x).val", "carries no value");
await refused("echoShape", { tag: "square", val: -1 }, "echo-shape(x).val", "out of range for u32");
await refused("echoShape", { tag: "square", val: 1, extra: 1 }, "echo-shape(x)", "unknown field \"extra\"");
await refused("echoShape", "circle", "echo-shape(x)", "tag");
await refused("echoShape", { val: 1 }, "echo-shape(x)", "missing `tag`");
await refused("echoShape", { tag: 1, val: 1 }, "echo-shape(x).tag", "a string");

for (const c of ["red", "green", "blue"]) await roundTrip("echoColor", c);
await refused("echoColor", "Red", "echo-color(x)", "\"red\", \"green\", \"blue\"");
await refused("echoColor", 0, "echo-color(x)");

// Every combination of the three flags; the output names every flag.
for (let bits = 0; bits < 8; bits++) {
  const full = { read: (bits & 1) !== 0, write: (bits & 2) !== 0, exec: (bits & 4) !== 0 };
  await roundTrip("echoPerms", full);
  // Only the set flags given: the rest are false.
  const sparse = Object.fromEntries(Object.entries(full).filter(([, v]) => v));
  await roundTrip("echoPerms", sparse, full);
}
await roundTrip("echoPerms", { read: undefined, write: true }, { read: false, write: true, exec: false });
await refused("echoPerms", { read: 1 }, "echo-perms(x).read", "true or false");
await refused("echoPerms", { read: true, delete: true }, "echo-perms(x)", "unknown field \"delete\"");
await refused("echoPerms", ["read"], "echo-perms(x)", "flags");

// ---- options ---------------------------------------------------------------------------

await roundTrip("echoOptU32", 0);
await roundTrip("echoOptU32", 2 ** 32 - 1);
await roundTrip("echoOptU32", undefined);
await roundTrip("echoOptU32", null, undefined);
await refused("echoOptU32", -1, "echo-opt-u32(x)", "out of range for u32");
await refused("echoOptU32", { tag: "some", val: 1 }, "echo-opt-u32(x)");

// option<option<string>>: none, some(none), some(some(s)) stay apart.
await roundTrip("echoOptOpt", undefined);
await roundTrip("echoOptOpt", { tag: "none" });
await roundTrip("echoOptOpt", { tag: "some", val: "" });
await roundTrip("echoOptOpt", { tag: "some", val: "x😀" });
const someNone = await echo.echoOptOpt({ tag: "none" });
const none = await echo.echoOptOpt(undefined);
assert(someNone !== undefined && someNone.tag === "none" && none === undefined, "some(none) differs from none");
await refused("echoOptOpt", "bare", "echo-opt-opt(x)", "tag");
await refused("echoOptOpt", { tag: "maybe", val: "x" }, "echo-opt-opt(x)", "unknown case \"maybe\"");
await refused("echoOptOpt", { tag: "some", val: 1 }, "echo-opt-opt(x).val", "a string");

await roundTrip("echoOptPoint", { xCoord: 5, yCoord: 6 });
await roundTrip("echoOptPoint", undefined);
await refused("echoOptPoint", { xCoord: 5 }, "echo-opt-point(x).yCoord", "missing field");

// ---- results inside values --------------------------------------------------------------

await roundTrip("echoOutcome", { id: 1, res: { tag: "ok", val: 42 } });
await roundTrip("echoOutcome", { id: 2 ** 32 - 1, res: { tag: "err", val: "bad 😀" } });
await roundTrip("echoOutcome", { id: 0, res: { tag: "err", val: "" } });
await refused("echoOutcome", { id: 1, res: { tag: "ok", val: "42" } }, "echo-outcome(x).res.val");
await refused("echoOutcome", { id: 1, res: { tag: "err", val: 42 } }, "echo-outcome(x).res.val", "a string");
await refused("echoOutcome", { id: 1, res: { tag: "fine", val: 1 } }, "echo-outcome(x).res", "unknown case \"fine\"");
await refused("echoOutcome", { id: 1, res: 42 }, "echo-outcome(x).res");
await refused("echoOutcome", { id: 1 }, "echo-outcome(x).res", "missing field");

// ---- a function's own result -------------------------------------------------------------

assertEquals(await echo.parse("abc"), 3, "parse(\"abc\")");
assertEquals(await echo.parse("é"), 2, "parse counts UTF-8 bytes");
assertEquals(await echo.parse("😀"), 4, "parse of an astral char");
const parseErr = await assertRejects(() => echo.parse(""), 5014, "empty string");
assertEquals(parseErr.payload, "empty string", "parse(\"\") payload");
assertEquals(parseErr.name, "ErrorResult", "the 5014 error's name");
assertEquals(await echo.check(true), undefined, "check(true) has no payload");
const checkErr = await assertRejects(() => echo.check(false), 5014, "not ok");
assertEquals(checkErr.payload, "not ok", "check(false) payload");
// Returning err is a normal return: the instance goes on.
assertEquals(await echo.parse("ok"), 2, "usable after err");
await assertRejects(() => echo.parse(1), 5007, "parse(s)");
cases += 8;

// ---- many and large arguments ------------------------------------------------------------

const seventeen = Array.from({ length: 17 }, (_, i) => i + 1);
assertEquals(await echo.sum17(...seventeen), 153, "sum17(1..=17)");
assertEquals(await instance.call("my:types/echo@0.1.0#sum17", ...seventeen.map(() => 2 ** 32 - 1)), 2 ** 32 - 17, "sum17 wraps");
await assertRejects(() => echo.sum17(...seventeen.slice(1)), 5007, "takes 17 argument(s)");
await assertRejects(() => echo.sum17(...seventeen, 18), 5007, "got 18");
await assertRejects(() => echo.sum17(...seventeen.slice(0, 16), -1), 5007, "sum17(a17)");

const many = Array.from({ length: 100_000 }, (_, i) => i);
assertEquals(await echo.sumList(many), 4999950000n, "sum-list of 0..100000");
assertEquals(await echo.sumList(new Array(100_000).fill(2 ** 32 - 1)), 100_000n * (2n ** 32n - 1n), "sum-list does not wrap");
assertEquals(await echo.sumList([]), 0n, "sum-list([])");
await assertRejects(() => echo.sumList([...many.slice(0, 500), -1]), 5007, "sum-list(xs)[500]");

const name = "é😀x".repeat(64 * 1024 / 7 + 1).slice(0, 64 * 1024);
assertEquals(await instance.exports.greet(name), "hello, " + name, "greet of a 64 KiB string");
cases += 9;

// A refused value never reached the instance: it still answers.
assertEquals(await echo.echoU8(255), 255, "the instance is still usable after every refusal");

await instance.drop();
console.log(`component types: ${cases} cases`);

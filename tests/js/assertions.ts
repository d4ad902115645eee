// The assertion helpers themselves: `equal` tells apart values that merely look alike, and
// every helper fails when it should. A helper that accepts too much makes every scenario
// that uses it pass for the wrong reason.
import { compile, WasmError } from "runtime:wasm";
import { assert, assertEquals, assertFails, assertFailsAsync, assertRejects, equal } from "./_assert.ts";

const same: [string, unknown, unknown][] = [
  ["NaN", NaN, NaN],
  ["nested arrays", [1, [2, [3n]]], [1, [2, [3n]]]],
  ["objects, keys in another order", { a: 1, b: "x" }, { b: "x", a: 1 }],
  ["Maps, entries in another order", new Map<unknown, unknown>([[1, "a"], ["k", [2]]]), new Map<unknown, unknown>([["k", [2]], [1, "a"]])],
  ["Maps with deep values", new Map([["m", new Map([[1, new Set([2])]])]]), new Map([["m", new Map([[1, new Set([2])]])]])],
  ["Sets, members in another order", new Set([1, "a", 2n]), new Set([2n, 1, "a"])],
  ["Sets of deeply equal objects", new Set([[1], [2]]), new Set([[2], [1]])],
  ["byte arrays", new Uint8Array([1, 2]), new Uint8Array([1, 2])],
  ["ArrayBuffers", new Uint8Array([7, 8]).buffer, new Uint8Array([7, 8]).buffer],
  ["Dates", new Date(5), new Date(5)],
  ["empty Maps", new Map(), new Map()],
];
for (const [label, a, b] of same) {
  assert(equal(a, b), `${label}: equal`);
  assert(equal(b, a), `${label}: equal, the other way round`);
}

const unequal: [string, unknown, unknown][] = [
  ["Maps with another value", new Map([[1, 2]]), new Map([[1, 3]])],
  ["Maps with another key", new Map([[1, 2]]), new Map([[2, 2]])],
  ["a Map with an extra entry", new Map([[1, 2]]), new Map([[1, 2], [3, 4]])],
  ["Maps whose values differ deeply", new Map([[1, { x: [1] }]]), new Map([[1, { x: [2] }]])],
  ["Map keys are not deep", new Map([[[1], "a"]]), new Map([[[1], "a"]])],
  ["a Map and an object", new Map(), {}],
  ["a Map and a Set", new Map(), new Set()],
  ["Sets with another member", new Set([1, 2]), new Set([1, 3])],
  ["a Set with an extra member", new Set([1]), new Set([1, 2])],
  ["Sets matched one to one", new Set([[1], [1]]), new Set([[1], [2]])],
  ["a Set and an array", new Set([1]), [1]],
  ["1 and 1n", 1, 1n],
  ["0 and -0", 0, -0],
  ["an array and an array-like object", [1, 2], { 0: 1, 1: 2 }],
  ["a key set to undefined and another key", { x: undefined }, { y: undefined }],
  ["a key set to undefined and no key", { x: undefined }, {}],
  ["typed arrays of other types, same bytes", new Uint8Array([1, 0]), new Uint16Array([1])],
  ["byte arrays of other lengths", new Uint8Array([1, 2]), new Uint8Array([1, 2, 0])],
  ["ArrayBuffers with other bytes", new Uint8Array([1]).buffer, new Uint8Array([2]).buffer],
  ["Dates with another time", new Date(5), new Date(6)],
  ["a Date and an object", new Date(5), {}],
  ["null and an empty object", null, {}],
  ["undefined and null", undefined, null],
  ["arrays of other lengths", [1], [1, undefined]],
];
for (const [label, a, b] of unequal) {
  assert(!equal(a, b), `${label}: not equal`);
  assert(!equal(b, a), `${label}: not equal, the other way round`);
}

// The helpers fail (and their messages say what differed); assertFails keeps the expected
// failures from being reported to the scenario runner as real ones.
const mapMessage = assertFails(() => assertEquals(new Map([[1, 2]]), new Map([[1, 3]])), "unequal Maps");
assert(mapMessage.includes("Map {1 => 3}") && mapMessage.includes("Map {1 => 2}"), mapMessage);
const setMessage = assertFails(() => assertEquals(new Set([1]), new Set([2]), "sets"), "unequal Sets");
assert(setMessage.startsWith("sets: expected Set {2}, got Set {1}"), setMessage);
assertEquals(assertFails(() => assert(false, "plain"), "assert(false)"), "plain");
assertFails(() => assertEquals([1, 2], [1, 2, 3]), "arrays of other lengths");
// assertFails itself fails when the assertion passes.
const passed = assertFails(() => assertFails(() => assertEquals(1, 1), "inner"), "outer");
assert(passed.includes("inner: expected the assertion to fail"), passed);

// A real WasmError: bytes that are not a module fail to compile with 5000.
const wasmError: unknown = await compile(new Uint8Array([1, 2, 3])).catch((e) => e);
assert(wasmError instanceof WasmError && wasmError.code === 5000, `compile error: ${wasmError}`);
const rejected = () => Promise.reject(wasmError);
assertEquals(await assertRejects(rejected, 5000, wasmError.message), wasmError);
await assertFailsAsync(() => assertRejects(() => Promise.resolve(1)), "a promise that resolves");
await assertFailsAsync(() => assertRejects(() => Promise.reject(new Error("plain"))), "a plain Error");
await assertFailsAsync(() => assertRejects(rejected, 5003), "another code");
await assertFailsAsync(() => assertRejects(rejected, 5000, "not in the message"), "another message");

console.log(`assertions: ${same.length} equal and ${unequal.length} unequal pairs`);

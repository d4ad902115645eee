// Hostile values for component calls: Proxies and throwing getters (5007 with the thrown
// value as `cause`), values nested past the limit, functions and symbols, getters that
// drop the instance or a resource mid-call, and the component ops called directly with
// forged ids, indices and argument buffers (garbage, huge counts and lengths, deep
// nesting, invalid UTF-8, unknown tags, random bytes). Every case ends in a WasmError or
// a correct value, never a crash; the harness's sentinels and a component sentinel answer
// after each case.
import * as wasm from "runtime:wasm";
import { assert, assertEquals } from "../_assert.ts";
import { expectCodes, hostile, prng, randomBytes } from "../hostile/_harness.ts";

const h = await hostile("components");
const typesId = await wasm.compileFile("tests/components/types.wasm");
const pluginId = await wasm.compileFile("tests/components/plugin.wasm");
const sentinel = await wasm.instantiateComponent(typesId);
const instance = await wasm.instantiateComponent(typesId);
const plugin = await wasm.instantiateComponent(pluginId);
// deno-lint-ignore no-explicit-any
const echo = instance.exports.echo as Record<string, (...args: any[]) => Promise<any>>;

/** A case, then the component sentinel answers too. */
async function run(label: string, fn: () => Promise<unknown>): Promise<void> {
  await h.run(label, async () => {
    await fn();
    assertEquals(await sentinel.exports.echo.echoString("still here"), "still here", "the component sentinel");
  });
}

/** A case that must reject with a WasmError of one of `codes` (message containing `includes`). */
async function rejects(label: string, fn: () => unknown, codes: number[], includes?: string): Promise<wasm.WasmError> {
  let caught: unknown;
  await run(label, async () => {
    try {
      await fn();
    } catch (error) {
      caught = error;
    }
    if (caught === undefined) throw new Error("expected a rejection, but it resolved");
    expectCodes(caught, codes, label);
    const message = (caught as wasm.WasmError).message;
    if (includes !== undefined) assert(message.includes(includes), `${label}: expected ${JSON.stringify(includes)} in ${JSON.stringify(message)}`);
  });
  return caught as wasm.WasmError;
}

// ---- Proxies and getters -------------------------------------------------------------------

const boom = new Error("boom from a getter");
const fromGetter = await rejects(
  "a throwing getter in a record",
  () => echo.echoPoint({ get xCoord() { throw boom; }, yCoord: 1 }),
  [5007],
  "boom from a getter",
);
assert(fromGetter.cause === boom, "the getter's error is the cause");
const fromProxy = await rejects(
  "a Proxy whose ownKeys throws",
  () => echo.echoPoint(new Proxy({}, { ownKeys() { throw new RangeError("no keys"); } })),
  [5007],
  "no keys",
);
assert(fromProxy.cause instanceof RangeError, "the trap's error is the cause");
const thrownValue = await rejects(
  "a getter that throws a non-Error",
  () => echo.echoPoint({ get xCoord() { throw 42; }, yCoord: 1 }),
  [5007],
  "reading an argument threw",
);
assert(thrownValue.cause === 42, "a thrown primitive is the cause as it was");
await rejects(
  "a Proxy whose get throws",
  () => echo.echoBag(new Proxy({ name: "n", items: [] }, { get() { throw new Error("get trap"); } })),
  [5007],
  "get trap",
);
await rejects("a throwing getter deep in a list", () =>
  echo.echoPoints([{ xCoord: 1, yCoord: 1 }, { xCoord: 2, get yCoord() { throw new Error("deep"); } }]), [5007], "deep");
await rejects("a throwing array index getter", () => {
  const list = ["a", "b"];
  Object.defineProperty(list, 1, { get() { throw new Error("index 1"); } });
  return echo.echoStrings(list);
}, [5007], "index 1");
// A Proxy that behaves: its values go through like a plain object's.
await run("a well-behaved Proxy record", async () => {
  const reads: string[] = [];
  const proxy = new Proxy({ xCoord: 3, yCoord: 4 }, { get(target, key, receiver) {
    if (typeof key === "string") reads.push(key);
    return Reflect.get(target, key, receiver);
  } });
  assertEquals(await echo.echoPoint(proxy), { xCoord: 3, yCoord: 4 });
  assertEquals(reads.sort(), ["xCoord", "yCoord"], "each field read once");
});
// A Proxy around an array is still an array; around a resource it is no resource.
await run("a Proxy of an array", async () => assertEquals(await echo.echoStrings(new Proxy(["p", "q"], {})), ["p", "q"]));
const counter = await plugin.exports.api.Counter.create(1);
await rejects("a Proxy of a resource is no resource", () => counter.addFrom(new Proxy(counter, {})), [5007], "a resource object");
await rejects("a resource's method on a Proxy of it", () => counter.incr.call(new Proxy(counter, {})), [5007], "a resource object");
await run("the counter is intact", async () => assertEquals(await counter.incr(), 2));

// ---- values that are not values -------------------------------------------------------------

for (const [label, value, says] of [
  ["a function", () => 1, "a function"],
  ["a class", class {}, "a function"],
  ["a symbol", Symbol("s"), "symbol"],
] as [string, unknown, string][]) {
  await rejects(`${label} as a string`, () => echo.echoString(value), [5007], says);
  await rejects(`${label} in a record field`, () => echo.echoPoint({ xCoord: value, yCoord: 1 }), [5007], "echo-point(x).xCoord");
  await rejects(`${label} in a list`, () => echo.echoStrings(["a", value]), [5007], "echo-strings(x)[1]");
  await rejects(`${label} as a variant`, () => echo.echoShape(value), [5007], "echo-shape(x)");
}
// Symbol-keyed and non-enumerable properties are not fields.
await run("symbol keys are ignored", async () =>
  assertEquals(await echo.echoPoint({ xCoord: 1, yCoord: 2, [Symbol("k")]: 3 }), { xCoord: 1, yCoord: 2 }));
await rejects("a non-enumerable field is missing", () => {
  const p = { xCoord: 1 };
  Object.defineProperty(p, "yCoord", { value: 2, enumerable: false });
  return echo.echoPoint(p);
}, [5007], "echo-point(x).yCoord: missing field");
for (const [label, value] of [
  ["a Date", new Date(0)],
  ["a Map", new Map([["xCoord", 1], ["yCoord", 2]])],
  ["a Promise", Promise.resolve(1)],
  ["a Uint16Array", new Uint16Array([1, 2])],
  ["an ArrayBuffer", new ArrayBuffer(2)],
  ["a DataView", new DataView(new ArrayBuffer(2))],
] as [string, unknown][]) {
  await rejects(`${label} as bytes`, () => echo.echoBytes(value), [5007], "echo-bytes(x)");
  await rejects(`${label} as a record`, () => echo.echoPoint(value), [5007], "echo-point(x)");
}
await rejects("a huge bigint", () => echo.echoU64(10n ** 1000n), [5007], "echo-u64(x)");
await rejects("a record with 100000 keys", () => {
  const wide: Record<string, number> = { xCoord: 1, yCoord: 2 };
  for (let i = 0; i < 100_000; i++) wide[`k${i}`] = i;
  return echo.echoPoint(wide);
}, [5007], "unknown field");
await rejects("an array of 1e6 holes as list<string>", () => echo.echoStrings(new Array(1_000_000)), [5007], "echo-strings(x)[0]");
await rejects("a detached Uint8Array", () => {
  const bytes = new Uint8Array([1, 2, 3]);
  (bytes.buffer as ArrayBuffer & { transfer(): ArrayBuffer }).transfer(); // detaches it
  return echo.echoBytes(bytes);
}, [5007], "detached");

// ---- nesting ---------------------------------------------------------------------------------

for (const depth of [201, 1000, 100_000]) {
  let nested: unknown = "leaf";
  for (let i = 0; i < depth; i++) nested = [nested];
  await rejects(`arrays nested ${depth} deep`, () => echo.echoStrings(nested), [5007], "nested more than 200 levels");
  let objects: unknown = 1;
  for (let i = 0; i < depth; i++) objects = { xCoord: objects, yCoord: 0 };
  await rejects(`records nested ${depth} deep`, () => echo.echoPoint(objects), [5007], "nested more than 200 levels");
}
await rejects("a cyclic array", () => {
  const cyclic: unknown[] = [];
  cyclic.push(cyclic);
  return echo.echoStrings(cyclic);
}, [5007], "nested more than 200 levels");
await rejects("a cyclic object", () => {
  const cyclic: Record<string, unknown> = { xCoord: 1 };
  cyclic.yCoord = cyclic;
  return echo.echoPoint(cyclic);
}, [5007], "nested more than 200 levels");
// Just under the limit is still read (and refused by type, naming the path).
await run("arrays nested 150 deep are read", async () => {
  let nested: unknown = "leaf";
  for (let i = 0; i < 150; i++) nested = [nested];
  try {
    await echo.echoStrings(nested);
  } catch (error) {
    expectCodes(error, [5007], "nested 150");
    assert((error as Error).message.includes("echo-strings(x)[0]"), (error as Error).message);
    return;
  }
  throw new Error("a nested array passed as list<string>");
});

// ---- getters that change the world mid-call ---------------------------------------------------

await run("a getter that drops the instance", async () => {
  const victim = await wasm.instantiateComponent(typesId);
  try {
    await victim.exports.echo.echoPoint({ get xCoord() { victim.drop(); return 1; }, yCoord: 2 });
    throw new Error("the call went through on a dropped instance");
  } catch (error) {
    expectCodes(error, [5005], "dropped mid-call");
  }
});
await run("a plain object for a borrow, then a dropped resource", async () => {
  const other = await plugin.exports.api.Counter.create(5);
  const target = await plugin.exports.api.Counter.create(0);
  try {
    await plugin.call("my:plugin/api@0.1.0#[method]counter.add-from", target, { get x() { return 1; } });
  } catch (error) {
    expectCodes(error, [5007], "a plain object for a borrow");
  }
  other.drop();
  try {
    await target.addFrom(other);
    throw new Error("a dropped resource was lent");
  } catch (error) {
    expectCodes(error, [5007], "dropped resource");
  }
  assertEquals(await target.incr(), 1, "the target is unchanged");
  target.drop();
});
await run("a getter that starts another call on the same instance", async () => {
  let inner: Promise<unknown> | undefined;
  const out = await echo.echoPoint({ get xCoord() { inner = echo.echoU8(7); return 1; }, yCoord: 2 });
  assertEquals(out, { xCoord: 1, yCoord: 2 });
  assertEquals(await inner, 7, "the nested call ran too");
});
// Arrays whose getters change their length mid-encoding. KNOWN BUG (see _bugs.md, 3): with
// a shrink and a grow the buffer parses as a different, valid value; left out here.
await rejects("an array that shrinks while it is read", () => {
  const list = ["x", "y", "z"];
  Object.defineProperty(list, 0, { get() { list.length = 1; return "x"; }, enumerable: true, configurable: true });
  return echo.echoStrings(list);
}, [5007]);
// The length is read once, before the items: an array that grows while it is read is sent
// as it was when the call began.
await run("an array that grows while it is read", async () => {
  const list = ["x"];
  Object.defineProperty(list, 0, { get() { list.push("more"); return "x"; }, enumerable: true, configurable: true });
  const got = await echo.echoStrings(list);
  assert(got.length === 1 && got[0] === "x", `sent as it began: ${JSON.stringify(got)}`);
});

// ---- forged ComponentInstance objects ----------------------------------------------------------

const Forge = wasm.ComponentInstance as unknown as new (id: unknown) => wasm.ComponentInstance;
for (const [label, id] of [
  ["1.5", 1.5],
  ["2^32 + 1", 2 ** 32 + 1],
  ["-1", -1],
  ["NaN", NaN],
  ["'1'", "1"],
  ["1n", 1n],
  ["an object", { valueOf: () => 1 }],
  ["999999", 999_999],
] as [string, unknown][]) {
  const forged = new Forge(id);
  await rejects(`forged component ${label}: call`, () => forged.call("add", 1n, 2n), [5005]);
  await rejects(`forged component ${label}: exports`, async () => forged.exports, [5005]);
  await rejects(`forged component ${label}: run`, () => forged.run(), [5005]);
  await rejects(`forged component ${label}: getFuel`, () => forged.getFuel(), [5005]);
  await rejects(`forged component ${label}: drop`, () => forged.drop(), [5005]);
}

// ---- the ops called directly ----------------------------------------------------------------

// deno-lint-ignore no-explicit-any
const ops = (Deno as any).core?.ops;
if (typeof ops?.op_wasm_component_call !== "function") {
  console.log("components hostile: skipping the forged op calls: Deno.core.ops is not exposed in this host");
} else {
  // Find this script's `instance`: the id whose functions match and whose add answers.
  // deno-lint-ignore no-explicit-any
  let functions: any[] = [];
  let id = -1;
  const probe = await wasm.instantiateComponent(typesId);
  await probe.exports.echo.echoU8(77); // marks nothing; ids are found by their function lists
  for (let candidate = 1; candidate < 64; candidate++) {
    try {
      const list = ops.op_wasm_component_functions(candidate);
      if (list.some((f: { name: string }) => f.name === "my:types/echo@0.1.0#echo-u8")) {
        id = candidate; // the last matching id is `probe`, made after the others
        functions = list;
      }
    } catch {
      // a dropped id, or one of another kind
    }
  }
  assert(id > 0, "the probe instance's id was found");
  const index = (name: string) => functions.findIndex((f: { name: string }) => f.name === name);
  const ECHO_STRING = index("my:types/echo@0.1.0#echo-string");
  const ECHO_STRINGS = index("my:types/echo@0.1.0#echo-strings");
  const ADD = index("add");
  assert(ECHO_STRING >= 0 && ECHO_STRINGS >= 0 && ADD >= 0, "function indices found");

  const call = (args: Uint8Array, at = ECHO_STRING, options: unknown = {}, target: unknown = id) =>
    ops.op_wasm_component_call(target, at, args, options);
  const u32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
  const bytes = (...parts: (number | number[])[]) => new Uint8Array(parts.flat());
  const STRING = 6, ARRAY = 8, OBJECT = 9, RESOURCE = 10, OTHER = 11;

  await run("a well-formed forged call answers", async () => {
    const out = new Uint8Array(await call(bytes(u32(1), STRING, u32(2), 0x68, 0x69)));
    assertEquals(out, bytes(0, STRING, u32(2), 0x68, 0x69), "ok lead, then the string \"hi\"");
  });
  const forged: [string, Uint8Array, number?][] = [
    ["an empty buffer", bytes()],
    ["a short count", bytes(1, 0)],
    ["count 2^32 - 1", bytes(u32(0xffffffff))],
    ["count 2^31 with bytes", bytes(u32(2 ** 31), 0, 0, 0, 0)],
    ["no values after the count", bytes(u32(1))],
    ["a string length of 2^32 - 1", bytes(u32(1), STRING, u32(0xffffffff), 0x61)],
    ["a string length past the end", bytes(u32(1), STRING, u32(100), 0x61)],
    ["invalid UTF-8", bytes(u32(1), STRING, u32(2), 0xff, 0xfe)],
    ["a lone surrogate in UTF-8", bytes(u32(1), STRING, u32(3), 0xed, 0xa0, 0x80)],
    ["an unknown tag", bytes(u32(1), 99)],
    ["tag 255", bytes(u32(1), 255)],
    ["a truncated number", bytes(u32(1), 4, 0, 0, 0)],
    ["bytes after the last argument", bytes(u32(1), STRING, u32(0), 0)],
    ["too many arguments", bytes(u32(2), STRING, u32(0), STRING, u32(0))],
    ["no arguments", bytes(u32(0))],
    ["an array count of 2^32 - 1", bytes(u32(1), ARRAY, u32(0xffffffff)), ECHO_STRINGS],
    ["an object count of 2^32 - 1", bytes(u32(1), OBJECT, u32(0xffffffff))],
    ["a bytes length of 2^32 - 1", bytes(u32(1), 7, u32(0xffffffff))],
    ["an object key past the end", bytes(u32(1), OBJECT, u32(1), u32(1000))],
    ["a forged resource handle", bytes(u32(1), RESOURCE, u32(1))],
    ["resource handle 0", bytes(u32(1), RESOURCE, u32(0))],
    ["an 'other' value", bytes(u32(1), OTHER, u32(3), 0x61, 0x62, 0x63)],
    ["a bigint that is not a number", bytes(u32(2), 5, u32(3), 0x61, 0x62, 0x63, 5, u32(1), 0x31), ADD],
    ["a bigint of 300 digits", bytes(u32(2), 5, u32(300), Array(300).fill(0x39), 5, u32(1), 0x31), ADD],
  ];
  for (const [label, buffer, at] of forged) {
    await rejects(`forged: ${label}`, () => call(buffer, at ?? ECHO_STRING), [5007]);
  }
  // Deep nesting in a forged buffer: the Rust reader stops at its limit, no stack overflow.
  for (const depth of [201, 10_000, 1_000_000]) {
    const deep = new Uint8Array(4 + depth * 5 + 5);
    deep.set(u32(1), 0);
    for (let i = 0; i < depth; i++) deep.set([ARRAY, ...u32(1)], 4 + i * 5);
    deep.set([STRING, ...u32(0)], 4 + depth * 5);
    await rejects(`forged: arrays nested ${depth} deep`, () => call(deep, ECHO_STRINGS), [5007], "nested more than 200 levels");
  }
  // Wrong indices and ids.
  await rejects("forged: function index 2^32 - 1", () => call(bytes(u32(0)), 0xffffffff), [5003]);
  await rejects("forged: function index past the end", () => call(bytes(u32(0)), functions.length), [5003]);
  await rejects("forged: a dropped instance id", () => call(bytes(u32(0)), ADD, {}, 999_999), [5005]);
  await rejects("forged: instance id 0", () => call(bytes(u32(0)), ADD, {}, 0), [5005]);
  // Option objects that are wrong: an error, never a call with made-up limits.
  await run("forged: options that are not an object", async () => {
    for (const options of [null, 7, "x"]) {
      try {
        await call(bytes(u32(2), 5, u32(1), 0x31, 5, u32(1), 0x32), ADD, options);
        throw new Error(`options ${String(options)} were accepted`);
      } catch (error) {
        assert(error instanceof Error, "an Error");
      }
    }
  });
  // Random buffers against the echo functions (never trap or spin): a value or a 5007.
  const harmless = functions
    .map((f: { name: string }, i: number) => [f.name, i] as [string, number])
    .filter(([name]) => name.includes("#echo-") || name === "greet" || name === "add");
  const next = prng(0x5eed);
  let answered = 0;
  await run("forged: 3000 random argument buffers", async () => {
    for (let n = 0; n < 3000; n++) {
      const [name, at] = harmless[Math.floor(next() * harmless.length)];
      const body = randomBytes(next, Math.floor(next() * 40));
      if (body.length > 0) body[0] = Math.floor(next() * 12); // a known tag first, more often than not
      // Mostly a plausible count, so the values' bytes are what is random.
      const count = next() < 0.8 ? 1 : Math.floor(next() * 2 ** 32);
      try {
        await call(bytes(u32(count), Array.from(body)), at);
        answered++;
      } catch (error) {
        expectCodes(error, [5007], `random buffer ${n} for ${name}`);
      }
    }
  });
  await run("the probe instance still answers after the forgeries", async () => {
    assertEquals(await probe.call("add", 20n, 22n), 42n);
  });
  // The other component ops with forged arguments.
  await run("forged: dropping resource handles that were never given out", async () => {
    const before = await counter.incr();
    for (const handle of [0, 12345, 2 ** 32 - 1]) {
      try {
        ops.op_wasm_component_resource_drop(id, handle);
      } catch (error) {
        expectCodes(error, [5005, 5007], `resource drop ${handle}`);
      }
    }
    assertEquals(await counter.incr(), before + 1, "a real counter of another instance is untouched");
  });
  await rejects("forged: take_output of stream 9", async () => ops.op_wasm_component_take_output(id, 9), [5010]);
  await rejects("forged: set_fuel NaN", async () => ops.op_wasm_component_set_fuel(id, NaN), [5007]);
  await rejects("forged: functions of a dropped id", async () => ops.op_wasm_component_functions(999_999), [5005]);
  await rejects("forged: run of a non-command", () => ops.op_wasm_component_run(id, {}), [5003]);
  await probe.drop();
  console.log(`components hostile: ${answered} random buffers answered with a value`);
}

counter.drop();
await instance.drop();
await plugin.drop();
await sentinel.drop();
await h.finish(130);

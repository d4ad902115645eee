// Sync host functions (wasm imports served by JS): arguments arrive converted by the
// import's declared parameter types (i32/f32/f64 as numbers, i64 as bigint), results go
// back by its declared result types (one value, or an array for several) with the
// exactness rules of `call` arguments; a result that does not fit fails the wasm call with
// 5007 naming `module.name`. Inside a host function `this.memory` reads and writes the
// calling instance's memory, `this.instance` is that instance, and `instance.memory`
// answers at once while the call waits.
import { compile, instantiate, type Instance, WasmError } from "runtime:wasm";
import { assert, assertEquals, assertRejects } from "../_assert.ts";

const moduleId = await compile(`(module
  (import "env" "add" (func $add (param i32 i32) (result i32)))
  (import "env" "i64" (func $i64 (param i64) (result i64)))
  (import "env" "f32" (func $f32 (param f32) (result f32)))
  (import "env" "f64" (func $f64 (param f64) (result f64)))
  (import "env" "multi" (func $multi (param i32 i64 f32 f64) (result i64 i32 f64)))
  (import "env" "void" (func $void (param i32)))
  (import "env" "mem" (func $mem (param i32 i32) (result i32)))
  (import "env" "via_instance" (func $via_instance (param i32 i32) (result i32)))
  (import "env" "who" (func $who (result i32)))
  (memory (export "memory") 1 4)
  (data (i32.const 16) "hello, host")
  (func (export "add") (param i32 i32) (result i32) (call $add (local.get 0) (local.get 1)))
  (func (export "i64") (param i64) (result i64) (call $i64 (local.get 0)))
  ;; the host sees the extreme i64 values the guest makes itself
  (func (export "i64_min") (result i64) (call $i64 (i64.const -9223372036854775808)))
  (func (export "f32") (param f32) (result f32) (call $f32 (local.get 0)))
  ;; the exact single-precision value the host's result became, widened inside wasm
  (func (export "f32_wide") (param f32) (result f64) (f64.promote_f32 (call $f32 (local.get 0))))
  (func (export "f64") (param f64) (result f64) (call $f64 (local.get 0)))
  (func (export "multi") (param i32 i64 f32 f64) (result i64 i32 f64)
    (call $multi (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  ;; uses the three results in wasm: i64 + i32 + trunc(f64), so their order matters
  (func (export "multi_sum") (result i64)
    (local $a i64) (local $b i32) (local $c f64)
    (call $multi (i32.const 1) (i64.const 2) (f32.const 3) (f64.const 4))
    (local.set $c) (local.set $b) (local.set $a)
    (i64.add (i64.add (local.get $a) (i64.extend_i32_s (local.get $b))) (i64.trunc_f64_s (local.get $c))))
  (func (export "void") (param i32) (result i32) (call $void (local.get 0)) (i32.const 7))
  ;; calls add(sum, 1) n times: one wasm call, n host calls
  (func (export "count") (param $n i32) (result i32)
    (local $sum i32)
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $sum (call $add (local.get $sum) (i32.const 1)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $l)))
    (local.get $sum))
  ;; calls mem(ptr, len), then returns what wasm itself now loads at ptr
  (func (export "mem_then_load") (param i32 i32) (result i32)
    (drop (call $mem (local.get 0) (local.get 1)))
    (i32.load8_u (local.get 0)))
  (func (export "grow_then_mem") (result i32)
    (drop (memory.grow (i32.const 1)))
    (call $mem (i32.const 16) (i32.const 1)))
  (func (export "via_instance_then_load") (param i32 i32) (result i32)
    (drop (call $via_instance (local.get 0) (local.get 1)))
    (i32.load8_u (local.get 0)))
  (func (export "who") (result i32) (call $who)))`);

// What each host function saw, and what it returns next (set per case).
const seen: { fn: string; args: unknown[] }[] = [];
const record = (fn: string, args: unknown[]) => seen.push({ fn, args });
let addResult: (a: number, b: number) => unknown = (a, b) => a + b;
let i64Result: (x: bigint) => unknown = (x) => x;
let f32Result: (x: number) => unknown = (x) => x;
let multiResult: unknown = [0n, 0, 0];
let memLog: { text: string; size: number; oob?: unknown; thisInstance: unknown }[] = [];
let viaLog: { text: string; size: number }[] = [];
let whoLog: unknown[] = [];

let instance: Instance;
const imports = {
  env: {
    add(a: number, b: number) {
      record("add", [a, b]);
      return addResult(a, b);
    },
    i64(x: bigint) {
      record("i64", [x]);
      return i64Result(x);
    },
    f32(x: number) {
      record("f32", [x]);
      return f32Result(x);
    },
    f64(x: number) {
      record("f64", [x]);
      return x;
    },
    multi(a: number, b: bigint, c: number, d: number) {
      record("multi", [a, b, c, d]);
      return multiResult;
    },
    void(x: number) {
      record("void", [x]);
    },
    mem(this: any, ptr: number, len: number) {
      const bytes: Uint8Array = this.memory.read(ptr, len);
      assert(bytes instanceof Uint8Array, "this.memory.read returns a Uint8Array");
      const text = new TextDecoder().decode(bytes);
      // A copy: changing it changes nothing in wasm memory.
      bytes.fill(0);
      this.memory.write(ptr, new TextEncoder().encode(text.toUpperCase().slice(0, 1)));
      const size: number = this.memory.size();
      let oob: unknown;
      try {
        this.memory.read(size * 65536 - 1, 2);
        oob = "no error";
      } catch (error) {
        oob = error instanceof WasmError ? error.code : `not a WasmError: ${String(error)}`;
      }
      memLog.push({ text, size, oob, thisInstance: this.instance });
      return len;
    },
    async via_instance(ptr: number, len: number) {
      // The instance's async memory API answers while this call waits on us.
      const bytes = await instance.memory.read(ptr, len);
      const text = new TextDecoder().decode(bytes);
      await instance.memory.write(ptr, new TextEncoder().encode(text.toUpperCase()));
      viaLog.push({ text, size: await instance.memory.size() });
      return 0;
    },
    who(this: any) {
      whoLog.push(this.instance);
      return whoLog.length;
    },
  },
};
// Some host functions return what no HostFunction type allows (on purpose): cast.
instance = await instantiate(moduleId, { imports: imports as never });

// i32: numbers both ways; a u32 argument reaches the host as its signed i32 value.
assertEquals(await instance.call("add", 2, 3), [5]);
assertEquals(seen.at(-1), { fn: "add", args: [2, 3] });
assertEquals(await instance.call("add", 4294967295, 0), [-1]);
assertEquals(seen.at(-1)!.args, [-1, 0], "i32 args arrive as signed numbers");
assertEquals(instance.callSync("add", -7, 2), [-5], "callSync runs sync host functions");

// i32 results: u32 keeps its bits, an exact bigint is accepted (the call-argument rules).
addResult = () => 4294967295;
assertEquals(await instance.call("add", 0, 0), [-1], "a u32 result keeps its bits");
addResult = () => 7n;
assertEquals(await instance.call("add", 0, 0), [7], "an exact bigint result for an i32");
addResult = (a, b) => a + b;

// i64: a bigint reaches the host even for small values, and extreme ones survive both ways.
assertEquals(await instance.call("i64", 5n), [5n]);
assertEquals(typeof seen.at(-1)!.args[0], "bigint", "an i64 argument is a bigint");
assertEquals(seen.at(-1)!.args, [5n]);
assertEquals(await instance.call("i64", 0n), [0n]);
assertEquals(typeof seen.at(-1)!.args[0], "bigint", "an i64 argument of 0 is a bigint too");
assertEquals(await instance.call("i64_min"), [-9223372036854775808n]);
assertEquals(seen.at(-1)!.args, [-9223372036854775808n]);
assertEquals(await instance.call("i64", 9223372036854775807n), [9223372036854775807n]);
assertEquals(seen.at(-1)!.args, [9223372036854775807n]);
i64Result = () => 9007199254740993n;
assertEquals(await instance.call("i64", 0n), [9007199254740993n], "a bigint result beyond 2^53 is exact");
i64Result = () => 18446744073709551615n;
assertEquals(await instance.call("i64", 0n), [-1n], "a u64 result keeps its bits");
i64Result = () => 12;
assertEquals(await instance.call("i64", 0n), [12n], "a safe-integer number is accepted for an i64 result");
i64Result = (x) => -x;
assertEquals(instance.callSync("i64", 123456789012345678n), [-123456789012345678n]);
i64Result = (x) => x;

// f32: the argument arrives as the single-precision value; a result rounds to single
// precision (what wasm sees, widened to f64 inside wasm, is that value exactly).
assertEquals(await instance.call("f32", 0.1), [Math.fround(0.1)]);
assertEquals(seen.at(-1)!.args, [Math.fround(0.1)], "an f32 argument is the single-precision value");
f32Result = () => 0.1;
assertEquals(await instance.call("f32_wide", 0), [Math.fround(0.1)], "an f32 result rounds to single precision");
f32Result = () => 16777217;
assertEquals(await instance.call("f32_wide", 0), [16777216]);
f32Result = () => 1e300;
assertEquals(await instance.call("f32_wide", 0), [Infinity]);
f32Result = () => -0;
assertEquals(await instance.call("f32_wide", 0), [-0]);
f32Result = () => NaN;
assert(Number.isNaN((await instance.call("f32_wide", 0))[0] as number), "an f32 NaN result");
f32Result = (x) => x;

// f64: exact, -0, NaN and infinities survive both ways.
for (const x of [0.1, -0, Number.MIN_VALUE, -Infinity, 1.7976931348623157e308]) {
  assertEquals(await instance.call("f64", x), [x], `f64 ${x}`);
  assertEquals(seen.at(-1)!.args, [x], `f64 argument ${x}`);
}
assert(Number.isNaN((await instance.call("f64", NaN))[0] as number), "an f64 NaN");

// Several results: the host returns an array, in the declared order.
multiResult = [10n, 20, 1.5];
assertEquals(await instance.call("multi", -1, 2n, 0.5, 0.25), [10n, 20, 1.5]);
assertEquals(seen.at(-1), { fn: "multi", args: [-1, 2n, 0.5, 0.25] }, "mixed arguments");
multiResult = [100n, -20, 3.9];
assertEquals(await instance.call("multi_sum"), [83n], "wasm gets the results in order (100 - 20 + 3)");
assertEquals(seen.at(-1), { fn: "multi", args: [1, 2n, 3, 4] });
multiResult = [18446744073709551615n, 4294967295, 0.5];
assertEquals(instance.callSync("multi", 0, 0n, 0, 0), [-1n, -1, 0.5], "each result converted by its type");

// No results: undefined is the answer, and wasm goes on.
assertEquals(await instance.call("void", 9), [7]);
assertEquals(seen.at(-1), { fn: "void", args: [9] });

// Many host calls within one wasm call.
const before = seen.length;
assertEquals(await instance.call("count", 1000), [1000]);
assertEquals(seen.length - before, 1000, "one host call per iteration");
assertEquals(instance.callSync("count", 50), [50]);

// A result that does not fit: 5007 naming the import, for call and callSync, and the
// instance stays usable.
const misfits: [string, string, () => void, unknown[]][] = [
  ["i32 beyond 32 bits", "env.add", () => (addResult = () => 4294967296), ["add", 0, 0]],
  ["i32 below -2^31", "env.add", () => (addResult = () => -2147483649), ["add", 0, 0]],
  ["i32 not an integer", "env.add", () => (addResult = () => 1.5), ["add", 0, 0]],
  ["i32 NaN", "env.add", () => (addResult = () => NaN), ["add", 0, 0]],
  ["i32 a string", "env.add", () => (addResult = () => "1"), ["add", 0, 0]],
  ["i32 undefined", "env.add", () => (addResult = () => undefined), ["add", 0, 0]],
  ["i32 null", "env.add", () => (addResult = () => null), ["add", 0, 0]],
  ["i32 an object", "env.add", () => (addResult = () => ({})), ["add", 0, 0]],
  ["i64 number beyond 2^53", "env.i64", () => (i64Result = () => 2 ** 53), ["i64", 0n]],
  ["i64 bigint beyond 64 bits", "env.i64", () => (i64Result = () => 2n ** 64n), ["i64", 0n]],
  ["i64 fractional", "env.i64", () => (i64Result = () => 0.5), ["i64", 0n]],
  ["f32 inexact bigint", "env.f32", () => (f32Result = () => 16777217n), ["f32", 0]],
  ["multi: too few", "env.multi", () => (multiResult = [1n, 2]), ["multi", 0, 0n, 0, 0]],
  ["multi: too many", "env.multi", () => (multiResult = [1n, 2, 3, 4]), ["multi", 0, 0n, 0, 0]],
  ["multi: empty", "env.multi", () => (multiResult = []), ["multi", 0, 0n, 0, 0]],
  ["multi: not an array", "env.multi", () => (multiResult = 5), ["multi", 0, 0n, 0, 0]],
  ["multi: undefined", "env.multi", () => (multiResult = undefined), ["multi", 0, 0n, 0, 0]],
  ["multi: an element does not fit", "env.multi", () => (multiResult = [1n, 2 ** 32, 1]), ["multi", 0, 0n, 0, 0]],
  ["multi: i64 element beyond 2^53", "env.multi", () => (multiResult = [2 ** 60, 1, 1]), ["multi", 0, 0n, 0, 0]],
];
for (const [label, name, set, [fn, ...args]] of misfits) {
  set();
  const error = await assertRejects(() => instance.call(fn as string, ...(args as number[])), 5007, name);
  assert(error instanceof WasmError, label);
  let sync: unknown;
  try {
    instance.callSync(fn as string, ...(args as number[]));
  } catch (e) {
    sync = e;
  }
  assert(sync instanceof WasmError && sync.code === 5007, `${label}: callSync fails with 5007, got ${String(sync)}`);
  assert((sync as WasmError).message.includes(name), `${label}: callSync's message names ${name}: ${String(sync)}`);
}
addResult = (a, b) => a + b;
i64Result = (x) => x;
f32Result = (x) => x;
multiResult = [1n, 2, 3];
assertEquals(await instance.call("add", 20, 22), [42], "usable after the misfits");
assertEquals(await instance.call("multi", 0, 0n, 0, 0), [1n, 2, 3], "usable after the misfits");

// Memory through `this.memory`: a copy read, a write wasm then sees, the size in pages,
// out of bounds is 5006, and `this.instance` is the calling instance.
memLog = [];
assertEquals(await instance.call("mem_then_load", 16, 11), [72], "wasm loads the H the host wrote");
assertEquals(memLog.length, 1);
assertEquals(memLog[0].text, "hello, host");
assertEquals(memLog[0].size, 1, "this.memory.size() in pages");
assertEquals(memLog[0].oob, 5006, "this.memory.read out of bounds");
assert(memLog[0].thisInstance === instance, "this.instance is the instance");
assertEquals(
  new TextDecoder().decode(await instance.memory.read(16, 11)),
  "Hello, host",
  "only the write changed memory, not the zeroed copy",
);
assertEquals(instance.callSync("mem_then_load", 17, 4), [69], "callSync: host write of E seen by wasm");
assertEquals(memLog[1].text, "ello");
assertEquals(await instance.call("grow_then_mem"), [1]);
assertEquals(memLog[2].size, 2, "this.memory.size() after wasm grew the memory");
assertEquals(memLog[2].oob, 5006, "bounds follow the grown memory");

// Memory through `instance.memory` (the async API) while the call waits on the host.
await instance.memory.write(64, new TextEncoder().encode("quiet"));
viaLog = [];
assertEquals(await instance.call("via_instance_then_load", 64, 5), [81], "wasm loads the Q written via instance.memory");
assertEquals(viaLog, [{ text: "quiet", size: 2 }]);
assertEquals(new TextDecoder().decode(await instance.memory.read(64, 5)), "QUIET");

// Two instances sharing one imports object: each call sees its own instance and memory.
const second = await instantiate(moduleId, { imports: imports as never });
await second.memory.write(16, new TextEncoder().encode("second"));
memLog = [];
whoLog = [];
assertEquals(await second.call("mem_then_load", 16, 6), [83]);
assertEquals(await instance.call("who"), [1]);
assertEquals(await second.call("who"), [2]);
assertEquals(memLog[0].text, "second", "this.memory is the calling instance's memory");
assert(memLog[0].thisInstance === second, "this.instance is the calling instance (second)");
assert(whoLog[0] === instance && whoLog[1] === second, "this.instance per call");
assertEquals(await instance.memory.read(16, 1), new Uint8Array([72]), "the first instance's memory is untouched");
assertEquals(memLog[0].size, 1, "the second instance has its own memory size");

// A sync start function calls a host function: `this.instance` is undefined, `this.memory` works.
const startLog: unknown[] = [];
const withStart = await compile(`(module
  (import "env" "boot" (func $boot (param i32) (result i32)))
  (memory (export "memory") 1)
  (global $g (export "g") (mut i32) (i32.const 0))
  (func $start (global.set $g (call $boot (i32.const 5))))
  (start $start))`);
const started = await instantiate(withStart, {
  imports: {
    env: {
      boot(this: any, x: number) {
        startLog.push(this.instance, this.memory.size());
        this.memory.write(0, new Uint8Array([9, 8, 7]));
        return x * 11;
      },
    },
  },
});
assertEquals(startLog, [undefined, 1], "during the start function: no instance yet, memory works");
assertEquals(await started.getGlobal("g").get(), 55, "the start function got the host's result");
assertEquals(await started.memory.read(0, 3), new Uint8Array([9, 8, 7]));

await second.drop();
await started.drop();
await instance.drop();
console.log("host functions sync ok");

// Dropped, double-dropped and made-up handles: every use of a dropped or never-issued
// instance is 5005, of a module 5004, for every method; dropping a module leaves its
// instances working. (Instances forged with non-integer ids: forged_instance_ids.ts.)
import * as wasm from "runtime:wasm";
import { assertEquals } from "../_assert.ts";
import { hostile } from "./_harness.ts";

const h = await hostile("handles");
const source = `(module
  (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
  (memory (export "memory") 1)
  (func (export "_start"))
  (func (export "f") (result i32) i32.const 7))`;

/** Every operation of an Instance, each expected to fail with `code`. */
function everyUse(instance: wasm.Instance): [string, () => Promise<unknown>][] {
  return [
    ["call", () => instance.call("f")],
    ["callWith", () => instance.callWith("f", [], { fuel: 100 })],
    ["run", () => instance.run()],
    ["getExports", () => instance.getExports()],
    ["setFuel", () => instance.setFuel(10)],
    ["getFuel", () => instance.getFuel()],
    ["drop", () => instance.drop()],
    ["memory.read", () => instance.memory.read(0, 1)],
    ["memory.write", () => instance.memory.write(0, new Uint8Array(1))],
    ["memory.size", () => instance.memory.size()],
    ["memory.grow", () => instance.memory.grow(1)],
    ["stdout.read", () => instance.stdout.read()],
    ["stderr.text", () => instance.stderr.text()],
  ];
}

// Dropped instances.
const moduleId = await wasm.compile(source);
const dropped = await wasm.instantiate(moduleId, { stdout: "pipe", stderr: "pipe" });
assertEquals(await dropped.call("f"), [7]);
await dropped.drop();
for (const [what, use] of everyUse(dropped)) {
  await h.rejects(`dropped instance: ${what}`, use, 5005);
}
// Double (and triple) drop.
await h.rejects("double drop", () => dropped.drop(), 5005);
await h.rejects("triple drop", () => dropped.drop(), 5005);
await h.run("concurrent drops: exactly one succeeds", async () => {
  const instance = await wasm.instantiate(moduleId);
  const outcomes = await Promise.allSettled([instance.drop(), instance.drop(), instance.drop(), instance.drop()]);
  const ok = outcomes.filter((o) => o.status === "fulfilled").length;
  assertEquals(ok, 1, "successful drops");
  for (const o of outcomes) {
    if (o.status === "rejected" && (o.reason as wasm.WasmError).code !== 5005) throw o.reason;
  }
});

// Forged instances with integer ids that were never issued.
for (const id of [0, 12345, 2 ** 31, 2 ** 32 - 1]) {
  const forged = new (wasm.Instance as unknown as new (id: number) => wasm.Instance)(id);
  for (const [what, use] of everyUse(forged)) {
    await h.rejects(`forged instance ${id}: ${what}`, use, 5005);
  }
}

// A module dropped: instantiate is 5004, its instances keep working, a second drop is 5004.
await h.run("instances outlive their module", async () => {
  const id = await wasm.compile(source);
  const instance = await wasm.instantiate(id);
  await wasm.dropModule(id);
  assertEquals(await instance.call("f"), [7]);
  await instance.drop();
});
await wasm.dropModule(moduleId);
await h.rejects("instantiate a dropped module", () => wasm.instantiate(moduleId), 5004);
await h.rejects("double dropModule", () => wasm.dropModule(moduleId), 5004);
await h.run("concurrent dropModule: exactly one succeeds", async () => {
  const id = await wasm.compile(`(module)`);
  const outcomes = await Promise.allSettled([wasm.dropModule(id), wasm.dropModule(id), wasm.dropModule(id)]);
  assertEquals(outcomes.filter((o) => o.status === "fulfilled").length, 1, "successful drops");
});

// Made-up module ids: integers never issued, and values that are no handle at all.
const fakeModules: [string, unknown][] = [
  ["0", 0],
  ["99999", 99999],
  ["2^32 - 1", 2 ** 32 - 1],
  ["-1", -1],
  ["1.5", 1.5],
  ["0.5", 0.5],
  ["NaN", NaN],
  ["Infinity", Infinity],
  ["2^32", 2 ** 32],
  ["2^32 + 1 (wraps to 1 as u32)", 2 ** 32 + 1],
  ["'1'", "1"],
  ["1n", 1n],
  ["null", null],
  ["undefined", undefined],
  ["an object", { valueOf: () => 1 }],
];
for (const [label, id] of fakeModules) {
  await h.rejects(`instantiate(${label})`, () => wasm.instantiate(id as number), 5004);
  await h.rejects(`dropModule(${label})`, () => wasm.dropModule(id as number), 5004);
}

await h.finish(100);

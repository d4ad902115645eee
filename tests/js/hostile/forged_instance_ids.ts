// Instances forged with ids that are not u32 integers are 5005 for every use and never
// reach a live instance: `new Instance(1.5)` and `new Instance(2 ** 32 + 1)` are not
// instance 1, and a non-number id is 5005, not 5007. (Regression test: the op layer used
// to truncate / wrap such ids, so a forged object called and even dropped instance 1.)
import * as wasm from "runtime:wasm";
import { assertEquals } from "../_assert.ts";
import { hostile } from "./_harness.ts";

const h = await hostile("forged_instance_ids");
const Forge = wasm.Instance as unknown as new (id: unknown) => wasm.Instance;

// A live victim whose id the forgeries below are "near".
const victim = await wasm.instantiate(
  await wasm.compile(`(module (memory (export "memory") 1) (func (export "f") (result i32) i32.const 7))`),
);
// The victim is the third instance of this runtime (after the harness's two sentinels).
const VICTIM_ID = 3;

const forgedIds: [string, unknown][] = [
  ["victim + 0.5", VICTIM_ID + 0.5],
  ["victim + 0.999", VICTIM_ID + 0.999],
  ["2^32 + victim", 2 ** 32 + VICTIM_ID],
  ["2^33 + victim", 2 ** 33 + VICTIM_ID],
  ["-2^32 + victim", -(2 ** 32) + VICTIM_ID],
  ["1.5 (near the add sentinel)", 1.5],
  ["2^32 + 1 (the add sentinel, wrapped)", 2 ** 32 + 1],
  ["NaN", NaN],
  ["Infinity", Infinity],
  ["-1", -1],
  ["'abc'", "abc"],
  ["'3'", "3"],
  ["undefined", undefined],
  ["null", null],
  ["3n", 3n],
  ["an object", { valueOf: () => VICTIM_ID }],
];

for (const [label, id] of forgedIds) {
  const forged = new Forge(id);
  await h.rejects(`forged ${label}: call`, () => forged.call("f"), 5005);
  await h.rejects(`forged ${label}: callWith`, () => forged.callWith("f", [], {}), 5005);
  await h.rejects(`forged ${label}: getExports`, () => forged.getExports(), 5005);
  await h.rejects(`forged ${label}: getFuel`, () => forged.getFuel(), 5005);
  await h.rejects(`forged ${label}: memory.read`, () => forged.memory.read(0, 1), 5005);
  await h.rejects(`forged ${label}: memory.write`, () => forged.memory.write(0, new Uint8Array([0xff])), 5005);
  await h.rejects(`forged ${label}: drop`, () => forged.drop(), 5005);
  // The victim was neither dropped nor written to.
  await h.run(`forged ${label}: the victim is untouched`, async () => {
    assertEquals(await victim.call("f"), [7]);
    assertEquals(await victim.memory.read(0, 1), new Uint8Array([0]));
  });
}

await victim.drop();
await h.finish(120);

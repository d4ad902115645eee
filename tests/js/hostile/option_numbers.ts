// Numeric limit options that are not non-negative integers are refused as invalid options
// (5007 for CallOptions, as for an unknown key or a string; 5010 for InstantiateOptions,
// as for an unknown key), the way setFuel refuses them (5007). (Regression test: they used
// to be coerced: { fuel: -1 } ran with 0 fuel, { timeoutMs: NaN } timed out at once.)
import * as wasm from "runtime:wasm";
import { assertEquals } from "../_assert.ts";
import { hostile } from "./_harness.ts";

const h = await hostile("option_numbers");
const moduleId = await wasm.compileFile("tests/fixtures/traps.wasm");
const instance = await wasm.instantiate(moduleId);
const bad: [string, number][] = [
  ["-1", -1],
  ["-0.5", -0.5],
  ["1.5", 1.5],
  ["NaN", NaN],
  ["-Infinity", -Infinity],
];

for (const [label, value] of bad) {
  await h.rejects(`setFuel(${label})`, () => instance.setFuel(value), 5007);
  await h.rejects(`callWith fuel ${label}`, () => instance.callWith("spin", [10], { fuel: value }), 5007);
  await h.rejects(`callWith timeoutMs ${label}`, () => instance.callWith("spin", [10], { timeoutMs: value }), 5007);
  for (const option of ["fuel", "timeoutMs", "maxMemoryBytes", "maxTableElements"]) {
    await h.rejects(`instantiate ${option} ${label}`, () => wasm.instantiate(moduleId, { [option]: value }), 5010);
  }
}
await h.run("the instance is unaffected", async () => {
  assertEquals(await instance.call("spin", 10), [10]);
  assertEquals(await instance.getFuel(), Infinity);
});

await h.finish(35);

// Thousands of instances: 2000 instantiate + call + drop in batches of 100, many modules
// compiled and dropped, and a burst of live instances at once. The process stays healthy:
// every instance answers correctly, handles are never reused, and the sentinels answer.
import * as wasm from "runtime:wasm";
import { assert, assertEquals } from "../_assert.ts";
import { hostile } from "./_harness.ts";

const h = await hostile("many_instances");
const moduleId = await wasm.compile(`(module
  (memory (export "memory") 1)
  (global $g (mut i32) (i32.const 0))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "bump") (result i32)
    (global.set $g (i32.add (global.get $g) (i32.const 1)))
    (global.get $g)))`);

const BATCH = 100;
const TOTAL = 2000;
for (let start = 0; start < TOTAL; start += BATCH) {
  await h.run(`instances ${start}..${start + BATCH}: instantiate, call, drop`, async () => {
    const batch = await Promise.all(Array.from({ length: BATCH }, () => wasm.instantiate(moduleId)));
    const sums = await Promise.all(batch.map((instance, i) => instance.call("add", start, i)));
    sums.forEach((sum, i) => assertEquals(sum, [start + i]));
    // Each instance has its own globals and memory.
    const bumps = await Promise.all(batch.map((instance) => instance.call("bump")));
    assert(bumps.every((b) => b[0] === 1), "a fresh global per instance");
    await Promise.all(batch.map((instance, i) => instance.memory.write(0, new Uint8Array([i]))));
    const firsts = await Promise.all(batch.map((instance) => instance.memory.read(0, 1)));
    firsts.forEach((b, i) => assertEquals(b[0], i));
    await Promise.all(batch.map((instance) => instance.drop()));
    // Dropped handles stay dropped.
    try {
      await batch[0].call("bump");
      throw new Error("a dropped instance answered");
    } catch (error) {
      if (!(error instanceof wasm.WasmError) || error.code !== 5005) throw error;
    }
  });
}

await h.run("500 live instances at once, then all dropped", async () => {
  const live = [];
  for (let i = 0; i < 5; i++) {
    live.push(...(await Promise.all(Array.from({ length: 100 }, () => wasm.instantiate(moduleId)))));
  }
  const sums = await Promise.all(live.map((instance, i) => instance.call("add", i, 1)));
  sums.forEach((sum, i) => assertEquals(sum, [i + 1]));
  await Promise.all(live.map((instance) => instance.drop()));
});

await h.run("300 modules compiled, instantiated and dropped", async () => {
  for (let i = 0; i < 300; i += 50) {
    const ids = await Promise.all(
      Array.from({ length: 50 }, (_, j) => wasm.compile(`(module (func (export "k") (result i32) i32.const ${i + j}))`)),
    );
    assertEquals(new Set(ids).size, ids.length, "distinct module handles");
    const instances = await Promise.all(ids.map((id) => wasm.instantiate(id)));
    const ks = await Promise.all(instances.map((instance) => instance.call("k")));
    ks.forEach((k, j) => assertEquals(k, [i + j]));
    await Promise.all(instances.map((instance) => instance.drop()));
    await Promise.all(ids.map((id) => wasm.dropModule(id)));
  }
});

await wasm.dropModule(moduleId);
await h.finish(22);

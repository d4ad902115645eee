// Seed "Multiple Instances": three workers from one module, each with its own state.
import { compile, dropModule, instantiate } from "runtime:wasm";
import { assertEquals } from "../_assert.ts";

const wasmBytes = await Deno.readFile("tests/fixtures/process.wasm");
const moduleId = await compile(wasmBytes);
const workers = await Promise.all([
  instantiate(moduleId, { env: { "WORKER_ID": "1" } }),
  instantiate(moduleId, { env: { "WORKER_ID": "2" } }),
  instantiate(moduleId, { env: { "WORKER_ID": "3" } }),
]);
const batchId = 4;
const results = await Promise.all(workers.map((worker) => worker.call("process_batch", batchId)));
// Each instance counts its own calls: all three saw their first batch.
assertEquals(results, [[41], [41], [41]]);
assertEquals(await workers[0].call("process_batch", batchId), [42]);
assertEquals(await workers[1].call("process_batch", batchId), [42]);

// Independent memories.
await workers[0].memory.write(0, new Uint8Array([9, 9]));
assertEquals(Array.from(await workers[1].memory.read(0, 2)), [0, 0]);

await Promise.all(workers.map((w) => w.drop()));
await dropModule(moduleId);

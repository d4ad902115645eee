// Seed "Worker Pool". The seed's class awaits inside its constructor, which JavaScript
// does not allow; this keeps its shape with an async factory instead.
import { compile, instantiate, type Instance } from "runtime:wasm";
import { assertEquals } from "../_assert.ts";

class WasmWorkerPool {
  workers: Instance[] = [];
  available: Instance[] = [];

  static async create(moduleId: number, size: number): Promise<WasmWorkerPool> {
    const pool = new WasmWorkerPool();
    for (let i = 0; i < size; i++) {
      const instance = await instantiate(moduleId);
      pool.workers.push(instance);
      pool.available.push(instance);
    }
    return pool;
  }

  async execute(funcName: string, ...args: number[]) {
    while (this.available.length === 0) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const worker = this.available.pop()!;
    try {
      return await worker.call(funcName, ...args);
    } finally {
      this.available.push(worker);
    }
  }

  async cleanup() {
    await Promise.all(this.workers.map((w) => w.drop()));
  }
}

const wasmBytes = await Deno.readFile("tests/fixtures/process.wasm");
const moduleId = await compile(wasmBytes);
const pool = await WasmWorkerPool.create(moduleId, 2);
const results = await Promise.all([
  pool.execute("execute", 1),
  pool.execute("execute", 2),
  pool.execute("execute", 3),
]);
assertEquals(results, [[1001], [1002], [1003]]);
await pool.cleanup();

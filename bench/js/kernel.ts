// Figures 2 and 6 of `cargo xtask bench`: one FNV-1a call over `bytes` bytes of linear
// memory through `instance.call`, and N instances hashing at once under Promise.all
// against one instance doing the same total work.
import * as wasm from "runtime:wasm";
import { args, emit, now, progress, sampleEach } from "./_lib.ts";

const a = args();
const samples = Number(a.samples ?? 7);
const wasmDir = a.wasm_dir;
const bytes = Number(a.bytes ?? 16 << 20);
const threads = (a.parallel ?? "2").split(",").map(Number);
const callsPerInstance = Number(a.calls_per_instance ?? 2);
const SEED = 0x5eed;

const hex = (h: unknown) => ((Number(h) >>> 0).toString(16)).padStart(8, "0");

const moduleId = await wasm.compile(await Deno.readFile(`${wasmDir}/fnv1a.wasm`));

async function kernelInstance() {
  const instance = await wasm.instantiate(moduleId);
  await instance.call("fill", 0, bytes, SEED);
  return instance;
}

// deno-lint-ignore no-explicit-any
const out: any = { bytes, kernel: {}, parallel: [] };

progress(`kernel: await instance.call("fnv1a", 0, ${bytes}) (${bytes >> 20} MiB)`);
const instance = await kernelInstance();
let hash: unknown;
out.kernel = await sampleEach(Math.max(samples, 9), async () => {
  const t = now();
  [hash] = await instance.call("fnv1a", 0, bytes);
  return now() - t;
});
out.kernel.hash = hex(hash);

for (const n of threads) {
  progress(`parallel: ${n} instances x ${callsPerInstance} fnv1a calls under Promise.all vs one instance doing ${n * callsPerInstance}`);
  const instances: wasm.Instance[] = [];
  for (let i = 0; i < n; i++) instances.push(await kernelInstance());
  const serial = await sampleEach(Math.max(samples, 9), async () => {
    const t = now();
    for (let c = 0; c < n * callsPerInstance; c++) await instance.call("fnv1a", 0, bytes);
    return now() - t;
  });
  const parallel = await sampleEach(Math.max(samples, 9), async () => {
    const t = now();
    await Promise.all(instances.map(async (inst) => {
      for (let c = 0; c < callsPerInstance; c++) await inst.call("fnv1a", 0, bytes);
    }));
    return now() - t;
  });
  out.parallel.push({
    instances: n,
    calls_per_instance: callsPerInstance,
    serial,
    parallel,
    speedup_median: serial.median_ns / parallel.median_ns,
  });
  for (const inst of instances) await inst.drop();
}

await instance.drop();
await wasm.dropModule(moduleId);
emit(out);

// Figure 4 of `cargo xtask bench`: per-instance cost of `instantiate` + `drop`.
import * as wasm from "runtime:wasm";
import { args, emit, now, progress, sample } from "./_lib.ts";

const a = args();
const target = Number(a.target_ms ?? 200);
const samples = Number(a.samples ?? 7);
const wasmDir = a.wasm_dir;

// deno-lint-ignore no-explicit-any
const out: any = {};
for (const name of ["add", "fnv1a"]) {
  const moduleId = await wasm.compile(await Deno.readFile(`${wasmDir}/${name}.wasm`));
  // The first instantiate links the module once (cached after): not part of the figure.
  await (await wasm.instantiate(moduleId)).drop();
  progress(`instantiate: await instantiate(${name}.wasm) + await instance.drop()`);
  out[name] = await sample(target, samples, async (n) => {
    const t = now();
    for (let i = 0; i < n; i++) {
      const instance = await wasm.instantiate(moduleId);
      await instance.drop();
    }
    return now() - t;
  });
  // One more pass that times the two halves separately, to show where the time goes
  // (kept out of the figure: the extra clock reads cost a little).
  let inInstantiate = 0;
  let inDrop = 0;
  const n = out[name].iters_per_sample;
  for (let i = 0; i < n; i++) {
    const t0 = now();
    const instance = await wasm.instantiate(moduleId);
    const t1 = now();
    await instance.drop();
    inInstantiate += t1 - t0;
    inDrop += now() - t1;
  }
  out[name].split_instantiate_mean_ns = (inInstantiate * 1e6) / n;
  out[name].split_drop_mean_ns = (inDrop * 1e6) / n;
  await wasm.dropModule(moduleId);
}
emit(out);

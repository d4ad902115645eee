// Figure 5 of `cargo xtask bench`: `memory.write` and `memory.read` of `bytes` bytes
// (and `memory.readInto` when the runtime has it).
import * as wasm from "runtime:wasm";
import { args, emit, now, progress, sample } from "./_lib.ts";

const a = args();
const target = Number(a.target_ms ?? 200);
const samples = Number(a.samples ?? 7);
const wasmDir = a.wasm_dir;
const bytes = Number(a.bytes ?? 16 << 20);

const moduleId = await wasm.compile(await Deno.readFile(`${wasmDir}/fnv1a.wasm`));
const instance = await wasm.instantiate(moduleId);
const memory = instance.memory;
// deno-lint-ignore no-explicit-any
const mem = memory as any;

const data = new Uint8Array(bytes);
for (let i = 0; i < bytes; i += 4096) data[i] = (i >>> 12) & 0xff;
data[bytes - 1] = 0xa5;

// deno-lint-ignore no-explicit-any
const out: any = { bytes, detected: {}, checks: {} };

progress(`memory: await memory.write(0, ${bytes >> 20} MiB)`);
out.write = await sample(target, samples, async (n) => {
  const t = now();
  for (let i = 0; i < n; i++) await memory.write(0, data);
  return now() - t;
});

progress(`memory: await memory.read(0, ${bytes >> 20} MiB)`);
let last: Uint8Array = new Uint8Array(0);
out.read = await sample(target, samples, async (n) => {
  const t = now();
  for (let i = 0; i < n; i++) last = await memory.read(0, bytes);
  return now() - t;
});
out.checks.read = last.length === bytes && last[bytes - 1] === 0xa5 && last[4096] === 1 ? "ok" : "wrong bytes read back";

out.detected.readInto = typeof mem.readInto === "function";
if (out.detected.readInto) {
  progress(`memory: memory.readInto(0, a ${bytes >> 20} MiB Uint8Array)`);
  const buffer = new Uint8Array(bytes);
  out.readInto = await sample(target, samples, async (n) => {
    const t = now();
    for (let i = 0; i < n; i++) {
      const r = mem.readInto(0, buffer);
      if (r instanceof Promise) await r;
    }
    return now() - t;
  });
  out.checks.readInto = buffer[bytes - 1] === 0xa5 && buffer[4096] === 1 ? "ok" : "wrong bytes read back";
}

await instance.drop();
await wasm.dropModule(moduleId);
emit(out);

// The Node peer of `cargo xtask bench`: the same modules under Node's own WebAssembly
// (V8: Liftoff baseline compile, then TurboFan tier-up; JS -> wasm calls are JIT-inlined).
// Usage: node bench/node/bench.mjs wasm_dir=DIR big=FILE [bytes=N] [target_ms=N] [samples=N]
//        [host_calls=N]
// Prints one JSON object on stdout; progress on stderr.
import { readFileSync } from "node:fs";

const a = Object.fromEntries(
  process.argv.slice(2).map((arg) => [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]),
);
const target = Number(a.target_ms ?? 200);
const samples = Number(a.samples ?? 7);
const bytes = Number(a.bytes ?? 16 << 20);
const hostCalls = Number(a.host_calls ?? 1000);
const SEED = 0x5eed;
const now = () => performance.now();
const progress = (what) => process.stderr.write(`  [node] ${what}\n`);

function stats(perIter, iters) {
  const s = [...perIter].sort((x, y) => x - y);
  const n = s.length;
  const median = n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  return { min_ns: s[0], median_ns: median, mean_ns: s.reduce((x, y) => x + y, 0) / n, samples: n, iters_per_sample: iters };
}
function sample(run) {
  let iters = 1;
  let took;
  for (;;) {
    took = run(iters);
    if (took >= target / 10 || iters >= 2 ** 31) break;
    iters *= took < target / 100 ? 10 : 2;
  }
  iters = Math.max(1, Math.ceil((iters * target) / Math.max(took, 1e-6)));
  const per = [];
  for (let i = 0; i < samples; i++) per.push((run(iters) * 1e6) / iters);
  return stats(per, iters);
}
async function sampleAsync(run) {
  let iters = 1;
  let took;
  for (;;) {
    took = await run(iters);
    if (took >= target / 10 || iters >= 2 ** 31) break;
    iters *= took < target / 100 ? 10 : 2;
  }
  iters = Math.max(1, Math.ceil((iters * target) / Math.max(took, 1e-6)));
  const per = [];
  for (let i = 0; i < samples; i++) per.push(((await run(iters)) * 1e6) / iters);
  return stats(per, iters);
}
function sampleEach(n, run) {
  run();
  const ns = [];
  for (let i = 0; i < n; i++) ns.push(run() * 1e6);
  return stats(ns, 1);
}

const out = { node: process.version };

// ---- call -----------------------------------------------------------------------------
const addModule = new WebAssembly.Module(readFileSync(`${a.wasm_dir}/add.wasm`));
const { add } = new WebAssembly.Instance(addModule).exports;
progress("call: exports.add(i, 1) from a JS loop");
let sink = 0;
out.call = sample((n) => {
  let s = 0;
  const t = now();
  for (let i = 0; i < n; i++) s += add(i & 0xffff, 1);
  const took = now() - t;
  sink ^= s;
  return took;
});

// ---- kernel ---------------------------------------------------------------------------
const fnvModule = new WebAssembly.Module(readFileSync(`${a.wasm_dir}/fnv1a.wasm`));
const fnv = new WebAssembly.Instance(fnvModule).exports;
fnv.fill(0, bytes, SEED);
progress(`kernel: exports.fnv1a(0, ${bytes}) (${bytes >> 20} MiB)`);
let hash = 0;
out.kernel = sampleEach(Math.max(samples, 9), () => {
  const t = now();
  hash = fnv.fnv1a(0, bytes);
  return now() - t;
});
out.kernel.hash = (hash >>> 0).toString(16).padStart(8, "0");
out.kernel.bytes = bytes;

// ---- instantiate ----------------------------------------------------------------------
out.instantiate = {};
for (const [name, module] of [["add", addModule], ["fnv1a", fnvModule]]) {
  progress(`instantiate: new WebAssembly.Instance(${name})`);
  out.instantiate[name] = sample((n) => {
    const t = now();
    for (let i = 0; i < n; i++) sink += new WebAssembly.Instance(module).exports ? 1 : 0;
    return now() - t;
  });
}

// ---- memory ---------------------------------------------------------------------------
const view = new Uint8Array(fnv.memory.buffer);
const data = new Uint8Array(bytes).fill(7);
progress(`memory: Uint8Array.set of ${bytes >> 20} MiB into linear memory / slice out of it`);
out.memory = {
  bytes,
  write: sample((n) => {
    const t = now();
    for (let i = 0; i < n; i++) view.set(data, 0);
    return now() - t;
  }),
  read: sample((n) => {
    const t = now();
    for (let i = 0; i < n; i++) sink += view.slice(0, bytes).length;
    return now() - t;
  }),
};

// ---- compile --------------------------------------------------------------------------
const big = readFileSync(a.big);
progress(`compile: new WebAssembly.Module(${(big.length / 1e6).toFixed(2)} MB) (lazy Liftoff; not a full optimizing compile)`);
out.compile = sampleEach(3, () => {
  const t = now();
  sink += new WebAssembly.Module(big) ? 1 : 0;
  return now() - t;
});
out.compile.module_bytes = big.length;

// ---- host calls -----------------------------------------------------------------------
// bench/wat/host_loop.wat: `loop(n)` calls the import `env.inc` n times; per host call.
const hostModule = new WebAssembly.Module(readFileSync(`${a.wasm_dir}/host_loop.wasm`));
const expectLoop = (what, got) => {
  if (got !== hostCalls) throw new Error(`${what}: loop(${hostCalls}) returned ${got}`);
};
progress(`host call: exports.loop(${hostCalls}) calling a JS inc, per host call`);
const hostLoop = new WebAssembly.Instance(hostModule, { env: { inc: (x) => x + 1 } }).exports.loop;
expectLoop("host_call", hostLoop(hostCalls));
out.host_call = sample((n) => {
  const rounds = Math.max(1, Math.ceil(n / hostCalls));
  const t = now();
  for (let r = 0; r < rounds; r++) sink += hostLoop(hostCalls);
  return ((now() - t) * n) / (rounds * hostCalls);
});
out.host_call.host_calls = hostCalls;
// JSPI (an async import suspending the wasm call) needs WebAssembly.Suspending/promising:
// V8 12.6+ (Node 24+; older Nodes have only the earlier Suspender API behind a flag).
if (typeof WebAssembly.Suspending === "function" && typeof WebAssembly.promising === "function") {
  progress(`JSPI: await promising(exports.loop)(${hostCalls}) with a Suspending async inc, per host call`);
  const inc = new WebAssembly.Suspending(async (x) => x + 1);
  const loop = WebAssembly.promising(new WebAssembly.Instance(hostModule, { env: { inc } }).exports.loop);
  expectLoop("host_call_jspi", await loop(hostCalls));
  out.host_call_jspi = await sampleAsync(async (n) => {
    const rounds = Math.max(1, Math.ceil(n / hostCalls));
    const t = now();
    for (let r = 0; r < rounds; r++) sink += await loop(hostCalls);
    return ((now() - t) * n) / (rounds * hostCalls);
  });
  out.host_call_jspi.host_calls = hostCalls;
} else {
  out.host_call_jspi = { skipped: `Node ${process.version} has no WebAssembly.Suspending/promising (JSPI: Node 24+)` };
}

out.sink = sink % 2;
console.log(JSON.stringify(out));

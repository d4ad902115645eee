// The Deno peer of `cargo xtask bench`'s host-call figure: bench/wat/host_loop.wat under
// Deno's own WebAssembly (V8). `loop(n)` calls the import `env.inc` n times; figures are
// per host call.
//   host_call: a plain JS `inc` (what Node's row measures too);
//   jspi:      an `async inc` through JSPI: the import wrapped in
//              `new WebAssembly.Suspending(...)`, the export in `WebAssembly.promising(...)`,
//              awaited; `{ "skipped": reason }` when this Deno has no JSPI.
// Usage: deno run --allow-read=DIR bench/deno/host.mjs wasm_dir=DIR [host_calls=N]
//        [target_ms=N] [samples=N]
// Prints one JSON object on stdout; progress on stderr.
const a = Object.fromEntries(
  Deno.args.map((arg) => [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]),
);
const target = Number(a.target_ms ?? 200);
const samples = Number(a.samples ?? 7);
const hostCalls = Number(a.host_calls ?? 1000);
const now = () => performance.now();
const encoder = new TextEncoder();
const progress = (what) => Deno.stderr.writeSync(encoder.encode(`  [deno] ${what}\n`));

function stats(perIter, iters) {
  const s = [...perIter].sort((x, y) => x - y);
  const n = s.length;
  const median = n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  return { min_ns: s[0], median_ns: median, mean_ns: s.reduce((x, y) => x + y, 0) / n, samples: n, iters_per_sample: iters };
}
/** `run(iters)` does `iters` iterations and returns the elapsed ms (or a promise of it). */
async function sample(run) {
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
/** One iteration is one host call: each round is one `loop(hostCalls)`. */
function perHostCall(round) {
  return async (n) => {
    const rounds = Math.max(1, Math.ceil(n / hostCalls));
    const t = now();
    for (let r = 0; r < rounds; r++) await round();
    return ((now() - t) * n) / (rounds * hostCalls);
  };
}
function perHostCallSync(round) {
  return (n) => {
    const rounds = Math.max(1, Math.ceil(n / hostCalls));
    const t = now();
    for (let r = 0; r < rounds; r++) round();
    return ((now() - t) * n) / (rounds * hostCalls);
  };
}
function expect(what, got) {
  if (got !== hostCalls) throw new Error(`${what}: loop(${hostCalls}) returned ${got}`);
}

const module = new WebAssembly.Module(Deno.readFileSync(`${a.wasm_dir}/host_loop.wasm`));
const out = { deno: Deno.version.deno, v8: Deno.version.v8 };

progress(`host call: exports.loop(${hostCalls}) calling a JS inc, per host call`);
const plain = new WebAssembly.Instance(module, { env: { inc: (x) => x + 1 } }).exports;
expect("host_call", plain.loop(hostCalls));
out.host_call = await sample(perHostCallSync(() => plain.loop(hostCalls)));
out.host_call.host_calls = hostCalls;

if (typeof WebAssembly.Suspending === "function" && typeof WebAssembly.promising === "function") {
  progress(`JSPI: await promising(exports.loop)(${hostCalls}) with a Suspending async inc, per host call`);
  const inc = new WebAssembly.Suspending(async (x) => x + 1);
  const jspi = new WebAssembly.Instance(module, { env: { inc } }).exports;
  const loop = WebAssembly.promising(jspi.loop);
  expect("jspi", await loop(hostCalls));
  out.jspi = await sample(perHostCall(() => loop(hostCalls)));
  out.jspi.host_calls = hostCalls;
} else {
  out.jspi = { skipped: `Deno ${Deno.version.deno} (V8 ${Deno.version.v8}) has no WebAssembly.Suspending/promising` };
}
console.log(JSON.stringify(out));

// The Node peer of the component-call figure of `cargo xtask bench`: `greet(name: string)
// -> string` of the same components as bench/js/component.ts, transpiled to JS by jco
// (`jco transpile COMPONENT.wasm --instantiation async -o DIR/NAME`), called from JS.
// Usage: node bench/node/component.mjs jco_dir=DIR [sizes=16,65536] [target_ms=N] [samples=N]
// DIR holds one transpiled component per subdirectory: fixture/types.js and
// post_return/greet_component.js. Prints one JSON object on stdout; progress on stderr.
// A wrong answer fails the program.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const a = Object.fromEntries(
  process.argv.slice(2).map((arg) => [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]),
);
const target = Number(a.target_ms ?? 200);
const samples = Number(a.samples ?? 7);
const sizes = (a.sizes ?? "16,65536").split(",").map(Number);
const jcoDir = a.jco_dir;
const now = () => performance.now();
const progress = (what) => process.stderr.write(`  [node] ${what}\n`);

/** Report name and module stem of each component; the same list in component.ts. */
const COMPONENTS = [["fixture", "types"], ["post_return", "greet_component"]];

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

function greetName(bytes) {
  const parts = [];
  for (let i = 0; i < bytes; i++) parts.push(String.fromCharCode(97 + (i % 26)));
  return parts.join("");
}
const callsPerInstance = (bytes) => Math.floor((256 * 1024 * 1024) / (2 * bytes + 64));

const out = { node: process.version, components: [] };
for (const [component, stem] of COMPONENTS) {
  const dir = join(jcoDir, component);
  const { instantiate } = await import(pathToFileURL(join(dir, `${stem}.js`)).href);
  const cores = new Map();
  const getCoreModule = (file) => {
    if (!cores.has(file)) cores.set(file, new WebAssembly.Module(readFileSync(join(dir, file))));
    return cores.get(file);
  };
  // Synchronous instantiation (the core modules are compiled already), so that an
  // instance can be replaced inside a sample.
  const fresh = () => {
    const exports = instantiate(getCoreModule, {}, (module, imports) => new WebAssembly.Instance(module, imports));
    if (exports instanceof Promise) throw new Error(`${stem}.js instantiated asynchronously`);
    return exports;
  };
  const figures = [];
  for (const bytes of sizes) {
    const name = greetName(bytes);
    const want = "hello, " + name;
    const perInstance = callsPerInstance(bytes);
    let exports = fresh();
    const check = (got) => {
      if (got !== want) throw new Error(`${component} greet(${bytes} bytes) returned a wrong string`);
    };
    check(exports.greet(name));
    progress(`component greet(${bytes} bytes, ${component}): jco ${stem}.js greet(name)`);
    let used = 0;
    let last;
    const call = sample((n) => {
      let took = 0;
      let t = now();
      for (let i = 0; i < n; i++) {
        if (used === perInstance) {
          took += now() - t;
          exports = fresh();
          used = 0;
          t = now();
        }
        used++;
        last = exports.greet(name);
      }
      return took + now() - t;
    });
    check(last);
    figures.push({ bytes, calls_per_instance: perInstance, call });
  }
  out.components.push({ component, sizes: figures });
}
console.log(JSON.stringify(out));

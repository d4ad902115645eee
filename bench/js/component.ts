// Figure 8 of `cargo xtask bench`: component calls. `greet(name: string) -> string`
// ("hello, " + name) with a `sizes`-byte ASCII name (default 16 B and 64 KiB):
//
// - `await instance.call("greet", name)` of a component instance, for each component of
//   COMPONENTS: the test fixture tests/components/types.wasm (its allocator never frees,
//   so every call writes fresh memory the instance grows) and
//   bench/wat/greet_component.wat (the same greet, freeing in its post-return);
// - the same work done by hand on a core module (bench/wat/greet_core.wat), the way a
//   plugin host drives one: malloc, memory.write, greet, read the (ptr, len) it returns,
//   read the bytes, free, with the fastest call forms runtime:wasm has (getFunction +
//   callSync, memory.readInto), and UTF-8 through TextEncoder / TextDecoder;
// - the deno_core op floor (`op_void_sync`, `await op_void_async`) of the same process.
//
// Every path's answer is checked against "hello, " + name: a wrong one fails the program.
// The fixture's instance is replaced every `calls_per_instance` calls (as in bench-raw),
// with the clock stopped meanwhile, before its memory runs out.
import * as wasm from "runtime:wasm";
import { args, emit, now, progress, sample } from "./_lib.ts";

const a = args();
const target = Number(a.target_ms ?? 200);
const samples = Number(a.samples ?? 7);
const wasmDir = a.wasm_dir;
const sizes = (a.sizes ?? "16,65536").split(",").map(Number);

/** Report name and file (in wasm_dir) of each component; the same list in bench-raw. */
const COMPONENTS: [string, string][] = [["fixture", "types.wasm"], ["post_return", "greet_component.wasm"]];

// deno-lint-ignore no-explicit-any
const ops = (Deno as any).core.ops;
// deno-lint-ignore no-explicit-any
const out: any = { floor: {}, components: [], core_sequence: [], checks: {} };

/** The name every runner passes: `bytes` ASCII letters a..z repeating. */
function greetName(bytes: number): string {
  const parts: string[] = [];
  for (let i = 0; i < bytes; i++) parts.push(String.fromCharCode(97 + (i % 26)));
  return parts.join("");
}

/** Calls per component instance (see bench-raw's `calls_per_instance`). */
function callsPerInstance(bytes: number): number {
  return Math.floor((256 * 1024 * 1024) / (2 * bytes + 64));
}

function check(key: string, got: unknown, want: string) {
  if (got === want) {
    out.checks[key] = "ok";
    return;
  }
  const shown = typeof got === "string" ? `a string of ${got.length} characters` : JSON.stringify(got);
  out.checks[key] = `wrong result: ${shown} (wanted "hello, " + the name, ${want.length} characters)`;
  throw new Error(`component.ts: ${key}: ${out.checks[key]}`);
}

// ---- the op floor -----------------------------------------------------------------------
for (const name of ["op_void_sync", "op_void_async"]) {
  const op = ops[name];
  if (typeof op !== "function") {
    out.floor[name] = null;
    continue;
  }
  progress(`op floor: ${name === "op_void_async" ? "await " : ""}Deno.core.ops.${name}`);
  out.floor[name] = await sample(target, samples, async (n) => {
    const t = now();
    if (name === "op_void_async") for (let i = 0; i < n; i++) await op();
    else for (let i = 0; i < n; i++) op();
    return now() - t;
  });
}

// ---- components -------------------------------------------------------------------------
for (const [component, file] of COMPONENTS) {
  const id = await wasm.compile(await Deno.readFile(`${wasmDir}/${file}`));
  const figures = [];
  for (const bytes of sizes) {
    const name = greetName(bytes);
    const want = "hello, " + name;
    const perInstance = callsPerInstance(bytes);
    let instance = await wasm.instantiateComponent(id);
    check(`${component}_call_${bytes}`, await instance.call("greet", name), want);
    progress(`component greet(${bytes} bytes, ${component}): await instance.call("greet", name)`);
    let used = 0;
    let last: unknown = undefined;
    const call = await sample(target, samples, async (n) => {
      let took = 0;
      let t = now();
      for (let i = 0; i < n; i++) {
        if (used === perInstance) {
          took += now() - t;
          await instance.drop();
          instance = await wasm.instantiateComponent(id);
          used = 0;
          t = now();
        }
        used++;
        last = await instance.call("greet", name);
      }
      return took + now() - t;
    });
    check(`${component}_call_${bytes}_last`, last, want);
    await instance.drop();
    figures.push({ bytes, calls_per_instance: perInstance, call });
  }
  out.components.push({ component, sizes: figures });
  await wasm.dropModule(id);
}

// ---- the core-module sequence -------------------------------------------------------------
const coreId = await wasm.compile(await Deno.readFile(`${wasmDir}/greet_core.wasm`));
const core = await wasm.instantiate(coreId);
// deno-lint-ignore no-explicit-any
const coreInst = core as any;
// deno-lint-ignore no-explicit-any
async function fn(name: string): Promise<any> {
  const f = coreInst.getFunction(name);
  return f instanceof Promise ? await f : f;
}
const malloc = await fn("malloc");
const greet = await fn("greet");
const free = await fn("free");
const memory = core.memory;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const head = new Uint8Array(8);
const headView = new DataView(head.buffer);
const one = (r: unknown) => (Array.isArray(r) ? r[0] : r) as number;

for (const bytes of sizes) {
  const name = greetName(bytes);
  const want = "hello, " + name;
  // The result's bytes land here (a plugin host keeps such a buffer).
  const result = new Uint8Array(3 * bytes + 64);
  const sequence = async (s: string): Promise<string> => {
    const data = encoder.encode(s);
    const ptr = one(malloc.callSync(data.length));
    await memory.write(ptr, data);
    const area = one(greet.callSync(ptr, data.length));
    await memory.readInto(area, head);
    const resultPtr = headView.getUint32(0, true);
    const resultLen = headView.getUint32(4, true);
    const view = result.subarray(0, resultLen);
    await memory.readInto(resultPtr, view);
    const text = decoder.decode(view);
    free.callSync(ptr);
    return text;
  };
  check(`core_sequence_${bytes}`, await sequence(name), want);
  progress(`core module greet(${bytes} bytes): malloc, memory.write, greet, read (ptr, len), readInto, free`);
  let last: unknown = undefined;
  const figure = await sample(target, samples, async (n) => {
    const t = now();
    for (let i = 0; i < n; i++) last = await sequence(name);
    return now() - t;
  });
  check(`core_sequence_${bytes}_last`, last, want);
  out.core_sequence.push({ bytes, sequence: figure });
}
await core.drop();
await wasm.dropModule(coreId);
emit(out);

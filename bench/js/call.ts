// Figure 1 of `cargo xtask bench`: the round trip of `add(i32, i32) -> i32` from JS,
// through every call path runtime:wasm offers (feature-detected), next to the bare
// deno_core op floor measured in the same process.
import * as wasm from "runtime:wasm";
import { args, emit, now, progress, sample, scalar } from "./_lib.ts";

const a = args();
const target = Number(a.target_ms ?? 200);
const samples = Number(a.samples ?? 7);
const wasmDir = a.wasm_dir;
const batchSize = Number(a.batch ?? 1000);
const inFlight = Number(a.in_flight ?? 64);

// deno-lint-ignore no-explicit-any
const ops = (Deno as any).core.ops;
// deno-lint-ignore no-explicit-any
const out: any = { engine_loop: {}, floor: {}, runtime: {}, detected: {}, checks: {} };

function syncLoop(f: (i: number) => unknown) {
  return (n: number) => {
    const t = now();
    for (let i = 0; i < n; i++) f(i & 0xffff);
    return now() - t;
  };
}
function asyncLoop(f: (i: number) => Promise<unknown>) {
  return async (n: number) => {
    const t = now();
    for (let i = 0; i < n; i++) await f(i & 0xffff);
    return now() - t;
  };
}
async function check(name: string, got: unknown, want: unknown) {
  const value = scalar(await got);
  out.checks[name] = value === want ? "ok" : `unexpected result ${JSON.stringify(value)} (wanted ${want})`;
}

// ---- the engine itself: a loop calling an empty JS function ----------------------------
progress("JS loop calling an empty function (the interpreter's own overhead)");
function noop(_i: number) {
  return undefined;
}
out.engine_loop.js_noop = await sample(target, samples, syncLoop(noop));

// ---- the op floor -----------------------------------------------------------------------
for (const name of ["op_void_sync", "op_add"]) {
  if (typeof ops[name] !== "function") {
    out.floor[name] = null;
    continue;
  }
  progress(`op floor: Deno.core.ops.${name}`);
  const op = ops[name];
  out.floor[name] = await sample(target, samples, name === "op_add" ? syncLoop((i) => op(i, 1)) : syncLoop(() => op()));
}
for (const name of ["op_void_async", "op_add_async"]) {
  if (typeof ops[name] !== "function") {
    out.floor[name] = null;
    continue;
  }
  progress(`op floor: await Deno.core.ops.${name}`);
  const op = ops[name];
  out.floor[name] = await sample(
    target,
    samples,
    name === "op_add_async" ? asyncLoop((i) => op(i, 1)) : asyncLoop(() => op()),
  );
}

// ---- runtime:wasm --------------------------------------------------------------------
const moduleId = await wasm.compile(await Deno.readFile(`${wasmDir}/add.wasm`));
const instance = await wasm.instantiate(moduleId);
// deno-lint-ignore no-explicit-any
const inst = instance as any;

progress("runtime:wasm: await instance.call(\"add\", i, 1)");
await check("call", instance.call("add", 2, 1), 3);
out.runtime.call = await sample(target, samples, asyncLoop((i) => instance.call("add", i, 1)));

progress(`runtime:wasm: ${inFlight} instance.call in flight at once (Promise.all), per call`);
out.runtime.call_in_flight = await sample(target, samples, async (n) => {
  const rounds = Math.max(1, Math.ceil(n / inFlight));
  const t = now();
  for (let r = 0; r < rounds; r++) {
    const pending = [];
    for (let i = 0; i < inFlight; i++) pending.push(instance.call("add", i, 1));
    await Promise.all(pending);
  }
  return ((now() - t) * n) / (rounds * inFlight);
});
out.runtime.call_in_flight.in_flight = inFlight;

out.detected.callSync = typeof inst.callSync === "function";
if (out.detected.callSync) {
  progress("runtime:wasm: instance.callSync(\"add\", i, 1)");
  await check("callSync", inst.callSync("add", 2, 1), 3);
  out.runtime.callSync = await sample(target, samples, syncLoop((i) => inst.callSync("add", i, 1)));
}

out.detected.getFunction = typeof inst.getFunction === "function";
if (out.detected.getFunction) {
  let fn = inst.getFunction("add");
  if (fn instanceof Promise) fn = await fn;
  out.detected.getFunction_call = typeof fn?.call === "function";
  out.detected.getFunction_callSync = typeof fn?.callSync === "function";
  if (out.detected.getFunction_call) {
    progress("runtime:wasm: await instance.getFunction(\"add\").call(i, 1)");
    await check("getFunction.call", fn.call(2, 1), 3);
    out.runtime.getFunction_call = await sample(target, samples, asyncLoop((i) => fn.call(i, 1)));
  }
  out.detected.getFunction_callBatch = typeof fn?.callBatch === "function";
  if (out.detected.getFunction_callSync) {
    progress("runtime:wasm: instance.getFunction(\"add\").callSync(i, 1)");
    await check("getFunction.callSync", fn.callSync(2, 1), 3);
    out.runtime.getFunction_callSync = await sample(target, samples, syncLoop((i) => fn.callSync(i, 1)));
  }
}

// deno-lint-ignore no-explicit-any
async function batch(key: string, label: string, callBatch: (list: any[]) => Promise<any>) {
  progress(`runtime:wasm: await ${label} with ${batchSize} argument lists, per call`);
  const argsList = Array.from({ length: batchSize }, (_, i) => [i, 1]);
  const first = await callBatch([[2, 1], [5, 1]]);
  const firstValues = Array.isArray(first) ? first.map(scalar) : first;
  out.checks[key] = JSON.stringify(firstValues) === "[3,6]"
    ? "ok"
    : `unexpected result ${JSON.stringify(firstValues)} (wanted [3,6])`;
  out.runtime[key] = await sample(target, samples, async (n) => {
    const rounds = Math.max(1, Math.ceil(n / batchSize));
    const t = now();
    for (let r = 0; r < rounds; r++) await callBatch(argsList);
    return ((now() - t) * n) / (rounds * batchSize);
  });
  out.runtime[key].batch = batchSize;
}

out.detected.callBatch = typeof inst.callBatch === "function";
if (out.detected.callBatch) {
  await batch("callBatch", 'instance.callBatch("add", ...)', (list) => inst.callBatch("add", list));
}
if (out.detected.getFunction_callBatch) {
  let fn = inst.getFunction("add");
  if (fn instanceof Promise) fn = await fn;
  await batch("getFunction_callBatch", 'getFunction("add").callBatch', (list) => fn.callBatch(list));
}

await instance.drop();
await wasm.dropModule(moduleId);
emit(out);

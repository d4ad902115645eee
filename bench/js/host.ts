// Figure 7 of `cargo xtask bench`: host functions. `loop(n)` of bench/wat/host_loop.wat
// calls the import `env.inc` n times; one call from JS makes `host_calls` host calls, and
// the figures are per host call. Sync: `instance.callSync("loop", n)` with a plain
// `inc(x) { return x + 1 }`. Async: `await instance.call("loop", n)` with
// `async inc(x) { return x + 1 }` (a promise already resolved when the host sees it).
// The same calls with n = 0 give what a call of an instance with host functions costs
// before any host call.
import * as wasm from "runtime:wasm";
import { args, emit, now, progress, sample, scalar } from "./_lib.ts";

const a = args();
const target = Number(a.target_ms ?? 200);
const samples = Number(a.samples ?? 7);
const wasmDir = a.wasm_dir;
const hostCalls = Number(a.host_calls ?? 1000);

// deno-lint-ignore no-explicit-any
const out: any = { host_calls: hostCalls, checks: {} };

async function check(name: string, got: unknown, want: unknown) {
  const value = scalar(await got);
  out.checks[name] = value === want ? "ok" : `unexpected result ${JSON.stringify(value)} (wanted ${want})`;
}

/** Samplers whose iteration is one host call: each round is one `loop(hostCalls)`. */
function perHostCallSync(round: () => unknown) {
  return (n: number) => {
    const rounds = Math.max(1, Math.ceil(n / hostCalls));
    const t = now();
    for (let r = 0; r < rounds; r++) round();
    return ((now() - t) * n) / (rounds * hostCalls);
  };
}
function perHostCall(round: () => Promise<unknown>) {
  return async (n: number) => {
    const rounds = Math.max(1, Math.ceil(n / hostCalls));
    const t = now();
    for (let r = 0; r < rounds; r++) await round();
    return ((now() - t) * n) / (rounds * hostCalls);
  };
}

const moduleId = await wasm.compile(await Deno.readFile(`${wasmDir}/host_loop.wasm`));

const syncInstance = await wasm.instantiate(moduleId, {
  imports: {
    env: {
      inc(x: number) {
        return x + 1;
      },
    },
  },
});
// deno-lint-ignore no-explicit-any
const syncInst = syncInstance as any;
progress(`host functions: instance.callSync("loop", ${hostCalls}) with a sync inc, per host call`);
await check("sync", syncInst.callSync("loop", hostCalls), hostCalls);
out.sync = await sample(target, samples, perHostCallSync(() => syncInst.callSync("loop", hostCalls)));
progress(`host functions: instance.callSync("loop", 0) (no host call)`);
await check("sync_no_host_call", syncInst.callSync("loop", 0), 0);
out.sync_no_host_call = await sample(target, samples, (n) => {
  const t = now();
  for (let i = 0; i < n; i++) syncInst.callSync("loop", 0);
  return now() - t;
});

const asyncInstance = await wasm.instantiate(moduleId, {
  imports: {
    env: {
      // deno-lint-ignore require-await
      async inc(x: number) {
        return x + 1;
      },
    },
  },
});
progress(`host functions: await instance.call("loop", ${hostCalls}) with an async inc, per host call`);
await check("async", asyncInstance.call("loop", hostCalls), hostCalls);
out.async = await sample(target, samples, perHostCall(() => asyncInstance.call("loop", hostCalls)));
progress(`host functions: await instance.call("loop", 0) (no host call)`);
await check("async_no_host_call", asyncInstance.call("loop", 0), 0);
out.async_no_host_call = await sample(target, samples, async (n) => {
  const t = now();
  for (let i = 0; i < n; i++) await asyncInstance.call("loop", 0);
  return now() - t;
});

out.sync.host_calls = hostCalls;
out.async.host_calls = hostCalls;
await syncInstance.drop();
await asyncInstance.drop();
await wasm.dropModule(moduleId);
emit(out);

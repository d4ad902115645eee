// Shared helpers of the runtime:wasm benchmark scripts (run by `cargo xtask bench` in
// forge-wasm). Arguments arrive as `key=value` in Deno.args; results are printed as one
// JSON object on stdout, progress goes to stderr.

export interface Stats {
  min_ns: number;
  median_ns: number;
  mean_ns: number;
  samples: number;
  iters_per_sample: number;
}

export function args(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const arg of Deno.args) {
    const eq = arg.indexOf("=");
    if (eq > 0) out[arg.slice(0, eq)] = arg.slice(eq + 1);
  }
  return out;
}

export function progress(what: string): void {
  console.error(`  [forge-wasm] ${what}`);
}

export function stats(perIter: number[], iters: number): Stats {
  const sorted = [...perIter].sort((a, b) => a - b);
  const n = sorted.length;
  const median = n % 2 === 1 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  return {
    min_ns: sorted[0],
    median_ns: median,
    mean_ns: sorted.reduce((a, b) => a + b, 0) / n,
    samples: n,
    iters_per_sample: iters,
  };
}

type Run = (iters: number) => Promise<number> | number;

/**
 * Calibrate an iteration count so that one sample lasts about `targetMs`, then take
 * `samples` samples. `run(iters)` does `iters` iterations and returns the elapsed ms.
 */
export async function sample(targetMs: number, samples: number, run: Run): Promise<Stats> {
  let iters = 1;
  let took: number;
  for (;;) {
    took = await run(iters);
    if (took >= targetMs / 10 || iters >= 2 ** 31) break;
    iters *= took < targetMs / 100 ? 10 : 2;
  }
  iters = Math.max(1, Math.ceil((iters * targetMs) / Math.max(took, 1e-6)));
  // A single iteration far longer than a sample: fewer samples keep the run short.
  if (took > 5 * targetMs) samples = Math.min(samples, 3);
  const perIter: number[] = [];
  for (let i = 0; i < samples; i++) perIter.push(((await run(iters)) * 1e6) / iters);
  return stats(perIter, iters);
}

/** `samples` samples of one (long) operation each, after one unmeasured warm-up. */
export async function sampleEach(samples: number, run: () => Promise<number> | number): Promise<Stats> {
  await run();
  const ns: number[] = [];
  for (let i = 0; i < samples; i++) ns.push((await run()) * 1e6);
  return stats(ns, 1);
}

// The engine's high-resolution clock (QuickJS-ng has `performance.now()`; the host's
// typings do not declare it).
const clock = (globalThis as unknown as { performance: { now(): number } }).performance;
export const now = () => clock.now();

export function emit(result: unknown): void {
  console.log(JSON.stringify(result));
}

/** A call's result as a number: `3`, `[3]`, or `{ value: 3 }`-like shapes. */
export function scalar(result: unknown): unknown {
  if (Array.isArray(result)) return result.length === 1 ? result[0] : result;
  return result;
}

// A call's timeout counts from when the call starts, including time spent waiting on
// WASI I/O. A call that sleeps 400 ms in poll_oneoff and then loops under timeoutMs 100
// must stop right after the sleep (a host call is not interrupted midway), not a whole
// timeout later: an async call used to restart its timeout when it resumed on a worker.
//
// The timeout counts epoch ticks of 2 ms (runtime/src/timeout.rs). On a loaded machine
// the ticks come late, so a 100 ms timeout may take several times that in wall time; the
// sleep is wall time. Two bounds make the check hold on such a machine:
// - what the mechanism guarantees: a restarted timeout runs at least 100 ms less one tick
//   after the sleep, while a timeout counted from the start has stopped the call at once
//   unless the ticks ran about 5 times slow during the sleep;
// - a baseline, each path first stopping a plain loop under the same timeout (B, this
//   run's wall-clock length of the timeout): after the sleep the loop then runs about
//   max(0, B - 400) ms if the timeout counts from the start and about B if it restarted.
// The loop may run after the sleep up to the larger of the two limits.
import { compile, instantiate } from "runtime:wasm";
import { assert, assertRejects } from "../_assert.ts";

const SLEEP_MS = 400;
const TIMEOUT_MS = 100;
// A restarted timeout runs at least this long after the sleep: its ticks less the one
// under way when it started, less a millisecond of clock rounding.
const RESTARTED_AT_LEAST = TIMEOUT_MS - 3;
const m = await compile(`(module
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "sleep_then_loop") (param $ms i32)
    (i32.store8 (i32.const 8) (i32.const 0))
    (i32.store (i32.const 16) (i32.const 1))
    (i64.store (i32.const 24) (i64.mul (i64.extend_i32_u (local.get $ms)) (i64.const 1000000)))
    (drop (call $poll (i32.const 0) (i32.const 128) (i32.const 1) (i32.const 256)))
    (loop $l (br $l)))
  (func (export "just_loop") (loop $l (br $l))))`);

const limited = await instantiate(m, { timeoutMs: TIMEOUT_MS });
const plain = await instantiate(m);
// Each path, running `sleep_then_loop(ms)`, or without a sleep the baseline's `just_loop`.
const paths: [string, (ms?: number) => unknown][] = [
  ["call", (ms) => (ms === undefined ? limited.call("just_loop") : limited.call("sleep_then_loop", ms))],
  [
    "callWith",
    (ms) =>
      ms === undefined
        ? plain.callWith("just_loop", [], { timeoutMs: TIMEOUT_MS })
        : plain.callWith("sleep_then_loop", [ms], { timeoutMs: TIMEOUT_MS }),
  ],
  ["callSync", async (ms) => (ms === undefined ? limited.callSync("just_loop") : limited.callSync("sleep_then_loop", ms))],
];

/** Milliseconds until `run(ms)` stops with 5012. */
async function stops(run: (ms?: number) => unknown, ms?: number): Promise<number> {
  const started = Date.now();
  await assertRejects(async () => await run(ms), 5012);
  return Date.now() - started;
}

for (const [path, run] of paths) {
  const baseline = await stops(run);
  // The timeout never stops a call early either.
  assert(baseline >= RESTARTED_AT_LEAST, `${path}: a ${TIMEOUT_MS} ms timeout stopped a loop after ${baseline} ms`);
  const took = await stops(run, SLEEP_MS);
  assert(took >= SLEEP_MS - 1, `${path}: stopped after ${took} ms, during the ${SLEEP_MS} ms sleep`);
  const after = took - SLEEP_MS;
  const counted = Math.max(0, baseline - SLEEP_MS);
  const restarted = baseline;
  const limit = Math.max(RESTARTED_AT_LEAST, (counted + restarted) / 2);
  console.log(`${path}: the timeout took ${baseline} ms; with the sleep the call stopped after ${took} ms`);
  assert(
    after < limit,
    `${path}: ran ${after} ms after the sleep, limit ${limit} (timeout measured at ${baseline} ms in ` +
      `this run: about ${counted} expected, about ${restarted} if the timeout restarted)`,
  );
}

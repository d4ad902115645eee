// env: BLOCKING_MAX_THREADS=2
// A call that started on the JS thread and moved off it holds its instance's lock. It
// must get a thread even when every pool thread is taken, some by calls waiting for that
// very lock; it once waited in the pool's queue behind them, and nothing ever finished.
// (The header shrinks the worker pool to two threads, so that a few calls fill it.)
import { compile, instantiate } from "runtime:wasm";
import { assertEquals } from "../_assert.ts";

const m = await compile(`(module
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func $sleep (param $ms i32)
    (i32.store8 (i32.const 8) (i32.const 0))
    (i32.store (i32.const 16) (i32.const 1))
    (i64.store (i32.const 24) (i64.mul (i64.extend_i32_u (local.get $ms)) (i64.const 1000000)))
    (drop (call $poll (i32.const 0) (i32.const 128) (i32.const 1) (i32.const 256))))
  (func (export "slow") (param i32) (result i32) (call $sleep (local.get 0)) (i32.const 1))
  (func (export "quick") (param i32) (result i32) (call $sleep (local.get 0)) (i32.const 2))
  (func (export "spin") (param i32) (result i32)
    (loop $l local.get 0 i32.const 1 i32.sub local.tee 0 br_if $l) (i32.const 3)))`);
const [i, j, k] = await Promise.all([instantiate(m), instantiate(m), instantiate(m)]);
// A first call of 10 ms marks "slow" as long: its next calls go straight to the pool.
await i.call("slow", 10);
const calls = [
  j.call("spin", 100_000_000), // these two hold both pool threads for a while
  k.call("spin", 100_000_000),
  i.call("slow", 1), // queued in the pool; each will wait for i's lock
  i.call("slow", 1),
  i.call("quick", 1), // starts here on the free instance, waits on I/O, moves
];
let timer = 0;
const outcome = await Promise.race([
  Promise.all(calls).then((results) => results.map(([r]) => r)),
  new Promise((resolve) => (timer = setTimeout(() => resolve("hung for 20 s"), 20_000))),
]);
clearTimeout(timer);
assertEquals(outcome, [3, 3, 1, 1, 2]);

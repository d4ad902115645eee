// A call's timeout counts from when the call starts, including time spent waiting on
// WASI I/O. A call that slept 300 ms in poll_oneoff and then looped with timeoutMs 200
// must stop right after the sleep (a host call is not interrupted midway), not 200 ms
// later: an async call used to restart its timeout when it resumed on a worker thread.
import { compile, instantiate } from "runtime:wasm";
import { assert, assertRejects } from "../_assert.ts";

const m = await compile(`(module
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "sleep_then_loop") (param $ms i32)
    (i32.store8 (i32.const 8) (i32.const 0))
    (i32.store (i32.const 16) (i32.const 1))
    (i64.store (i32.const 24) (i64.mul (i64.extend_i32_u (local.get $ms)) (i64.const 1000000)))
    (drop (call $poll (i32.const 0) (i32.const 128) (i32.const 1) (i32.const 256)))
    (loop $l (br $l))))`);

const limited = await instantiate(m, { timeoutMs: 200 });
const plain = await instantiate(m);
const paths: [string, () => unknown][] = [
  ["call", () => limited.call("sleep_then_loop", 300)],
  ["callWith", () => plain.callWith("sleep_then_loop", [300], { timeoutMs: 200 })],
  ["callSync", async () => limited.callSync("sleep_then_loop", 300)],
];
for (const [path, run] of paths) {
  const started = Date.now();
  await assertRejects(async () => await run(), 5012);
  const took = Date.now() - started;
  // Right after the 300 ms sleep; a restarted timeout would make it 500 ms.
  assert(took >= 290 && took < 450, `${path}: stopped after ${took} ms, expected about 300`);
}

// callSync into a WASI instance whose guest polls with a zero timeout (what wasi-libc's
// non-blocking poll(2) does). wasmtime-wasi answers such a poll by yielding to tokio; on
// the JS thread that yield used to be handed to the event loop's scheduler, which the
// blocked callSync never returned to: the call hung forever, timeout or not.
import * as wasm from "runtime:wasm";
import { assertEquals, assertRejects } from "../_assert.ts";

// poll_oneoff with one relative clock subscription of `ns` nanoseconds, then `after`.
const source = `(module
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func $poll_for (param $ns i64) (result i32)
    (i64.store (i32.const 0) (i64.const 0))
    (i32.store8 (i32.const 8) (i32.const 0))
    (i32.store (i32.const 16) (i32.const 1))
    (i64.store (i32.const 24) (local.get $ns))
    (i64.store (i32.const 32) (i64.const 0))
    (i32.store16 (i32.const 40) (i32.const 0))
    (call $poll (i32.const 0) (i32.const 256) (i32.const 1) (i32.const 512)))
  (func (export "polls") (param $times i32) (result i32) (local $errno i32)
    (loop $again
      (local.set $errno (i32.or (local.get $errno) (call $poll_for (i64.const 0))))
      (local.set $times (i32.sub (local.get $times) (i32.const 1)))
      (br_if $again (i32.gt_s (local.get $times) (i32.const 0))))
    (i32.add (local.get $errno) (i32.const 42)))
  (func (export "poll_then_spin") (drop (call $poll_for (i64.const 0))) (loop br 0)))`;
const instance = await wasm.instantiate(await wasm.compile(source), { timeoutMs: 300 });

assertEquals(instance.callSync("polls", 1), [42], "one zero-timeout poll returns, with errno 0");
assertEquals(instance.callSync("polls", 50), [42], "fifty in a row");
assertEquals(instance.getFunction("polls").callSync(3), [42], "through a function handle");
assertEquals(await instance.call("polls", 5), [42], "the async path agrees");
const started = Date.now();
await assertRejects(async () => instance.callSync("poll_then_spin"), 5012);
const took = Date.now() - started;
if (took > 30_000) throw new Error(`the timeout took ${took} ms`);
assertEquals(instance.callSync("polls", 2), [42], "the instance stays usable after the timeout");
console.log("zero-timeout polls under callSync: ok");

// `interruptible: false`: code without epoch checks, for trusted compute. Its calls cannot
// time out, so timeouts are refused; async calls run on a worker from the start, so a long
// call never holds up the event loop; callSync, fuel and host functions still work.
import * as wasm from "runtime:wasm";
import { assert, assertEquals, assertRejects } from "../_assert.ts";

const moduleId = await wasm.compile(`(module
  (func (export "spin") (param $n i32) (result i32) (local $i i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (local.get $i)))`);

const trusted = await wasm.instantiate(moduleId, { interruptible: false });
assertEquals(await trusted.call("spin", 1000), [1000]);
assertEquals(trusted.callSync("spin", 1000), [1000]);

// A long async call runs off the JS thread: a timer set after it starts fires before it ends.
const events: string[] = [];
const long = trusted.call("spin", 400_000_000).then(() => events.push("call done"));
await new Promise((resolve) => setTimeout(resolve, 1));
events.push("timer");
await long;
assertEquals(events, ["timer", "call done"], "the event loop ran while the call did");

// No epoch checks, so nothing could stop a call: timeouts are refused, not ignored.
await assertRejects(() => wasm.instantiate(moduleId, { interruptible: false, timeoutMs: 10 }), 5010);
await assertRejects(() => trusted.callWith("spin", [10], { timeoutMs: 1000 }), 5007);

// Fuel still works (a fourth engine kind: fuel, no epochs).
const budgeted = await wasm.instantiate(moduleId, { interruptible: false, fuel: 10_000 });
await assertRejects(() => budgeted.call("spin", 1_000_000), 5011);
await budgeted.setFuel(1e12);
assertEquals(await budgeted.call("spin", 1_000_000), [1_000_000]);

// Host functions, sync and async, and a start function that calls one.
const hosted = await wasm.compile(`(module
  (import "env" "inc" (func $inc (param i32) (result i32)))
  (global $g (mut i32) (i32.const 0))
  (func $start (global.set $g (call $inc (i32.const 41))))
  (start $start)
  (func (export "g") (result i32) (global.get $g))
  (func (export "twice") (param i32) (result i32) (call $inc (call $inc (local.get 0)))))`);
let calls = 0;
const plugin = await wasm.instantiate(hosted, {
  interruptible: false,
  imports: { env: { inc: async (x: number) => (calls++, x + 1) } },
});
assertEquals(await plugin.call("g"), [42], "the start function called the host");
assertEquals(await plugin.call("twice", 1), [3]);
assertEquals(calls, 3);
await assertRejects(async () => plugin.callSync("twice", 1), 5002);
assert(calls === 4, "callSync ran the first host function and refused its promise");

await trusted.drop();
await budgeted.drop();
await plugin.drop();
console.log("uninterruptible: ok");

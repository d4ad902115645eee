// Per-call limits through instance.callWith(name, args, { fuel, timeoutMs }) and
// instance.run(options): they override the instance's own for that call only.
import * as wasm from "runtime:wasm";
import { assert, assertEquals, assertRejects } from "../_assert.ts";

const moduleId = await wasm.compileFile("tests/fixtures/traps.wasm");
// spin(n) runs n iterations: SLOW takes well over 20 ms, also in release builds.
const SLOW = 300_000_000;
// Timeouts count epoch ticks of at least 2 ms (runtime/src/timeout.rs). A timeout of T ms
// never stops a call before T less one tick (the one under way when the call started) less
// a millisecond of clock rounding; on a loaded machine the ticks come late, so there is
// no upper bound in wall time. Lower bounds use that; upper ones compare with a run of the
// same work measured in this process.
const EARLIEST = (timeoutMs: number) => timeoutMs - 3;
const elapsed = (since: number) => Date.now() - since;

// Fuel: a per-call budget replaces the instance's and the instance's is restored after.
const fueled = await wasm.instantiate(moduleId, { fuel: 1000 });
await assertRejects(() => fueled.call("spin", 100_000), 5011);
await fueled.setFuel(1000);
assertEquals(await fueled.callWith("spin", [100_000], { fuel: 10_000_000 }), [100_000], "a bigger budget");
assertEquals(await fueled.getFuel(), 1000, "the instance's fuel after a per-call budget");
await assertRejects(() => fueled.callWith("spin", [100_000], { fuel: 100 }), 5011);
assertEquals(await fueled.getFuel(), 1000, "restored after a per-call exhaustion too");
assertEquals(await fueled.call("spin", 10), [10], "the instance's own budget still works");

// An instance without a fuel budget runs code without fuel metering: it has no fuel
// (Infinity), runs to the end, and refuses fuel asked of it later with 5007.
const free = await wasm.instantiate(moduleId);
await assertRejects(() => free.callWith("forever", [], { fuel: 50_000 }), 5007);
await assertRejects(() => free.setFuel(1000), 5007);
assertEquals(await free.getFuel(), Infinity);
assertEquals(await free.call("spin", 1_000_000), [1_000_000]);
// A per-call budget on an instance with a budget limits that call only.
const budgeted = await wasm.instantiate(moduleId, { fuel: 10_000_000_000 });
await assertRejects(() => budgeted.callWith("forever", [], { fuel: 50_000 }), 5011);
assertEquals(await budgeted.getFuel(), 10_000_000_000, "the instance's budget is untouched");

// Timeout: a per-call timeout longer than the instance's lets the slow call complete...
const timed = await wasm.instantiate(moduleId, { timeoutMs: 20 });
let started = Date.now();
assertEquals(await timed.callWith("spin", [SLOW], { timeoutMs: 60_000 }), [SLOW]);
const fullRun = elapsed(started);
// ...while the instance's own 20 ms stop the same call before it could have finished.
started = Date.now();
await assertRejects(() => timed.call("spin", SLOW), 5012);
const stopped = elapsed(started);
assert(stopped >= EARLIEST(20), `the instance's 20 ms timeout stopped the call after ${stopped} ms`);
assert(stopped < fullRun, `stopped after ${stopped} ms, but the whole call takes ${fullRun} ms`);
await assertRejects(() => timed.call("spin", SLOW), 5012);
// A per-call timeout replaces the instance's, also when it is longer.
started = Date.now();
await assertRejects(() => timed.callWith("forever", [], { timeoutMs: 300 }), 5012);
const replaced = elapsed(started);
assert(replaced >= EARLIEST(300), `the per-call 300 ms timeout replaced the instance's 20 ms: ${replaced} ms`);
started = Date.now();
await assertRejects(() => free.callWith("forever", [], { timeoutMs: 30 }), 5012);
const own = elapsed(started);
assert(own >= EARLIEST(30), `a per-call 30 ms timeout on an instance without one: ${own} ms`);
assertEquals(await free.call("spin", 10), [10], "no timeout left behind");

// Both limits at once: whichever comes first.
await assertRejects(() => budgeted.callWith("forever", [], { fuel: 1000, timeoutMs: 60_000 }), 5011);
await assertRejects(() => budgeted.callWith("forever", [], { fuel: 1e15, timeoutMs: 30 }), 5012);

// run() takes the same options.
const command = await wasm.compile(`(module (func (export "_start") (loop br 0)))`);
const program = await wasm.instantiate(command, { fuel: 1e15 });
await assertRejects(() => program.run({ fuel: 10_000 }), 5011);
await assertRejects(() => program.run({ timeoutMs: 30 }), 5012);
const counted = await wasm.compile(`(module (func (export "_start") (local $i i32)
  (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br_if $l (i32.lt_u (local.get $i) (i32.const 1000))))))`);
const short = await wasm.instantiate(counted, { fuel: 100 });
await assertRejects(() => short.run(), 5011);
await short.setFuel(100);
assertEquals(await short.run({ fuel: 1_000_000 }), 0, "a per-run budget big enough");
assertEquals(await short.getFuel(), 100, "the instance's fuel after the run");

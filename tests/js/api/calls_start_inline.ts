// Async calls start on the JS thread and move to a worker at the first epoch tick.
// Whatever path a call takes, it gets the same results, limits and errors: a long call
// does not block the event loop, two long calls into one instance run one after the
// other, and a timeout still stops a call that moved.
import { compileFile, instantiate, WasmError } from "runtime:wasm";
import { assert, assertEquals, assertRejects } from "../_assert.ts";

const moduleId = await compileFile("tests/fixtures/traps.wasm");
const instance = await instantiate(moduleId);

// Calibrate a call that lasts ~50 ms or more (many epoch ticks).
let n = 100_000;
for (;;) {
  const start = Date.now();
  await instance.call("spin", n);
  if (Date.now() - start >= 50 || n > 500_000_000) break;
  n *= 4;
}
const [expected] = await instance.call("spin", n);

// Two long calls into one instance at once: the second waits for the first (the store
// is never entered twice) and both return the right result.
let ticks = 0;
const timer = setInterval(() => ticks++, 1);
const both = await Promise.all([instance.call("spin", n), instance.getFunction("spin").call(n)]);
clearInterval(timer);
assertEquals(both, [[expected], [expected]]);
assert(ticks > 0, "timers ran while the calls did");

// A short call made while a long one holds the instance waits for it, then runs.
const long = instance.call("spin", n);
assertEquals(await instance.call("spin", 10), (await instantiate(moduleId)).callSync("spin", 10));
assertEquals(await long, [expected]);

// callBatch of long calls moves as a whole and keeps the order.
assertEquals(await instance.callBatch("spin", [[n], [10], [n]]), [[expected], instance.callSync("spin", 10), [expected]]);

// A timeout stops a call that started here and moved; the instance stays usable.
const limited = await instantiate(moduleId, { timeoutMs: 30 });
const started = Date.now();
const error = await assertRejects(() => limited.call("forever"));
assert(error instanceof WasmError && error.code === 5012, `expected 5012, got ${error}`);
assert(Date.now() - started >= 25, "the call ran until its timeout");
assertEquals(await limited.call("spin", 10), instance.callSync("spin", 10), "usable after the timeout");

// Fuel: a trap from the budget looks the same on the inline path.
const fueled = await instantiate(moduleId, { fuel: 1000 });
const fuelError = await assertRejects(() => fueled.call("forever"));
assert(fuelError instanceof WasmError && fuelError.code === 5011, `expected 5011, got ${fuelError}`);

await instance.drop();
await limited.drop();
await fueled.drop();

// The JS event loop keeps running while wasm runs: a timer fires during a long call.
import { compileFile, instantiate } from "runtime:wasm";
import { assertEquals } from "../_assert.ts";

const instance = await instantiate(await compileFile("tests/fixtures/traps.wasm"));
const events: string[] = [];
// Calibrate a call that lasts at least ~200 ms on this machine.
let n = 1_000_000;
for (;;) {
  const start = Date.now();
  await instance.call("spin", n);
  if (Date.now() - start >= 100 || n > 2_000_000_000 / 2) break;
  n *= 4;
}
const call = instance.call("spin", Math.min(n * 2, 2_000_000_000)).then(() => events.push("call done"));
setTimeout(() => events.push("timer fired"), 1);
await call;
assertEquals(events, ["timer fired", "call done"]);

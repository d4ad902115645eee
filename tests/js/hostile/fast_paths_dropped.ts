// getFunction throws 5005 (InvalidInstanceHandle) for a dropped instance, whether or not
// the name was resolved before the drop. (Regression test: it used to hand back the cached
// handle of a name resolved before the drop, whose calls then failed 5005; fixed in 926a20d.)
import * as wasm from "runtime:wasm";
import { expectCodes, hostile } from "./_harness.ts";

const h = await hostile("fast_paths_dropped");
const instance = await wasm.instantiate(await wasm.compile(`(module (func (export "ok") (result i32) i32.const 1))`));
instance.getFunction("ok");
await instance.callBatch("ok", [[]]);
instance.callSync("ok");
await instance.drop();

for (const [label, attempt] of [
  ["getFunction of a name resolved before the drop", () => instance.getFunction("ok")],
  ["getFunction of a name never resolved", () => instance.getFunction("other")],
] as [string, () => unknown][]) {
  await h.run(`${label} throws 5005`, async () => {
    try {
      attempt();
    } catch (error) {
      expectCodes(error, [5005], label);
      return;
    }
    throw new Error(`${label}: returned a handle instead of throwing 5005`);
  });
}
await h.finish(2);

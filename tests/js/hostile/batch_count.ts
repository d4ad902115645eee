// The batch op called directly with a forged call count. The JS module sends one call per
// argument list; a script that calls the op itself can claim billions of calls of a
// function without parameters, whose calls take no bytes of the argument buffer. The op
// bounds the count (5007) instead of allocating or looping for each claimed call.
import * as wasm from "runtime:wasm";
import { assertEquals } from "../_assert.ts";
import { expectCodes, hostile } from "./_harness.ts";

const h = await hostile("batch_count");
// deno-lint-ignore no-explicit-any
const op = (Deno as any).core?.ops?.op_wasm_function_call_batch;
if (typeof op !== "function") {
  console.log("batch_count: skipping: Deno.core.ops is not exposed in this host");
} else {
  const instance = await wasm.instantiate(await wasm.compile(`(module (func (export "seven") (result i32) i32.const 7))`));
  const seven = instance.getFunction("seven"); // handle 0 of this instance
  assertEquals(await seven.callBatch([[], []]), [[7], [7]], "the batch path answers");
  // Find this instance's id: the only one whose handle 0 takes no arguments and answers 7.
  const noArgs = new Uint8Array(0);
  let id = -1;
  for (let candidate = 1; candidate < 64 && id < 0; candidate++) {
    try {
      const out = new Uint8Array(await op(candidate, 0, 1, noArgs));
      if (out.length === 16 && new DataView(out.buffer).getFloat64(8, true) === 7) id = candidate;
    } catch {
      // Another instance, a dropped one, or a handle with parameters.
    }
  }
  if (id < 0) throw new Error("the instance's id was not found");

  for (const count of [2 ** 32 - 1, 2 ** 31, 2 ** 20 + 1]) {
    await h.run(`count ${count} for a function without parameters`, async () => {
      try {
        await op(id, 0, count, noArgs);
      } catch (error) {
        expectCodes(error, [5007], `count ${count}`);
        return;
      }
      throw new Error(`count ${count}: the op accepted it`);
    });
  }
  await h.run("a full batch of the largest allowed count still answers", async () => {
    const out = new Uint8Array(await op(id, 0, 1000, noArgs));
    assertEquals(out.length, 16 * 1000, "one result slot per call");
    assertEquals(new DataView(out.buffer).getFloat64(16 * 999 + 8, true), 7, "the last call's result");
  });
  await instance.drop();
}
await h.finish(4);

// The buffer-free number form of callSync and call (op_wasm_function_call_numbers_sync and
// its async twin: up to 4 plain-number arguments, at most one result that is not i64) under
// hostile input. Every value gives exactly what the slot form gives (reached through
// callBatch), errors included; the ops called directly with forged counts, indexes and
// handles fail cleanly.
import * as wasm from "runtime:wasm";
import { assertEquals } from "../_assert.ts";
import { expectCodes, hostile, prng } from "./_harness.ts";

const h = await hostile("number_calls");
const source = `(module
  (memory (export "memory") 1)
  (func (export "none") (result i32) i32.const 7)
  (func (export "void3") (param i32 f32 f64) (i32.store (i32.const 0) (local.get 0)))
  (func (export "i32x4") (param i32 i32 i32 i32) (result i32)
    (i32.add (i32.add (local.get 0) (local.get 1)) (i32.add (local.get 2) (local.get 3))))
  (func (export "mixed") (param i32 f32 f64 i64) (result f64)
    (f64.add (f64.add (f64.convert_i32_s (local.get 0)) (f64.promote_f32 (local.get 1)))
      (f64.add (local.get 2) (f64.convert_i64_s (local.get 3)))))
  (func (export "f32") (param f32) (result f32) local.get 0)
  (func (export "trap") (param i32) (result i32) unreachable)
  (func (export "big") (result i64) i64.const 1))`;
const instance = await wasm.instantiate(await wasm.compile(source));

const edges = [
  0, -0, 1, -1, 1.5, -2.5, NaN, Infinity, -Infinity, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, -(2 ** 31),
  -(2 ** 31) - 1, 2 ** 53, 2 ** 53 + 2, Number.MAX_VALUE, Number.MIN_VALUE, 3.4028235e38, 3.5e38, 1e-46,
];

/** The outcome of a call: its results, or the code it failed with. */
async function outcome(fn: () => unknown): Promise<unknown> {
  try {
    return { ok: await fn() };
  } catch (error) {
    expectCodes(error, [5002, 5007], "a failed call");
    return { code: (error as wasm.WasmError).code };
  }
}

const random = prng(7);
const pick = () => edges[Math.floor(random() * edges.length)];
const shapes: [string, number][] = [["none", 0], ["void3", 3], ["i32x4", 4], ["mixed", 4], ["f32", 1], ["trap", 1]];
for (const [name, arity] of shapes) {
  const fn = instance.getFunction(name);
  for (let round = 0; round < 60; round++) {
    const args = Array.from({ length: arity }, pick);
    await h.run(`${name}(${args.join(", ")}) like the slot form`, async () => {
      const viaNumbers = await outcome(() => fn.callSync(...args));
      const viaAsyncNumbers = await outcome(() => fn.call(...args));
      const viaSlots = await outcome(async () => (await fn.callBatch([args]))[0]);
      assertEquals(viaNumbers, viaSlots, `callSync ${name}(${args.join(", ")})`);
      assertEquals(viaAsyncNumbers, viaSlots, `call ${name}(${args.join(", ")})`);
    });
  }
}

// The op itself, called with what the JS module never sends.
// deno-lint-ignore no-explicit-any
const op = (Deno as any).core?.ops?.op_wasm_function_call_numbers_sync;
if (typeof op !== "function") {
  // A `SKIP:` line: the scenario runner records it, and `cargo xtask test` lists it.
  console.log("SKIP: direct op calls: Deno.core.ops is not exposed in this host");
} else {
  const i32x4 = instance.getFunction("i32x4");
  const index = 2; // handles count from 0 in the order resolved: none, void3, i32x4, ...
  instance.getFunction("big"); // index 6
  const [id] = idsAnswering7();
  assertEquals(op(id, index, 4, 1, 2, 3, 4), i32x4.callSync(1, 2, 3, 4)[0], "the op answers a well-formed call");
  const forged: [string, unknown[], number[]][] = [
    ["too few arguments for the signature", [index, 3, 1, 2, 3, 0], [5007]],
    ["more than four arguments", [index, 5, 1, 2, 3, 4], [5007]],
    ["a result that needs a bigint", [6, 0, 0, 0, 0, 0], [5007]],
    ["an index never handed out", [999, 4, 1, 2, 3, 4], [5003]],
  ];
  for (const [label, args, codes] of forged) {
    await h.run(label, async () => {
      try {
        op(id, ...args);
      } catch (error) {
        expectCodes(error, codes, label);
        return;
      }
      throw new Error(`${label}: the op accepted it`);
    });
  }
  // deno-lint-ignore no-explicit-any
  const asyncOp = (Deno as any).core.ops.op_wasm_function_call_numbers;
  for (const [label, args, codes] of forged) {
    await h.run(`async: ${label}`, async () => {
      try {
        await asyncOp(id, ...args);
      } catch (error) {
        expectCodes(error, codes, label);
        return;
      }
      throw new Error(`async ${label}: the op accepted it`);
    });
  }
  await h.run("a dropped instance", async () => {
    const before = idsAnswering7();
    const doomed = await wasm.instantiate(await wasm.compile(source));
    assertEquals(doomed.getFunction("none").callSync(), [7]);
    const doomedId = idsAnswering7().find((n) => !before.includes(n));
    if (doomedId === undefined) throw new Error("the new instance was not found");
    await doomed.drop();
    try {
      op(doomedId, 0, 0, 0, 0, 0, 0);
    } catch (error) {
      expectCodes(error, [5005], "a dropped instance");
      return;
    }
    throw new Error("the op called into a dropped instance");
  });
}

/**
 * Live instance handles whose function handle 0 answers 7 (the module's "none"), found the
 * way forged code would: by trying every small number.
 */
function idsAnswering7(): number[] {
  const ids = [];
  for (let id = 1; id < 10_000; id++) {
    try {
      if (op(id, 0, 0, 0, 0, 0, 0) === 7) ids.push(id);
    } catch {
      // not a live instance, or its handle 0 is something else
    }
  }
  return ids;
}

await h.finish(369);

// Seed "Error Handling": the four examples, each with its code, name and class.
import * as wasm from "runtime:wasm";
import { assert, assertEquals, assertRejects } from "../_assert.ts";

const invalidBytes = new Uint8Array([1, 2, 3, 4]);
const e1 = await assertRejects(() => wasm.compile(invalidBytes), 5000);
assertEquals(e1.name, "CompileError");
assert(e1 instanceof Error && e1 instanceof wasm.WasmError);

const moduleId = await wasm.compileFile("tests/fixtures/process.wasm");
const instance = await wasm.instantiate(moduleId);
const e2 = await assertRejects(() => instance.call("nonexistent"), 5003);
assertEquals(e2.name, "ExportNotFound");

const e3 = await assertRejects(() => instance.memory.read(999999999, 1024), 5006);
assertEquals(e3.name, "MemoryError");

const e4 = await assertRejects(() => wasm.instantiate(moduleId, { preopens: { "/sensitive": "/etc" } }));
assert(e4.code === 5009 || e4.code === 5010, `5009 or 5010, got ${e4.code}`);
assertEquals(e4.code, 5009, "/etc is outside the granted tree");
assert(e4.message.includes("--allow-"), `the message says how to grant it: ${e4.message}`);

assertEquals(wasm.ErrorCode.CompileError, 5000);
assertEquals(wasm.ErrorCode.FuelExhausted, 5011);

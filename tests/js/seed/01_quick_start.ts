// expect-stdout: Result: 42
// Seed "Quick Start", with module.wasm -> the add fixture.
import * as wasm from "runtime:wasm";
import { assertEquals } from "../_assert.ts";

const wasmBytes = await Deno.readFile("tests/fixtures/math.wasm");
const moduleId = await wasm.compile(wasmBytes);
const instance = await wasm.instantiate(moduleId);
const [result] = await instance.call("add", 10, 32);
console.log("Result:", result); // 42
assertEquals(result, 42);
await instance.drop();
await wasm.dropModule(moduleId);

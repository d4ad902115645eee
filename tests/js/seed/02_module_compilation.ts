// Seed "Module Compilation": from bytes, from a file, and (beyond the seed) an
// ArrayBuffer and WAT text; each module handle is distinct and usable.
import { compile, compileFile, instantiate } from "runtime:wasm";
import { assert, assertEquals } from "../_assert.ts";

const wasmBytes = await Deno.readFile("tests/fixtures/math.wasm");
const moduleId = await compile(wasmBytes);
const moduleId2 = await compileFile("./tests/fixtures/math.wasm");
assert(moduleId !== moduleId2, "each compile returns a new handle");

const fromBuffer = await compile(wasmBytes.buffer.slice(wasmBytes.byteOffset, wasmBytes.byteOffset + wasmBytes.byteLength));
const fromText = await compile(`(module (func (export "seven") (result i32) i32.const 7))`);
const fromWatFile = await compileFile("tests/fixtures/math.wat");

for (const id of [moduleId, moduleId2, fromBuffer, fromWatFile]) {
  const instance = await instantiate(id);
  assertEquals(await instance.call("add", 2, 3), [5]);
  await instance.drop();
}
const seven = await instantiate(fromText);
assertEquals(await seven.call("seven"), [7]);

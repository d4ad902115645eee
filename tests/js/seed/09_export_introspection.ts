// Seed "Export Introspection": functions, memory, table and global exports.
import { compileFile, instantiate } from "runtime:wasm";
import { assert, assertEquals } from "../_assert.ts";

const instance = await instantiate(await compileFile("tests/fixtures/traps.wasm"));
const exports = await instance.getExports();
const functions = exports.filter((e) => e.kind === "func");
console.log("Available functions:", functions.map((f) => f.name));
assert(functions.some((f) => f.name === "spin"), "spin listed");
const memory = exports.find((e) => e.kind === "memory");
assertEquals(memory?.name, "memory");
assertEquals(exports.find((e) => e.kind === "table")?.name, "table");
assertEquals(exports.find((e) => e.kind === "global")?.name, "counter");
const spin = functions.find((f) => f.name === "spin");
assertEquals(spin?.params, ["i32"]);
assertEquals(spin?.results, ["i32"]);

const math = await instantiate(await compileFile("tests/fixtures/math.wasm"));
const mathExports = await math.getExports();
const hasAdd = mathExports.some((e) => e.kind === "func" && e.name === "add");
assert(hasAdd, "add listed");
if (hasAdd) {
  const [result] = await math.call("add", 10, 32);
  assertEquals(result, 42);
}
assertEquals(mathExports.find((e) => e.name === "four")?.results, ["i32", "i64", "f32", "f64"]);

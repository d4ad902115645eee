// Seed "Function Calls": automatic conversion, multiple results, explicit types.
import { compileFile, instantiate, types } from "runtime:wasm";
import { assertEquals } from "../_assert.ts";

const instance = await instantiate(await compileFile("tests/fixtures/math.wasm"));
const [sum] = await instance.call("add", 10, 32);
assertEquals(sum, 42);
const [quotient, remainder] = await instance.call("divmod", 42, 5);
assertEquals([quotient, remainder], [8, 2]);

const explicit = await instantiate(await compileFile("tests/fixtures/explicit.wasm"));
const [result] = await explicit.call("process", types.i32(42), types.f64(3.14159));
assertEquals(result, 42 + 3.14159);

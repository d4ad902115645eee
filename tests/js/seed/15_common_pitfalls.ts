// Seed "Common Pitfalls": cleanup order, large integers, memory growth failure, unsafe
// preopens.
import { compileFile, dropModule, instantiate, types } from "runtime:wasm";
import { assert, assertEquals, assertRejects } from "../_assert.ts";

// 1. Dropping the module first does not break the instance (DESIGN: instances keep
//    their module alive); the module handle itself is gone.
const moduleId = await compileFile("tests/fixtures/math.wasm");
const instance = await instantiate(moduleId);
await dropModule(moduleId);
assertEquals(await instance.call("add", 1, 1), [2]);
await instance.drop();
await assertRejects(() => instance.call("add", 1, 1), 5005);
await assertRejects(() => instantiate(moduleId), 5004);
await assertRejects(() => dropModule(moduleId), 5004);

// 2. Large integers: a number past 2^53 is refused for i64; a bigint is exact.
const m = await instantiate(await compileFile("tests/fixtures/math.wasm"));
await assertRejects(() => m.call("process_i64", 9007199254740992), 5007, "bigint");
const [result] = await m.call("process_i64", types.i64(9007199254740992n));
assertEquals(result, 18014398509481984n);

// 3. Memory growth may fail (process.wasm's memory has a maximum of 64 pages).
const p = await instantiate(await compileFile("tests/fixtures/process.wasm"));
const err = await assertRejects(() => p.memory.grow(1000), 5006);
assert(err.message.includes("64"), `message names the maximum: ${err.message}`);
const oldSize = await p.memory.grow(2);
assertEquals(oldSize, 1);

// 4. The host root is never granted by default.
const rootId = await compileFile("tests/fixtures/wasi_files.wasm");
await assertRejects(() => instantiate(rootId, { preopens: { "/": "/" } }), 5009);
await assertRejects(
  () => instantiate(rootId, { preopens: { "/data": "./tests/fixtures", "/tmp": "./tests/.tmp/nope-missing" } }),
  5010,
);

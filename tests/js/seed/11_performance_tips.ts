// Seed "Performance Tips": compile once and instantiate many; batch memory reads;
// fewer crossings. Checked for behaviour (results), not timing.
import { compile, instantiate } from "runtime:wasm";
import { assertEquals } from "../_assert.ts";

const wasmBytes = await Deno.readFile("tests/fixtures/process.wasm");
const moduleId = await compile(wasmBytes);
const instances = await Promise.all(Array(10).fill(null).map(() => instantiate(moduleId)));
assertEquals(instances.length, 10);
const instance = instances[0];

const data = new Uint8Array(1000).map((_, i) => i % 251);
await instance.memory.write(0, data);
const single: number[] = [];
for (let i = 0; i < 1000; i++) single.push((await instance.memory.read(i, 1))[0]);
const allBytes = await instance.memory.read(0, 1000);
assertEquals(Array.from(allBytes), single);

let squares = 0;
for (let i = 0; i < 100; i++) squares += (await instance.call("process_item", i))[0] as number;
assertEquals(squares, 328350);
assertEquals(await instance.call("process_batch", 0), [1]);
await Promise.all(instances.map((i) => i.drop()));

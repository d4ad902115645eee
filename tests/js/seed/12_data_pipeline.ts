// Seed "Data Processing Pipeline": load a file into memory, filter it in wasm, write the
// result to disk.
import { compile, instantiate } from "runtime:wasm";
import { assertEquals } from "../_assert.ts";

const dir = "tests/.tmp/pipeline";
await Deno.remove(dir, { recursive: true }).catch(() => {});
await Deno.mkdir(dir, { recursive: true });
const input = new Uint8Array(600).map((_, i) => (i * 7) % 256);
await Deno.writeFile(`${dir}/input.png`, input);

const moduleId = await compile(await Deno.readFile("tests/fixtures/process.wasm"));
const instance = await instantiate(moduleId);
const imageData = await Deno.readFile(`${dir}/input.png`);
await instance.memory.write(0, imageData);
await instance.call("apply_filter", 0, imageData.length, 1024);
const processed = await instance.memory.read(1024, imageData.length);
await Deno.writeFile(`${dir}/output.png`, processed);
await instance.drop();

const output = await Deno.readFile(`${dir}/output.png`);
assertEquals(Array.from(output), Array.from(input, (b) => 255 - b));

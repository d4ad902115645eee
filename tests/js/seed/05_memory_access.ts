// Seed "Memory Access": write a string, let wasm process it, read the result, size, grow.
import { compileFile, instantiate } from "runtime:wasm";
import { assertEquals } from "../_assert.ts";

const instance = await instantiate(await compileFile("tests/fixtures/process.wasm"));
const text = "Hello, WASM!";
const bytes = new TextEncoder().encode(text);
await instance.memory.write(0, bytes);
await instance.call("process_string", 0, bytes.length);
const resultBytes = await instance.memory.read(1024, 256);
const result = new TextDecoder().decode(resultBytes);
assertEquals(result.slice(0, bytes.length), "HELLO, WASM!");
assertEquals(resultBytes.length, 256);

const pages = await instance.memory.size();
assertEquals(pages, 1);
console.log(`Memory: ${pages * 64}KB`);
if (pages < 16) {
  const old = await instance.memory.grow(16 - pages);
  assertEquals(old, 1);
}
assertEquals(await instance.memory.size(), 16);

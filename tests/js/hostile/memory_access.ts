// Hostile memory access from JS: offsets and lengths that are negative, fractional, NaN,
// infinite, huge, or whose sum overflows, and data that is not bytes. Every one is 5006,
// and a failed write changes nothing: the whole memory is compared after each attempt.
import * as wasm from "runtime:wasm";
import { assertEquals } from "../_assert.ts";
import { hostile, prng, randomBytes } from "./_harness.ts";

const h = await hostile("memory_access");
const PAGE = 65536;
const instance = await wasm.instantiate(await wasm.compile(`(module (memory (export "memory") 2 4))`));
const memory = instance.memory;
const image = randomBytes(prng(7), 2 * PAGE);
await memory.write(0, image);

/** The memory is exactly the image (size and every byte). */
async function unchanged(): Promise<void> {
  assertEquals(await memory.size(), 2, "memory size");
  const now = await memory.read(0, 2 * PAGE);
  for (let i = 0; i < image.length; i++) {
    if (now[i] !== image[i]) throw new Error(`byte ${i} changed: ${image[i]} -> ${now[i]}`);
  }
}

const END = 2 * PAGE;
const badIndices: [string, unknown][] = [
  ["-1", -1],
  ["-0.5", -0.5],
  ["1.5", 1.5],
  ["NaN", NaN],
  ["Infinity", Infinity],
  ["-Infinity", -Infinity],
  ["2^53", 2 ** 53],
  ["2^64", 2 ** 64],
  ["1e308", 1e308],
  ["-2^31", -(2 ** 31)],
  ["2^32 (wraps to 0 as u32)", 2 ** 32],
  ["2^32 + 16 (wraps to 16 as u32)", 2 ** 32 + 16],
  ["the string '0'", "0"],
  ["undefined", undefined],
  ["null", null],
  ["0n", 0n],
  ["an object with valueOf", { valueOf: () => 0 }],
  ["an array [0]", [0]],
];
const outOfRange: [string, number, number][] = [
  ["offset at the end, length 1", END, 1],
  ["offset past the end", END + 1, 0],
  ["last byte + 1", END - 1, 2],
  ["length one past", 0, END + 1],
  ["offset 2^53 - 1, length 2 (sum overflows 2^53)", Number.MAX_SAFE_INTEGER, 2],
  ["offset 2^52, length 2^52 (sum 2^53)", 2 ** 52, 2 ** 52],
  ["offset 2^32 - 1, length 2", 2 ** 32 - 1, 2],
  ["offset 1, length 2^32 - 1", 1, 2 ** 32 - 1],
];

for (const [label, bad] of badIndices) {
  await h.rejects(`read(offset ${label}, 1)`, () => memory.read(bad as number, 1), 5006);
  await h.rejects(`read(0, length ${label})`, () => memory.read(0, bad as number), 5006);
  await h.run(`write(offset ${label}) writes nothing`, async () => {
    await expect5006(() => memory.write(bad as number, new Uint8Array([1, 2, 3])));
    await unchanged();
  });
  await h.rejects(`grow(${label})`, () => memory.grow(bad as number), 5006);
}
for (const [label, offset, length] of outOfRange) {
  await h.rejects(`read: ${label}`, () => memory.read(offset, length), 5006, "out of bounds");
  if (length > 0 && length <= END + 1) {
    await h.run(`write: ${label} writes nothing`, async () => {
      await expect5006(() => memory.write(offset, new Uint8Array(length).fill(0xee)));
      await unchanged();
    });
  }
}
// A write whose last byte is out of bounds must not write its first bytes.
await h.run("write straddling the end writes nothing", async () => {
  await expect5006(() => memory.write(END - 3, new Uint8Array([9, 9, 9, 9])));
  await unchanged();
});
await h.run("1 MiB write at offset 1 writes nothing", async () => {
  await expect5006(() => memory.write(1, new Uint8Array(1 << 20).fill(0x11)));
  await unchanged();
});

// Data that is not bytes: 5006, and nothing written.
for (const [label, data] of [
  ["a string", "abc"],
  ["an array", [1, 2, 3]],
  ["null", null],
  ["undefined", undefined],
  ["a number", 42],
  ["an object", { length: 3, 0: 1 }],
] as [string, unknown][]) {
  await h.run(`write(0, ${label}) writes nothing`, async () => {
    await expect5006(() => memory.write(0, data as Uint8Array));
    await unchanged();
  });
}

// Growth the memory's maximum refuses: 5006 and the size stays.
for (const pages of [3, 65535, 65536, 2 ** 32 - 1, 2 ** 32, 2 ** 53]) {
  await h.run(`grow(${pages}) past the maximum of 4`, async () => {
    await expect5006(() => memory.grow(pages));
    await unchanged();
  });
}

// In-bounds edges still work (and are then restored).
await h.run("exact edges", async () => {
  assertEquals((await memory.read(END, 0)).length, 0, "empty read at the end");
  assertEquals((await memory.read(0, END)).length, END, "whole memory");
  await memory.write(END, new Uint8Array(0));
  await memory.write(END - 1, new Uint8Array([image[END - 1]]));
  assertEquals(await memory.read(-0, 1), image.slice(0, 1), "-0 is offset 0");
  await unchanged();
});

// A memory without bytes (0 pages): every non-empty access is out of bounds.
const empty = await wasm.instantiate(await wasm.compile(`(module (memory (export "memory") 0))`));
await h.rejects("read 1 byte of a 0-page memory", () => empty.memory.read(0, 1), 5006);
await h.rejects("write 1 byte to a 0-page memory", () => empty.memory.write(0, new Uint8Array(1)), 5006);
await h.run("empty read of a 0-page memory", async () => assertEquals((await empty.memory.read(0, 0)).length, 0));

// An instance without a memory export: 5003 (ExportNotFound), as Memory.read documents.
const noMemory = await wasm.instantiate(await wasm.compile(`(module (func (export "f")))`));
await h.rejects("read without a memory", () => noMemory.memory.read(0, 1), 5003);
await h.rejects("write without a memory", () => noMemory.memory.write(0, new Uint8Array(1)), 5003);
await h.rejects("size without a memory", () => noMemory.memory.size(), 5003);
await h.rejects("grow without a memory", () => noMemory.memory.grow(1), 5003);

async function expect5006(fn: () => Promise<unknown>): Promise<void> {
  let caught: unknown;
  try {
    await fn();
  } catch (error) {
    caught = error;
  }
  if (!(caught instanceof wasm.WasmError) || caught.code !== 5006) {
    throw new Error(`expected a 5006, got ${caught === undefined ? "success" : String(caught)}`);
  }
}

await h.finish(100);

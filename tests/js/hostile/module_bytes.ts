// Hostile module bytes: empty, truncated at every byte, random (seeded), bit-flipped real
// modules, oversized (64 MiB) garbage and values that are not bytes at all. Invalid input
// is always 5000; a mutated module that still compiles must instantiate and run under
// limits without taking the host down.
import * as wasm from "runtime:wasm";
import { assert } from "../_assert.ts";
import { expectCodes, hostile, prng, randomBytes, zeroArgs } from "./_harness.ts";

const h = await hostile("module_bytes");
const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

// ---- empty -------------------------------------------------------------------------------
await h.rejects("empty Uint8Array", () => wasm.compile(new Uint8Array(0)), 5000);
await h.rejects("empty ArrayBuffer", () => wasm.compile(new ArrayBuffer(0)), 5000);
await h.rejects("empty string", () => wasm.compile(""), 5000);
await h.rejects("whitespace WAT", () => wasm.compile("  \n\t "), 5000);

// ---- not bytes -----------------------------------------------------------------------------
for (const [label, value] of [
  ["null", null],
  ["undefined", undefined],
  ["number", 42],
  ["object", {}],
  ["array of bytes", [...HEADER]],
  ["boolean", true],
  ["bigint", 1n],
] as [string, unknown][]) {
  await h.rejects(`compile(${label})`, () => wasm.compile(value as Uint8Array), 5000);
}

// ---- truncated -----------------------------------------------------------------------------
/** Offsets where a section ends: a prefix cut there may be a valid (smaller) module. */
function sectionEnds(bytes: Uint8Array): Set<number> {
  const ends = new Set<number>([8]);
  let offset = 8;
  while (offset < bytes.length) {
    let size = 0;
    let shift = 0;
    let p = offset + 1;
    for (;;) {
      const b = bytes[p++];
      size |= (b & 0x7f) << shift;
      shift += 7;
      if ((b & 0x80) === 0) break;
    }
    offset = p + size;
    ends.add(offset);
  }
  return ends;
}

for (const path of ["examples/add.wasm", "tests/fixtures/traps.wasm", "tests/fixtures/math.wasm"]) {
  const full = await Deno.readFile(path);
  const ends = sectionEnds(full);
  let refused = 0;
  for (let n = 1; n < full.length; n++) {
    const prefix = full.slice(0, n);
    if (ends.has(n)) {
      // A cut at a section boundary may still be a valid module: either outcome is fine.
      await h.run(`${path} cut at section end ${n}`, async () => {
        try {
          await wasm.dropModule(await wasm.compile(prefix));
        } catch (error) {
          expectCodes(error, [5000], `${path}[0..${n}]`);
        }
      });
    } else {
      await h.rejects(`${path} truncated to ${n} bytes`, () => wasm.compile(prefix), 5000);
      refused++;
    }
  }
  assert(refused > 0, `${path}: no truncation was refused`);
}

// Truncated WAT text: every proper prefix of a small module is invalid.
const watSource = `(module (func (export "f") (param i32) (result i32) local.get 0 i32.const 1 i32.add))`;
for (let n = 1; n < watSource.length; n += 3) {
  await h.rejects(`WAT truncated to ${n} chars`, () => wasm.compile(watSource.slice(0, n)), 5000);
}

// ---- random (seeded) -------------------------------------------------------------------------
const next = prng(0x5eed_2024);
for (let i = 0; i < 150; i++) {
  const bytes = randomBytes(next, 1 + Math.floor(next() * 4096));
  await h.rejects(`random blob #${i} (${bytes.length} bytes)`, () => wasm.compile(bytes), 5000);
}
for (let i = 0; i < 150; i++) {
  const body = randomBytes(next, 1 + Math.floor(next() * 4096));
  // Never a custom section (id 0), which a reader must skip, so the body is never valid.
  if (body[0] === 0) body[0] = 1 + (i % 12);
  const bytes = new Uint8Array([...HEADER, ...body]);
  await h.rejects(`wasm header + random body #${i} (${bytes.length} bytes)`, () => wasm.compile(bytes), 5000);
}

// ---- bit-flipped real modules ---------------------------------------------------------------
// A mutation may still be valid. Whatever compiles is instantiated and every export called
// under fuel, time, memory and table limits: each step ends in a value or a WasmError.
const traps = await Deno.readFile("tests/fixtures/traps.wasm");
let compiled = 0;
for (let i = 0; i < 200; i++) {
  const bytes = traps.slice();
  const flips = 1 + Math.floor(next() * 3);
  for (let f = 0; f < flips; f++) {
    // Leave the header alone so the engine gets past it into the sections.
    const at = 8 + Math.floor(next() * (bytes.length - 8));
    bytes[at] ^= 1 << Math.floor(next() * 8);
  }
  await h.run(`traps.wasm with ${flips} flipped bit(s) #${i}`, async () => {
    let moduleId: number;
    try {
      moduleId = await wasm.compile(bytes);
    } catch (error) {
      expectCodes(error, [5000], "compile");
      return;
    }
    compiled++;
    let instance: wasm.Instance;
    try {
      instance = await wasm.instantiate(moduleId, {
        fuel: 5_000_000,
        timeoutMs: 2000,
        maxMemoryBytes: 1 << 20,
        maxTableElements: 1000,
      });
    } catch (error) {
      expectCodes(error, [5001, 5011, 5012], "instantiate");
      await wasm.dropModule(moduleId);
      return;
    }
    for (const e of await instance.getExports()) {
      if (e.kind !== "func") continue;
      try {
        await instance.callWith(e.name, zeroArgs(e.params), { fuel: 1_000_000, timeoutMs: 1000 });
      } catch (error) {
        expectCodes(error, [5002, 5007, 5011, 5012], `call ${e.name}`);
      }
    }
    await instance.drop();
    await wasm.dropModule(moduleId);
  });
}
assert(compiled > 0, "no mutation compiled: the mutations never reach the instantiate path");

// ---- malformed headers and sizes ----------------------------------------------------------------
await h.rejects("header only magic", () => wasm.compile(new Uint8Array(HEADER.slice(0, 4))), 5000);
await h.rejects("wrong version", () => wasm.compile(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x02, 0, 0, 0])), 5000);
// A component header alone is an empty component (compile takes components too); one
// followed by garbage is not.
await h.run("a component header alone", async () => {
  const id = await wasm.compile(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00]));
  if (wasm.moduleKind(id) !== "component") throw new Error(`compiled as a ${wasm.moduleKind(id)}`);
  await wasm.dropModule(id);
});
await h.rejects(
  "a component header, then garbage",
  () => wasm.compile(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00, 0xff, 0xff, 0xff])),
  5000,
);
await h.rejects(
  "section claiming 4 GiB",
  () => wasm.compile(new Uint8Array([...HEADER, 0x01, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00])),
  5000,
);
await h.rejects(
  "overlong LEB128 section size",
  () => wasm.compile(new Uint8Array([...HEADER, 0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00])),
  5000,
);
await h.rejects(
  "type section declaring 2^32-1 types",
  () => wasm.compile(new Uint8Array([...HEADER, 0x01, 0x05, 0xff, 0xff, 0xff, 0xff, 0x0f])),
  5000,
);
await h.rejects("unbalanced WAT", () => wasm.compile("(module (func"), 5000);
await h.rejects("deeply nested parentheses", () => wasm.compile("(".repeat(100_000)), 5000);

// ---- oversized (64 MiB) -----------------------------------------------------------------------
const SIZE = 64 << 20;
const garbage = randomBytes(prng(64), SIZE);
await h.rejects("64 MiB of random bytes", () => wasm.compile(garbage), 5000);
garbage.set(HEADER);
await h.rejects("64 MiB: wasm header + random bytes", () => wasm.compile(garbage), 5000);
await h.rejects("64 MiB of zeros", () => wasm.compile(new Uint8Array(SIZE)), 5000);
const padded = new Uint8Array(SIZE);
padded.set(HEADER);
// One custom section "x" whose payload fills the 64 MiB, then a truncated section.
const payload = SIZE - 2 - 13; // id at 8, 4-byte size at 9..13, content to SIZE - 2
padded.set([0x00, 0x80 | (payload & 0x7f), 0x80 | ((payload >> 7) & 0x7f), 0x80 | ((payload >> 14) & 0x7f), (payload >> 21) & 0x7f], 8);
padded.set([0x01, 0x78], 13);
padded.set([0x01, 0x10], SIZE - 2);
await h.rejects("64 MiB custom section then a truncated section", () => wasm.compile(padded), 5000);

await h.finish(1200);

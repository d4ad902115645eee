// Modules that declare huge memories and tables. Without a cap an instance either comes up
// (and works: its memory is fully addressable) or instantiate fails cleanly with 5001; with
// `maxMemoryBytes` / `maxTableElements` below the declaration it is always 5001. Nothing is
// allocated eagerly enough to take the host down.
//
// Some must come up: Wasmtime on a 64-bit host reserves 4 GiB of address space for every
// 32-bit memory anyway and commits pages only when touched, so the whole 4 GiB costs what
// it touches (under the kernel's default overcommit policy); a 10-million-element table is
// 80 MB. Only the 64 GiB memory64 depends on how much address space the system grants.
import * as wasm from "runtime:wasm";
import { assertEquals, fail } from "../_assert.ts";
import { expectCodes, hostile } from "./_harness.ts";

const h = await hostile("huge_declarations");

/** Instantiate without caps: a usable instance, or (unless it `must` come up) a clean 5001. */
async function upOr5001(
  label: string,
  source: string,
  must: boolean,
  check: (i: wasm.Instance) => Promise<void>,
) {
  const moduleId = await wasm.compile(source);
  await h.run(label, async () => {
    let instance: wasm.Instance;
    try {
      instance = await wasm.instantiate(moduleId);
    } catch (error) {
      expectCodes(error, [5001], label);
      if (must) fail(`${label}: must come up on a 64-bit host, failed with ${(error as Error).message}`);
      console.log(`${label}: 5001 here`);
      return;
    }
    await check(instance);
    await instance.drop();
  });
  await wasm.dropModule(moduleId);
}

// 65536 pages: the whole 4 GiB a 32-bit memory can address.
await upOr5001("memory with 65536 pages minimum", `(module (memory (export "memory") 65536))`, true, async (i) => {
  assertEquals(await i.memory.size(), 65536);
  const last = 65536 * 65536 - 4;
  await i.memory.write(last, new Uint8Array([1, 2, 3, 4]));
  assertEquals(await i.memory.read(last, 4), new Uint8Array([1, 2, 3, 4]));
  await assertRejectsCode(() => i.memory.grow(1), 5006);
});
await upOr5001(
  "memory64 with 2^20 pages (64 GiB) minimum",
  `(module (memory (export "memory") i64 1048576))`,
  false,
  async (i) => {
    // 2^20 pages fit a JS number exactly.
    assertEquals(await i.memory.size(), 1048576);
  },
);
await upOr5001("table with 10 million elements", `(module (table (export "t") 10000000 funcref))`, true, async (i) => {
  assertEquals((await i.getExports()).map((e) => e.kind), ["table"]);
});

async function assertRejectsCode(fn: () => Promise<unknown>, code: number) {
  try {
    await fn();
  } catch (error) {
    expectCodes(error, [code], "expected rejection");
    return;
  }
  throw new Error(`expected a rejection with ${code}`);
}

// With caps below the declaration: always 5001, and nothing is allocated.
const capped: [string, string, wasm.InstantiateOptions][] = [
  ["65536 pages, maxMemoryBytes 1 MiB", `(module (memory 65536))`, { maxMemoryBytes: 1 << 20 }],
  ["65536 pages, maxMemoryBytes 0", `(module (memory 65536))`, { maxMemoryBytes: 0 }],
  ["2 pages, maxMemoryBytes one page", `(module (memory 2))`, { maxMemoryBytes: 65536 }],
  ["2 pages, maxMemoryBytes one byte short", `(module (memory 2))`, { maxMemoryBytes: 2 * 65536 - 1 }],
  ["memory64 2^30 pages, maxMemoryBytes 1 MiB", `(module (memory i64 1073741824))`, { maxMemoryBytes: 1 << 20 }],
  ["two memories, the second past the cap", `(module (memory 1) (memory 100))`, { maxMemoryBytes: 1 << 20 }],
  ["table 10 million, maxTableElements 1000", `(module (table 10000000 funcref))`, { maxTableElements: 1000 }],
  ["table 2^32-1, maxTableElements 0", `(module (table 4294967295 funcref))`, { maxTableElements: 0 }],
  ["externref table past the cap", `(module (table 5000 externref))`, { maxTableElements: 4999 }],
];
for (const [label, source, options] of capped) {
  const moduleId = await wasm.compile(source);
  await h.rejects(label, () => wasm.instantiate(moduleId, options), 5001);
  await wasm.dropModule(moduleId);
}

// Exactly at the cap is allowed.
await h.run("2 pages, maxMemoryBytes exactly 2 pages", async () => {
  const moduleId = await wasm.compile(`(module (memory (export "memory") 2))`);
  const instance = await wasm.instantiate(moduleId, { maxMemoryBytes: 2 * 65536 });
  assertEquals(await instance.memory.size(), 2);
  await assertRejectsCode(() => instance.memory.grow(1), 5006);
  await instance.drop();
  await wasm.dropModule(moduleId);
});

// Declarations no engine accepts are compile errors.
await h.rejects("memory32 with 65537 pages", () => wasm.compile(`(module (memory 65537))`), 5000);
await h.rejects("memory maximum below minimum", () => wasm.compile(`(module (memory 2 1))`), 5000);
await h.rejects("table maximum below minimum", () => wasm.compile(`(module (table 2 1 funcref))`), 5000);
await h.rejects(
  "data segment past a fixed-size memory",
  async () => wasm.instantiate(await wasm.compile(`(module (memory 1 1) (data (i32.const 65535) "ab"))`)),
  5001,
);
await h.rejects(
  "element segment past the table",
  async () => wasm.instantiate(await wasm.compile(`(module (table 1 funcref) (func $f) (elem (i32.const 1) $f))`)),
  5001,
);
await h.rejects(
  "start function that traps",
  async () => wasm.instantiate(await wasm.compile(`(module (func $s unreachable) (start $s))`)),
  5001,
);
await h.rejects(
  "start function that loops, under a timeout",
  async () => wasm.instantiate(await wasm.compile(`(module (func $s (loop br 0)) (start $s))`), { timeoutMs: 50 }),
  5012,
);
await h.rejects(
  "start function that loops, under fuel",
  async () => wasm.instantiate(await wasm.compile(`(module (func $s (loop br 0)) (start $s))`), { fuel: 10_000 }),
  5011,
);
await h.rejects(
  "start function growing memory past the cap traps on its own check",
  async () =>
    wasm.instantiate(
      await wasm.compile(
        `(module (memory 1) (func $s (if (i32.eq (memory.grow (i32.const 100)) (i32.const -1)) (then unreachable))) (start $s))`,
      ),
      { maxMemoryBytes: 1 << 20 },
    ),
  5001,
);

await h.finish(20);

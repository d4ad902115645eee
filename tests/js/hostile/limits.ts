// Growth bombs under the instance's caps: `memory.grow` in a loop inside wasm sees -1 at
// `maxMemoryBytes`, `instance.memory.grow` from JS gets 5006, `table.grow` sees -1 at
// `maxTableElements`; the sizes stay at the cap and the instance keeps working.
import * as wasm from "runtime:wasm";
import { assert, assertEquals } from "../_assert.ts";
import { hostile } from "./_harness.ts";

const h = await hostile("limits");
const PAGE = 65536;

const bomb = await wasm.compile(`(module
  (memory (export "memory") 1)
  (table $t 1 funcref)
  ;; memory.grow by one page until it fails: the number of successful grows
  (func (export "grow_memory_until_fail") (result i32) (local $n i32)
    (block $done (loop $l
      (br_if $done (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $l)))
    (local.get $n))
  (func (export "grow_memory") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "memory_size") (result i32) memory.size)
  ;; table.grow by 10 elements until it fails: the number of successful grows
  (func (export "grow_table_until_fail") (result i32) (local $n i32)
    (block $done (loop $l
      (br_if $done (i32.eq (table.grow $t (ref.null func) (i32.const 10)) (i32.const -1)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $l)))
    (local.get $n))
  (func (export "grow_table") (param i32) (result i32) (table.grow $t (ref.null func) (local.get 0)))
  (func (export "table_size") (result i32) (table.size $t))
  ;; touch the last byte of memory
  (func (export "poke_last") (result i32)
    (i32.store8 (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 1)) (i32.const 42))
    (i32.load8_u (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 1)))))`);

// ---- memory -------------------------------------------------------------------------------
const capped = await wasm.instantiate(bomb, { maxMemoryBytes: 16 * PAGE, timeoutMs: 10_000 });
await h.run("memory.grow loop inside wasm stops at the cap", async () => {
  assertEquals(await capped.call("grow_memory_until_fail"), [15], "successful grows from 1 to 16 pages");
  assertEquals(await capped.call("memory_size"), [16]);
  assertEquals(await capped.memory.size(), 16);
});
for (const pages of [1, 100, 65535, 65536, -1]) {
  await h.run(`memory.grow(${pages}) inside wasm at the cap is -1`, async () => {
    assertEquals(await capped.call("grow_memory", pages), [-1]);
    assertEquals(await capped.memory.size(), 16);
  });
}
for (const pages of [1, 2, 1000, 65536, 2 ** 32]) {
  await h.rejects(`instance.memory.grow(${pages}) from JS at the cap`, () => capped.memory.grow(pages), 5006);
}
await h.run("memory.grow(0) at the cap succeeds and changes nothing", async () => {
  assertEquals(await capped.memory.grow(0), 16);
  assertEquals(await capped.call("grow_memory", 0), [16]);
});
await h.run("the capped instance still works", async () => {
  assertEquals(await capped.call("poke_last"), [42]);
  assertEquals(await capped.memory.read(16 * PAGE - 1, 1), new Uint8Array([42]));
});

await h.run("JS grow bomb: grow(1) in a loop stops at the cap with 5006", async () => {
  const instance = await wasm.instantiate(bomb, { maxMemoryBytes: 8 * PAGE });
  let grown = 0;
  for (;;) {
    try {
      await instance.memory.grow(1);
      grown++;
    } catch (error) {
      if (!(error instanceof wasm.WasmError) || error.code !== 5006) throw error;
      break;
    }
    if (grown > 8) throw new Error("grew past the cap");
  }
  assertEquals(grown, 7);
  assertEquals(await instance.memory.size(), 8);
  await instance.drop();
});

await h.run("a cap that is not a whole number of pages rounds down", async () => {
  const instance = await wasm.instantiate(bomb, { maxMemoryBytes: 3 * PAGE + 100 });
  assertEquals(await instance.call("grow_memory_until_fail"), [2]);
  assertEquals(await instance.memory.size(), 3);
  await instance.drop();
});

await h.run("without a cap the loop stops by the 4 GiB of a 32-bit memory", async () => {
  const instance = await wasm.instantiate(bomb, { timeoutMs: 60_000 });
  const [grows] = (await instance.call("grow_memory_until_fail")) as number[];
  // 65535 grows reach 4 GiB; a host that refuses to commit that much stops it earlier.
  assert(grows > 0 && grows <= 65535, `grows: ${grows}`);
  assertEquals(await instance.memory.size(), 1 + grows);
  assertEquals(await instance.call("poke_last"), [42]);
  await instance.drop();
});

await h.run("caps are per instance: a neighbour is not limited", async () => {
  const small = await wasm.instantiate(bomb, { maxMemoryBytes: 2 * PAGE });
  const large = await wasm.instantiate(bomb, { maxMemoryBytes: 64 * PAGE });
  assertEquals(await small.call("grow_memory_until_fail"), [1]);
  assertEquals(await large.call("grow_memory_until_fail"), [63]);
  await small.drop();
  await large.drop();
});

// ---- tables -------------------------------------------------------------------------------
const tabled = await wasm.instantiate(bomb, { maxTableElements: 101 });
await h.run("table.grow loop inside wasm stops at the cap", async () => {
  assertEquals(await tabled.call("grow_table_until_fail"), [10], "grows of 10 from 1 to 101 elements");
  assertEquals(await tabled.call("table_size"), [101]);
});
for (const n of [1, 10, 1_000_000, -1]) {
  await h.run(`table.grow(${n}) at the cap is -1`, async () => {
    assertEquals(await tabled.call("grow_table", n), [-1]);
    assertEquals(await tabled.call("table_size"), [101]);
  });
}
await h.run("a table cap of 0 past a table of 1 element refuses instantiation", async () => {
  try {
    await wasm.instantiate(bomb, { maxTableElements: 0 });
  } catch (error) {
    if (error instanceof wasm.WasmError && error.code === 5001) return;
    throw error;
  }
  throw new Error("instantiated with a table past its cap");
});

// ---- both at once, under a timeout and fuel ---------------------------------------------------
await h.run("bombs under every limit at once", async () => {
  const instance = await wasm.instantiate(bomb, {
    maxMemoryBytes: 4 * PAGE,
    maxTableElements: 50,
    fuel: 10_000_000,
    timeoutMs: 5000,
  });
  assertEquals(await instance.call("grow_memory_until_fail"), [3]);
  assertEquals(await instance.call("grow_table_until_fail"), [4]);
  assertEquals(await instance.call("poke_last"), [42]);
  await instance.drop();
});

await h.finish(24);

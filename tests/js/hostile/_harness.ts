// The hostile-input harness: every case runs against a live runtime that also holds two
// unrelated sentinel instances made before the first case. After each case the harness
// checks that the process is alive (the event loop still turns), that the add sentinel
// still answers `add(2, 3)` with `[5]`, and that the memory sentinel's bytes are unchanged.
// A failing case reports and throws with its label (`fail` of _assert.ts). `finish` prints
// one line: the number of cases.
import * as wasm from "runtime:wasm";
import { assert, assertEquals, assertRejects, fail } from "../_assert.ts";

const PATTERN = new Uint8Array([0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 0x55, 0xaa, 0x00, 0xff]);

export interface Hostile {
  /** Run one case; a throw fails the script with the label. Then check the sentinels. */
  run(label: string, fn: () => Promise<unknown>): Promise<void>;
  /** One case that must reject with this code (and a message containing `includes`). */
  rejects(label: string, fn: () => Promise<unknown>, code: number, includes?: string): Promise<void>;
  /** The sentinels answer (also checked after every case). */
  alive(): Promise<void>;
  /** The number of cases run so far. */
  readonly count: number;
  /** Check at least `min` cases ran, print the count, release the sentinels. */
  finish(min: number): Promise<void>;
}

export async function hostile(name: string): Promise<Hostile> {
  const addModule = await wasm.compileFile("examples/add.wasm");
  const adder = await wasm.instantiate(addModule);
  const memModule = await wasm.compile(`(module (memory (export "memory") 1 1))`);
  const keeper = await wasm.instantiate(memModule);
  await keeper.memory.write(65536 - PATTERN.length, PATTERN);
  await keeper.memory.write(0, PATTERN);
  let count = 0;

  async function alive(): Promise<void> {
    // The event loop still turns: a timer fires.
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    assertEquals(await adder.call("add", 2, 3), [5], "the sentinel instance answers add(2, 3)");
    assertEquals(await keeper.memory.read(0, PATTERN.length), PATTERN, "the memory sentinel's first bytes");
    assertEquals(
      await keeper.memory.read(65536 - PATTERN.length, PATTERN.length),
      PATTERN,
      "the memory sentinel's last bytes",
    );
  }

  async function run(label: string, fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
      await alive();
    } catch (error) {
      const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      fail(`${name}: case "${label}": ${detail}`);
    }
    count++;
  }

  await alive();
  return {
    run,
    async rejects(label, fn, code, includes) {
      await run(label, () => assertRejects(fn, code, includes));
    },
    alive,
    get count() {
      return count;
    },
    async finish(min) {
      assert(count >= min, `${name}: expected at least ${min} cases, ran ${count}`);
      await alive();
      await adder.drop();
      await keeper.drop();
      await wasm.dropModule(addModule);
      await wasm.dropModule(memModule);
      console.log(`hostile ${name}: ${count} cases`);
    },
  };
}

/** A seeded PRNG (mulberry32): the same sequence on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` pseudo-random bytes from `next`. */
export function randomBytes(next: () => number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 4) {
    const v = (next() * 4294967296) >>> 0;
    out[i] = v & 0xff;
    if (i + 1 < n) out[i + 1] = (v >>> 8) & 0xff;
    if (i + 2 < n) out[i + 2] = (v >>> 16) & 0xff;
    if (i + 3 < n) out[i + 3] = v >>> 24;
  }
  return out;
}

/** Zero arguments for a function's parameter types (as getExports reports them). */
export function zeroArgs(params: readonly string[] | undefined): (number | bigint)[] {
  return (params ?? []).map((t) => (t === "i64" ? 0n : 0));
}

/** Is `error` a WasmError whose code is one of `codes`? Rethrows anything else. */
export function expectCodes(error: unknown, codes: readonly number[], what: string): void {
  if (!(error instanceof wasm.WasmError)) {
    fail(`${what}: expected a WasmError, got ${String(error)}`);
  }
  if (!codes.includes(error.code)) {
    fail(`${what}: expected one of ${codes.join("/")}, got ${error.code} (${error.message.split("\n")[0]})`);
  }
}

// Every trap kind is a 5002 naming the trap, and the instance stays usable afterwards; an
// endless loop under a timeout is 5012 and under fuel 5011, after which the same instance
// answers normal calls again. Repeated traps (including stack overflows) do not wear the
// host down.
import * as wasm from "runtime:wasm";
import { assertEquals } from "../_assert.ts";
import { hostile } from "./_harness.ts";

const h = await hostile("traps");
const moduleId = await wasm.compileFile("tests/fixtures/traps.wasm");
const instance = await wasm.instantiate(moduleId);

const kinds: [string, (number | bigint)[], string][] = [
  ["unreachable", [], "unreachable"],
  ["div_zero", [], "integer divide by zero"],
  ["overflow", [], "integer overflow"],
  ["oob_load", [], "out of bounds memory access"],
  ["oob_store", [], "out of bounds memory access"],
  ["call_null", [], "indirect call to null"],
  ["call_wrong_type", [], "indirect call type mismatch"],
  ["recurse", [0], "stack overflow"],
];

/** The instance still works: a normal call, memory and globals are fine. */
async function usable(i: wasm.Instance): Promise<void> {
  assertEquals(await i.call("spin", 10), [10], "spin(10) after the trap");
  assertEquals(await i.memory.size(), 1);
}

for (const [name, args, kind] of kinds) {
  await h.rejects(`trap ${name}`, () => instance.call(name, ...args), 5002, kind);
  await h.run(`instance usable after ${name}`, () => usable(instance));
  await h.rejects(`trap ${name} through callWith`, () => instance.callWith(name, args, { timeoutMs: 5000 }), 5002, kind);
}
await h.run("the trap message names the export and carries a backtrace", async () => {
  try {
    await instance.call("unreachable");
  } catch (error) {
    const message = (error as wasm.WasmError).message;
    if (!message.includes(`"unreachable"`) || !message.includes("wasm backtrace")) {
      throw new Error(`message: ${message}`);
    }
    return;
  }
  throw new Error("no trap");
});
// A store that trapped mid-write keeps the memory it had (oob_store writes nothing).
await h.run("oob_store wrote nothing", async () => {
  assertEquals(await instance.memory.read(65532, 4), new Uint8Array(4));
});

// Many traps in a row, stack overflows included.
await h.run("100 stack overflows in a row", async () => {
  for (let i = 0; i < 100; i++) {
    try {
      await instance.call("recurse", i);
      throw new Error("recurse returned");
    } catch (error) {
      if (!(error instanceof wasm.WasmError) || error.code !== 5002) throw error;
    }
  }
  await usable(instance);
});
await h.run("200 concurrent traps on 8 instances", async () => {
  const many = await Promise.all(Array.from({ length: 8 }, () => wasm.instantiate(moduleId)));
  const calls = [];
  for (let i = 0; i < 200; i++) {
    const [name, args] = kinds[i % kinds.length];
    calls.push(many[i % many.length].call(name, ...args));
  }
  for (const o of await Promise.allSettled(calls)) {
    if (o.status !== "rejected" || (o.reason as wasm.WasmError).code !== 5002) {
      throw new Error(`expected 5002, got ${o.status === "fulfilled" ? "a result" : String(o.reason)}`);
    }
  }
  for (const i of many) {
    await usable(i);
    await i.drop();
  }
});

// Endless loops: the instance's timeout, then the call's own, then fuel.
const timed = await wasm.instantiate(moduleId, { timeoutMs: 100 });
await h.rejects("forever under the instance's 100 ms timeout", () => timed.call("forever"), 5012);
await h.run("a normal call on the timed-out instance", () => usable(timed));
await h.rejects("forever again (the timeout re-arms)", () => timed.call("forever"), 5012);
await h.run("and a normal call again", () => usable(timed));
await h.rejects("forever under a per-call 30 ms timeout", () => instance.callWith("forever", [], { timeoutMs: 30 }), 5012);
await h.run("a normal call after the per-call timeout", () => usable(instance));
await h.rejects("a stack overflow under a timeout is still 5002, not 5012", () => timed.call("recurse", 0), 5002);

const fueled = await wasm.instantiate(moduleId, { fuel: 10_000 });
await h.rejects("forever under 10000 fuel", () => fueled.call("forever"), 5011);
await h.run("fuel is 0 afterwards, and a call fails 5011", async () => {
  assertEquals(await fueled.getFuel(), 0);
  try {
    await fueled.call("spin", 10);
    throw new Error("spin ran without fuel");
  } catch (error) {
    if (!(error instanceof wasm.WasmError) || error.code !== 5011) throw error;
  }
});
await h.run("setFuel, then a call works", async () => {
  await fueled.setFuel(1_000_000);
  await usable(fueled);
});
await h.rejects("forever under a per-call fuel budget", () => fueled.callWith("forever", [], { fuel: 5000 }), 5011);
await h.run("the instance's own fuel is restored after a per-call budget", async () => {
  const before = await fueled.getFuel();
  try {
    await fueled.callWith("forever", [], { fuel: 1000 });
  } catch {
    // 5011, checked above
  }
  assertEquals(await fueled.getFuel(), before);
  await usable(fueled);
});

await h.finish(40);

// Dropping an instance (or its module) while calls into it are in flight or queued: each
// call still finishes with its correct result or fails cleanly with a WasmError, the drop
// itself succeeds at once, and every later use is 5005.
import * as wasm from "runtime:wasm";
import { assert, assertEquals, fail } from "../_assert.ts";
import { expectCodes, hostile } from "./_harness.ts";

const h = await hostile("drop_in_flight");
const traps = await wasm.compileFile("tests/fixtures/traps.wasm");
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
// spin(n) counts n iterations: LONG takes a second or so of CPU time.
const LONG = 1_000_000_000;

await h.run("drop during a long call: the call still finishes", async () => {
  const instance = await wasm.instantiate(traps);
  let settled = false;
  // An async call starts running before `call` returns (its first slice runs on this
  // thread, then it moves to a thread of its own), so no wait is needed for it to be in
  // flight; a timer here would only give a loaded machine time to finish it first.
  const inFlight = instance.call("spin", LONG);
  inFlight.finally(() => (settled = true)).catch(() => {});
  await instance.drop();
  // The drop returns without waiting for the call: a microsecond op against a second of
  // spinning, which only gets slower on a loaded machine.
  assert(!settled, "the drop returned before the call it interrupted");
  assertEquals(await inFlight, [LONG], "the in-flight call's result");
  await expectRejection(() => instance.call("spin", 1), 5005);
});

await h.run("drop during an endless call under a timeout: 5012, then 5005", async () => {
  const instance = await wasm.instantiate(traps, { timeoutMs: 200 });
  const inFlight = instance.call("forever");
  await sleep(20);
  await instance.drop();
  await expectRejection(() => inFlight, 5012);
  await expectRejection(() => instance.call("spin", 1), 5005);
});

await h.run("drop during an endless call under fuel: 5011, then 5005", async () => {
  const instance = await wasm.instantiate(traps, { fuel: 50_000_000 });
  const inFlight = instance.call("forever");
  await instance.drop();
  await expectRejection(() => inFlight, 5011);
  await expectRejection(() => instance.getFuel(), 5005);
});

await h.run("drop with calls queued behind a running one", async () => {
  const instance = await wasm.instantiate(traps);
  const calls = [instance.call("spin", LONG / 10), ...Array.from({ length: 10 }, (_, i) => instance.call("spin", i))];
  await sleep(5);
  await instance.drop();
  const outcomes = await Promise.allSettled(calls);
  outcomes.forEach((o, i) => {
    if (o.status === "fulfilled") {
      assertEquals(o.value, [i === 0 ? LONG / 10 : i - 1], `call ${i}`);
    } else {
      expectCodes(o.reason, [5005], `call ${i}`);
    }
  });
  await expectRejection(() => instance.call("spin", 1), 5005);
});

await h.run("drop during a trapping call: 5002", async () => {
  const instance = await wasm.instantiate(traps);
  const inFlight = instance.call("recurse", 0);
  await instance.drop();
  await expectRejection(() => inFlight, 5002);
});

await h.run("memory access racing a drop", async () => {
  const instance = await wasm.instantiate(traps);
  const running = instance.call("spin", LONG / 10);
  const reads = Array.from({ length: 8 }, (_, i) => instance.memory.read(i, 4));
  const writes = Array.from({ length: 8 }, (_, i) => instance.memory.write(i, new Uint8Array([i])));
  await instance.drop();
  const [ran, ...rest] = await Promise.allSettled([running, ...reads, ...writes]);
  if (ran.status === "fulfilled") assertEquals(ran.value, [LONG / 10], "the running call's result");
  else expectCodes(ran.reason, [5005], "the running call");
  rest.forEach((o, n) => {
    if (o.status === "rejected") return expectCodes(o.reason, [5005], `racing op ${n}`);
    // A write resolves to undefined, also when it waited for the instance.
    if (n >= reads.length) return assert(o.value === undefined, `write ${n - reads.length} resolved to ${o.value}`);
    // read(i, 4) sees each byte at offset k either as it was (0: the module has no data)
    // or as write(k, [k]) left it, depending on which op got the instance first.
    const bytes = o.value as Uint8Array;
    assert(bytes instanceof Uint8Array && bytes.length === 4, `read ${n}: 4 bytes, got ${bytes}`);
    bytes.forEach((b, k) => {
      const offset = n + k;
      assert(b === 0 || (offset < writes.length && b === offset), `read ${n}: byte at ${offset} is ${b}`);
    });
  });
  await expectRejection(() => instance.memory.read(0, 1), 5005);
});

await h.run("dropModule during instantiate and calls", async () => {
  const moduleId = await wasm.compileFile("tests/fixtures/traps.wasm");
  // Without options an instance is made by the call itself, before dropModule runs: these
  // are "instances already created", which keep working. With options instantiation is an
  // async op that may lose the race (5004) or win it.
  const created = Array.from({ length: 4 }, () => wasm.instantiate(moduleId));
  const racing = Array.from({ length: 4 }, () => wasm.instantiate(moduleId, { fuel: 1_000_000 }));
  await wasm.dropModule(moduleId);
  let made = 0;
  const outcomes = await Promise.allSettled([...created, ...racing]);
  for (const [n, o] of outcomes.entries()) {
    if (o.status === "fulfilled") {
      made++;
      assertEquals(await o.value.call("spin", 3 + n), [3 + n], `instance ${n} works after dropModule`);
      await o.value.drop();
    } else if (n < created.length) {
      fail(`instance ${n}, made before dropModule, failed: ${o.reason}`);
    } else {
      expectCodes(o.reason, [5004], "instantiate racing dropModule");
    }
  }
  assert(made >= created.length, `made ${made} instances, expected at least ${created.length}`);
  await expectRejection(() => wasm.instantiate(moduleId), 5004);
});

await h.run("drop many instances mid-call at once", async () => {
  const instances = await Promise.all(Array.from({ length: 16 }, () => wasm.instantiate(traps)));
  const calls = instances.map((i, n) => i.call("spin", 1_000_000 + n));
  await Promise.all(instances.map((i) => i.drop()));
  const results = await Promise.all(calls);
  results.forEach((r, n) => assertEquals(r, [1_000_000 + n]));
});

async function expectRejection(fn: () => Promise<unknown>, code: number): Promise<void> {
  try {
    await fn();
  } catch (error) {
    expectCodes(error, [code], "expected rejection");
    return;
  }
  fail(`expected a rejection with ${code}, but it resolved`);
}

await h.finish(8);

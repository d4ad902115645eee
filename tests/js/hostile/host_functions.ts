// Hostile host functions: a host promise that never settles and then a drop (the call
// rejects with 5005, nothing hangs); operations on an instance whose call waits in a host
// function fail at once instead of waiting for themselves (re-entrant call/callSync,
// globals, memory.grow), while its memory stays reachable; recursion wasm -> JS -> wasm
// across instances, both back into a busy instance (a WasmError) and down a long chain of
// instances (a result or a WasmError, never a crash); a host function that drops its own
// instance; thousands of suspended calls; a HostCaller kept past its call; hostile thrown
// and returned values and out-of-bounds HostMemory access.
import * as wasm from "runtime:wasm";
import { assert, assertEquals, fail } from "../_assert.ts";
import { expectCodes, hostile, prng } from "./_harness.ts";

const h = await hostile("host_functions");
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** Every error code: for operations the brief says fail "with a WasmError" without a code. */
const ANY_CODE = Array.from({ length: 20 }, (_, i) => 5000 + i);

/** `p`, or a failure naming `what` when it has not settled within `ms`. */
async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: number | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: still pending after ${ms} ms (a hang)`)), ms);
  });
  try {
    return await Promise.race([p, hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** Expects `p` to reject with a WasmError whose code is one of `codes`, within `ms`. */
async function rejectsWith(p: Promise<unknown>, codes: number[], what: string, ms = 5000): Promise<wasm.WasmError> {
  try {
    await within(p, ms, what);
  } catch (error) {
    if (error instanceof Error && error.message.includes("(a hang)")) fail(error.message);
    expectCodes(error, codes, what);
    return error as wasm.WasmError;
  }
  fail(`${what}: expected a rejection with ${codes.join("/")}, but it resolved`);
}

/** Runs `fn`, which must throw a WasmError whose code is one of `codes`, at once. */
function throwsWith(fn: () => unknown, codes: number[], what: string): wasm.WasmError {
  try {
    fn();
  } catch (error) {
    expectCodes(error, codes, what);
    return error as wasm.WasmError;
  }
  fail(`${what}: expected a throw with ${codes.join("/")}, but it returned`);
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(reason: unknown): void;
}
function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

// One module for most cases: `wait` calls the host import and adds 1, `plain` is pure wasm.
const waitModule = await wasm.compile(`(module
  (import "env" "host" (func $host (param i32) (result i32)))
  (memory (export "memory") 1)
  (global (export "g") (mut i32) (i32.const 5))
  (func (export "wait") (param i32) (result i32) (i32.add (call $host (local.get 0)) (i32.const 1)))
  (func (export "plain") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2))))`);
const withHost = (host: (this: any, x: number) => unknown, options: Record<string, unknown> = {}) =>
  wasm.instantiate(waitModule, { ...options, imports: { env: { host } } } as never);

await h.run("a host promise that never settles, then drop: 5005 on every async path", async () => {
  for (const path of ["call", "getFunction", "callBatch", "callWith"] as const) {
    let entered = false;
    const instance = await withHost(() => {
      entered = true;
      return new Promise(() => {});
    });
    const call =
      path === "call"
        ? instance.call("wait", 1)
        : path === "getFunction"
        ? instance.getFunction("wait").call(1)
        : path === "callBatch"
        ? instance.callBatch("wait", [[1], [2]])
        : instance.callWith("wait", [1], { timeoutMs: 600_000 });
    call.catch(() => {});
    await sleep(5);
    assert(entered, `${path}: the host function ran`);
    await within(instance.drop(), 5000, `${path}: drop of an instance whose call never settles`);
    await rejectsWith(call, [5005], `${path}: the waiting call after drop`);
    await rejectsWith(instance.call("plain", 1), [5005], `${path}: a call after drop`);
  }
});

await h.run("20 instances parked forever, all dropped at once", async () => {
  const instances = await Promise.all(Array.from({ length: 20 }, () => withHost(() => new Promise(() => {}))));
  const calls = instances.map((i, n) => i.call("wait", n));
  calls.forEach((c) => c.catch(() => {}));
  await sleep(5);
  await within(Promise.all(instances.map((i) => i.drop())), 5000, "dropping 20 parked instances");
  for (const [n, call] of calls.entries()) await rejectsWith(call, [5005], `parked call ${n}`);
});

await h.run("a host promise settling after the drop is ignored", async () => {
  const gate = deferred<number>();
  const failing = deferred<number>();
  const a = await withHost(() => gate.promise);
  const b = await withHost(() => failing.promise);
  const ca = a.call("wait", 1);
  const cb = b.call("wait", 1);
  ca.catch(() => {});
  cb.catch(() => {});
  await sleep(2);
  await a.drop();
  await b.drop();
  gate.resolve(41);
  failing.reject(new Error("late failure"));
  await sleep(10);
  await rejectsWith(ca, [5005], "the dropped call (resolved late)");
  await rejectsWith(cb, [5005], "the dropped call (rejected late)");
});

await h.run("while a call waits in a host function: other operations on it fail at once", async () => {
  const gate = deferred<number>();
  let entered = false;
  const instance = await withHost(() => {
    entered = true;
    return gate.promise;
  });
  await instance.memory.write(100, new Uint8Array([1, 2, 3]));
  const waiting = instance.call("wait", 1);
  await sleep(2);
  assert(entered, "the host function ran");
  // Calls: 5002, at once.
  await rejectsWith(instance.call("plain", 2), [5002], "call during the wait", 2000);
  await rejectsWith(instance.getFunction("plain").call(2), [5002], "getFunction(..).call during the wait", 2000);
  await rejectsWith(instance.callBatch("plain", [[1]]), [5002], "callBatch during the wait", 2000);
  await rejectsWith(instance.callWith("plain", [2], { timeoutMs: 1000 }), [5002], "callWith during the wait", 2000);
  throwsWith(() => instance.callSync("plain", 2), [5002], "callSync during the wait");
  // Globals and memory.grow: a WasmError at once.
  await rejectsWith((async () => await instance.getGlobal("g").get())(), ANY_CODE, "global get during the wait", 2000);
  await rejectsWith((async () => await instance.getGlobal("g").set(6))(), ANY_CODE, "global set during the wait", 2000);
  await rejectsWith(instance.memory.grow(1), [5002, 5006], "memory.grow during the wait", 2000);
  // Memory reads and writes are answered at once.
  assertEquals(await within(instance.memory.read(100, 3), 2000, "memory.read during the wait"), new Uint8Array([1, 2, 3]));
  await within(instance.memory.write(100, new Uint8Array([9])), 2000, "memory.write during the wait");
  assertEquals(await within(instance.memory.size(), 2000, "memory.size during the wait"), 1);
  // Other instances are not affected.
  const other = await withHost((x) => x);
  assertEquals(await other.call("wait", 3), [4]);
  assertEquals(other.callSync("plain", 3), [6]);
  await other.drop();
  gate.resolve(10);
  assertEquals(await within(waiting, 5000, "the waiting call"), [11]);
  // Afterwards everything works again, and nothing was changed by the refused operations.
  assertEquals(await instance.call("plain", 2), [4]);
  assertEquals(await instance.getGlobal("g").get(), 5, "the refused global set changed nothing");
  assertEquals(await instance.memory.size(), 1, "the refused grow changed nothing");
  assertEquals(await instance.memory.read(100, 3), new Uint8Array([9, 2, 3]));
  await instance.drop();
});

await h.run("re-entrant call and callSync on the same instance from inside a host function", async () => {
  const seen: unknown[] = [];
  let instance!: wasm.Instance;
  instance = await withHost(function (x) {
    // Sync: callSync through `this.instance` and through the closure, and call().
    for (const via of [this.instance, instance]) {
      try {
        seen.push(via.callSync("plain", x));
      } catch (error) {
        seen.push(error);
      }
    }
    const inner = instance.call("plain", x);
    inner.catch(() => {});
    seen.push(inner);
    return x;
  });
  assertEquals(await within(instance.call("wait", 4), 5000, "the outer call"), [5], "the outer call still succeeds");
  // Calls made while the host function runs are re-entrant: they run on the suspended
  // call's store and return at once.
  assertEquals(seen.length, 3);
  assertEquals(seen[0], [8], "re-entrant callSync via this.instance");
  assertEquals(seen[1], [8], "re-entrant callSync via the closure");
  assertEquals(await (seen[2] as Promise<unknown>), [8], "re-entrant call()");
  // The same from callSync.
  seen.length = 0;
  assertEquals(instance.callSync("wait", 6), [7], "the outer callSync still succeeds");
  assertEquals(seen[0], [12], "re-entrant callSync inside callSync");
  assertEquals(await (seen[2] as Promise<unknown>), [12], "re-entrant call() inside callSync");

  // Async: a call made before the host function's first await is re-entrant; after it,
  // the instance is suspended on a promise and other operations fail at once instead
  // of waiting for themselves.
  const asyncSeen: unknown[] = [];
  const asyncInstance = await withHost(async function (x) {
    try {
      asyncSeen.push(await within(this.instance.call("plain", x), 3000, "awaited re-entrant call"));
    } catch (error) {
      asyncSeen.push(error);
    }
    try {
      asyncSeen.push(await within(this.instance.getGlobal("g").get(), 3000, "awaited re-entrant global get"));
    } catch (error) {
      asyncSeen.push(error);
    }
    return x;
  });
  assertEquals(await within(asyncInstance.call("wait", 8), 10_000, "the outer async call"), [9]);
  assertEquals(asyncSeen[0], [16], "a call made before the first await");
  assert(asyncSeen[1] instanceof wasm.WasmError, `awaited re-entrant global get: ${String(asyncSeen[1])}`);
  assertEquals(await asyncInstance.call("plain", 5), [10], "usable after");
  await asyncInstance.drop();
  await instance.drop();
});

// down(n): 0 when n is 0, else next(n) + 1, where the host's next calls down(n - 1) on
// the next instance of a chain.
const downModule = await wasm.compile(`(module
  (import "env" "next" (func $next (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "down") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (call $next (local.get $n)) (i32.const 1))))))`);

/** `count` instances where instance i's host function calls down(n - 1) on instance i + 1. */
async function chain(count: number, sync: boolean): Promise<wasm.Instance[]> {
  const list: wasm.Instance[] = [];
  const index = new Map<unknown, number>();
  for (let i = 0; i < count; i += 100) {
    const made = await Promise.all(
      Array.from({ length: Math.min(100, count - i) }, () =>
        wasm.instantiate(downModule, {
          imports: {
            env: {
              next: sync
                ? function (this: any, n: number) {
                  const nextOne = list[index.get(this.instance)! + 1] ?? list[0];
                  return nextOne.callSync("down", n - 1)[0];
                }
                : async function (this: any, n: number) {
                  const nextOne = list[index.get(this.instance)! + 1] ?? list[0];
                  return (await nextOne.call("down", n - 1))[0];
                },
            },
          },
        })
      ),
    );
    for (const instance of made) {
      index.set(instance, list.length);
      list.push(instance);
    }
  }
  return list;
}

await h.run("recursion A -> JS -> B -> JS -> A: a result or a WasmError, not a crash or a hang", async () => {
  for (const sync of [true, false]) {
    const [a, b] = await chain(2, sync);
    // down(1) on A calls B.down(0): fine. down(2) reaches back into A, which waits in its host function.
    assertEquals(await a.call("down", 1), [1], `${sync ? "sync" : "async"}: A -> B`);
    // The call back into A is made while A's host function still runs (B's call starts
    // at once, its host function too), so it is re-entrant and runs on A's suspended call.
    assertEquals(await a.call("down", 2), [2], `${sync ? "sync" : "async"}: A -> B -> A runs re-entrantly`);
    if (sync) assertEquals(a.callSync("down", 5), [5], "callSync A -> B -> A -> B -> A -> B");
    assertEquals(await a.call("down", 0), [0], "A usable after");
    assertEquals(await b.call("down", 1), [1], "B -> A usable after");
    await a.drop();
    await b.drop();
  }
});

await h.run("recursion down a chain of 1000 instances with callSync: a result or a WasmError", async () => {
  const list = await chain(1000, true);
  for (const depth of [10, 100, 300, 999]) {
    const t = Date.now();
    try {
      const result = await within(list[0].call("down", depth), 60_000, `sync chain depth ${depth}`);
      assertEquals(result, [depth], `sync chain depth ${depth}`);
      console.log(`sync chain depth ${depth}: ok in ${Date.now() - t} ms`);
    } catch (error) {
      if (error instanceof Error && error.message.includes("(a hang)")) fail(error.message);
      assert(error instanceof wasm.WasmError, `sync chain depth ${depth}: a WasmError, got ${String(error)}`);
      console.log(`sync chain depth ${depth}: ${error.code} (${error.message.length} chars) in ${Date.now() - t} ms`);
      assert(depth > 10, `a chain of 10 fails: ${error.message.slice(0, 300)}`);
    }
    // Also callSync as the outermost call.
    try {
      assertEquals(list[0].callSync("down", depth), [depth], `sync chain depth ${depth} from callSync`);
    } catch (error) {
      assert(error instanceof wasm.WasmError, `callSync chain depth ${depth}: a WasmError, got ${String(error)}`);
    }
  }
  // Every instance of the chain is still usable.
  for (const [i, instance] of list.entries()) assertEquals(await instance.call("down", 0), [0], `instance ${i}`);
  assertEquals(await list[500].call("down", 3), [3]);
  await Promise.all(list.map((i) => i.drop()));
});

await h.run("recursion down a chain of 1000 instances with call: a result or a WasmError", async () => {
  const list = await chain(1000, false);
  for (const depth of [10, 100, 300, 999]) {
    const t = Date.now();
    try {
      const result = await within(list[0].call("down", depth), 60_000, `async chain depth ${depth}`);
      assertEquals(result, [depth], `async chain depth ${depth}`);
      console.log(`async chain depth ${depth}: ok in ${Date.now() - t} ms`);
    } catch (error) {
      if (error instanceof Error && error.message.includes("(a hang)")) fail(error.message);
      assert(error instanceof wasm.WasmError, `async chain depth ${depth}: a WasmError, got ${String(error)}`);
      console.log(`async chain depth ${depth}: ${error.code} (${error.message.length} chars) in ${Date.now() - t} ms`);
      assert(depth > 10, `an async chain of 10 fails: ${error.message.slice(0, 300)}`);
    }
  }
  // Every instance of the chain is still usable.
  for (const [i, instance] of list.entries()) assertEquals(await instance.call("down", 0), [0], `instance ${i}`);
  await Promise.all(list.map((i) => i.drop()));
});

await h.run("a host function that drops its own instance", async () => {
  // Sync, under call, callSync, and async awaiting its own drop.
  for (const mode of ["call", "callSync", "async"] as const) {
    let dropping: Promise<void> | undefined;
    const instance = await withHost(
      mode === "async"
        ? async function (x) {
          dropping = this.instance.drop();
          await within(dropping!, 5000, "drop awaited inside the host function");
          return x;
        }
        : function (x) {
          dropping = this.instance.drop();
          return x;
        },
    );
    const what = `${mode}: self-drop`;
    try {
      const result = mode === "callSync"
        ? instance.callSync("wait", 3)
        : await within(instance.call("wait", 3), 10_000, what);
      assertEquals(result, [4], `${what}: the call's result`);
    } catch (error) {
      if (error instanceof Error && error.message.includes("(a hang)")) fail(error.message);
      expectCodes(error, [5005], what);
    }
    assert(dropping !== undefined, `${what}: the host function ran`);
    await within(dropping!, 5000, `${what}: the drop promise`);
    await rejectsWith(instance.call("plain", 1), [5005], `${what}: a call after`);
    throwsWith(() => instance.callSync("plain", 1), [5005], `${what}: callSync after`);
  }
});

await h.run("2000 suspended calls across 50 instances, 50 at a time", async () => {
  const next = prng(7);
  const instances = await Promise.all(
    Array.from({ length: 50 }, (_, n) => withHost(async (x) => {
      await sleep(Math.floor(next() * 3));
      return x * 3 + n;
    })),
  );
  const results = await within(
    Promise.all(instances.map(async (instance, n) => {
      const out: number[] = [];
      for (let k = 0; k < 40; k++) out.push((await instance.call("wait", n * 1000 + k))[0] as number);
      return out;
    })),
    120_000,
    "2000 calls",
  );
  results.forEach((out, n) => out.forEach((r, k) => assertEquals(r, (n * 1000 + k) * 3 + n + 1, `instance ${n} call ${k}`)));
  await Promise.all(instances.map((i) => i.drop()));
});

await h.run("2000 instances, each with a call parked at the same time, released in random order", async () => {
  const COUNT = 2000;
  const gates: Deferred<number>[] = [];
  const instances: wasm.Instance[] = [];
  for (let i = 0; i < COUNT; i += 100) {
    instances.push(
      ...(await Promise.all(Array.from({ length: 100 }, () =>
        withHost((x) => {
          const gate = deferred<number>();
          gates[x] = gate;
          return gate.promise;
        })
      ))),
    );
  }
  const calls = instances.map((instance, n) => instance.call("wait", n));
  calls.forEach((c) => c.catch(() => {}));
  for (let waited = 0; gates.filter(Boolean).length < COUNT && waited < 20_000; waited += 10) await sleep(10);
  assertEquals(gates.filter(Boolean).length, COUNT, "every call waits in its host function");
  const order = Array.from({ length: COUNT }, (_, i) => i);
  const next = prng(11);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  for (const n of order) gates[n].resolve(n * 7);
  const results = await within(Promise.all(calls), 120_000, "2000 parked calls");
  results.forEach((r, n) => assertEquals(r, [n * 7 + 1], `parked call ${n}`));
  await Promise.all(instances.map((i) => i.drop()));
});

await h.run("calls issued together on one instance: each correct or refused, none lost", async () => {
  const instance = await withHost(async (x) => {
    await sleep(1);
    return x;
  });
  const outcomes = await within(
    Promise.allSettled(Array.from({ length: 10 }, (_, k) => instance.call("wait", k))),
    10_000,
    "10 calls at once",
  );
  let ok = 0;
  outcomes.forEach((o, k) => {
    if (o.status === "fulfilled") {
      assertEquals(o.value, [k + 1], `call ${k}`);
      ok++;
    } else {
      expectCodes(o.reason, [5002], `call ${k}`);
    }
  });
  assert(ok >= 1, "the first call succeeds");
  console.log(`10 calls issued together on one instance: ${ok} succeeded, ${10 - ok} refused as busy`);
  assertEquals(await instance.call("wait", 20), [21], "usable after");
  await instance.drop();
});

await h.run("a HostCaller kept after its call never reaches another call's instance", async () => {
  let saved: any;
  const a = await withHost(function (x) {
    saved ??= this;
    return x;
  });
  await a.memory.write(0, new Uint8Array([0xaa, 0xaa, 0xaa, 0xaa]));
  assertEquals(await a.call("wait", 1), [2]);
  const gate = deferred<number>();
  const b = await withHost(() => gate.promise);
  await b.memory.write(0, new Uint8Array([0xbb, 0xbb, 0xbb, 0xbb]));
  const waiting = b.call("wait", 1);
  await sleep(2);
  for (const [what, op] of [
    ["read", () => saved.memory.read(0, 4)],
    ["write", () => saved.memory.write(0, new Uint8Array([0xcc]))],
    ["size", () => saved.memory.size()],
  ] as const) {
    try {
      const value = op();
      if (what === "read") {
        assert(!(value as Uint8Array).every((v) => v === 0xbb), "a stale HostCaller read B's memory");
      }
    } catch (error) {
      assert(error instanceof wasm.WasmError, `stale HostCaller ${what}: a WasmError, got ${String(error)}`);
    }
  }
  gate.resolve(1);
  assertEquals(await waiting, [2]);
  assertEquals(await b.memory.read(0, 4), new Uint8Array([0xbb, 0xbb, 0xbb, 0xbb]), "B's memory untouched");
  await a.drop();
  try {
    saved.memory.read(0, 1);
  } catch (error) {
    assert(error instanceof wasm.WasmError, `stale HostCaller after drop: a WasmError, got ${String(error)}`);
  }
  await b.drop();
});

await h.run("hostile thrown and returned values", async () => {
  const poisoned = {
    get message() {
      throw new Error("message getter");
    },
    toString() {
      throw new Error("toString");
    },
  };
  const proxy = new Proxy({}, {
    get() {
      throw new Error("proxy get");
    },
    has() {
      throw new Error("proxy has");
    },
    getPrototypeOf() {
      throw new Error("proxy getPrototypeOf");
    },
  });
  const nullProto = Object.create(null);
  for (const [label, value] of [["a poisoned object", poisoned], ["a throwing proxy", proxy], ["a null-prototype object", nullProto]] as const) {
    const instance = await withHost(() => {
      throw value;
    });
    const error = await rejectsWith(instance.call("wait", 1), [5002], `throwing ${label}`);
    assert(error.cause === value, `throwing ${label}: the cause is the thrown value`);
    throwsWith(() => instance.callSync("wait", 1), [5002], `throwing ${label} (callSync)`);
    assertEquals(await instance.call("plain", 2), [4], `${label}: usable after`);
    await instance.drop();
  }
  // Results that are not numbers or that run code when converted: refused, not run.
  let ranValueOf = false;
  const sneaky = { valueOf: () => ((ranValueOf = true), 1), [Symbol.toPrimitive]: () => ((ranValueOf = true), 1) };
  const results: [string, unknown][] = [
    ["an object with valueOf", sneaky],
    ["a throwing proxy", proxy],
    ["a symbol", Symbol("s")],
    ["a function", () => 1],
  ];
  for (const [label, value] of results) {
    const instance = await withHost(() => value);
    // A proxy's traps may run while it is inspected; their throw is then the host's (5002).
    const codes = value === proxy ? [5002, 5007] : [5007];
    await rejectsWith(instance.call("wait", 1), codes, `returning ${label}`);
    throwsWith(() => instance.callSync("wait", 1), codes, `returning ${label} (callSync)`);
    await instance.drop();
  }
  assert(!ranValueOf, "the result converter called valueOf");
  // A multi-value result with a throwing element getter, a huge sparse array, a proxy array.
  const multi = await wasm.compile(`(module
    (import "env" "pair" (func $pair (result i32 i32)))
    (func (export "pair") (result i32 i32) (call $pair)))`);
  const badArrays: [string, () => unknown][] = [
    ["a throwing element getter", () => {
      const a = [1, 2];
      Object.defineProperty(a, 0, { get: () => { throw new Error("element getter"); } });
      return a;
    }],
    ["a huge sparse array", () => new Array(2 ** 32 - 1)],
    ["a proxy over an array", () => new Proxy([1, 2], { get: (t, k) => (k === "length" ? 2 ** 31 : Reflect.get(t, k)) })],
  ];
  for (const [label, make] of badArrays) {
    const instance = await wasm.instantiate(multi, { imports: { env: { pair: make } } } as never);
    await rejectsWith(instance.call("pair"), [5002, 5007], `returning ${label}`, 10_000);
    await instance.drop();
  }
});

await h.run("HostMemory out of bounds: 5006, nothing written", async () => {
  const seen: unknown[] = [];
  const instance = await withHost(function () {
    const m = this.memory;
    const tries: [string, () => unknown][] = [
      ["write straddling the end", () => m.write(65534, new Uint8Array([1, 2, 3, 4]))],
      ["read straddling the end", () => m.read(65534, 4)],
      ["read past the end", () => m.read(65536, 1)],
      ["read at 2^32", () => m.read(2 ** 32, 1)],
      ["read a huge length", () => m.read(0, 2 ** 40)],
      ["read a negative offset", () => m.read(-1, 1)],
      ["read at NaN", () => m.read(NaN, 1)],
      ["write at -1", () => m.write(-1, new Uint8Array([1]))],
      ["write at 2^53", () => m.write(2 ** 53, new Uint8Array([1]))],
    ];
    for (const [label, op] of tries) {
      try {
        op();
        seen.push(`${label}: no error`);
      } catch (error) {
        seen.push(error instanceof wasm.WasmError ? `${label}: ${error.code}` : `${label}: ${String(error)}`);
      }
    }
    return 0;
  });
  await instance.memory.write(65530, new Uint8Array([7, 7, 7, 7, 7, 7]));
  assertEquals(await instance.call("wait", 0), [1]);
  for (const line of seen as string[]) {
    assert(/: (5006|5007)$/.test(line), `HostMemory: ${line}`);
  }
  assertEquals(await instance.memory.read(65530, 6), new Uint8Array([7, 7, 7, 7, 7, 7]), "nothing written");
  await instance.drop();
});

await wasm.dropModule(waitModule);
await wasm.dropModule(downModule);
await h.finish(15);

// Component imports implemented in JS (`instantiate(id, { imports })`), on the
// `host-imports` fixture: run-it(x) calls log("start"), add(x, 1) and fetch("k") and
// returns "sum=<add>, fetch=<some(v)|none>". Host functions may be sync or async; their
// arguments and results cross with the component value mapping; a throw fails the call
// with 5002 (cause: the thrown value), a result that does not fit its type with 5007
// naming the import; every import must be given, and nothing else may be.
import { compile, compileFile, instantiate, instantiateComponent } from "runtime:wasm";
import { assert, assertEquals, assertRejects } from "../_assert.ts";

const id = await compileFile("tests/components/host-imports.wasm");
const API = "my:host/api@0.1.0";
let cases = 0;

// Sync and async functions, by the exact interface name; arguments arrive converted.
{
  const seen: unknown[] = [];
  const instance = await instantiateComponent(id, {
    imports: {
      [API]: {
        log(msg: string) {
          seen.push(["log", msg]);
        },
        add(a: number, b: number) {
          seen.push(["add", a, b]);
          return a + b;
        },
        async fetch(key: string) {
          seen.push(["fetch", key]);
          await new Promise((resolve) => setTimeout(resolve, 1));
          return "v";
        },
      },
    },
  });
  assertEquals(await instance.exports.runIt(41), "sum=42, fetch=some(v)");
  assertEquals(seen, [["log", "start"], ["add", 41, 1], ["fetch", "k"]]);
  // Many calls in a row, each with three host calls.
  for (let i = 0; i < 200; i++) assertEquals(await instance.call("run-it", i), `sum=${i + 1}, fetch=some(v)`);
  // Calls issued together run one at a time, in order.
  const all = await Promise.all([1, 2, 3].map((x) => instance.exports.runIt(x)));
  assertEquals(all, ["sum=2, fetch=some(v)", "sum=3, fetch=some(v)", "sum=4, fetch=some(v)"]);
  await instance.drop();
  cases += 4;
}

// By the unversioned interface name; an option result as undefined; non-ASCII strings.
{
  const instance = await instantiateComponent(id, {
    imports: { "my:host/api": { log() {}, add: (a: number) => a * 2, fetch: () => undefined } },
  });
  assertEquals(await instance.exports.runIt(21), "sum=42, fetch=none");
  await instance.drop();
  const unicode = await instantiateComponent(id, {
    imports: { "my:host/api": { log() {}, add: () => 0, fetch: () => "é😀" } },
  });
  assertEquals(await unicode.exports.runIt(0), "sum=0, fetch=some(é😀)");
  await unicode.drop();
  cases += 2;
}

// A throw fails the call with 5002 naming the import, with the thrown value as cause; the
// instance is then unusable (a component cannot be entered after a failed call).
{
  const boom = new Error("boom");
  const instance = await instantiateComponent(id, {
    imports: { [API]: { log() { throw boom; }, add: (a: number) => a, fetch: () => undefined } },
  });
  const error = await assertRejects(() => instance.exports.runIt(1), 5002, `"${API}#log" threw: boom`);
  assert(error.cause === boom, "the thrown error is the cause");
  await assertRejects(() => instance.exports.runIt(1), 5002, "cannot be entered again");
  const rejecting = await instantiateComponent(id, {
    imports: { [API]: { log() {}, add: (a: number) => a, fetch: () => Promise.reject(new Error("later")) } },
  });
  await assertRejects(() => rejecting.exports.runIt(1), 5002, "threw: later");
  cases += 3;
}

// A result that does not fit is 5007 naming the import.
for (const [add, says] of [
  [() => "x", "expected a whole number (u32)"],
  [() => -1, "out of range for u32"],
  [() => 2 ** 32, "out of range for u32"],
  [() => undefined, "expected a whole number (u32)"],
] as const) {
  const instance = await instantiateComponent(id, { imports: { [API]: { log() {}, add, fetch: () => undefined } } });
  await assertRejects(() => instance.exports.runIt(1), 5007, `host function "${API}#add" return value`);
  await assertRejects(
    async () => {
      const again = await instantiateComponent(id, { imports: { [API]: { log() {}, add, fetch: () => undefined } } });
      await again.exports.runIt(1);
    },
    5007,
    says,
  );
  cases += 2;
}
{
  const instance = await instantiateComponent(id, { imports: { [API]: { log() {}, add: () => 1, fetch: () => 42 } } });
  await assertRejects(() => instance.exports.runIt(1), 5007, `"${API}#fetch" return value: expected a string`);
  cases++;
}

// Every import must be given, as a function; nothing else may be.
await assertRejects(() => instantiate(id), 5001, `${API}#log`);
await assertRejects(() => instantiate(id, { imports: { [API]: { log() {} } } }), 5001, `${API}#add`);
await assertRejects(
  // deno-lint-ignore no-explicit-any
  () => instantiate(id, { imports: { [API]: { log() {}, add: 1 as any, fetch: () => undefined } } }),
  5001,
  "is not a function",
);
await assertRejects(
  () => instantiate(id, { imports: { [API]: { log() {}, add: () => 1, fetch: () => undefined, fetchAll() {} } } }),
  5001,
  "fetchAll",
);
await assertRejects(
  () => instantiate(id, { imports: { [API]: { log() {}, add: () => 1, fetch: () => undefined }, "my:other/x": {} } }),
  5001,
  '"my:other/x"',
);
cases += 5;

// A call into the instance from inside its own host function is refused at once (5002):
// the instance is inside a call, and a component cannot be re-entered from its imports.
{
  let inner: unknown;
  const instance = await instantiateComponent(id, {
    imports: {
      [API]: {
        async log() {
          inner = await instance.exports.runIt(1).then(() => "ran", (e: { code: number }) => e.code);
        },
        add: (a: number) => a,
        fetch: () => undefined,
      },
    },
  });
  assertEquals(await instance.exports.runIt(7), "sum=7, fetch=none");
  assertEquals(inner, 5002);
  cases += 2;
}

// Timeouts and fuel still apply to the wasm; other instances run while a host promise waits.
{
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const waiting = await instantiateComponent(id, {
    imports: { [API]: { log() {}, add: (a: number) => a, fetch: async () => (await gate, "late") } },
  });
  const pending = waiting.exports.runIt(3);
  const other = await instantiateComponent(id, { imports: { [API]: { log() {}, add: (a: number) => a, fetch: () => "now" } } });
  assertEquals(await other.exports.runIt(1), "sum=1, fetch=some(now)");
  release();
  assertEquals(await pending, "sum=3, fetch=some(late)");
  cases += 2;
}

// Dropping an instance whose call waits on a host promise fails that call (5005) once the
// promise settles; nothing hangs.
{
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const instance = await instantiateComponent(id, {
    imports: { [API]: { log() {}, add: (a: number) => a, fetch: async () => (await gate, "x") } },
  });
  const pending = instance.exports.runIt(1).then(() => "resolved", (e: { code: number }) => e.code);
  await new Promise((resolve) => setTimeout(resolve, 10));
  await instance.drop();
  release();
  assertEquals(await pending, 5005);
  cases++;
}

// timeoutMs counts the wait for a host promise, as for core instances (5012), from the
// instance or from the call; a promise that never settles is bounded the same way.
{
  const never = () => new Promise<string>(() => {});
  const slow = await instantiateComponent(id, {
    timeoutMs: 50,
    imports: { [API]: { log() {}, add: (a: number) => a, fetch: never } },
  });
  await assertRejects(() => slow.exports.runIt(1), 5012, `"${API}#fetch" was pending`);
  const perCall = await instantiateComponent(id, {
    imports: { [API]: { log() {}, add: (a: number) => a, fetch: never } },
  });
  await assertRejects(() => perCall.callWith("run-it", [1], { timeoutMs: 30 }), 5012, "was pending");
  cases += 2;
}

// Dropping the instance while its call waits on a promise that never settles fails the
// call at once (5005) instead of leaving it pending forever.
{
  const instance = await instantiateComponent(id, {
    imports: { [API]: { log() {}, add: (a: number) => a, fetch: () => new Promise<string>(() => {}) } },
  });
  const pending = instance.exports.runIt(1).then(() => "resolved", (e: { code: number }) => e.code);
  await new Promise((resolve) => setTimeout(resolve, 10));
  await instance.drop();
  assertEquals(await pending, 5005);
  cases++;
}

// run() of a WASI command whose `run` asks the host: its exit code follows the answer
// (run returns `result`: ok is 0, err is 1).
{
  const command = await compile(`(component
    (import "my:host/api@0.1.0" (instance $host (export "code" (func (result u32)))))
    (core func $code (canon lower (func $host "code")))
    (core module $m
      (import "host" "code" (func $code (result i32)))
      (func (export "run") (result i32) (call $code)))
    (core instance $hi (export "code" (func $code)))
    (core instance $i (instantiate $m (with "host" (instance $hi))))
    (func $run (result (result)) (canon lift (core func $i "run")))
    (instance $runi (export "run" (func $run)))
    (export "wasi:cli/run@0.2.0" (instance $runi)))`);
  for (const code of [0, 1]) {
    const instance = await instantiateComponent(command, { imports: { "my:host/api": { code: async () => code } } });
    assertEquals(await instance.run(), code);
    await instance.drop();
    cases++;
  }
  const plain = await instantiateComponent(id, { imports: { [API]: { log() {}, add: (a: number) => a, fetch: () => undefined } } });
  await assertRejects(() => plain.run(), 5003, "wasi:cli/run");
  cases++;
}

console.log(`component host imports: ${cases} cases`);

// Findings from writing the component scenarios, fixed, each kept as a case that failed
// before its fix: a getter that changes an array's length mid-encoding, a 64-bit number
// past the safe range, the plugin fixture's norm1 at s32::MIN, and messages that name
// the function the way `call` does.
import { compileFile, instantiateComponent } from "runtime:wasm";
import { assert, assertEquals, assertRejects } from "../_assert.ts";

const types = await instantiateComponent(await compileFile("tests/components/types.wasm"));
const plugin = await instantiateComponent(await compileFile("tests/components/plugin.wasm"));
// deno-lint-ignore no-explicit-any
const echo = types.exports.echo as Record<string, (...args: any[]) => Promise<any>>;
// deno-lint-ignore no-explicit-any
const api = plugin.exports.api as any;

// 1. The array length is read once: a getter that shrinks one array and grows its parent
//    used to send [["a",7],["s",9]], a value the script never held.
{
  const q: unknown[] = ["a", 1];
  const p: unknown[] = [q, 7];
  Object.defineProperty(q, 0, {
    get() {
      q.length = 1;
      p.push(["s", 9]);
      return "a";
    },
    enumerable: true,
    configurable: true,
  });
  await assertRejects(() => echo.echoPairs(p), 5007, "echo-pairs(x)");
}

// 2. 2^53 is not a safe integer: refused for s64/u64 (a bigint carries it exactly).
await assertRejects(() => types.exports.add(2 ** 53, 0), 5007, "add(a)");
assertEquals(await types.exports.add(Number.MAX_SAFE_INTEGER, 0), BigInt(Number.MAX_SAFE_INTEGER));
assertEquals(await types.exports.add(2n ** 53n, 1n), 2n ** 53n + 1n);

// 3. norm1 at the edges of s32: |s32::MIN| is 2^31.
assertEquals(await api.norm1({ xCoord: -(2 ** 31), yCoord: 2 ** 31 - 1 }), 4294967295n);

// 4. Messages name functions as `call` does, and too-deep values name the call.
const counter = await api.Counter.create(1);
const wrong = await assertRejects(() => counter.addFrom(1), 5007, "[method]counter.add-from(other)");
assert(!wrong.message.includes("addFrom("), wrong.message);
let deep: unknown = "x";
for (let i = 0; i < 300; i++) deep = [deep];
await assertRejects(() => echo.echoStrings(deep), 5007, 'call("my:types/echo@0.1.0#echo-strings")');
const thrown = await assertRejects(
  () => echo.echoPoint({ get xCoord() { throw 42; }, yCoord: 1 }),
  5007,
  "reading an argument threw: 42",
);
assertEquals(thrown.cause, 42);
counter.drop();
await types.drop();
await plugin.drop();
console.log("regressions: 10 cases");

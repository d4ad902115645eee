// The instance options that limit a component instance work as for modules:
// `maxMemoryBytes` caps its memories (a guest allocation past it fails the call, and the
// instance with it), `interruptible: false` runs code without epoch checks (no timeouts:
// 5010 at instantiate, 5007 on a call), and `fuel` meters it.
import { compileFile, instantiateComponent } from "runtime:wasm";
import { assertEquals, assertRejects } from "../_assert.ts";

const id = await compileFile("tests/components/types.wasm");
const big = new Uint8Array(1 << 20).fill(7);
let cases = 0;

// Without a cap, a 1 MiB list goes through; with a 256 KiB cap the guest cannot grow its
// memory to take it in, and the call fails (5002) instead of the host running out.
{
  const free = await instantiateComponent(id);
  assertEquals((await free.exports.echo.echoBytes(big)).length, big.length);
  const capped = await instantiateComponent(id, { maxMemoryBytes: 256 * 1024 });
  assertEquals(await capped.exports.echo.echoString("small"), "small");
  await assertRejects(() => capped.exports.echo.echoBytes(big), 5002);
  await assertRejects(() => capped.exports.echo.echoString("x"), 5002, "cannot be entered again");
  await free.drop();
  await capped.drop();
  cases += 4;
}

// interruptible: false
{
  await assertRejects(() => instantiateComponent(id, { interruptible: false, timeoutMs: 10 }), 5010, "interruptible");
  const trusted = await instantiateComponent(id, { interruptible: false });
  assertEquals(await trusted.exports.greet("fast"), "hello, fast");
  await assertRejects(() => trusted.callWith("greet", ["x"], { timeoutMs: 10 }), 5007, "interruptible");
  assertEquals(await trusted.getFuel(), Infinity);
  await trusted.drop();
  cases += 4;
}

// Fuel: metered code counts down; a per-call budget is its own; no budget, no fuel.
{
  const metered = await instantiateComponent(id, { fuel: 1_000_000 });
  const before = await metered.getFuel();
  assertEquals(await metered.exports.echo.sumList([1, 2, 3]), 6n);
  const after = await metered.getFuel();
  if (!(after < before)) throw new Error(`fuel did not go down: ${before} -> ${after}`);
  await assertRejects(() => metered.callWith("my:types/echo@0.1.0#spin", [], { fuel: 1000 }), 5011);
  const unmetered = await instantiateComponent(id);
  await assertRejects(() => unmetered.setFuel(10), 5007);
  await assertRejects(() => unmetered.callWith("greet", ["x"], { fuel: 10 }), 5007);
  await metered.drop();
  await unmetered.drop();
  cases += 4;
}

// getFuel while a long call holds the instance waits for it off the JS thread: a timer
// set after it still fires first (a blocking wait would hold up the event loop).
{
  const busy = await instantiateComponent(id, { fuel: 1e15 });
  const order: string[] = [];
  const spinning = busy.callWith("my:types/echo@0.1.0#spin", [], { timeoutMs: 300 }).catch((e) => e.code);
  await new Promise((resolve) => setTimeout(resolve, 20));
  const fuel = busy.getFuel().then((f) => (order.push("fuel"), f));
  const timer = new Promise((resolve) => setTimeout(resolve, 20)).then(() => order.push("timer"));
  await Promise.all([fuel, timer]);
  assertEquals(await spinning, 5012);
  assertEquals(order, ["timer", "fuel"]);
  await busy.drop();
  cases++;
}

console.log(`component limits: ${cases} cases`);

// Component instances as a whole: telling components from modules, the two ways to
// instantiate, 5015 for what does not apply to a component, 5003 for unknown names (with
// the names it has), unversioned names, limits (timeoutMs, fuel, per call), poisoning
// after a failed call (the Component Model forbids entering again; other instances go
// on), drop and `await using`, and many live instances at once.
import {
  ComponentInstance,
  compile,
  compileFile,
  Instance,
  instantiate,
  instantiateComponent,
  moduleKind,
} from "runtime:wasm";
import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { caseCounter } from "./_cases.ts";

const { check, rejects, count } = caseCounter();

const typesId = await compileFile("tests/components/types.wasm");
const pluginId = await compileFile("tests/components/plugin.wasm");
const coreId = await compile(`(module (func (export "seven") (result i32) i32.const 7))`);
const emptyComponent = await compile(`(component)`);

// ---- moduleKind, instantiate, instantiateComponent ---------------------------------------

check("moduleKind of a component", moduleKind(typesId), "component");
check("moduleKind of the empty component", moduleKind(emptyComponent), "component");
check("moduleKind of a core module", moduleKind(coreId), "module");
await rejects(() => moduleKind(999_999 as never), 5004);

const viaInstantiate = await instantiate(typesId);
check("instantiate of a component gives a ComponentInstance", viaInstantiate instanceof ComponentInstance, true);
check("not an Instance", (viaInstantiate as unknown) instanceof Instance, false);
check("and it answers", await (viaInstantiate as unknown as ComponentInstance).call("add", 1n, 2n), 3n);
const core = await instantiate(coreId);
check("instantiate of a module gives an Instance", core instanceof Instance, true);
check("a module instance still calls", await core.call("seven"), [7]);
await rejects(() => instantiateComponent(coreId), 5015, "core module");
// `imports` for a component that imports nothing is empty or a mistake (a misspelt name).
await (await instantiate(typesId, { imports: {} })).drop();
await rejects(() => instantiateComponent(typesId, { imports: { env: {} } }), 5001, '"env"');
await rejects(() => instantiateComponent(999_999 as never), 5004);
const empty = await instantiateComponent(emptyComponent);
check("the empty component exports nothing", Object.keys(empty.exports), []);
const none = await rejects(() => empty.call("f"), 5003);
assert(none.message.includes("exports no functions"), none.message);
await empty.drop();

// A component importing what is not WASI: 5001 naming the interface.
const hostImportsId = await compileFile("tests/components/host-imports.wasm");
check("host-imports is a component", moduleKind(hostImportsId), "component");
await rejects(() => instantiateComponent(hostImportsId), 5001, "my:host/api@0.1.0");
await rejects(() => instantiate(hostImportsId), 5001, "my:host/api@0.1.0");

// ---- what does not apply: 5015 ---------------------------------------------------------

const instance = await instantiateComponent(typesId);
const anyInstance = instance as unknown as Record<string, (...args: unknown[]) => unknown>;
await rejects(() => instance.memory, 5015, "memory");
await rejects(() => anyInstance.callSync("add", 1n, 2n), 5015, "callSync");
await rejects(() => anyInstance.getFunction("add"), 5015, "getFunction");
await rejects(() => anyInstance.callBatch("add", [[1n, 2n]]), 5015, "callBatch");
await rejects(() => anyInstance.getGlobal("g"), 5015, "getGlobal");
await rejects(() => anyInstance.getExports(), 5015, "getExports");
check("the instance is fine after the 5015s", await instance.call("add", 1n, 1n), 2n);

// ---- names ------------------------------------------------------------------------------

check("top-level by name", await instance.call("greet", "x"), "hello, x");
check("interface by versioned name", await instance.call("my:types/echo@0.1.0#echo-u8", 200), 200);
check("interface by unversioned name", await instance.call("my:types/echo#echo-u8", 201), 201);
check("exports by full interface name", await instance.exports["my:types/echo@0.1.0"].echoU8(202), 202);
check("the interface's greet differs from the top-level one by name only",
  await instance.call("my:types/echo#greet", "y"), "hello, y");
const unknown = await rejects(() => instance.call("nope"), 5003, "\"nope\"");
assert(unknown.message.includes("\"add\"") && unknown.message.includes("\"greet\""), `lists the names: ${unknown.message}`);
const near = await rejects(() => instance.call("echo-u8"), 5003, "did you mean");
assert(near.message.includes("my:types/echo@0.1.0#echo-u8"), `suggests the full name: ${near.message}`);
await rejects(() => instance.call("echoU8"), 5003); // camelCase is for `exports`, not `call`
await rejects(() => instance.call("my:types/echo@0.2.0#echo-u8"), 5003);
await rejects(() => instance.call("my:types/echo@0.1.0#"), 5003);
await rejects(() => instance.call(""), 5003);
await rejects(() => instance.call(7 as never), 5003, "must be a string");
await rejects(() => instance.callWith("nope", [], {}), 5003);
await rejects(() => instance.callWith("add", 1n as never, {}), 5007, "must be an array");

// ---- limits ------------------------------------------------------------------------------

check("getFuel without fuel is Infinity", await instance.getFuel(), Infinity);
await rejects(() => instance.setFuel(10), 5007);
check("a timeout per call", (await rejects(() => instance.callWith("my:types/echo#spin", [], { timeoutMs: 50 }), 5012)).code, 5012);
// The timed-out instance is poisoned.
await rejects(() => instance.call("add", 1n, 1n), 5002, "cannot be entered again");

const timed = await instantiateComponent(typesId, { timeoutMs: 50 });
check("a timed instance answers quick calls", await timed.call("add", 5n, 5n), 10n);
const started = Date.now();
await rejects(() => timed.call("my:types/echo@0.1.0#spin"), 5012);
assert(Date.now() - started < 5000, "the timeout interrupted spin promptly");
await rejects(() => timed.call("add", 1n, 1n), 5002, "cannot be entered again");

const fueled = await instantiateComponent(typesId, { fuel: 100_000 });
const before = await fueled.getFuel();
assert(typeof before === "number" && before > 0 && before <= 100_000, `fuel at start: ${before}`);
check("a call within the budget", await fueled.call("my:types/echo#sum-list", [1, 2, 3]), 6n);
const after = await fueled.getFuel();
assert(after < before, `the call used fuel (${before} -> ${after})`);
await fueled.setFuel(5_000_000);
check("setFuel sets it", await fueled.getFuel(), 5_000_000);
// A per-call budget: used up by spin, the call fails with 5011.
await rejects(() => fueled.callWith("my:types/echo#spin", [], { fuel: 10_000 }), 5011);
await rejects(() => fueled.call("add", 1n, 1n), 5002, "cannot be entered again");

const small = await instantiateComponent(typesId, { fuel: 50_000 });
await rejects(() => small.call("my:types/echo#spin"), 5011);
await rejects(() => small.call("my:types/echo#nothing"), 5002, "cannot be entered again");

// A per-call budget on an instance made without one is refused before the call.
const unfueled = await instantiateComponent(typesId);
await rejects(() => unfueled.callWith("my:types/echo#spin", [], { fuel: 1000 }), 5007);
check("the refusal did not poison it", await unfueled.call("add", 2n, 2n), 4n);
// A per-call timeout larger than needed does not get in the way.
check("callWith with a roomy timeout", await unfueled.callWith("add", [3n, 3n], { timeoutMs: 10_000 }), 6n);
await rejects(() => unfueled.callWith("add", [1n, 1n], { bogus: 1 } as never), 5007);
check("unknown call options did not poison it", await unfueled.call("add", 2n, 3n), 5n);

// ---- poisoning after a trap ---------------------------------------------------------------

const trapping = await instantiateComponent(typesId);
const bystander = await instantiateComponent(typesId);
check("before the trap", await trapping.call("add", 1n, 2n), 3n);
const trap = await rejects(() => trapping.exports.echo.trap(), 5002);
assert(/unreachable/i.test(trap.message), `the trap says why: ${trap.message}`);
assert(trap.message.includes("instantiate the component again"), `and what to do: ${trap.message}`);
const again = await rejects(() => trapping.call("add", 1n, 2n), 5002, "cannot be entered again");
assert(again.message.includes("\"add\""), `names the function: ${again.message}`);
await rejects(() => trapping.exports.greet("x"), 5002, "cannot be entered again");
await rejects(() => trapping.exports.echo.trap(), 5002, "cannot be entered again");
check("another instance of the same component is unaffected", await bystander.call("add", 40n, 2n), 42n);
check("and a fresh one works", await (await instantiateComponent(typesId)).exports.echo.echoU8(9), 9);
// An err result is not a failure.
await rejects(() => bystander.exports.echo.check(false), 5014);
check("usable after err", await bystander.exports.echo.echoU8(1), 1);
// A poisoned instance can still be dropped.
await trapping.drop();
await rejects(() => trapping.call("add", 1n, 2n), 5005);

// ---- calls in flight at once ------------------------------------------------------------------

const busy = await instantiateComponent(typesId);
const sums = await Promise.all(Array.from({ length: 50 }, (_, i) => busy.call("add", BigInt(i), 1n)));
check("50 concurrent calls, each its own answer", sums, Array.from({ length: 50 }, (_, i) => BigInt(i + 1)));
// Calls queued behind one that times out find the instance poisoned.
const settled = await Promise.allSettled([
  busy.callWith("my:types/echo#spin", [], { timeoutMs: 50 }),
  busy.call("add", 1n, 1n),
  busy.exports.echo.echoU8(1),
]);
check(
  "the queued calls after a timeout",
  settled.map((s) => (s.status === "rejected" ? (s.reason as { code: number }).code : "fulfilled")),
  [5012, 5002, 5002],
);
await busy.drop();

// ---- drop, await using ---------------------------------------------------------------------

const dropped = await instantiateComponent(typesId);
const f = dropped.exports.add;
await dropped.drop();
await rejects(() => dropped.call("add", 1n, 2n), 5005);
await rejects(() => f(1n, 2n), 5005);
await rejects(() => dropped.callWith("add", [1n, 2n], {}), 5005);
await rejects(() => dropped.getFuel(), 5005);
await rejects(() => dropped.drop(), 5005);
await dropped[Symbol.asyncDispose](); // after drop: nothing

let escaped: ComponentInstance;
{
  await using scoped = await instantiateComponent(typesId);
  check("inside await using", await scoped.call("add", 7n, 8n), 15n);
  escaped = scoped;
}
await rejects(() => escaped.call("add", 1n, 2n), 5005);

// ---- many live instances, each with its own state ------------------------------------------

const COUNT = 100;
const many = await Promise.all(Array.from({ length: COUNT }, () => instantiateComponent(pluginId)));
const counters = await Promise.all(many.map((p, i) => p.exports.api.Counter.create(i)));
const incs = await Promise.all(counters.map((c) => c.incr()));
check("each instance's counter is its own", incs, Array.from({ length: COUNT }, (_, i) => i + 1));
// Drop them all, concurrently.
await Promise.all(many.map((p) => p.drop()));
await rejects(() => counters[0].incr(), 5005);

await bystander.drop();
await unfueled.drop();
console.log(`component instances: ${count()} cases`);

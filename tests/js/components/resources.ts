// Resources of the `plugin` fixture (tests/components/README.md): the `counter` resource
// from its constructor and its static `zero`, its methods as async members, a `borrow`
// argument, drop (explicit, twice, by `using`), and what is refused with 5007 before the
// call: a dropped resource, another instance's resource, a value that is no resource.
// Also the `exports` object's shape and the plugin's other typed functions.
import { ComponentResource, compileFile, instantiateComponent } from "runtime:wasm";
import { assert, assertEquals, assertRejects } from "../_assert.ts";

const pluginId = await compileFile("tests/components/plugin.wasm");
const instance = await instantiateComponent(pluginId);
const API = "my:plugin/api@0.1.0";
let cases = 0;
const check = (what: string, actual: unknown, expected: unknown) => {
  assertEquals(actual, expected, what);
  cases++;
};

// ---- the exports object --------------------------------------------------------------

const exports = instance.exports;
check("top-level keys", Object.keys(exports).sort(), ["add", "api", "argc", "dropped", API].sort());
check("the interface by its short name is the same object", exports.api === exports[API], true);
check(
  "interface members",
  Object.keys(exports.api).sort(),
  ["Counter", "area", "check", "double", "echoBytes", "greet", "nextColor", "norm1", "sameChar", "toggle"].sort(),
);
check("Counter holds the constructor and the static", Object.keys(exports.api.Counter).sort(), ["create", "zero"]);
check("the object is frozen", Object.isFrozen(exports), true);
check("the same object each time", instance.exports === exports, true);
for (const f of [exports.add, exports.argc, exports.api.greet, exports.api.Counter.create, exports.api.Counter.zero]) {
  check("members are functions", typeof f, "function");
}
// Methods are not members of the interface: `incr` lives on the resource object.
check("no method at interface level", "incr" in exports.api || "incr" in exports.api.Counter, false);

// ---- constructor, methods, statics ------------------------------------------------------

const api = exports.api;
const counter = await api.Counter.create(10);
check("a counter is a ComponentResource", counter instanceof ComponentResource, true);
check("its class is named Counter", counter.constructor.name, "Counter");
check("incr from 10", await counter.incr(), 11);
check("incr again", await counter.incr(), 12);
check("methods are on the prototype, not own keys", Object.keys(counter), []);
check("the handle is not reachable as a property", JSON.stringify(counter), "{}");

const zero = await api.Counter.zero();
check("zero() starts at 0", await zero.incr(), 1);
check("zero is another Counter", zero.constructor === counter.constructor, true);

// add-from takes a borrow: the other counter is lent, not spent.
await zero.addFrom(counter); // 1 + 12
check("add-from added the other's count", await zero.incr(), 14);
check("the borrowed counter is unchanged and still usable", await counter.incr(), 13);
await counter.addFrom(counter); // borrowing itself: 13 + 13
check("add-from itself", await counter.incr(), 27);

// By name: the method with the resource as its first argument, and the unversioned name.
check("[method] by full name", await instance.call(`${API}#[method]counter.incr`, counter), 28);
check("[method] by unversioned name", await instance.call("my:plugin/api#[method]counter.incr", counter), 29);
const byName = await instance.call(`${API}#[constructor]counter`, 2 ** 32 - 1);
check("constructor by name; incr wraps at 2^32", await byName.incr(), 0);
const staticByName = await instance.call(`${API}#[static]counter.zero`);
check("static by name", await staticByName.incr(), 1);

// Wrong arguments to resource functions: 5007 naming the place.
await assertRejects(() => api.Counter.create(-1), 5007, "[constructor]counter(start)");
await assertRejects(() => api.Counter.create(), 5007, "takes 1 argument(s)");
await assertRejects(() => counter.incr(1), 5007, "takes 1 argument(s)");
await assertRejects(() => zero.addFrom(), 5007, "takes 2 argument(s)");
await assertRejects(() => instance.call(`${API}#[method]counter.incr`), 5007, "got 0");
cases += 5;

// ---- drop ----------------------------------------------------------------------------

const doomed = await api.Counter.create(5);
check("before drop", await doomed.incr(), 6);
check("drop returns nothing", doomed.drop(), undefined);
await assertRejects(() => doomed.incr(), 5007, "was dropped");
await assertRejects(() => zero.addFrom(doomed), 5007, "(other)");
await assertRejects(() => instance.call(`${API}#[method]counter.incr`, doomed), 5007, "dropped");
doomed.drop(); // twice: nothing
doomed[Symbol.dispose](); // and again by dispose
cases += 3;
check("other counters survive a drop", await zero.incr(), 15);

// `using`: dropped at the end of the scope, even when the scope throws.
let escaped: ComponentResource & { incr(): Promise<number> };
{
  using scoped = await api.Counter.create(100);
  check("inside the using scope", await scoped.incr(), 101);
  escaped = scoped;
}
await assertRejects(() => escaped.incr(), 5007, "dropped");
let thrown: unknown;
try {
  using scoped = await api.Counter.create(1);
  escaped = scoped;
  throw new Error("leave the scope");
} catch (error) {
  thrown = error;
}
check("the scope's error passes through", (thrown as Error).message, "leave the scope");
await assertRejects(() => escaped.incr(), 5007, "dropped");
cases += 2;

// ComponentResource.prototype.drop on something else is refused, not a crash.
const notMine = await assertRejects(async () => ComponentResource.prototype.drop.call({}), 5007, "not a resource");
assert(notMine.message.includes("drop"), "names drop");
await assertRejects(async () => new ComponentResource().drop(), 5007, "not a resource");
cases += 2;

// ---- resources of another instance, and non-resources ---------------------------------------

const other = await instantiateComponent(pluginId);
const foreign = await other.exports.api.Counter.create(50);
await assertRejects(() => zero.addFrom(foreign), 5007, "another component instance");
await assertRejects(() => instance.call(`${API}#[method]counter.incr`, foreign), 5007, "another component instance");
check("the foreign counter still works in its own instance", await foreign.incr(), 51);
// Calling a foreign resource's method runs it in its own instance, not this one.
check("the foreign counter's own incr", await other.call(`${API}#[method]counter.incr`, foreign), 52);
await other.drop();
await assertRejects(() => foreign.incr(), 5005);
cases += 3;

for (const [label, value] of [
  ["a number", 1],
  ["a plain object", { handle: 1 }],
  ["null", null],
  ["undefined", undefined],
  ["an array", [1]],
  ["a string", "counter"],
  ["an object with the prototype", Object.create(counter.constructor.prototype)],
] as [string, unknown][]) {
  const error = await assertRejects(() => zero.addFrom(value), 5007, "(other)");
  assert(error.message.includes("a resource object"), `${label}: ${error.message}`);
  await assertRejects(() => instance.call(`${API}#[method]counter.incr`, value), 5007, "a resource object");
  cases += 2;
}
check("zero is intact after the refusals", await zero.incr(), 16);

// ---- the plugin's other functions ----------------------------------------------------------

check("add", await exports.add(2n ** 64n - 1n, 1n), 0n);
check("greet", await api.greet("wit"), "hello, wit");
check("check ok", await api.check(21), 42);
const negative = await assertRejects(() => api.check(-1), 5014, "negative");
check("check err payload", negative.payload, "negative");
check("next-color", [await api.nextColor("red"), await api.nextColor("green"), await api.nextColor("blue")], [
  "green",
  "blue",
  "red",
]);
check("norm1", await api.norm1({ xCoord: -3, yCoord: 4 }), 7n);
// (-2^31 itself gives -1: the fixture's abs wraps in i32; see _bugs.md.)
check("norm1 near the s32 edges", await api.norm1({ xCoord: -(2 ** 31 - 1), yCoord: 2 ** 31 - 1 }), 2n ** 32n - 2n);
check("toggle", await api.toggle({ read: true }), { read: false, write: true, exec: true });
check("toggle of none", await api.toggle({}), { read: true, write: true, exec: true });
check("double some", await api.double(21), 42);
check("double wraps", await api.double(200), 144);
check("double none", await api.double(undefined), undefined);
check("area circle", await api.area({ tag: "circle", val: 1 }), 3.141590118408203);
check("area square", await api.area({ tag: "square", val: 3 }), 9);
check("area nothing", await api.area({ tag: "nothing" }), 0);
check("echo-bytes", await api.echoBytes(new Uint8Array([1, 2, 3])), new Uint8Array([1, 2, 3]));
check("same-char", await api.sameChar("𝄞"), "𝄞");
await assertRejects(() => api.norm1({ xCoord: 1 }), 5007, "norm1(p).yCoord: missing field");
await assertRejects(() => api.double(300), 5007, "double(x): 300 is out of range for u8 (0..=255)");
await assertRejects(() => api.nextColor("purple"), 5007, "next-color(c)");
await assertRejects(() => api.toggle({ read: "yes" }), 5007, "toggle(p).read");
cases += 4;

await instance.drop();
// Resources of a dropped instance: 5005, not a crash; drop of one does not throw.
await assertRejects(() => zero.incr(), 5005);
cases++;
console.log(`component resources: ${cases} cases`);

// ---- destructors: an explicit drop runs the guest's destructor once; a resource object
// that is collected without drop() is dropped too (FinalizationRegistry), off the JS thread.
{
  const owner = await instantiateComponent(await compileFile("tests/components/plugin.wasm"));
  // deno-lint-ignore no-explicit-any
  const ownerApi = owner.exports.api as any;
  const before = await owner.exports.dropped();
  const kept = await ownerApi.Counter.create(1);
  kept.drop();
  kept.drop();
  check("an explicit drop runs the destructor once", await owner.exports.dropped(), before + 1);
  // 200 counters whose objects go out of reach without drop().
  for (let i = 0; i < 200; i++) await ownerApi.Counter.create(i);
  // deno-lint-ignore no-explicit-any
  (globalThis as any).gc?.();
  let collected = 0;
  for (let tries = 0; tries < 100 && collected < 200; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    collected = (await owner.exports.dropped()) - before - 1;
  }
  check("collected resources are dropped", collected, 200);
  console.log(`collected and dropped: ${collected}`);
  await owner.drop();
}

// WASI 0.2 for components: the `command` fixture's `run()` resolves to its exit code
// (0 for ok, 1 for err) and writes its arguments to a piped stdout (the program name
// first); `args` reach the `plugin` fixture's `get-arguments`; a component that is no
// command is 5003 for `run()`; the WASI options are checked as they are for core modules
// (the same codes and messages for bad preopens and options).
import { compileFile, instantiate, instantiateComponent } from "runtime:wasm";
import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { caseCounter } from "./_cases.ts";

const { check, rejects, count } = caseCounter();

const commandId = await compileFile("tests/components/command.wasm");
const pluginId = await compileFile("tests/components/plugin.wasm");
const typesId = await compileFile("tests/components/types.wasm");
const HELLO = "hello from a component\n";
// The program name the guest sees first: the module's file name, as for core modules.
const PROGRAM = "command.wasm";

// ---- run() --------------------------------------------------------------------------------

const plain = await instantiateComponent(commandId, { stdout: "pipe", stderr: "pipe" });
check("run() without args exits 0", await plain.run(), 0);
check("it printed the greeting and the program name", await plain.stdout.text(), `${HELLO}${PROGRAM}\n`);
check("a read takes only what is new", await plain.stdout.text(), "");
check("nothing on stderr", await plain.stderr.text(), "");
// An ok return is not a failure: the instance runs again, and its output accumulates.
check("a second run", await plain.run({ timeoutMs: 10_000 }), 0);
check("a second run's output", await plain.stdout.text(), `${HELLO}${PROGRAM}\n`);

const withArgs = await instantiateComponent(commandId, { stdout: "pipe", args: ["a", "bb", "ünï 😀", "", "failx", "FAIL"] });
check("args that are not exactly \"fail\" exit 0", await withArgs.run(), 0);
check("every arg on its own line", await withArgs.stdout.text(), `${HELLO}${PROGRAM}\na\nbb\nünï 😀\n\nfailx\nFAIL\n`);

const failing = await instantiateComponent(commandId, { stdout: "pipe", args: ["before", "fail", "after"] });
check("an arg \"fail\" exits 1", await failing.run(), 1);
check("all args are still written", await failing.stdout.text(), `${HELLO}${PROGRAM}\nbefore\nfail\nafter\n`);
// An err from run is a normal return too.
check("running again still exits 1", await failing.run(), 1);

// `instantiate` works for a command as well, and `call` of run gives err as 5014.
const viaInstantiate = await instantiate(commandId, { stdout: "pipe", args: ["fail"] });
check("instantiate + run", await viaInstantiate.run(), 1);
const viaCall = await rejects(() => viaInstantiate.call("wasi:cli/run@0.2.0#run"), 5014, "(no payload)");
check("run's err has no payload", viaCall.payload, undefined);
const okCall = await instantiateComponent(commandId, { stdout: "pipe" });
check("call of run, unversioned, ok", await okCall.call("wasi:cli/run#run"), undefined);
check("call of run wrote", await okCall.stdout.text(), `${HELLO}${PROGRAM}\n`);

// Output that cannot be written: the write fails, run returns err (1), nothing crashes.
const closed = await instantiateComponent(commandId, { stdout: "closed" });
check("stdout closed: exit 1", await closed.run(), 1);
const discarded = await instantiateComponent(commandId, { stdout: "null", args: ["x"] });
check("stdout null: exit 0", await discarded.run(), 0);
await rejects(() => discarded.stdout.text(), 5010, "stdout: \"pipe\"");

// Not a command: 5003, naming wasi:cli/run.
const types = await instantiateComponent(typesId);
const notCommand = await rejects(() => types.run(), 5003);
assert(notCommand.message.includes("wasi:cli/run") || notCommand.message.includes("run"), notCommand.message);
const plugin = await instantiateComponent(pluginId);
await rejects(() => plugin.run(), 5003);
check("a failed run() did not poison it", await types.call("add", 1n, 2n), 3n);
await rejects(() => plain.run({ fuell: 1 } as never), 5007, "fuell");
await rejects(() => plain.run({ fuel: 100 }), 5007); // a fuel budget needs an instance made with one

// Fuel applies to components with WASI too: a tiny budget runs out inside run.
const starved = await instantiateComponent(commandId, { stdout: "pipe", fuel: 10 });
await rejects(() => starved.run(), 5011);
await rejects(() => starved.run(), 5002, "cannot be entered again");

// ---- args and env reach a WASI-importing component ------------------------------------------

check("argc without args: the program name", await plugin.exports.argc(), 1);
const three = await instantiateComponent(pluginId, { args: ["x", "y"], env: { A: "1", B: "ü" } });
check("argc with two args", await three.exports.argc(), 3);
const many = await instantiateComponent(pluginId, { args: Array.from({ length: 1000 }, (_, i) => `arg${i}`) });
check("argc with a thousand args", await many.call("argc"), 1001);

// ---- options checked as for core modules ---------------------------------------------------

const coreId = await compileFile("tests/fixtures/wasi_files.wasm");
const badOptions: [string, Record<string, unknown>, number, string][] = [
  ["a missing preopen directory", { preopens: { "/data": "./no-such-directory-for-components" } }, 5010, "cannot be opened"],
  ["a file as a preopen", { preopens: { "/data": "./Cargo.toml" } }, 5010, "not a directory"],
  ["a preopen outside the granted paths", { preopens: { "/data": "/etc" } }, 5009, "--allow-write"],
  ["a guest path with ..", { preopens: { "..": "./tests" } }, 5010, "`..`"],
  ["an empty guest path", { preopens: { "": "./tests" } }, 5010, "empty"],
  ["two names for one guest directory", { preopens: { ".": "./tests", "/": "./tests" } }, 5010, "the same guest directory"],
  ["a number as an env value", { env: { A: 1 } }, 5010, "invalid options"],
  ["a number as an arg", { args: [1] }, 5010, "invalid options"],
  ["an unknown stdout mode", { stdout: "file" }, 5010, "`file`"],
  ["inheritStdout with a piped stdout", { inheritStdout: true, stdout: "pipe" }, 5010, "conflicts"],
  ["options that are no object", 7 as never, 5010, "options"],
];
for (const [label, options, code, says] of badOptions) {
  const forModule = await rejects(() => instantiate(coreId, options), code, says);
  const forComponent = await rejects(() => instantiateComponent(commandId, options), code, says);
  assert(forComponent.message === forModule.message, `${label}: the component's message ${JSON.stringify(forComponent.message)} differs from the module's ${JSON.stringify(forModule.message)}`);
}

// A valid preopen is accepted (the fixtures import no filesystem; it is simply unused).
const preopened = await instantiateComponent(commandId, { stdout: "pipe", preopens: { "/d": "./tests" } });
check("run with a preopen", await preopened.run(), 0);
check("its output", await preopened.stdout.text(), `${HELLO}${PROGRAM}\n`);

for (const i of [plain, withArgs, failing, okCall, closed, discarded, types, plugin, three, many, preopened]) await i.drop();
await viaInstantiate.drop();
console.log(`component wasi: ${count()} cases`);

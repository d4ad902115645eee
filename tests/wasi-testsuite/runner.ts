// Runs the official WASI test suite through runtime:wasm, one instance per test, as
// `cargo xtask wasi-testsuite` prepares it: the first argument is a JSON plan listing each
// test's module (a preview 1 module or a WASI 0.3 command component: `instantiate`
// dispatches on the kind), args, env, the fresh copy of its root directory, its standard
// input, and what it must produce. Prints one PASS/FAIL line per test and
// `N passed, M failed` last. With a second argument, also writes each test's outcome there
// as JSON (`[{ name, passed, problems }]`) for xtask's per-group summary.
import { compileFile, instantiate, WasmError } from "runtime:wasm";

interface PlannedTest {
  name: string;
  wasm: string;
  args: string[];
  env: Record<string, string>;
  root: string | null;
  /** Everything the test writes to the guest's stdin, given up front; absent: empty. */
  stdin?: string | null;
  exitCode: number;
  stdout: string | null;
  stderr: string | null;
  /** Printed after the verdict: what the translation of the spec could not check. */
  note?: string | null;
}

const [planPath, resultsPath] = Deno.args;
if (!planPath) throw new Error("usage: runner.ts PLAN.json [RESULTS.json]");
const plan: PlannedTest[] = JSON.parse(new TextDecoder().decode(await Deno.readFile(planPath)));

function show(text: string): string {
  return JSON.stringify(text.length > 200 ? text.slice(0, 200) + "..." : text);
}

async function runOne(test: PlannedTest): Promise<string[]> {
  const problems: string[] = [];
  const moduleId = await compileFile(test.wasm);
  const instance = await instantiate(moduleId, {
    args: test.args,
    env: test.env,
    preopens: test.root === null ? {} : { "/": test.root },
    ...(test.stdin == null ? {} : { stdin: test.stdin }),
    stdout: "pipe",
    stderr: "pipe",
  });
  try {
    const exitCode = await instance.run({ timeoutMs: 60_000 });
    const stdout = await instance.stdout.text();
    const stderr = await instance.stderr.text();
    if (exitCode !== test.exitCode) problems.push(`exit code ${exitCode}, expected ${test.exitCode}`);
    // As the official runner: streams are compared only when the spec names them.
    if (test.stdout !== null && stdout !== test.stdout) {
      problems.push(`stdout ${show(stdout)}, expected ${show(test.stdout)}`);
    }
    if (test.stderr !== null && stderr !== test.stderr) {
      problems.push(`stderr ${show(stderr)}, expected ${show(test.stderr)}`);
    }
  } finally {
    await instance.drop();
  }
  return problems;
}

let passed = 0;
let failed = 0;
const results: { name: string; passed: boolean; problems: string }[] = [];
for (const test of plan) {
  let problems: string[];
  try {
    problems = await runOne(test);
  } catch (error) {
    const code = error instanceof WasmError ? ` [${error.code} ${error.name}]` : "";
    problems = [`threw${code}: ${(error as Error).message.split("\n")[0]}`];
  }
  const note = test.note ? ` (${test.note})` : "";
  if (problems.length === 0) {
    passed++;
    console.log(`PASS ${test.name}${note}`);
  } else {
    failed++;
    console.log(`FAIL ${test.name}: ${problems.join("; ")}${note}`);
  }
  results.push({ name: test.name, passed: problems.length === 0, problems: problems.join("; ") });
}
console.log(`${passed} passed, ${failed} failed`);
if (resultsPath) await Deno.writeTextFile(resultsPath, JSON.stringify(results));
if (failed > 0) Deno.exit(1);

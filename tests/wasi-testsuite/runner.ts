// Runs the official WASI test suite (preview 1) through runtime:wasm, one instance per
// test, as `cargo xtask wasi-testsuite` prepares it: the first argument is a JSON plan
// listing each test's module, args, env, the fresh copy of its root directory, and what
// it must produce. Prints one PASS/FAIL line per test and `N passed, M failed` last.
import { compileFile, instantiate, WasmError } from "runtime:wasm";

interface PlannedTest {
  name: string;
  wasm: string;
  args: string[];
  env: Record<string, string>;
  root: string | null;
  exitCode: number;
  stdout: string | null;
  stderr: string | null;
}

const planPath = Deno.args[0];
if (!planPath) throw new Error("usage: runner.ts PLAN.json");
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
for (const test of plan) {
  let problems: string[];
  try {
    problems = await runOne(test);
  } catch (error) {
    const code = error instanceof WasmError ? ` [${error.code} ${error.name}]` : "";
    problems = [`threw${code}: ${(error as Error).message.split("\n")[0]}`];
  }
  if (problems.length === 0) {
    passed++;
    console.log(`PASS ${test.name}`);
  } else {
    failed++;
    console.log(`FAIL ${test.name}: ${problems.join("; ")}`);
  }
}
console.log(`${passed} passed, ${failed} failed`);
if (failed > 0) Deno.exit(1);

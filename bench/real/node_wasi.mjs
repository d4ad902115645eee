// The Node peer of the real-program section of `cargo xtask bench` (--only=real): the
// same programs under `node:wasi` (preview1). V8 compiles lazily, so compile_ms is
// WebAssembly.compile's own time (not comparable with an eager compile).
//   node node_wasi.mjs python  WASM LIB SOURCE UNIT SAMPLES UNITS
//   node node_wasi.mjs command WASM STDIN ARGV SAMPLES UNITS
// Prints one JSON object on stdout.
import { WASI } from "node:wasi";
import fs from "node:fs";
import path from "node:path";

const [kind, wasmPath] = process.argv.slice(2);
const units = Number(process.argv.at(-1));
const samples = Number(process.argv.at(-2));
const out = { node: process.version };
let t = performance.now();
const module = await WebAssembly.compile(fs.readFileSync(wasmPath));
out.compile_ms = performance.now() - t;

function measure(unit) {
  unit();
  const ms = [];
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    for (let j = 0; j < units; j++) unit();
    ms.push((performance.now() - start) / units);
  }
  const s = [...ms].sort((x, y) => x - y);
  const n = s.length;
  return { median_ms: n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2, min_ms: s[0], samples_ms: ms };
}

if (kind === "python") {
  const [lib, sourceFile, code] = process.argv.slice(4, 7);
  const wasi = new WASI({ version: "preview1", args: ["python"], preopens: { "/usr/local/lib": lib } });
  const instance = await WebAssembly.instantiate(module, {
    ...wasi.getImportObject(),
    host: { call: () => -1 },
  });
  wasi.initialize(instance);
  const ex = instance.exports;
  const encoder = new TextEncoder();
  const turn = (text) => {
    const bytes = encoder.encode(text);
    const ptr = ex.host_alloc(bytes.length);
    new Uint8Array(ex.memory.buffer, ptr, bytes.length).set(bytes);
    const status = ex.turn(ptr, bytes.length);
    if (status !== 0) throw new Error(`turn returned ${status}`);
  };
  turn(fs.readFileSync(sourceFile, "utf8"));
  out.unit = measure(() => turn(code));
} else {
  const [stdin, argv] = process.argv.slice(4, 6);
  const devnull = fs.openSync("/dev/null", "w");
  let exit;
  out.unit = measure(() => {
    const fd = fs.openSync(stdin, "r");
    const wasi = new WASI({
      version: "preview1",
      args: [path.basename(wasmPath), ...argv.split(",").filter((x) => x)],
      stdin: fd,
      stdout: devnull,
      returnOnExit: true,
    });
    const instance = new WebAssembly.Instance(module, wasi.getImportObject());
    exit = wasi.start(instance);
    fs.closeSync(fd);
  });
  out.unit.exit_code = exit;
}
console.log(JSON.stringify(out));

// Figure 3 of `cargo xtask bench`: compile of a ~2 MB real module. xtask runs this script
// in several fresh processes:
//   mode=cold  a module whose bytes no process has compiled before (xtask appends a
//              unique custom section): the cold compile, then an in-process compile of
//              a copy of the same bytes (duplicate)
//   mode=hit   the same bytes again in a new process: an on-disk cache hit when the
//              runtime has a cache, else another cold compile
//   mode=cache-off  a cold compile in a process started with the host's cache switched off
import * as wasm from "runtime:wasm";
import { args, emit, now, progress } from "./_lib.ts";

const a = args();
const file = a.file;
const mode = a.mode ?? "cold";
const bytes = await Deno.readFile(file);

// deno-lint-ignore no-explicit-any
const out: any = { mode, file, module_bytes: bytes.length };
progress(`compile (${mode}): await compile(${(bytes.length / 1e6).toFixed(2)} MB)`);
let t = now();
const first = await wasm.compile(bytes);
out.first_ms = now() - t;
if (mode === "cold") {
  const copy = bytes.slice();
  t = now();
  const second = await wasm.compile(copy);
  out.duplicate_ms = now() - t;
  await wasm.dropModule(second);
}
await wasm.dropModule(first);
emit(out);

// A WASI command-line tool (C, built with wasi-libc: tests/fixtures/relative_open.c)
// run in a sandbox: it sees one directory, read-only, as its working directory, and
// its output is captured instead of printed. It prints each named file's first line.
// Run it with `cargo xtask run examples/sandboxed_tool.ts`.
import { compileFile, instantiate } from "runtime:wasm";

const moduleId = await compileFile("examples/tool/first_line.wasm");
const tool = await instantiate(moduleId, {
  args: ["notes.txt", "../../README.md", ">new.txt"],
  preopens: { ".": { path: "examples/tool/data", readonly: true } },
  stdout: "pipe",
});
const exitCode = await tool.run();
console.log("exit code:", exitCode);
console.log((await tool.stdout.text()).trimEnd());
await tool.drop();

// Relative guest paths in preopens, with a real C program (tests/fixtures/relative_open.c,
// built with clang and wasi-libc) that opens files by relative path: `fopen("input.v")`.
// wasi-libc resolves such a path against the preopen named `.` (or `/`: the guest's
// working directory is `/`), and a name like `data` or `./data` is the same directory
// as `/data`; the longest matching name wins. Names that are empty, hold a NUL or a
// `..`, or that spell one directory twice are refused with 5010.
// expect-stdout: relative preopens ok
import { compileFile, instantiate } from "runtime:wasm";
import { assertEquals, assertRejects } from "../_assert.ts";

const base = "tests/.tmp/relative_preopens";
await Deno.remove(base, { recursive: true }).catch(() => {});
await Deno.mkdir(`${base}/work/sub`, { recursive: true });
await Deno.mkdir(`${base}/data`, { recursive: true });
await Deno.writeTextFile(`${base}/outside.txt`, "outside the preopens\n");
await Deno.writeTextFile(`${base}/work/input.v`, "module top;\n");
await Deno.writeTextFile(`${base}/work/sub/nested.txt`, "nested in work\n");
await Deno.writeTextFile(`${base}/data/x.txt`, "x from data\n");
const moduleId = await compileFile("tests/fixtures/relative_open.wasm");

/** Run the program with these preopens and arguments: its exit code and stdout lines. */
async function run(preopens: Record<string, string | { path: string; readonly?: boolean }>, args: string[]) {
  const instance = await instantiate(moduleId, { preopens, args, stdout: "pipe" });
  const exit = await instance.run();
  return { exit, lines: (await instance.stdout.text()).trimEnd().split("\n") };
}

// `.` as in Wasmtime's `--dir .`: relative paths, `./` paths and absolute paths all
// reach it; writes land in the host directory; nothing climbs out of it (Wasmtime says
// EPERM to a path that leaves its preopen).
const dot = await run({ ".": `./${base}/work` }, [
  "input.v",
  "./input.v",
  "/input.v",
  "sub/nested.txt",
  ">out.txt",
  "../outside.txt",
  "/../outside.txt",
  "missing.txt",
]);
assertEquals(dot.lines, [
  "input.v: module top;",
  "./input.v: module top;",
  "/input.v: module top;",
  "sub/nested.txt: nested in work",
  ">out.txt: ok",
  "../outside.txt: error EPERM",
  "/../outside.txt: error EPERM",
  "missing.txt: error ENOENT",
]);
assertEquals(dot.exit, 3);
assertEquals(await Deno.readTextFile(`${base}/work/out.txt`), "written by relative_open\n");

// A relative name beside `.`: `data/x.txt` and `/data/x.txt` go to the longer match, the
// `data` preopen, however its name is spelled; being read-only, it refuses the write.
// `./data/x.txt` is wasi-libc's own corner: a program that does not link `chdir` (this
// one) strips only leading `/` from the paths it opens, so `./data/...` matches just the
// root preopen `.` and looks for work/data/x.txt: ENOENT, exactly as under Wasmtime's
// `--dir`. (Linking `chdir` makes wasi-libc drop the `./` first.)
for (const name of ["data", "./data", "/data", "data/"]) {
  const both = await run({ ".": `./${base}/work`, [name]: { path: `./${base}/data`, readonly: true } }, [
    "data/x.txt",
    "./data/x.txt",
    "/data/x.txt",
    "input.v",
    ">data/new.txt",
  ]);
  assertEquals(both.lines, [
    "data/x.txt: x from data",
    "./data/x.txt: error ENOENT",
    "/data/x.txt: x from data",
    "input.v: module top;",
    ">data/new.txt: error EPERM",
  ], `preopen named ${JSON.stringify(name)}`);
  assertEquals(both.exit, 2, `preopen named ${JSON.stringify(name)}`);
}

// `data` alone: relative paths under it resolve; others match no preopen, which this
// wasi-libc reports as ENOTCAPABLE (newer ones say ENOENT) without asking the host.
const dataOnly = await run({ data: `./${base}/data` }, ["data/x.txt", "input.v"]);
assertEquals(dataOnly.lines, ["data/x.txt: x from data", "input.v: error ENOTCAPABLE"]);

// Ambiguous or hostile names: 5010, naming the problem.
const dir = `./${base}/work`;
for (const [guest, says] of [
  ["", "empty"],
  ["a\0b", "NUL"],
  ["..", "`..`"],
  ["../work", "`..`"],
  ["./data/../..", "`..`"],
  ["/a/../../etc", "`..`"],
  ["a//b", "component"],
]) {
  await assertRejects(() => instantiate(moduleId, { preopens: { [guest]: dir } }), 5010, says);
}
for (const names of [[".", "/"], ["data", "/data"], ["./data", "data/"]]) {
  const preopens = Object.fromEntries(names.map((n) => [n, dir]));
  await assertRejects(() => instantiate(moduleId, { preopens }), 5010, "the same guest directory");
}
console.log("relative preopens ok");

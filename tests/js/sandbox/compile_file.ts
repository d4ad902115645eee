// compileFile and the permission policy: files outside the working directory are 5009 with
// the flag that would grant them in the message (whatever the path spelling); inside, a
// missing file, a directory or a non-path is 5008; a file inside compiles.
import * as wasm from "runtime:wasm";
import { assertEquals, assertRejects } from "../_assert.ts";

for (const path of [
  "/etc/hostname",
  "/etc/passwd",
  "/proc/self/mem",
  "/",
  "tests/../../../../../../etc/hostname",
  "./tests/fixtures/../../../../../../../etc/passwd",
  "//etc//hostname",
]) {
  await assertRejects(() => wasm.compileFile(path), 5009, "--allow-read=");
}
const outside = await assertRejects(() => wasm.compileFile("/etc/hostname"), 5009);
assertEquals(outside.name, "PermissionDenied");

await assertRejects(() => wasm.compileFile("tests/fixtures/does-not-exist.wasm"), 5008);
await assertRejects(() => wasm.compileFile("tests/.tmp/no-such-dir/a.wasm"), 5008);
await assertRejects(() => wasm.compileFile("tests/fixtures"), 5008);
await assertRejects(() => wasm.compileFile(""), 5008);
await assertRejects(() => wasm.compileFile("tests/fixtures/\0traps.wasm"), 5008);
for (const notPath of [null, undefined, 42, {}, ["tests/fixtures/traps.wasm"]]) {
  await assertRejects(() => wasm.compileFile(notPath as string), 5008);
}
// A file that exists but is not a module: 5000.
await assertRejects(() => wasm.compileFile("README.md"), 5000);

// Inside, through `..` that stays inside: compiles.
const moduleId = await wasm.compileFile("tests/fixtures/../../examples/add.wasm");
const instance = await wasm.instantiate(moduleId);
assertEquals(await instance.call("add", 2, 3), [5]);

// Paths outside the granted directories are refused with 5009 before anything reveals
// whether they exist, also when they do not exist and climb out with `..`. (Regression
// test: a missing path used to be checked as cwd.join(path) without resolving `..`, so
// "/cwd/../x" passed as inside the cwd, and 5008/5010 vs 5009 told whether x existed.)
import * as wasm from "runtime:wasm";
import { assertRejects } from "../_assert.ts";

const moduleId = await wasm.compile(`(module)`);
await Deno.mkdir("tests/.tmp/x", { recursive: true });

// Missing targets outside the working directory: 5009, like existing ones.
for (const path of [
  "../definitely-missing-ext-wasm.wasm",
  "tests/../../definitely-missing-ext-wasm.wasm",
  "./tests/.tmp/no-such-dir/../../../../definitely-missing-ext-wasm.wasm",
]) {
  await assertRejects(() => wasm.compileFile(path), 5009, "--allow-read");
}
for (const path of [
  "../definitely-missing-ext-wasm-dir",
  "./tests/.tmp/x/../../../../definitely-missing-ext-wasm-dir",
  "./tests/.tmp/no-such-dir/../../../..",
]) {
  await assertRejects(() => wasm.instantiate(moduleId, { preopens: { "/data": path } }), 5009, "--allow-write");
  await assertRejects(
    () => wasm.instantiate(moduleId, { preopens: { "/data": { path, readonly: true } } }),
    5009,
    "--allow-read",
  );
}
// The same answer whether or not the target exists (here /etc/hostname exists).
await assertRejects(() => wasm.compileFile("../../../../../../etc/hostname"), 5009);
await assertRejects(() => wasm.compileFile("../../../../../../etc/definitely-missing-ext-wasm"), 5009);

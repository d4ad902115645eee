// Escapes: a preopen whose host path uses `..` to resolve outside the working directory is
// refused (5009) whatever its access; the host root and system directories are refused; a
// missing host directory is 5010; and from inside a preopen the guest cannot open `..`,
// absolute paths or anything that climbs out (an errno, never a success). Symlinks are
// covered by host/tests/policy.rs (scripts cannot create them).
import * as wasm from "runtime:wasm";
import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { Guest, listing, sandboxModule, scratch } from "./_guest.ts";

const dir = await scratch("escape");
await Deno.mkdir(`${dir}/box/sub`, { recursive: true });
await Deno.writeTextFile(`${dir}/outside.txt`, "outside\n");
await Deno.writeTextFile(`${dir}/box/inside.txt`, "inside\n");
await Deno.mkdir("tests/.tmp/x", { recursive: true });
const moduleId = await sandboxModule();

// `..` out of the working directory (tests/.tmp/x/../../../.. is the cwd's parent).
const climbs = [
  "./tests/.tmp/x/../../../..",
  `./${dir}/box/../../../../..`,
  `./${dir}/box/sub/../../../../../../..`,
  "..",
  "../..",
];
for (const path of climbs) {
  await assertRejects(() => wasm.instantiate(moduleId, { preopens: { "/data": path } }), 5009, "--allow-write");
  await assertRejects(
    () => wasm.instantiate(moduleId, { preopens: { "/data": { path, readonly: true } } }),
    5009,
    "--allow-read",
  );
}
// The host root and directories outside the working directory.
for (const path of ["/", "/etc", "/tmp", "/proc/self", "/root", "//", "/./etc/../"]) {
  await assertRejects(() => wasm.instantiate(moduleId, { preopens: { "/data": path } }), 5009);
  await assertRejects(() => wasm.instantiate(moduleId, { preopens: { "/data": { path, readonly: true } } }), 5009);
}
// `..` that stays inside is fine.
const inside = await wasm.instantiate(moduleId, { preopens: { "/data": `./${dir}/box/sub/..` } });
assertEquals(await new Guest(inside).read(3, "inside.txt"), "inside\n");
await inside.drop();

// Missing or unusable host directories inside the working directory: 5010.
await assertRejects(() => wasm.instantiate(moduleId, { preopens: { "/data": `./${dir}/missing` } }), 5010);
await assertRejects(
  () => wasm.instantiate(moduleId, { preopens: { "/data": { path: `./${dir}/missing`, readonly: true } } }),
  5010,
);
await assertRejects(() => wasm.instantiate(moduleId, { preopens: { "/data": `./${dir}/outside.txt` } }), 5010);
// Guest names: relative ones like `data` are fine (tests/js/wasi/relative_preopens.ts), a
// `..` or an empty one is not.
await assertRejects(() => wasm.instantiate(moduleId, { preopens: { "../data": `./${dir}/box` } }), 5010, "`..`");
await assertRejects(() => wasm.instantiate(moduleId, { preopens: { "": `./${dir}/box` } }), 5010);

// From inside a preopen the guest cannot get out.
const guest = new Guest(await wasm.instantiate(moduleId, { preopens: { "/data": `./${dir}/box` } }));
const escapes = [
  "../outside.txt",
  "sub/../../outside.txt",
  "./../outside.txt",
  "/etc/hostname",
  "/data/../outside.txt",
  "../../../../../../../../etc/hostname",
];
for (const path of escapes) {
  const read = await guest.read(3, path);
  assert(typeof read === "number" && read !== 0, `read ${path}: expected an errno, got ${JSON.stringify(read)}`);
  assert((await guest.write(3, path, "escaped\n")) !== 0, `write ${path}: expected an errno`);
  assert((await guest.unlink(3, path)) !== 0, `unlink ${path}: expected an errno`);
}
for (const path of ["..", "../..", "sub/../..", "/", "/etc"]) {
  assert((await guest.opendir(3, path)) !== 0, `opendir ${path}: expected an errno`);
  assert((await guest.mkdir(3, `${path}/made`)) !== 0, `mkdir ${path}/made: expected an errno`);
}
// Descriptors that are not preopens.
for (const fd of [0, 1, 2, 4, 100]) {
  assert(typeof (await guest.read(fd, "inside.txt")) === "number", `read through fd ${fd}`);
}
// Nothing outside changed.
assertEquals(await Deno.readTextFile(`${dir}/outside.txt`), "outside\n");
assertEquals(await listing(dir), ["box", "outside.txt"]);
assertEquals(await listing(`${dir}/box`), ["inside.txt", "sub"]);

// A read-only preopen: the guest reads what is there, and every attempt to create, change
// or delete anything fails inside the guest with a WASI errno; the host files are untouched.
import * as wasm from "runtime:wasm";
import { assert, assertEquals } from "../_assert.ts";
import { Guest, listing, sandboxModule, scratch } from "./_guest.ts";

const dir = await scratch("readonly");
await Deno.mkdir(`${dir}/sub`);
await Deno.writeTextFile(`${dir}/existing.txt`, "original\n");
await Deno.writeTextFile(`${dir}/sub/inner.txt`, "inner\n");
const before = await listing(dir);

const guest = new Guest(
  await wasm.instantiate(await sandboxModule(), { preopens: { "/data": { path: `./${dir}`, readonly: true } } }),
);

// Reading works.
assertEquals(await guest.read(3, "existing.txt"), "original\n");
assertEquals(await guest.read(3, "sub/inner.txt"), "inner\n");
assertEquals(await guest.read(3, "sub/../existing.txt"), "original\n", "`..` that stays inside");
assertEquals(await guest.opendir(3, "sub"), 0);

// Every write is an errno, never a success.
const attempts: [string, () => Promise<number>][] = [
  ["overwrite an existing file", () => guest.write(3, "existing.txt", "overwritten\n")],
  ["create a new file", () => guest.write(3, "new.txt", "new\n")],
  ["create a file in a subdirectory", () => guest.write(3, "sub/new.txt", "new\n")],
  ["create a directory", () => guest.mkdir(3, "newdir")],
  ["delete a file", () => guest.unlink(3, "existing.txt")],
  ["delete a file in a subdirectory", () => guest.unlink(3, "sub/inner.txt")],
];
for (const [what, attempt] of attempts) {
  const errno = await attempt();
  assert(errno !== 0, `${what}: expected a WASI errno, got success`);
}

// The same through tests/fixtures/wasi_files.wasm: create_file returns the errno.
const files = await wasm.instantiate(await wasm.compileFile("tests/fixtures/wasi_files.wasm"), {
  preopens: { "/data": { path: `./${dir}`, readonly: true } },
});
const name = new TextEncoder().encode("existing.txt");
await files.memory.write(50000, name);
const [errno] = await files.call("create_file", 50000, name.length);
assert(errno !== 0, "wasi_files create_file in a read-only preopen: expected an errno");

// The host sees nothing changed.
assertEquals(await Deno.readTextFile(`${dir}/existing.txt`), "original\n");
assertEquals(await Deno.readTextFile(`${dir}/sub/inner.txt`), "inner\n");
assertEquals(await listing(dir), before);
assertEquals(await listing(`${dir}/sub`), ["inner.txt"]);

// Read-only and writable preopens side by side: fd 3 read-only, fd 4 writable.
const out = await scratch("readonly_out");
const both = new Guest(
  await wasm.instantiate(await sandboxModule(), {
    preopens: { "/in": { path: `./${dir}`, readonly: true }, "/out": { path: `./${out}`, readonly: false } },
  }),
);
const text = await both.read(3, "existing.txt");
assertEquals(text, "original\n");
assertEquals(await both.write(4, "copy.txt", `${text}copied\n`), 0);
assertEquals(await Deno.readTextFile(`${out}/copy.txt`), "original\ncopied\n");
assert((await both.write(3, "copy.txt", "x")) !== 0, "the read-only side stays read-only");
assertEquals(await listing(dir), before);

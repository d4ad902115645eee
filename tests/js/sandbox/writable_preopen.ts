// A writable preopen (a plain path, or `readonly: false`): the guest creates, reads,
// overwrites and deletes files and directories, and the host sees exactly that.
import * as wasm from "runtime:wasm";
import { assertEquals } from "../_assert.ts";
import { Guest, listing, sandboxModule, scratch } from "./_guest.ts";

const dir = await scratch("writable");
for (const preopen of [`./${dir}`, { path: `./${dir}`, readonly: false }]) {
  await Deno.remove(dir, { recursive: true });
  await Deno.mkdir(dir, { recursive: true });
  const guest = new Guest(await wasm.instantiate(await sandboxModule(), { preopens: { "/data": preopen } }));

  assertEquals(await guest.write(3, "hello.txt", "hello from the guest\n"), 0);
  assertEquals(await Deno.readTextFile(`${dir}/hello.txt`), "hello from the guest\n");
  assertEquals(await guest.read(3, "hello.txt"), "hello from the guest\n");

  assertEquals(await guest.write(3, "hello.txt", "again\n"), 0, "truncate and overwrite");
  assertEquals(await Deno.readTextFile(`${dir}/hello.txt`), "again\n");

  assertEquals(await guest.mkdir(3, "nested"), 0);
  assertEquals(await guest.write(3, "nested/deep.txt", "deep\n"), 0);
  assertEquals(await Deno.readTextFile(`${dir}/nested/deep.txt`), "deep\n");

  // Files the host writes are visible to the guest.
  await Deno.writeTextFile(`${dir}/from-host.txt`, "from the host\n");
  assertEquals(await guest.read(3, "from-host.txt"), "from the host\n");

  assertEquals(await guest.unlink(3, "hello.txt"), 0);
  assertEquals(await listing(dir), ["from-host.txt", "nested"]);
  assertEquals(await guest.read(3, "hello.txt"), 44, "ENOENT after the delete");
  await guest.instance.drop();
}

// wasi_files.wasm's create_file works in a writable preopen (errno 0).
const files = await wasm.instantiate(await wasm.compileFile("tests/fixtures/wasi_files.wasm"), {
  preopens: { "/data": `./${dir}` },
});
const name = new TextEncoder().encode("created.txt");
await files.memory.write(50000, name);
assertEquals(await files.call("create_file", 50000, name.length), [0]);
assertEquals(await Deno.readTextFile(`${dir}/created.txt`), "created\n");

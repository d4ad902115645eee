// Calls into different instances run in parallel: instance A waits (bounded, 20 s) for a
// file that only instance B's call creates. If calls were serialised globally, A would
// time out and return -1.
import { compileFile, instantiate } from "runtime:wasm";
import { assert, assertEquals } from "../_assert.ts";

const dir = "tests/.tmp/parallel_instances";
await Deno.remove(dir, { recursive: true }).catch(() => {});
await Deno.mkdir(dir, { recursive: true });
const moduleId = await compileFile("tests/fixtures/wasi_files.wasm");
const options = { preopens: { "/shared": `./${dir}` } };
const [a, b] = await Promise.all([instantiate(moduleId, options), instantiate(moduleId, options)]);
const path = new TextEncoder().encode("flag");
await a.memory.write(50000, path);
await b.memory.write(50000, path);

const waiting = a.call("wait_for_file", 50000, path.length, 20000);
// Give A a head start so that it is really waiting when B runs.
await new Promise((r) => setTimeout(r, 50));
const [created] = await b.call("create_file", 50000, path.length);
assertEquals(created, 0, "B created the file");
const [polls] = await waiting;
assert(polls >= 0, `A saw the file (polls: ${polls}); -1 means calls were serialised`);
assertEquals(new TextDecoder().decode(await Deno.readFile(`${dir}/flag`)), "created\n");

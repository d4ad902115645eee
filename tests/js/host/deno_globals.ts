// args: alpha --beta
// Deno.args, Deno.readFile/writeFile/readDir and timers work as the seed's examples use them.
import { assert, assertEquals } from "../_assert.ts";

assertEquals(Deno.args, ["alpha", "--beta"]);

const dir = "tests/.tmp/deno_globals";
await Deno.remove(dir, { recursive: true }).catch(() => {});
await Deno.mkdir(dir, { recursive: true });
await Deno.writeFile(`${dir}/probe.bin`, new Uint8Array([1, 2, 3]));
assertEquals(Array.from(await Deno.readFile(`${dir}/probe.bin`)), [1, 2, 3]);
await Deno.remove(dir, { recursive: true });

// Outside the granted tree: refused.
let refused = false;
await Deno.readFile("/etc/hostname").catch((e) => (refused = /allow-read/.test(e.message)));
assert(refused, "reading /etc/hostname without --allow-read is refused");

const bytes = await Deno.readFile("examples/add.wasm");
assertEquals(Array.from(bytes.slice(0, 4)), [0, 0x61, 0x73, 0x6d]);

const names = (await Array.fromAsync(Deno.readDir("examples"))).map((e) => e.name);
assert(names.includes("add.wat"), `readDir lists add.wat: ${names}`);

let fired = 0;
const interval = setInterval(() => fired++, 1);
await new Promise((resolve) => setTimeout(resolve, 30));
clearInterval(interval);
assert(fired >= 2, `interval fired ${fired} times`);

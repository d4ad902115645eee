// A plugin calling back into the app: a sync host function that reads plugin memory, and
// an async one (a key-value lookup backed by a file) that suspends the wasm call until
// its promise settles, while the event loop goes on.
// Run it with `cargo xtask run examples/kv_plugin.ts`.
import { compile, instantiate } from "runtime:wasm";

const moduleId = await compile(await Deno.readFile("examples/kv_plugin.wat"));
const plugin = await instantiate(moduleId, {
  imports: {
    app: {
      // `this` is the caller: its memory is readable while the host function runs.
      log(ptr: number, len: number) {
        console.log("plugin says:", new TextDecoder().decode(this.memory.read(ptr, len)));
      },
    },
    kv: {
      async get(id: number) {
        const table = JSON.parse(new TextDecoder().decode(await Deno.readFile("examples/prices.json")));
        const price = table[String(id)] ?? 0;
        console.log(`kv.get(${id}) -> ${price}`);
        return price;
      },
    },
  },
});

const [total] = await plugin.call("total", 1, 2, 3);
console.log("Total:", total); // 1525

await plugin.drop();

// One text plugin, hosted two ways: as a core module, where the host speaks the plugin's
// memory ABI by hand, and as a component, where it calls a typed WIT function. The guest
// code is the same (examples/components/shout.wat); the component wraps it with its WIT
// interface (shout.wit):
//
//   shout: func(text: string) -> result<string, string>;
//
// Run it with `cargo xtask run examples/text_plugin.ts`.
import { compile, compileFile, instantiate, instantiateComponent, WasmError } from "runtime:wasm";
// The component's declarations, as `forge-wasm types examples/components/shout.wasm` prints them.
import type { Exports } from "./components/shout.d.ts";

// ---- as a core module: allocate, write, call, read the result area, read the text ----
const core = await instantiate(await compile(await Deno.readFile("examples/components/shout.wat")));
const SHOUT = "example:text/transform@0.1.0#shout";

async function shoutCore(text: string): Promise<string> {
  const bytes = new TextEncoder().encode(text);
  const [ptr] = await core.call("cabi_realloc", 0, 0, 1, bytes.length);
  await core.memory.write(ptr as number, bytes);
  const [area] = await core.call(SHOUT, ptr, bytes.length);
  const view = new DataView((await core.memory.read(area as number, 12)).buffer);
  const [status, outPtr, outLen] = [view.getUint8(0), view.getUint32(4, true), view.getUint32(8, true)];
  const out = new TextDecoder().decode(await core.memory.read(outPtr, outLen));
  if (status !== 0) throw new Error(out);
  return out;
}

// ---- as a component: one typed call --------------------------------------------------
const component = await instantiateComponent(await compileFile("examples/components/shout.wasm"));
const { transform } = component.exports as Exports;

for (const text of ["hello, plugins", ""]) {
  for (const [how, shout] of [["core module", shoutCore], ["component", transform.shout]] as const) {
    try {
      console.log(`${how}: ${JSON.stringify(await shout(text))}`);
    } catch (error) {
      // The component's `err` arrives as a WasmError 5014 whose payload is the err value.
      const why = error instanceof WasmError ? `${error.name} (${error.code}), payload ${JSON.stringify(error.payload)}` : `${error}`;
      console.log(`${how}: failed: ${why}`);
    }
  }
}
await core.drop();
await component.drop();

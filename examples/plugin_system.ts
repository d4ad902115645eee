// The seed's plugin system: every module in a directory is a plugin with a `transform`
// export. Each is compiled, given its own sandboxed instance with limits, called, and
// dropped; a failing plugin is reported and does not stop the others.
// Run it with `cargo xtask run examples/plugin_system.ts`.
import { compile, dropModule, instantiate, WasmError } from "runtime:wasm";

const dir = "examples/plugins";
const names: string[] = [];
for await (const entry of Deno.readDir(dir)) {
  if (entry.isFile && entry.name.endsWith(".wat")) names.push(entry.name);
}
names.sort();

for (const name of names) {
  const moduleId = await compile(await Deno.readFile(`${dir}/${name}`));
  const plugin = await instantiate(moduleId, { fuel: 1_000_000, timeoutMs: 1000, maxMemoryBytes: 1 << 20 });
  const results: string[] = [];
  for (const input of [2, 3]) {
    try {
      const [output] = await plugin.call("transform", input);
      results.push(`${input} -> ${output}`);
    } catch (error) {
      if (!(error instanceof WasmError)) throw error;
      results.push(`${input} -> ${error.name} (${error.code})`);
    }
  }
  console.log(`${name}: ${results.join(", ")}`);
  await plugin.drop();
  await dropModule(moduleId);
}

// Seed "Plugin System": compile every .wasm in a plugins directory, instantiate each with
// a data preopen, call execute(taskId).
import { compileFile, instantiate, type Instance } from "runtime:wasm";
import { assertEquals } from "../_assert.ts";

const base = "tests/.tmp/plugin_system";
await Deno.remove(base, { recursive: true }).catch(() => {});
await Deno.mkdir(`${base}/plugins`, { recursive: true });
await Deno.mkdir(`${base}/plugin-data`, { recursive: true });
for (const name of ["alpha.wasm", "beta.wasm"]) {
  await Deno.writeFile(`${base}/plugins/${name}`, await Deno.readFile("tests/fixtures/process.wasm"));
}
await Deno.writeFile(`${base}/plugins/README.txt`, new TextEncoder().encode("not a plugin"));

const pluginFiles = await Array.fromAsync(Deno.readDir(`${base}/plugins`));
const plugins: { name: string; instance: Instance }[] = [];
for (const file of pluginFiles.filter((f) => f.name.endsWith(".wasm"))) {
  const moduleId = await compileFile(`${base}/plugins/${file.name}`);
  const instance = await instantiate(moduleId, { preopens: { "/data": `./${base}/plugin-data` } });
  plugins.push({ name: file.name, instance });
}
assertEquals(plugins.map((p) => p.name).sort(), ["alpha.wasm", "beta.wasm"]);

const taskId = 7;
for (const plugin of plugins) {
  const [result] = await plugin.instance.call("execute", taskId);
  console.log(`Plugin ${plugin.name} result:`, result);
  assertEquals(result, 1007);
}

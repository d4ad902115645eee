// Seed "Instance Creation": basic, and with WASI configuration (preopen, env, args,
// inheritStdout). The WASI program's _start dumps its args and env into the preopen.
// expect-stdout: hello from wasi
import { compileFile, instantiate } from "runtime:wasm";
import { assert, assertEquals } from "../_assert.ts";

const moduleId = await compileFile("tests/fixtures/wasi_files.wasm");
const instance = await instantiate(moduleId);
assertEquals(await instance.call("args_count"), [1], "argv[0] only");

const dir = "tests/.tmp/instance_creation/app-data";
await Deno.remove("tests/.tmp/instance_creation", { recursive: true }).catch(() => {});
await Deno.mkdir(dir, { recursive: true });
const instance2 = await instantiate(moduleId, {
  preopens: { "/data": `./${dir}` },
  env: { "LOG_LEVEL": "debug" },
  args: ["--verbose"],
  inheritStdout: true,
});
await instance2.call("_start");
const dump = new TextDecoder().decode(await Deno.readFile(`${dir}/out.txt`));
const parts = dump.split("\0");
assert(parts.includes("--verbose"), `args reached the program: ${JSON.stringify(parts)}`);
assert(parts.includes("LOG_LEVEL=debug"), `env reached the program: ${JSON.stringify(parts)}`);
assertEquals(await instance2.call("env_count"), [1]);
await instance.drop();
await instance2.drop();

// Seed "WASI Configuration": several preopens, env, args, stdio inheritance.
// expect-stdout: hello from wasi
import { compileFile, instantiate } from "runtime:wasm";
import { assert, assertEquals } from "../_assert.ts";

const base = "tests/.tmp/wasi_configuration";
await Deno.remove(base, { recursive: true }).catch(() => {});
for (const d of ["app-data", "config", "temp-storage"]) await Deno.mkdir(`${base}/${d}`, { recursive: true });
const moduleId = await compileFile("tests/fixtures/wasi_files.wasm");

// Directory preopens: the first preopen is the program's fd 3, where it writes.
const instance = await instantiate(moduleId, {
  preopens: {
    "/data": `./${base}/app-data`,
    "/config": `./${base}/config`,
    "/tmp": `./${base}/temp-storage`,
  },
  env: {
    "DATABASE_URL": "sqlite:///data/app.db",
    "API_KEY": "secret-key-here",
    "LOG_LEVEL": "debug",
  },
  args: ["--verbose", "--port", "3000", "--workers", "4"],
  inheritStdin: false,
  inheritStdout: true,
  inheritStderr: true,
});
assertEquals(await instance.call("env_count"), [3]);
assertEquals(await instance.call("args_count"), [6]);
await instance.call("_start");
const dump = new TextDecoder().decode(await Deno.readFile(`${base}/app-data/out.txt`)).split("\0");
for (const want of ["--port", "3000", "--workers", "4", "API_KEY=secret-key-here", "DATABASE_URL=sqlite:///data/app.db"]) {
  assert(dump.includes(want), `${want} in ${JSON.stringify(dump)}`);
}

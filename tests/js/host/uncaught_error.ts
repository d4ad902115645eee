// expect-exit: 1
// expect-stderr: error: Uncaught ExportNotFound
// expect-stderr: code: 5003
// An uncaught WasmError ends the script with its name, code and message on stderr.
import * as wasm from "runtime:wasm";
const instance = await wasm.instantiate(await wasm.compile(`(module)`));
await instance.call("nonexistent");

// The Quick Start of runtime:wasm: compile, instantiate, call, clean up.
// Run it with `cargo xtask run examples/quickstart.ts`.
import * as wasm from "runtime:wasm";

// Compile WASM module
const wasmBytes: Uint8Array = await Deno.readFile("examples/add.wasm");
const moduleId = await wasm.compile(wasmBytes);

// Create instance
const instance = await wasm.instantiate(moduleId);

// Call exported function
const [result] = await instance.call("add", 10, 32);
console.log("Result:", result); // 42

// Cleanup
await instance.drop();
await wasm.dropModule(moduleId);

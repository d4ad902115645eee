// TypeScript declarations of the component "command.wasm" for runtime:wasm (generated).

export interface WasiCliRun {
  /** @throws {WasmError} code 5014 (ErrorResult) with `payload` of type undefined */
  run(): Promise<void>;
}

export interface Exports {
  "wasi:cli/run@0.2.0": WasiCliRun;
  run: WasiCliRun;
}

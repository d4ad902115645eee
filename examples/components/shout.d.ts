// TypeScript declarations of the component "shout.wasm" for runtime:wasm (generated).

export interface ExampleTextTransform {
  /** @throws {WasmError} code 5014 (ErrorResult) with `payload` of type string */
  shout(text: string): Promise<string>;
}

export interface Exports {
  "example:text/transform@0.1.0": ExampleTextTransform;
  transform: ExampleTextTransform;
}

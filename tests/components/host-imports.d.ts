// TypeScript declarations of the component "host-imports.wasm" for runtime:wasm (generated).

export interface Exports {
  runIt(x: number): Promise<string>;
}

export interface Imports {
  "my:host/api@0.1.0": {
    log(msg: string): void | Promise<void>;
    add(a: number, b: number): number | Promise<number>;
    fetch(key: string): string | undefined | Promise<string | undefined>;
  };
}

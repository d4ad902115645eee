// TypeScript declarations of the component "plugin.wasm" for runtime:wasm (generated).

export interface Point {
  xCoord: number;
  yCoord: number;
}

export type Color = "red" | "green" | "blue";

export interface Perms {
  read?: boolean;
  write?: boolean;
  exec?: boolean;
}

export type Shape =
  | { tag: "circle"; val: number }
  | { tag: "square"; val: number }
  | { tag: "nothing" };

export interface Counter {
  incr(): Promise<number>;
  addFrom(other: Counter): Promise<void>;
  drop(): void;
  [Symbol.dispose](): void;
}

export interface MyPluginApi {
  greet(name: string): Promise<string>;
  /** @throws {WasmError} code 5014 (ErrorResult) with `payload` of type string */
  check(n: number): Promise<number>;
  nextColor(c: Color): Promise<Color>;
  norm1(p: Point): Promise<bigint>;
  toggle(p: Perms): Promise<Perms>;
  double(x: number | undefined): Promise<number | undefined>;
  area(s: Shape): Promise<number>;
  echoBytes(b: Uint8Array): Promise<Uint8Array>;
  sameChar(c: string): Promise<string>;
  Counter: {
    create(start: number): Promise<Counter>;
    zero(): Promise<Counter>;
  };
}

export interface Exports {
  add(a: bigint, b: bigint): Promise<bigint>;
  argc(): Promise<number>;
  dropped(): Promise<number>;
  "my:plugin/api@0.1.0": MyPluginApi;
  api: MyPluginApi;
}

// TypeScript declarations of the component "types.wasm" for runtime:wasm (generated).

export interface Point {
  xCoord: number;
  yCoord: number;
}

export interface Bag {
  name: string;
  maybe: number | undefined;
  items: number[];
}

export type Shape =
  | { tag: "circle"; val: number }
  | { tag: "square"; val: number }
  | { tag: "nothing" };

export type Color = "red" | "green" | "blue";

export interface Perms {
  read?: boolean;
  write?: boolean;
  exec?: boolean;
}

export interface Outcome {
  id: number;
  res: { tag: "ok"; val: number } | { tag: "err"; val: string };
}

export interface MyTypesEcho {
  echoBool(x: boolean): Promise<boolean>;
  echoS8(x: number): Promise<number>;
  echoU8(x: number): Promise<number>;
  echoS16(x: number): Promise<number>;
  echoU16(x: number): Promise<number>;
  echoS32(x: number): Promise<number>;
  echoU32(x: number): Promise<number>;
  echoS64(x: bigint): Promise<bigint>;
  echoU64(x: bigint): Promise<bigint>;
  echoF32(x: number): Promise<number>;
  echoF64(x: number): Promise<number>;
  echoChar(x: string): Promise<string>;
  echoString(x: string): Promise<string>;
  echoBytes(x: Uint8Array): Promise<Uint8Array>;
  echoStrings(x: string[]): Promise<string[]>;
  echoPoints(x: Point[]): Promise<Point[]>;
  echoPoint(x: Point): Promise<Point>;
  echoBag(x: Bag): Promise<Bag>;
  echoTuple(x: [number, string]): Promise<[number, string]>;
  echoShape(x: Shape): Promise<Shape>;
  echoColor(x: Color): Promise<Color>;
  echoPerms(x: Perms): Promise<Perms>;
  echoOptU32(x: number | undefined): Promise<number | undefined>;
  echoOptOpt(x: { tag: "some"; val: string } | { tag: "none" } | undefined): Promise<{ tag: "some"; val: string } | { tag: "none" } | undefined>;
  echoOptPoint(x: Point | undefined): Promise<Point | undefined>;
  echoOutcome(x: Outcome): Promise<Outcome>;
  echoPairs(x: [string, number][]): Promise<[string, number][]>;
  /** @throws {WasmError} code 5014 (ErrorResult) with `payload` of type string */
  parse(s: string): Promise<number>;
  /** @throws {WasmError} code 5014 (ErrorResult) with `payload` of type string */
  check(ok: boolean): Promise<void>;
  sum17(a1: number, a2: number, a3: number, a4: number, a5: number, a6: number, a7: number, a8: number, a9: number, a10: number, a11: number, a12: number, a13: number, a14: number, a15: number, a16: number, a17: number): Promise<number>;
  nothing(): Promise<void>;
  trap(): Promise<void>;
  spin(): Promise<void>;
  sumList(xs: number[]): Promise<bigint>;
  greet(name: string): Promise<string>;
}

export interface Exports {
  add(a: bigint, b: bigint): Promise<bigint>;
  greet(name: string): Promise<string>;
  "my:types/echo@0.1.0": MyTypesEcho;
  echo: MyTypesEcho;
}

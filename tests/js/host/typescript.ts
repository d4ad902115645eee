// expect-stdout: box of 3: 7
// TypeScript is transpiled by a real parser: interfaces, generics, type-only imports,
// enums and parameter properties all run.
import { assertEquals } from "../_assert.ts";
import type { ExportInfo } from "runtime:wasm";

interface Shape {
  area(): number;
}
class Square implements Shape {
  constructor(private readonly side: number) {}
  area(): number {
    return this.side * this.side;
  }
}
enum Color {
  Red,
  Green = 7,
}
function first<T extends { length: number }>(items: T[]): T | undefined {
  return items[0];
}
const box = <T,>(value: T): { value: T } => ({ value });
const exports: ExportInfo[] = [];
assertEquals(new Square(3).area(), 9);
assertEquals(first(["abc", "d"]), "abc");
assertEquals(exports.length, 0);
console.log(`box of ${box(3).value}:`, Color.Green);

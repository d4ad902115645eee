// Assertions for scenarios. Each failure throws an Error whose message says what differed.
import { WasmError } from "runtime:wasm";

export function assert(condition: unknown, message = "assertion failed"): asserts condition {
  if (!condition) throw new Error(message);
}

function show(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "number" && Object.is(value, -0)) return "-0";
  if (value instanceof Uint8Array) return `Uint8Array [${Array.from(value).join(", ")}]`;
  try {
    return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? `${v}n` : v)) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Deep equality; numbers compare with Object.is (so NaN equals NaN and -0 differs from 0). */
export function equal(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    return x.length === y.length && x.every((v, i) => v === y[i]);
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export function assertEquals<T>(actual: T, expected: T, message?: string): void {
  if (!equal(actual, expected)) {
    throw new Error(`${message ? message + ": " : ""}expected ${show(expected)}, got ${show(actual)}`);
  }
}

/** Awaits `fn`, expects a WasmError (with `code` when given) and returns it. */
export async function assertRejects(fn: () => Promise<unknown>, code?: number, includes?: string): Promise<WasmError> {
  let caught: unknown;
  try {
    await fn();
  } catch (error) {
    caught = error;
  }
  if (caught === undefined) throw new Error(`expected a rejection${code ? ` with code ${code}` : ""}, but it resolved`);
  if (!(caught instanceof WasmError)) throw new Error(`expected a WasmError, got ${show(caught)} (${String(caught)})`);
  if (code !== undefined && caught.code !== code) {
    throw new Error(`expected code ${code}, got ${caught.code} (${caught.name}: ${caught.message})`);
  }
  if (includes !== undefined && !caught.message.includes(includes)) {
    throw new Error(`expected the message to include ${show(includes)}, got ${show(caught.message)}`);
  }
  return caught;
}

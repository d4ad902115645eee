// Assertions for scenarios. Each failure prints a line `FAIL: <message>` on stderr and
// throws an Error whose message says what differed. The scenario runner fails a script that
// prints that marker even when it exits 0, so a failure swallowed by a `catch` still counts.
import { WasmError } from "runtime:wasm";

/** The line prefix the scenario runner treats as a failure (host/tests/js_scenarios.rs). */
export const FAIL_MARKER = "FAIL:";

/** Failures that `assertFails` expects are thrown but not reported. */
let expectedFailures = 0;

/** Report a failure to the runner and throw it. */
export function fail(message: string): never {
  if (expectedFailures === 0) console.error(`${FAIL_MARKER} ${message}`);
  throw new Error(message);
}

/**
 * Runs `fn`, which must fail an assertion of this module, and returns the failure's message.
 * For scenarios that check the assertions themselves: the expected failure is not reported.
 */
export function assertFails(fn: () => void, what: string): string {
  expectedFailures++;
  let message: string | undefined;
  try {
    fn();
  } catch (error) {
    message = error instanceof Error ? error.message : String(error);
  } finally {
    expectedFailures--;
  }
  if (message === undefined) fail(`${what}: expected the assertion to fail, but it passed`);
  return message;
}

/** `assertFails` for an async `fn`; run nothing else that asserts until it settles. */
export async function assertFailsAsync(fn: () => Promise<unknown>, what: string): Promise<string> {
  expectedFailures++;
  let message: string | undefined;
  try {
    await fn();
  } catch (error) {
    message = error instanceof Error ? error.message : String(error);
  } finally {
    expectedFailures--;
  }
  if (message === undefined) fail(`${what}: expected the assertion to fail, but it passed`);
  return message;
}

export function assert(condition: unknown, message = "assertion failed"): asserts condition {
  if (!condition) fail(message);
}

function show(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "number" && Object.is(value, -0)) return "-0";
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const items = Array.from(value as unknown as ArrayLike<number | bigint>, show);
    return `${value.constructor.name} [${items.join(", ")}]`;
  }
  if (value instanceof Map) return `Map {${Array.from(value, ([k, v]) => `${show(k)} => ${show(v)}`).join(", ")}}`;
  if (value instanceof Set) return `Set {${Array.from(value, show).join(", ")}}`;
  try {
    return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? `${v}n` : v)) ?? String(value);
  } catch {
    return String(value);
  }
}

function bytes(value: ArrayBufferView | ArrayBuffer): Uint8Array {
  return ArrayBuffer.isView(value)
    ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
    : new Uint8Array(value);
}

/**
 * Deep equality; numbers compare with Object.is (so NaN equals NaN and -0 differs from 0).
 * Both values must have the same prototype. Typed arrays, DataViews and ArrayBuffers
 * compare their bytes; Maps compare their keys (as the Map itself finds them) and the
 * values deeply; Sets match every member of one to a deeply equal, distinct member of the
 * other; Dates compare their time; other objects their own enumerable keys.
 */
export function equal(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (ArrayBuffer.isView(a) || a instanceof ArrayBuffer) {
    const x = bytes(a);
    const y = bytes(b as ArrayBufferView | ArrayBuffer);
    return x.length === y.length && x.every((v, i) => v === y[i]);
  }
  if (a instanceof Map) {
    const other = b as Map<unknown, unknown>;
    if (a.size !== other.size) return false;
    for (const [key, value] of a) {
      if (!other.has(key) || !equal(value, other.get(key))) return false;
    }
    return true;
  }
  if (a instanceof Set) {
    const rest = Array.from(b as Set<unknown>);
    if (a.size !== rest.length) return false;
    // Deep equality is an equivalence, so taking the first match never blocks a later one.
    for (const member of a) {
      const i = rest.findIndex((candidate) => equal(member, candidate));
      if (i < 0) return false;
      rest.splice(i, 1);
    }
    return true;
  }
  if (a instanceof Date) return Object.is(a.getTime(), (b as Date).getTime());
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every(
    (k) => Object.hasOwn(b, k) && equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  );
}

export function assertEquals<T>(actual: T, expected: T, message?: string): void {
  if (!equal(actual, expected)) {
    fail(`${message ? message + ": " : ""}expected ${show(expected)}, got ${show(actual)}`);
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
  if (caught === undefined) fail(`expected a rejection${code ? ` with code ${code}` : ""}, but it resolved`);
  if (!(caught instanceof WasmError)) fail(`expected a WasmError, got ${show(caught)} (${String(caught)})`);
  if (code !== undefined && caught.code !== code) {
    fail(`expected code ${code}, got ${caught.code} (${caught.name}: ${caught.message})`);
  }
  if (includes !== undefined && !caught.message.includes(includes)) {
    fail(`expected the message to include ${show(includes)}, got ${show(caught.message)}`);
  }
  return caught;
}

// The globals the forge-wasm host gives scripts (and the seed's examples use): the few
// `Deno.*` calls, `console`, timers, text encoding and `Array.fromAsync`. Hand-written; the
// module itself is declared in generated/types/runtime-wasm.d.ts.

declare namespace Deno {
  /** A directory entry from `Deno.readDir`. */
  interface DirEntry {
    name: string;
    isFile: boolean;
    isDirectory: boolean;
    isSymlink: boolean;
  }

  /** The script's arguments (after the script path). */
  const args: string[];
  /** Read a whole file; needs read permission for the path. */
  function readFile(path: string): Promise<Uint8Array<ArrayBuffer>>;
  /** Write (create or truncate) a file; needs write permission for the path. */
  function writeFile(path: string, data: Uint8Array): Promise<void>;
  /** List a directory; needs read permission for the path. */
  function readDir(path: string): AsyncIterable<DirEntry>;
  /** Create a directory; needs write permission for the path. */
  function mkdir(path: string, options?: { recursive?: boolean }): Promise<void>;
  /** Remove a file or directory; needs write permission for the path. */
  function remove(path: string, options?: { recursive?: boolean }): Promise<void>;
  /** Read a whole file as UTF-8 text. */
  function readTextFile(path: string): Promise<string>;
  /** Write text as UTF-8 (create or truncate). */
  function writeTextFile(path: string, text: string): Promise<void>;
  /** End the process now with this exit code (default 0). */
  function exit(code?: number): never;
}

interface ImportMeta {
  /** The URL of the running module. */
  url: string;
}

declare var console: {
  log(...data: unknown[]): void;
  info(...data: unknown[]): void;
  warn(...data: unknown[]): void;
  error(...data: unknown[]): void;
  debug(...data: unknown[]): void;
};

declare function setTimeout(callback: (...args: any[]) => void, delay?: number, ...args: any[]): number;
declare function setInterval(callback: (...args: any[]) => void, delay?: number, ...args: any[]): number;
declare function clearTimeout(id?: number): void;
declare function clearInterval(id?: number): void;
declare function queueMicrotask(callback: () => void): void;

declare class TextEncoder {
  readonly encoding: string;
  encode(input?: string): Uint8Array;
}

declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  readonly encoding: string;
  decode(input?: ArrayBuffer | ArrayBufferView, options?: { stream?: boolean }): string;
}

interface ArrayConstructor {
  /** Collect an async (or sync) iterable into an array (ES2024; declared here for lib ES2022). */
  fromAsync<T>(iterable: AsyncIterable<T> | Iterable<T | PromiseLike<T>>): Promise<T[]>;
}

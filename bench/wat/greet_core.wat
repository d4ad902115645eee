;; The core-module peer of the component-call figure of `cargo xtask bench`: `greet` of
;; tests/components/types.wasm ("hello, " + name) the way a plugin host calls a core
;; module, with the host moving the bytes itself:
;;
;;   malloc(len) -> ptr        a block of `len` bytes (8-aligned), memory grown as needed
;;   greet(ptr, len) -> area   "hello, " + the `len` bytes at `ptr`, in a fresh block; the
;;                             address of 8 bytes holding that block's (ptr, len), as two
;;                             little-endian u32
;;   free(ptr)                 releases `ptr` and everything allocated after it (a stack
;;                             allocator: freeing the input frees greet's result too)
;;
;; Runner: `bench/js/component.ts` (malloc, memory.write, greet, read the 8 bytes, read the
;; result, free, one round per call).
(module
  (memory (export "memory") 1)
  ;; 16..23: the (ptr, len) greet returns; 64: "hello, "; the heap from 1024 up.
  (global $top (mut i32) (i32.const 1024))
  (data (i32.const 64) "hello, ")

  (func $malloc (export "malloc") (param $len i32) (result i32)
    (local $p i32) (local $end i32) (local $have i32)
    (local.set $p (i32.and (i32.add (global.get $top) (i32.const 7)) (i32.const -8)))
    (local.set $end (i32.add (local.get $p) (local.get $len)))
    (local.set $have (i32.shl (memory.size) (i32.const 16)))
    (if (i32.gt_u (local.get $end) (local.get $have))
      (then
        (if (i32.eq (memory.grow (i32.shr_u (i32.add (i32.sub (local.get $end) (local.get $have)) (i32.const 65535))
                                            (i32.const 16)))
                    (i32.const -1))
          (then unreachable))))
    (global.set $top (local.get $end))
    (local.get $p))

  (func (export "free") (param $ptr i32)
    (if (i32.lt_u (local.get $ptr) (global.get $top))
      (then (global.set $top (select (local.get $ptr) (i32.const 1024) (i32.ge_u (local.get $ptr) (i32.const 1024)))))))

  (func (export "greet") (param $ptr i32) (param $len i32) (result i32)
    (local $new i32)
    (local.set $new (call $malloc (i32.add (local.get $len) (i32.const 7))))
    (memory.copy (local.get $new) (i32.const 64) (i32.const 7))
    (memory.copy (i32.add (local.get $new) (i32.const 7)) (local.get $ptr) (local.get $len))
    (i32.store (i32.const 16) (local.get $new))
    (i32.store offset=4 (i32.const 16) (i32.add (local.get $len) (i32.const 7)))
    (i32.const 16)))

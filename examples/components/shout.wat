;; The guest of examples/text_plugin.ts: one core module, used two ways. As a core module,
;; its host speaks its ABI by hand (allocate, write, call, read the result area, read the
;; text). Wrapped as a component (shout.wit, `cargo xtask components`), the same code is
;; called as `shout(text) -> result<string, string>`: the canonical ABI below is what the
;; component model's lifting and lowering speak, so the host passes and gets strings.
(module
  (memory (export "memory") 1)
  ;; Bump allocator: the next free byte. Nothing is freed (each call is short-lived).
  (global $heap (mut i32) (i32.const 1024))
  (data (i32.const 64) "empty text")

  ;; cabi_realloc(old, old_size, align, size) -> ptr: a new block of `size` bytes.
  (func $alloc (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $p i32)
    ;; Align up to 8.
    (local.set $p (i32.and (i32.add (global.get $heap) (i32.const 7)) (i32.const -8)))
    (global.set $heap (i32.add (local.get $p) (local.get 3)))
    ;; Grow the memory when the block runs past it.
    (if (i32.gt_u (global.get $heap) (i32.shl (memory.size) (i32.const 16)))
      (then (drop (memory.grow (i32.add (i32.shr_u (i32.sub (global.get $heap) (i32.shl (memory.size) (i32.const 16))) (i32.const 16)) (i32.const 1))))))
    (local.get $p))

  ;; shout(ptr, len) -> the address of a 12-byte result area:
  ;;   byte 0: 0 ok / 1 err; bytes 4..8: the text's address; bytes 8..12: its length.
  (func (export "example:text/transform@0.1.0#shout") (param $ptr i32) (param $len i32) (result i32)
    (local $out i32) (local $i i32) (local $c i32)
    (if (i32.eqz (local.get $len))
      (then
        (i32.store8 (i32.const 16) (i32.const 1))
        (i32.store (i32.const 20) (i32.const 64))
        (i32.store (i32.const 24) (i32.const 10))
        (return (i32.const 16))))
    (local.set $out (call $alloc (i32.const 0) (i32.const 0) (i32.const 1) (local.get $len)))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (local.set $c (i32.load8_u (i32.add (local.get $ptr) (local.get $i))))
        ;; a-z -> A-Z
        (if (i32.and (i32.ge_u (local.get $c) (i32.const 97)) (i32.le_u (local.get $c) (i32.const 122)))
          (then (local.set $c (i32.sub (local.get $c) (i32.const 32)))))
        (i32.store8 (i32.add (local.get $out) (local.get $i)) (local.get $c))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each)))
    (i32.store8 (i32.const 16) (i32.const 0))
    (i32.store (i32.const 20) (local.get $out))
    (i32.store (i32.const 24) (local.get $len))
    (i32.const 16))
)

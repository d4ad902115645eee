;; The compute kernel of `cargo xtask bench`: FNV-1a (32-bit) over a byte range of linear
;; memory, plus a deterministic data generator so every runner (raw Wasmtime, runtime:wasm,
;; Node) hashes the same bytes without transferring them.
;;
;;   fill(ptr, len, seed)   writes `len` bytes (a multiple of 4) of xorshift32 output at ptr
;;   fnv1a(ptr, len) -> h   FNV-1a 32-bit hash of memory[ptr .. ptr+len)
;;
;; The hash loop is unrolled by four bytes (the usual shape a compiler emits); a tail loop
;; takes the remaining 0-3 bytes. The memory is 256 pages (16 MiB) and may grow.
(module
  (memory (export "memory") 256)

  (func (export "fill") (param $ptr i32) (param $len i32) (param $seed i32)
    (local $end i32)
    (local $x i32)
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    ;; xorshift32 must not start at 0
    (local.set $x (i32.or (local.get $seed) (i32.const 1)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
        (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 13))))
        (local.set $x (i32.xor (local.get $x) (i32.shr_u (local.get $x) (i32.const 17))))
        (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 5))))
        (i32.store (local.get $ptr) (local.get $x))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 4)))
        (br $next))))

  (func (export "fnv1a") (param $ptr i32) (param $len i32) (result i32)
    (local $end i32)
    (local $end4 i32)
    (local $h i32)
    (local.set $h (i32.const 0x811c9dc5))
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    (local.set $end4 (i32.add (local.get $ptr) (i32.and (local.get $len) (i32.const -4))))
    ;; four bytes per iteration
    (block $done4
      (loop $next4
        (br_if $done4 (i32.ge_u (local.get $ptr) (local.get $end4)))
        (local.set $h (i32.mul (i32.xor (local.get $h) (i32.load8_u offset=0 (local.get $ptr))) (i32.const 0x01000193)))
        (local.set $h (i32.mul (i32.xor (local.get $h) (i32.load8_u offset=1 (local.get $ptr))) (i32.const 0x01000193)))
        (local.set $h (i32.mul (i32.xor (local.get $h) (i32.load8_u offset=2 (local.get $ptr))) (i32.const 0x01000193)))
        (local.set $h (i32.mul (i32.xor (local.get $h) (i32.load8_u offset=3 (local.get $ptr))) (i32.const 0x01000193)))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 4)))
        (br $next4)))
    ;; the tail
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
        (local.set $h (i32.mul (i32.xor (local.get $h) (i32.load8_u (local.get $ptr))) (i32.const 0x01000193)))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
        (br $next)))
    (local.get $h)))

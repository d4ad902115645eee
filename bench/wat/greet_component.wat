;; A component of the component-call figure of `cargo xtask bench`: `greet: func(name:
;; string) -> string` ("hello, " + name), as in tests/components/types.wasm, but whose core
;; module frees: `cabi_post_greet` (the canonical ABI's post-return, run after the host has
;; read the result) releases the argument and the result. The fixture never frees, so every
;; call of it writes to fresh memory the instance grows (memory.grow and page faults), a
;; cost of the fixture rather than of the call; this component shows the call without it.
;;
;; Runners: `bench/js/component.ts`, `bench-raw component-greet`, `bench/node/component.mjs`
;; (transpiled by jco).
(component
  (core module $m
    (memory (export "memory") 1)
    ;; 16..23: the return area; 64: "hello, "; the heap from 1024 up, reset by post-return.
    (global $top (mut i32) (i32.const 1024))
    (data (i32.const 64) "hello, ")

    (func $alloc (param $align i32) (param $size i32) (result i32)
      (local $p i32) (local $end i32) (local $have i32)
      (local.set $p (i32.and (i32.add (global.get $top) (i32.sub (local.get $align) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get $align))))
      (local.set $end (i32.add (local.get $p) (local.get $size)))
      (local.set $have (i32.shl (memory.size) (i32.const 16)))
      (if (i32.gt_u (local.get $end) (local.get $have))
        (then
          (if (i32.eq (memory.grow (i32.shr_u (i32.add (i32.sub (local.get $end) (local.get $have)) (i32.const 65535))
                                              (i32.const 16)))
                      (i32.const -1))
            (then unreachable))))
      (global.set $top (local.get $end))
      (local.get $p))

    (func (export "cabi_realloc") (param $old i32) (param $old_size i32) (param $align i32) (param $size i32) (result i32)
      (local $p i32)
      (local.set $p (call $alloc (local.get $align) (local.get $size)))
      (if (local.get $old_size)
        (then (memory.copy (local.get $p) (local.get $old)
                           (select (local.get $old_size) (local.get $size) (i32.lt_u (local.get $old_size) (local.get $size))))))
      (local.get $p))

    (func (export "greet") (param $ptr i32) (param $len i32) (result i32)
      (local $new i32)
      (local.set $new (call $alloc (i32.const 1) (i32.add (local.get $len) (i32.const 7))))
      (memory.copy (local.get $new) (i32.const 64) (i32.const 7))
      (memory.copy (i32.add (local.get $new) (i32.const 7)) (local.get $ptr) (local.get $len))
      (i32.store (i32.const 16) (local.get $new))
      (i32.store offset=4 (i32.const 16) (i32.add (local.get $len) (i32.const 7)))
      (i32.const 16))

    ;; Post-return of greet: everything the call allocated (argument and result) is free.
    (func (export "cabi_post_greet") (param i32)
      (global.set $top (i32.const 1024))))
  (core instance $i (instantiate $m))
  (alias core export $i "memory" (core memory $memory))
  (alias core export $i "cabi_realloc" (core func $realloc))
  (func (export "greet") (param "name" string) (result string)
    (canon lift (core func $i "greet") (memory $memory) (realloc $realloc) string-encoding=utf8
      (post-return (core func $i "cabi_post_greet")))))

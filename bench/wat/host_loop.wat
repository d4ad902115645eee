;; The host-call module of `cargo xtask bench`: one export that calls an imported
;; function N times in a loop, so that one call from JS makes N calls back into the host.
;;
;;   (import "env" "inc" (func (param i32) (result i32)))   served by the host: x + 1
;;   loop(n) -> x                                          x = inc(x), n times from 0;
;;                                                         returns n when inc adds one
;;
;; Runners: runtime:wasm (`bench/js/host.ts`, sync and async `inc`), Node (a JS import)
;; and Deno (a JS import, and an async one through JSPI).
(module
  (import "env" "inc" (func $inc (param i32) (result i32)))
  (func (export "loop") (param $n i32) (result i32)
    (local $x i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $x (call $inc (local.get $x)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $x)))

;; Core module behind host-imports.wit, canonical ABI by hand, with wit-component's names.
;; Memory: 0..7 run-it's return area; 16..27 fetch's result; 32..47 decimal digits;
;; 64.. constant strings; heap from 1024.
(module
  ;; log: string -> (): params (ptr, len), no results.
  (import "my:host/api@0.1.0" "log" (func $log (param i32 i32)))
  ;; add: (u32, u32) -> u32: two i32 params, one i32 result.
  (import "my:host/api@0.1.0" "add" (func $add (param i32 i32) (result i32)))
  ;; fetch: string -> option<string>: params (ptr, len); the result flattens to three values,
  ;; so a third param points where the host writes it: disc (u8) 0, (ptr, len) at 4 and 8,
  ;; the string in memory the host got from cabi_realloc.
  (import "my:host/api@0.1.0" "fetch" (func $fetch (param i32 i32 i32)))
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 1024))
  ;; Where $append writes next.
  (global $cursor (mut i32) (i32.const 0))
  (data (i32.const 64) "start")
  (data (i32.const 72) "k")
  (data (i32.const 80) "sum=")
  (data (i32.const 88) ", fetch=")
  (data (i32.const 96) "some(")
  (data (i32.const 104) ")")
  (data (i32.const 112) "none")

  ;; alloc(align, size): align the heap pointer, grow memory as needed, trap when it cannot.
  (func $alloc (param $align i32) (param $size i32) (result i32)
    (local $p i32) (local $end i32) (local $have i32)
    (local.set $p (i32.and (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
                           (i32.sub (i32.const 0) (local.get $align))))
    (local.set $end (i32.add (local.get $p) (local.get $size)))
    (local.set $have (i32.shl (memory.size) (i32.const 16)))
    (if (i32.gt_u (local.get $end) (local.get $have))
      (then
        (if (i32.eq (memory.grow (i32.shr_u (i32.add (i32.sub (local.get $end) (local.get $have)) (i32.const 65535))
                                            (i32.const 16)))
                    (i32.const -1))
          (then unreachable))))
    (global.set $heap (local.get $end))
    (local.get $p))

  ;; cabi_realloc(old_ptr, old_size, align, new_size): a fresh block (old contents copied).
  (func (export "cabi_realloc") (param $old i32) (param $old_size i32) (param $align i32) (param $size i32) (result i32)
    (local $p i32)
    (local.set $p (call $alloc (local.get $align) (local.get $size)))
    (if (local.get $old_size)
      (then (memory.copy (local.get $p) (local.get $old)
                         (select (local.get $old_size) (local.get $size) (i32.lt_u (local.get $old_size) (local.get $size))))))
    (local.get $p))

  ;; Copies (ptr, len) to the cursor and moves it on.
  (func $append (param $ptr i32) (param $len i32)
    (memory.copy (global.get $cursor) (local.get $ptr) (local.get $len))
    (global.set $cursor (i32.add (global.get $cursor) (local.get $len))))

  ;; Appends n in decimal (digits built backwards from 48 down).
  (func $append_u32 (param $n i32)
    (local $p i32)
    (local.set $p (i32.const 48))
    (loop $digit
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
      (br_if $digit (local.get $n)))
    (call $append (local.get $p) (i32.sub (i32.const 48) (local.get $p))))

  ;; run-it: u32 -> string: one i32 param; the string result is two values, so it goes to
  ;; the return area at 0 as (ptr, len).
  ;; Calls log("start"), then add(x, 1), then fetch("k"), and returns
  ;; "sum=" + add's result in decimal + ", fetch=" + ("some(" + value + ")" or "none").
  (func (export "run-it") (param $x i32) (result i32)
    (local $sum i32) (local $start i32)
    (call $log (i32.const 64) (i32.const 5))
    (local.set $sum (call $add (local.get $x) (i32.const 1)))
    (call $fetch (i32.const 72) (i32.const 1) (i32.const 16))
    ;; At most 4 + 10 + 8 + 5 + 1 bytes besides the fetched value.
    (local.set $start (call $alloc (i32.const 1)
      (i32.add (i32.const 32) (select (i32.load offset=8 (i32.const 16)) (i32.const 0) (i32.load8_u (i32.const 16))))))
    (global.set $cursor (local.get $start))
    (call $append (i32.const 80) (i32.const 4))
    (call $append_u32 (local.get $sum))
    (call $append (i32.const 88) (i32.const 8))
    (if (i32.load8_u (i32.const 16))
      (then
        (call $append (i32.const 96) (i32.const 5))
        (call $append (i32.load offset=4 (i32.const 16)) (i32.load offset=8 (i32.const 16)))
        (call $append (i32.const 104) (i32.const 1)))
      (else (call $append (i32.const 112) (i32.const 4))))
    (i32.store (i32.const 0) (local.get $start))
    (i32.store offset=4 (i32.const 0) (i32.sub (global.get $cursor) (local.get $start)))
    (i32.const 0))
)

;; Core module behind types.wit, canonical ABI by hand, with wit-component's export names.
;;
;; Canonical ABI rules used below (MAX_FLAT_PARAMS = 16, MAX_FLAT_RESULTS = 1):
;; - scalars pass as one core value: bool/s8/u8/s16/u16/s32/u32/char/enum/flags as i32,
;;   s64/u64 as i64, f32/f64 as f32/f64;
;; - string and list<T> flatten to (ptr, len), the bytes in this module's memory, written
;;   there by the host through cabi_realloc (so returning the same ptr/len echoes them);
;; - records and tuples flatten field by field; variant/option/result flatten to a
;;   discriminant then the joined payload (f32 joined with i32 becomes i32);
;; - a result that flattens to more than one core value is written to a return area and
;;   the function returns its address, laid out by the type's memory layout;
;; - more than 16 flattened params are spilled: the core function gets one pointer to them
;;   laid out in memory as a tuple.
;; No cabi_post_* exports: the return area is static and the heap is a bump allocator.
(module
  (memory (export "memory") 1)
  ;; Bump allocator; everything from 1024 up. 16..63 is the shared return area.
  (global $heap (mut i32) (i32.const 1024))
  (data (i32.const 64) "hello, ")
  (data (i32.const 80) "empty string")
  (data (i32.const 96) "not ok")

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

  ;; Writes two i32s to the return area and returns its address (string/list results).
  (func $ret2 (param $a i32) (param $b i32) (result i32)
    (i32.store (i32.const 16) (local.get $a))
    (i32.store offset=4 (i32.const 16) (local.get $b))
    (i32.const 16))

  ;; "hello, " + name as a fresh (ptr, len), written to the return area.
  (func $greet (param $ptr i32) (param $len i32) (result i32)
    (local $new i32)
    (local.set $new (call $alloc (i32.const 1) (i32.add (local.get $len) (i32.const 7))))
    (memory.copy (local.get $new) (i32.const 64) (i32.const 7))
    (memory.copy (i32.add (local.get $new) (i32.const 7)) (local.get $ptr) (local.get $len))
    (call $ret2 (local.get $new) (i32.add (local.get $len) (i32.const 7))))

  ;; ---- top-level exports ----
  ;; add: (u64, u64) -> u64: two i64 params, one i64 result.
  (func (export "add") (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1)))
  ;; greet: string -> string: (ptr, len) in, return area (ptr, len) out.
  (func (export "greet") (param i32 i32) (result i32) (call $greet (local.get 0) (local.get 1)))

  ;; ---- my:types/echo@0.1.0 ----
  ;; Scalars: one core value in, the same one out.
  (func (export "my:types/echo@0.1.0#echo-bool") (param i32) (result i32) (local.get 0))
  (func (export "my:types/echo@0.1.0#echo-s8") (param i32) (result i32) (local.get 0))
  (func (export "my:types/echo@0.1.0#echo-u8") (param i32) (result i32) (local.get 0))
  (func (export "my:types/echo@0.1.0#echo-s16") (param i32) (result i32) (local.get 0))
  (func (export "my:types/echo@0.1.0#echo-u16") (param i32) (result i32) (local.get 0))
  (func (export "my:types/echo@0.1.0#echo-s32") (param i32) (result i32) (local.get 0))
  (func (export "my:types/echo@0.1.0#echo-u32") (param i32) (result i32) (local.get 0))
  (func (export "my:types/echo@0.1.0#echo-s64") (param i64) (result i64) (local.get 0))
  (func (export "my:types/echo@0.1.0#echo-u64") (param i64) (result i64) (local.get 0))
  (func (export "my:types/echo@0.1.0#echo-f32") (param f32) (result f32) (local.get 0))
  (func (export "my:types/echo@0.1.0#echo-f64") (param f64) (result f64) (local.get 0))
  (func (export "my:types/echo@0.1.0#echo-char") (param i32) (result i32) (local.get 0))
  ;; enum: the case index as i32; flags (3 bits): one i32 bit set.
  (func (export "my:types/echo@0.1.0#echo-color") (param i32) (result i32) (local.get 0))
  (func (export "my:types/echo@0.1.0#echo-perms") (param i32) (result i32) (local.get 0))

  ;; string, list<u8>, list<string>, list<point>, list<tuple<string, u32>>: (ptr, len) in;
  ;; the result is two core values, so it goes to the return area as (ptr, len).
  (func (export "my:types/echo@0.1.0#echo-string") (param i32 i32) (result i32) (call $ret2 (local.get 0) (local.get 1)))
  (func (export "my:types/echo@0.1.0#echo-bytes") (param i32 i32) (result i32) (call $ret2 (local.get 0) (local.get 1)))
  (func (export "my:types/echo@0.1.0#echo-strings") (param i32 i32) (result i32) (call $ret2 (local.get 0) (local.get 1)))
  (func (export "my:types/echo@0.1.0#echo-points") (param i32 i32) (result i32) (call $ret2 (local.get 0) (local.get 1)))
  (func (export "my:types/echo@0.1.0#echo-pairs") (param i32 i32) (result i32) (call $ret2 (local.get 0) (local.get 1)))

  ;; point { x-coord: s32, y-coord: s32 }: flattened to (x, y); result in the return area,
  ;; x at 0, y at 4.
  (func (export "my:types/echo@0.1.0#echo-point") (param i32 i32) (result i32) (call $ret2 (local.get 0) (local.get 1)))

  ;; bag { name: string, maybe: option<u32>, items: list<u32> }: flattened to
  ;; (name ptr, name len, maybe disc, maybe value, items ptr, items len); result laid out as
  ;; name ptr 0, name len 4, maybe disc (u8) 8, maybe value 12, items ptr 16, items len 20.
  (func (export "my:types/echo@0.1.0#echo-bag")
    (param $np i32) (param $nl i32) (param $md i32) (param $mv i32) (param $ip i32) (param $il i32) (result i32)
    (i32.store (i32.const 16) (local.get $np))
    (i32.store offset=4 (i32.const 16) (local.get $nl))
    (i32.store8 offset=8 (i32.const 16) (local.get $md))
    (i32.store offset=12 (i32.const 16) (local.get $mv))
    (i32.store offset=16 (i32.const 16) (local.get $ip))
    (i32.store offset=20 (i32.const 16) (local.get $il))
    (i32.const 16))

  ;; tuple<u32, string>: flattened to (n, ptr, len); result: n 0, ptr 4, len 8.
  (func (export "my:types/echo@0.1.0#echo-tuple") (param $n i32) (param $p i32) (param $l i32) (result i32)
    (i32.store (i32.const 16) (local.get $n))
    (i32.store offset=4 (i32.const 16) (local.get $p))
    (i32.store offset=8 (i32.const 16) (local.get $l))
    (i32.const 16))

  ;; shape { circle(f32), square(u32), nothing }: (disc, payload) with the f32 joined to i32
  ;; (its bits); result: disc (u8) 0, payload 4 (the same bits serve f32 and u32).
  (func (export "my:types/echo@0.1.0#echo-shape") (param $d i32) (param $v i32) (result i32)
    (i32.store8 (i32.const 16) (local.get $d))
    (i32.store offset=4 (i32.const 16) (local.get $v))
    (i32.const 16))

  ;; option<u32>: (disc, value); result: disc (u8) 0, value 4.
  (func (export "my:types/echo@0.1.0#echo-opt-u32") (param $d i32) (param $v i32) (result i32)
    (i32.store8 (i32.const 16) (local.get $d))
    (i32.store offset=4 (i32.const 16) (local.get $v))
    (i32.const 16))

  ;; option<option<string>>: (outer disc, inner disc, ptr, len); result: outer disc (u8) 0,
  ;; inner option<string> at 4: inner disc (u8) 4, ptr 8, len 12.
  (func (export "my:types/echo@0.1.0#echo-opt-opt") (param $d1 i32) (param $d2 i32) (param $p i32) (param $l i32) (result i32)
    (i32.store8 (i32.const 16) (local.get $d1))
    (i32.store8 offset=4 (i32.const 16) (local.get $d2))
    (i32.store offset=8 (i32.const 16) (local.get $p))
    (i32.store offset=12 (i32.const 16) (local.get $l))
    (i32.const 16))

  ;; option<point>: (disc, x, y); result: disc (u8) 0, x 4, y 8.
  (func (export "my:types/echo@0.1.0#echo-opt-point") (param $d i32) (param $x i32) (param $y i32) (result i32)
    (i32.store8 (i32.const 16) (local.get $d))
    (i32.store offset=4 (i32.const 16) (local.get $x))
    (i32.store offset=8 (i32.const 16) (local.get $y))
    (i32.const 16))

  ;; outcome { id: u32, res: result<u32, string> }: (id, disc, payload, len), the ok u32
  ;; joined with the err string's ptr; result: id 0, disc (u8) 4, u32-or-ptr 8, len 12.
  (func (export "my:types/echo@0.1.0#echo-outcome") (param $id i32) (param $d i32) (param $v i32) (param $l i32) (result i32)
    (i32.store (i32.const 16) (local.get $id))
    (i32.store8 offset=4 (i32.const 16) (local.get $d))
    (i32.store offset=8 (i32.const 16) (local.get $v))
    (i32.store offset=12 (i32.const 16) (local.get $l))
    (i32.const 16))

  ;; parse: string -> result<u32, string>: (ptr, len) in; return area: disc (u8) 0, then
  ;; ok: the length (u32) at 4; err: the message's (ptr, len) at 4 and 8.
  (func (export "my:types/echo@0.1.0#parse") (param $p i32) (param $l i32) (result i32)
    (if (i32.eqz (local.get $l))
      (then
        (i32.store8 (i32.const 16) (i32.const 1))
        (i32.store offset=4 (i32.const 16) (i32.const 80))
        (i32.store offset=8 (i32.const 16) (i32.const 12)))
      (else
        (i32.store8 (i32.const 16) (i32.const 0))
        (i32.store offset=4 (i32.const 16) (local.get $l))))
    (i32.const 16))

  ;; check: bool -> result<_, string>: flattens to (disc, ptr, len), three values, so the
  ;; return area: disc (u8) 0, err (ptr, len) at 4 and 8.
  (func (export "my:types/echo@0.1.0#check") (param $ok i32) (result i32)
    (if (local.get $ok)
      (then (i32.store8 (i32.const 16) (i32.const 0)))
      (else
        (i32.store8 (i32.const 16) (i32.const 1))
        (i32.store offset=4 (i32.const 16) (i32.const 96))
        (i32.store offset=8 (i32.const 16) (i32.const 6))))
    (i32.const 16))

  ;; sum17: 17 u32 params flatten to 17 core values, more than 16, so they are spilled: the
  ;; core function gets one pointer to them, a tuple of 17 u32 (offsets 0, 4, ..., 64).
  ;; One u32 result (wrapping sum) as i32.
  (func (export "my:types/echo@0.1.0#sum17") (param $args i32) (result i32)
    (local $i i32) (local $sum i32)
    (loop $next
      (local.set $sum (i32.add (local.get $sum) (i32.load (i32.add (local.get $args) (i32.shl (local.get $i) (i32.const 2))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $i) (i32.const 17))))
    (local.get $sum))

  ;; nothing: no params, no results.
  (func (export "my:types/echo@0.1.0#nothing"))
  ;; trap: no params, no results; traps with `unreachable`.
  (func (export "my:types/echo@0.1.0#trap") unreachable)
  ;; spin: no params, no results; never returns (an empty loop).
  (func (export "my:types/echo@0.1.0#spin") (loop $forever (br $forever)))

  ;; sum-list: list<u32> -> u64: (ptr, len) in, the sum of the elements as i64 out.
  (func (export "my:types/echo@0.1.0#sum-list") (param $p i32) (param $n i32) (result i64)
    (local $sum i64)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $sum (i64.add (local.get $sum) (i64.extend_i32_u (i32.load (local.get $p)))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $sum))

  ;; greet: string -> string, as the top-level greet.
  (func (export "my:types/echo@0.1.0#greet") (param i32 i32) (result i32) (call $greet (local.get 0) (local.get 1)))
)

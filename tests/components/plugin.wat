;; Core module behind plugin.wit, canonical ABI by hand, with wit-component's export names.
;; Return areas: 32 (check), 48 (double), 56 (echo-bytes), 0 (greet); heap from 4096.
(module
  ;; get-arguments: () -> list<string>. A lowered import whose result flattens to more than
  ;; one value takes a pointer where the host writes it: (ptr, len) of the list.
  (import "wasi:cli/environment@0.2.0" "get-arguments" (func $get_args (param i32)))
  ;; A new handle for a counter whose representation (rep) is an i32 of ours.
  (import "[export]my:plugin/api@0.1.0" "[resource-new]counter" (func $counter_new (param i32) (result i32)))
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 4096))
  ;; How many counters were destroyed (the `dropped` export).
  (global $dropped (mut i32) (i32.const 0))
  (data (i32.const 64) "hello, ")
  (data (i32.const 80) "negative")

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

  ;; add: (u64, u64) -> u64: two i64 params, one i64 result.
  (func (export "add") (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1)))
  ;; dropped: () -> u32: the destructor count.
  (func (export "dropped") (result i32) (global.get $dropped))
  ;; argc: () -> u32: calls get-arguments with a result pointer (16), returns the list's len.
  (func (export "argc") (result i32)
    (call $get_args (i32.const 16))
    (i32.load offset=4 (i32.const 16)))

  ;; greet: string -> string: (ptr, len) in; "hello, " + name in fresh memory, its
  ;; (ptr, len) in the return area at 0.
  (func (export "my:plugin/api@0.1.0#greet") (param $ptr i32) (param $len i32) (result i32)
    (local $new i32)
    (local.set $new (call $alloc (i32.const 1) (i32.add (local.get $len) (i32.const 7))))
    (memory.copy (local.get $new) (i32.const 64) (i32.const 7))
    (memory.copy (i32.add (local.get $new) (i32.const 7)) (local.get $ptr) (local.get $len))
    (i32.store (i32.const 0) (local.get $new))
    (i32.store offset=4 (i32.const 0) (i32.add (local.get $len) (i32.const 7)))
    (i32.const 0))

  ;; check: s32 -> result<u32, string>: result in the return area at 32: disc (u8) 0,
  ;; ok u32 at 4, or err (ptr, len) at 4 and 8.
  (func (export "my:plugin/api@0.1.0#check") (param $n i32) (result i32)
    (if (i32.lt_s (local.get $n) (i32.const 0))
      (then
        (i32.store8 (i32.const 32) (i32.const 1))
        (i32.store offset=4 (i32.const 32) (i32.const 80))
        (i32.store offset=8 (i32.const 32) (i32.const 8)))
      (else
        (i32.store8 (i32.const 32) (i32.const 0))
        (i32.store offset=4 (i32.const 32) (i32.mul (local.get $n) (i32.const 2)))))
    (i32.const 32))

  ;; next-color: enum -> enum, the case index as i32: (c + 1) mod 3.
  (func (export "my:plugin/api@0.1.0#next-color") (param i32) (result i32)
    (i32.rem_u (i32.add (local.get 0) (i32.const 1)) (i32.const 3)))

  ;; norm1: point -> s64: the record flattened to (x, y); |x| + |y| as i64 (each |v| fits u32,
  ;; so it is widened unsigned: |s32::MIN| is 2^31).
  (func (export "my:plugin/api@0.1.0#norm1") (param $x i32) (param $y i32) (result i64)
    (i64.add
      (i64.extend_i32_u (select (i32.sub (i32.const 0) (local.get $x)) (local.get $x) (i32.lt_s (local.get $x) (i32.const 0))))
      (i64.extend_i32_u (select (i32.sub (i32.const 0) (local.get $y)) (local.get $y) (i32.lt_s (local.get $y) (i32.const 0))))))

  ;; toggle: flags -> flags, one i32 of bits: all three flipped.
  (func (export "my:plugin/api@0.1.0#toggle") (param i32) (result i32)
    (i32.xor (local.get 0) (i32.const 7)))

  ;; double: option<u8> -> option<u8>: (disc, value) in; result in the return area at 48:
  ;; disc (u8) 0, value (u8) 1 = value * 2 truncated to u8.
  (func (export "my:plugin/api@0.1.0#double") (param $disc i32) (param $v i32) (result i32)
    (i32.store8 (i32.const 48) (local.get $disc))
    (i32.store8 offset=1 (i32.const 48) (i32.mul (local.get $v) (i32.const 2)))
    (i32.const 48))

  ;; area: shape -> f64: (disc, payload), the circle's f32 joined into the i32 payload
  ;; (its bits). circle(r): 3.14159f32 * r * r; square(n): n * n; nothing: 0.
  (func (export "my:plugin/api@0.1.0#area") (param $disc i32) (param $p i32) (result f64)
    (local $r f32)
    (if (result f64) (i32.eqz (local.get $disc))
      (then
        (local.set $r (f32.reinterpret_i32 (local.get $p)))
        (f64.promote_f32 (f32.mul (f32.mul (f32.const 3.14159) (local.get $r)) (local.get $r))))
      (else
        (if (result f64) (i32.eq (local.get $disc) (i32.const 1))
          (then (f64.mul (f64.convert_i32_u (local.get $p)) (f64.convert_i32_u (local.get $p))))
          (else (f64.const 0))))))

  ;; echo-bytes: list<u8> -> list<u8>: (ptr, len) in, the same (ptr, len) in the return area at 56.
  (func (export "my:plugin/api@0.1.0#echo-bytes") (param i32 i32) (result i32)
    (i32.store (i32.const 56) (local.get 0))
    (i32.store offset=4 (i32.const 56) (local.get 1))
    (i32.const 56))

  ;; same-char: char -> char, the scalar value as i32.
  (func (export "my:plugin/api@0.1.0#same-char") (param i32) (result i32) (local.get 0))

  ;; Resource counter: its rep is the address of an i32 holding the count.
  ;; [constructor]counter: u32 -> own<counter>: the handle from [resource-new].
  (func (export "my:plugin/api@0.1.0#[constructor]counter") (param $start i32) (result i32)
    (local $rep i32)
    (local.set $rep (call $alloc (i32.const 4) (i32.const 4)))
    (i32.store (local.get $rep) (local.get $start))
    (call $counter_new (local.get $rep)))
  ;; [static]counter.zero: () -> own<counter>: a new counter at 0.
  (func (export "my:plugin/api@0.1.0#[static]counter.zero") (result i32)
    (local $rep i32)
    (local.set $rep (call $alloc (i32.const 4) (i32.const 4)))
    (i32.store (local.get $rep) (i32.const 0))
    (call $counter_new (local.get $rep)))
  ;; [method]counter.incr: borrow<counter> -> u32. A borrow of a resource this component
  ;; defines arrives as its rep: count + 1, stored and returned.
  (func (export "my:plugin/api@0.1.0#[method]counter.incr") (param $rep i32) (result i32)
    (i32.store (local.get $rep) (i32.add (i32.load (local.get $rep)) (i32.const 1)))
    (i32.load (local.get $rep)))
  ;; [method]counter.add-from: (self: borrow<counter>, other: borrow<counter>), both reps:
  ;; self's count += other's count; no result.
  (func (export "my:plugin/api@0.1.0#[method]counter.add-from") (param $self i32) (param $other i32)
    (i32.store (local.get $self) (i32.add (i32.load (local.get $self)) (i32.load (local.get $other)))))
  ;; [dtor]counter: the rep; nothing to free with a bump allocator: counts the drop.
  (func (export "my:plugin/api@0.1.0#[dtor]counter") (param i32)
    (global.set $dropped (i32.add (global.get $dropped) (i32.const 1))))
)

;; Core module behind command.wit, canonical ABI by hand, with wit-component's export names.
;; Scratch: 0..7 get-arguments' (ptr, len); 16..31 blocking-write-and-flush's result.
(module
  ;; get-arguments: () -> list<string>; a lowered import whose result flattens to more than
  ;; one value takes a pointer where the host writes it: (ptr, len) of the list, each
  ;; element a string's (ptr, len), in memory the host got from cabi_realloc.
  (import "wasi:cli/environment@0.2.0" "get-arguments" (func $get_args (param i32)))
  ;; get-stdout: () -> own<output-stream>: one i32 handle.
  (import "wasi:cli/stdout@0.2.0" "get-stdout" (func $get_stdout (result i32)))
  ;; [method]output-stream.blocking-write-and-flush: (self: borrow<output-stream>,
  ;; contents: list<u8>) -> result<_, stream-error>: params (handle, ptr, len); the result
  ;; flattens to three values, so a fourth param points where the host writes it:
  ;; disc (u8) 0, the stream-error at 4.
  (import "wasi:io/streams@0.2.0" "[method]output-stream.blocking-write-and-flush"
    (func $write (param i32 i32 i32 i32)))
  ;; Drops our own<output-stream> handle.
  (import "wasi:io/streams@0.2.0" "[resource-drop]output-stream" (func $drop_stream (param i32)))
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 1024))
  (data (i32.const 64) "hello from a component\n")
  (data (i32.const 96) "\n")

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

  ;; Writes (ptr, len) to the stream; 1 when the write failed, else 0.
  (func $put (param $out i32) (param $ptr i32) (param $len i32) (result i32)
    (call $write (local.get $out) (local.get $ptr) (local.get $len) (i32.const 16))
    (i32.load8_u (i32.const 16)))

  ;; wasi:cli/run@0.2.0#run: () -> result: the result (no payloads) flattens to its
  ;; discriminant alone, returned as one i32: 0 ok, 1 err.
  ;; Writes "hello from a component\n", then each argument and "\n"; err when an argument
  ;; is exactly "fail" (all of them are still written) or a write fails (no more are tried).
  (func (export "wasi:cli/run@0.2.0#run") (result i32)
    (local $out i32) (local $list i32) (local $n i32) (local $p i32) (local $l i32) (local $status i32) (local $failed i32)
    (local.set $out (call $get_stdout))
    (local.set $status (call $put (local.get $out) (i32.const 64) (i32.const 23)))
    (call $get_args (i32.const 0))
    (local.set $list (i32.load (i32.const 0)))
    (local.set $n (i32.load offset=4 (i32.const 0)))
    (block $done
      (loop $next
        (br_if $done (i32.or (local.get $status) (i32.eqz (local.get $n))))
        (local.set $p (i32.load (local.get $list)))
        (local.set $l (i32.load offset=4 (local.get $list)))
        (local.set $status (i32.or (call $put (local.get $out) (local.get $p) (local.get $l))
                                   (call $put (local.get $out) (i32.const 96) (i32.const 1))))
        ;; "fail" is the little-endian i32 0x6c696166.
        (if (i32.and (i32.eq (local.get $l) (i32.const 4)) (i32.eq (i32.load (local.get $p)) (i32.const 0x6c696166)))
          (then (local.set $failed (i32.const 1))))
        (local.set $list (i32.add (local.get $list) (i32.const 8)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (call $drop_stream (local.get $out))
    (i32.or (local.get $status) (local.get $failed)))
)

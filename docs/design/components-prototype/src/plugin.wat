;; Core module behind plugin.wit (canonical ABI by hand, wit-component's export names).
(module
  (import "wasi:cli/environment@0.2.0" "get-arguments" (func $get_args (param i32)))
  (import "[export]my:plugin/api@0.1.0" "[resource-new]counter" (func $counter_new (param i32) (result i32)))
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 4096))
  (data (i32.const 64) "hello, ")
  (data (i32.const 80) "negative")

  (func $bump (param $size i32) (result i32) (local $p i32)
    global.get $heap
    i32.const 7 i32.add i32.const -8 i32.and
    local.tee $p
    local.get $size i32.add global.set $heap
    ;; grow when needed
    block
      global.get $heap memory.size i32.const 16 i32.shl i32.le_u br_if 0
      i32.const 1 memory.grow drop
    end
    local.get $p)
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    local.get 3 call $bump)

  (func (export "add") (param i64 i64) (result i64) local.get 0 local.get 1 i64.add)
  (func (export "argc") (result i32)
    i32.const 16 call $get_args
    i32.const 16 i32.load offset=4)

  (func (export "my:plugin/api@0.1.0#greet") (param $ptr i32) (param $len i32) (result i32)
    (local $new i32)
    local.get $len i32.const 7 i32.add call $bump local.set $new
    local.get $new i32.const 64 i32.const 7 memory.copy
    local.get $new i32.const 7 i32.add local.get $ptr local.get $len memory.copy
    i32.const 0 local.get $new i32.store
    i32.const 0 local.get $len i32.const 7 i32.add i32.store offset=4
    i32.const 0)
  (func (export "my:plugin/api@0.1.0#check") (param $n i32) (result i32)
    local.get $n i32.const 0 i32.lt_s
    if
      i32.const 32 i32.const 1 i32.store8
      i32.const 32 i32.const 80 i32.store offset=4
      i32.const 32 i32.const 8 i32.store offset=8
    else
      i32.const 32 i32.const 0 i32.store8
      i32.const 32 local.get $n i32.const 2 i32.mul i32.store offset=4
    end
    i32.const 32)
  (func (export "my:plugin/api@0.1.0#next-color") (param i32) (result i32)
    local.get 0 i32.const 1 i32.add i32.const 3 i32.rem_u)
  (func (export "my:plugin/api@0.1.0#norm1") (param $x i32) (param $y i32) (result i64)
    (i64.add
      (i64.extend_i32_s (select (i32.sub (i32.const 0) (local.get $x)) (local.get $x) (i32.lt_s (local.get $x) (i32.const 0))))
      (i64.extend_i32_s (select (i32.sub (i32.const 0) (local.get $y)) (local.get $y) (i32.lt_s (local.get $y) (i32.const 0))))))
  (func (export "my:plugin/api@0.1.0#toggle") (param i32) (result i32)
    local.get 0 i32.const 7 i32.xor)
  (func (export "my:plugin/api@0.1.0#double") (param $disc i32) (param $v i32) (result i32)
    i32.const 48 local.get $disc i32.store8
    i32.const 48 local.get $v i32.const 2 i32.mul i32.store8 offset=1
    i32.const 48)
  (func (export "my:plugin/api@0.1.0#area") (param $disc i32) (param $p i32) (result f64)
    (local $r f32)
    local.get $disc i32.eqz
    if (result f64)
      local.get $p f32.reinterpret_i32 local.set $r
      f32.const 3.14159 local.get $r f32.mul local.get $r f32.mul f64.promote_f32
    else
      local.get $disc i32.const 1 i32.eq
      if (result f64)
        local.get $p f64.convert_i32_u local.get $p f64.convert_i32_u f64.mul
      else
        f64.const 0
      end
    end)
  (func (export "my:plugin/api@0.1.0#echo-bytes") (param i32 i32) (result i32)
    i32.const 56 local.get 0 i32.store
    i32.const 56 local.get 1 i32.store offset=4
    i32.const 56)
  (func (export "my:plugin/api@0.1.0#same-char") (param i32) (result i32) local.get 0)

  (func (export "my:plugin/api@0.1.0#[constructor]counter") (param $start i32) (result i32)
    (local $rep i32)
    i32.const 4 call $bump local.tee $rep local.get $start i32.store
    local.get $rep call $counter_new)
  (func (export "my:plugin/api@0.1.0#[method]counter.incr") (param $rep i32) (result i32)
    local.get $rep local.get $rep i32.load i32.const 1 i32.add i32.store
    local.get $rep i32.load)
  (func (export "my:plugin/api@0.1.0#[dtor]counter") (param i32))
)

;; The module of the Quick Start: `add(i32, i32) -> i32`.
;; add.wasm beside it is this file assembled (a test checks they agree).
(module
  (func (export "add") (param $a i32) (param $b i32) (result i32)
    local.get $a
    local.get $b
    i32.add))

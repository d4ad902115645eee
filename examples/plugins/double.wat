;; A plugin: `transform(x)` doubles its input.
(module
  (func (export "transform") (param i32) (result i32)
    (i32.mul (local.get 0) (i32.const 2))))

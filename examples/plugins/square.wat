;; A plugin: `transform(x)` squares its input.
(module
  (func (export "transform") (param i32) (result i32)
    (i32.mul (local.get 0) (local.get 0))))

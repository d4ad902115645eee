;; A plugin with a bug: `transform(x)` divides by zero when x is 3. The host catches the
;; trap as a WasmError; the plugin and the other plugins keep working.
(module
  (func (export "transform") (param i32) (result i32)
    (i32.div_s (i32.const 100) (i32.sub (local.get 0) (i32.const 3)))))

;; A plugin that prices an order. It asks the app for each item's price through an
;; imported function (`kv.get`, async on the JS side: it reads a file) and reports
;; progress through another (`app.log`, which reads the message from plugin memory).
(module
  (import "app" "log" (func $log (param i32 i32)))
  (import "kv" "get" (func $get (param i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "pricing 3 items")
  ;; total(a, b, c): the sum of the prices of items a, b and c.
  (func (export "total") (param i32 i32 i32) (result i32)
    (call $log (i32.const 0) (i32.const 15))
    (i32.add
      (call $get (local.get 0))
      (i32.add (call $get (local.get 1)) (call $get (local.get 2))))))

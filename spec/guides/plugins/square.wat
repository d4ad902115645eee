;; A plugin of the plugins guide (spec/guides/02-plugins.md): squares its task.
(module
  (func (export "execute") (param $task i32) (result i32)
    (i32.mul (local.get $task) (local.get $task))))

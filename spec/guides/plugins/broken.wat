;; A plugin of the plugins guide (spec/guides/02-plugins.md) that fails: it traps.
(module
  (func (export "execute") (param $task i32) (result i32)
    unreachable))

// Bigints at the edge of the i128 range for float parameters: one the float type holds
// exactly passes (2^127, -2^127), one it would round is refused with 5007 rather than
// silently changed. 2^127 - 1 rounds to 2^127, which converted back with a saturating
// `as i128` is i128::MAX = 2^127 - 1 again: it used to pass as "exact" (fixed in 5ee336c).
import * as wasm from "runtime:wasm";
import { assertEquals } from "../_assert.ts";
import { hostile } from "./_harness.ts";

const h = await hostile("bigint_float_edge");
const instance = await wasm.instantiate(
  await wasm.compile(`(module
    (func (export "f32") (param f32) (result f32) local.get 0)
    (func (export "f64") (param f64) (result f64) local.get 0))`),
);
for (const type of ["f32", "f64"] as const) {
  await h.rejects(`${type}(2^127 - 1)`, () => instance.call(type, 2n ** 127n - 1n), 5007);
  await h.rejects(
    `${type}(types.${type}(2^127 - 1))`,
    () => instance.call(type, wasm.types[type](2n ** 127n - 1n as unknown as number)),
    5007,
  );
  await h.rejects(`${type}(2^127 + 1)`, () => instance.call(type, 2n ** 127n + 1n), 5007);
  await h.rejects(`${type}(-(2^127) - 1)`, () => instance.call(type, -(2n ** 127n) - 1n), 5007);
  await h.run(`${type}(2^127) is exact`, async () => assertEquals(await instance.call(type, 2n ** 127n), [2 ** 127]));
  await h.run(`${type}(-(2^127)) is exact`, async () => assertEquals(await instance.call(type, -(2n ** 127n)), [-(2 ** 127)]));
}
await h.finish(12);

// Counting assertions for the component scenarios: `check` and `rejects` each count one
// case, and `count()` says how many ran (each scenario prints it at the end).
import { assertEquals, assertRejects } from "../_assert.ts";

export function caseCounter() {
  let cases = 0;
  return {
    check(what: string, actual: unknown, expected: unknown) {
      assertEquals(actual, expected, what);
      cases++;
    },
    async rejects(fn: () => unknown, code: number, includes?: string) {
      const error = await assertRejects(async () => await fn(), code, includes);
      cases++;
      return error;
    },
    count: () => cases,
  };
}

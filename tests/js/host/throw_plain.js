// expect-exit: 1
// expect-stderr: error: Uncaught Error: boom from the script
function fail() {
  throw new Error("boom from the script");
}
fail();

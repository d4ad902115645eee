// expect-stdout: Result: 42
// The README's main command runs examples/quickstart.ts; this checks it prints the sum.
await import("../../examples/quickstart.ts");

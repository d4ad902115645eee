// expect-stdout: 1n Uint8Array(2) [ 1, 2 ]
// expect-stdout: { a: [ 1, "x" ], b: Map(1) { "k" => 2n } }
// expect-stdout: -0 NaN undefined null [Function: f]
// expect-stderr: Error: shown with its code
// expect-stderr: code: 5000
console.log(1n, new Uint8Array([1, 2]));
console.log({ a: [1, "x"], b: new Map([["k", 2n]]) });
console.log(-0, NaN, undefined, null, function f() {});
const err = new Error("shown with its code");
err.code = 5000;
console.error(err);

//! Parses spec/runtime-wasm.kdl and emits every generated artifact (in progress).

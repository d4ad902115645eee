//! Compilation: arbitrary bytes (the binary format, or WAT text, which `Module::new`
//! also accepts) through ext_wasm's own engine configuration (fuel metering and epoch
//! interruption on, as every module of the runtime is compiled). The result is a module or
//! an error, never a panic; for a module, every import and export type goes through
//! `value_type` as `getExports` does, and an error's cause chain is formatted as the
//! 5000 message formats it.
//!
//! Needs `ext_wasm::fuzzing` (see the report that introduced this target): `wasmtime`,
//! `new_engine`, `value_type`.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

use ext_wasm::fuzzing::wasmtime::{Engine, ExternType, Module};
use ext_wasm::fuzzing::{new_engine, value_type};

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| new_engine().expect("ext_wasm's engine configuration is valid"))
}

fn describe(ty: ExternType) {
    if let ExternType::Func(f) = ty {
        for t in f.params().chain(f.results()) {
            let _ = value_type(&t);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    match Module::new(engine(), data) {
        Ok(module) => {
            for export in module.exports() {
                describe(export.ty());
            }
            for import in module.imports() {
                describe(import.ty());
            }
        }
        Err(error) => {
            let message = error.chain().map(|c| c.to_string()).collect::<Vec<_>>().join(": ");
            assert!(!message.is_empty(), "a compile error without a message");
        }
    }
});

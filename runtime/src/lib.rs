//! `ext_wasm`: the `runtime:wasm` extension for deno_core runtimes.
//!
//! The public surface (ops, wire types, error codes, the extension declaration) is
//! generated from `spec/runtime-wasm.kdl` into `generated/rust/ops.rs`; this crate holds
//! the hand-written bodies, one concern per module. Embedders add
//! `ext_wasm::runtime_wasm::init(WasmConfig::default())` to their `JsRuntime` and scripts
//! can `import ... from "runtime:wasm"`.

#[rustfmt::skip]
#[allow(dead_code, clippy::all)]
#[path = "../../generated/rust/ops.rs"]
mod generated;

mod call;
mod config;
mod engine;
pub mod error;
mod fuel;
mod instance;
mod memory;
mod module;
mod ops;
pub mod permissions;
mod state;
mod store;
mod values;
mod wasi;
mod worker;

pub use config::WasmConfig;
pub use error::{ErrorCode, WasmError};
pub use generated::{runtime_wasm, ExportInfo, InstantiateOptions, EXPORT_NAMES, MODULE_SPECIFIER};
pub use permissions::{Access, AllowAll, PathPolicy, PermissionPolicy};

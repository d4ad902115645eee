//! `ext_wasm`: the `runtime:wasm` extension for deno_core runtimes.
//!
//! The public surface (ops, wire types, error codes, the extension declaration) is
//! generated from `spec/runtime-wasm.kdl` into `generated/rust/ops.rs`; this crate holds
//! the hand-written bodies, one concern per module. Embedders add
//! `ext_wasm::runtime_wasm::init(WasmConfig::default())` to their `JsRuntime` and scripts
//! can `import ... from "runtime:wasm"`.

// Without a JS engine only the engine-neutral core is built; much of it is reached only
// from the ops.
#![cfg_attr(not(feature = "deno"), allow(dead_code, unused_imports))]
// Nothing from JS or from a wasm module may panic the host: outside unit tests, the
// runtime returns a `WasmError` where it could have unwrapped (the tidy test checks the
// same textually, for code clippy does not see).
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

/// The spec's error codes and wire types (no JS engine needed).
#[rustfmt::skip]
#[allow(dead_code, clippy::all)]
#[path = "../../generated/rust/types.rs"]
pub mod generated;

/// The spec's `#[op2]` shims and the `extension!` declaration.
#[cfg(feature = "deno")]
#[rustfmt::skip]
#[allow(clippy::all)]
#[path = "../../generated/rust/ops.rs"]
mod generated_ops;

mod cache;
mod call;
mod compile_progress;
mod component;
mod config;
mod engine;
pub mod error;
mod file_identity;
pub mod forge;
mod fuel;
mod globals;
mod host;
mod host_link;
mod instance;
mod limits;
mod memory;
mod module;
#[cfg(feature = "deno")]
mod ops;
pub mod permissions;
mod state;
mod stdio;
mod timeout;
mod traps;
mod values;
mod wasi;
mod worker;

pub use cache::default_dir as default_compile_cache_dir;
pub use compile_progress::{CompileProgress, CompileProgressFn};
pub use component::component_typescript;
pub use config::WasmConfig;
pub use error::{ErrorCode, WasmError};
#[cfg(feature = "deno")]
pub use forge::{init_wasm_state, wasm_extension};
pub use forge::{PermissiveWasmChecker, WasmCapabilityChecker};
pub use generated::{ExportInfo, InstantiateOptions, EXPORT_NAMES, MODULE_SPECIFIER};
#[cfg(feature = "deno")]
pub use generated_ops::runtime_wasm;
pub use permissions::{Access, AllowAll, PathPolicy, PermissionPolicy};

/// Entry points for the fuzz targets in `fuzz/` (not a stable API): value conversion,
/// memory bounds and the resource limiter, driven without a JS engine.
#[doc(hidden)]
pub mod fuzzing {
    pub use crate::engine::new_engine;
    pub use crate::limits::{InstanceLimiter, MemoryBudget};
    pub use crate::memory::{bounds, index};
    pub use crate::values::{to_val, value_type, write_slot, Arg, SLOT};
    pub use wasmtime;
}

//! `WasmConfig`: what an embedder chooses when it adds the extension to a runtime.

use std::sync::Arc;

use crate::permissions::{PathPolicy, PermissionPolicy};

/// Options of the `runtime_wasm` extension (`runtime_wasm::init(WasmConfig { .. })`).
#[derive(Clone)]
pub struct WasmConfig {
    /// Consulted for `compileFile` paths and every preopened host directory.
    pub permissions: Arc<dyn PermissionPolicy>,
}

impl Default for WasmConfig {
    /// The working directory tree, read and write; nothing else.
    fn default() -> Self {
        Self { permissions: Arc::new(PathPolicy::cwd()) }
    }
}

impl std::fmt::Debug for WasmConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WasmConfig").finish_non_exhaustive()
    }
}

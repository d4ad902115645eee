//! `WasmConfig`: what an embedder chooses when it adds the extension to a runtime.

use std::sync::Arc;

use crate::permissions::{PathPolicy, PermissionPolicy};

/// Options of the `runtime_wasm` extension (`runtime_wasm::init(WasmConfig { .. })`).
#[derive(Clone)]
pub struct WasmConfig {
    /// Consulted for `compileFile` paths and every preopened host directory.
    pub permissions: Arc<dyn PermissionPolicy>,
    /// At most this many live (not dropped) modules; `compile` past it fails with 5000.
    pub max_modules: Option<usize>,
    /// At most this many live instances; `instantiate` past it fails with 5001.
    pub max_instances: Option<usize>,
    /// Linear memory of all instances together, in bytes; growth past it fails (5006),
    /// an instance whose initial memory does not fit fails to instantiate (5001). Tables
    /// are not counted: cap them per instance with `maxTableElements`.
    pub max_total_memory_bytes: Option<usize>,
    /// Where compiled modules are kept between runs (see `cache.rs`); `None`: no disk cache.
    pub compile_cache_dir: Option<std::path::PathBuf>,
}

impl Default for WasmConfig {
    /// The working directory tree, read and write; nothing else. No count or memory caps.
    fn default() -> Self {
        Self {
            permissions: Arc::new(PathPolicy::cwd()),
            max_modules: None,
            max_instances: None,
            max_total_memory_bytes: None,
            compile_cache_dir: None,
        }
    }
}

impl WasmConfig {
    pub fn with_permissions(permissions: Arc<dyn PermissionPolicy>) -> Self {
        Self { permissions, ..Self::default() }
    }
}

impl std::fmt::Debug for WasmConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WasmConfig")
            .field("max_modules", &self.max_modules)
            .field("max_instances", &self.max_instances)
            .field("max_total_memory_bytes", &self.max_total_memory_bytes)
            .field("compile_cache_dir", &self.compile_cache_dir)
            .finish_non_exhaustive()
    }
}

//! `WasmConfig`: what an embedder chooses when it adds the extension to a runtime.

use std::sync::Arc;
use std::time::Duration;

use crate::compile_progress::{CompileProgressFn, ProgressReporter};
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
    /// Called once, while it runs, for a compile that the cache could not answer and that
    /// is still running after `compile_progress_after` (e.g. to print "compiling
    /// python.wasm (99 MB), cached for next time", the `Display` of [`CompileProgress`](crate::CompileProgress)).
    /// `None` (the default): the library says nothing. Called on a helper thread.
    pub compile_progress: Option<CompileProgressFn>,
    /// How long a compile runs before `compile_progress` hears of it (default: 1 s).
    pub compile_progress_after: Duration,
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
            compile_progress: None,
            compile_progress_after: Duration::from_secs(1),
        }
    }
}

impl WasmConfig {
    pub fn with_permissions(permissions: Arc<dyn PermissionPolicy>) -> Self {
        Self { permissions, ..Self::default() }
    }

    /// The compile-progress callback with its delay, when there is one.
    pub(crate) fn progress_reporter(&self) -> Option<ProgressReporter> {
        let report = self.compile_progress.clone()?;
        Some(ProgressReporter { after: self.compile_progress_after, report })
    }
}

impl std::fmt::Debug for WasmConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WasmConfig")
            .field("max_modules", &self.max_modules)
            .field("max_instances", &self.max_instances)
            .field("max_total_memory_bytes", &self.max_total_memory_bytes)
            .field("compile_cache_dir", &self.compile_cache_dir)
            .field("compile_progress", &self.compile_progress.is_some())
            .field("compile_progress_after", &self.compile_progress_after)
            .finish_non_exhaustive()
    }
}

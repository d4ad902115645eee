//! The Wasmtime engines of a runtime and the linker that provides WASI preview 1 to the
//! modules that import it.
//!
//! Code is compiled per engine, and what an engine instruments is compiled into the code:
//! fuel metering (for fuel budgets) and epoch checks (for timeouts, and for the "start on
//! the JS thread, move to a worker after a tick" model) each cost real, branchy programs
//! a good part of their speed. So a runtime has a plain engine (epoch checks, no fuel),
//! used for every module and instance, and makes the other kinds (`EngineKind`) the first
//! time an instance asks for one; a module is compiled for a kind only then
//! (`CompiledModule::variant`).

use std::sync::Arc;

use wasmtime::{Config, Engine, Linker};

use crate::cache::{ComponentCache, ModuleCache};
use crate::compile_progress::ProgressReporter;
use crate::error::WasmError;
use crate::instance::StoreData;

/// What an engine compiles into the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EngineKind {
    /// Fuel metering: the instance has a fuel budget.
    pub fuel: bool,
    /// Epoch checks: the instance's calls can time out and start on the JS thread.
    pub epochs: bool,
    /// Wasmtime's concurrency support (the component model's async ABI), which WASI 0.3
    /// components need. Off everywhere else: with it on, every component call costs about
    /// 1.5 us more (measured with Wasmtime 48), and core modules gain nothing.
    pub concurrent: bool,
}

impl EngineKind {
    /// The plain engine's kind.
    pub const PLAIN: EngineKind = EngineKind { fuel: false, epochs: true, concurrent: false };
    /// The kind WASI 0.3 components are compiled for first.
    pub const CONCURRENT: EngineKind = EngineKind { fuel: false, epochs: true, concurrent: true };
    /// How many kinds there are (`index` is below it).
    pub const COUNT: usize = 8;

    /// The kind an instance with these options needs (of a module, or a WASI 0.2 component).
    pub fn of(options: &crate::generated::InstantiateOptions) -> Self {
        EngineKind { fuel: options.fuel.is_some(), epochs: options.interruptible != Some(false), concurrent: false }
    }

    /// This kind with concurrency support set to `concurrent`.
    pub fn with_concurrency(self, concurrent: bool) -> Self {
        EngineKind { concurrent, ..self }
    }

    /// A small index for per-kind tables; `PLAIN` is 0.
    pub fn index(self) -> usize {
        usize::from(self.fuel) | (usize::from(!self.epochs) << 1) | (usize::from(self.concurrent) << 2)
    }
}

/// The plain engine: epoch interruption, no fuel metering.
pub fn new_engine() -> Result<Engine, WasmError> {
    new_engine_of(EngineKind::PLAIN)
}

/// An engine of `kind`.
pub fn new_engine_of(kind: EngineKind) -> Result<Engine, WasmError> {
    let mut config = Config::new();
    config.consume_fuel(kind.fuel);
    config.epoch_interruption(kind.epochs);
    config.concurrency_support(kind.concurrent);
    Engine::new(&config).map_err(|e| WasmError::bug(format!("engine: {e:#}")))
}

/// A linker with WASI preview 1, async flavour: its host functions may wait for I/O
/// without blocking the thread, so a call can start on the JS thread and move to a
/// worker when it waits (`crate::worker`). The synchronous flavour blocks on a tokio
/// runtime of its own, which panics on a thread that drives one (the JS thread).
pub fn new_linker(engine: &Engine) -> Result<Linker<StoreData>, WasmError> {
    let mut linker = Linker::new(engine);
    wasmtime_wasi::p1::add_to_linker_async(&mut linker, StoreData::wasi_ctx)
        .map_err(|e| WasmError::bug(format!("linker: {e:#}")))?;
    Ok(linker)
}

/// An engine with what belongs to it: the WASI linker and the module cache of its code.
pub struct Profile {
    pub kind: EngineKind,
    pub engine: Engine,
    pub linker: Linker<StoreData>,
    pub cache: Arc<ModuleCache>,
    pub component_cache: Arc<ComponentCache>,
}

impl Profile {
    pub fn new(
        kind: EngineKind,
        cache_dir: Option<std::path::PathBuf>,
        progress: Option<ProgressReporter>,
    ) -> Result<Self, WasmError> {
        let engine = new_engine_of(kind)?;
        let linker = new_linker(&engine)?;
        let cache = Arc::new(ModuleCache::new(&engine, cache_dir.clone()).with_progress(progress.clone()));
        let component_cache = Arc::new(ComponentCache::new(&engine, cache_dir).with_progress(progress));
        Ok(Self { kind, engine, linker, cache, component_cache })
    }
}

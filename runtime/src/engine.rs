//! The Wasmtime engines of a runtime and the linker that provides WASI preview 1 to the
//! modules that import it.
//!
//! Code is compiled per engine, and fuel metering is compiled into the code: metered
//! code runs about a third slower on real, branchy programs. So a runtime has a plain
//! engine, used for every module and instance, and a metered one, made the first time an
//! instance asks for fuel; a module is compiled for it only then (`CompiledModule::metered`).
//! Both have epoch interruption, which timeouts and the "start on the JS thread, move to
//! a worker after a tick" model need.

use std::sync::Arc;

use wasmtime::{Config, Engine, Linker};

use crate::cache::ModuleCache;
use crate::compile_progress::ProgressReporter;
use crate::error::WasmError;
use crate::instance::StoreData;

/// The plain engine: epoch interruption, no fuel metering.
pub fn new_engine() -> Result<Engine, WasmError> {
    engine_with(false)
}

/// The engine for instances with a fuel budget.
pub fn new_metered_engine() -> Result<Engine, WasmError> {
    engine_with(true)
}

fn engine_with(fuel: bool) -> Result<Engine, WasmError> {
    let mut config = Config::new();
    config.consume_fuel(fuel);
    config.epoch_interruption(true);
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
    pub engine: Engine,
    pub linker: Linker<StoreData>,
    pub cache: Arc<ModuleCache>,
}

impl Profile {
    pub fn new(
        engine: Engine,
        cache_dir: Option<std::path::PathBuf>,
        progress: Option<ProgressReporter>,
    ) -> Result<Self, WasmError> {
        let linker = new_linker(&engine)?;
        let cache = Arc::new(ModuleCache::new(&engine, cache_dir).with_progress(progress));
        Ok(Self { engine, linker, cache })
    }
}

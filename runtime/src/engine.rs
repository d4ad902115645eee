//! The one Wasmtime engine shared by every module and instance of a runtime, and the
//! linker that provides WASI preview 1 to the modules that import it.

use wasmtime::{Config, Engine, Linker};

use crate::error::WasmError;
use crate::instance::StoreData;

/// Engine settings: fuel metering and epoch interruption are always compiled in, so that
/// a fuel budget or a timeout can be set per instance or per call without recompiling
/// (an instance without limits runs with u64::MAX fuel and a far deadline).
pub fn new_engine() -> Result<Engine, WasmError> {
    let mut config = Config::new();
    config.consume_fuel(true);
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

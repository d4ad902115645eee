//! Creating instances (`instantiate`), listing their exports and dropping them.

use std::sync::Arc;

use wasmtime::{ExternType, Store, Trap};

use crate::error::{ErrorCode, WasmError, WasmResult};
use crate::generated::{ExportInfo, ExportKind, InstantiateOptions};
use crate::state::WasmState;
use crate::limits::InstanceLimiter;
use crate::store::{CallLimits, HostState, InstanceEntry, UNLIMITED_FUEL};
use crate::values::value_type;

pub async fn instantiate(wasm: Arc<WasmState>, module: u32, options: InstantiateOptions) -> WasmResult<u32> {
    let entry = wasm.module(module)?;
    wasm.check_instance_capacity()?;
    let program_name = entry.module.name().unwrap_or("main.wasm").to_string();
    // Options and permissions are checked here, on the JS thread, before any work.
    let wasi = crate::wasi::build_context(&wasm, &program_name, &options)?;
    let limiter = InstanceLimiter::new(
        options.max_memory_bytes.map(saturating_usize),
        options.max_table_elements.map(saturating_usize),
        wasm.memory_budget.clone(),
    );
    let fuel = options.fuel;
    let limits = CallLimits { timeout_ms: options.timeout_ms };
    let worker_state = wasm.clone();
    let (stdout, stderr) = (wasi.stdout, wasi.stderr);
    let ctx = wasi.ctx;
    let has_start = entry.has_start;
    let make = move || -> WasmResult<InstanceEntry> {
        let pre = entry.instance_pre(&worker_state)?;
        let mut store = Store::new(&worker_state.engine, HostState { wasi: ctx, limiter });
        store.limiter(|host| &mut host.limiter);
        store
            .set_fuel(fuel.unwrap_or(UNLIMITED_FUEL))
            .map_err(|e| WasmError::bug(ErrorCode::InstantiateError, format!("set_fuel: {e}")))?;
        // The start function runs during instantiation: it gets the instance's timeout.
        worker_state.ticker.arm(&worker_state.engine, &mut store, limits.timeout_ms);
        let instance = pre.instantiate(&mut store).map_err(instantiate_error)?;
        Ok(InstanceEntry {
            store,
            instance,
            fuel_limited: fuel.is_some(),
            limits,
            func_cache: Vec::new(),
        })
    };
    // Without a start function instantiation runs no wasm: it is quick and bounded, so it
    // is done here rather than paying for a trip to a worker thread.
    let instance_entry = if has_start { crate::worker::run(make).await? } else { make()? };
    let module = instance_entry.instance.module(&instance_entry.store).clone();
    wasm.add_instance(module, instance_entry, stdout, stderr)
}

fn saturating_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

fn instantiate_error(error: wasmtime::Error) -> WasmError {
    match error.downcast_ref::<Trap>() {
        Some(Trap::OutOfFuel) => WasmError::new(ErrorCode::FuelExhausted, "the start function used up the instance's fuel budget"),
        Some(Trap::Interrupt) => WasmError::new(ErrorCode::Timeout, "the start function ran past the instance's timeout"),
        _ => WasmError::instantiate(format!(
            "instantiation failed: {error:#} (an import that cannot be satisfied, a trap in the start function, or an initial memory or table past a limit)"
        )),
    }
}

pub fn drop_instance(wasm: &WasmState, instance: u32) -> WasmResult<()> {
    // A call in flight keeps its own reference; the store is freed when it returns.
    wasm.remove_instance(instance).map(drop)
}

pub fn get_exports(wasm: &WasmState, instance: u32) -> WasmResult<Vec<ExportInfo>> {
    let live = wasm.instance(instance)?;
    Ok(live
        .module
        .exports()
        .map(|export| {
            let name = export.name().to_string();
            match export.ty() {
                ExternType::Func(f) => ExportInfo {
                    name,
                    kind: ExportKind::Func,
                    params: Some(f.params().map(|t| value_type(&t)).collect()),
                    results: Some(f.results().map(|t| value_type(&t)).collect()),
                },
                ExternType::Memory(_) => ExportInfo { name, kind: ExportKind::Memory, params: None, results: None },
                ExternType::Table(_) => ExportInfo { name, kind: ExportKind::Table, params: None, results: None },
                ExternType::Global(_) => ExportInfo { name, kind: ExportKind::Global, params: None, results: None },
                ExternType::Tag(_) => ExportInfo { name, kind: ExportKind::Tag, params: None, results: None },
            }
        })
        .collect())
}

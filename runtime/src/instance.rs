//! Creating instances (`instantiate`), listing their exports and dropping them.

use std::cell::RefCell;
use std::rc::Rc;

use deno_core::OpState;
use wasmtime::{ExternType, Store, Trap};

use crate::error::{ErrorCode, WasmError, WasmResult};
use crate::generated::{ExportInfo, ExportKind, InstantiateOptions};
use crate::state::WasmState;
use crate::store::{HostState, InstanceEntry, UNLIMITED_FUEL};
use crate::values::value_type;

pub async fn instantiate(state: Rc<RefCell<OpState>>, module: u32, options: InstantiateOptions) -> WasmResult<u32> {
    let wasm = WasmState::from_rc(&state)?;
    let entry = wasm.module(module)?;
    let program_name = entry.module.name().unwrap_or("main.wasm").to_string();
    // Options and permissions are checked here, on the JS thread, before any work.
    let wasi = crate::wasi::build_context(&wasm, &program_name, &options)?;
    let fuel = options.fuel;
    let worker_state = wasm.clone();
    let instance_entry = crate::worker::run(move || -> WasmResult<InstanceEntry> {
        let pre = entry.instance_pre(&worker_state)?;
        let mut store = Store::new(&worker_state.engine, HostState { wasi });
        store
            .set_fuel(fuel.unwrap_or(UNLIMITED_FUEL))
            .map_err(|e| WasmError::bug(ErrorCode::InstantiateError, format!("set_fuel: {e}")))?;
        let instance = pre.instantiate(&mut store).map_err(instantiate_error)?;
        Ok(InstanceEntry { store, instance, fuel_limited: fuel.is_some() })
    })
    .await?;
    let module = wasm.module(module).map(|m| m.module.clone());
    // The module may have been dropped while we instantiated; the instance is still fine.
    let module = match module {
        Ok(m) => m,
        Err(_) => instance_entry.instance.module(&instance_entry.store).clone(),
    };
    wasm.add_instance(module, instance_entry)
}

fn instantiate_error(error: wasmtime::Error) -> WasmError {
    if let Some(Trap::OutOfFuel) = error.downcast_ref::<Trap>() {
        return WasmError::new(ErrorCode::FuelExhausted, "the start function used up the instance's fuel budget");
    }
    WasmError::instantiate(format!("instantiation failed: {error:#}"))
}

pub fn drop_instance(state: &mut OpState, instance: u32) -> WasmResult<()> {
    // A call in flight keeps its own reference; the store is freed when it returns.
    WasmState::from_op_state(state)?.remove_instance(instance).map(drop)
}

pub fn get_exports(state: &mut OpState, instance: u32) -> WasmResult<Vec<ExportInfo>> {
    let live = WasmState::from_op_state(state)?.instance(instance)?;
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

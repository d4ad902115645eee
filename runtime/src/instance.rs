//! Creating instances (`instantiate`), listing their exports and dropping them.

use std::sync::Arc;

use wasmtime::{ExternType, Store, Trap};

use crate::error::{ErrorCode, WasmError, WasmResult};
use wasmtime_wasi::p1::WasiP1Ctx;

use crate::generated::{ExportInfo, ExportKind, InstantiateOptions};
use crate::limits::InstanceLimiter;
use crate::module::ModuleEntry;
use crate::state::WasmState;
use crate::store::{CallLimits, CapturedOutput, HostState, InstanceEntry, UNLIMITED_FUEL};
use crate::values::value_type;

pub async fn instantiate(wasm: Arc<WasmState>, module: u32, options: InstantiateOptions) -> WasmResult<u32> {
    let entry = wasm.module(module)?;
    // Options and permissions are checked here, on the JS thread, before any work.
    let setup = InstanceSetup::new(&wasm, &entry, Some(&options))?;
    // Without a start function instantiation runs no wasm: it is quick and bounded, so it
    // is done here rather than paying for a trip to a worker thread.
    if !entry.has_start {
        return setup.instantiate(&wasm, &entry);
    }
    let worker_state = wasm.clone();
    let (module, instance, stdout, stderr) = crate::worker::run(move || setup.make(&worker_state, &entry)).await?;
    wasm.add_instance(module, instance, stdout, stderr)
}

/// `instantiate` without options, entirely on the JS thread: the new handle, or 0 when
/// the module has a start function (which may run long, so the caller must use the
/// async op).
pub fn instantiate_now(wasm: &WasmState, module: u32) -> WasmResult<u32> {
    let entry = wasm.module(module)?;
    if entry.has_start {
        return Ok(0);
    }
    InstanceSetup::new(wasm, &entry, None)?.instantiate(wasm, &entry)
}

/// Everything an instance needs before its store exists: checked options, the WASI
/// context and the limits.
struct InstanceSetup {
    wasi: Option<WasiP1Ctx>,
    stdout: Option<CapturedOutput>,
    stderr: Option<CapturedOutput>,
    limiter: InstanceLimiter,
    fuel: Option<u64>,
    limits: CallLimits,
}

/// A made instance, ready for `WasmState::add_instance`.
type Made = (wasmtime::Module, InstanceEntry, Option<CapturedOutput>, Option<CapturedOutput>);

impl InstanceSetup {
    fn new(wasm: &WasmState, entry: &ModuleEntry, options: Option<&InstantiateOptions>) -> WasmResult<Self> {
        wasm.check_instance_capacity()?;
        let no_options = InstantiateOptions::default();
        let given = options.unwrap_or(&no_options);
        // A module without imports cannot reach WASI: without options (which must still be
        // checked when given), its context is not built.
        let (wasi, stdout, stderr) = if entry.module.imports().len() == 0 && options.is_none() {
            (None, None, None)
        } else {
            let program_name = entry.module.name().unwrap_or("main.wasm");
            let parts = crate::wasi::build_context(wasm, program_name, given)?;
            (Some(parts.ctx), parts.stdout, parts.stderr)
        };
        Ok(Self {
            wasi,
            stdout,
            stderr,
            limiter: InstanceLimiter::new(
                given.max_memory_bytes.map(saturating_usize),
                given.max_table_elements.map(saturating_usize),
                wasm.memory_budget.clone(),
            ),
            fuel: given.fuel,
            limits: CallLimits { timeout_ms: given.timeout_ms },
        })
    }

    /// Make the instance here and register it.
    fn instantiate(self, wasm: &WasmState, entry: &ModuleEntry) -> WasmResult<u32> {
        let (module, instance, stdout, stderr) = self.make(wasm, entry)?;
        wasm.add_instance(module, instance, stdout, stderr)
    }

    /// Create the store and instantiate (running the start function, if any).
    fn make(self, wasm: &WasmState, entry: &ModuleEntry) -> WasmResult<Made> {
        let pre = entry.instance_pre(wasm)?;
        let mut store = Store::new(&wasm.engine, HostState::new(self.wasi, self.limiter));
        store.limiter(|host| &mut host.limiter);
        crate::timeout::install_deadline_callback(&mut store, &wasm.ticker);
        store
            .set_fuel(self.fuel.unwrap_or(UNLIMITED_FUEL))
            .map_err(|e| WasmError::bug(ErrorCode::InstantiateError, format!("set_fuel: {e}")))?;
        // The start function runs during instantiation: it gets the instance's timeout.
        wasm.ticker.arm(&wasm.engine, &mut store, self.limits.timeout_ms);
        // WASI's host functions are async: a module that imports them is instantiated
        // with the async call; one without imports takes the sync one, without a fiber.
        let sync_calls = entry.module.imports().len() == 0;
        let instance = if sync_calls {
            pre.instantiate(&mut store)
        } else {
            crate::worker::block_on(pre.instantiate_async(&mut store))
        }
        .map_err(instantiate_error)?;
        crate::timeout::Ticker::disarm(&mut store);
        let made = InstanceEntry {
            store,
            instance,
            fuel_limited: self.fuel.is_some(),
            limits: self.limits,
            sync_calls,
            func_cache: Vec::new(),
        };
        Ok((entry.module.clone(), made, self.stdout, self.stderr))
    }
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

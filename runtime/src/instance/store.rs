//! What an instance's mutex guards: its Wasmtime `Store` (with the WASI context, the
//! resource limiter and the deadline inside), the instantiated exports and its default
//! call limits.

use std::sync::Arc;

use wasmtime::{Memory, Store};
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::WasiCtxBuilder;

use crate::error::{WasmError, WasmResult};
use crate::host_link::HostLink;
use crate::limits::InstanceLimiter;
use crate::timeout::{Deadline, HasDeadline};

/// The data of every store: each instance has its own WASI state (fds, env, preopens).
pub struct StoreData {
    /// None for a module without imports instantiated without options: nothing can
    /// reach WASI, so the context (which costs more than the instance) is not built.
    pub wasi: Option<WasiP1Ctx>,
    pub limiter: InstanceLimiter,
    pub deadline: Deadline,
    /// Where the host-import trampolines post their requests; `None` for an instance
    /// without host functions.
    pub host: Option<Arc<HostLink>>,
    /// The instance's `memory` export as the trampolines found it on their first call
    /// (`Some(None)`: there is none).
    pub host_memory: Option<Option<wasmtime::Memory>>,
    /// A component instance's WASI 0.2 state (`crate::component`); `None` for a module.
    pub component_wasi: Option<ComponentWasi>,
    /// For a component instance with host imports: where their trampolines post.
    pub component_host: Option<Arc<crate::host_link::ComponentHostLink>>,
}

/// What WASI 0.2 keeps per component instance: its context and the table of the
/// resources (streams, files) the guest holds.
pub struct ComponentWasi {
    pub ctx: wasmtime_wasi::WasiCtx,
    pub table: wasmtime::component::ResourceTable,
}

impl StoreData {
    pub fn new(wasi: Option<WasiP1Ctx>, limiter: InstanceLimiter, deadline: Deadline) -> Self {
        Self { wasi, limiter, deadline, host: None, host_memory: None, component_wasi: None, component_host: None }
    }

    /// The WASI context for the linker's host functions. Only modules with imports reach
    /// them, and those always get a context; the empty one is a fallback, not a path.
    pub fn wasi_ctx(&mut self) -> &mut WasiP1Ctx {
        self.wasi.get_or_insert_with(|| WasiCtxBuilder::new().build_p1())
    }
}

/// WASI 0.2's host functions reach the component's context through this. Only component
/// stores are linked with them, and those always get a context; the empty one is a
/// fallback, not a path.
impl wasmtime_wasi::WasiView for StoreData {
    fn ctx(&mut self) -> wasmtime_wasi::WasiCtxView<'_> {
        let wasi = self.component_wasi.get_or_insert_with(|| ComponentWasi {
            ctx: WasiCtxBuilder::new().build(),
            table: wasmtime::component::ResourceTable::new(),
        });
        wasmtime_wasi::WasiCtxView { ctx: &mut wasi.ctx, table: &mut wasi.table }
    }
}

impl HasDeadline for StoreData {
    fn deadline(&mut self) -> &mut Deadline {
        &mut self.deadline
    }
}

/// Limits an instance applies to each call unless the call overrides them.
#[derive(Debug, Clone, Copy)]
pub struct CallLimits {
    pub timeout_ms: Option<u64>,
    /// The code has epoch checks (`interruptible`, the default): calls can time out and
    /// can start on the JS thread. Without them every async call runs on a worker.
    pub interruptible: bool,
}

/// The part of an instance that calls need exclusive access to.
pub struct InstanceStore {
    pub store: Store<StoreData>,
    pub instance: wasmtime::Instance,
    /// The instance was created with a fuel budget, so it runs code compiled with fuel
    /// metering (`crate::engine`); without one it has no fuel at all.
    pub fuel_limited: bool,
    pub limits: CallLimits,
    /// The module imports nothing, so the store has no async host function: calls that
    /// run to the end use Wasmtime's sync call, without the cost of a fiber.
    pub sync_calls: bool,
    /// `Func`s of resolved function handles, by handle index (filled on first call).
    pub func_cache: Vec<Option<wasmtime::Func>>,
}

impl InstanceStore {
    /// The instance's linear memory: the export named `memory`, else the only memory.
    pub fn memory(&mut self) -> WasmResult<Memory> {
        if let Some(memory) = self.instance.get_memory(&mut self.store, "memory") {
            return Ok(memory);
        }
        let mut memories = Vec::new();
        for export in self.instance.exports(&mut self.store) {
            let name = export.name().to_string();
            if let Some(memory) = export.into_memory() {
                memories.push((name, memory));
            }
        }
        match memories.len() {
            1 => Ok(memories.remove(0).1),
            0 => Err(WasmError::export_not_found("the instance exports no memory")),
            _ => Err(WasmError::export_not_found(format!(
                "the instance exports {} memories and none is named \"memory\": {}",
                memories.len(),
                memories.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(", ")
            ))),
        }
    }
}

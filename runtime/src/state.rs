//! Per-runtime state: the engine, the linker, and the module and instance tables.
//!
//! Handles are small integers that are never reused, so a stale handle can only ever
//! mean "dropped" (5004 / 5005), never someone else's module or instance.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use deno_core::OpState;
use parking_lot::Mutex;
use wasmtime::{Engine, Linker};

use crate::config::WasmConfig;
use crate::error::{WasmError, WasmResult};
use crate::module::ModuleEntry;
use crate::permissions::PermissionPolicy;
use crate::store::{HostState, InstanceEntry};

/// A live instance. The module (for export types) is readable without waiting for a
/// call in flight; the mutex around the store serialises calls into the instance.
pub struct LiveInstance {
    pub module: wasmtime::Module,
    pub entry: Mutex<InstanceEntry>,
}

pub type InstanceCell = Arc<LiveInstance>;

pub struct WasmState {
    pub engine: Engine,
    pub linker: Linker<HostState>,
    pub permissions: Arc<dyn PermissionPolicy>,
    modules: Mutex<HandleTable<Arc<ModuleEntry>>>,
    instances: Mutex<HandleTable<InstanceCell>>,
}

/// What the extension keeps in `OpState`: the state, or why it could not be made.
struct StateSlot(Result<Arc<WasmState>, WasmError>);

/// The extension's `state` hook (called by the generated `extension!`).
pub fn init(state: &mut OpState, config: WasmConfig) {
    state.put(StateSlot(WasmState::new(config).map(Arc::new)));
}

impl WasmState {
    pub fn new(config: WasmConfig) -> WasmResult<Self> {
        let engine = crate::engine::new_engine()?;
        let linker = crate::engine::new_linker(&engine)?;
        Ok(Self {
            engine,
            linker,
            permissions: config.permissions,
            modules: Mutex::new(HandleTable::default()),
            instances: Mutex::new(HandleTable::default()),
        })
    }

    pub fn from_op_state(state: &OpState) -> WasmResult<Arc<WasmState>> {
        match state.try_borrow::<StateSlot>() {
            Some(StateSlot(result)) => result.clone(),
            None => Err(WasmError::bug(crate::error::ErrorCode::InvalidModuleHandle, "runtime_wasm extension state missing")),
        }
    }

    pub fn from_rc(state: &Rc<RefCell<OpState>>) -> WasmResult<Arc<WasmState>> {
        Self::from_op_state(&state.borrow())
    }

    pub fn add_module(&self, entry: ModuleEntry) -> WasmResult<u32> {
        self.modules
            .lock()
            .insert(Arc::new(entry))
            .ok_or_else(|| WasmError::compile("this runtime has created 2^32-1 modules; no module handle is left"))
    }

    pub fn module(&self, handle: u32) -> WasmResult<Arc<ModuleEntry>> {
        self.modules.lock().get(handle).cloned().ok_or_else(|| WasmError::invalid_module(handle))
    }

    pub fn remove_module(&self, handle: u32) -> WasmResult<()> {
        self.modules.lock().remove(handle).map(drop).ok_or_else(|| WasmError::invalid_module(handle))
    }

    pub fn add_instance(&self, module: wasmtime::Module, entry: InstanceEntry) -> WasmResult<u32> {
        self.instances
            .lock()
            .insert(Arc::new(LiveInstance { module, entry: Mutex::new(entry) }))
            .ok_or_else(|| WasmError::instantiate("this runtime has created 2^32-1 instances; no instance handle is left"))
    }

    pub fn instance(&self, handle: u32) -> WasmResult<InstanceCell> {
        self.instances.lock().get(handle).cloned().ok_or_else(|| WasmError::invalid_instance(handle))
    }

    pub fn remove_instance(&self, handle: u32) -> WasmResult<InstanceCell> {
        self.instances.lock().remove(handle).ok_or_else(|| WasmError::invalid_instance(handle))
    }

}

/// Handle -> value map whose handles count up from 1 and are never reused.
struct HandleTable<T> {
    next: u32,
    entries: HashMap<u32, T>,
}

impl<T> Default for HandleTable<T> {
    fn default() -> Self {
        Self { next: 1, entries: HashMap::new() }
    }
}

impl<T> HandleTable<T> {
    /// `None` once all 2^32-1 handles have been handed out: wrapping would reuse one.
    fn insert(&mut self, value: T) -> Option<u32> {
        let handle = self.next;
        self.next = self.next.checked_add(1)?;
        self.entries.insert(handle, value);
        Some(handle)
    }
    fn get(&self, handle: u32) -> Option<&T> {
        self.entries.get(&handle)
    }
    fn remove(&mut self, handle: u32) -> Option<T> {
        self.entries.remove(&handle)
    }
}

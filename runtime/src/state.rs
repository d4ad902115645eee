//! Per-runtime state: the engine, the linker, and the module and instance tables.
//!
//! Handles are small integers that are never reused, so a stale handle can only ever
//! mean "dropped" (5004 / 5005), never someone else's module or instance.

use std::collections::HashMap;
use std::sync::Arc;

use parking_lot::Mutex;
use wasmtime::{Engine, Linker};

use crate::cache::ModuleCache;
use crate::config::WasmConfig;
use crate::limits::MemoryBudget;
use crate::timeout::Ticker;
use crate::error::{WasmError, WasmResult};
use crate::module::ModuleEntry;
use crate::permissions::PermissionPolicy;
use crate::store::{CapturedOutput, HostState, InstanceEntry};

/// A live instance. The module (for export types) is readable without waiting for a
/// call in flight; the mutex around the store serialises calls into the instance.
pub struct LiveInstance {
    pub module: wasmtime::Module,
    /// In an `Arc` so that an async call can carry the lock from the JS thread to a
    /// worker (`Mutex::lock_arc`).
    pub entry: Arc<Mutex<InstanceEntry>>,
    /// Functions resolved with `getFunction`; a handle is an index into this list.
    pub functions: Mutex<Vec<Arc<crate::function::FunctionSig>>>,
    /// Piped stdout and stderr, readable while a call runs.
    pub stdout: Option<Mutex<CapturedOutput>>,
    pub stderr: Option<Mutex<CapturedOutput>>,
}

pub type InstanceCell = Arc<LiveInstance>;

impl LiveInstance {
    /// The signature of the exported function `name` (5003 when there is no such function).
    pub fn func_type(&self, name: &str) -> WasmResult<wasmtime::FuncType> {
        match self.module.get_export(name) {
            Some(wasmtime::ExternType::Func(ty)) => Ok(ty),
            Some(_) => Err(WasmError::export_not_found(format!("export \"{name}\" is not a function"))),
            None => Err(WasmError::export_not_found(format!("the instance has no export named \"{name}\""))),
        }
    }
}

pub struct WasmState {
    pub engine: Engine,
    pub linker: Linker<HostState>,
    pub permissions: Arc<dyn PermissionPolicy>,
    pub memory_budget: Arc<MemoryBudget>,
    pub module_cache: ModuleCache,
    pub ticker: Ticker,
    max_modules: Option<usize>,
    max_instances: Option<usize>,
    modules: Mutex<HandleTable<Arc<ModuleEntry>>>,
    instances: Mutex<HandleTable<InstanceCell>>,
}

impl WasmState {
    pub fn new(config: WasmConfig) -> WasmResult<Self> {
        let engine = crate::engine::new_engine()?;
        let linker = crate::engine::new_linker(&engine)?;
        Ok(Self {
            module_cache: ModuleCache::new(&engine, config.compile_cache_dir.clone()),
            engine,
            linker,
            permissions: config.permissions,
            memory_budget: Arc::new(MemoryBudget::new(config.max_total_memory_bytes)),
            ticker: Ticker::default(),
            max_modules: config.max_modules,
            max_instances: config.max_instances,
            modules: Mutex::new(HandleTable::default()),
            instances: Mutex::new(HandleTable::default()),
        })
    }

    pub fn add_module(&self, entry: ModuleEntry) -> WasmResult<u32> {
        let mut modules = self.modules.lock();
        if let Some(max) = self.max_modules.filter(|max| modules.len() >= *max) {
            return Err(WasmError::compile(format!(
                "this runtime already holds {max} modules, its limit; drop modules you no longer need (dropModule)"
            )));
        }
        modules
            .insert(Arc::new(entry))
            .ok_or_else(|| WasmError::compile("this runtime has created 2^32-1 modules; no module handle is left"))
    }

    pub fn module(&self, handle: u32) -> WasmResult<Arc<ModuleEntry>> {
        self.modules.lock().get(handle).cloned().ok_or_else(|| WasmError::invalid_module(handle))
    }

    pub fn remove_module(&self, handle: u32) -> WasmResult<()> {
        let entry = self.modules.lock().remove(handle).ok_or_else(|| WasmError::invalid_module(handle))?;
        self.module_cache.release(&entry.hash);
        Ok(())
    }

    /// 5001 when the runtime is at its instance limit (checked before the work of
    /// instantiating, and again when the instance is added).
    pub fn check_instance_capacity(&self) -> WasmResult<()> {
        let live = self.instances.lock().len();
        match self.max_instances {
            Some(max) if live >= max => Err(WasmError::instantiate(format!(
                "this runtime already holds {max} instances, its limit; drop instances you no longer need (instance.drop())"
            ))),
            _ => Ok(()),
        }
    }

    pub fn add_instance(
        &self,
        module: wasmtime::Module,
        entry: InstanceEntry,
        stdout: Option<CapturedOutput>,
        stderr: Option<CapturedOutput>,
    ) -> WasmResult<u32> {
        let mut instances = self.instances.lock();
        if let Some(max) = self.max_instances.filter(|max| instances.len() >= *max) {
            return Err(WasmError::instantiate(format!(
                "this runtime already holds {max} instances, its limit; drop instances you no longer need (instance.drop())"
            )));
        }
        instances
            .insert(Arc::new(LiveInstance {
                module,
                entry: Arc::new(Mutex::new(entry)),
                functions: Mutex::new(Vec::new()),
                stdout: stdout.map(Mutex::new),
                stderr: stderr.map(Mutex::new),
            }))
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
    fn len(&self) -> usize {
        self.entries.len()
    }
}


//! Per-runtime state: the engine, the linker, the module cache, the epoch ticker, and the
//! handle tables of modules and instances.
//!
//! Handles are small integers that are never reused, so a stale handle can only ever
//! mean "dropped" (5004 / 5005), never someone else's module or instance.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use parking_lot::Mutex;
use wasmtime::{Engine, Linker};

use crate::cache::{ComponentCache, ModuleCache};
use crate::compile_progress::ProgressReporter;
use crate::component::{CompiledComponent, ComponentInstance};
use crate::config::WasmConfig;
use crate::engine::{EngineKind, Profile};
use crate::error::{WasmError, WasmResult};
use crate::host::HostedCalls;
use crate::instance::{Instance, InstanceEnv, StoreData};
use crate::limits::MemoryBudget;
use crate::module::{Compiled, CompiledModule};
use crate::timeout::Ticker;

pub struct WasmState {
    pub engine: Engine,
    pub linker: Linker<StoreData>,
    pub module_cache: Arc<ModuleCache>,
    /// Compiled components, on the plain engine (in the same directory on disk).
    pub component_cache: Arc<ComponentCache>,
    /// What creating an instance needs (the permission policy, the memory budget, the
    /// epoch clock); the policy also decides `compileFile` paths.
    pub instance_env: InstanceEnv,
    /// Owns the epoch thread; stores only hold its `Clock`.
    ticker: Ticker,
    /// The engines of the other kinds (fuel metering, no epoch checks), each made when
    /// the first instance asks for it (`crate::engine`); by `EngineKind::index`, the
    /// plain kind's slot unused.
    profiles: [OnceLock<Result<Arc<Profile>, WasmError>>; EngineKind::COUNT],
    compile_cache_dir: Option<PathBuf>,
    compile_progress: Option<ProgressReporter>,
    max_modules: Option<usize>,
    max_instances: Option<usize>,
    /// Modules and components share one handle space: `instantiate` takes either.
    modules: Mutex<HandleTable<Compiled>>,
    instances: Mutex<HandleTable<Arc<Instance>>>,
    /// Component instances, a table of their own (the JS side keeps them apart); they
    /// count towards `max_instances` with the others.
    components: Mutex<HandleTable<Arc<ComponentInstance>>>,
    /// The WASI 0.2 linker of each engine kind, made when the first component is
    /// instantiated on it (by `EngineKind::index`).
    component_linkers: [OnceLock<WasmResult<Arc<crate::component::Linker>>>; EngineKind::COUNT],
    /// Calls of instances with host functions, between the ops that drive them.
    pub hosted: HostedCalls,
}

impl WasmState {
    pub fn new(config: WasmConfig) -> WasmResult<Self> {
        let engine = crate::engine::new_engine()?;
        let linker = crate::engine::new_linker(&engine)?;
        let ticker = Ticker::new(&engine);
        let compile_progress = config.progress_reporter();
        Ok(Self {
            module_cache: Arc::new(
                ModuleCache::new(&engine, config.compile_cache_dir.clone()).with_progress(config.progress_reporter()),
            ),
            component_cache: Arc::new(
                ComponentCache::new(&engine, config.compile_cache_dir.clone())
                    .with_progress(config.progress_reporter()),
            ),
            instance_env: InstanceEnv {
                permissions: config.permissions,
                memory_budget: Arc::new(MemoryBudget::new(config.max_total_memory_bytes)),
                clock: ticker.clock(),
            },
            engine,
            linker,
            ticker,
            profiles: Default::default(),
            compile_cache_dir: config.compile_cache_dir.clone(),
            compile_progress,
            max_modules: config.max_modules,
            max_instances: config.max_instances,
            modules: Mutex::new(HandleTable::default()),
            instances: Mutex::new(HandleTable::default()),
            components: Mutex::new(HandleTable::default()),
            component_linkers: Default::default(),
            hosted: HostedCalls::default(),
        })
    }

    /// The engine of `kind` (not the plain one, which is `engine`), its linker and
    /// module cache, made on first use.
    pub fn profile(&self, kind: EngineKind) -> WasmResult<Arc<Profile>> {
        let slot = self.profiles.get(kind.index()).ok_or_else(|| WasmError::bug("no such engine kind"))?;
        slot.get_or_init(|| {
            let profile = Profile::new(kind, self.compile_cache_dir.clone(), self.compile_progress.clone())?;
            if kind.epochs {
                self.ticker.add_engine(&profile.engine);
            }
            Ok(Arc::new(profile))
        })
        .clone()
    }

    /// The engine of `kind`: the plain one, or that kind's profile's.
    pub fn engine_of(&self, kind: EngineKind) -> WasmResult<Engine> {
        match kind {
            EngineKind::PLAIN => Ok(self.engine.clone()),
            other => Ok(self.profile(other)?.engine.clone()),
        }
    }

    /// The WASI 0.2 linker for components on the engine of `kind`.
    pub fn component_linker(&self, kind: EngineKind) -> WasmResult<Arc<crate::component::Linker>> {
        let slot = self.component_linkers.get(kind.index()).ok_or_else(|| WasmError::bug("no such engine kind"))?;
        slot.get_or_init(|| crate::component::new_linker(&self.engine_of(kind)?, kind.concurrent).map(Arc::new)).clone()
    }

    /// Register a compiled module or component; on failure its module-cache reference is
    /// given back.
    pub fn add_module(&self, compiled: Compiled) -> WasmResult<u32> {
        let mut modules = self.modules.lock();
        let (hash, is_component) = match &compiled {
            Compiled::Module(module) => (module.hash, false),
            Compiled::Component(component) => (component.hash, true),
        };
        let added = match self.max_modules {
            Some(max) if modules.len() >= max => Err(WasmError::compile(format!(
                "this runtime already holds {max} modules, its limit; drop modules you no longer need (dropModule)"
            ))),
            _ => modules
                .insert(compiled)
                .ok_or_else(|| WasmError::compile("this runtime has created 2^32-1 modules; no module handle is left")),
        };
        added.inspect_err(|_| match is_component {
            true => self.component_cache.release(&hash),
            false => self.module_cache.release(&hash),
        })
    }

    /// The core module behind `handle`; a component's handle is refused with 5015.
    pub fn module(&self, handle: u32) -> WasmResult<Arc<CompiledModule>> {
        match self.modules.lock().get(handle) {
            Some(Compiled::Module(module)) => Ok(module.clone()),
            Some(Compiled::Component(_)) => Err(crate::component::not_for_components(format!(
                "module handle {handle} is a component; this operation takes a core module"
            ))),
            None => Err(WasmError::invalid_module(handle)),
        }
    }

    /// The component behind `handle`; a core module's handle is refused with 5015.
    pub fn component(&self, handle: u32) -> WasmResult<Arc<CompiledComponent>> {
        match self.modules.lock().get(handle) {
            Some(Compiled::Component(component)) => Ok(component.clone()),
            Some(Compiled::Module(_)) => Err(crate::component::not_for_components(format!(
                "module handle {handle} is a core module; this operation takes a component"
            ))),
            None => Err(WasmError::invalid_module(handle)),
        }
    }

    /// Whether `handle` is a component (5004 when it is neither).
    pub fn is_component(&self, handle: u32) -> WasmResult<bool> {
        match self.modules.lock().get(handle) {
            Some(compiled) => Ok(matches!(compiled, Compiled::Component(_))),
            None => Err(WasmError::invalid_module(handle)),
        }
    }

    pub fn remove_module(&self, handle: u32) -> WasmResult<()> {
        let compiled = self.modules.lock().remove(handle).ok_or_else(|| WasmError::invalid_module(handle))?;
        let compiled = match compiled {
            Compiled::Module(module) => module,
            Compiled::Component(component) => {
                self.component_cache.release(&component.hash);
                return Ok(());
            }
        };
        self.module_cache.release(&compiled.hash);
        for profile in self.profiles.iter().filter_map(|slot| slot.get()).flatten() {
            if compiled.has_variant(profile.kind) {
                profile.cache.release(&compiled.hash);
            }
        }
        Ok(())
    }

    /// 5001 when the runtime is at its instance limit (checked before the work of
    /// instantiating, and again when the instance is added).
    pub fn check_instance_capacity(&self) -> WasmResult<()> {
        self.instance_capacity(self.instances.lock().len() + self.components.lock().len())
    }

    fn instance_capacity(&self, live: usize) -> WasmResult<()> {
        match self.max_instances {
            Some(max) if live >= max => Err(WasmError::instantiate(format!(
                "this runtime already holds {max} instances, its limit; drop instances you no longer need (instance.drop())"
            ))),
            _ => Ok(()),
        }
    }

    pub fn add_instance(&self, instance: Instance) -> WasmResult<u32> {
        let components = self.components.lock().len();
        let mut instances = self.instances.lock();
        self.instance_capacity(instances.len() + components)?;
        instances.insert(Arc::new(instance)).ok_or_else(|| {
            WasmError::instantiate("this runtime has created 2^32-1 instances; no instance handle is left")
        })
    }

    pub fn instance(&self, handle: u32) -> WasmResult<Arc<Instance>> {
        self.instances.lock().get(handle).cloned().ok_or_else(|| WasmError::invalid_instance(handle))
    }

    /// A call in flight keeps its own reference; the store is freed when it returns.
    pub fn remove_instance(&self, handle: u32) -> WasmResult<()> {
        self.instances.lock().remove(handle).map(drop).ok_or_else(|| WasmError::invalid_instance(handle))
    }

    pub fn add_component_instance(&self, instance: ComponentInstance) -> WasmResult<u32> {
        let instances = self.instances.lock().len();
        let mut components = self.components.lock();
        self.instance_capacity(instances + components.len())?;
        components.insert(Arc::new(instance)).ok_or_else(|| {
            WasmError::instantiate("this runtime has created 2^32-1 component instances; no handle is left")
        })
    }

    pub fn component_instance(&self, handle: u32) -> WasmResult<Arc<ComponentInstance>> {
        self.components.lock().get(handle).cloned().ok_or_else(|| WasmError::invalid_instance(handle))
    }

    pub fn remove_component_instance(&self, handle: u32) -> WasmResult<()> {
        self.components.lock().remove(handle).map(drop).ok_or_else(|| WasmError::invalid_instance(handle))
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

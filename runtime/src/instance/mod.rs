//! The instance: one home for what a live instance is (`Instance`), what its store holds
//! (`store.rs`) and how it is made (`create.rs`).
//!
//! Nothing here knows the runtime's handle tables: the op layer (`crate::ops`) looks an
//! instance up and hands it over, and creation gets the few runtime parts it needs
//! (`InstanceEnv`) rather than the whole state.

mod create;
mod store;
pub mod turns;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use parking_lot::{ArcMutexGuard, Mutex, RawMutex};
use wasmtime::{ExternType, ValType};

use crate::error::{WasmError, WasmResult};
use crate::generated::{ExportInfo, ExportKind, FunctionInfo};
use crate::host_link::HostLink;
use crate::stdio::CapturedStreams;
use crate::values::value_type;

pub use create::{call_limits, create, create_here, create_hosted, limiter, InstanceEnv};
pub use store::{CallLimits, ComponentWasi, InstanceStore, StoreData};
use turns::{Turn, Turns};

/// The store lock held, movable from the JS thread to a worker.
pub type StoreGuard = ArcMutexGuard<RawMutex, InstanceStore>;

/// A live instance. The module (for export types) is readable without waiting for a
/// call in flight; the mutex around the store serialises calls into the instance, and
/// `turns` makes them take it in the order JS issued them.
pub struct Instance {
    pub module: wasmtime::Module,
    /// In an `Arc` so that an async call can carry the lock from the JS thread to a
    /// worker (`Mutex::lock_arc`). Taken only through `try_lock`, `queue` and
    /// `lock_in_line`, which respect the line.
    store: Arc<Mutex<InstanceStore>>,
    turns: Arc<Turns>,
    /// Functions resolved with `getFunction`; a function handle is an index into this list.
    functions: Mutex<Vec<Arc<FunctionHandle>>>,
    /// Piped stdout and stderr, readable while a call runs.
    pub streams: CapturedStreams,
    /// For an instance with host functions: the link its calls ask JS through, which
    /// also gives access to its memory while a host function runs.
    pub host: Option<Arc<HostLink>>,
    /// Its code has epoch checks (see `CallLimits::interruptible`).
    pub interruptible: bool,
}

/// A place in line for an instance's store (`Instance::queue`). Dropping it unused gives
/// the place up.
pub struct StoreTurn {
    turn: Turn,
    store: Arc<Mutex<InstanceStore>>,
}

impl StoreTurn {
    /// Wait for this turn and then for the lock (blocking): on a worker, or in a sync op.
    pub fn lock(self) -> StoreGuard {
        let store = self.store;
        self.turn.wait(|| store.lock_arc())
    }
}

/// A resolved exported function: its name and signature, looked up once.
pub struct FunctionHandle {
    pub name: String,
    pub params: Vec<ValType>,
    pub results: Vec<ValType>,
    /// The last async call (or batch) lasted an epoch tick or more. The next one then goes
    /// straight to a worker: starting it on the JS thread would only hold up the event
    /// loop for a tick (and the start of calls into other instances) before it moves.
    runs_long: AtomicBool,
}

impl FunctionHandle {
    pub fn new(name: String, params: Vec<ValType>, results: Vec<ValType>) -> Self {
        Self { name, params, results, runs_long: AtomicBool::new(false) }
    }

    /// Whether the last calls ran an epoch tick or more.
    pub fn runs_long(&self) -> bool {
        self.runs_long.load(Ordering::Relaxed)
    }

    /// Remember how long the calls that started at `started` took.
    pub fn note_duration(&self, started: Instant) {
        self.runs_long.store(started.elapsed() >= crate::timeout::TICK, Ordering::Relaxed);
    }
}

impl Instance {
    pub fn new(module: wasmtime::Module, store: InstanceStore, streams: CapturedStreams) -> Self {
        Self {
            interruptible: store.limits.interruptible,
            module,
            store: Arc::new(Mutex::new(store)),
            turns: Arc::default(),
            functions: Mutex::new(Vec::new()),
            streams,
            host: None,
        }
    }

    /// The instance of a module with host functions, linked through `link`.
    pub fn with_host(mut self, link: Arc<HostLink>) -> Self {
        self.host = Some(link);
        self
    }

    /// 5002 when a host function of this instance is running or awaited: an operation
    /// that needs the store would wait for the call that waits for JS.
    pub fn not_in_host_call(&self, what: &str) -> WasmResult<()> {
        match self.host.as_ref().and_then(|link| link.busy(what)) {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }

    /// 5002 for the plain call paths on an instance with host functions: its calls must
    /// be driven from JS (`crate::host`), or a host request would never be answered.
    pub fn without_host_functions(&self, what: &str) -> WasmResult<()> {
        match self.host {
            Some(_) => Err(WasmError::call(format!(
                "{what}: this instance has host functions; its calls go through the hosted call ops"
            ))),
            None => Ok(()),
        }
    }

    /// The store, at once, if it is free and no operation issued earlier waits for it.
    pub fn try_lock(&self) -> Option<StoreGuard> {
        self.turns.if_nobody_waits(|| self.store.try_lock_arc())
    }

    /// A place in line for the store, taken now; `StoreTurn::lock` waits for it. Refused
    /// while a host function of the instance runs (it would wait for itself).
    pub fn queue(&self) -> WasmResult<StoreTurn> {
        self.not_in_host_call("the instance is busy")?;
        Ok(StoreTurn { turn: self.turns.take(), store: Arc::clone(&self.store) })
    }

    /// The store, after every operation issued before this one, blocking this thread
    /// meanwhile (sync ops: the operations ahead run on workers, never on this thread).
    pub fn lock_in_line(&self) -> WasmResult<StoreGuard> {
        match self.try_lock() {
            Some(guard) => Ok(guard),
            None => Ok(self.queue()?.lock()),
        }
    }

    /// Run `f` with the instance's store locked: at once when it is free (answered on the
    /// JS thread), else on a worker thread once the call holding it is done, so the event
    /// loop never waits for a call. Memory, globals and fuel take the lock this way.
    pub async fn with_store<T, F>(instance: Arc<Instance>, f: F) -> WasmResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut InstanceStore) -> WasmResult<T> + Send + 'static,
    {
        if let Some(mut guard) = instance.try_lock() {
            return f(&mut guard);
        }
        let turn = instance.queue()?;
        crate::worker::run(move || f(&mut turn.lock())).await
    }

    /// The signature of the exported function `name` (5003 when there is no such function).
    pub fn func_type(&self, name: &str) -> WasmResult<wasmtime::FuncType> {
        match self.module.get_export(name) {
            Some(ExternType::Func(ty)) => Ok(ty),
            Some(_) => Err(WasmError::export_not_found(format!("export \"{name}\" is not a function"))),
            None => Err(WasmError::export_not_found(format!("the instance has no export named \"{name}\""))),
        }
    }

    /// Resolve the exported function `name` to a handle (`instance.getFunction`). The same
    /// export always gets the same handle.
    pub fn resolve_function(&self, name: &str) -> WasmResult<FunctionInfo> {
        let ty = self.func_type(name)?;
        let handle = FunctionHandle::new(name.to_string(), ty.params().collect(), ty.results().collect());
        let info = |index: usize| -> WasmResult<FunctionInfo> {
            Ok(FunctionInfo {
                index: u32::try_from(index).map_err(|_| WasmError::export_not_found("too many function handles"))?,
                params: handle.params.iter().map(value_type).collect(),
                results: handle.results.iter().map(value_type).collect(),
            })
        };
        let mut functions = self.functions.lock();
        if let Some(index) = functions.iter().position(|f| f.name == name) {
            return info(index);
        }
        let result = info(functions.len())?;
        functions.push(Arc::new(handle));
        Ok(result)
    }

    /// The function behind handle `index` (5003 when this instance never gave it out).
    pub fn function(&self, index: u32) -> WasmResult<Arc<FunctionHandle>> {
        self.functions.lock().get(index as usize).cloned().ok_or_else(|| {
            WasmError::export_not_found(format!("function handle {index} does not exist in this instance"))
        })
    }

    /// The module's exports with their kinds and, for functions, signatures.
    pub fn exports(&self) -> Vec<ExportInfo> {
        self.module
            .exports()
            .map(|export| {
                let name = export.name().to_string();
                let (kind, signature) = match export.ty() {
                    ExternType::Func(f) => (
                        ExportKind::Func,
                        Some((
                            f.params().map(|t| value_type(&t)).collect(),
                            f.results().map(|t| value_type(&t)).collect(),
                        )),
                    ),
                    ExternType::Memory(_) => (ExportKind::Memory, None),
                    ExternType::Table(_) => (ExportKind::Table, None),
                    ExternType::Global(_) => (ExportKind::Global, None),
                    ExternType::Tag(_) => (ExportKind::Tag, None),
                };
                let (params, results) = signature.unzip();
                ExportInfo { name, kind, params, results }
            })
            .collect()
    }
}

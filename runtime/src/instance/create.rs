//! Creating an instance (`instantiate`): options checked and the WASI context built on the
//! JS thread, then the store made and the module instantiated, on a worker thread when a
//! start function has to run.

use std::sync::Arc;

use wasmtime::{InstancePre, Store, Trap};

use crate::error::{ErrorCode, WasmError, WasmResult};
use crate::generated::InstantiateOptions;
use crate::host_link::{HostFailure, HostLink};
use crate::limits::{InstanceLimiter, MemoryBudget};
use crate::permissions::PermissionPolicy;
use crate::stdio::{CapturedOutput, CapturedStreams};
use crate::timeout::{Clock, Deadline};

use super::store::{CallLimits, InstanceStore, StoreData};
use super::Instance;

/// The parts of the runtime that creating an instance needs: the permission policy (for
/// preopens), the shared memory budget and the epoch clock.
#[derive(Clone)]
pub struct InstanceEnv {
    pub permissions: Arc<dyn PermissionPolicy>,
    pub memory_budget: Arc<MemoryBudget>,
    pub clock: Clock,
}

/// Create an instance of the pre-linked module. Options are checked here, before any
/// work; a module without a start function runs no wasm while it is instantiated, so it
/// is made here too, and one with a start function is made on a worker thread.
pub async fn create(
    env: &InstanceEnv,
    pre: &InstancePre<StoreData>,
    has_start: bool,
    options: Option<&InstantiateOptions>,
) -> WasmResult<Instance> {
    let setup = InstanceSetup::new(env, pre.module(), options)?;
    if !has_start {
        return setup.make(pre, env.clock.clone());
    }
    let (pre, clock) = (pre.clone(), env.clock.clone());
    crate::worker::run(move || setup.make(&pre, clock)).await
}

/// Create an instance of a module with host functions, linked through `link`: options
/// are checked now; the returned future instantiates (running the start function, whose
/// host calls go through `link`) when it is driven as a hosted call.
pub fn create_hosted(
    env: &InstanceEnv,
    pre: InstancePre<StoreData>,
    options: Option<&InstantiateOptions>,
    link: Arc<HostLink>,
) -> WasmResult<impl std::future::Future<Output = WasmResult<Instance>> + Send + 'static> {
    let setup = InstanceSetup::new(env, pre.module(), options)?;
    let clock = env.clock.clone();
    Ok(async move {
        let mut new = setup.store(&pre, clock);
        new.store.data_mut().host = Some(link.clone());
        // The start function yields at epoch ticks, so that it can leave the JS thread.
        new.arm(Pace::Slices)?;
        let started = std::time::Instant::now();
        let instance = pre.instantiate_async(&mut new.store).await.map_err(instantiate_error)?;
        Ok(new.finish(pre.module(), instance, false, started, Some(link)))
    })
}

/// `create` without options for a module without a start function, entirely on this
/// thread (the caller checks `has_start`).
pub fn create_here(env: &InstanceEnv, pre: &InstancePre<StoreData>) -> WasmResult<Instance> {
    InstanceSetup::new(env, pre.module(), None)?.make(pre, env.clock.clone())
}

/// Everything an instance needs before its store exists: checked options, the WASI
/// context and the limits.
struct InstanceSetup {
    wasi: Option<wasmtime_wasi::p1::WasiP1Ctx>,
    stdout: Option<CapturedOutput>,
    stderr: Option<CapturedOutput>,
    limiter: InstanceLimiter,
    fuel: Option<u64>,
    limits: CallLimits,
}

impl InstanceSetup {
    fn new(env: &InstanceEnv, module: &wasmtime::Module, options: Option<&InstantiateOptions>) -> WasmResult<Self> {
        let no_options = InstantiateOptions::default();
        let given = options.unwrap_or(&no_options);
        let limits = call_limits(given)?;
        // A module without imports cannot reach WASI: without options (which must still be
        // checked when given), its context is not built.
        let (wasi, stdout, stderr) = if module.imports().len() == 0 && options.is_none() {
            (None, None, None)
        } else {
            let program_name = module.name().unwrap_or("main.wasm");
            let parts = crate::wasi::build_context(&*env.permissions, program_name, given)?;
            (Some(parts.ctx), parts.stdout, parts.stderr)
        };
        Ok(Self { wasi, stdout, stderr, limiter: limiter(env, given), fuel: given.fuel, limits })
    }

    /// The store with the WASI context, limiter and deadline in place, and what the
    /// instance keeps besides.
    fn store(self, pre: &InstancePre<StoreData>, clock: Clock) -> NewStore {
        let wasi = self.wasi.is_some();
        let data = StoreData::new(self.wasi, self.limiter, Deadline::new(clock));
        let mut store = Store::new(pre.module().engine(), data);
        store.limiter(|data| &mut data.limiter);
        crate::timeout::install(&mut store);
        let streams = CapturedStreams::new(self.stdout, self.stderr);
        NewStore { store, fuel: self.fuel, limits: self.limits, streams, wasi }
    }

    /// Create the store and instantiate (running the start function, if any).
    fn make(self, pre: &InstancePre<StoreData>, clock: Clock) -> WasmResult<Instance> {
        let module = pre.module();
        let started = std::time::Instant::now();
        let mut new = self.store(pre, clock);
        // The start function runs during instantiation: it gets the instance's timeout.
        new.arm(Pace::ToTheEnd)?;
        // WASI's host functions are async: a module that imports them is instantiated
        // with the async call; one without imports takes the sync one, without a fiber.
        let sync_calls = module.imports().len() == 0;
        let instance = if sync_calls {
            pre.instantiate(&mut new.store)
        } else {
            crate::worker::block_on(pre.instantiate_async(&mut new.store))
        }
        .map_err(instantiate_error)?;
        Ok(new.finish(module, instance, sync_calls, started, None))
    }
}

/// How the start function meets epoch deadlines while it is instantiated.
#[derive(Clone, Copy)]
enum Pace {
    /// Where it started, to the end (or its timeout).
    ToTheEnd,
    /// Yielding at each tick: a hosted instantiation, which may leave the JS thread.
    Slices,
}

/// A store made for a new instance, before instantiation, with what the instance keeps
/// besides.
struct NewStore {
    store: Store<StoreData>,
    /// The instance's fuel budget; `None`: the code is not metered.
    fuel: Option<u64>,
    limits: CallLimits,
    streams: CapturedStreams,
    /// A WASI context was built (for the log).
    wasi: bool,
}

impl NewStore {
    /// Give the store its fuel and arm the start function's timeout (code without epoch
    /// checks has no deadline to arm).
    fn arm(&mut self, pace: Pace) -> WasmResult<()> {
        if let Some(fuel) = self.fuel {
            self.store.set_fuel(fuel).map_err(|e| WasmError::bug(format!("set_fuel: {e}")))?;
        }
        if self.limits.interruptible {
            match pace {
                Pace::ToTheEnd => crate::timeout::arm(&mut self.store, self.limits.timeout_ms),
                Pace::Slices => crate::timeout::arm_slices(&mut self.store, self.limits.timeout_ms),
            }
        }
        Ok(())
    }

    /// The instance, once `instance` is instantiated in this store (`host`: the link of an
    /// instance with host functions).
    fn finish(
        mut self,
        module: &wasmtime::Module,
        instance: wasmtime::Instance,
        sync_calls: bool,
        started: std::time::Instant,
        host: Option<Arc<HostLink>>,
    ) -> Instance {
        crate::timeout::disarm(&mut self.store);
        tracing::debug!(
            module = module.name().unwrap_or("-"),
            wasi = self.wasi,
            host_functions = host.is_some(),
            fuel = self.fuel.is_some(),
            timeout_ms = ?self.limits.timeout_ms,
            interruptible = self.limits.interruptible,
            elapsed_ms = started.elapsed().as_secs_f64() * 1e3,
            "instantiate"
        );
        let store = InstanceStore {
            store: self.store,
            instance,
            fuel_limited: self.fuel.is_some(),
            limits: self.limits,
            sync_calls,
            func_cache: Vec::new(),
        };
        let made = Instance::new(module.clone(), store, self.streams);
        match host {
            Some(link) => made.with_host(link),
            None => made,
        }
    }
}

/// The call limits an instance with `options` gets (5010 for a timeout on code that
/// cannot be interrupted).
pub fn call_limits(options: &InstantiateOptions) -> WasmResult<CallLimits> {
    let interruptible = options.interruptible != Some(false);
    if !interruptible && options.timeout_ms.is_some() {
        return Err(WasmError::wasi(
            "instantiate: `timeoutMs` needs epoch checks in the code, which `interruptible: false` leaves out",
        ));
    }
    Ok(CallLimits { timeout_ms: options.timeout_ms, interruptible })
}

/// The memory and table limiter of an instance with `options`.
pub fn limiter(env: &InstanceEnv, options: &InstantiateOptions) -> InstanceLimiter {
    InstanceLimiter::new(
        options.max_memory_bytes.map(saturating_usize),
        options.max_table_elements.map(saturating_usize),
        env.memory_budget.clone(),
    )
}

fn saturating_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

fn instantiate_error(error: wasmtime::Error) -> WasmError {
    if let Some(failure) = error.downcast_ref::<HostFailure>() {
        return failure.report("the start function");
    }
    match error.downcast_ref::<Trap>() {
        Some(Trap::OutOfFuel) => WasmError::new(ErrorCode::FuelExhausted, "the start function used up the instance's fuel budget"),
        Some(Trap::Interrupt) => {
            tracing::debug!("the start function timed out");
            WasmError::new(ErrorCode::Timeout, "the start function ran past the instance's timeout")
        }
        _ => WasmError::instantiate(format!(
            "instantiation failed: {error:#} (an import that cannot be satisfied, a trap in the start function, or an initial memory or table past a limit)"
        )),
    }
}

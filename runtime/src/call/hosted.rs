//! Calls of instances with host functions, made as hosted calls (`crate::host`): the
//! same calls as `call`, `callBatch`, `callSync` and `run`, wrapped in a future that owns
//! the store lock and is driven step by step from JS.

use std::sync::Arc;

use wasmtime_wasi::I32Exit;

use crate::error::{WasmError, WasmResult};
use crate::generated::CallOptions;
use crate::host::{Finished, HostedCall};
use crate::host_link::Reentry;
use crate::instance::{Instance, StoreGuard, StoreTurn};

use super::invoke::{run_calls_paced, Call};
use super::limits::{limited_call, Pace};
use super::slots::batch_params;
use crate::traps::call_error;

/// The store now, or a place in line for it.
enum Lock {
    Now(StoreGuard),
    Later(StoreTurn),
}

impl Lock {
    /// Take the store: at once, or (for an async call into a busy instance) once the
    /// operations before it are done, waiting on a worker.
    fn of(instance: &Instance, blocking: bool, what: &str) -> WasmResult<Self> {
        if let Some(guard) = instance.try_lock() {
            return Ok(Lock::Now(guard));
        }
        if blocking {
            // The call holding the instance may need this thread to answer its host
            // functions: waiting for it here could never end.
            instance.not_in_host_call(what)?;
            return Err(WasmError::call(format!(
                "{what}: the instance is busy with another call; an instance with host functions cannot wait for one \
                 in callSync (use call())"
            )));
        }
        Ok(Lock::Later(instance.queue()?))
    }

    async fn take(self) -> StoreGuard {
        match self {
            Lock::Now(guard) => guard,
            Lock::Later(turn) => crate::worker::run(move || turn.lock()).await,
        }
    }
}

/// How the call meets epoch ticks: a blocking call runs to the end where it is; an async
/// one yields at the next tick, so that it can move off the JS thread.
fn pace(blocking: bool) -> Pace {
    if blocking {
        Pace::ToTheEnd
    } else {
        Pace::Slices
    }
}

/// `count` calls of function handle `index` (argument slots one after the other).
#[allow(clippy::too_many_arguments)]
pub fn hosted_call(
    instance: Arc<Instance>,
    handle: u32,
    index: u32,
    count: u32,
    slots: &[u8],
    options: CallOptions,
    blocking: bool,
) -> WasmResult<HostedCall> {
    let link = instance.host.clone().ok_or_else(|| not_hosted("call"))?;
    let what = if blocking { "callSync" } else { "call" };
    instance.not_in_host_call(what)?;
    let function = instance.function(index)?;
    let calls = batch_params(&function, count, slots)?;
    let lock = Lock::of(&instance, blocking, what)?;
    let interruptible = instance.interruptible;
    let call = Call { index: index as usize, function, options };
    let work = Box::pin(async move {
        let mut store = lock.take().await;
        let out = run_calls_paced(&mut store, &call, &calls, pace(blocking)).await?;
        Ok(Finished::Results(out))
    });
    Ok(HostedCall::new(work, link, blocking, Some(handle)).away_only(!interruptible))
}

/// `run()` of a WASI command with host functions.
pub fn hosted_run(instance: Arc<Instance>, handle: u32, options: CallOptions) -> WasmResult<HostedCall> {
    let link = instance.host.clone().ok_or_else(|| not_hosted("run"))?;
    instance.not_in_host_call("run")?;
    super::check_command(&instance)?;
    let lock = Lock::of(&instance, false, "run")?;
    let interruptible = instance.interruptible;
    let work = Box::pin(async move {
        let mut guard = lock.take().await;
        let store = &mut *guard;
        let start = store
            .instance
            .get_func(&mut store.store, "_start")
            .ok_or_else(|| WasmError::export_not_found("the instance has no \"_start\""))?;
        match limited_call(store, &options, Pace::Slices, start, &[], &mut []).await? {
            Ok(()) => Ok(Finished::Exit(0)),
            Err(error) => match error.downcast_ref::<I32Exit>() {
                Some(I32Exit(code)) => Ok(Finished::Exit(*code)),
                None => Err(call_error("_start", error)),
            },
        }
    });
    Ok(HostedCall::new(work, link, false, Some(handle)).away_only(!interruptible))
}

/// A call of function handle `index` made from inside one of the instance's host
/// functions (`crate::host::HostedCalls::reenter` runs it on the suspended call's store).
pub fn reentry(instance: &Instance, index: u32, slots: &[u8]) -> WasmResult<Reentry> {
    let function = instance.function(index)?;
    let params = super::slots::params_from_slots(&function, slots)?;
    Ok(Reentry { export: function.name.clone(), params, results: function.results.len() })
}

fn not_hosted(what: &str) -> WasmError {
    WasmError::call(format!("{what}: this instance has no host functions; use the plain call ops"))
}

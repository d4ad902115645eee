//! The limits every call runs under: the call's fuel budget and deadline (or the
//! instance's), set before the call and undone after it, whichever way the call runs.

use wasmtime::{Func, Store, Val};

use crate::error::{WasmError, WasmResult};
use crate::generated::CallOptions;
use crate::instance::{CallLimits, InstanceStore, StoreData};

/// How a call meets its epoch deadlines (see `crate::timeout`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    /// Runs where it started until it returns or times out.
    ToTheEnd,
    /// Yields at the next tick (a Wasmtime async call started on the JS thread).
    Slices,
}

/// One call of `func` under the call's fuel and timeout (or the instance's), run to the
/// end on this thread. A per-call fuel budget replaces the instance's for this call
/// only; the instance's remaining budget is restored afterwards.
pub fn call_to_the_end(
    store: &mut InstanceStore,
    options: &CallOptions,
    func: Func,
    params: &[Val],
    results: &mut [Val],
) -> WasmResult<wasmtime::Result<()>> {
    if !store.sync_calls {
        return crate::worker::block_on(limited_call(store, options, Pace::ToTheEnd, func, params, results));
    }
    let scope = begin_call(store, options, Pace::ToTheEnd)?;
    let outcome = func.call(&mut store.store, params, results);
    end_call(store, scope)?;
    Ok(outcome)
}

/// A Wasmtime async call under limits (WASI's host functions are async, so instances
/// that import them can only be called this way). `Pace::Slices` is for
/// `crate::worker::start_here`: the call yields at the next epoch tick.
pub async fn limited_call(
    store: &mut InstanceStore,
    options: &CallOptions,
    pace: Pace,
    func: Func,
    params: &[Val],
    results: &mut [Val],
) -> WasmResult<wasmtime::Result<()>> {
    let scope = begin_call(store, options, pace)?;
    let outcome = func.call_async(&mut store.store, params, results).await;
    end_call(store, scope)?;
    Ok(outcome)
}

/// What `begin_call` changed, for `end_call`.
pub struct CallScope {
    /// The instance's own fuel, when the call had a budget of its own.
    saved_fuel: Option<u64>,
}

/// Set the call's fuel and deadline.
fn begin_call(store: &mut InstanceStore, options: &CallOptions, pace: Pace) -> WasmResult<CallScope> {
    begin(&mut store.store, store.fuel_limited, store.limits, options, pace)
}

/// Release the ticker and give the instance its own fuel back.
fn end_call(store: &mut InstanceStore, scope: CallScope) -> WasmResult<()> {
    end(&mut store.store, scope)
}

/// `begin_call` on any store of ours (component instances' too): `fuel_limited` says the
/// store's code is metered, `limits` are its instance's.
pub fn begin(
    store: &mut Store<StoreData>,
    fuel_limited: bool,
    limits: CallLimits,
    options: &CallOptions,
    pace: Pace,
) -> WasmResult<CallScope> {
    let saved_fuel = match options.fuel {
        Some(_) if !fuel_limited => return Err(crate::fuel::not_metered("a call's `fuel` option")),
        Some(fuel) => {
            let before = store.get_fuel().map_err(|e| WasmError::bug(format!("get_fuel: {e}")))?;
            set_fuel(store, fuel)?;
            Some(before)
        }
        None => None,
    };
    if !limits.interruptible {
        if options.timeout_ms.is_some() {
            return Err(WasmError::type_mismatch(
                "a call's `timeoutMs`: this instance was created with `interruptible: false`, so its code has no epoch \
                 checks and cannot be stopped",
            ));
        }
        return Ok(CallScope { saved_fuel });
    }
    let timeout = options.timeout_ms.or(limits.timeout_ms);
    match pace {
        Pace::ToTheEnd => crate::timeout::arm(store, timeout),
        Pace::Slices => crate::timeout::arm_slices(store, timeout),
    }
    Ok(CallScope { saved_fuel })
}

/// `end_call` on any store of ours.
pub fn end(store: &mut Store<StoreData>, scope: CallScope) -> WasmResult<()> {
    crate::timeout::disarm(store);
    match scope.saved_fuel {
        Some(before) => set_fuel(store, before),
        None => Ok(()),
    }
}

fn set_fuel(store: &mut Store<StoreData>, fuel: u64) -> WasmResult<()> {
    store.set_fuel(fuel).map_err(|e| WasmError::bug(format!("set_fuel: {e}")))
}

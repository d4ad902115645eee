//! Running calls of a function handle: on this thread to the end (`invoke`), or as an
//! async call that starts on the JS thread and moves to a worker if it runs long
//! (`run_calls`; the model is described in ARCHITECTURE.md, "How wasm runs").

use std::sync::Arc;
use std::time::Instant;

use wasmtime::{Func, Val};

use crate::error::{WasmError, WasmResult};
use crate::generated::CallOptions;
use crate::instance::{FunctionHandle, Instance, InstanceStore};
use crate::values::SLOT;

use super::limits::{call_to_the_end, limited_call, Pace};
use super::slots::{result_slots, write_results};
use crate::traps::call_error;

/// What one call (or batch) runs: which resolved function, under which limits.
pub struct Call {
    pub index: usize,
    pub function: Arc<FunctionHandle>,
    pub options: CallOptions,
}

impl Call {
    /// A call of handle `index` under the instance's own limits.
    pub fn new(index: u32, function: Arc<FunctionHandle>) -> Self {
        Call { index: index as usize, function, options: CallOptions::default() }
    }
}

/// The store's `Func` for handle `index`, resolved once per instance.
fn resolve(store: &mut InstanceStore, index: usize, function: &FunctionHandle) -> WasmResult<Func> {
    if let Some(Some(func)) = store.func_cache.get(index) {
        return Ok(*func);
    }
    let func = store.instance.get_func(&mut store.store, &function.name).ok_or_else(|| {
        WasmError::export_not_found(format!("the instance has no function named \"{}\"", function.name))
    })?;
    if store.func_cache.len() <= index {
        store.func_cache.resize(index + 1, None);
    }
    store.func_cache[index] = Some(func);
    Ok(func)
}

/// One call with the instance locked, run to the end here: params in, result slots
/// written to `out`.
pub fn invoke(store: &mut InstanceStore, call: &Call, params: &[Val], out: &mut [u8]) -> WasmResult<()> {
    let function = &*call.function;
    let func = resolve(store, call.index, function)?;
    // Most functions have a result or two: no allocation for those.
    let (mut few, mut many) = ([Val::I32(0); FEW_RESULTS], Vec::new());
    let results = result_space(function.results.len(), &mut few, &mut many);
    let outcome = call_to_the_end(store, &call.options, func, params, results)?;
    finish(function, outcome, results, out)
}

/// `invoke` as an async call at `pace`: for `crate::worker::start_here` (yielding at the
/// first epoch tick) and hosted calls. (One async `invoke` driven by `block_on` for the
/// sync paths too would save these lines, but costs callSync about 80 ns, 6% of it.)
async fn invoke_paced(
    store: &mut InstanceStore,
    call: &Call,
    params: &[Val],
    out: &mut [u8],
    pace: Pace,
) -> WasmResult<()> {
    let function = &*call.function;
    let func = resolve(store, call.index, function)?;
    let (mut few, mut many) = ([Val::I32(0); FEW_RESULTS], Vec::new());
    let results = result_space(function.results.len(), &mut few, &mut many);
    let outcome = limited_call(store, &call.options, pace, func, params, results).await?;
    finish(function, outcome, results, out)
}

/// Calls, one per parameter list, in order, as async calls at `pace` on the store given;
/// the result slots of each (hosted calls, `super::hosted`).
pub async fn run_calls_paced(
    store: &mut InstanceStore,
    call: &Call,
    calls: &[Vec<Val>],
    pace: Pace,
) -> WasmResult<Vec<u8>> {
    let result_bytes = call.function.results.len() * SLOT;
    let mut out = vec![0u8; result_bytes * calls.len()];
    for (i, params) in calls.iter().enumerate() {
        let target = result_slots(&call.function, &mut out, i, result_bytes)?;
        invoke_paced(store, call, params, target, pace).await?;
    }
    Ok(out)
}

/// Result counts that need no allocation (see `result_space`).
const FEW_RESULTS: usize = 4;

/// Room for `count` results: in `few` when it fits, else in `many`.
fn result_space<'a>(count: usize, few: &'a mut [Val; FEW_RESULTS], many: &'a mut Vec<Val>) -> &'a mut [Val] {
    if count <= FEW_RESULTS {
        &mut few[..count]
    } else {
        many.resize(count, Val::I32(0));
        many
    }
}

/// Turn a call's outcome into an error or result slots.
fn finish(function: &FunctionHandle, outcome: wasmtime::Result<()>, results: &[Val], out: &mut [u8]) -> WasmResult<()> {
    if let Err(error) = outcome {
        return match error.downcast_ref::<wasmtime_wasi::I32Exit>() {
            // A WASI program exiting with 0 finished normally; it has no results.
            Some(wasmtime_wasi::I32Exit(0)) if function.results.is_empty() => Ok(()),
            _ => Err(call_error(&function.name, error)),
        };
    }
    write_results(function, results, out)
}

/// Async calls, one per parameter list, in order; resolves to their result slots. They
/// start on the JS thread when the instance is free and the function's last calls were
/// short (see `worker::start_here` and `FunctionHandle::runs_long`), and otherwise run on
/// a worker once the call holding the instance is done.
pub async fn run_calls(instance: Arc<Instance>, call: Call, calls: Vec<Vec<Val>>) -> WasmResult<Vec<u8>> {
    let result_bytes = call.function.results.len() * SLOT;
    let mut out = vec![0u8; result_bytes * calls.len()];
    // Code without epoch checks could not leave the JS thread part-way: straight to a worker.
    let free = if call.function.runs_long() || !instance.interruptible { None } else { instance.try_lock() };
    if let Some(mut store) = free {
        return crate::worker::start_here(async move {
            let started = Instant::now();
            let mut outcome = Ok(());
            for (i, params) in calls.iter().enumerate() {
                outcome = match result_slots(&call.function, &mut out, i, result_bytes) {
                    Ok(target) => invoke_paced(&mut store, &call, params, target, Pace::Slices).await,
                    Err(error) => Err(error),
                };
                if outcome.is_err() {
                    break;
                }
            }
            // Failed calls count too: one that always times out is long.
            call.function.note_duration(started);
            outcome.map(|()| out)
        })
        .await;
    }
    tracing::debug!(
        function = %call.function.name,
        why = if !instance.interruptible {
            "not interruptible"
        } else if call.function.runs_long() {
            "its last calls ran long"
        } else {
            "the instance is busy"
        },
        "call runs on a worker"
    );
    let turn = instance.queue()?;
    crate::worker::run(move || {
        let mut store = turn.lock();
        let started = Instant::now();
        let outcome = calls.iter().enumerate().try_for_each(|(i, params)| {
            invoke(&mut store, &call, params, result_slots(&call.function, &mut out, i, result_bytes)?)
        });
        call.function.note_duration(started);
        outcome.map(|()| out)
    })
    .await
}

//! Function handles (`instance.getFunction`, `callSync`, `callBatch`): the export and its
//! signature are resolved once; calls pass arguments and results as 16-byte slots in one
//! buffer instead of serialized records, which is what makes them cheap.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use wasmtime::{Func, Val, ValType};

use crate::call::{call_error, call_to_the_end, limited_call, Pace};
use crate::error::{WasmError, WasmResult};
use crate::generated::{CallOptions, FunctionInfo};
use crate::state::{LiveInstance, WasmState};
use crate::store::InstanceEntry;
use crate::values::{to_val, value_type, write_slot, Arg, SLOT};

/// The name and signature of a resolved function.
pub struct FunctionSig {
    pub name: String,
    pub params: Vec<ValType>,
    pub results: Vec<ValType>,
    /// The last async call (or batch) lasted an epoch tick or more. The next one then goes
    /// straight to a worker: starting it on the JS thread would only hold up the event
    /// loop for a tick (and the start of calls into other instances) before it moves.
    pub runs_long: AtomicBool,
}

impl FunctionSig {
    /// Remember how long the calls that started at `started` took.
    fn note_duration(&self, started: Instant) {
        self.runs_long.store(started.elapsed() >= crate::timeout::TICK, Ordering::Relaxed);
    }
}

/// What one call (or batch) runs: which resolved function, under which limits.
struct Call {
    index: usize,
    sig: Arc<FunctionSig>,
    options: CallOptions,
}

impl Call {
    /// A call of handle `index` under the instance's own limits.
    fn new(index: u32, sig: Arc<FunctionSig>) -> Self {
        Call { index: index as usize, sig, options: CallOptions::default() }
    }
}

pub fn get_function(wasm: &WasmState, instance: u32, name: &str) -> WasmResult<FunctionInfo> {
    let live = wasm.instance(instance)?;
    let ty = live.func_type(name)?;
    let sig = FunctionSig {
        name: name.to_string(),
        params: ty.params().collect(),
        results: ty.results().collect(),
        runs_long: AtomicBool::new(false),
    };
    let info = |index: usize| -> WasmResult<FunctionInfo> {
        Ok(FunctionInfo {
            index: u32::try_from(index).map_err(|_| WasmError::export_not_found("too many function handles"))?,
            params: sig.params.iter().map(value_type).collect(),
            results: sig.results.iter().map(value_type).collect(),
        })
    };
    let mut functions = live.functions.lock();
    // Resolving the same export twice gives the same handle.
    if let Some(index) = functions.iter().position(|f| f.name == name) {
        return info(index);
    }
    let result = info(functions.len())?;
    functions.push(Arc::new(sig));
    Ok(result)
}

fn lookup(wasm: &WasmState, instance: u32, index: u32) -> WasmResult<(Arc<LiveInstance>, Arc<FunctionSig>)> {
    let live = wasm.instance(instance)?;
    let sig = live
        .functions
        .lock()
        .get(index as usize)
        .cloned()
        .ok_or_else(|| WasmError::export_not_found(format!("function handle {index} does not exist in instance {instance}")))?;
    Ok((live, sig))
}

/// Convert one call's argument slots, checking the buffer holds them.
fn params_from_slots(sig: &FunctionSig, slots: &[u8]) -> WasmResult<Vec<Val>> {
    if slots.len() < sig.params.len() * SLOT {
        return Err(WasmError::type_mismatch(format!(
            "{}: the argument buffer holds {} bytes, {} are needed",
            sig.name,
            slots.len(),
            sig.params.len() * SLOT
        )));
    }
    sig.params
        .iter()
        .zip(slots.chunks_exact(SLOT))
        .enumerate()
        .map(|(i, (ty, slot))| to_val(&sig.name, i, ty, &Arg::from_slot(slot)))
        .collect()
}

/// The store's `Func` for handle `index`, resolved once per instance.
fn resolve(entry: &mut InstanceEntry, index: usize, sig: &FunctionSig) -> WasmResult<Func> {
    if let Some(Some(func)) = entry.func_cache.get(index) {
        return Ok(*func);
    }
    let func = entry
        .instance
        .get_func(&mut entry.store, &sig.name)
        .ok_or_else(|| WasmError::export_not_found(format!("the instance has no function named \"{}\"", sig.name)))?;
    if entry.func_cache.len() <= index {
        entry.func_cache.resize(index + 1, None);
    }
    entry.func_cache[index] = Some(func);
    Ok(func)
}

/// One call with the instance locked, run to the end here: params in, result slots
/// written to `out`.
fn invoke(
    wasm: &WasmState,
    entry: &mut InstanceEntry,
    call: &Call,
    params: &[Val],
    out: &mut [u8],
) -> WasmResult<()> {
    let (index, sig) = (call.index, &*call.sig);
    let func = resolve(entry, index, sig)?;
    // Most functions have a result or two: no allocation for those.
    let (mut few, mut many) = ([Val::I32(0); FEW_RESULTS], Vec::new());
    let results = result_space(sig.results.len(), &mut few, &mut many);
    let outcome = call_to_the_end(wasm, entry, &call.options, func, params, results)?;
    finish(sig, outcome, results, out)
}

/// `invoke` for `crate::worker::start_here`: yields at the first epoch tick. (One async
/// `invoke` driven by `block_on` for the sync paths too would save these lines, but
/// costs callSync about 80 ns, 6% of it.)
async fn invoke_in_slices(
    wasm: &WasmState,
    entry: &mut InstanceEntry,
    call: &Call,
    params: &[Val],
    out: &mut [u8],
) -> WasmResult<()> {
    let (index, sig) = (call.index, &*call.sig);
    let func = resolve(entry, index, sig)?;
    let (mut few, mut many) = ([Val::I32(0); FEW_RESULTS], Vec::new());
    let results = result_space(sig.results.len(), &mut few, &mut many);
    let outcome = limited_call(wasm, entry, &call.options, Pace::Slices, func, params, results).await?;
    finish(sig, outcome, results, out)
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
fn finish(sig: &FunctionSig, outcome: wasmtime::Result<()>, results: &[Val], out: &mut [u8]) -> WasmResult<()> {
    if let Err(error) = outcome {
        return match error.downcast_ref::<wasmtime_wasi::I32Exit>() {
            // A WASI program exiting with 0 finished normally; it has no results.
            Some(wasmtime_wasi::I32Exit(0)) if sig.results.is_empty() => Ok(()),
            _ => Err(call_error(&sig.name, error)),
        };
    }
    for (i, val) in results.iter().enumerate() {
        write_slot(&sig.name, i, val, result_slots(sig, out, i, SLOT)?)?;
    }
    Ok(())
}

/// Slot group `i` of `width` bytes in `out`, or 5007 when the buffer is too short.
fn result_slots<'a>(sig: &FunctionSig, out: &'a mut [u8], i: usize, width: usize) -> WasmResult<&'a mut [u8]> {
    out.get_mut(i * width..(i + 1) * width)
        .ok_or_else(|| WasmError::type_mismatch(format!("{}: the buffer has no room for result {i}", sig.name)))
}

/// A call on the JS thread: results are written over the argument slots.
pub fn function_call_sync(wasm: &WasmState, instance: u32, index: u32, slots: &mut [u8]) -> WasmResult<u32> {
    let (live, sig) = lookup(wasm, instance, index)?;
    let params = params_from_slots(&sig, slots)?;
    let result_bytes = sig.results.len() * SLOT;
    let Some(target) = slots.get_mut(..result_bytes) else {
        return Err(WasmError::type_mismatch(format!(
            "{}: the buffer holds {} bytes, the results need {result_bytes}",
            sig.name,
            slots.len()
        )));
    };
    let count = sig.results.len() as u32;
    invoke(wasm, &mut live.entry.lock(), &Call::new(index, sig), &params, target)?;
    Ok(count)
}

/// The most numbers the number form takes.
const MAX_NUMBER_ARGS: usize = 4;

/// A call on the JS thread for the commonest shape, without a buffer: `count` plain
/// numbers (of `args`) in, at most one result that is not i64 out (0.0 when there is
/// none). Conversion and errors are those of the slot form.
pub fn function_call_numbers(wasm: &WasmState, instance: u32, index: u32, count: u32, args: [f64; MAX_NUMBER_ARGS]) -> WasmResult<f64> {
    let (live, sig) = lookup(wasm, instance, index)?;
    let (params, count) = number_params(&sig, count, args)?;
    let mut slot = [0u8; SLOT];
    invoke(wasm, &mut live.entry.lock(), &Call::new(index, sig), &params[..count], &mut slot)?;
    Ok(number_result(&slot))
}

/// The number form of an async call (see `function_call_numbers` and `run_calls`).
pub async fn function_call_numbers_async(
    wasm: Arc<WasmState>,
    instance: u32,
    index: u32,
    count: u32,
    args: [f64; MAX_NUMBER_ARGS],
) -> WasmResult<f64> {
    let (live, sig) = lookup(&wasm, instance, index)?;
    let (params, count) = number_params(&sig, count, args)?;
    let out = run_calls(wasm, live, Call::new(index, sig), vec![params[..count].to_vec()]).await?;
    Ok(number_result(&out))
}

/// The parameters of a number-form call, or 5007 when the signature is not one the form
/// carries (the JS side never sends those; forged calls can).
fn number_params(sig: &FunctionSig, count: u32, args: [f64; MAX_NUMBER_ARGS]) -> WasmResult<([Val; MAX_NUMBER_ARGS], usize)> {
    let count = count as usize;
    let numeric_result = match sig.results.as_slice() {
        [] => true,
        [ty] => !matches!(ty, ValType::I64),
        _ => false,
    };
    if count != sig.params.len() || count > MAX_NUMBER_ARGS || !numeric_result {
        return Err(WasmError::type_mismatch(format!(
            "{}: the number form takes up to {MAX_NUMBER_ARGS} arguments and one result that is not i64; this call passed {count}",
            sig.name
        )));
    }
    let mut params = [Val::I32(0); MAX_NUMBER_ARGS];
    for (i, (ty, n)) in sig.params.iter().zip(args).enumerate() {
        params[i] = to_val(&sig.name, i, ty, &Arg::number(n))?;
    }
    Ok((params, count))
}

/// The first result slot's payload as a number (0.0 when there is no result).
fn number_result(slots: &[u8]) -> f64 {
    let mut payload = [0u8; 8];
    if let Some(bytes) = slots.get(8..SLOT) {
        payload.copy_from_slice(bytes);
    }
    f64::from_ne_bytes(payload)
}

/// An async call; resolves to the result slots.
pub async fn function_call(wasm: Arc<WasmState>, instance: u32, index: u32, slots: Vec<u8>) -> WasmResult<Vec<u8>> {
    function_call_with(wasm, instance, index, slots, CallOptions::default()).await
}

/// An async call under limits of its own (`Instance.callWith`).
pub async fn function_call_with(
    wasm: Arc<WasmState>,
    instance: u32,
    index: u32,
    slots: Vec<u8>,
    options: CallOptions,
) -> WasmResult<Vec<u8>> {
    let (live, sig) = lookup(&wasm, instance, index)?;
    let params = params_from_slots(&sig, &slots)?;
    run_calls(wasm, live, Call { index: index as usize, sig, options }, vec![params]).await
}

/// `count` calls in one crossing; the argument slots of each call follow each other.
pub async fn function_call_batch(
    wasm: Arc<WasmState>,
    instance: u32,
    index: u32,
    count: u32,
    slots: Vec<u8>,
) -> WasmResult<Vec<u8>> {
    let (live, sig) = lookup(&wasm, instance, index)?;
    let count = count as usize;
    let arg_bytes = sig.params.len() * SLOT;
    let calls = (0..count)
        .map(|call| {
            let start = call * arg_bytes;
            let args = slots.get(start..start + arg_bytes).ok_or_else(|| {
                WasmError::type_mismatch(format!("{}: the argument buffer is too short for {count} calls", sig.name))
            })?;
            params_from_slots(&sig, args)
        })
        .collect::<WasmResult<Vec<_>>>()?;
    run_calls(wasm, live, Call::new(index, sig), calls).await
}

/// Async calls, one per parameter list, in order; resolves to their result slots. They
/// start on the JS thread when the instance is free and the function's last calls were
/// short (see `worker::start_here` and `FunctionSig::runs_long`), and otherwise run on a
/// worker once the call holding the instance is done.
async fn run_calls(wasm: Arc<WasmState>, live: Arc<LiveInstance>, call: Call, calls: Vec<Vec<Val>>) -> WasmResult<Vec<u8>> {
    let result_bytes = call.sig.results.len() * SLOT;
    let mut out = vec![0u8; result_bytes * calls.len()];
    let free = if call.sig.runs_long.load(Ordering::Relaxed) { None } else { live.entry.try_lock_arc() };
    if let Some(mut entry) = free {
        return crate::worker::start_here(async move {
            let started = Instant::now();
            let mut outcome = Ok(());
            for (i, params) in calls.iter().enumerate() {
                outcome = match result_slots(&call.sig, &mut out, i, result_bytes) {
                    Ok(target) => invoke_in_slices(&wasm, &mut entry, &call, params, target).await,
                    Err(error) => Err(error),
                };
                if outcome.is_err() {
                    break;
                }
            }
            // Failed calls count too: one that always times out is long.
            call.sig.note_duration(started);
            outcome.map(|()| out)
        })
        .await;
    }
    crate::worker::run(move || {
        let mut entry = live.entry.lock();
        let started = Instant::now();
        let outcome = calls.iter().enumerate().try_for_each(|(i, params)| {
            invoke(&wasm, &mut entry, &call, params, result_slots(&call.sig, &mut out, i, result_bytes)?)
        });
        call.sig.note_duration(started);
        outcome.map(|()| out)
    })
    .await
}

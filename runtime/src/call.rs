//! What every call shares: limits (`call_to_the_end`, `limited_call`), error mapping
//! (`call_error`) and the argument check of the record form (`check_args`); and
//! `Instance.run`, which calls a WASI command's `_start` on a worker thread.

use std::sync::Arc;

use wasmtime::{ExternType, Func, Trap, Val, WasmBacktrace};
use wasmtime_wasi::I32Exit;

use crate::error::{ErrorCode, WasmError, WasmResult};
use crate::generated::{CallArg, CallOptions};
use crate::state::{LiveInstance, WasmState};
use crate::store::{InstanceEntry, UNLIMITED_FUEL};
use crate::timeout::Ticker;
use crate::values::{to_val, Arg};

/// Check arguments as a call would, without calling (5003, 5005 or 5007 when they are wrong).
pub fn check_args(wasm: &WasmState, instance: u32, name: &str, args: &[CallArg]) -> WasmResult<()> {
    convert_args(&*wasm.instance(instance)?, name, args).map(drop)
}

/// The export's parameters from wire-form arguments.
fn convert_args(live: &LiveInstance, name: &str, args: &[CallArg]) -> WasmResult<Vec<Val>> {
    let func_ty = live.func_type(name)?;
    let param_types: Vec<_> = func_ty.params().collect();
    if args.len() != param_types.len() {
        return Err(WasmError::type_mismatch(format!(
            "{name}: expected {} argument(s), got {}",
            param_types.len(),
            args.len()
        )));
    }
    param_types
        .iter()
        .zip(args)
        .enumerate()
        .map(|(i, (ty, arg))| to_val(name, i, ty, &Arg::from_wire(arg)))
        .collect()
}

/// Run a WASI command: call `_start` and resolve to its exit code (`proc_exit(n)` or 0
/// for a plain return). Traps and limits still fail with their codes.
pub async fn run(wasm: Arc<WasmState>, instance: u32, options: CallOptions) -> WasmResult<i32> {
    let live = wasm.instance(instance)?;
    match live.module.get_export("_start") {
        Some(ExternType::Func(ty)) if ty.params().len() == 0 && ty.results().len() == 0 => {}
        Some(_) => return Err(WasmError::export_not_found("\"_start\" is not a function without parameters and results")),
        None => {
            return Err(WasmError::export_not_found(
                "the module exports no \"_start\": it is not a WASI command (call its exports with instance.call instead)",
            ))
        }
    }
    crate::worker::run(move || {
        let mut guard = live.entry.lock();
        let entry = &mut *guard;
        let start = entry
            .instance
            .get_func(&mut entry.store, "_start")
            .ok_or_else(|| WasmError::export_not_found("the instance has no \"_start\""))?;
        let outcome = call_to_the_end(&wasm, entry, &options, start, &[], &mut [])?;
        match outcome {
            Ok(()) => Ok(0),
            Err(error) => match error.downcast_ref::<I32Exit>() {
                Some(I32Exit(code)) => Ok(*code),
                None => Err(call_error("_start", error)),
            },
        }
    })
    .await
}

/// One call of `func` under the call's fuel and timeout (or the instance's), run to the
/// end on this thread. A per-call fuel budget replaces the instance's for this call
/// only; the instance's remaining budget is restored afterwards.
pub(crate) fn call_to_the_end(
    wasm: &WasmState,
    entry: &mut InstanceEntry,
    options: &CallOptions,
    func: Func,
    params: &[Val],
    results: &mut [Val],
) -> WasmResult<wasmtime::Result<()>> {
    if !entry.sync_calls {
        return crate::worker::block_on(limited_call(wasm, entry, options, Pace::ToTheEnd, func, params, results));
    }
    let scope = begin_call(wasm, entry, options, Pace::ToTheEnd)?;
    let outcome = func.call(&mut entry.store, params, results);
    end_call(entry, scope)?;
    Ok(outcome)
}

/// A Wasmtime async call under limits (WASI's host functions are async, so instances
/// that import them can only be called this way). `Pace::Slices` is for
/// `crate::worker::start_here`: the call yields at the next epoch tick.
pub(crate) async fn limited_call(
    wasm: &WasmState,
    entry: &mut InstanceEntry,
    options: &CallOptions,
    pace: Pace,
    func: Func,
    params: &[Val],
    results: &mut [Val],
) -> WasmResult<wasmtime::Result<()>> {
    let scope = begin_call(wasm, entry, options, pace)?;
    let outcome = func.call_async(&mut entry.store, params, results).await;
    end_call(entry, scope)?;
    Ok(outcome)
}

/// How a call meets its epoch deadlines (see `crate::timeout`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pace {
    /// Runs where it started until it returns or times out.
    ToTheEnd,
    /// Yields at the next tick (a Wasmtime async call started on the JS thread).
    Slices,
}

/// What `begin_call` changed, for `end_call`.
struct CallScope {
    /// The instance's own fuel, when the call had a budget of its own.
    saved_fuel: Option<u64>,
}

/// Set the call's fuel and deadline.
fn begin_call(wasm: &WasmState, entry: &mut InstanceEntry, options: &CallOptions, pace: Pace) -> WasmResult<CallScope> {
    let saved_fuel = match options.fuel {
        Some(fuel) => {
            let before = entry.store.get_fuel().unwrap_or(UNLIMITED_FUEL);
            set_fuel(entry, fuel)?;
            Some(before)
        }
        None => {
            entry.refill_unlimited_fuel();
            None
        }
    };
    let timeout = options.timeout_ms.or(entry.limits.timeout_ms);
    match pace {
        Pace::ToTheEnd => wasm.ticker.arm(&wasm.engine, &mut entry.store, timeout),
        Pace::Slices => wasm.ticker.arm_slices(&wasm.engine, &mut entry.store, timeout),
    }
    Ok(CallScope { saved_fuel })
}

/// Release the ticker and give the instance its own fuel back.
fn end_call(entry: &mut InstanceEntry, scope: CallScope) -> WasmResult<()> {
    Ticker::disarm(&mut entry.store);
    match scope.saved_fuel {
        Some(before) => set_fuel(entry, before),
        None => Ok(()),
    }
}

fn set_fuel(entry: &mut InstanceEntry, fuel: u64) -> WasmResult<()> {
    entry.store.set_fuel(fuel).map_err(|e| WasmError::bug(ErrorCode::CallError, format!("set_fuel: {e}")))
}

/// Map a failed call to 5002 (trap or non-zero exit), 5011 (fuel) or 5012 (timeout).
pub fn call_error(name: &str, error: wasmtime::Error) -> WasmError {
    if let Some(I32Exit(code)) = error.downcast_ref::<I32Exit>() {
        return WasmError::call(format!("\"{name}\": the WASI program exited with code {code}")).with_exit_code(*code);
    }
    let backtrace = error
        .downcast_ref::<WasmBacktrace>()
        .map(|bt| format!("\nwasm backtrace:\n{bt}"))
        .unwrap_or_default();
    match error.downcast_ref::<Trap>() {
        Some(Trap::OutOfFuel) => WasmError::new(
            ErrorCode::FuelExhausted,
            format!("\"{name}\" used up its fuel budget; give the instance more with instance.setFuel(n){backtrace}"),
        ),
        Some(Trap::Interrupt) => WasmError::new(
            ErrorCode::Timeout,
            format!("\"{name}\" ran past its timeout and was stopped; the instance stays usable{backtrace}"),
        ),
        Some(trap) => WasmError::call(format!("\"{name}\" trapped: {} ({trap}){backtrace}", trap_kind(*trap))),
        None => WasmError::call(format!("\"{name}\" failed: {error:#}")),
    }
}

/// A short, stable name for each trap kind.
fn trap_kind(trap: Trap) -> &'static str {
    match trap {
        Trap::StackOverflow => "stack overflow",
        Trap::MemoryOutOfBounds => "out of bounds memory access",
        Trap::HeapMisaligned => "unaligned atomic",
        Trap::TableOutOfBounds => "out of bounds table access",
        Trap::IndirectCallToNull => "indirect call to null",
        Trap::BadSignature => "indirect call type mismatch",
        Trap::IntegerOverflow => "integer overflow",
        Trap::IntegerDivisionByZero => "integer divide by zero",
        Trap::BadConversionToInteger => "invalid conversion to integer",
        Trap::UnreachableCodeReached => "unreachable",
        Trap::Interrupt => "interrupt",
        Trap::OutOfFuel => "out of fuel",
        _ => "trap",
    }
}

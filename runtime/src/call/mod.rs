//! Calling into an instance: every call goes through a function handle
//! (`Instance::resolve_function`). The entry points here take the instance the op layer
//! looked up; the wire forms (`slots.rs`, `numbers.rs`), where a call runs
//! (`invoke.rs`) and its limits (`limits.rs`) each have a file of their own, and how
//! failures are reported is `crate::traps` (shared with re-entrant calls of host
//! functions). `hosted.rs` makes the hosted calls of instances with host functions.
//! `check_args` converts the record form (`CallArg`) with
//! the same converter, for values the slots cannot carry; `run` starts a WASI command.

mod hosted;
mod invoke;
pub mod limits;
mod numbers;
mod slots;

use std::sync::Arc;

use wasmtime::{ExternType, Val};
use wasmtime_wasi::I32Exit;

use crate::error::{WasmError, WasmResult};
use crate::generated::{CallArg, CallOptions};
use crate::instance::Instance;
use crate::values::{to_val, Arg, SLOT};

pub use hosted::{hosted_call, hosted_run, reentry};
pub use numbers::MAX_NUMBER_ARGS;

use crate::traps::call_error;
use invoke::{invoke, run_calls, Call};
use limits::call_to_the_end;
use numbers::{number_params, number_result};
use slots::{batch_params, params_from_slots};

/// A call on the JS thread: results are written over the argument slots.
pub fn call_sync(instance: &Instance, index: u32, slots: &mut [u8]) -> WasmResult<u32> {
    instance.without_host_functions("callSync")?;
    let function = instance.function(index)?;
    let params = params_from_slots(&function, slots)?;
    let result_bytes = function.results.len() * SLOT;
    let Some(target) = slots.get_mut(..result_bytes) else {
        return Err(WasmError::type_mismatch(format!(
            "{}: the buffer holds {} bytes, the results need {result_bytes}",
            function.name,
            slots.len()
        )));
    };
    let count = function.results.len() as u32;
    invoke(&mut *instance.lock_in_line()?, &Call::new(index, function), &params, target)?;
    Ok(count)
}

/// A number-form call on the JS thread: `count` plain numbers (of `args`) in, at most
/// one result that is not i64 out (0.0 when there is none).
pub fn call_numbers_sync(instance: &Instance, index: u32, count: u32, args: [f64; MAX_NUMBER_ARGS]) -> WasmResult<f64> {
    instance.without_host_functions("callSync")?;
    let function = instance.function(index)?;
    let (params, count) = number_params(&function, count, args)?;
    let mut slot = [0u8; SLOT];
    invoke(&mut *instance.lock_in_line()?, &Call::new(index, function), &params[..count], &mut slot)?;
    Ok(number_result(&slot))
}

/// The number form of an async call.
pub async fn call_numbers(
    instance: Arc<Instance>,
    index: u32,
    count: u32,
    args: [f64; MAX_NUMBER_ARGS],
) -> WasmResult<f64> {
    instance.without_host_functions("call")?;
    let function = instance.function(index)?;
    let (params, count) = number_params(&function, count, args)?;
    let out = run_calls(instance, Call::new(index, function), vec![params[..count].to_vec()]).await?;
    Ok(number_result(&out))
}

/// An async call under the instance's limits, or under `options` (`Instance.callWith`);
/// resolves to the result slots.
pub async fn call(instance: Arc<Instance>, index: u32, slots: Vec<u8>, options: CallOptions) -> WasmResult<Vec<u8>> {
    instance.without_host_functions("call")?;
    let function = instance.function(index)?;
    let params = params_from_slots(&function, &slots)?;
    run_calls(instance, Call { index: index as usize, function, options }, vec![params]).await
}

/// `count` calls in one crossing (at most `MAX_BATCH_CALLS`); the argument slots of
/// each call follow each other.
pub async fn call_batch(instance: Arc<Instance>, index: u32, count: u32, slots: Vec<u8>) -> WasmResult<Vec<u8>> {
    instance.without_host_functions("callBatch")?;
    let function = instance.function(index)?;
    let calls = batch_params(&function, count, &slots)?;
    run_calls(instance, Call::new(index, function), calls).await
}

/// Check arguments in the record form as a call would, without calling (5003 or 5007
/// when they are wrong).
pub fn check_args(instance: &Instance, name: &str, args: &[CallArg]) -> WasmResult<()> {
    let func_ty = instance.func_type(name)?;
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
        .try_for_each(|(i, (ty, arg))| to_val(name, i, ty, &Arg::from_wire(arg)).map(drop::<Val>))
}

/// Run a WASI command on a worker thread: call `_start` and resolve to its exit code
/// (`proc_exit(n)`, or 0 for a plain return). Traps and limits still fail with their codes.
pub async fn run(instance: Arc<Instance>, options: CallOptions) -> WasmResult<i32> {
    instance.without_host_functions("run")?;
    check_command(&instance)?;
    let turn = instance.queue()?;
    crate::worker::run(move || {
        let mut guard = turn.lock();
        let store = &mut *guard;
        let start = store
            .instance
            .get_func(&mut store.store, "_start")
            .ok_or_else(|| WasmError::export_not_found("the instance has no \"_start\""))?;
        match call_to_the_end(store, &options, start, &[], &mut [])? {
            Ok(()) => Ok(0),
            Err(error) => match error.downcast_ref::<I32Exit>() {
                Some(I32Exit(code)) => Ok(*code),
                None => Err(call_error("_start", error)),
            },
        }
    })
    .await
}

/// 5003 unless the instance is a WASI command: it exports `_start`, a function without
/// parameters and results.
fn check_command(instance: &Instance) -> WasmResult<()> {
    match instance.module.get_export("_start") {
        Some(ExternType::Func(ty)) if ty.params().len() == 0 && ty.results().len() == 0 => Ok(()),
        Some(_) => Err(WasmError::export_not_found("\"_start\" is not a function without parameters and results")),
        None => Err(WasmError::export_not_found(
            "the module exports no \"_start\": it is not a WASI command (call its exports with instance.call instead)",
        )),
    }
}

//! `Instance.call`: arguments are converted by the export's signature on the JS thread,
//! then the call runs on a worker thread holding the instance's lock.

use std::cell::RefCell;
use std::rc::Rc;

use deno_core::OpState;
use wasmtime::{ExternType, Trap, Val, WasmBacktrace};
use wasmtime_wasi::I32Exit;

use crate::error::{ErrorCode, WasmError, WasmResult};
use crate::generated::{CallArg, CallResult};
use crate::state::WasmState;
use crate::values::{to_val, to_wire};

pub async fn call(
    state: Rc<RefCell<OpState>>,
    instance: u32,
    name: String,
    args: Vec<CallArg>,
) -> WasmResult<Vec<CallResult>> {
    let wasm = WasmState::from_rc(&state)?;
    let live = wasm.instance(instance)?;
    let func_ty = match live.module.get_export(&name) {
        Some(ExternType::Func(ty)) => ty,
        Some(_) => return Err(WasmError::export_not_found(format!("export \"{name}\" is not a function"))),
        None => return Err(WasmError::export_not_found(format!("the instance has no export named \"{name}\""))),
    };
    let param_types: Vec<_> = func_ty.params().collect();
    if args.len() != param_types.len() {
        return Err(WasmError::type_mismatch(format!(
            "{name}: expected {} argument(s), got {}",
            param_types.len(),
            args.len()
        )));
    }
    let params = param_types
        .iter()
        .zip(&args)
        .enumerate()
        .map(|(i, (ty, arg))| to_val(&name, i, ty, arg))
        .collect::<WasmResult<Vec<Val>>>()?;
    let result_count = func_ty.results().len();

    crate::worker::run(move || {
        let mut guard = live.entry.lock();
        let entry = &mut *guard;
        entry.refill_unlimited_fuel();
        let func = entry
            .instance
            .get_func(&mut entry.store, &name)
            .ok_or_else(|| WasmError::export_not_found(format!("the instance has no function named \"{name}\"")))?;
        let mut results = vec![Val::I32(0); result_count];
        match func.call(&mut entry.store, &params, &mut results) {
            Ok(()) => {}
            Err(error) => match error.downcast_ref::<I32Exit>() {
                // A WASI program that exits with 0 has finished normally.
                Some(I32Exit(0)) => return Ok(Vec::new()),
                _ => return Err(call_error(&name, error)),
            },
        }
        results.iter().enumerate().map(|(i, v)| to_wire(&name, i, v)).collect()
    })
    .await
}

/// Map a failed call to 5002 (trap or non-zero exit) or 5011 (fuel).
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
            format!("\"{name}\" used up the instance's fuel budget; give it more with instance.setFuel(n){backtrace}"),
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

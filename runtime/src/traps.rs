//! How a failed call is reported: 5002 (trap or non-zero exit), 5011 (fuel) or 5012
//! (timeout), with the trap's kind and the wasm backtrace. Below both the call layer and
//! the host-function layer, whose re-entrant calls fail the same way.

use wasmtime::{Trap, WasmBacktrace};
use wasmtime_wasi::I32Exit;

use crate::error::{ErrorCode, WasmError};
use crate::host_link::HostFailure;

/// Map a failed call of `name` to its `WasmError`, saying how the instance goes on (a core
/// instance stays usable after a timeout, and can be given more fuel).
pub fn call_error(name: &str, error: wasmtime::Error) -> WasmError {
    report(name, error, true)
}

/// `call_error` without the advice on how the instance goes on, for callers that say it
/// themselves (a component instance cannot be entered again after a failed call).
pub fn call_error_bare(name: &str, error: wasmtime::Error) -> WasmError {
    report(name, error, false)
}

fn report(name: &str, error: wasmtime::Error, advice: bool) -> WasmError {
    if let Some(failure) = error.downcast_ref::<HostFailure>() {
        return failure.report(name);
    }
    if let Some(I32Exit(code)) = error.downcast_ref::<I32Exit>() {
        return WasmError::call(format!("\"{name}\": the WASI program exited with code {code}")).with_exit_code(*code);
    }
    let backtrace =
        error.downcast_ref::<WasmBacktrace>().map(|bt| format!("\nwasm backtrace:\n{bt}")).unwrap_or_default();
    match error.downcast_ref::<Trap>() {
        Some(Trap::OutOfFuel) => WasmError::new(
            ErrorCode::FuelExhausted,
            format!(
                "\"{name}\" used up its fuel budget{}{backtrace}",
                if advice { "; give the instance more with instance.setFuel(n)" } else { "" }
            ),
        ),
        Some(Trap::Interrupt) => {
            tracing::debug!(function = name, "call timed out");
            WasmError::new(
                ErrorCode::Timeout,
                format!(
                    "\"{name}\" ran past its timeout and was stopped{}{backtrace}",
                    if advice { "; the instance stays usable" } else { "" }
                ),
            )
        }
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

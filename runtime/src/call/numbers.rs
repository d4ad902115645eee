//! The number wire form: the commonest call shape (up to four plain-number arguments, at
//! most one result that is not i64) passed as op arguments, without a buffer.
//! Conversion and errors are those of the slot form.

use wasmtime::{Val, ValType};

use crate::error::{WasmError, WasmResult};
use crate::instance::FunctionHandle;
use crate::values::{to_val, Arg, SLOT};

/// The most numbers the number form takes.
pub const MAX_NUMBER_ARGS: usize = 4;

/// The parameters of a number-form call, or 5007 when the signature is not one the form
/// carries (the JS side never sends those; forged calls can).
pub fn number_params(
    function: &FunctionHandle,
    count: u32,
    args: [f64; MAX_NUMBER_ARGS],
) -> WasmResult<([Val; MAX_NUMBER_ARGS], usize)> {
    let count = count as usize;
    let numeric_result = match function.results.as_slice() {
        [] => true,
        [ty] => !matches!(ty, ValType::I64),
        _ => false,
    };
    if count != function.params.len() || count > MAX_NUMBER_ARGS || !numeric_result {
        return Err(WasmError::type_mismatch(format!(
            "{}: the number form takes up to {MAX_NUMBER_ARGS} arguments and one result that is not i64; this call passed {count}",
            function.name
        )));
    }
    let mut params = [Val::I32(0); MAX_NUMBER_ARGS];
    for (i, (ty, n)) in function.params.iter().zip(args).enumerate() {
        params[i] = to_val(&function.name, i, ty, &Arg::number(n))?;
    }
    Ok((params, count))
}

/// The first result slot's payload as a number (0.0 when there is no result).
pub fn number_result(slots: &[u8]) -> f64 {
    let mut payload = [0u8; 8];
    if let Some(bytes) = slots.get(8..SLOT) {
        payload.copy_from_slice(bytes);
    }
    f64::from_ne_bytes(payload)
}

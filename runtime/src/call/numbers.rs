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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    fn handle(params: Vec<ValType>, results: Vec<ValType>) -> FunctionHandle {
        FunctionHandle::new("f".into(), params, results)
    }

    #[test]
    fn the_number_form_carries_only_its_shape() {
        let args = [1.0, 2.0, 3.0, 4.0];
        let four = handle(vec![ValType::I32; 4], vec![ValType::I32]);
        let (params, count) = number_params(&four, 4, args).unwrap();
        assert_eq!(count, 4);
        assert_eq!(params.iter().filter_map(Val::i32).collect::<Vec<_>>(), vec![1, 2, 3, 4]);
        let refused = [
            (handle(vec![ValType::I32; 4], vec![]), 3, "fewer numbers than parameters"),
            (handle(vec![ValType::I32; 2], vec![]), 3, "more numbers than parameters"),
            (handle(vec![ValType::I32; 5], vec![]), 5, "five numbers"),
            (handle(vec![], vec![ValType::I64]), 0, "an i64 result"),
            (handle(vec![], vec![ValType::I32, ValType::I32]), 0, "two results"),
        ];
        for (function, count, what) in refused {
            let error = number_params(&function, count, args).unwrap_err();
            assert_eq!(error.code, ErrorCode::TypeError, "{what}");
            assert!(error.message.contains("number form"), "{what}: {error}");
        }
        for results in [vec![], vec![ValType::F32], vec![ValType::F64], vec![ValType::I32]] {
            assert!(number_params(&handle(vec![], results.clone()), 0, args).is_ok(), "{results:?}");
        }
    }

    #[test]
    fn numbers_convert_like_every_other_argument() {
        let mixed = handle(vec![ValType::I32, ValType::F32, ValType::F64, ValType::I64], vec![]);
        let (params, _) = number_params(&mixed, 4, [-1.0, 0.5, -0.0, 9.0]).unwrap();
        assert_eq!(params[0].i32(), Some(-1));
        assert_eq!(params[1].f32(), Some(0.5));
        assert!(params[2].f64().is_some_and(|x| x == 0.0 && x.is_sign_negative()), "-0 survives");
        assert_eq!(params[3].i64(), Some(9));
        let error = number_params(&mixed, 4, [1.5, 0.0, 0.0, 0.0]).unwrap_err();
        assert_eq!(error.code, ErrorCode::TypeError, "1.5 is not an i32");
    }

    #[test]
    fn the_result_is_the_first_slots_payload() {
        let mut slot = [0u8; SLOT];
        slot[8..].copy_from_slice(&7.5f64.to_ne_bytes());
        assert_eq!(number_result(&slot), 7.5);
        slot[8..].copy_from_slice(&(-0.0f64).to_ne_bytes());
        assert!(number_result(&slot).is_sign_negative());
        assert_eq!(number_result(&slot[..SLOT - 1]), 0.0, "a short buffer has no result");
        assert_eq!(number_result(&[]), 0.0);
    }
}

//! The slot wire form: arguments and results as 16-byte slots (kind, representation,
//! payload; see `crate::values::SLOT`) in one buffer, one slot per value.

use wasmtime::Val;

use crate::error::{WasmError, WasmResult};
use crate::instance::FunctionHandle;
use crate::values::{to_val, write_slot, Arg, SLOT};

/// The most calls one `callBatch` may carry. The JS side sends one per argument list;
/// the bound keeps a forged count (for a function without parameters, whose calls take
/// no bytes) from making the host allocate or loop for billions of calls.
pub const MAX_BATCH_CALLS: usize = 1 << 20;

/// Convert one call's argument slots, checking the buffer holds them.
pub fn params_from_slots(function: &FunctionHandle, slots: &[u8]) -> WasmResult<Vec<Val>> {
    if slots.len() < function.params.len() * SLOT {
        return Err(WasmError::type_mismatch(format!(
            "{}: the argument buffer holds {} bytes, {} are needed",
            function.name,
            slots.len(),
            function.params.len() * SLOT
        )));
    }
    function
        .params
        .iter()
        .zip(slots.chunks_exact(SLOT))
        .enumerate()
        .map(|(i, (ty, slot))| to_val(&function.name, i, ty, &Arg::from_slot(slot)))
        .collect()
}

/// The parameter lists of `count` calls whose argument slots follow each other.
pub fn batch_params(function: &FunctionHandle, count: u32, slots: &[u8]) -> WasmResult<Vec<Vec<Val>>> {
    let count = count as usize;
    if count > MAX_BATCH_CALLS {
        return Err(WasmError::type_mismatch(format!(
            "{}: a batch holds at most {MAX_BATCH_CALLS} calls, this one {count}",
            function.name
        )));
    }
    let arg_bytes = function.params.len() * SLOT;
    if slots.len() < count * arg_bytes {
        return Err(WasmError::type_mismatch(format!(
            "{}: the argument buffer is too short for {count} calls",
            function.name
        )));
    }
    (0..count).map(|call| params_from_slots(function, &slots[call * arg_bytes..(call + 1) * arg_bytes])).collect()
}

/// Slot group `i` of `width` bytes in `out`, or 5007 when the buffer is too short.
pub fn result_slots<'a>(
    function: &FunctionHandle,
    out: &'a mut [u8],
    i: usize,
    width: usize,
) -> WasmResult<&'a mut [u8]> {
    out.get_mut(i * width..(i + 1) * width)
        .ok_or_else(|| WasmError::type_mismatch(format!("{}: the buffer has no room for result {i}", function.name)))
}

/// Write a call's results into `out`, one slot each.
pub fn write_results(function: &FunctionHandle, results: &[Val], out: &mut [u8]) -> WasmResult<()> {
    for (i, val) in results.iter().enumerate() {
        write_slot(&function.name, i, val, result_slots(function, out, i, SLOT)?)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use wasmtime::ValType;

    /// An argument slot holding the JS number `n` (kind auto, representation number).
    fn number_slot(n: f64) -> [u8; SLOT] {
        let mut slot = [0u8; SLOT];
        slot[8..].copy_from_slice(&n.to_ne_bytes());
        slot
    }

    #[test]
    fn argument_slots_decode_in_order_and_need_every_byte() {
        let pair = FunctionHandle::new("pair".into(), vec![ValType::I32, ValType::F64], vec![]);
        let mut slots = number_slot(-7.0).to_vec();
        slots.extend_from_slice(&number_slot(2.5));
        let params = params_from_slots(&pair, &slots).unwrap();
        assert_eq!((params[0].i32(), params[1].f64()), (Some(-7), Some(2.5)));
        // One byte short of the second slot: 5007, naming the function and the sizes.
        let error = params_from_slots(&pair, &slots[..2 * SLOT - 1]).unwrap_err();
        assert_eq!(error.code, ErrorCode::TypeError);
        assert!(error.message.contains("pair") && error.message.contains("31 bytes, 32 are needed"), "{error}");
        // A value the parameter cannot hold exactly is the converter's 5007.
        let error = params_from_slots(&pair, &[number_slot(1.5), number_slot(0.0)].concat()).unwrap_err();
        assert_eq!(error.code, ErrorCode::TypeError);
    }

    #[test]
    fn results_go_to_their_own_slots() {
        let two = FunctionHandle::new("two".into(), vec![], vec![ValType::I32, ValType::F64]);
        let mut out = vec![0xffu8; 2 * SLOT];
        write_results(&two, &[Val::I32(5), Val::F64(0.25f64.to_bits())], &mut out).unwrap();
        assert_eq!((out[0], out[SLOT]), (0, 3), "the kinds: i32, then f64");
        assert_eq!(f64::from_ne_bytes(out[8..SLOT].try_into().unwrap()), 5.0);
        assert_eq!(f64::from_ne_bytes(out[SLOT + 8..].try_into().unwrap()), 0.25);
        let error = write_results(&two, &[Val::I32(5), Val::I32(6)], &mut out[..SLOT + 8]).unwrap_err();
        assert!(error.message.contains("no room for result 1"), "{error}");
        assert_eq!(result_slots(&two, &mut out, 1, SLOT).unwrap().len(), SLOT);
        assert!(result_slots(&two, &mut out, 2, SLOT).is_err());
    }

    #[test]
    fn a_batch_count_is_bounded_even_when_calls_take_no_bytes() {
        let none = FunctionHandle::new("none".into(), vec![], vec![ValType::I32]);
        // A small batch first: a bound that refuses it must fail here, fast.
        assert_eq!(batch_params(&none, 3, &[]).unwrap().len(), 3);
        // Just past the bound first: a bound that lets it through still fails fast here.
        for count in [MAX_BATCH_CALLS as u32 + 1, 1 << 31, u32::MAX] {
            let error = batch_params(&none, count, &[]).unwrap_err();
            assert_eq!(error.code, ErrorCode::TypeError, "count {count}: {error}");
            assert!(error.message.contains("at most"), "{error}");
        }
        assert_eq!(batch_params(&none, MAX_BATCH_CALLS as u32, &[]).unwrap().len(), MAX_BATCH_CALLS);
    }

    #[test]
    fn a_batch_needs_the_bytes_of_every_call() {
        let pair = FunctionHandle::new("pair".into(), vec![ValType::I32, ValType::I32], vec![]);
        let mut slots = vec![0u8; 3 * SLOT];
        assert_eq!(batch_params(&pair, 2, &slots).unwrap_err().code, ErrorCode::TypeError);
        slots.resize(4 * SLOT, 0);
        let calls = batch_params(&pair, 2, &slots).unwrap();
        assert_eq!(calls.len(), 2);
        assert!(calls.iter().all(|params| params.len() == 2 && params.iter().all(|v| v.i32() == Some(0))));
        // Each call reads its own slots.
        let slots = [number_slot(1.0), number_slot(2.0), number_slot(3.0), number_slot(4.0)].concat();
        let calls = batch_params(&pair, 2, &slots).unwrap();
        let values: Vec<Vec<i32>> = calls.iter().map(|c| c.iter().filter_map(Val::i32).collect()).collect();
        assert_eq!(values, vec![vec![1, 2], vec![3, 4]]);
    }
}

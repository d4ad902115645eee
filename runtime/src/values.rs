//! Converting call arguments from their JS wire form to Wasmtime values by the callee's
//! declared parameter types, and results back. Every value that cannot be represented
//! exactly is a 5007 naming the parameter; nothing here panics on any input.

use wasmtime::{Val, ValType};

use crate::error::{WasmError, WasmResult};
use crate::generated::{CallArg, CallResult, ValueType};

/// The largest integer a JS number holds exactly (2^53 - 1).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

pub fn value_type(ty: &ValType) -> ValueType {
    match ty {
        ValType::I32 => ValueType::I32,
        ValType::I64 => ValueType::I64,
        ValType::F32 => ValueType::F32,
        ValType::F64 => ValueType::F64,
        ValType::V128 => ValueType::V128,
        ValType::Ref(r) if r.heap_type().is_func() => ValueType::Funcref,
        ValType::Ref(r) if r.heap_type().is_extern() => ValueType::Externref,
        ValType::Ref(_) => ValueType::Anyref,
    }
}

fn type_name(ty: ValueType) -> &'static str {
    match ty {
        ValueType::I32 => "i32",
        ValueType::I64 => "i64",
        ValueType::F32 => "f32",
        ValueType::F64 => "f64",
        ValueType::V128 => "v128",
        ValueType::Funcref => "funcref",
        ValueType::Externref => "externref",
        ValueType::Anyref => "anyref",
    }
}

/// Convert argument `index` of a call to `func` into a value of the parameter type `ty`.
pub fn to_val(func: &str, index: usize, ty: &ValType, arg: &CallArg) -> WasmResult<Val> {
    let want = value_type(ty);
    let fail = |reason: String| {
        WasmError::type_mismatch(format!(
            "{func}: argument {} (parameter {index}, {}): {reason}",
            index + 1,
            type_name(want)
        ))
    };
    match arg.kind.as_str() {
        "auto" => {}
        "invalid" => {
            let desc = arg.desc.as_deref().unwrap_or("an unsupported value");
            return Err(fail(format!("expected a number, a bigint or a types.* value, got {desc}")));
        }
        explicit @ ("i32" | "i64" | "f32" | "f64") => {
            if explicit != type_name(want) {
                return Err(fail(format!("types.{explicit}(...) was given but the parameter is declared {}", type_name(want))));
            }
        }
        other => return Err(fail(format!("unknown argument kind \"{other}\""))),
    }
    match want {
        ValueType::I32 => {
            let n = integer(arg).map_err(fail)?;
            if !(-(1i128 << 31)..(1i128 << 32)).contains(&n) {
                return Err(fail(format!("{n} does not fit in 32 bits (allowed: -2147483648 to 4294967295)")));
            }
            // Values above i32::MAX are u32 inputs: keep their bit pattern.
            Ok(Val::I32(n as u32 as i32))
        }
        ValueType::I64 => {
            let n = integer(arg).map_err(fail)?;
            if arg.big.is_none() && (n.unsigned_abs() as f64) > MAX_SAFE_INTEGER {
                return Err(fail(format!("{n} is not a safe integer as a JS number; pass a bigint (e.g. {n}n) or types.i64({n}n)")));
            }
            if !(-(1i128 << 63)..(1i128 << 64)).contains(&n) {
                return Err(fail(format!("{n} does not fit in 64 bits (allowed: -2^63 to 2^64-1)")));
            }
            Ok(Val::I64(n as u64 as i64))
        }
        ValueType::F32 => Ok(Val::F32((float(arg, true).map_err(fail)? as f32).to_bits())),
        ValueType::F64 => Ok(Val::F64(float(arg, false).map_err(fail)?.to_bits())),
        other => Err(fail(format!("{} parameters cannot be passed from JavaScript", type_name(other)))),
    }
}

/// An exact integer from a number or a bigint.
fn integer(arg: &CallArg) -> Result<i128, String> {
    if let Some(big) = &arg.big {
        return big.parse::<i128>().map_err(|_| format!("bigint {big} is out of range"));
    }
    match arg.num {
        Some(n) if n.is_finite() && n.fract() == 0.0 => {
            if n.abs() > 1.8e19 {
                Err(format!("{n} is out of range for an integer parameter"))
            } else {
                Ok(n as i128)
            }
        }
        Some(n) => Err(format!("{n} is not an integer")),
        None => Err("no value was given".to_string()),
    }
}

/// A float from a number, or from a bigint that the float type holds exactly (a bigint
/// that would be rounded is refused rather than silently changed).
fn float(arg: &CallArg, single: bool) -> Result<f64, String> {
    let Some(big) = &arg.big else {
        return arg.num.ok_or_else(|| "no value was given".to_string());
    };
    let n: i128 = big.parse().map_err(|_| format!("bigint {big}n is out of range"))?;
    let exact = if single { (n as f32) as i128 == n } else { (n as f64) as i128 == n };
    if !exact {
        let ty = if single { "f32" } else { "f64" };
        return Err(format!("bigint {big}n cannot be represented exactly as {ty}; pass a number"));
    }
    Ok(n as f64)
}

/// A result value in wire form: i64 as a decimal string (made a bigint in JS).
pub fn to_wire(func: &str, index: usize, val: &Val) -> WasmResult<CallResult> {
    let num = |kind, n: f64| CallResult { kind, num: Some(n), big: None };
    match val {
        Val::I32(v) => Ok(num(ValueType::I32, f64::from(*v))),
        Val::I64(v) => Ok(CallResult { kind: ValueType::I64, num: None, big: Some(v.to_string()) }),
        Val::F32(bits) => Ok(num(ValueType::F32, f64::from(f32::from_bits(*bits)))),
        Val::F64(bits) => Ok(num(ValueType::F64, f64::from_bits(*bits))),
        _ => Err(WasmError::type_mismatch(format!(
            "{func}: result {index} is a reference or vector value, which cannot be returned to JavaScript"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(n: f64) -> CallArg {
        CallArg { kind: "auto".into(), num: Some(n), big: None, desc: None }
    }
    fn big(s: &str) -> CallArg {
        CallArg { kind: "auto".into(), num: None, big: Some(s.into()), desc: None }
    }

    #[test]
    fn i32_accepts_signed_and_unsigned_range_only() {
        assert_eq!(to_val("f", 0, &ValType::I32, &num(-2147483648.0)).unwrap().unwrap_i32(), i32::MIN);
        assert_eq!(to_val("f", 0, &ValType::I32, &num(4294967295.0)).unwrap().unwrap_i32(), -1);
        assert!(to_val("f", 0, &ValType::I32, &num(4294967296.0)).is_err());
        assert!(to_val("f", 0, &ValType::I32, &num(3.5)).is_err());
        assert!(to_val("f", 0, &ValType::I32, &num(f64::NAN)).is_err());
    }

    #[test]
    fn i64_needs_bigint_beyond_safe_integers() {
        assert!(to_val("f", 0, &ValType::I64, &num(9007199254740992.0)).is_err());
        assert_eq!(to_val("f", 0, &ValType::I64, &big("-9223372036854775808")).unwrap().unwrap_i64(), i64::MIN);
        assert_eq!(to_val("f", 0, &ValType::I64, &big("18446744073709551615")).unwrap().unwrap_i64(), -1);
        assert!(to_val("f", 0, &ValType::I64, &big("18446744073709551616")).is_err());
    }

    #[test]
    fn bigint_to_float_only_when_exact() {
        assert_eq!(to_val("f", 0, &ValType::F64, &big("9007199254740991")).unwrap().unwrap_f64(), 9007199254740991.0);
        assert!(to_val("f", 0, &ValType::F64, &big("9007199254740993")).is_err());
        assert!(to_val("f", 0, &ValType::F32, &big("16777217")).is_err());
    }

    #[test]
    fn error_names_the_parameter() {
        let e = to_val("add", 1, &ValType::I32, &num(0.5)).unwrap_err();
        assert!(e.message.contains("argument 2 (parameter 1, i32)"), "{}", e.message);
    }

    #[test]
    fn negative_zero_and_nan_survive_as_f64() {
        let v = to_val("f", 0, &ValType::F64, &num(-0.0)).unwrap();
        let back = to_wire("f", 0, &v).unwrap().num.unwrap();
        assert!(back == 0.0 && back.is_sign_negative());
        let v = to_val("f", 0, &ValType::F64, &num(f64::NAN)).unwrap();
        assert!(to_wire("f", 0, &v).unwrap().num.unwrap().is_nan());
    }
}

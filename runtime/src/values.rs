//! Converting call arguments to Wasmtime values by the callee's declared parameter types,
//! and results back. Arguments arrive in one of two wire forms — `CallArg` records (serde)
//! or 16-byte slots (the function-handle fast path) — and both become an [`Arg`], checked
//! by the one converter here. Every value that cannot be represented exactly is a 5007
//! naming the parameter; nothing here panics on any input.

use wasmtime::{Val, ValType};

use crate::error::{WasmError, WasmResult};
use crate::generated::{CallArg, ValueType};

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

pub fn type_name(ty: ValueType) -> &'static str {
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

/// How an argument was given: a plain value, or a `types.*` value of a declared type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgKind {
    Auto,
    Typed(ValueType),
}

/// An argument's JS value.
#[derive(Debug, Clone, PartialEq)]
pub enum ArgValue {
    Number(f64),
    Big(i128),
    /// A bigint beyond the i128 range that equals this float exactly (only a float
    /// parameter can take it).
    HugeBig(f64),
    /// Not a number or bigint; the text says what it was.
    Invalid(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    pub kind: ArgKind,
    pub value: ArgValue,
}

/// Size of one argument or result slot of the function-handle ops.
pub const SLOT: usize = 16;

impl Arg {
    /// From the serde wire form.
    pub fn from_wire(arg: &CallArg) -> Arg {
        let kind = match arg.kind.as_str() {
            "auto" => ArgKind::Auto,
            "i32" => ArgKind::Typed(ValueType::I32),
            "i64" => ArgKind::Typed(ValueType::I64),
            "f32" => ArgKind::Typed(ValueType::F32),
            "f64" => ArgKind::Typed(ValueType::F64),
            "invalid" => {
                let desc = arg.desc.clone().unwrap_or_else(|| "an unsupported value".to_string());
                return Arg { kind: ArgKind::Auto, value: ArgValue::Invalid(desc) };
            }
            other => {
                return Arg {
                    kind: ArgKind::Auto,
                    value: ArgValue::Invalid(format!("an argument of unknown kind \"{other}\"")),
                }
            }
        };
        let value = match (&arg.big, arg.num) {
            (Some(big), _) => match big.parse::<i128>() {
                Ok(n) => ArgValue::Big(n),
                Err(_) => match exact_float(big) {
                    Some(f) => ArgValue::HugeBig(f),
                    None => ArgValue::Invalid(format!("bigint {}n, which is out of range", abbreviated(big))),
                },
            },
            (None, Some(n)) => ArgValue::Number(n),
            (None, None) => ArgValue::Invalid("no value".to_string()),
        };
        Arg { kind, value }
    }

    /// From a 16-byte slot: byte 0 the kind (0 auto, 1 i32, 2 i64, 3 f32, 4 f64), byte 1
    /// the representation (0 f64, 1 i64, 2 u64) of the payload at bytes 8-15, in the
    /// machine's byte order (JS writes it through typed arrays, which use that order).
    /// A plain JS number, converted by the parameter's type.
    pub fn number(n: f64) -> Arg {
        Arg { kind: ArgKind::Auto, value: ArgValue::Number(n) }
    }

    pub fn from_slot(slot: &[u8]) -> Arg {
        let (Some(&kind), Some(&repr), Some(payload)) = (slot.first(), slot.get(1), slot.get(8..SLOT)) else {
            return Arg { kind: ArgKind::Auto, value: ArgValue::Invalid("a truncated argument slot".to_string()) };
        };
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(payload);
        let kind = match kind {
            0 => ArgKind::Auto,
            1 => ArgKind::Typed(ValueType::I32),
            2 => ArgKind::Typed(ValueType::I64),
            3 => ArgKind::Typed(ValueType::F32),
            4 => ArgKind::Typed(ValueType::F64),
            other => {
                return Arg {
                    kind: ArgKind::Auto,
                    value: ArgValue::Invalid(format!("an argument slot of kind {other}")),
                }
            }
        };
        let value = match repr {
            0 => ArgValue::Number(f64::from_ne_bytes(bytes)),
            1 => ArgValue::Big(i128::from(i64::from_ne_bytes(bytes))),
            2 => ArgValue::Big(i128::from(u64::from_ne_bytes(bytes))),
            other => ArgValue::Invalid(format!("an argument slot of representation {other}")),
        };
        Arg { kind, value }
    }
}

/// Write result `val` into a 16-byte slot (byte 0: 0 i32, 1 i64, 2 f32, 3 f64; payload
/// at 8-15 in the machine's byte order: i64 for i64, f64 for the others).
pub fn write_slot(func: &str, index: usize, val: &Val, slot: &mut [u8]) -> WasmResult<()> {
    let (kind, payload) = match val {
        Val::I32(v) => (0u8, f64::from(*v).to_ne_bytes()),
        Val::I64(v) => (1, v.to_ne_bytes()),
        Val::F32(bits) => (2, f64::from(f32::from_bits(*bits)).to_ne_bytes()),
        Val::F64(bits) => (3, f64::from_bits(*bits).to_ne_bytes()),
        _ => return Err(reference_result(func, index)),
    };
    let Some((header, value)) = slot.get_mut(..SLOT).map(|s| s.split_at_mut(8)) else {
        return Err(WasmError::bug("result slot buffer too small"));
    };
    header.fill(0);
    header[0] = kind;
    value.copy_from_slice(&payload);
    Ok(())
}

fn reference_result(func: &str, index: usize) -> WasmError {
    WasmError::type_mismatch(format!(
        "{func}: result {index} is a reference or vector value, which cannot be returned to JavaScript"
    ))
}

/// Convert argument `index` of a call to `func` into a value of the parameter type `ty`.
pub fn to_val(func: &str, index: usize, ty: &ValType, arg: &Arg) -> WasmResult<Val> {
    convert(ty, arg, || format!("{func}: argument {} (parameter {index}, {})", index + 1, type_name(value_type(ty))))
}

/// Convert `arg` into a value of type `ty`, by the same rules wherever a value comes from
/// (a call argument, a global's new value). `target` names the destination in the 5007
/// message (e.g. `add: argument 2 (parameter 1, i32)`); it runs only on failure.
pub fn convert(ty: &ValType, arg: &Arg, target: impl Fn() -> String) -> WasmResult<Val> {
    let want = value_type(ty);
    let fail = |reason: String| WasmError::type_mismatch(format!("{}: {reason}", target()));
    if let ArgValue::Invalid(desc) = &arg.value {
        let desc = match arg.kind {
            ArgKind::Auto => desc.clone(),
            ArgKind::Typed(t) => format!("types.{}({desc})", type_name(t)),
        };
        return Err(fail(format!("expected a number, a bigint or a types.* value, got {desc}")));
    }
    if let ArgKind::Typed(explicit) = arg.kind {
        if explicit != want {
            return Err(fail(format!(
                "types.{}(...) was given but the parameter is declared {}",
                type_name(explicit),
                type_name(want)
            )));
        }
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
            if matches!(arg.value, ArgValue::Number(_)) && (n.unsigned_abs() as f64) > MAX_SAFE_INTEGER {
                return Err(fail(format!(
                    "{n} is not a safe integer as a JS number; pass a bigint (e.g. {n}n) or types.i64({n}n)"
                )));
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
fn integer(arg: &Arg) -> Result<i128, String> {
    match arg.value {
        ArgValue::Big(n) => Ok(n),
        ArgValue::Number(n) if n.is_finite() && n.fract() == 0.0 => {
            if n.abs() > 1.8e19 {
                Err(format!("{n} is out of range for an integer parameter"))
            } else {
                Ok(n as i128)
            }
        }
        ArgValue::Number(n) => Err(format!("{n} is not an integer")),
        ArgValue::HugeBig(f) => Err(format!("bigint {f:.0}n is out of range for an integer parameter")),
        ArgValue::Invalid(ref desc) => Err(format!("{desc} is not a number")),
    }
}

/// A decimal integer for an error message: whole when short, else its first digits and
/// its length (a script can send a bigint of thousands of digits).
fn abbreviated(decimal: &str) -> String {
    const SHOWN: usize = 24;
    match decimal.char_indices().nth(SHOWN) {
        Some((cut, _)) => format!("{}... ({} digits)", &decimal[..cut], decimal.trim_start_matches(['-', '+']).len()),
        None => decimal.to_string(),
    }
}

/// The float a decimal integer string equals exactly, if there is one.
fn exact_float(decimal: &str) -> Option<f64> {
    let f: f64 = decimal.parse().ok()?;
    // `{:.0}` prints a float's exact integer value, so equality means no rounding.
    (f.is_finite() && format!("{f:.0}") == decimal.trim_start_matches('+')).then_some(f)
}

/// A float from a number, or from a bigint that the float type holds exactly (a bigint
/// that would be rounded is refused rather than silently changed).
fn float(arg: &Arg, single: bool) -> Result<f64, String> {
    let n = match arg.value {
        ArgValue::Number(n) => return Ok(n),
        ArgValue::HugeBig(f) if !single || f64::from(f as f32) == f => return Ok(f),
        ArgValue::HugeBig(f) => {
            return Err(format!("bigint {f:.0}n cannot be represented exactly as f32; pass a number"))
        }
        ArgValue::Big(n) => n,
        ArgValue::Invalid(ref desc) => return Err(format!("{desc} is not a number")),
    };
    let big = n;
    // Converting back with `as` saturates at the i128 range, so 2^127 - 1 would round to
    // 2^127 and "come back" as i128::MAX: values at or past +-2^127 are never exact.
    const LIMIT: f64 = 170_141_183_460_469_231_731_687_303_715_884_105_728.0; // 2^127
    let rounded = if single { f64::from(n as f32) } else { n as f64 };
    let exact = (-LIMIT..LIMIT).contains(&rounded) && rounded as i128 == n;
    if !exact {
        let ty = if single { "f32" } else { "f64" };
        return Err(format!("bigint {big}n cannot be represented exactly as {ty}; pass a number"));
    }
    Ok(n as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(n: f64) -> Arg {
        Arg::from_wire(&CallArg { kind: "auto".into(), num: Some(n), big: None, desc: None })
    }
    fn big(s: &str) -> Arg {
        Arg::from_wire(&CallArg { kind: "auto".into(), num: None, big: Some(s.into()), desc: None })
    }

    #[test]
    fn slots_decode_like_the_wire_form() {
        let mut slot = [0u8; SLOT];
        slot[0] = 2;
        slot[1] = 2;
        slot[8..].copy_from_slice(&u64::MAX.to_ne_bytes());
        assert_eq!(
            Arg::from_slot(&slot),
            Arg { kind: ArgKind::Typed(ValueType::I64), value: ArgValue::Big(u64::MAX as i128) }
        );
        assert_eq!(to_val("f", 0, &ValType::I64, &Arg::from_slot(&slot)).unwrap().unwrap_i64(), -1);
        slot[0] = 9;
        assert!(matches!(Arg::from_slot(&slot).value, ArgValue::Invalid(_)));
        assert!(matches!(Arg::from_slot(&slot[..4]).value, ArgValue::Invalid(_)));
        let mut out = [0xffu8; SLOT];
        write_slot("f", 0, &Val::I64(-2), &mut out).unwrap();
        assert_eq!(out[0], 1);
        assert_eq!(i64::from_ne_bytes(out[8..].try_into().unwrap()), -2);
        assert!(write_slot("f", 0, &Val::I32(1), &mut [0u8; 4]).is_err());
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
        let max = i128::MAX.to_string();
        assert!(to_val("f", 0, &ValType::F64, &big(&max)).is_err(), "2^127-1 rounds to 2^127");
        assert!(to_val("f", 0, &ValType::F32, &big(&max)).is_err());
        assert!(
            to_val("f", 0, &ValType::F64, &big("-170141183460469231731687303715884105728")).is_ok(),
            "-2^127 is exact"
        );
        assert!(to_val("f", 0, &ValType::F64, &big("-170141183460469231731687303715884105727")).is_err());
        // Beyond i128: accepted by float parameters only when exact.
        let two_127 = "170141183460469231731687303715884105728";
        assert_eq!(to_val("f", 0, &ValType::F32, &big(two_127)).unwrap().unwrap_f32(), 2f32.powi(127));
        assert!(to_val("f", 0, &ValType::F64, &big("170141183460469231731687303715884105729")).is_err());
        assert!(to_val("f", 0, &ValType::I64, &big(two_127)).is_err());
    }

    #[test]
    fn error_names_the_parameter() {
        let e = to_val("add", 1, &ValType::I32, &num(0.5)).unwrap_err();
        assert!(e.message.contains("argument 2 (parameter 1, i32)"), "{}", e.message);
    }

    #[test]
    fn negative_zero_and_nan_survive_as_f64() {
        let mut slot = [0u8; SLOT];
        let payload = |slot: &[u8; SLOT]| f64::from_ne_bytes(slot[8..].try_into().unwrap());
        let v = to_val("f", 0, &ValType::F64, &num(-0.0)).unwrap();
        write_slot("f", 0, &v, &mut slot).unwrap();
        assert!(payload(&slot) == 0.0 && payload(&slot).is_sign_negative());
        let v = to_val("f", 0, &ValType::F64, &num(f64::NAN)).unwrap();
        write_slot("f", 0, &v, &mut slot).unwrap();
        assert!(payload(&slot).is_nan());
    }

    #[test]
    fn value_types_name_references_by_their_heap_type() {
        assert_eq!(value_type(&ValType::I32), ValueType::I32);
        assert_eq!(value_type(&ValType::F64), ValueType::F64);
        assert_eq!(value_type(&ValType::FUNCREF), ValueType::Funcref);
        assert_eq!(value_type(&ValType::EXTERNREF), ValueType::Externref);
        assert_eq!(value_type(&ValType::ANYREF), ValueType::Anyref);
        let e = to_val("f", 0, &ValType::EXTERNREF, &num(1.0)).unwrap_err();
        assert!(e.message.contains("externref parameters cannot be passed"), "{}", e.message);
    }

    #[test]
    fn every_numeric_result_has_its_slot_kind() {
        let mut slot = [0xffu8; SLOT];
        let payload = |slot: &[u8; SLOT]| f64::from_ne_bytes(slot[8..].try_into().unwrap());
        write_slot("f", 0, &Val::I32(-7), &mut slot).unwrap();
        assert_eq!((slot[0], slot[1..8].iter().all(|b| *b == 0), payload(&slot)), (0, true, -7.0));
        write_slot("f", 0, &Val::F32(1.5f32.to_bits()), &mut slot).unwrap();
        assert_eq!((slot[0], payload(&slot)), (2, 1.5));
        write_slot("f", 0, &Val::F64(2.25f64.to_bits()), &mut slot).unwrap();
        assert_eq!((slot[0], payload(&slot)), (3, 2.25));
        let e = write_slot("f", 1, &Val::V128(0u128.into()), &mut slot).unwrap_err();
        assert!(e.message.contains("result 1 is a reference or vector value"), "{}", e.message);
    }

    #[test]
    fn i64_takes_safe_integer_numbers_up_to_the_limit() {
        assert_eq!(to_val("f", 0, &ValType::I64, &num(9007199254740991.0)).unwrap().unwrap_i64(), 9007199254740991);
        assert_eq!(to_val("f", 0, &ValType::I64, &num(-9007199254740991.0)).unwrap().unwrap_i64(), -9007199254740991);
        assert!(to_val("f", 0, &ValType::I64, &num(-9007199254740992.0)).is_err());
        // Beyond 1.8e19 a number is out of every integer range; below it, the range check speaks.
        let e = to_val("f", 0, &ValType::I32, &num(1e20)).unwrap_err();
        assert!(e.message.contains("out of range for an integer parameter"), "{}", e.message);
        let e = to_val("f", 0, &ValType::I32, &num(1.8e19)).unwrap_err();
        assert!(e.message.contains("does not fit in 32 bits"), "{}", e.message);
    }

    #[test]
    fn a_bigint_beyond_i128_goes_to_f32_only_when_exact() {
        // 2^128 + 2^80: exact as f64, rounded as f32.
        let big_value = "340282366920938463463374607431768211456";
        let plus = big_value.parse::<f64>().unwrap() + 2f64.powi(80);
        let text = format!("{plus:.0}");
        assert_eq!(to_val("f", 0, &ValType::F64, &big(&text)).unwrap().unwrap_f64(), plus);
        let e = to_val("f", 0, &ValType::F32, &big(&text)).unwrap_err();
        assert!(e.message.contains("cannot be represented exactly as f32"), "{}", e.message);
        assert_eq!(to_val("f", 0, &ValType::F64, &big(big_value)).unwrap().unwrap_f64(), 2f64.powi(128));
    }

    // The slot layout is a contract with the JS side (runtime/js/10_wasm.js writes it):
    // every kind and representation byte decodes to what it stands for.
    #[test]
    fn every_slot_kind_and_representation_decodes_as_documented() {
        let slot = |kind: u8, repr: u8, payload: [u8; 8]| {
            let mut s = [0u8; SLOT];
            s[0] = kind;
            s[1] = repr;
            s[8..].copy_from_slice(&payload);
            Arg::from_slot(&s)
        };
        let kinds = [
            ArgKind::Auto,
            ArgKind::Typed(ValueType::I32),
            ArgKind::Typed(ValueType::I64),
            ArgKind::Typed(ValueType::F32),
            ArgKind::Typed(ValueType::F64),
        ];
        for (byte, kind) in kinds.into_iter().enumerate() {
            let byte = byte as u8;
            assert_eq!(slot(byte, 0, 2.5f64.to_ne_bytes()), Arg { kind, value: ArgValue::Number(2.5) });
            assert_eq!(slot(byte, 1, (-3i64).to_ne_bytes()), Arg { kind, value: ArgValue::Big(-3) });
            assert_eq!(slot(byte, 2, u64::MAX.to_ne_bytes()), Arg { kind, value: ArgValue::Big(u64::MAX.into()) });
            assert!(matches!(slot(byte, 3, [0; 8]).value, ArgValue::Invalid(_)));
        }
        assert!(matches!(slot(5, 0, [0; 8]).value, ArgValue::Invalid(_)));
        assert!(matches!(Arg::from_slot(&[1u8; SLOT - 1]).value, ArgValue::Invalid(_)));
    }

    #[test]
    fn a_typed_argument_must_match_the_parameter() {
        let typed =
            |kind: &str, n: f64| Arg::from_wire(&CallArg { kind: kind.into(), num: Some(n), big: None, desc: None });
        assert_eq!(to_val("f", 0, &ValType::F32, &typed("f32", 1.5)).unwrap().unwrap_f32(), 1.5);
        let e = to_val("f", 0, &ValType::F64, &typed("f32", 1.5)).unwrap_err();
        assert!(e.message.contains("types.f32(...) was given but the parameter is declared f64"), "{}", e.message);
    }

    #[test]
    fn huge_bigints_are_abbreviated_in_messages() {
        let digits = "7".repeat(3000);
        let arg = Arg::from_wire(&CallArg { kind: "auto".into(), num: None, big: Some(digits.clone()), desc: None });
        let error = to_val("f", 0, &ValType::I64, &arg).unwrap_err();
        assert!(error.message.len() < 200, "{} characters: {}", error.message.len(), &error.message[..200]);
        assert!(error.message.contains("(3000 digits)"), "{}", error.message);
        assert_eq!(abbreviated("-12345"), "-12345");
    }
}

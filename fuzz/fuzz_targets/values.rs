//! Value conversion: an argument in each of its wire forms built from arbitrary data -- a
//! `CallArg` record (serde) and a 16-byte slot (the function-handle fast path) -- made an
//! `Arg` (`Arg::from_wire`, `Arg::from_slot`), converted against every `ValType` with
//! `to_val`, and each success converted back with `write_slot`. Nothing may
//! panic; every refusal is a 5007 (TypeError); and for the inputs JS really sends (a plain
//! number, or a bigint) the result is exactly what the API reference promises:
//!
//! - i32: integers in [-2^31, 2^32), unsigned ones keeping their bit pattern;
//! - i64: safe integers as numbers, [-2^63, 2^64) as bigints;
//! - f32: any number rounded to single precision, bigints only when exact;
//! - f64: any number bit for bit, bigints only when exact;
//! - v128 and reference types: always refused.
//!
//! Needs `ext_wasm::fuzzing` (see the report that introduced this target): `wasmtime`,
//! `Arg`, `SLOT`, `to_val`, `value_type`, `write_slot`.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;

use ext_wasm::fuzzing::wasmtime::{Val, ValType};
use ext_wasm::fuzzing::{to_val, value_type, write_slot, Arg, SLOT};
use ext_wasm::generated::{CallArg, ValueType};
use ext_wasm::ErrorCode;

const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

#[derive(Arbitrary, Debug)]
enum Kind {
    Auto,
    Invalid,
    I32,
    I64,
    F32,
    F64,
    Other(String),
}

impl Kind {
    fn wire(&self) -> String {
        match self {
            Kind::Auto => "auto".into(),
            Kind::Invalid => "invalid".into(),
            Kind::I32 => "i32".into(),
            Kind::I64 => "i64".into(),
            Kind::F32 => "f32".into(),
            Kind::F64 => "f64".into(),
            Kind::Other(s) => s.clone(),
        }
    }
}

/// A JS number, biased towards the interesting ones: integers near the type bounds,
/// halves, powers of two, and raw bit patterns (NaNs, infinities, subnormals, -0).
#[derive(Arbitrary, Debug)]
enum Num {
    Absent,
    Bits(u64),
    Int(i64),
    Half(i32),
    Pow2 { exp: u8, negative: bool, offset: i8 },
}

impl Num {
    fn value(&self) -> Option<f64> {
        match *self {
            Num::Absent => None,
            Num::Bits(b) => Some(f64::from_bits(b)),
            Num::Int(i) => Some(i as f64),
            Num::Half(i) => Some(f64::from(i) + 0.5),
            Num::Pow2 { exp, negative, offset } => {
                let v = 2f64.powi(i32::from(exp % 80)) + f64::from(offset);
                Some(if negative { -v } else { v })
            }
        }
    }
}

/// A JS bigint in decimal (as the JS layer sends it), or arbitrary text.
#[derive(Arbitrary, Debug)]
enum Big {
    Absent,
    Signed(i128),
    Unsigned(u128),
    Pow2 { exp: u8, negative: bool, offset: i16 },
    Text(String),
}

impl Big {
    fn wire(&self) -> Option<String> {
        match self {
            Big::Absent => None,
            Big::Signed(i) => Some(i.to_string()),
            Big::Unsigned(u) => Some(u.to_string()),
            Big::Pow2 { exp, negative, offset } => {
                let v = (1i128 << (exp % 127)) + i128::from(*offset);
                Some((if *negative { -v } else { v }).to_string())
            }
            Big::Text(s) => Some(s.clone()),
        }
    }
}

/// A 16-byte argument slot: byte 0 the kind (0 auto, 1 i32, 2 i64, 3 f32, 4 f64), byte 1
/// the payload's representation (0 f64, 1 i64, 2 u64), the payload at bytes 8..16.
#[derive(Arbitrary, Debug)]
enum Slot {
    Wellformed { kind: u8, repr: u8, num: Num, int: i64 },
    Raw(Vec<u8>),
}

impl Slot {
    /// The slot's bytes, and what JS would have meant by it (kind, number, bigint).
    fn encode(&self) -> (Vec<u8>, Option<(String, Option<f64>, Option<String>)>) {
        match self {
            Slot::Wellformed { kind, repr, num, int } => {
                let (kind, repr) = (kind % 6, repr % 4);
                let mut bytes = vec![0u8; SLOT];
                bytes[0] = kind;
                bytes[1] = repr;
                let number = num.value().unwrap_or(0.0);
                let payload = if repr == 0 { number.to_ne_bytes() } else { int.to_ne_bytes() };
                bytes[8..16].copy_from_slice(&payload);
                let meaning = match (kind, repr) {
                    (0..=4, 0..=2) => {
                        let kind = ["auto", "i32", "i64", "f32", "f64"][usize::from(kind)].to_string();
                        Some(match repr {
                            0 => (kind, Some(number), None),
                            1 => (kind, None, Some(int.to_string())),
                            _ => (kind, None, Some((*int as u64).to_string())),
                        })
                    }
                    // Unknown kinds and representations: refused (checked by the caller).
                    _ => Some(("invalid".to_string(), None, None)),
                };
                (bytes, meaning)
            }
            Slot::Raw(bytes) => (bytes.clone(), None),
        }
    }
}

#[derive(Arbitrary, Debug)]
struct Input {
    kind: Kind,
    num: Num,
    big: Big,
    desc: Option<String>,
    slot: Slot,
    result_slot_len: u8,
    func: String,
    /// Parameter positions are small in practice (a function has at most 1000 params).
    index: u16,
}

fn all_types() -> Vec<ValType> {
    vec![
        ValType::I32,
        ValType::I64,
        ValType::F32,
        ValType::F64,
        ValType::V128,
        ValType::FUNCREF,
        ValType::NULLFUNCREF,
        ValType::EXTERNREF,
        ValType::NULLEXTERNREF,
        ValType::ANYREF,
        ValType::EQREF,
        ValType::I31REF,
        ValType::STRUCTREF,
        ValType::ARRAYREF,
        ValType::NULLREF,
        ValType::EXNREF,
    ]
}

/// What the conversion must give for the inputs JS sends: `Some(Ok(val))`, `Some(Err(()))`
/// for a 5007, or `None` when the input is not one JS would send (anything but Ok-or-5007
/// is still checked).
fn expected(kind: &str, ty: &ValType, num: Option<f64>, big: Option<&str>) -> Option<Result<Val, ()>> {
    let declared = match ty {
        ValType::I32 => "i32",
        ValType::I64 => "i64",
        ValType::F32 => "f32",
        ValType::F64 => "f64",
        _ => return Some(Err(())),
    };
    match kind {
        "auto" => {}
        "invalid" => return Some(Err(())),
        k if ["i32", "i64", "f32", "f64"].contains(&k) => {
            if k != declared {
                return Some(Err(()));
            }
        }
        _ => return Some(Err(())),
    }
    match (num, big) {
        (Some(n), None) => Some(match declared {
            "i32" => {
                if n.is_finite() && n.fract() == 0.0 && n >= -2147483648.0 && n < 4294967296.0 {
                    Ok(Val::I32(n as i64 as u32 as i32))
                } else {
                    Err(())
                }
            }
            "i64" => {
                if n.is_finite() && n.fract() == 0.0 && n.abs() <= MAX_SAFE_INTEGER {
                    Ok(Val::I64(n as i64))
                } else {
                    Err(())
                }
            }
            "f32" => Ok(Val::F32((n as f32).to_bits())),
            _ => Ok(Val::F64(n.to_bits())),
        }),
        (None, Some(text)) => {
            // Only canonical decimals are what JS sends (BigInt.prototype.toString()).
            let n: i128 = text.parse().ok()?;
            if n.to_string() != text {
                return None;
            }
            Some(match declared {
                "i32" => {
                    if (-(1i128 << 31)..(1i128 << 32)).contains(&n) {
                        Ok(Val::I32(n as u32 as i32))
                    } else {
                        Err(())
                    }
                }
                "i64" => {
                    if (-(1i128 << 63)..(1i128 << 64)).contains(&n) {
                        Ok(Val::I64(n as u64 as i64))
                    } else {
                        Err(())
                    }
                }
                "f32" => {
                    // `as i128` saturates: 2^127 - 1 rounds to 2^127 and "comes back" as
                    // i128::MAX, so 2^127 itself must be excluded from "exact".
                    if (n as f32) as i128 == n && (n as f32) != 2f32.powi(127) {
                        Ok(Val::F32((n as f32).to_bits()))
                    } else {
                        Err(())
                    }
                }
                _ => {
                    if (n as f64) as i128 == n && (n as f64) != 2f64.powi(127) {
                        Ok(Val::F64((n as f64).to_bits()))
                    } else {
                        Err(())
                    }
                }
            })
        }
        (None, None) => Some(Err(())),
        // Both a number and a bigint: JS never sends that.
        (Some(_), Some(_)) => None,
    }
}

fn same_val(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::I32(x), Val::I32(y)) => x == y,
        (Val::I64(x), Val::I64(y)) => x == y,
        (Val::F32(x), Val::F32(y)) => x == y || (f32::from_bits(*x).is_nan() && f32::from_bits(*y).is_nan()),
        (Val::F64(x), Val::F64(y)) => x == y,
        _ => false,
    }
}

/// Convert `arg` against every type and check the results; `meaning` is what JS sent
/// (kind, number, bigint text) when the input is one JS can send.
fn check(input: &Input, arg: &Arg, meaning: Option<(&str, Option<f64>, Option<&str>)>) {
    let index = usize::from(input.index);
    for ty in all_types() {
        // value_type never panics either, and agrees with the variant.
        let reported = value_type(&ty);
        let result = to_val(&input.func, index, &ty, arg);
        match &result {
            Ok(val) => {
                // A success has the declared type...
                let ok = matches!(
                    (&ty, val, reported),
                    (ValType::I32, Val::I32(_), ValueType::I32)
                        | (ValType::I64, Val::I64(_), ValueType::I64)
                        | (ValType::F32, Val::F32(_), ValueType::F32)
                        | (ValType::F64, Val::F64(_), ValueType::F64)
                );
                assert!(ok, "to_val gave {val:?} for a {ty} parameter ({arg:?})");
                // ...and converts back into a result slot of any size (too small is an
                // error, not a panic), exactly.
                let mut out = vec![0xa5u8; usize::from(input.result_slot_len % 40)];
                match write_slot(&input.func, index, val, &mut out) {
                    Ok(()) => {
                        assert!(out.len() >= SLOT);
                        let payload: [u8; 8] = out[8..16].try_into().unwrap();
                        let number = f64::from_ne_bytes(payload);
                        match val {
                            Val::I64(v) => assert_eq!((out[0], i64::from_ne_bytes(payload)), (1, *v)),
                            Val::I32(v) => assert_eq!((out[0], number), (0, f64::from(*v))),
                            Val::F32(bits) => {
                                let orig = f32::from_bits(*bits);
                                assert_eq!(out[0], 2);
                                assert!(number.to_bits() == f64::from(orig).to_bits() || (number.is_nan() && orig.is_nan()));
                            }
                            Val::F64(bits) => assert_eq!((out[0], number.to_bits()), (3, *bits)),
                            _ => unreachable!(),
                        }
                    }
                    Err(_) => assert!(out.len() < SLOT, "write_slot refused a {}-byte slot", out.len()),
                }
            }
            Err(error) => {
                assert_eq!(error.code, ErrorCode::TypeError, "{error:?}");
                // The message names the argument.
                assert!(error.message.contains(&format!("argument {}", index + 1)), "{}", error.message);
            }
        }
        if let Some((kind, num, big)) = meaning {
            if let Some(want) = expected(kind, &ty, num, big) {
                match (&result, &want) {
                    (Ok(got), Ok(want)) => assert!(same_val(got, want), "{ty}: {arg:?} gave {got:?}, want {want:?}"),
                    (Err(_), Err(())) => {}
                    _ => panic!("{ty}: {arg:?} gave {result:?}, want {want:?}"),
                }
            }
        }
    }
}

fuzz_target!(|input: Input| {
    // The CallArg record.
    let kind = input.kind.wire();
    let num = input.num.value();
    let big = input.big.wire();
    let record = CallArg { kind: kind.clone(), num, big: big.clone(), desc: input.desc.clone() };
    check(&input, &Arg::from_wire(&record), Some((&kind, num, big.as_deref())));

    // The 16-byte slot.
    let (bytes, meaning) = input.slot.encode();
    let arg = Arg::from_slot(&bytes);
    check(&input, &arg, meaning.as_ref().map(|(k, n, b)| (k.as_str(), *n, b.as_deref())));

    // Results JS cannot receive are refused, never a panic.
    let index = usize::from(input.index);
    for val in [Val::V128(0u128.into()), Val::FuncRef(None), Val::ExternRef(None), Val::AnyRef(None)] {
        let mut out = [0u8; SLOT];
        let error = write_slot(&input.func, index, &val, &mut out).expect_err("not a JS value");
        assert_eq!(error.code, ErrorCode::TypeError);
    }
});

//! Memory access: a random sequence of read / write / grow / size with arbitrary f64
//! offsets, lengths and page counts, through the same checks `instance.memory` uses
//! (`index` for each JS number, `bounds` for offset + length) on a real Wasmtime memory
//! in a store with ext_wasm's resource limiter (a per-instance cap and a shared budget).
//! A shadow copy of the memory checks that:
//!
//! - nothing panics, and every refusal is a 5006 (MemoryError);
//! - `index` accepts exactly the non-negative integers (and gives them back unchanged);
//! - an accepted access lies inside the memory, a refused one does not, and a refused
//!   write changes no byte;
//! - growth keeps the old bytes, zero-fills the new ones, never passes the maximum, the
//!   cap or the budget, and a refused growth changes nothing.
//!
//! Needs `ext_wasm::fuzzing` (see the report that introduced this target): `wasmtime`,
//! `new_engine`, `index`, `bounds`, `InstanceLimiter`, `MemoryBudget`.
#![no_main]

use std::sync::{Arc, OnceLock};

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;

use ext_wasm::fuzzing::wasmtime::{Engine, Memory, MemoryType, ResourceLimiter, Store};
use ext_wasm::fuzzing::{bounds, index, new_engine, InstanceLimiter, MemoryBudget};
use ext_wasm::ErrorCode;

const PAGE: usize = 65536;
/// The shadow copy is compared byte for byte: keep memories small.
const HARD_CAP_PAGES: u32 = 16;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| new_engine().expect("ext_wasm's engine configuration is valid"))
}

/// A JS number, biased towards integers near the memory's edges and the f64 oddities.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum Number {
    Bits(u64),
    Small(u16),
    Page { pages: u8, delta: i32 },
    Fraction { whole: u32, tenths: u8 },
    Negative(u32),
    Huge { exp: u8 },
    Special(u8),
}

impl Number {
    fn value(self) -> f64 {
        match self {
            Number::Bits(b) => f64::from_bits(b),
            Number::Small(n) => f64::from(n),
            Number::Page { pages, delta } => (i64::from(pages % 20) * PAGE as i64 + i64::from(delta)) as f64,
            Number::Fraction { whole, tenths } => f64::from(whole) + f64::from(tenths % 10 + 1) / 10.0,
            Number::Negative(n) => -f64::from(n) - 1.0,
            Number::Huge { exp } => 2f64.powi(i32::from(exp % 80)),
            Number::Special(k) => [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.0, f64::MIN_POSITIVE, f64::MAX]
                [usize::from(k) % 6],
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Op {
    Read { offset: Number, length: Number },
    Write { offset: Number, data: Vec<u8> },
    Grow { delta: Number },
    Size,
}

#[derive(Arbitrary, Debug)]
struct Input {
    initial: u8,
    maximum: Option<u8>,
    cap_pages: u8,
    cap_extra_bytes: u16,
    budget_pages: Option<u8>,
    ops: Vec<Op>,
}

/// `index` accepts exactly the non-negative integers below 2^63, unchanged.
fn checked_index(what: &str, value: f64) -> Option<usize> {
    let result = index(what, value);
    let integral = value.is_finite() && value >= 0.0 && value.fract() == 0.0;
    match result {
        Ok(n) => {
            assert!(integral, "index accepted {value}");
            assert_eq!(n as f64, value, "index changed {value}");
            Some(n)
        }
        Err(error) => {
            assert_eq!(error.code, ErrorCode::MemoryError);
            assert!(!integral || value >= 2f64.powi(63), "index refused {value}");
            None
        }
    }
}

fuzz_target!(|input: Input| {
    let initial = u64::from(input.initial % 4);
    let maximum = input.maximum.map(|m| u64::from(m % 20)).filter(|m| *m >= initial);
    let cap = (usize::from(input.cap_pages) % (HARD_CAP_PAGES as usize + 1)) * PAGE + usize::from(input.cap_extra_bytes);
    let budget = input.budget_pages.map(|p| usize::from(p % 24) * PAGE);
    let shared = Arc::new(MemoryBudget::new(budget));
    let mut store = Store::new(engine(), InstanceLimiter::new(Some(cap), None, shared));
    store.limiter(|limiter: &mut InstanceLimiter| -> &mut dyn ResourceLimiter { limiter });
    let memory = match Memory::new(&mut store, MemoryType::new(initial as u32, maximum.map(|m| m as u32))) {
        Ok(memory) => memory,
        Err(_) => {
            // Refused only when the initial size is past the cap or the budget.
            let bytes = initial as usize * PAGE;
            assert!(bytes > cap || budget.is_some_and(|b| bytes > b), "initial {initial} pages refused");
            return;
        }
    };
    let mut shadow = vec![0u8; initial as usize * PAGE];

    for op in input.ops.iter().take(64) {
        match op {
            Op::Read { offset, length } => {
                let (Some(offset), Some(length)) =
                    (checked_index("offset", offset.value()), checked_index("length", length.value()))
                else {
                    continue;
                };
                let data = memory.data(&store);
                match bounds(offset, length, data.len()) {
                    Ok(range) => {
                        assert!(offset + length <= data.len());
                        assert_eq!(range, offset..offset + length);
                        assert!(data[range.clone()] == shadow[range], "read differs from the shadow");
                    }
                    Err(error) => {
                        assert_eq!(error.code, ErrorCode::MemoryError);
                        assert!(offset.checked_add(length).is_none_or(|end| end > data.len()));
                    }
                }
            }
            Op::Write { offset, data: bytes } => {
                let Some(offset) = checked_index("offset", offset.value()) else { continue };
                let target = memory.data_mut(&mut store);
                match bounds(offset, bytes.len(), target.len()) {
                    Ok(range) => {
                        target[range.clone()].copy_from_slice(bytes);
                        shadow[range].copy_from_slice(bytes);
                    }
                    Err(error) => {
                        assert_eq!(error.code, ErrorCode::MemoryError);
                        assert!(offset.checked_add(bytes.len()).is_none_or(|end| end > target.len()));
                    }
                }
                assert!(memory.data(&store) == shadow.as_slice(), "the memory differs from the shadow");
            }
            Op::Grow { delta } => {
                let Some(delta) = checked_index("deltaPages", delta.value()) else { continue };
                let before = memory.size(&store);
                match memory.grow(&mut store, delta as u64) {
                    Ok(old) => {
                        assert_eq!(old, before);
                        let now = memory.size(&store);
                        assert_eq!(now, before + delta as u64);
                        let bytes = now as usize * PAGE;
                        assert!(bytes <= cap, "grew to {bytes} bytes past the cap of {cap}");
                        assert!(budget.is_none_or(|b| bytes <= b), "grew past the budget");
                        assert!(maximum.is_none_or(|m| now <= m), "grew past the maximum");
                        shadow.resize(bytes, 0);
                    }
                    Err(_) => assert_eq!(memory.size(&store), before, "a refused grow changed the size"),
                }
                assert!(memory.data(&store) == shadow.as_slice(), "the memory differs from the shadow");
            }
            Op::Size => assert_eq!(memory.size(&store) as usize * PAGE, shadow.len()),
        }
    }
});

//! The fuel budget of an instance (`setFuel`, `getFuel`). Only instances created with
//! `fuel` have one: they run code compiled with fuel metering (`crate::engine`).

use std::sync::Arc;

use crate::error::{WasmError, WasmResult};
use crate::instance::Instance;

pub async fn set_fuel(instance: Arc<Instance>, fuel: f64) -> WasmResult<()> {
    if !(fuel.is_finite() && fuel >= 0.0 && fuel.fract() == 0.0) {
        return Err(WasmError::type_mismatch(format!("setFuel: fuel must be a non-negative integer, got {fuel}")));
    }
    Instance::with_store(instance, move |store| {
        if !store.fuel_limited {
            return Err(not_metered("setFuel"));
        }
        store.store.set_fuel(fuel as u64).map_err(|e| WasmError::bug(format!("set_fuel: {e}")))
    })
    .await
}

/// 5007 for fuel asked of an instance created without a budget: its code has no fuel
/// metering (which costs about a third of the speed of real code, so only instances that
/// ask for fuel pay for it).
pub fn not_metered(what: &str) -> WasmError {
    WasmError::type_mismatch(format!(
        "{what}: this instance was created without `fuel`, so its code is not metered; give `fuel` to instantiate \
         to use fuel with it"
    ))
}

pub async fn get_fuel(instance: Arc<Instance>) -> WasmResult<f64> {
    Instance::with_store(instance, |store| {
        if !store.fuel_limited {
            return Ok(f64::INFINITY);
        }
        let fuel = store.store.get_fuel().map_err(|e| WasmError::bug(format!("get_fuel: {e}")))?;
        Ok(fuel as f64)
    })
    .await
}

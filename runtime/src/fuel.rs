//! The fuel budget of an instance (`setFuel`, `getFuel`).

use std::sync::Arc;

use crate::error::{WasmError, WasmResult};
use crate::instance::Instance;

pub async fn set_fuel(instance: Arc<Instance>, fuel: f64) -> WasmResult<()> {
    if !(fuel.is_finite() && fuel >= 0.0 && fuel.fract() == 0.0) {
        return Err(WasmError::type_mismatch(format!("setFuel: fuel must be a non-negative integer, got {fuel}")));
    }
    Instance::with_store(instance, move |store| {
        store.fuel_limited = true;
        store.store.set_fuel(fuel as u64).map_err(|e| WasmError::bug(format!("set_fuel: {e}")))
    })
    .await
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

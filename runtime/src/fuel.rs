//! The fuel budget of an instance (`setFuel`, `getFuel`).

use std::sync::Arc;

use crate::error::{ErrorCode, WasmError, WasmResult};
use crate::state::WasmState;

pub async fn set_fuel(wasm: Arc<WasmState>, instance: u32, fuel: f64) -> WasmResult<()> {
    if !(fuel.is_finite() && fuel >= 0.0 && fuel.fract() == 0.0) {
        return Err(WasmError::type_mismatch(format!("setFuel: fuel must be a non-negative integer, got {fuel}")));
    }
    let live = wasm.instance(instance)?;
    crate::worker::run(move || {
        let mut entry = live.entry.lock();
        entry.fuel_limited = true;
        entry.store.set_fuel(fuel as u64).map_err(|e| WasmError::bug(ErrorCode::CallError, format!("set_fuel: {e}")))
    })
    .await
}

pub async fn get_fuel(wasm: Arc<WasmState>, instance: u32) -> WasmResult<f64> {
    let live = wasm.instance(instance)?;
    crate::worker::run(move || {
        let entry = live.entry.lock();
        if !entry.fuel_limited {
            return Ok(f64::INFINITY);
        }
        let fuel = entry.store.get_fuel().map_err(|e| WasmError::bug(ErrorCode::CallError, format!("get_fuel: {e}")))?;
        Ok(fuel as f64)
    })
    .await
}

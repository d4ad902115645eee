//! Captured standard output and error (`stdout: "pipe"`): taking what a guest wrote.
//! The pipes live beside the instance's lock, so output can be read while a call runs.

use crate::error::{WasmError, WasmResult};
use crate::state::WasmState;

/// Everything the guest wrote to `fd` (1 = stdout, 2 = stderr) since the last take.
pub fn take_output(wasm: &WasmState, instance: u32, fd: u32) -> WasmResult<Vec<u8>> {
    let live = wasm.instance(instance)?;
    let (slot, name) = match fd {
        1 => (&live.stdout, "stdout"),
        2 => (&live.stderr, "stderr"),
        _ => return Err(WasmError::wasi(format!("there is no captured stream {fd}; use 1 (stdout) or 2 (stderr)"))),
    };
    let captured = slot
        .as_ref()
        .ok_or_else(|| WasmError::wasi(format!("{name} is not captured; instantiate with {{ {name}: \"pipe\" }}")))?;
    let mut captured = captured.lock();
    Ok(captured.take())
}

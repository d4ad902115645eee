//! `instance.memory`: bounds-checked read, write, size and grow.
//!
//! Each op takes the instance's lock without waiting when it is free (the common case,
//! answered on the JS thread); while a call holds it, the op waits on a worker thread so
//! the event loop never blocks.

use std::sync::Arc;

use crate::error::{WasmError, WasmResult};
use crate::instance::Instance;

/// A byte offset or length from JS: a non-negative integer that fits in memory's range.
pub fn index(what: &str, value: f64) -> WasmResult<usize> {
    if !value.is_finite() || value < 0.0 || value.fract() != 0.0 || value > (u64::MAX >> 1) as f64 {
        return Err(WasmError::memory(format!("{what} must be a non-negative integer, got {value}")));
    }
    usize::try_from(value as u64).map_err(|_| WasmError::memory(format!("{what} {value} is out of range")))
}

pub fn bounds(offset: usize, length: usize, size: usize) -> WasmResult<std::ops::Range<usize>> {
    match offset.checked_add(length) {
        Some(end) if end <= size => Ok(offset..end),
        _ => Err(WasmError::memory(format!(
            "out of bounds: offset {offset} + length {length} exceeds the memory size of {size} bytes"
        ))),
    }
}

pub async fn memory_read(instance: Arc<Instance>, offset: f64, length: f64) -> WasmResult<Vec<u8>> {
    let offset = index("offset", offset)?;
    let length = index("length", length)?;
    if let Some(done) = instance.host.as_ref().and_then(|link| link.read_vec(offset, length)) {
        return done;
    }
    Instance::with_store(instance, move |store| {
        let memory = store.memory()?;
        let data = memory.data(&store.store);
        let range = bounds(offset, length, data.len())?;
        Ok(data[range].to_vec())
    })
    .await
}

pub async fn memory_write(instance: Arc<Instance>, offset: f64, bytes: Vec<u8>) -> WasmResult<()> {
    let offset = index("offset", offset)?;
    if let Some(done) = instance.host.as_ref().and_then(|link| link.write(offset, &bytes)) {
        return done;
    }
    Instance::with_store(instance, move |store| {
        let memory = store.memory()?;
        let target = memory.data_mut(&mut store.store);
        let range = bounds(offset, bytes.len(), target.len())?;
        target[range].copy_from_slice(&bytes);
        Ok(())
    })
    .await
}

/// Copy memory into the caller's buffer on the JS thread; `false` (nothing copied) when a
/// call holds the instance.
pub fn memory_read_into(instance: &Instance, offset: f64, target: &mut [u8]) -> WasmResult<bool> {
    let offset = index("offset", offset)?;
    // Inside a host function of this instance: through the suspended call's window.
    if let Some(done) = instance.host.as_ref().and_then(|link| link.read(offset, target)) {
        return done.map(|()| true);
    }
    let Some(mut store) = instance.try_lock() else { return Ok(false) };
    let memory = store.memory()?;
    let data = memory.data(&store.store);
    let range = bounds(offset, target.len(), data.len())?;
    target.copy_from_slice(&data[range]);
    Ok(true)
}

/// Write the caller's bytes on the JS thread; `false` (nothing written) when a call holds
/// the instance.
pub fn memory_write_now(instance: &Instance, offset: f64, bytes: &[u8]) -> WasmResult<bool> {
    let offset = index("offset", offset)?;
    if let Some(done) = instance.host.as_ref().and_then(|link| link.write(offset, bytes)) {
        return done.map(|()| true);
    }
    let Some(mut store) = instance.try_lock() else { return Ok(false) };
    let memory = store.memory()?;
    let target = memory.data_mut(&mut store.store);
    let range = bounds(offset, bytes.len(), target.len())?;
    target[range].copy_from_slice(bytes);
    Ok(true)
}

pub async fn memory_size(instance: Arc<Instance>) -> WasmResult<u32> {
    if let Some(done) = instance.host.as_ref().and_then(|link| link.pages()) {
        return done;
    }
    Instance::with_store(instance, |store| {
        let memory = store.memory()?;
        u32::try_from(memory.size(&store.store))
            .map_err(|_| WasmError::memory("the memory has more pages than a JS number reports exactly"))
    })
    .await
}

pub async fn memory_grow(instance: Arc<Instance>, delta: f64) -> WasmResult<u32> {
    let delta = index("deltaPages", delta)? as u64;
    Instance::with_store(instance, move |store| {
        let memory = store.memory()?;
        let old = memory.grow(&mut store.store, delta).map_err(|e| {
            let max = memory.ty(&store.store).maximum().map(|m| format!(" (maximum: {m} pages)")).unwrap_or_default();
            WasmError::memory(format!("cannot grow the memory by {delta} pages{max}: {e}"))
        })?;
        u32::try_from(old).map_err(|_| WasmError::memory("the memory has more pages than a JS number reports exactly"))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn index_takes_non_negative_integers_up_to_2_pow_63() {
        assert_eq!(index("offset", 0.0).unwrap(), 0);
        assert_eq!(index("offset", 5.0).unwrap(), 5);
        assert_eq!(index("offset", 2f64.powi(63)).unwrap(), 1usize << 63);
        for bad in [-1.0, -0.5, 1.5, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 2f64.powi(64), 1e300] {
            let err = index("offset", bad).unwrap_err();
            assert_eq!(err.code, ErrorCode::MemoryError, "{bad}");
            assert!(err.message.starts_with("offset must be"), "{bad}: {}", err.message);
        }
    }

    #[test]
    fn bounds_end_at_the_memory_size() {
        assert_eq!(bounds(0, 4, 4).unwrap(), 0..4);
        assert_eq!(bounds(4, 0, 4).unwrap(), 4..4);
        assert_eq!(bounds(1, 2, 4).unwrap(), 1..3);
        for (offset, length) in [(1, 4), (5, 0), (0, 5), (usize::MAX, 1), (1, usize::MAX)] {
            assert_eq!(bounds(offset, length, 4).unwrap_err().code, ErrorCode::MemoryError, "{offset} + {length}");
        }
    }
}

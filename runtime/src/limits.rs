//! Resource limits: a per-instance memory and table cap, and the embedder-wide total
//! memory budget shared by every instance of a runtime.
//!
//! Wasmtime asks the store's `ResourceLimiter` before every memory or table growth
//! (including the initial allocation at instantiation), so a module can never get past
//! a cap: growth past it fails (`memory.grow` returns -1 in wasm, 5006 from JS), and an
//! initial size past it fails instantiation (5001).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use wasmtime::ResourceLimiter;

/// Memory in use by all instances of one runtime, against an optional cap.
#[derive(Debug, Default)]
pub struct MemoryBudget {
    used: AtomicUsize,
    cap: Option<usize>,
}

impl MemoryBudget {
    pub fn new(cap: Option<usize>) -> Self {
        Self { used: AtomicUsize::new(0), cap }
    }

    /// Reserve `bytes` more, or refuse without changing anything.
    fn reserve(&self, bytes: usize) -> bool {
        let mut used = self.used.load(Ordering::Relaxed);
        loop {
            let Some(next) = used.checked_add(bytes) else { return false };
            if self.cap.is_some_and(|cap| next > cap) {
                return false;
            }
            match self.used.compare_exchange_weak(used, next, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => return true,
                Err(actual) => used = actual,
            }
        }
    }

    fn release(&self, bytes: usize) {
        self.used.fetch_sub(bytes, Ordering::Relaxed);
    }

    #[cfg(test)]
    pub fn used(&self) -> usize {
        self.used.load(Ordering::Relaxed)
    }
}

/// The limiter of one store.
pub struct InstanceLimiter {
    max_memory_bytes: Option<usize>,
    max_table_elements: Option<usize>,
    budget: Arc<MemoryBudget>,
    /// Bytes this store holds in the shared budget, released when it is dropped.
    reserved: usize,
}

impl InstanceLimiter {
    pub fn new(max_memory_bytes: Option<usize>, max_table_elements: Option<usize>, budget: Arc<MemoryBudget>) -> Self {
        Self { max_memory_bytes, max_table_elements, budget, reserved: 0 }
    }
}

impl ResourceLimiter for InstanceLimiter {
    fn memory_growing(&mut self, current: usize, desired: usize, maximum: Option<usize>) -> wasmtime::Result<bool> {
        if maximum.is_some_and(|max| desired > max) {
            return Ok(false);
        }
        if self.max_memory_bytes.is_some_and(|cap| desired > cap) {
            return Ok(false);
        }
        let extra = desired.saturating_sub(current);
        if !self.budget.reserve(extra) {
            return Ok(false);
        }
        self.reserved += extra;
        Ok(true)
    }

    fn table_growing(&mut self, _current: usize, desired: usize, maximum: Option<usize>) -> wasmtime::Result<bool> {
        if maximum.is_some_and(|max| desired > max) {
            return Ok(false);
        }
        Ok(self.max_table_elements.is_none_or(|cap| desired <= cap))
    }
}

impl Drop for InstanceLimiter {
    fn drop(&mut self) {
        self.budget.release(self.reserved);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_is_shared_and_released() {
        let budget = Arc::new(MemoryBudget::new(Some(100)));
        let mut a = InstanceLimiter::new(None, None, budget.clone());
        let mut b = InstanceLimiter::new(Some(50), None, budget.clone());
        assert!(a.memory_growing(0, 60, None).unwrap());
        assert!(!b.memory_growing(0, 60, None).unwrap(), "per-instance cap");
        assert!(!b.memory_growing(0, 41, None).unwrap(), "shared budget");
        assert!(b.memory_growing(0, 40, None).unwrap());
        drop(a);
        assert_eq!(budget.used(), 40);
        assert!(b.table_growing(0, 1000, None).unwrap());
    }

    // Every cap admits exactly its own size and refuses one more.
    #[test]
    fn caps_are_inclusive_and_growth_reserves_only_the_difference() {
        let budget = Arc::new(MemoryBudget::new(Some(100)));
        let mut a = InstanceLimiter::new(Some(80), Some(10), budget.clone());
        assert!(!a.memory_growing(0, 21, Some(20)).unwrap(), "the module's own maximum");
        assert!(a.memory_growing(0, 20, Some(20)).unwrap());
        assert!(!a.memory_growing(20, 81, None).unwrap(), "the instance cap");
        assert!(a.memory_growing(20, 80, None).unwrap());
        assert_eq!(budget.used(), 80, "growth from 20 to 80 reserves 60 more");
        let mut b = InstanceLimiter::new(None, None, budget.clone());
        assert!(!b.memory_growing(0, 21, None).unwrap(), "the shared budget");
        assert!(b.memory_growing(0, 20, None).unwrap(), "exactly the rest of the budget");
        assert_eq!(budget.used(), 100);
        assert!(!b.memory_growing(20, 21, None).unwrap());
        drop(a);
        assert_eq!(budget.used(), 20, "dropping releases all the instance held");
        drop(b);
        assert_eq!(budget.used(), 0);

        let mut t = InstanceLimiter::new(None, Some(10), Arc::new(MemoryBudget::new(None)));
        assert!(t.table_growing(0, 10, None).unwrap());
        assert!(!t.table_growing(0, 11, None).unwrap(), "the table cap");
        assert!(t.table_growing(0, 5, Some(5)).unwrap());
        assert!(!t.table_growing(0, 6, Some(5)).unwrap(), "the table's own maximum");
        let mut uncapped = InstanceLimiter::new(None, None, Arc::new(MemoryBudget::new(None)));
        assert!(uncapped.memory_growing(0, usize::MAX / 2, None).unwrap(), "no cap, no budget");
        assert!(uncapped.table_growing(0, usize::MAX / 2, None).unwrap());
    }
}

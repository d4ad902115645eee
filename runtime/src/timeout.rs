//! Wall-clock timeouts through Wasmtime's epoch interruption.
//!
//! Compiled code checks the engine's epoch at loop headers and function entries; a
//! ticker thread advances it every `TICK`. A call with a timeout sets its deadline to
//! `timeout / TICK` ticks ahead; an expired deadline traps with `Trap::Interrupt`,
//! reported as 5012 (Timeout). The ticker starts with the first timeout and stops when
//! the engine is gone.

use std::sync::OnceLock;
use std::time::Duration;

use wasmtime::{Engine, Store};

/// The timeout resolution.
pub const TICK: Duration = Duration::from_millis(2);

/// Deadline for calls without a timeout: far beyond any real run.
const NO_DEADLINE: u64 = u64::MAX / 4;

#[derive(Default)]
pub struct Ticker {
    started: OnceLock<()>,
}

impl Ticker {
    fn ensure_started(&self, engine: &Engine) {
        self.started.get_or_init(|| {
            let weak = engine.weak();
            let spawned = std::thread::Builder::new().name("ext_wasm-epoch".into()).spawn(move || loop {
                std::thread::sleep(TICK);
                match weak.upgrade() {
                    Some(engine) => engine.increment_epoch(),
                    None => return,
                }
            });
            // Without a ticker a deadline never expires; the call then simply runs on,
            // which is the behaviour without a timeout. Nothing to report to the caller.
            drop(spawned);
        });
    }

    /// Arm the store's deadline for one call: `timeout_ms` from now, or none.
    pub fn arm<T>(&self, engine: &Engine, store: &mut Store<T>, timeout_ms: Option<u64>) {
        match timeout_ms {
            Some(ms) => {
                self.ensure_started(engine);
                let ticks = (ms as u128 * 1000 / TICK.as_micros().max(1)).max(1);
                store.set_epoch_deadline(u64::try_from(ticks).unwrap_or(NO_DEADLINE).min(NO_DEADLINE));
            }
            None => store.set_epoch_deadline(NO_DEADLINE),
        }
    }
}

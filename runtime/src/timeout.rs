//! Wall-clock timeouts and time slices through Wasmtime's epoch interruption.
//!
//! Compiled code checks the engine's epoch at loop headers and function entries; a
//! ticker thread advances it every `TICK`. When a store's deadline passes, the callback
//! installed by `install_deadline_callback` decides by the store's `OnDeadline`:
//!
//! - `Stop` (calls that run to the end where they started): the deadline is the call's
//!   timeout, `timeout / TICK` ticks ahead; passing it traps with `Trap::Interrupt`,
//!   reported as 5012 (Timeout).
//! - `Yield` (async calls started on the JS thread, see `crate::worker::start_here`): the deadline
//!   comes every tick, and each time the call yields so that its caller can move it to a
//!   worker thread; the timeout is counted down in ticks and stops the call as above.

use std::sync::OnceLock;
use std::time::Duration;

use wasmtime::{Engine, Store, UpdateDeadline};

use crate::store::HostState;

/// The timeout resolution.
pub const TICK: Duration = Duration::from_millis(2);

/// Deadline for calls without a timeout: far beyond any real run.
const NO_DEADLINE: u64 = u64::MAX / 4;

/// What a store does when its epoch deadline passes.
#[derive(Debug, Clone, Copy, Default)]
pub enum OnDeadline {
    /// The deadline is the timeout: stop the call.
    #[default]
    Stop,
    /// Yield each tick; stop once `ticks_left` (the rest of the timeout) reaches zero.
    Yield { ticks_left: Option<u64> },
}

impl OnDeadline {
    fn next(&mut self) -> UpdateDeadline {
        match self {
            OnDeadline::Stop | OnDeadline::Yield { ticks_left: Some(0) } => UpdateDeadline::Interrupt,
            OnDeadline::Yield { ticks_left } => {
                if let Some(left) = ticks_left {
                    *left -= 1;
                }
                UpdateDeadline::Yield(1)
            }
        }
    }
}

/// Let the store's `OnDeadline` decide what a passed deadline means (once per store).
pub fn install_deadline_callback(store: &mut Store<HostState>) {
    store.epoch_deadline_callback(|mut ctx| Ok(ctx.data_mut().on_deadline.next()));
}

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
            // Without a ticker a deadline never expires; the call then simply runs on
            // (and an inline call never yields), which is the behaviour without a
            // timeout. Nothing to report to the caller.
            drop(spawned);
        });
    }

    /// Arm the store's deadline for one call: `timeout_ms` from now, or none.
    pub fn arm(&self, engine: &Engine, store: &mut Store<HostState>, timeout_ms: Option<u64>) {
        store.data_mut().on_deadline = OnDeadline::Stop;
        match timeout_ms {
            Some(ms) => {
                self.ensure_started(engine);
                store.set_epoch_deadline(timeout_ticks(ms));
            }
            None => store.set_epoch_deadline(NO_DEADLINE),
        }
    }

    /// Arm the store for one call that yields every tick (and stops after `timeout_ms`).
    pub fn arm_slices(&self, engine: &Engine, store: &mut Store<HostState>, timeout_ms: Option<u64>) {
        self.ensure_started(engine);
        // The first deadline is one tick away and counts as the first tick of the timeout.
        let ticks_left = timeout_ms.map(|ms| timeout_ticks(ms) - 1);
        store.data_mut().on_deadline = OnDeadline::Yield { ticks_left };
        store.set_epoch_deadline(1);
    }
}

/// A timeout in ticks: at least one, at most `NO_DEADLINE`.
fn timeout_ticks(ms: u64) -> u64 {
    let ticks = (ms as u128 * 1000 / TICK.as_micros().max(1)).max(1);
    u64::try_from(ticks).unwrap_or(NO_DEADLINE).min(NO_DEADLINE)
}

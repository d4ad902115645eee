//! Wall-clock timeouts and time slices through Wasmtime's epoch interruption.
//!
//! Compiled code checks the engine's epoch at loop headers and function entries; a
//! ticker thread advances it every `TICK`. When a store's deadline passes, the callback
//! installed by `install_deadline_callback` decides by the store's `OnDeadline`:
//!
//! - `Stop` (calls that run to the end where they started): the deadline is the call's
//!   timeout, `timeout / TICK` ticks ahead; passing it traps with `Trap::Interrupt`,
//!   reported as 5012 (Timeout).
//! - `YieldOnce` (async calls started on the JS thread, see `crate::worker::start_here`):
//!   the first deadline is the next tick, where the call yields so that its caller can
//!   move it to another thread; from there the deadline is what is left of the
//!   timeout, counted from when the call started (the ticker keeps a clock of its
//!   ticks). A call without a timeout then drops its hold on the ticker, which stops
//!   when no call needs it: an idle runtime has no wake-ups.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use parking_lot::{Condvar, Mutex};

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
    /// Yield at the first tick (the caller then moves the call to a worker thread), and
    /// after that run on to `timeout_at` (a tick count of the ticker's clock, fixed when
    /// the call was armed, so time spent waiting on I/O or for a thread counts), or
    /// without one to the end.
    YieldOnce { timeout_at: Option<u64> },
}

/// The store's deadline passed at tick `now`: what the call does now.
fn deadline_passed(host: &mut HostState, now: u64) -> UpdateDeadline {
    match host.on_deadline {
        OnDeadline::Stop => UpdateDeadline::Interrupt,
        OnDeadline::YieldOnce { timeout_at } => {
            // From here on the deadline is the timeout again.
            host.on_deadline = OnDeadline::Stop;
            match timeout_at {
                Some(at) if now >= at => UpdateDeadline::Interrupt,
                Some(at) => UpdateDeadline::Yield(at - now),
                None => {
                    // No timeout: nothing needs the epoch until the call ends, so the
                    // ticker may stop (on two busy cores its wake-ups cost measurably).
                    host.ticking = None;
                    UpdateDeadline::Yield(NO_DEADLINE)
                }
            }
        }
    }
}

/// Let the store's `OnDeadline` decide what a passed deadline means (once per store).
pub fn install_deadline_callback(store: &mut Store<HostState>, ticker: &Ticker) {
    let shared = ticker.shared.clone();
    store.epoch_deadline_callback(move |mut ctx| Ok(deadline_passed(ctx.data_mut(), shared.now())));
}

/// The engine's epoch ticker. It ticks only while some call holds a `Ticking` guard (a
/// call with a timeout, or one started on the JS thread) and otherwise waits, so an idle
/// runtime costs no wake-ups.
#[derive(Default)]
pub struct Ticker {
    started: OnceLock<()>,
    shared: Arc<TickerShared>,
}

#[derive(Default)]
struct TickerShared {
    state: Mutex<TickerState>,
    wake: Condvar,
    /// Ticks so far: the engine's epoch, which only this ticker advances.
    ticks: AtomicU64,
}

impl TickerShared {
    fn now(&self) -> u64 {
        self.ticks.load(Ordering::Acquire)
    }
}

#[derive(Default)]
struct TickerState {
    /// Calls that need the epoch to advance.
    active: usize,
    /// The runtime is gone: the thread ends.
    closed: bool,
}

/// Keeps the ticker ticking until dropped (held in the store while a call needs ticks).
pub struct Ticking {
    shared: Arc<TickerShared>,
}

impl Drop for Ticking {
    fn drop(&mut self) {
        let mut state = self.shared.state.lock();
        state.active = state.active.saturating_sub(1);
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        self.shared.state.lock().closed = true;
        self.shared.wake.notify_all();
    }
}

impl Ticker {
    fn start(&self, engine: &Engine) -> Ticking {
        self.started.get_or_init(|| {
            let weak = engine.weak();
            let shared = self.shared.clone();
            let spawned = std::thread::Builder::new().name("ext_wasm-epoch".into()).spawn(move || loop {
                {
                    let mut state = shared.state.lock();
                    while state.active == 0 && !state.closed {
                        shared.wake.wait(&mut state);
                    }
                    if state.closed {
                        return;
                    }
                }
                std::thread::sleep(TICK);
                match weak.upgrade() {
                    Some(engine) => {
                        shared.ticks.fetch_add(1, Ordering::AcqRel);
                        engine.increment_epoch();
                    }
                    None => return,
                }
            });
            // Without a ticker a deadline never expires; the call then simply runs on
            // (and an inline call never yields), which is the behaviour without a
            // timeout. Nothing to report to the caller.
            drop(spawned);
        });
        let mut state = self.shared.state.lock();
        state.active += 1;
        if state.active == 1 {
            self.shared.wake.notify_one();
        }
        drop(state);
        Ticking { shared: self.shared.clone() }
    }

    /// Arm the store's deadline for one call: `timeout_ms` from now, or none. `disarm`
    /// when the call returns.
    pub fn arm(&self, engine: &Engine, store: &mut Store<HostState>, timeout_ms: Option<u64>) {
        let host = store.data_mut();
        host.on_deadline = OnDeadline::Stop;
        match timeout_ms {
            Some(ms) => {
                host.ticking = Some(self.start(engine));
                store.set_epoch_deadline(timeout_ticks(ms));
            }
            None => {
                host.ticking = None;
                store.set_epoch_deadline(NO_DEADLINE);
            }
        }
    }

    /// Arm the store for one call that yields at the next tick (and stops after
    /// `timeout_ms`). `disarm` when the call returns.
    pub fn arm_slices(&self, engine: &Engine, store: &mut Store<HostState>, timeout_ms: Option<u64>) {
        let host = store.data_mut();
        host.ticking = Some(self.start(engine));
        let now = self.shared.now();
        host.on_deadline = OnDeadline::YieldOnce { timeout_at: timeout_ms.map(|ms| now.saturating_add(timeout_ticks(ms))) };
        store.set_epoch_deadline(1);
    }

    /// The call returned: it no longer needs the ticker.
    pub fn disarm(store: &mut Store<HostState>) {
        store.data_mut().ticking = None;
    }
}

/// A timeout in ticks: at least one, at most `NO_DEADLINE`.
fn timeout_ticks(ms: u64) -> u64 {
    let ticks = (ms as u128 * 1000 / TICK.as_micros().max(1)).max(1);
    u64::try_from(ticks).unwrap_or(NO_DEADLINE).min(NO_DEADLINE)
}

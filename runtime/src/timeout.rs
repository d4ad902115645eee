//! Wall-clock timeouts and time slices through Wasmtime's epoch interruption (the
//! execution model is described once, in ARCHITECTURE.md, "How wasm runs").
//!
//! Compiled code checks the engine's epoch at loop headers and function entries; a
//! ticker thread advances it every `TICK`. Every store embeds a `Deadline` (reached
//! through `HasDeadline`); when the store's epoch deadline passes, the callback that
//! `install` sets decides by the deadline's `OnDeadline`:
//!
//! - `Stop` (calls that run to the end where they started): the deadline is the call's
//!   timeout, `timeout / TICK` ticks ahead; passing it traps with `Trap::Interrupt`,
//!   reported as 5012 (Timeout).
//! - `YieldOnce` (async calls started on the JS thread): the first deadline is the next
//!   tick, where the call yields so that its caller can move it to another thread; from
//!   there the deadline is what is left of the timeout, counted from when the call
//!   started (the ticker keeps a clock of its ticks).
//!
//! This module knows nothing of what else a store holds: it is generic over the store's
//! data, so the instance layer depends on it and not the other way round.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use parking_lot::{Condvar, Mutex};

use wasmtime::{Engine, EngineWeak, Store, UpdateDeadline};

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

/// The deadline state every store carries: what the current call does when its epoch
/// deadline passes, and its hold on the ticker while it needs ticks.
pub struct Deadline {
    clock: Clock,
    on_deadline: OnDeadline,
    /// Held while the current call needs the epoch ticker.
    ticking: Option<Ticking>,
}

impl Deadline {
    pub fn new(clock: Clock) -> Self {
        Self { clock, on_deadline: OnDeadline::default(), ticking: None }
    }

    /// The deadline passed at tick `now`: what the call does now.
    fn passed(&mut self, now: u64) -> UpdateDeadline {
        match self.on_deadline {
            OnDeadline::Stop => UpdateDeadline::Interrupt,
            OnDeadline::YieldOnce { timeout_at } => {
                // From here on the deadline is the timeout again.
                self.on_deadline = OnDeadline::Stop;
                match timeout_at {
                    Some(at) if now >= at => UpdateDeadline::Interrupt,
                    Some(at) => UpdateDeadline::Yield(at - now),
                    None => {
                        // No timeout: nothing needs the epoch until the call ends, so the
                        // ticker may stop (on two busy cores its wake-ups cost measurably).
                        self.ticking = None;
                        UpdateDeadline::Yield(NO_DEADLINE)
                    }
                }
            }
        }
    }
}

/// Store data that embeds a `Deadline`.
pub trait HasDeadline: 'static {
    fn deadline(&mut self) -> &mut Deadline;
}

/// Let the store's `Deadline` decide what a passed epoch deadline means (once per store).
pub fn install<T: HasDeadline>(store: &mut Store<T>) {
    store.epoch_deadline_callback(|mut ctx| {
        let deadline = ctx.data_mut().deadline();
        let now = deadline.clock.now();
        Ok(deadline.passed(now))
    });
}

/// Arm the store's deadline for one call that runs to the end where it is: `timeout_ms`
/// from now, or none. `disarm` when the call returns.
pub fn arm<T: HasDeadline>(store: &mut Store<T>, timeout_ms: Option<u64>) {
    let deadline = store.data_mut().deadline();
    deadline.on_deadline = OnDeadline::Stop;
    match timeout_ms {
        Some(ms) => {
            deadline.ticking = Some(deadline.clock.start());
            store.set_epoch_deadline(timeout_ticks(ms));
        }
        None => {
            deadline.ticking = None;
            store.set_epoch_deadline(NO_DEADLINE);
        }
    }
}

/// Arm the store for one call that yields at the next tick (and stops after
/// `timeout_ms`). `disarm` when the call returns.
pub fn arm_slices<T: HasDeadline>(store: &mut Store<T>, timeout_ms: Option<u64>) {
    let deadline = store.data_mut().deadline();
    deadline.ticking = Some(deadline.clock.start());
    let now = deadline.clock.now();
    deadline.on_deadline =
        OnDeadline::YieldOnce { timeout_at: timeout_ms.map(|ms| now.saturating_add(timeout_ticks(ms))) };
    store.set_epoch_deadline(1);
}

/// The call returned: it no longer needs the ticker.
pub fn disarm<T: HasDeadline>(store: &mut Store<T>) {
    store.data_mut().deadline().ticking = None;
}

/// The engine's epoch ticker, owned by the runtime's state: dropping it ends the thread.
/// It ticks only while some call holds a `Ticking` guard (a call with a timeout, or one
/// started on the JS thread) and otherwise waits, so an idle runtime costs no wake-ups.
pub struct Ticker {
    clock: Clock,
}

/// A handle on the ticker that stores keep (in their `Deadline`): it reads the tick count
/// and starts the ticker when a call needs it.
#[derive(Clone)]
pub struct Clock {
    shared: Arc<TickerShared>,
}

struct TickerShared {
    /// Every engine of the runtime: their epochs advance together, so one tick count
    /// serves all of them.
    engines: Mutex<Vec<EngineWeak>>,
    started: OnceLock<()>,
    state: Mutex<TickerState>,
    wake: Condvar,
    /// Ticks so far: the engine's epoch, which only this ticker advances.
    ticks: AtomicU64,
}

#[derive(Default)]
struct TickerState {
    /// Calls that need the epoch to advance.
    active: usize,
    /// The runtime is gone: the thread ends.
    closed: bool,
}

/// Keeps the ticker ticking until dropped (held in the store while a call needs ticks).
struct Ticking {
    shared: Arc<TickerShared>,
}

impl Drop for Ticking {
    fn drop(&mut self) {
        let mut state = self.shared.state.lock();
        state.active = state.active.saturating_sub(1);
    }
}

impl Ticker {
    pub fn new(engine: &Engine) -> Self {
        let shared = TickerShared {
            engines: Mutex::new(vec![engine.weak()]),
            started: OnceLock::new(),
            state: Mutex::new(TickerState::default()),
            wake: Condvar::new(),
            ticks: AtomicU64::new(0),
        };
        Self { clock: Clock { shared: Arc::new(shared) } }
    }

    pub fn clock(&self) -> Clock {
        self.clock.clone()
    }

    /// Advance `engine`'s epoch too, from now on (its deadlines are relative to its own
    /// epoch, so starting later does not matter).
    pub fn add_engine(&self, engine: &Engine) {
        self.clock.shared.engines.lock().push(engine.weak());
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        self.clock.shared.state.lock().closed = true;
        self.clock.shared.wake.notify_all();
    }
}

impl Clock {
    fn now(&self) -> u64 {
        self.shared.ticks.load(Ordering::Acquire)
    }

    fn start(&self) -> Ticking {
        self.shared.started.get_or_init(|| {
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
                let engines: Vec<Engine> = shared.engines.lock().iter().filter_map(EngineWeak::upgrade).collect();
                if engines.is_empty() {
                    return;
                }
                shared.ticks.fetch_add(1, Ordering::AcqRel);
                for engine in engines {
                    engine.increment_epoch();
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
}

/// A timeout in ticks: at least one, at most `NO_DEADLINE`.
fn timeout_ticks(ms: u64) -> u64 {
    let ticks = (ms as u128 * 1000 / TICK.as_micros().max(1)).max(1);
    u64::try_from(ticks).unwrap_or(NO_DEADLINE).min(NO_DEADLINE)
}

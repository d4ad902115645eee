//! Hosted calls: calls (and instantiations) of instances with host imports, driven step
//! by step from JS.
//!
//! A hosted call is a boxed future that owns what it runs on (the store lock, its
//! arguments). JS steps it with a sync op on the JS thread: it is polled once, and
//! - it finished: its outcome waits in the table for JS to collect it;
//! - its trampoline posted a request: the request goes back to JS in the exchange buffer,
//!   the call stays parked in the table until JS answers and steps again;
//! - it is pending without a request (it ran an epoch tick, or waits on WASI I/O): for an
//!   async call it moves to a thread of its own, which drives it until it finishes or
//!   asks for a host function and then hands it back (`wait`); a blocking call
//!   (`callSync`) is finished here, on a scoped thread while this one waits, and any host
//!   request it meets comes back to this thread.
//!
//! JS therefore runs only on its own thread, between two polls, and a call waiting for a
//! JS promise holds no thread at all.

use std::collections::HashMap;
use std::future::{poll_fn, Future};
use std::hash::{BuildHasherDefault, Hasher};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use parking_lot::Mutex;
use tokio::sync::oneshot;

use crate::error::{WasmError, WasmResult};
use crate::instance::Instance;
use crate::values::{write_slot, SLOT};

use crate::host_link::{HostLink, Reentry};

/// What a finished hosted call produced.
pub enum Finished {
    /// Result slots of each call of a batch, in order.
    Results(Vec<u8>),
    /// The exit code of a WASI command (`run`).
    Exit(i32),
    /// A new instance, not yet in the handle table.
    Made(Instance),
}

/// The work of a hosted call.
pub type Work = Pin<Box<dyn Future<Output = WasmResult<Finished>> + Send>>;

/// A call in progress with the link its trampolines post to.
pub struct HostedCall {
    work: Work,
    link: Arc<HostLink>,
    /// Run to the end on the JS thread (`callSync`): never moved, and a host promise
    /// cannot be waited for.
    blocking: bool,
    /// The instance's handle (`None` for an instantiation), so that dropping the instance
    /// drops its calls.
    instance: Option<u32>,
    /// Never polled on the JS thread: the code has no epoch checks, so it could not
    /// leave the thread part-way (`interruptible: false`). Each step runs on a thread.
    away_only: bool,
}

impl HostedCall {
    pub fn new(work: Work, link: Arc<HostLink>, blocking: bool, instance: Option<u32>) -> Self {
        Self { work, link, blocking, instance, away_only: false }
    }

    /// The call runs code without epoch checks: async steps never run on the JS thread.
    pub fn away_only(mut self, yes: bool) -> Self {
        self.away_only = yes && !self.blocking;
        self
    }
}

/// What a step tells JS (the value the step ops return).
pub enum Progress {
    Finished = 0,
    Request = 1,
    Moved = 2,
    /// Finished, and its result slots are in the exchange buffer (the call is forgotten).
    FinishedInExchange = 3,
    /// A re-entrant call is over; its result slots are in the exchange buffer.
    Reentered = 4,
}

/// Where a hosted call is between two ops.
enum Entry {
    /// On the JS thread, waiting for JS to answer its request (or for its first step).
    Parked(HostedCall),
    /// Driven by a thread of its own, which sends it back with what happened.
    Away(Option<u32>, oneshot::Receiver<(HostedCall, Option<WasmResult<Finished>>)>),
    /// Finished; JS collects the outcome.
    Done(Finished),
}

/// How JS answers a request.
pub enum Reply {
    /// Nothing to answer (the first step).
    Nothing,
    /// The host function's results as slots in the exchange buffer (count at bytes 4-7,
    /// slots from byte 16).
    Slots,
    /// The host function failed; the wasm call fails with this error.
    Failure(WasmError),
}

/// The runtime's hosted calls, by id.
#[derive(Default)]
pub struct HostedCalls {
    entries: Mutex<HashMap<u32, Entry, BuildHasherDefault<IdHasher>>>,
    next: Mutex<u32>,
}

/// Ids are small counters: a multiply spreads them well enough, at a fraction of the
/// default hasher's cost (a lookup happens on every host call).
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = (self.0 << 8 | u64::from(*byte)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// Bytes of the exchange buffer before the first slot.
const HEADER: usize = 16;

impl HostedCalls {
    /// Keep a new call for its first step; returns its id.
    pub fn park(&self, call: HostedCall) -> WasmResult<u32> {
        let id = {
            let mut next = self.next.lock();
            *next = next.checked_add(1).ok_or_else(|| WasmError::call("this runtime has run 2^32-1 hosted calls"))?;
            *next
        };
        self.entries.lock().insert(id, Entry::Parked(call));
        Ok(id)
    }

    /// Answer the call's request (if `reply` has one) and run it on this thread until it
    /// finishes, asks for a host function (written to `exchange`) or moves.
    ///
    /// The call is polled where it lies in the table (no other thread uses the table
    /// while this one polls: calls away on threads hand themselves back by channel).
    pub fn step(&self, id: u32, reply: Reply, exchange: &mut [u8]) -> WasmResult<u32> {
        let mut entries = self.entries.lock();
        let call = match entries.get_mut(&id) {
            Some(Entry::Parked(call)) => call,
            Some(_) => return Err(WasmError::bug(format!("hosted call {id} is not waiting for a step"))),
            None => return Err(gone(id)),
        };
        let outcome = match answer(&call.link, reply, exchange) {
            Ok(()) => poll_here(call),
            // A call that cannot take its answer is dropped.
            Err(error) => Outcome::Finished(Err(error)),
        };
        match outcome {
            Outcome::Request => {
                let written = write_request(&call.link, exchange);
                if written.is_err() {
                    entries.remove(&id);
                }
                written.map(|_| Progress::Request as u32)
            }
            // The re-entrant call's failure is its own: the suspended call goes on.
            Outcome::Reentered => write_reentered(&call.link, exchange),
            // Finished or moved: the call leaves its place.
            outcome => match entries.remove(&id) {
                Some(Entry::Parked(call)) => {
                    drop(entries);
                    self.settle(id, call, outcome, Some(exchange))
                }
                _ => Err(WasmError::bug(format!("hosted call {id} vanished while it was polled"))),
            },
        }
    }

    /// Call export `export` of the call's instance from inside the host function the call
    /// waits on, on the JS thread: returns when that call is over (`Reentered`, results in
    /// `exchange`) or one of its own host functions is asked for (`Request`, answered by
    /// `step` as usual). Its failure is an error of this op; the suspended call goes on.
    pub fn reenter(&self, id: u32, reentry: Reentry, exchange: &mut [u8]) -> WasmResult<u32> {
        let mut entries = self.entries.lock();
        let call = match entries.get_mut(&id) {
            Some(Entry::Parked(call)) => call,
            _ => return Err(WasmError::call("a re-entrant call needs its instance's host function to be running")),
        };
        call.link.post_reentry(reentry)?;
        match poll_here(call) {
            Outcome::Request => write_request(&call.link, exchange).map(|_| Progress::Request as u32),
            Outcome::Reentered => write_reentered(&call.link, exchange),
            Outcome::Finished(Ok(_)) | Outcome::Moved => {
                Err(WasmError::bug("a suspended call finished or moved during a re-entrant call"))
            }
            Outcome::Finished(Err(error)) => {
                entries.remove(&id);
                Err(error)
            }
        }
    }

    /// Wait for a call that moved: resolves when it finished (`Finished`) or asks for a
    /// host function (`Request`; read it with `request`).
    pub async fn wait(&self, id: u32) -> WasmResult<u32> {
        let receiver = match self.entries.lock().remove(&id) {
            Some(Entry::Away(_, receiver)) => receiver,
            Some(other) => {
                self.entries.lock().insert(id, other);
                return Err(WasmError::bug(format!("hosted call {id} is not running on a thread")));
            }
            None => return Err(gone(id)),
        };
        let (call, outcome) =
            receiver.await.map_err(|_| WasmError::bug("the thread running a hosted call ended without it"))?;
        let outcome = match outcome {
            Some(result) => Outcome::Finished(result),
            None => Outcome::Request,
        };
        self.settle(id, call, outcome, None)
    }

    /// Write the call's outstanding request into `exchange`; returns the import index.
    pub fn request(&self, id: u32, exchange: &mut [u8]) -> WasmResult<u32> {
        let entries = self.entries.lock();
        match entries.get(&id) {
            Some(Entry::Parked(call)) => write_request(&call.link, exchange),
            _ => Err(gone(id)),
        }
    }

    /// The outcome of a finished call; forgets it.
    pub fn finished(&self, id: u32) -> WasmResult<Finished> {
        let mut entries = self.entries.lock();
        match entries.remove(&id) {
            Some(Entry::Done(finished)) => Ok(finished),
            Some(other) => {
                entries.insert(id, other);
                Err(WasmError::bug(format!("hosted call {id} has not finished")))
            }
            None => Err(gone(id)),
        }
    }

    /// The link of a parked call, for memory access from its host function.
    pub fn link(&self, id: u32) -> WasmResult<Arc<HostLink>> {
        match self.entries.lock().get(&id) {
            Some(Entry::Parked(call)) => Ok(call.link.clone()),
            _ => Err(WasmError::memory("the host function's call is over: its caller's memory is no longer reachable")),
        }
    }

    /// Forget a call; its wasm stack is unwound (a parked call here, a moved one on its
    /// thread when it hands the call back).
    pub fn cancel(&self, id: u32) {
        let removed = self.entries.lock().remove(&id);
        drop(removed);
    }

    /// Forget every call of instance `handle` (it was dropped).
    pub fn cancel_instance(&self, handle: u32) {
        let removed: Vec<Entry> = {
            let mut entries = self.entries.lock();
            let ids: Vec<u32> = entries
                .iter()
                .filter(|(_, entry)| match entry {
                    Entry::Parked(call) => call.instance == Some(handle),
                    Entry::Away(instance, _) => *instance == Some(handle),
                    Entry::Done(_) => false,
                })
                .map(|(id, _)| *id)
                .collect();
            ids.iter().filter_map(|id| entries.remove(id)).collect()
        };
        // Unwinding runs outside the table's lock.
        drop(removed);
    }

    /// Put the call (taken out of the table) where its outcome says, and tell JS. With
    /// `exchange` (a step on the JS thread), a request is written into it, and so are
    /// results that fit there.
    fn settle(&self, id: u32, call: HostedCall, outcome: Outcome, exchange: Option<&mut [u8]>) -> WasmResult<u32> {
        match (outcome, exchange) {
            (Outcome::Finished(Ok(Finished::Results(slots))), Some(exchange))
                if HEADER + slots.len() <= exchange.len() =>
            {
                // Results that fit go back in the exchange buffer: no op and no buffer more.
                drop(call);
                exchange[HEADER..HEADER + slots.len()].copy_from_slice(&slots);
                exchange[4..8].copy_from_slice(&((slots.len() / SLOT) as u32).to_ne_bytes());
                Ok(Progress::FinishedInExchange as u32)
            }
            (Outcome::Finished(Ok(finished)), _) => {
                drop(call);
                self.entries.lock().insert(id, Entry::Done(finished));
                Ok(Progress::Finished as u32)
            }
            (Outcome::Finished(Err(error)), _) => Err(error),
            (Outcome::Request, exchange) => {
                let written = exchange.map(|exchange| write_request(&call.link, exchange)).transpose();
                self.entries.lock().insert(id, Entry::Parked(call));
                written.map(|_| Progress::Request as u32)
            }
            (Outcome::Moved, _) => {
                let instance = call.instance;
                let receiver = move_to_thread(call)?;
                self.entries.lock().insert(id, Entry::Away(instance, receiver));
                Ok(Progress::Moved as u32)
            }
            (Outcome::Reentered, _) => {
                self.entries.lock().insert(id, Entry::Parked(call));
                Err(WasmError::bug("a re-entrant call ended on a thread"))
            }
        }
    }
}

/// What one round of driving gave.
enum Outcome {
    Finished(WasmResult<Finished>),
    Request,
    Moved,
    /// A re-entrant call (`HostedCalls::reenter`) is over.
    Reentered,
}

fn gone(id: u32) -> WasmError {
    WasmError::new(
        crate::error::ErrorCode::InvalidInstanceHandle,
        format!("hosted call {id} is gone: its instance was dropped while it ran"),
    )
}

/// Give the trampoline JS's answer.
fn answer(link: &HostLink, reply: Reply, exchange: &[u8]) -> WasmResult<()> {
    match reply {
        Reply::Nothing if link.outstanding().is_some() => {
            Err(WasmError::bug("a step without an answer for an outstanding request"))
        }
        Reply::Nothing => Ok(()),
        Reply::Slots => {
            let count = exchange.get(4..8).map_or(0, |b| u32::from_ne_bytes([b[0], b[1], b[2], b[3]])) as usize;
            link.answer_with_slots(count, exchange.get(HEADER..).unwrap_or(&[]))
        }
        Reply::Failure(error) => link.answer_with_error(error),
    }
}

/// Write a finished re-entrant call's results like a request's arguments (count at
/// bytes 4-7, slots from byte 16), or give its error.
fn write_reentered(link: &HostLink, exchange: &mut [u8]) -> WasmResult<u32> {
    let values = link.take_reentered().ok_or_else(|| WasmError::bug("no re-entrant call outcome"))??;
    let need = HEADER + values.len() * SLOT;
    if exchange.len() < need {
        return Err(WasmError::bug(format!("the exchange buffer holds {} bytes, {need} are needed", exchange.len())));
    }
    exchange[4..8].copy_from_slice(&(values.len() as u32).to_ne_bytes());
    for (i, value) in values.iter().enumerate() {
        let at = HEADER + i * SLOT;
        write_slot("re-entrant call", i, value, &mut exchange[at..at + SLOT])?;
    }
    Ok(Progress::Reentered as u32)
}

/// Write the posted request: import index at bytes 0-3, argument count at 4-7, argument
/// slots from byte 16.
fn write_request(link: &HostLink, exchange: &mut [u8]) -> WasmResult<u32> {
    link.take_request(|import, args| {
        let name = link.name(import);
        let need = HEADER + args.len() * SLOT;
        if exchange.len() < need {
            return Err(WasmError::bug(format!(
                "the exchange buffer holds {} bytes, {need} are needed",
                exchange.len()
            )));
        }
        exchange[0..4].copy_from_slice(&import.to_ne_bytes());
        exchange[4..8].copy_from_slice(&(args.len() as u32).to_ne_bytes());
        for (i, value) in args.iter().enumerate() {
            let at = HEADER + i * SLOT;
            write_slot(name, i, value, &mut exchange[at..at + SLOT])?;
        }
        Ok(import)
    })
    .ok_or_else(|| WasmError::bug("no host request to write"))?
}

/// Poll the call once on this thread (a blocking call: to the end or to a request).
fn poll_here(call: &mut HostedCall) -> Outcome {
    // A re-entrant call is answered before the op returns: it never moves.
    let reentering = call.link.reentering();
    if call.away_only && !reentering {
        return Outcome::Moved;
    }
    let first = {
        let _io = crate::worker::enter_io();
        call.work.as_mut().poll(&mut Context::from_waker(Waker::noop()))
    };
    match first {
        Poll::Ready(result) => Outcome::Finished(result),
        Poll::Pending if call.link.has_request() => Outcome::Request,
        Poll::Pending if call.link.has_reentered() => Outcome::Reentered,
        Poll::Pending if call.blocking || reentering => match crate::worker::block_on(until_request(call)) {
            Some(result) => Outcome::Finished(result),
            None if call.link.has_request() => Outcome::Request,
            None => Outcome::Reentered,
        },
        Poll::Pending => Outcome::Moved,
    }
}

/// Drive the call until it finishes (`Some`) or posts a request (`None`).
async fn until_request(call: &mut HostedCall) -> Option<WasmResult<Finished>> {
    poll_fn(|cx| match call.work.as_mut().poll(cx) {
        Poll::Ready(result) => Poll::Ready(Some(result)),
        Poll::Pending if call.link.has_request() || call.link.has_reentered() => Poll::Ready(None),
        Poll::Pending => Poll::Pending,
    })
    .await
}

/// Drive the call on a thread of its own (not the shared pool: it holds its instance's
/// lock, see `crate::worker::start_here`) and send it back when it finishes or asks for
/// a host function.
fn move_to_thread(mut call: HostedCall) -> WasmResult<oneshot::Receiver<(HostedCall, Option<WasmResult<Finished>>)>> {
    let (done, receiver) = oneshot::channel();
    std::thread::Builder::new()
        .name("ext_wasm-hosted-call".into())
        .spawn(move || {
            let outcome = crate::worker::block_on(until_request(&mut call));
            // The receiver is gone when the call was cancelled: it unwinds here.
            let _ = done.send((call, outcome));
        })
        .map_err(|e| WasmError::call(format!("no thread to run the call on: {e}")))?;
    Ok(receiver)
}

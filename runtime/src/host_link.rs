//! Host functions, the part every layer shares (`crate::host` has the rest): the
//! exchange between a store's host-import trampolines and the code that drives its calls: a trampoline posts a request (which import, its arguments) and waits; the driver
//! sees the request between two polls, has JS answer it, and polls again.
//!
//! While a request is outstanding the wasm stack is suspended inside the trampoline and
//! nothing polls the call, so the instance's linear memory is not touched by anyone else:
//! the trampoline leaves a window onto it (`MemoryWindow`) through which the host function
//! reads and writes memory without the store, which the suspended call holds.

use parking_lot::Mutex;
use wasmtime::{Val, ValType};

use crate::error::{WasmError, WasmResult};
use crate::values::{convert, type_name, value_type, Arg, SLOT};

/// What the host function gave back: its results (already converted by the import's
/// result types), or the error the wasm call fails with.
pub type Answer = Result<(), WasmError>;

/// The caller's linear memory while a request is outstanding.
#[derive(Clone, Copy)]
struct MemoryWindow {
    base: usize,
    len: usize,
}

/// One exchange at a time per store: a trampoline posts, the driver answers. The value
/// buffers are kept from call to call, so a host call allocates nothing.
#[derive(Default)]
struct Exchange {
    /// A trampoline posted a request that the driver has not yet handed to JS.
    posted: bool,
    /// The imports whose host functions are running (or awaited) in JS, innermost last:
    /// a host function may call back into its instance (`Reentry`), whose own host
    /// functions then nest on top.
    outstanding: Vec<u32>,
    /// The request's arguments.
    args: Vec<Val>,
    /// The answer, once the driver has put it: `Ok` with the results in `results`.
    answer: Option<Answer>,
    results: Vec<Val>,
    /// The caller's memory for each outstanding request, innermost last.
    windows: Vec<Option<MemoryWindow>>,
    /// A call of an export asked for by JS from inside the innermost host function,
    /// for its trampoline to run, and then its outcome.
    reentry: Option<Reentry>,
    reentry_running: bool,
    reentered: Option<WasmResult<Vec<Val>>>,
}

/// A call of the instance's export `export` made from inside one of its host functions:
/// the suspended trampoline runs it with its `Caller`, since the store is the suspended
/// call's.
pub struct Reentry {
    pub export: String,
    pub params: Vec<Val>,
    pub results: usize,
}

/// Shared by a store's data (for its trampolines) and its `Instance` (for memory access
/// and the busy check) and by the hosted call that drives it.
#[derive(Default)]
pub struct HostLink {
    exchange: Mutex<Exchange>,
    /// Names of the host imports (`module.name`), by index, for messages.
    names: Vec<String>,
    /// Their declared result types, by index, to convert what JS returns.
    results: Vec<Vec<ValType>>,
}

impl HostLink {
    pub fn new(names: Vec<String>, results: Vec<Vec<ValType>>) -> Self {
        Self { exchange: Mutex::default(), names, results }
    }

    /// Answer the outstanding request with the `count` result slots JS wrote, converted
    /// by the import's declared result types: 5007 naming the import when they do not
    /// fit (the wasm call then fails with it).
    pub fn answer_with_slots(&self, count: usize, slots: &[u8]) -> WasmResult<()> {
        let mut exchange = self.exchange.lock();
        let import =
            *exchange.outstanding.last().ok_or_else(|| WasmError::bug("an answer without an outstanding request"))?;
        let mut results = std::mem::take(&mut exchange.results);
        results.clear();
        let converted = self.convert_results(import, count, slots, &mut results);
        exchange.results = results;
        Self::close(&mut exchange, converted);
        Ok(())
    }

    /// Answer the outstanding request with a failure.
    pub fn answer_with_error(&self, error: WasmError) -> WasmResult<()> {
        let mut exchange = self.exchange.lock();
        if exchange.outstanding.is_empty() {
            return Err(WasmError::bug("an answer without an outstanding request"));
        }
        Self::close(&mut exchange, Err(error));
        Ok(())
    }

    /// Put the answer. The memory window closes first: once the call is polled again,
    /// wasm may grow or use its memory.
    fn close(exchange: &mut Exchange, answer: Answer) {
        exchange.windows.pop();
        exchange.outstanding.pop();
        exchange.posted = false;
        exchange.answer = Some(answer);
    }

    fn convert_results(&self, import: u32, count: usize, slots: &[u8], out: &mut Vec<Val>) -> Answer {
        let name = self.name(import);
        let types = self.results.get(import as usize).map_or(&[][..], Vec::as_slice);
        if count != types.len() {
            return Err(WasmError::type_mismatch(format!(
                "host function \"{name}\" returned {count} value(s); its import declares {} result(s){}",
                types.len(),
                if types.len() > 1 { " (return them as an array)" } else { "" }
            )));
        }
        if slots.len() < count * SLOT {
            return Err(WasmError::bug("the exchange buffer is shorter than the results"));
        }
        for (i, (ty, slot)) in types.iter().zip(slots.chunks_exact(SLOT)).enumerate() {
            out.push(convert(ty, &Arg::from_slot(slot), || {
                format!("result {i} of host function \"{name}\" ({})", type_name(value_type(ty)))
            })?);
        }
        Ok(())
    }

    /// `module.name` of host import `import`.
    pub fn name(&self, import: u32) -> &str {
        self.names.get(import as usize).map_or("?", String::as_str)
    }

    /// Post a request from a trampoline. `memory` is the caller's memory (`data_ptr`,
    /// `data_size`), when it has one.
    pub fn post(&self, import: u32, args: &[Val], memory: Option<(*mut u8, usize)>) {
        let mut exchange = self.exchange.lock();
        exchange.args.clear();
        exchange.args.extend_from_slice(args);
        exchange.posted = true;
        exchange.outstanding.push(import);
        exchange.answer = None;
        exchange.windows.push(memory.map(|(base, len)| MemoryWindow { base: base as usize, len }));
    }

    /// For the trampoline: copy the answer's results into `results` once the driver has
    /// put it (`None` until then).
    pub fn take_answer(&self, results: &mut [Val]) -> Option<WasmResult<()>> {
        let mut exchange = self.exchange.lock();
        let answer = exchange.answer.take()?;
        Some(answer.and_then(|()| {
            let given = exchange.results.get(..results.len()).filter(|_| exchange.results.len() == results.len());
            let given = given.ok_or_else(|| WasmError::bug("a host answer with the wrong number of results"))?;
            results.copy_from_slice(given);
            Ok(())
        }))
    }

    /// Whether a request was posted and not yet handed to JS.
    pub fn has_request(&self) -> bool {
        self.exchange.lock().posted
    }

    /// Hand the posted request to `write` (import index, arguments); it stays
    /// outstanding until answered.
    pub fn take_request<T>(&self, write: impl FnOnce(u32, &[Val]) -> T) -> Option<T> {
        let mut exchange = self.exchange.lock();
        if !exchange.posted {
            return None;
        }
        exchange.posted = false;
        let import = *exchange.outstanding.last()?;
        Some(write(import, &exchange.args))
    }

    /// The import JS is running for this store, if any.
    pub fn outstanding(&self) -> Option<u32> {
        self.exchange.lock().outstanding.last().copied()
    }

    /// Ask the innermost suspended trampoline to call `reentry` (JS called an export of
    /// the instance from inside a host function).
    pub fn post_reentry(&self, reentry: Reentry) -> WasmResult<()> {
        let mut exchange = self.exchange.lock();
        if exchange.outstanding.is_empty() || exchange.reentry.is_some() || exchange.reentered.is_some() {
            return Err(WasmError::bug("a re-entrant call without a host function to run it in"));
        }
        exchange.reentry = Some(reentry);
        Ok(())
    }

    /// For the trampoline: the call JS asked for, if any.
    pub fn take_reentry(&self) -> Option<Reentry> {
        self.exchange.lock().reentry.take()
    }

    /// For the trampoline: the re-entrant call is over. `memory` is the caller's memory
    /// now (the call may have grown it), for the window of the host function's request.
    pub fn finish_reentry(&self, outcome: WasmResult<Vec<Val>>, memory: Option<(*mut u8, usize)>) {
        let mut exchange = self.exchange.lock();
        if let Some(top) = exchange.windows.last_mut() {
            *top = memory.map(|(base, len)| MemoryWindow { base: base as usize, len });
        }
        exchange.reentered = Some(outcome);
    }

    /// Whether a re-entrant call is asked for or running.
    pub fn reentering(&self) -> bool {
        let exchange = self.exchange.lock();
        exchange.reentry.is_some() || exchange.reentered.is_some() || exchange.reentry_running
    }

    /// Whether a re-entrant call is over (its outcome waits for `take_reentered`).
    pub fn has_reentered(&self) -> bool {
        self.exchange.lock().reentered.is_some()
    }

    pub fn take_reentered(&self) -> Option<WasmResult<Vec<Val>>> {
        self.exchange.lock().reentered.take()
    }

    /// For the trampoline: a re-entrant call it took is running.
    pub fn set_reentry_running(&self, running: bool) {
        self.exchange.lock().reentry_running = running;
    }

    /// An error for an operation that would have to wait for the suspended call (`what`
    /// says which), or `None` when no host function is outstanding.
    pub fn busy(&self, what: &str) -> Option<WasmError> {
        self.outstanding().map(|import| {
            WasmError::call(format!(
                "{what}: the instance is suspended in host function \"{}\", waiting for its promise; until it settles \
                 only its memory can be used (this.memory or instance.memory): calls (other than those made while the host \
                 function itself runs), globals and memory.grow would wait for themselves",
                self.name(import)
            ))
        })
    }

    /// Copy memory at `offset` into `target` through the window; `None` when no host
    /// function is outstanding.
    pub fn read(&self, offset: usize, target: &mut [u8]) -> Option<WasmResult<()>> {
        let exchange = self.exchange.lock();
        exchange.outstanding.last()?;
        Some(window_range(top_window(&exchange), offset, target.len()).map(|(base, _)| {
            // SAFETY: the window is the caller's linear memory as the trampoline saw it,
            // and stays valid while the request is outstanding: the wasm stack is
            // suspended in the trampoline and nothing polls the call (the driver answers
            // first, which closes the window), so the memory is neither grown, freed nor
            // written meanwhile; the range was checked against its length. The exchange
            // lock is held, so no answer can close the window during the copy.
            let source = unsafe { std::slice::from_raw_parts(base as *const u8, target.len()) };
            target.copy_from_slice(source);
        }))
    }

    /// A copy of `length` bytes at `offset` through the window (bounds checked before
    /// anything is allocated); `None` when no host function is outstanding.
    pub fn read_vec(&self, offset: usize, length: usize) -> Option<WasmResult<Vec<u8>>> {
        {
            let exchange = self.exchange.lock();
            exchange.outstanding.last()?;
            if let Err(error) = window_range(top_window(&exchange), offset, length) {
                return Some(Err(error));
            }
        }
        let mut target = vec![0u8; length];
        self.read(offset, &mut target).map(|done| done.map(|()| target))
    }

    /// Write `bytes` at `offset` through the window; `None` when no host function is
    /// outstanding.
    pub fn write(&self, offset: usize, bytes: &[u8]) -> Option<WasmResult<()>> {
        let exchange = self.exchange.lock();
        exchange.outstanding.last()?;
        Some(window_range(top_window(&exchange), offset, bytes.len()).map(|(base, _)| {
            // SAFETY: as in `read`: the memory is not used by wasm while the request is
            // outstanding, and the range is in bounds.
            let target = unsafe { std::slice::from_raw_parts_mut(base as *mut u8, bytes.len()) };
            target.copy_from_slice(bytes);
        }))
    }

    /// The memory's size in 64 KiB pages through the window; `None` when no host function
    /// is outstanding.
    pub fn pages(&self) -> Option<WasmResult<u32>> {
        let exchange = self.exchange.lock();
        exchange.outstanding.last()?;
        Some(match top_window(&exchange) {
            Some(window) => Ok((window.len / 65536) as u32),
            None => Err(no_memory()),
        })
    }
}

/// A host function failed or answered badly: the wasm call unwinds with this error,
/// which the call's error mapping reports as it is (5002, 5007 or 5012).
#[derive(Debug)]
pub struct HostFailure(pub WasmError);

impl std::fmt::Display for HostFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl std::error::Error for HostFailure {}

/// The longest message a failed host function passes on: a wasm -> JS -> wasm chain
/// would otherwise repeat every level's message in the next.
const MAX_HOST_MESSAGE: usize = 2000;

impl HostFailure {
    /// The error of a call of `name` that failed in a host function: its code, and its
    /// message after the call's name (shortened).
    pub fn report(&self, name: &str) -> WasmError {
        let mut message = self.0.message.clone();
        if message.len() > MAX_HOST_MESSAGE {
            let mut end = MAX_HOST_MESSAGE;
            while !message.is_char_boundary(end) {
                end -= 1;
            }
            message.truncate(end);
            message.push_str("...");
        }
        WasmError::new(self.0.code, format!("\"{name}\": {message}"))
    }
}

/// The memory window of the innermost outstanding request.
fn top_window(exchange: &Exchange) -> Option<MemoryWindow> {
    exchange.windows.last().copied().flatten()
}

fn no_memory() -> WasmError {
    WasmError::memory("the calling instance exports no memory named \"memory\"")
}

/// The address of `offset..offset + len` in the window, checked.
fn window_range(window: Option<MemoryWindow>, offset: usize, len: usize) -> WasmResult<(usize, usize)> {
    let window = window.ok_or_else(no_memory)?;
    match offset.checked_add(len) {
        Some(end) if end <= window.len => Ok((window.base + offset, len)),
        _ => Err(WasmError::memory(format!(
            "out of bounds: offset {offset} + length {len} exceeds the memory size of {} bytes",
            window.len
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_goes_through_the_window_only_while_a_request_is_outstanding() {
        let link = HostLink::new(vec!["env.f".into()], vec![vec![]]);
        let mut memory = vec![0u8; 65536];
        let mut target = [0u8; 2];
        assert!(link.read(0, &mut target).is_none(), "no window before a request");
        link.post(0, &[], Some((memory.as_mut_ptr(), memory.len())));
        link.write(10, &[7, 8]).unwrap().unwrap();
        link.read(10, &mut target).unwrap().unwrap();
        assert_eq!(target, [7, 8]);
        assert_eq!(link.pages().unwrap().unwrap(), 1);
        assert!(link.read(65535, &mut target).unwrap().is_err(), "bounds are checked");
        assert!(link.busy("call").unwrap().message.contains("env.f"));
        link.answer_with_slots(0, &[]).unwrap();
        assert!(link.read(10, &mut target).is_none(), "the answer closes the window");
        assert!(link.busy("call").is_none());
        assert_eq!(memory[10..12], [7, 8]);
    }
}

/// A component host import's request: which import (by index in the component's list of
/// JS-provided imports), its arguments in the component byte form, and where the answer
/// goes. Components do not share the core exchange above: their values are trees, and a
/// component instance cannot be re-entered from its host functions anyway.
pub struct ComponentRequest {
    pub import: u32,
    pub args: Vec<u8>,
    pub answer: tokio::sync::oneshot::Sender<ComponentAnswer>,
}

/// What JS answered a component host import with.
pub enum ComponentAnswer {
    /// Its return value, in the byte form.
    Value(Vec<u8>),
    /// For an import returning `result<T, E>`: the `err` payload it threw, in the byte form.
    Err(Vec<u8>),
    /// It failed (threw, or its value did not fit): the wasm call fails with this.
    Failed(WasmError),
}

/// Where a component store's host-import trampolines post their requests: the channel of
/// the call running in the store, connected for the length of that call.
#[derive(Default)]
pub struct ComponentHostLink {
    current: Mutex<Option<tokio::sync::mpsc::UnboundedSender<ComponentRequest>>>,
}

impl ComponentHostLink {
    /// The call now running sends its requests to `requests`.
    pub fn connect(&self, requests: tokio::sync::mpsc::UnboundedSender<ComponentRequest>) {
        *self.current.lock() = Some(requests);
    }

    pub fn disconnect(&self) {
        *self.current.lock() = None;
    }

    /// Post a request to the running call's driver.
    pub fn post(&self, request: ComponentRequest) -> WasmResult<()> {
        match &*self.current.lock() {
            Some(requests) => requests
                .send(request)
                .map_err(|_| WasmError::call("the call's driver is gone (the instance was dropped)")),
            None => Err(WasmError::call(
                "a host function was called outside a call from JS (during instantiation): it cannot be answered",
            )),
        }
    }
}

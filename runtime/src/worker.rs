//! Where wasm runs when it leaves the JS thread: a growing pool of plain threads
//! (`run`), a thread of its own for a call that started on the JS thread and ran long
//! (`start_here`), and `block_on` for sync APIs. WASI's I/O runs on the extension's own
//! tokio runtime, entered while wasm runs. Why it is built this way is described once,
//! in ARCHITECTURE.md, "How wasm runs".

use std::future::Future;
use std::sync::LazyLock;
use std::task::{Context, Poll, Waker};

use crate::error::{WasmError, WasmResult};

/// Run `f` on a worker thread; the returned future resolves with its result.
pub fn run<T, F>(f: F) -> impl Future<Output = T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    blocking::unblock(f)
}

/// Drive a Wasmtime async call (or instantiation) to the end, blocking this thread until
/// it returns, so a sync API gets its result. The call must not yield at epoch ticks
/// (`Pace::ToTheEnd`).
///
/// On a thread that runs a tokio scheduler (the JS thread, in `callSync`), a WASI host
/// function that yields to tokio (`poll_oneoff` with a zero timeout does
/// `tokio::task::yield_now`) hands its wake-up to that scheduler, which runs it only once
/// this thread returns to it: it never would, and the call would hang. So there the call
/// is polled once, and if it waits, it is finished on a scoped thread of its own, outside
/// any scheduler, while this thread waits for it.
pub fn block_on<F>(call: F) -> F::Output
where
    F: Future + Send,
    F::Output: Send,
{
    let in_scheduler = tokio::runtime::Handle::try_current().is_ok();
    let _io = enter_io();
    if !in_scheduler {
        return futures_lite::future::block_on(call);
    }
    let mut call = std::pin::pin!(call);
    // Nothing needs waking: a pending call is handed over and polled again at once.
    if let Poll::Ready(output) = call.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        return output;
    }
    let finished = std::thread::scope(|scope| {
        let thread = std::thread::Builder::new()
            .name("ext_wasm-sync-call".into())
            .spawn_scoped(scope, || {
                let _io = enter_io();
                futures_lite::future::block_on(call.as_mut())
            })
            .ok()?;
        Some(thread.join().unwrap_or_else(|panicked| std::panic::resume_unwind(panicked)))
    });
    // No thread to be had: finish here, as before (only a zero-timeout yield would hang).
    finished.unwrap_or_else(|| futures_lite::future::block_on(call.as_mut()))
}

/// Poll `call` once here; if it is not done (it yielded at an epoch tick, or a WASI
/// function waits for I/O), move it to a thread of its own that drives it to the end.
///
/// Not the shared pool: the call holds its instance's lock, and calls queued for that
/// lock occupy pool threads while they wait. With the pool full of them (its size is
/// bounded), the holder would never get a thread and nothing would ever finish. Threads
/// made here are bounded by the instances with a call in flight, since each holds one.
pub async fn start_here<R, F>(call: F) -> WasmResult<R>
where
    R: Send + 'static,
    F: Future<Output = WasmResult<R>> + Send + 'static,
{
    let mut call = Box::pin(call);
    let first = {
        let _io = enter_io();
        // Nothing needs waking: a pending call is handed over and polled again at once.
        call.as_mut().poll(&mut Context::from_waker(Waker::noop()))
    };
    if let Poll::Ready(result) = first {
        return result;
    }
    tracing::debug!("call still running after its first slice on the JS thread: moving it to a thread of its own");
    on_own_thread(call).await
}

/// Drive `call` to the end on a thread of its own (not the shared pool, for the reason
/// `start_here` gives).
pub async fn on_own_thread<R, F>(call: F) -> WasmResult<R>
where
    R: Send + 'static,
    F: Future<Output = WasmResult<R>> + Send + 'static,
{
    let (done, result) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("ext_wasm-call".into())
        .spawn(move || {
            // The receiver is gone only when the op was dropped with its runtime.
            let _ = done.send(block_on(call));
        })
        .map_err(|e| WasmError::call(format!("no thread to finish the call on: {e}")))?;
    result.await.map_err(|_| WasmError::bug("the thread running the call ended without a result"))?
}

/// The runtime that wasmtime-wasi's async host functions do their I/O on (file work on
/// its blocking pool, sleeps on its timer). It is the extension's own, entered while
/// wasm runs, so that WASI never depends on the embedder's event loop: the JS thread's
/// runtime may be blocked in `block_on` (a sync call), and worker threads have none.
static IO_RUNTIME: LazyLock<Option<tokio::runtime::Runtime>> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread().worker_threads(1).thread_name("ext_wasm-io").enable_all().build().ok()
});

/// Make the I/O runtime current on this thread until the guard drops. Without it (it
/// could not be created), wasmtime-wasi falls back to its own ambient runtime.
pub fn enter_io() -> Option<tokio::runtime::EnterGuard<'static>> {
    IO_RUNTIME.as_ref().map(|runtime| runtime.enter())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A future that is pending `n` times (waking itself), then ready with `n`.
    struct PendingTimes(u32, u32);
    impl Future for PendingTimes {
        type Output = WasmResult<u32>;
        fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<WasmResult<u32>> {
            if self.1 == self.0 {
                return Poll::Ready(Ok(self.0));
            }
            self.1 += 1;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }

    #[test]
    fn start_here_finishes_ready_and_pending_futures() {
        let here = std::thread::current().id();
        let ready = futures_lite::future::block_on(start_here(async move { Ok(std::thread::current().id()) }));
        assert_eq!(ready.unwrap(), here, "a call that is ready at once stays on the calling thread");
        let moved = futures_lite::future::block_on(start_here(async move {
            PendingTimes(3, 0).await?;
            Ok(std::thread::current().id())
        }));
        assert_ne!(moved.unwrap(), here, "a call that yields is finished on another thread");
        assert_eq!(futures_lite::future::block_on(start_here(PendingTimes(2, 0))).unwrap(), 2);
    }
}

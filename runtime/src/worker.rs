//! Running wasm off the JS thread.
//!
//! Calls run on a growing pool of plain threads (the `blocking` crate) rather than
//! tokio's blocking pool: those threads carry no tokio context, so wasmtime-wasi's
//! synchronous WASI calls may block on their own runtime without panicking, and the JS
//! event loop keeps running while wasm does.

use std::future::Future;

/// Run `f` on a worker thread; the returned future resolves with its result.
pub fn run<T, F>(f: F) -> impl Future<Output = T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    blocking::unblock(f)
}

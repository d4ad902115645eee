//! Host functions: wasm imports served by JavaScript functions.
//!
//! JS can only run on the JS thread's own stack (never on a Wasmtime fiber, where the
//! engine's stack check fails, and never on a worker). So a host import is a Wasmtime
//! async host function, a trampoline (`imports.rs`) that posts a request to its store's
//! `HostLink` (`crate::host_link`, shared with the instance layer) and waits for the answer. The call itself is a hosted call
//! (`driver.rs`), polled by ops that JS invokes in a loop: each step returns when the
//! call finishes, asks for a host function, or moves to a worker because it ran long.
//! JS then runs the host function (awaiting its promise, if any, on the event loop) and
//! steps again with the answer. No op ever calls into JS, so ops never re-enter.
//!
//! The design and the measurements behind it are in docs/design/host-functions.md.

mod driver;
mod imports;

pub use driver::{Finished, HostedCall, HostedCalls, Reply};
pub use imports::{describe_imports, link_with_host_functions, missing_imports};

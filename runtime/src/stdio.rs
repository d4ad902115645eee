//! Captured standard output and error (`stdout: "pipe"`): what a guest wrote, and taking
//! it from JS. The pipes live beside the instance's lock, so output can be read while a
//! call runs.

use parking_lot::Mutex;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;

use crate::error::{WasmError, WasmResult};

/// Output a guest wrote to a piped stream, and how much of it JS has taken so far.
pub struct CapturedOutput {
    pub pipe: MemoryOutputPipe,
    pub taken: usize,
}

impl CapturedOutput {
    pub fn new(pipe: MemoryOutputPipe) -> Self {
        Self { pipe, taken: 0 }
    }

    /// Everything written since the last take.
    pub fn take(&mut self) -> Vec<u8> {
        let all = self.pipe.contents();
        let start = self.taken.min(all.len());
        self.taken = all.len();
        all[start..].to_vec()
    }
}

/// An instance's piped streams (`None` where a stream is not piped).
#[derive(Default)]
pub struct CapturedStreams {
    pub stdout: Option<Mutex<CapturedOutput>>,
    pub stderr: Option<Mutex<CapturedOutput>>,
}

impl CapturedStreams {
    pub fn new(stdout: Option<CapturedOutput>, stderr: Option<CapturedOutput>) -> Self {
        Self { stdout: stdout.map(Mutex::new), stderr: stderr.map(Mutex::new) }
    }

    /// Everything the guest wrote to `fd` (1 = stdout, 2 = stderr) since the last take.
    pub fn take(&self, fd: u32) -> WasmResult<Vec<u8>> {
        let (slot, name) = match fd {
            1 => (&self.stdout, "stdout"),
            2 => (&self.stderr, "stderr"),
            _ => {
                return Err(WasmError::wasi(format!("there is no captured stream {fd}; use 1 (stdout) or 2 (stderr)")))
            }
        };
        let captured = slot.as_ref().ok_or_else(|| {
            WasmError::wasi(format!("{name} is not captured; instantiate with {{ {name}: \"pipe\" }}"))
        })?;
        Ok(captured.lock().take())
    }
}

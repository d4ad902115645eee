//! Word of a long compile: when a compile the cache could not answer is still running after
//! a while (a second by default), the embedder's callback is told once, while it runs. The
//! library never prints; `forge-wasm` prints the message to stderr unless `--quiet`.

use std::sync::mpsc::{channel, RecvTimeoutError};
use std::sync::Arc;
use std::time::Duration;

/// A compile that is taking a while: what is compiled, how big it is, and whether the
/// result goes to the on-disk cache. Its `Display` is the message `forge-wasm` prints:
/// `compiling python.wasm (99 MB), cached for next time`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileProgress {
    /// The file name for `compileFile`, `module bytes` for `compile`.
    pub name: String,
    /// Size of the input in bytes.
    pub bytes: u64,
    /// Whether the compiled module will be kept in the on-disk cache.
    pub cached: bool,
}

impl std::fmt::Display for CompileProgress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "compiling {} ({})", self.name, human_size(self.bytes))?;
        if self.cached {
            write!(f, ", cached for next time")?;
        }
        Ok(())
    }
}

fn human_size(bytes: u64) -> String {
    const MB: u64 = 1_000_000;
    match bytes {
        b if b >= 10 * MB => format!("{} MB", (b + MB / 2) / MB),
        b if b >= MB => format!("{:.1} MB", b as f64 / MB as f64),
        b if b >= 1_000 => format!("{} kB", (b + 500) / 1_000),
        b => format!("{b} bytes"),
    }
}

/// The callback of `WasmConfig::compile_progress`.
pub type CompileProgressFn = Arc<dyn Fn(&CompileProgress) + Send + Sync>;

/// A callback and how long a compile runs before it is called.
#[derive(Clone)]
pub struct ProgressReporter {
    pub after: Duration,
    pub report: CompileProgressFn,
}

/// Run `work`; if it is still running `after` the start, call `report` once (on a helper
/// thread, while `work` goes on). Without a reporter, or when no thread can be started,
/// `work` just runs.
pub fn watch<T>(
    reporter: Option<&ProgressReporter>,
    progress: impl FnOnce() -> CompileProgress + Send,
    work: impl FnOnce() -> T,
) -> T {
    let Some(reporter) = reporter else { return work() };
    std::thread::scope(|scope| {
        let (done, finished) = channel::<()>();
        let _watcher = std::thread::Builder::new().name("compile-progress".into()).spawn_scoped(scope, move || {
            if finished.recv_timeout(reporter.after) == Err(RecvTimeoutError::Timeout) {
                (reporter.report)(&progress());
            }
        });
        let out = work();
        drop(done);
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    fn recorder() -> (ProgressReporter, Arc<Mutex<Vec<String>>>) {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        let report: CompileProgressFn = Arc::new(move |p: &CompileProgress| sink.lock().unwrap().push(p.to_string()));
        (ProgressReporter { after: Duration::from_millis(50), report }, seen)
    }

    fn progress() -> CompileProgress {
        CompileProgress { name: "python.wasm".into(), bytes: 99_421_513, cached: true }
    }

    #[test]
    fn a_slow_compile_is_reported_once_and_a_fast_one_not_at_all() {
        let (reporter, seen) = recorder();
        assert_eq!(watch(Some(&reporter), progress, || 1), 1);
        assert!(seen.lock().unwrap().is_empty());
        watch(Some(&reporter), progress, || std::thread::sleep(Duration::from_millis(300)));
        assert_eq!(*seen.lock().unwrap(), ["compiling python.wasm (99 MB), cached for next time"]);
        watch(None, progress, || std::thread::sleep(Duration::from_millis(100)));
        assert_eq!(seen.lock().unwrap().len(), 1, "no reporter, no report");
    }

    #[test]
    fn sizes_read_naturally() {
        let at = |bytes, cached| CompileProgress { name: "m.wasm".into(), bytes, cached }.to_string();
        assert_eq!(at(2_500_000, false), "compiling m.wasm (2.5 MB)");
        assert_eq!(at(12_345, true), "compiling m.wasm (12 kB), cached for next time");
        assert_eq!(at(12, false), "compiling m.wasm (12 bytes)");
    }
}

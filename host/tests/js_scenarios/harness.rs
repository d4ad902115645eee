//! What the scenario runner does with one folder and one script: strict collection, the
//! header lines, running a script in `forge-wasm`, and the verdict on how it ended. Kept
//! apart from `main` so that `self_test.rs` can run the same code on scripts made to fail.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A line that starts with this (after leading whitespace), on stdout or stderr, fails the
/// scenario whatever its exit code. `tests/js/_assert.ts` prints it for every failed
/// assertion, so an assertion that a `catch` swallows still fails the run.
pub const FAIL_MARKER: &str = "FAIL:";

/// A line that starts with this reports a part of a scenario that could not run, with
/// the reason after it; the runner records it like a `// skip:` header.
pub const SKIP_MARKER: &str = "SKIP:";

/// Extensions the host's loader runs as ES modules: such files are scenarios.
const RUN: &[&str] = &[".ts", ".mts", ".js", ".mjs", ".tsx", ".jsx"];

/// Script extensions that are refused: CommonJS, which the host cannot load, and
/// declaration files, which would "pass" without running anything. A file like this
/// under tests/js is a scenario someone meant to run; ignoring it would hide it.
const REFUSE: &[&str] = &[".d.ts", ".d.mts", ".d.cts", ".cts", ".cjs"];

const TIMEOUT: Duration = Duration::from_secs(180);

/// Every scenario under `dir`, recursively. Files and folders whose name starts with `_`
/// are helpers and `fixtures` folders hold data; both are left out. A folder or entry
/// that cannot be read, and a refused script extension, are errors: a scenario that
/// silently goes missing is a test that silently stopped running.
pub fn collect(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    collect_into(dir, &mut out)?;
    out.sort();
    Ok(out)
}

fn collect_into(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read the folder {}: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read an entry of {}: {e}", dir.display()))?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('_') {
            continue;
        }
        // Follow symbolic links: a link that leads nowhere is an error, not a non-file.
        let meta = std::fs::metadata(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if meta.is_dir() {
            if name != "fixtures" {
                collect_into(&path, out)?;
            }
        } else if REFUSE.iter().any(|ext| name.ends_with(ext)) {
            return Err(format!(
                "{}: not a scenario the runner can run (CommonJS or a declaration file); \
                 rename it to .ts/.mts/.js/.mjs, or prefix it with `_` if it is a helper",
                path.display()
            ));
        } else if RUN.iter().any(|ext| name.ends_with(ext)) {
            out.push(path);
        }
    }
    Ok(())
}

/// Header directives: `// skip: ...`, `// expect-exit: N`, `// expect-stdout: ...`,
/// `// expect-stdout-exactly: "JSON string"`, `// expect-stderr: ...`, `// args: ...`,
/// `// env: KEY=VALUE`.
#[derive(Debug, Default)]
pub struct Expectations {
    pub skip: Option<String>,
    pub exit: i32,
    pub stdout: Vec<String>,
    /// The whole stdout the script must print (the spec examples' `stdout=`), or why the
    /// header's JSON string could not be read.
    pub stdout_exactly: Option<Result<String, String>>,
    pub stderr: Vec<String>,
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
}

pub fn expectations(source: &str) -> Expectations {
    let mut e = Expectations::default();
    for line in source.lines().take_while(|l| l.starts_with("//")) {
        let line = line.trim_start_matches('/').trim();
        if let Some(reason) = line.strip_prefix("skip:") {
            e.skip = Some(reason.trim().to_string());
        } else if let Some(code) = line.strip_prefix("expect-exit:") {
            e.exit = code.trim().parse().unwrap_or(-1);
        } else if let Some(json) = line.strip_prefix("expect-stdout-exactly:") {
            e.stdout_exactly = Some(
                serde_json::from_str::<String>(json.trim())
                    .map_err(|err| format!("`expect-stdout-exactly:` needs a JSON string: {err}")),
            );
        } else if let Some(text) = line.strip_prefix("expect-stdout:") {
            e.stdout.push(text.trim().to_string());
        } else if let Some(text) = line.strip_prefix("expect-stderr:") {
            e.stderr.push(text.trim().to_string());
        } else if let Some(args) = line.strip_prefix("args:") {
            e.args = args.split_whitespace().map(String::from).collect();
        } else if let Some((key, value)) = line.strip_prefix("env:").and_then(|kv| kv.trim().split_once('=')) {
            e.env.push((key.to_string(), value.to_string()));
        }
    }
    e
}

/// How a script ended.
pub struct Outcome {
    /// The exit code; `None` when a signal ended it.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    fn report(&self, what: &str) -> String {
        let exit = self.code.map_or("none (killed by a signal)".to_string(), |c| c.to_string());
        format!("{what}\n--- exit: {exit}\n--- stdout:\n{}\n--- stderr:\n{}", self.stdout, self.stderr)
    }

    /// The reasons of the `SKIP:` lines the script printed.
    pub fn partial_skips(&self) -> Vec<String> {
        marked_lines(&self.stdout, SKIP_MARKER).chain(marked_lines(&self.stderr, SKIP_MARKER)).collect()
    }
}

fn marked_lines<'a>(text: &'a str, marker: &'a str) -> impl Iterator<Item = String> + 'a {
    text.lines().filter_map(move |l| l.trim_start().strip_prefix(marker)).map(|rest| rest.trim().to_string())
}

/// The verdict on a finished script: the exit code it was expected to end with, every
/// expected text, and no failure marker on either stream.
pub fn judge(expect: &Expectations, outcome: &Outcome) -> Result<(), String> {
    if outcome.code != Some(expect.exit) {
        return Err(outcome.report(&format!("expected exit code {}", expect.exit)));
    }
    for (stream, text) in [("stdout", &outcome.stdout), ("stderr", &outcome.stderr)] {
        if let Some(line) = text.lines().find(|l| l.trim_start().starts_with(FAIL_MARKER)) {
            return Err(outcome.report(&format!("{stream} reports a failure: {line}")));
        }
    }
    match &expect.stdout_exactly {
        Some(Err(why)) => return Err(outcome.report(why)),
        Some(Ok(text)) if outcome.stdout != *text => {
            return Err(outcome.report(&format!("stdout is not exactly {text:?}")));
        }
        _ => {}
    }
    for text in &expect.stdout {
        if !outcome.stdout.contains(text.as_str()) {
            return Err(outcome.report(&format!("stdout does not contain {text:?}")));
        }
    }
    for text in &expect.stderr {
        if !outcome.stderr.contains(text.as_str()) {
            return Err(outcome.report(&format!("stderr does not contain {text:?}")));
        }
    }
    Ok(())
}

/// Run `script` in a fresh `forge-wasm` process in `root`, with `cache` as its compile
/// cache folder (`XDG_CACHE_HOME`; a header `// env:` line may override it).
pub fn run_script(root: &Path, script: &Path, expect: &Expectations, cache: &Path) -> Result<Outcome, String> {
    // `FORGE_WASM_BIN` runs the scenarios against another build (a release binary, or a
    // copy that a concurrent build into the same target folder cannot replace mid-run).
    let binary = std::env::var_os("FORGE_WASM_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_forge-wasm").into());
    let mut child = Command::new(&binary)
        .arg("run")
        .arg(script)
        .args(&expect.args)
        .current_dir(root)
        .env("XDG_CACHE_HOME", cache)
        .envs(expect.env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", Path::new(&binary).display()))?;
    // Drain the pipes on threads so a chatty script cannot block on a full pipe.
    let mut out_pipe = child.stdout.take().ok_or("no stdout pipe")?;
    let mut err_pipe = child.stderr.take().ok_or("no stderr pipe")?;
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out_pipe.read_to_string(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err_pipe.read_to_string(&mut s);
        s
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| format!("wait: {e}"))? {
            break status;
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("timed out after {}s", TIMEOUT.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Ok(Outcome {
        code: status.code(),
        stdout: out_reader.join().unwrap_or_default(),
        stderr: err_reader.join().unwrap_or_default(),
    })
}

/// Append one skipped check to the file named by `EXT_WASM_SKIP_LOG` (set by `cargo
/// xtask test`, which lists them in its summary): one line, `NAME<TAB>REASON`. An error
/// means the skip would go unseen, so the caller fails the test case with it.
pub fn record_skip(name: &str, reason: &str) -> Result<(), String> {
    let Some(log) = std::env::var_os("EXT_WASM_SKIP_LOG") else { return Ok(()) };
    let line = format!("{}\t{}\n", name.replace(['\t', '\n'], " "), reason.replace(['\t', '\n'], " "));
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log)
        .and_then(|mut f| std::io::Write::write_all(&mut f, line.as_bytes()))
        .map_err(|e| format!("cannot record the skip of {name} in {}: {e}", Path::new(&log).display()))
}

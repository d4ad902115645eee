//! Runs every JS/TS scenario as its own test case, each in a fresh `forge-wasm` process
//! with the repository root as working directory:
//!
//! - `tests/js/**/*.{ts,js}` (hand-written; files starting with `_` are helpers),
//! - `generated/tests/*.ts` (derived from the spec: its examples and error triggers).
//!
//! A scenario passes when the script exits 0. A first line `// skip: REASON` skips it
//! with the reason printed. `// expect-exit: N` and `// expect-stdout: TEXT` /
//! `// expect-stderr: TEXT` header lines check how a script ends and what it prints;
//! `// args: A B` passes arguments and `// env: KEY=VALUE` sets an environment variable.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use libtest_mimic::{Arguments, Failed, Trial};

const TIMEOUT: Duration = Duration::from_secs(180);

fn repo_root() -> PathBuf {
    Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())).join("..").canonicalize().expect("repository root")
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if name != "fixtures" && !name.starts_with('_') {
                collect(&path, out);
            }
        } else if !name.starts_with('_') && (name.ends_with(".ts") || name.ends_with(".js")) {
            out.push(path);
        }
    }
}

/// Header directives: `// skip: ...`, `// expect-exit: N`, `// expect-stdout: ...`,
/// `// expect-stderr: ...`, `// args: ...`, `// env: KEY=VALUE`.
struct Expectations {
    skip: Option<String>,
    exit: i32,
    stdout: Vec<String>,
    stderr: Vec<String>,
    args: Vec<String>,
    env: Vec<(String, String)>,
}

fn expectations(source: &str) -> Expectations {
    let mut e = Expectations { skip: None, exit: 0, stdout: vec![], stderr: vec![], args: vec![], env: vec![] };
    for line in source.lines().take_while(|l| l.starts_with("//")) {
        let line = line.trim_start_matches('/').trim();
        if let Some(reason) = line.strip_prefix("skip:") {
            e.skip = Some(reason.trim().to_string());
        } else if let Some(code) = line.strip_prefix("expect-exit:") {
            e.exit = code.trim().parse().unwrap_or(-1);
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

fn run_scenario(root: &Path, script: &Path, expect: &Expectations) -> Result<(), Failed> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_forge-wasm"))
        .arg("run")
        .arg(script)
        .args(&expect.args)
        .current_dir(root)
        // Every scenario also exercises the on-disk compile cache, in a directory of its own.
        .env("XDG_CACHE_HOME", std::env::temp_dir().join("ext_wasm-scenario-cache"))
        .envs(expect.env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start forge-wasm: {e}"))?;
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
            return Err(format!("timed out after {}s", TIMEOUT.as_secs()).into());
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stdout = out_reader.join().unwrap_or_default();
    let stderr = err_reader.join().unwrap_or_default();
    let report = |what: &str| -> Failed {
        format!("{what}\n--- exit: {status}\n--- stdout:\n{stdout}\n--- stderr:\n{stderr}").into()
    };
    if status.code() != Some(expect.exit) {
        return Err(report(&format!("expected exit code {}", expect.exit)));
    }
    for text in &expect.stdout {
        if !stdout.contains(text.as_str()) {
            return Err(report(&format!("stdout does not contain {text:?}")));
        }
    }
    for text in &expect.stderr {
        if !stderr.contains(text.as_str()) {
            return Err(report(&format!("stderr does not contain {text:?}")));
        }
    }
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let root = repo_root();
    let mut scripts = Vec::new();
    collect(&root.join("tests/js"), &mut scripts);
    collect(&root.join("generated/tests"), &mut scripts);
    scripts.sort();
    assert!(!scripts.is_empty(), "no scenarios found under tests/js or generated/tests");
    let trials = scripts
        .into_iter()
        .map(|script| {
            let name = script.strip_prefix(&root).unwrap_or(&script).to_string_lossy().into_owned();
            let source = std::fs::read_to_string(&script).unwrap_or_default();
            let expect = expectations(&source);
            if let Some(reason) = &expect.skip {
                eprintln!("skipping {name}: {reason}");
                return Trial::test(name, || Ok(())).with_ignored_flag(true);
            }
            let root = root.clone();
            Trial::test(name, move || run_scenario(&root, &script, &expect))
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}

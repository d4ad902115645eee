//! `cargo xtask fuzz [SECONDS]`: run every cargo-fuzz target in `fuzz/` for SECONDS each
//! (default 60) and print, per target, the executions and the crashes.
//!
//! - The targets need a nightly toolchain (libFuzzer and `-Zsanitizer=address`): the one
//!   `rustup toolchain list` shows is used, through `rustup run <nightly> cargo fuzz ...`;
//!   without one the task fails with the command that installs it.
//! - `cargo fuzz` (cargo-fuzz) is installed with `cargo install cargo-fuzz` when missing.
//! - The fuzz crate is its own workspace (`fuzz/Cargo.toml` has a `[workspace]` table), so
//!   the main workspace never builds it. Its build goes to `$CARGO_TARGET_DIR/fuzz` (else
//!   `target/fuzz`); each run's libFuzzer output to `.../fuzz/logs/<target>.log`.
//! - The `compile` target's corpus starts from the repository's modules
//!   (`examples/*.wasm`, `tests/fixtures/*.{wasm,wat}`).
//! - A crash stops that target (libFuzzer's default) and leaves its input in
//!   `fuzz/artifacts/<target>/`; the task fails when any target crashed or did not build.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

use crate::util;

const USAGE: &str = "usage: cargo xtask fuzz [SECONDS]
Run every cargo-fuzz target in fuzz/ for SECONDS each (default 60) on the nightly toolchain;
print executions and crashes per target. Installs cargo-fuzz when it is missing.";

/// What one target's run gave.
struct Report {
    target: String,
    seconds: f64,
    executions: Option<u64>,
    crashes: Vec<PathBuf>,
    failure: Option<String>,
}

pub fn run(args: &[String]) -> anyhow::Result<()> {
    let seconds = match args {
        [] => 60,
        [flag] if flag == "-h" || flag == "--help" => {
            println!("{USAGE}");
            return Ok(());
        }
        [n] => n
            .parse::<u64>()
            .ok()
            .filter(|n| *n > 0)
            .with_context(|| format!("SECONDS must be a positive whole number, got \"{n}\"\n{USAGE}"))?,
        _ => bail!("{USAGE}"),
    };
    let root = util::root();
    let fuzz_dir = root.join("fuzz");
    if !fuzz_dir.join("Cargo.toml").is_file() {
        bail!("{} is missing", fuzz_dir.join("Cargo.toml").display());
    }
    let nightly = nightly_toolchain()?;
    ensure_cargo_fuzz(&nightly)?;
    let work = util::target_dir().join("fuzz");
    let logs = work.join("logs");
    std::fs::create_dir_all(&logs).with_context(|| format!("create {}", logs.display()))?;
    seed_compile_corpus(&root, &fuzz_dir)?;

    let targets = list_targets(&nightly, &fuzz_dir)?;
    if targets.is_empty() {
        bail!("`cargo fuzz list` found no targets in {}", fuzz_dir.display());
    }
    util::step(&format!("cargo fuzz build ({} on {nightly})", targets.join(", ")));
    let build_log = logs.join("build.log");
    let (ok, _) =
        cargo_fuzz(&nightly, &fuzz_dir, &["build".into(), "--target-dir".into(), path_arg(&work)], &build_log, None)?;
    if !ok {
        bail!(
            "the fuzz targets did not build (log: {}):\n{}",
            build_log.display(),
            tail(&std::fs::read_to_string(&build_log).unwrap_or_default(), 40)
        );
    }

    let mut reports = Vec::new();
    for target in &targets {
        util::step(&format!("cargo fuzz run {target} ({seconds} s)"));
        reports.push(run_target(&nightly, &fuzz_dir, &work, &logs, target, seconds)?);
    }

    println!("\n{:<10} {:>8} {:>14} {:>8}  notes", "target", "seconds", "executions", "crashes");
    for r in &reports {
        let executions = r.executions.map(|n| n.to_string()).unwrap_or_else(|| "?".into());
        let notes = match (&r.failure, r.crashes.first()) {
            (Some(f), _) => f.clone(),
            (None, Some(first)) => format!("input: {}", first.display()),
            (None, None) => String::new(),
        };
        println!("{:<10} {:>8.0} {:>14} {:>8}  {notes}", r.target, r.seconds, executions, r.crashes.len());
    }
    let bad: Vec<&str> =
        reports.iter().filter(|r| !r.crashes.is_empty() || r.failure.is_some()).map(|r| r.target.as_str()).collect();
    if !bad.is_empty() {
        bail!("fuzzing found problems in: {} (logs in {})", bad.join(", "), logs.display());
    }
    Ok(())
}

/// The first nightly toolchain rustup knows, e.g. `nightly-x86_64-unknown-linux-gnu`.
fn nightly_toolchain() -> anyhow::Result<String> {
    let out = Command::new("rustup")
        .args(["toolchain", "list"])
        .output()
        .context("`rustup toolchain list` could not run: cargo-fuzz needs rustup and a nightly toolchain")?;
    let list = String::from_utf8_lossy(&out.stdout);
    list.lines()
        .filter_map(|line| line.split_whitespace().next())
        .find(|name| name.starts_with("nightly"))
        .map(String::from)
        .with_context(|| {
            format!(
                "no nightly toolchain is installed (cargo-fuzz needs one for libFuzzer and the sanitizers); \
                 install it with `rustup toolchain install nightly`\nrustup toolchain list:\n{list}"
            )
        })
}

/// `rustup run <nightly> cargo ...`, with the environment of the outer (stable) cargo
/// removed so the nightly cargo and rustc are the ones used.
fn nightly_cargo(nightly: &str) -> Command {
    let mut command = Command::new("rustup");
    command.args(["run", nightly, "cargo"]);
    for var in [
        "CARGO",
        "RUSTUP_TOOLCHAIN",
        "RUSTC",
        "RUSTDOC",
        "RUSTC_WRAPPER",
        "RUSTFLAGS",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_TARGET",
    ] {
        command.env_remove(var);
    }
    command
}

fn ensure_cargo_fuzz(nightly: &str) -> anyhow::Result<()> {
    let mut probe = nightly_cargo(nightly);
    probe.args(["fuzz", "--version"]);
    util::ensure_cargo_tool(probe, &["cargo-fuzz"])
}

fn list_targets(nightly: &str, fuzz_dir: &Path) -> anyhow::Result<Vec<String>> {
    let out = nightly_cargo(nightly)
        .args(["fuzz", "list", "--fuzz-dir"])
        .arg(fuzz_dir)
        .current_dir(util::root())
        .output()
        .context("cannot run `cargo fuzz list`")?;
    if !out.status.success() {
        bail!("`cargo fuzz list` failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect())
}

/// Start the compile target from real modules (only files not already in the corpus).
fn seed_compile_corpus(root: &Path, fuzz_dir: &Path) -> anyhow::Result<()> {
    let corpus = fuzz_dir.join("corpus").join("compile");
    std::fs::create_dir_all(&corpus)?;
    for (dir, exts) in [("examples", &["wasm"][..]), ("tests/fixtures", &["wasm", "wat"][..])] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default();
            if exts.contains(&ext) {
                let name = format!("seed-{}", entry.file_name().to_string_lossy());
                let target = corpus.join(name);
                if !target.exists() {
                    std::fs::copy(&path, &target)?;
                }
            }
        }
    }
    Ok(())
}

fn run_target(
    nightly: &str,
    fuzz_dir: &Path,
    work: &Path,
    logs: &Path,
    target: &str,
    seconds: u64,
) -> anyhow::Result<Report> {
    let artifacts = fuzz_dir.join("artifacts").join(target);
    let before = artifact_files(&artifacts);
    let log = logs.join(format!("{target}.log"));
    let args = vec![
        "run".to_string(),
        target.to_string(),
        "--target-dir".to_string(),
        path_arg(work),
        "--".to_string(),
        format!("-max_total_time={seconds}"),
        "-print_final_stats=1".to_string(),
        // A single input slower than this is reported (as a timeout artifact).
        "-timeout=120".to_string(),
        "-rss_limit_mb=4096".to_string(),
    ];
    let started = Instant::now();
    // libFuzzer stops itself at max_total_time; the watchdog only catches a hang.
    let watchdog = Duration::from_secs(seconds * 2 + 600);
    let (ok, timed_out) = cargo_fuzz(nightly, fuzz_dir, &args, &log, Some(watchdog))?;
    let elapsed = started.elapsed().as_secs_f64();
    let output = std::fs::read_to_string(&log).unwrap_or_default();
    let crashes: Vec<PathBuf> = artifact_files(&artifacts).into_iter().filter(|p| !before.contains(p)).collect();
    let failure = if timed_out {
        Some(format!("killed after {} s (no end of run seen); log: {}", watchdog.as_secs(), log.display()))
    } else if !ok && crashes.is_empty() {
        Some(format!("cargo fuzz failed without an artifact; log: {}", log.display()))
    } else {
        None
    };
    Ok(Report { target: target.to_string(), seconds: elapsed, executions: executions(&output), crashes, failure })
}

/// Run `cargo fuzz ARGS` from the repository root with `--fuzz-dir`, all output to `log`.
/// Returns (succeeded, killed by the watchdog).
fn cargo_fuzz(
    nightly: &str,
    fuzz_dir: &Path,
    args: &[String],
    log: &Path,
    watchdog: Option<Duration>,
) -> anyhow::Result<(bool, bool)> {
    let mut command = nightly_cargo(nightly);
    command.arg("fuzz").arg(&args[0]).arg("--fuzz-dir").arg(fuzz_dir).args(&args[1..]);
    let mut child = command
        .current_dir(util::root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot start `cargo fuzz`")?;
    let mut out = child.stdout.take().context("no stdout pipe")?;
    let mut err = child.stderr.take().context("no stderr pipe")?;
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let started = Instant::now();
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if watchdog.is_some_and(|limit| started.elapsed() > limit) {
            let _ = child.kill();
            let _ = child.wait();
            timed_out = true;
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let text = format!("{}{}", out_reader.join().unwrap_or_default(), err_reader.join().unwrap_or_default());
    std::fs::write(log, &text).with_context(|| format!("write {}", log.display()))?;
    Ok((status.is_some_and(|s| s.success()), timed_out))
}

/// Total executions from libFuzzer's output: the final stats, else "Done N runs", else the
/// last status line (`#N ...`).
fn executions(output: &str) -> Option<u64> {
    let number = |s: &str| s.split_whitespace().next().and_then(|n| n.parse::<u64>().ok());
    if let Some(n) =
        output.lines().rev().find_map(|l| l.strip_prefix("stat::number_of_executed_units:").and_then(number))
    {
        return Some(n);
    }
    if let Some(n) = output.lines().rev().find_map(|l| l.strip_prefix("Done ").and_then(number)) {
        return Some(n);
    }
    output
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix('#').and_then(|rest| rest.split_whitespace().next()).and_then(|n| n.parse().ok()))
}

fn artifact_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            ["crash-", "leak-", "oom-", "timeout-", "slow-unit-"].iter().any(|prefix| name.starts_with(prefix))
        })
        .collect();
    files.sort();
    files
}

fn path_arg(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn executions_from_libfuzzer_output() {
        let stats = "#1024\tpulse  cov: 10\nDone 5000 runs in 2 second(s)\nstat::number_of_executed_units: 5001\n";
        assert_eq!(executions(stats), Some(5001));
        assert_eq!(executions("#77\tNEW cov: 3\nDone 80 runs in 1 second(s)\n"), Some(80));
        assert_eq!(executions("#4096\tpulse cov: 1\n#8192\tpulse cov: 1\n==1== ERROR: deadly signal\n"), Some(8192));
        assert_eq!(executions("error: could not compile\n"), None);
    }
}

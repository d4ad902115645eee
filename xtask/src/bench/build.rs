//! Building and copying what the benchmarks run: `forge-wasm` and `bench-raw` (release),
//! copied out of the target directory; the small modules (`examples/add.wasm`,
//! `tests/components/types.wasm`, the FNV-1a kernel assembled from `bench/wat/fnv1a.wat`,
//! the host-call loop from `bench/wat/host_loop.wat` and the component figure's
//! `bench/wat/greet_core.wat` and `greet_component.wat`); the big module of the compile figure; and the state of the
//! source that was built.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context};
use serde::Serialize;

use crate::util;

/// The benchmark binaries, as copies under `$CARGO_TARGET_DIR/bench/`.
pub struct Binaries {
    pub forge: PathBuf,
    pub raw: PathBuf,
}

/// Build `forge-wasm` and `bench/raw` into the same target directory (bench/raw still
/// compiles its own wasmtime once, as its dependency graph differs) and copy both to
/// `out_dir`.
pub fn binaries(target: &Path, out_dir: &Path) -> anyhow::Result<Binaries> {
    let target_arg = target.to_string_lossy().into_owned();
    util::step("bench: building forge-wasm (release)");
    util::cargo(&["build", "--release", "-p", "forge-wasm"])?;
    util::step(&format!("bench: building bench/raw (release, target dir {target_arg})"));
    util::cargo(&["build", "--release", "--manifest-path", "bench/raw/Cargo.toml", "--target-dir", &target_arg])?;
    // Run copies: another build into the shared target directory must not swap the
    // binaries under a running benchmark.
    let binaries = Binaries { forge: out_dir.join("forge-wasm"), raw: out_dir.join("bench-raw") };
    for (built, copy) in
        [(target.join("release/forge-wasm"), &binaries.forge), (target.join("release/bench-raw"), &binaries.raw)]
    {
        let _ = std::fs::remove_file(copy);
        std::fs::copy(&built, copy).with_context(|| format!("copying {} to {}", built.display(), copy.display()))?;
    }
    Ok(binaries)
}

/// The modules of the call, kernel, instantiate, memory, host-call and component-call
/// figures, into `wasm_dir`: the Quick Start's add.wasm, the test component
/// tests/components/types.wasm, and the FNV-1a kernel, the host-call loop and the two
/// `greet`s of the component figure (a core module, a component) assembled from WAT.
pub fn small_modules(root: &Path, raw: &Path, wasm_dir: &Path) -> anyhow::Result<()> {
    std::fs::copy(root.join("examples/add.wasm"), wasm_dir.join("add.wasm")).context("copying examples/add.wasm")?;
    std::fs::copy(root.join("tests/components/types.wasm"), wasm_dir.join("types.wasm"))
        .context("copying tests/components/types.wasm")?;
    for name in ["fnv1a", "host_loop", "greet_core", "greet_component"] {
        let status = Command::new(raw)
            .arg("assemble")
            .arg(root.join(format!("bench/wat/{name}.wat")))
            .arg(wasm_dir.join(format!("{name}.wasm")))
            .status()
            .with_context(|| format!("starting {}", raw.display()))?;
        if !status.success() {
            bail!("assembling bench/wat/{name}.wat failed ({status})");
        }
    }
    Ok(())
}

/// The module of the compile figure and its size in bytes: `--module`, else the WASI test
/// suite's Rust test program whose size is closest to 2 MiB, else the largest `.wasm` of
/// the suite.
pub fn big_module(root: &Path, chosen: Option<&Path>) -> anyhow::Result<(PathBuf, u64)> {
    let big = match chosen {
        Some(path) => path.canonicalize().with_context(|| format!("--module {}", path.display()))?,
        None => pick_big_module(root)?,
    };
    let size = std::fs::metadata(&big).with_context(|| format!("reading {}", big.display()))?.len();
    Ok((big, size))
}

fn pick_big_module(root: &Path) -> anyhow::Result<PathBuf> {
    let suite = root.join("../shared/wasi-testsuite");
    let rust = suite.join("tests/rust/testsuite/wasm32-wasip1");
    let mut candidates = wasm_files(&rust);
    if candidates.is_empty() {
        collect_wasm(&suite, &mut candidates);
        candidates.sort_by_key(|(_, size)| std::cmp::Reverse(*size));
        candidates.truncate(1);
    }
    let target = 2u64 << 20;
    candidates
        .into_iter()
        .min_by_key(|(path, size)| (size.abs_diff(target), path.clone()))
        .map(|(path, _)| path)
        .with_context(|| format!("no .wasm under {}; pass --module=PATH", suite.display()))
}

fn wasm_files(dir: &Path) -> Vec<(PathBuf, u64)> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "wasm"))
        .filter_map(|p| std::fs::metadata(&p).ok().map(|m| (p.canonicalize().unwrap_or(p), m.len())))
        .collect()
}

fn collect_wasm(dir: &Path, out: &mut Vec<(PathBuf, u64)>) {
    out.extend(wasm_files(dir));
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.filter_map(Result::ok) {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                collect_wasm(&entry.path(), out);
            }
        }
    }
}

/// The commit measured, and the files of the runtime and host that differed from it.
#[derive(Serialize)]
pub struct Source {
    pub commit: Option<String>,
    pub uncommitted_changes: Vec<String>,
}

/// Read-only git queries: the figures are of the working tree as built.
pub fn source_state(root: &Path) -> Source {
    let git = |args: &[&str]| {
        Command::new("git")
            .current_dir(root)
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let dirty: Vec<String> =
        git(&["status", "--porcelain", "--", "runtime", "host", "spec", "generated", "Cargo.lock"])
            .map(|s| s.lines().map(|l| l.trim().to_string()).collect())
            .unwrap_or_default();
    Source { commit: git(&["rev-parse", "--short", "HEAD"]), uncommitted_changes: dirty }
}

//! `cargo xtask wasi-testsuite [DIR]`: the official WASI test suite (preview 1) through
//! the JS API of runtime:wasm.
//!
//! For every `tests/*/testsuite/wasm32-wasip1/*.wasm` under DIR (default
//! `../shared/wasi-testsuite` when it exists) this reads the test's JSON spec (legacy
//! format: args, env, root, exit_code, stdout, stderr), copies its root directory to a
//! fresh temporary directory (leaving out `*.cleanup` artifacts), and writes a plan that
//! `tests/wasi-testsuite/runner.ts` executes in `forge-wasm`: compileFile, instantiate
//! with the args, env and root preopened as `/`, captured stdout/stderr, `run()`.
//! The temporary directories are removed afterwards, whatever the outcome.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context};
use serde_json::{json, Value};

use crate::util;

/// The suite shipped beside the project, when there is one.
pub fn default_dir() -> Option<PathBuf> {
    let dir = util::root().join("../shared/wasi-testsuite");
    dir.join("tests").is_dir().then_some(dir)
}

pub fn run(args: &[String]) -> anyhow::Result<()> {
    let dir = match args {
        [] => default_dir().context("no suite directory given and ../shared/wasi-testsuite does not exist")?,
        [dir] => PathBuf::from(dir),
        _ => bail!("usage: cargo xtask wasi-testsuite [DIR]"),
    };
    let dir = dir.canonicalize().with_context(|| format!("suite directory {}", dir.display()))?;
    let work = std::env::temp_dir().join(format!("ext_wasm-wasi-testsuite-{}", std::process::id()));
    let result = run_in(&dir, &work);
    let _ = std::fs::remove_dir_all(&work);
    result
}

fn run_in(dir: &Path, work: &Path) -> anyhow::Result<()> {
    let plan = plan(dir, work)?;
    if plan.is_empty() {
        bail!("no tests found under {}/tests/*/testsuite/wasm32-wasip1", dir.display());
    }
    let plan_path = work.join("plan.json");
    std::fs::write(&plan_path, serde_json::to_vec_pretty(&plan)?)?;
    util::step(&format!("WASI test suite: {} tests from {}", plan.len(), dir.display()));
    util::cargo(&["build", "-p", "forge-wasm"])?;
    let binary = util::target_dir().join("debug").join("forge-wasm");
    let status = Command::new(&binary)
        .current_dir(util::root())
        .arg("run")
        .arg(format!("--allow-read={}", dir.display()))
        .arg(format!("--allow-write={}", work.display()))
        .arg("tests/wasi-testsuite/runner.ts")
        .arg(&plan_path)
        .status()
        .with_context(|| format!("starting {}", binary.display()))?;
    if !status.success() {
        bail!("the WASI test suite failed ({status})");
    }
    Ok(())
}

/// One entry per test, in a stable order.
fn plan(dir: &Path, work: &Path) -> anyhow::Result<Vec<Value>> {
    let mut wasm_files = Vec::new();
    for suite in sorted_entries(&dir.join("tests"))? {
        let cases = suite.join("testsuite").join("wasm32-wasip1");
        if !cases.is_dir() {
            continue;
        }
        for file in sorted_entries(&cases)? {
            if file.extension().and_then(|e| e.to_str()) == Some("wasm") {
                wasm_files.push(file);
            }
        }
    }
    let mut plan = Vec::new();
    for (index, wasm) in wasm_files.iter().enumerate() {
        let suite = wasm.ancestors().nth(3).and_then(|p| p.file_name()).map(|s| s.to_string_lossy().into_owned());
        let stem = wasm.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let name = format!("{}/{stem}", suite.unwrap_or_default());
        let spec_path = wasm.with_extension("json");
        let spec: Value = if spec_path.exists() {
            serde_json::from_slice(&std::fs::read(&spec_path)?)
                .with_context(|| format!("parsing {}", spec_path.display()))?
        } else {
            json!({})
        };
        if spec.get("operations").is_some() {
            bail!("{name}: operation-based specs are not supported by this runner (none exist for preview 1)");
        }
        let root = match spec.get("root").and_then(Value::as_str) {
            Some(root) => {
                let source = wasm.parent().context("test without a directory")?.join(root);
                let copy = work.join(format!("{index:03}-{stem}")).join(root);
                copy_tree(&source, &copy).with_context(|| format!("{name}: copying {}", source.display()))?;
                Value::String(copy.to_string_lossy().into_owned())
            }
            None => Value::Null,
        };
        plan.push(json!({
            "name": name,
            "wasm": wasm.to_string_lossy(),
            "args": spec.get("args").cloned().unwrap_or_else(|| json!([])),
            "env": spec.get("env").cloned().unwrap_or_else(|| json!({})),
            "root": root,
            "exitCode": spec.get("exit_code").and_then(Value::as_i64).unwrap_or(0),
            "stdout": spec.get("stdout").cloned().unwrap_or(Value::Null),
            "stderr": spec.get("stderr").cloned().unwrap_or(Value::Null),
        }));
    }
    Ok(plan)
}

fn sorted_entries(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    Ok(entries)
}

/// Copy a directory tree, leaving out `*.cleanup` artifacts of earlier runs. The copy is
/// writable even when the source is not.
fn copy_tree(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in sorted_entries(from)? {
        let name = entry.file_name().context("entry without a name")?;
        if name.to_string_lossy().ends_with(".cleanup") {
            continue;
        }
        let target = to.join(name);
        let meta = std::fs::symlink_metadata(&entry)?;
        if meta.file_type().is_symlink() {
            let link = std::fs::read_link(&entry)?;
            std::os::unix::fs::symlink(link, &target)?;
        } else if meta.is_dir() {
            copy_tree(&entry, &target)?;
        } else {
            std::fs::copy(&entry, &target)?;
            let mut perms = std::fs::metadata(&target)?.permissions();
            #[allow(clippy::permissions_set_readonly_false)]
            perms.set_readonly(false);
            std::fs::set_permissions(&target, perms)?;
        }
    }
    Ok(())
}

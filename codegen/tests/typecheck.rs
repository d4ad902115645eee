//! Type-checks the TypeScript surface with `tsc --noEmit -p tsconfig.json`: the generated
//! declarations, the host globals (`types/host.d.ts`), the examples, the generated scenarios
//! and `tests/js`. Uses a `tsc` (5.7 or later) from PATH or `node_modules`, else installs
//! `typescript@5` with npm into `<target-dir>/tsc`. Without npm the test prints
//! `SKIPPED typecheck: <reason>` and records the skip for `cargo xtask test`'s summary,
//! unless `CI` is set, where it fails instead.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into()))
        .parent()
        .expect("codegen/ has a parent")
        .to_path_buf()
}

/// `<target-dir>/tsc`, next to the build output of this test.
fn install_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(tmp).join("tsc")
}

/// `(major, minor)` of a `tsc` that runs, if it does.
fn version(tsc: &Path) -> Option<(u32, u32)> {
    let out = Command::new(tsc).arg("--version").output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let v = text.trim().strip_prefix("Version ")?;
    let mut parts = v.split('.').map(|p| p.parse::<u32>().ok());
    Some((parts.next()??, parts.next()??))
}

/// A usable `tsc`: needs 5.7+ (generic typed arrays in `types/host.d.ts`).
fn find_tsc() -> Result<PathBuf, String> {
    let candidates =
        [PathBuf::from("tsc"), root().join("node_modules/.bin/tsc"), install_dir().join("node_modules/.bin/tsc")];
    for tsc in &candidates {
        if version(tsc).is_some_and(|v| v >= (5, 7)) {
            return Ok(tsc.clone());
        }
    }
    let npm_ok = Command::new("npm").arg("--version").output().is_ok_and(|o| o.status.success());
    if !npm_ok {
        return Err("no tsc 5.7+ found and npm is not available to install typescript@5".into());
    }
    let dir = install_dir();
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let out = Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--silent", "--prefix"])
        .arg(&dir)
        .arg("typescript@5")
        .output()
        .map_err(|e| format!("npm install: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "npm install --prefix {} typescript@5 failed:\n{}{}",
            dir.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let tsc = dir.join("node_modules/.bin/tsc");
    match version(&tsc) {
        Some(v) if v >= (5, 7) => Ok(tsc),
        other => Err(format!("installed {} but it reports version {other:?}", tsc.display())),
    }
}

/// Name the skip in the log of `cargo xtask test` (`EXT_WASM_SKIP_LOG`, one
/// `NAME<TAB>REASON` line), whose summary lists it: a printed line alone is captured by
/// the test runner and never seen.
fn record_skip(reason: &str) {
    let Some(log) = std::env::var_os("EXT_WASM_SKIP_LOG") else { return };
    let line = format!("typecheck\t{}\n", reason.replace(['\t', '\n'], " "));
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log)
        .and_then(|mut f| std::io::Write::write_all(&mut f, line.as_bytes()));
    if let Err(e) = written {
        panic!(
            "the typecheck was skipped ({reason}) and the skip cannot be recorded in {}: {e}",
            Path::new(&log).display()
        );
    }
}

#[test]
fn typescript_typechecks() {
    let tsc = match find_tsc() {
        Ok(tsc) => tsc,
        Err(reason) if std::env::var_os("CI").is_none() => {
            println!("SKIPPED typecheck: {reason}");
            record_skip(&reason);
            return;
        }
        Err(reason) => panic!("typecheck cannot run in CI: {reason}"),
    };
    let out = Command::new(&tsc)
        .args(["--noEmit", "-p", "tsconfig.json"])
        .current_dir(root())
        .output()
        .unwrap_or_else(|e| panic!("running {}: {e}", tsc.display()));
    assert!(
        out.status.success(),
        "tsc --noEmit -p tsconfig.json failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

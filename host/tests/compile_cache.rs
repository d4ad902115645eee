//! The on-disk compile cache of `forge-wasm`: written on first use, reused by later runs,
//! placed where the flags say, and not written at all with `--no-compile-cache`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo_root() -> PathBuf {
    Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into()))
        .join("..")
        .canonicalize()
        .expect("repository root")
}

/// Every `.cwasm` file below `dir`.
fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "cwasm") {
                found.push(path);
            }
        }
    }
    found
}

fn run(flags: &[&str], cache_home: &Path) {
    let output = Command::new(env!("CARGO_BIN_EXE_forge-wasm"))
        .arg("run")
        .args(flags)
        .arg("examples/quickstart.ts")
        .current_dir(repo_root())
        .env("XDG_CACHE_HOME", cache_home)
        .output()
        .expect("forge-wasm runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("Result: 42"));
}

#[test]
fn default_cache_is_written_once_and_reused() {
    let home = tempfile::tempdir().unwrap();
    run(&[], home.path());
    let written = entries(&home.path().join("forge-wasm/compile-cache"));
    assert_eq!(written.len(), 1, "one compiled module cached: {written:?}");
    let modified = std::fs::metadata(&written[0]).unwrap().modified().unwrap();
    run(&[], home.path());
    let again = entries(home.path());
    assert_eq!(again, written, "the second run reuses the entry");
    assert_eq!(std::fs::metadata(&again[0]).unwrap().modified().unwrap(), modified, "and does not rewrite it");
}

#[test]
fn flags_choose_the_directory_or_turn_it_off() {
    let home = tempfile::tempdir().unwrap();
    let chosen = tempfile::tempdir().unwrap();
    run(&[&format!("--compile-cache-dir={}", chosen.path().display())], home.path());
    assert_eq!(entries(chosen.path()).len(), 1);
    assert!(entries(home.path()).is_empty(), "the default directory is left alone");

    run(&["--no-compile-cache"], home.path());
    assert!(entries(home.path()).is_empty(), "--no-compile-cache writes nothing");
}

#[test]
fn a_corrupt_entry_is_replaced() {
    let home = tempfile::tempdir().unwrap();
    run(&[], home.path());
    let entry = entries(home.path()).pop().unwrap();
    std::fs::write(&entry, b"garbage").unwrap();
    run(&[], home.path());
    let bytes = std::fs::read(&entry).unwrap();
    assert!(bytes.starts_with(b"\x7fELF") && bytes.ends_with(b"EXTWASM2"), "rewritten with a valid entry");
}

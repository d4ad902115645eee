//! The `forge-wasm` command line: help, version, usage errors, and exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo_root() -> PathBuf {
    Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into()))
        .join("..")
        .canonicalize()
        .expect("repository root")
}

fn forge(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_forge-wasm")).args(args).current_dir(repo_root()).output().expect("runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn help_lists_the_run_command_and_every_flag() {
    for flag in ["--help", "-h"] {
        let out = forge(&[flag]);
        assert!(out.status.success());
        let help = text(&out.stdout);
        for expected in
            ["forge-wasm run", "--allow-read=PATH", "--allow-write=PATH", "--no-compile-cache", "--max-instances"]
        {
            assert!(help.contains(expected), "{flag}: {expected} missing from:\n{help}");
        }
    }
}

#[test]
fn version_names_the_engine_pieces() {
    let out = forge(&["--version"]);
    assert!(out.status.success());
    let version = text(&out.stdout);
    assert!(version.starts_with("forge-wasm ") && version.contains("wasmtime"), "{version}");
}

#[test]
fn usage_errors_exit_2_with_a_hint() {
    for args in [
        vec!["frobnicate"],
        vec!["run"],
        vec!["run", "--allow-read="],
        vec!["run", "--bogus", "x.ts"],
        vec!["run", "--max-instances=lots", "x.ts"],
    ] {
        let out = forge(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = text(&out.stderr);
        assert!(err.contains("error:") && err.contains("--help"), "{args:?}: {err}");
    }
}

#[test]
fn a_missing_script_fails_with_its_path() {
    let out = forge(&["run", "tests/js/does-not-exist.ts"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("does-not-exist.ts"), "{}", text(&out.stderr));
}

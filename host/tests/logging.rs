//! `RUST_LOG` in `forge-wasm`: `RUST_LOG=ext_wasm=debug` logs runtime:wasm's debug events
//! (a compile with its cache outcome and time, an instantiation, ...) on stderr; without
//! `RUST_LOG` nothing is logged, and at `info` the extension says nothing either, since
//! it has nothing above debug level.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo_root() -> PathBuf {
    Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into()))
        .join("..")
        .canonicalize()
        .expect("repository root")
}

/// `forge-wasm run [FLAGS] SCRIPT` at the repository root with `RUST_LOG` set to `rust_log`
/// (unset when `None`) and a compile cache of its own.
fn run(flags: &[&str], script: &str, rust_log: Option<&str>) -> Output {
    let cache = tempfile::tempdir().expect("temporary directory");
    let mut command = Command::new(env!("CARGO_BIN_EXE_forge-wasm"));
    command.arg("run").args(flags).arg(script).current_dir(repo_root()).env("XDG_CACHE_HOME", cache.path());
    match rust_log {
        Some(filter) => command.env("RUST_LOG", filter),
        None => command.env_remove("RUST_LOG"),
    };
    let output = command.output().expect("forge-wasm runs");
    assert!(output.status.success(), "{script} failed:\n{}", String::from_utf8_lossy(&output.stderr));
    output
}

#[test]
fn rust_log_debug_shows_the_compile_and_instantiate_events_on_stderr() {
    let output = run(&[], "examples/quickstart.ts", Some("ext_wasm=debug"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stdout, "Result: 42\n", "the log goes to stderr, not stdout");
    let compile = stderr.lines().find(|l| l.contains("DEBUG ext_wasm::module: compile")).unwrap_or_else(|| {
        panic!("no compile event on stderr:\n{stderr}");
    });
    assert!(compile.contains("cache=") && compile.contains("elapsed_ms="), "{compile}");
    assert!(stderr.contains("DEBUG ext_wasm::instance::create: instantiate"), "{stderr}");
}

#[test]
fn without_rust_log_nothing_is_logged() {
    let output = run(&[], "examples/quickstart.ts", None);
    assert_eq!(String::from_utf8_lossy(&output.stdout), "Result: 42\n");
    assert_eq!(String::from_utf8_lossy(&output.stderr), "", "stderr without RUST_LOG");
}

#[test]
fn nothing_is_logged_at_info_on_the_call_paths() {
    // Compiles, instances, sync and async calls, WASI with preopens, a timeout.
    for script in [
        "examples/quickstart.ts",
        "tests/js/wasi/relative_preopens.ts",
        "tests/js/seed/04_function_calls.ts",
        "tests/js/api/calls_start_inline.ts",
    ] {
        // `-q`: no word of a long compile, which is the host's own message, not a log.
        let output = run(&["-q"], script, Some("ext_wasm=info"));
        assert_eq!(String::from_utf8_lossy(&output.stderr), "", "{script} at RUST_LOG=ext_wasm=info");
    }
}

//! Word of long compiles in `forge-wasm`: a compile still running after the delay prints
//! "compiling NAME (SIZE), cached for next time" to stderr once; a fast compile, a cache
//! hit and `--quiet` print nothing. The delay is set with `FORGE_WASM_COMPILE_PROGRESS_MS`
//! (0 makes every compile the cache cannot answer "slow").

use std::path::Path;
use std::process::Command;

const SCRIPT: &str = r#"import { compileFile } from "runtime:wasm";
await compileFile("./m.wasm");
console.log("compiled");
"#;

/// A small module: one function returning 42.
const MODULE: &[u8] = &[
    0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, // header
    1, 5, 1, 0x60, 0, 1, 0x7f, // type: () -> i32
    3, 2, 1, 0, // function 0 has type 0
    7, 5, 1, 1, b'f', 0, 0, // export "f"
    10, 6, 1, 4, 0, 0x41, 42, 0x0b, // body: i32.const 42
];

/// Run the script in `dir` with `flags`, the progress delay `delay_ms` (or the default),
/// and the compile cache under `dir/cache`; its stderr.
fn run(dir: &Path, flags: &[&str], delay_ms: Option<&str>) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_forge-wasm"));
    command.arg("run").args(flags).arg("main.js").current_dir(dir).env("XDG_CACHE_HOME", dir.join("cache"));
    match delay_ms {
        Some(ms) => command.env("FORGE_WASM_COMPILE_PROGRESS_MS", ms),
        None => command.env_remove("FORGE_WASM_COMPILE_PROGRESS_MS"),
    };
    let output = command.output().expect("forge-wasm runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "compiled");
    stderr
}

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.js"), SCRIPT).unwrap();
    std::fs::write(dir.path().join("m.wasm"), MODULE).unwrap();
    dir
}

#[test]
fn a_slow_compile_says_so_once_and_a_cache_hit_does_not() {
    let dir = project();
    let stderr = run(dir.path(), &[], Some("0"));
    let message = format!("compiling m.wasm ({} bytes), cached for next time", MODULE.len());
    assert_eq!(stderr.matches("compiling ").count(), 1, "once: {stderr}");
    assert!(stderr.contains(&message), "{stderr}");
    assert!(!run(dir.path(), &[], Some("0")).contains("compiling"), "the next run loads it from the cache");
    let uncached = run(dir.path(), &["--no-compile-cache"], Some("0"));
    assert!(uncached.contains(&format!("compiling m.wasm ({} bytes)\n", MODULE.len())), "{uncached}");
}

#[test]
fn a_fast_compile_and_quiet_say_nothing() {
    let dir = project();
    assert_eq!(run(dir.path(), &["--no-compile-cache"], None), "", "a tiny module compiles well within a second");
    assert_eq!(run(dir.path(), &["--no-compile-cache", "--quiet"], Some("0")), "");
    assert_eq!(run(dir.path(), &["-q"], Some("0")), "");
}

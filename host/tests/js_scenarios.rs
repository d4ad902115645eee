//! Runs every JS/TS scenario as its own test case, each in a fresh `forge-wasm` process
//! with the repository root as working directory:
//!
//! - `tests/js/**/*.{ts,mts,js,mjs,tsx,jsx}` (hand-written; files and folders starting
//!   with `_` are helpers, `fixtures` folders hold data),
//! - `generated/tests/*.ts` (derived from the spec: its examples and error triggers).
//!
//! A scenario passes when the script exits 0 (or the code of a `// expect-exit: N` header
//! line), prints the texts of its `// expect-stdout: TEXT` / `// expect-stderr: TEXT`
//! lines, and prints no line starting with the failure marker `FAIL:` (leading
//! whitespace aside) on stdout or stderr. The marker is how a script reports a failure
//! that might not reach its exit code: `tests/js/_assert.ts` prints it for every failed
//! assertion, so an assertion swallowed by a `catch` still fails the scenario.
//! `// args: A B` passes arguments and `// env: KEY=VALUE` sets an environment variable.
//!
//! A first line `// skip: REASON` skips a scenario with the reason printed; a line
//! `SKIP: REASON` printed by a script reports a part of it that could not run. Both are
//! also appended to the file named by `EXT_WASM_SKIP_LOG`, which `cargo xtask test`
//! lists in its summary.
//!
//! Collection is strict: a folder or entry that cannot be read is an error, and so is a
//! CommonJS script (`.cjs`, `.cts`) or a declaration file (`.d.ts`), which the host cannot
//! run as a scenario: a script that silently goes missing is a test that silently stopped
//! running. Every extension the host's loader runs is collected.
//!
//! Each scenario has a compile-cache folder of its own (`XDG_CACHE_HOME`), fresh for the
//! run, so one scenario's cache entries never decide another's outcome; the folders are
//! removed when the run ends. Test cases named `harness::...` check this runner itself.
//! `FORGE_WASM_BIN=PATH` runs the scenarios with another `forge-wasm` binary.

// A crate root finds its modules beside it, not in a folder of its name.
#[path = "js_scenarios/harness.rs"]
mod harness;
#[path = "js_scenarios/self_test.rs"]
mod self_test;

use std::path::{Path, PathBuf};

use libtest_mimic::{Arguments, Trial};

fn repo_root() -> PathBuf {
    Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into()))
        .join("..")
        .canonicalize()
        .expect("repository root")
}

fn main() {
    let args = Arguments::from_args();
    let root = repo_root();
    let mut scripts = Vec::new();
    for dir in ["tests/js", "generated/tests"] {
        match harness::collect(&root.join(dir)) {
            Ok(found) => scripts.extend(found),
            Err(e) => {
                eprintln!("error: collecting the scenarios: {e}");
                std::process::exit(1);
            }
        }
    }
    assert!(!scripts.is_empty(), "no scenarios found under tests/js or generated/tests");
    let caches = std::env::temp_dir().join(format!("ext_wasm-scenario-caches-{}", std::process::id()));
    let mut trials = self_test::trials(&root);
    trials.extend(scripts.into_iter().map(|script| {
        let name = script.strip_prefix(&root).unwrap_or(&script).to_string_lossy().into_owned();
        let source = std::fs::read_to_string(&script);
        let cache = caches.join(name.replace(['/', '\\', '.'], "_"));
        let root = root.clone();
        let expect = match source {
            Ok(source) => harness::expectations(&source),
            Err(e) => {
                let message = format!("cannot read {}: {e}", script.display());
                return Trial::test(name, move || Err(message.into()));
            }
        };
        if let Some(reason) = &expect.skip {
            eprintln!("skipping {name}: {reason}");
            if let Err(e) = harness::record_skip(&name, reason) {
                return Trial::test(name, move || Err(e.into()));
            }
            return Trial::test(name, || Ok(())).with_ignored_flag(true);
        }
        let test_name = name.clone();
        Trial::test(name, move || {
            let outcome = harness::run_script(&root, &script, &expect, &cache)?;
            for reason in outcome.partial_skips() {
                eprintln!("{test_name}: skipped a part: {reason}");
                harness::record_skip(&test_name, &reason)?;
            }
            harness::judge(&expect, &outcome)?;
            Ok(())
        })
    }));
    let conclusion = libtest_mimic::run(&args, trials);
    let _ = std::fs::remove_dir_all(&caches);
    conclusion.exit();
}

//! Test cases for the runner itself (`harness::...`): it must fail what it should. Each
//! builds the situation it checks in a temporary folder (under `tests/.tmp`, inside the
//! tree a script may read) and runs the runner's own code on it, including real
//! `forge-wasm` processes for scripts that exit 0 yet report a failure.

use std::path::{Path, PathBuf};

use libtest_mimic::{Failed, Trial};

use crate::harness::{self, Expectations, Outcome};

pub fn trials(root: &Path) -> Vec<Trial> {
    let root = root.to_path_buf();
    let r = root.clone();
    vec![
        Trial::test("harness::judge", judge_cases),
        Trial::test("harness::stdout_exactly", stdout_exactly_cases),
        Trial::test("harness::collect_is_strict", collect_is_strict),
        Trial::test("harness::unreadable_folder_is_an_error", unreadable_folder_is_an_error),
        Trial::test("harness::scripts_that_exit_0_but_fail", move || scripts_that_exit_0_but_fail(&r)),
    ]
}

fn ensure(condition: bool, what: impl std::fmt::Display) -> Result<(), Failed> {
    if condition {
        Ok(())
    } else {
        Err(what.to_string().into())
    }
}

fn outcome(code: i32, stdout: &str, stderr: &str) -> Outcome {
    Outcome { code: Some(code), stdout: stdout.into(), stderr: stderr.into() }
}

/// The verdict on finished scripts, without running any.
fn judge_cases() -> Result<(), Failed> {
    let plain = Expectations::default();
    let cases: [(&str, Outcome, bool); 8] = [
        ("a clean run", outcome(0, "all good\n", ""), true),
        ("the marker on stdout", outcome(0, "one\nFAIL: two differ\nthree\n", ""), false),
        ("the marker on stderr", outcome(0, "", "FAIL: it broke\n"), false),
        ("the marker indented", outcome(0, "", "    FAIL: nested report\n"), false),
        ("the marker as the only text, no newline", outcome(0, "FAIL:", ""), false),
        ("the marker inside a line is not a report", outcome(0, "a line saying FAIL: is fine\n", ""), true),
        ("a non-zero exit", outcome(1, "", ""), false),
        ("killed by a signal", Outcome { code: None, stdout: String::new(), stderr: String::new() }, false),
    ];
    for (label, outcome, passes) in cases {
        let verdict = harness::judge(&plain, &outcome);
        ensure(verdict.is_ok() == passes, format!("{label}: expected pass={passes}, got {verdict:?}"))?;
    }
    let expect = harness::expectations("// expect-exit: 3\n// expect-stdout: hello\n// expect-stderr: oops\nrest");
    ensure(harness::judge(&expect, &outcome(3, "hello\n", "oops\n")).is_ok(), "all expectations met")?;
    ensure(harness::judge(&expect, &outcome(0, "hello\n", "oops\n")).is_err(), "exit 0 where 3 is expected")?;
    ensure(harness::judge(&expect, &outcome(3, "bye\n", "oops\n")).is_err(), "missing stdout text")?;
    ensure(harness::judge(&expect, &outcome(3, "hello\n", "fine\n")).is_err(), "missing stderr text")?;
    ensure(
        harness::judge(&expect, &outcome(3, "hello\n", "oops\nFAIL: x\n")).is_err(),
        "the marker fails a script with an expected non-zero exit too",
    )?;
    let skips = outcome(0, "SKIP: no network\n", "  SKIP: no tsc\nnot SKIP: this\n").partial_skips();
    ensure(skips == ["no network", "no tsc"], format!("partial skips: {skips:?}"))?;
    Ok(())
}

/// `// expect-stdout-exactly:` (the spec examples' expected output) compares all of stdout.
fn stdout_exactly_cases() -> Result<(), Failed> {
    let expect = harness::expectations("// expect-stdout-exactly: \"[ 3 ]\\n\\\"x\\\"\\n\"\nrest");
    ensure(harness::judge(&expect, &outcome(0, "[ 3 ]\n\"x\"\n", "")).is_ok(), "the exact output")?;
    ensure(harness::judge(&expect, &outcome(0, "[ 3 ]\n\"x\"", "")).is_err(), "the final newline missing")?;
    ensure(harness::judge(&expect, &outcome(0, "[ 3 ]\n\"x\"\nmore\n", "")).is_err(), "a line more")?;
    ensure(harness::judge(&expect, &outcome(0, "[ 4 ]\n\"x\"\n", "")).is_err(), "a different value")?;
    ensure(harness::judge(&expect, &outcome(1, "[ 3 ]\n\"x\"\n", "")).is_err(), "the right output, a failed exit")?;
    let broken = harness::expectations("// expect-stdout-exactly: [ 3 ]\nrest");
    ensure(harness::judge(&broken, &outcome(0, "[ 3 ]\n", "")).is_err(), "a header that is not a JSON string")?;
    Ok(())
}

fn scratch(root: Option<&Path>) -> Result<tempfile::TempDir, Failed> {
    let dir = match root {
        Some(root) => {
            let parent = root.join("tests/.tmp");
            std::fs::create_dir_all(&parent).map_err(|e| format!("{}: {e}", parent.display()))?;
            tempfile::Builder::new().prefix("harness-").tempdir_in(parent)
        }
        None => tempfile::Builder::new().prefix("ext_wasm-harness-").tempdir(),
    };
    Ok(dir.map_err(|e| format!("temporary folder: {e}"))?)
}

fn write(dir: &Path, name: &str, text: &str) -> Result<PathBuf, Failed> {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

/// Every runnable extension is collected, helpers and fixtures are not, and a refused
/// extension stops collection with its name.
fn collect_is_strict() -> Result<(), Failed> {
    let tmp = scratch(None)?;
    let dir = tmp.path();
    for name in [
        "a.ts",
        "b.mts",
        "c.js",
        "d.mjs",
        "sub/e.ts",
        "_helper.ts",
        "_helpers/f.ts",
        "fixtures/g.ts",
        "h.wat",
        "i.json",
    ] {
        write(dir, name, "")?;
    }
    let found = harness::collect(dir)?;
    let names: Vec<String> =
        found.iter().map(|p| p.strip_prefix(dir).unwrap_or(p).to_string_lossy().into_owned()).collect();
    ensure(names == ["a.ts", "b.mts", "c.js", "d.mjs", "sub/e.ts"], format!("collected {names:?}"))?;
    for stray in ["stray.cjs", "sub/stray.cts", "types.d.ts"] {
        let path = write(dir, stray, "")?;
        let result = harness::collect(dir);
        ensure(
            matches!(&result, Err(e) if e.contains(stray.rsplit('/').next().unwrap_or(stray))),
            format!("{stray}: expected an error naming it, got {result:?}"),
        )?;
        std::fs::remove_file(&path).map_err(|e| e.to_string())?;
    }
    ensure(harness::collect(dir).is_ok(), "collection works again without the strays")?;
    Ok(())
}

/// A folder that cannot be read fails collection instead of counting as empty.
fn unreadable_folder_is_an_error() -> Result<(), Failed> {
    let tmp = scratch(None)?;
    let dir = tmp.path();
    write(dir, "a.ts", "")?;
    let missing = harness::collect(&dir.join("missing"));
    ensure(matches!(&missing, Err(e) if e.contains("missing")), format!("a missing folder: {missing:?}"))?;

    // A link to nowhere: its type cannot be read.
    std::os::unix::fs::symlink(dir.join("nowhere"), dir.join("dangling")).map_err(|e| e.to_string())?;
    let dangling = harness::collect(dir);
    ensure(matches!(&dangling, Err(e) if e.contains("dangling")), format!("a dangling link: {dangling:?}"))?;
    std::fs::remove_file(dir.join("dangling")).map_err(|e| e.to_string())?;

    // A folder without read permission. Root reads it anyway, so there the case cannot
    // be built; the dangling link above still covers an unreadable entry.
    use std::os::unix::fs::PermissionsExt;
    let locked = dir.join("locked");
    std::fs::create_dir(&locked).map_err(|e| e.to_string())?;
    write(&locked, "hidden.ts", "")?;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).map_err(|e| e.to_string())?;
    let readable_anyway = std::fs::read_dir(&locked).is_ok();
    let result = harness::collect(dir);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).map_err(|e| e.to_string())?;
    if readable_anyway {
        eprintln!("harness::unreadable_folder_is_an_error: skipping the mode-000 case: this user reads any folder");
    } else {
        ensure(matches!(&result, Err(e) if e.contains("locked")), format!("a mode-000 folder: {result:?}"))?;
    }
    Ok(())
}

/// Real scripts in `forge-wasm`: they exit 0, and the runner still fails the ones that
/// report a failure.
fn scripts_that_exit_0_but_fail(root: &Path) -> Result<(), Failed> {
    let tmp = scratch(Some(root))?;
    let dir = tmp.path();
    let cache = dir.join("cache");
    let assert_module = root.join("tests/js/_assert.ts");
    let assert_url = format!("file://{}", assert_module.display());
    let cases = [
        (
            // An assertion failure that the script catches and ignores.
            "swallowed.ts",
            format!(
                "import {{ assertEquals }} from \"{assert_url}\";\n\
                 try {{ assertEquals([1, 2], [1, 3], \"arrays\"); }} catch {{ /* ignored */ }}\n\
                 console.log(\"finished\");\n"
            ),
            false,
        ),
        ("by_hand.mjs", "console.error(\"FAIL: reported by the script itself\");\n".to_string(), false),
        (
            "passes.mts",
            "const n: number = 1;\nconsole.log(`fine ${n}`);\nconsole.log(\"SKIP: a part\");\n".to_string(),
            true,
        ),
    ];
    for (name, source, passes) in cases {
        let script = write(dir, name, &source)?;
        let outcome = harness::run_script(root, &script, &Expectations::default(), &cache)?;
        // Without a clean exit the case would prove nothing about the marker.
        ensure(
            outcome.code == Some(0),
            format!("{name}: expected exit 0, got {:?}\n{}", outcome.code, outcome.stderr),
        )?;
        let verdict = harness::judge(&Expectations::default(), &outcome);
        match (passes, &verdict) {
            (true, Ok(())) => {}
            (false, Err(e)) if e.contains("reports a failure: FAIL:") => {}
            _ => return Err(format!("{name}: expected pass={passes}, got {verdict:?}").into()),
        }
        if name == "passes.mts" {
            ensure(outcome.partial_skips() == ["a part"], format!("partial skips: {:?}", outcome.partial_skips()))?;
        }
        if name == "swallowed.ts" {
            ensure(outcome.stdout.contains("finished"), "the script ran past the swallowed assertion")?;
        }
    }
    // The same folder as a scenario folder: the stray CommonJS file is refused.
    write(dir, "stray.cjs", "module.exports = {};\n")?;
    let result = harness::collect(dir);
    ensure(matches!(&result, Err(e) if e.contains("stray.cjs")), format!("collect with a .cjs: {result:?}"))?;
    Ok(())
}

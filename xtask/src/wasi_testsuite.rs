//! `cargo xtask wasi-testsuite [--p3=required|optional] [DIR]`: the official WASI test
//! suite through the JS API of runtime:wasm, in two groups: preview 1 modules
//! (`wasm32-wasip1`) and WASI 0.3 command components (`wasm32-wasip3`).
//!
//! For every `tests/*/testsuite/<target>/*.wasm` under DIR (default
//! `../shared/wasi-testsuite` when it exists) this reads the test's JSON spec, copies its
//! root directory to a fresh temporary directory (leaving out `*.cleanup` artifacts), and
//! writes a plan that `tests/wasi-testsuite/runner.ts` executes in `forge-wasm`:
//! compileFile, instantiate with the args, env, stdin and root preopened as `/`, captured
//! stdout/stderr, `run()`. The temporary directories are removed afterwards, whatever the
//! outcome. Each group ends with `WASI p1: N/M passed` (or p3).
//!
//! Specs come in two formats (doc/specification.md of the suite). The legacy one (`args`,
//! `env`, `root`, `exit_code`, `stdout`, `stderr`) maps onto the plan directly. The
//! operation-based one (a list of `run`, `write`, `read`, `wait`, ...) is translated for a
//! non-interactive run (`translate_operations`): stdin is everything the `write`s send,
//! the expected stdout/stderr is what the `read`s expect, concatenated in order, and the
//! exit code is the `wait`'s. A sequence that cannot be run that way (sockets, several
//! runs, ...) is reported as a skip with the reason, never run.
//!
//! The p1 group must pass. The p3 group must pass when it is required: `--p3=required`,
//! or `EXT_WASM_WASI_P3=required` (the flag wins). Until the runtime links WASI 0.3 the
//! default is `optional`: the group still runs and prints every failure with its error,
//! but its failures and skips do not fail the task.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context};
use serde_json::{json, Value};

use crate::util;

/// Whether p3 failures fail the task when neither the flag nor the environment says: they
/// do (the runtime links WASI 0.3, and all 25 pass); `--p3=optional` reports them only.
const P3_REQUIRED_BY_DEFAULT: bool = true;

/// The environment variable that says whether the p3 group must pass.
const P3_ENV: &str = "EXT_WASM_WASI_P3";

const USAGE: &str = "usage: cargo xtask wasi-testsuite [--p3=required|optional] [DIR]";

/// One group of the suite: the tests built for one WASI target.
#[derive(Clone, Copy)]
struct Group {
    /// The directory name under `tests/*/testsuite/`.
    target: &'static str,
    /// How the summary line names it.
    label: &'static str,
}

const P1: Group = Group { target: "wasm32-wasip1", label: "WASI p1" };
const P3: Group = Group { target: "wasm32-wasip3", label: "WASI p3" };

/// The suite shipped beside the project, when there is one.
pub fn default_dir() -> Option<PathBuf> {
    let dir = util::root().join("../shared/wasi-testsuite");
    dir.join("tests").is_dir().then_some(dir)
}

/// What the command line and the environment ask for.
#[derive(Debug, PartialEq)]
struct Options {
    dir: Option<PathBuf>,
    p3_required: bool,
}

fn parse_mode(value: &str, from: &str) -> anyhow::Result<bool> {
    match value {
        "required" => Ok(true),
        "optional" => Ok(false),
        other => bail!("{from}: \"{other}\" is neither \"required\" nor \"optional\""),
    }
}

fn parse_args(args: &[String], env: Option<&str>) -> anyhow::Result<Options> {
    let mut p3_required = match env {
        Some(value) if !value.is_empty() => parse_mode(value, P3_ENV)?,
        _ => P3_REQUIRED_BY_DEFAULT,
    };
    let mut dir = None;
    for arg in args {
        if let Some(value) = arg.strip_prefix("--p3=") {
            p3_required = parse_mode(value, "--p3")?;
        } else if arg.starts_with('-') || dir.is_some() {
            bail!("{USAGE}");
        } else {
            dir = Some(PathBuf::from(arg));
        }
    }
    Ok(Options { dir, p3_required })
}

/// What became of one group.
struct GroupReport {
    group: Group,
    /// Whether its failures and skips fail the task.
    required: bool,
    /// Tests found (run or skipped).
    total: usize,
    passed: usize,
    /// `(name, problems)` of each failed test.
    failures: Vec<(String, String)>,
    /// `(part, reason)`: tests not run, or the whole group when it has no tests.
    skips: Vec<(String, String)>,
}

impl GroupReport {
    fn summary(&self) -> String {
        let mut line = format!("{}: {}/{} passed", self.group.label, self.passed, self.total);
        if self.total == 0 {
            let reasons: Vec<&str> = self.skips.iter().map(|(_, reason)| reason.as_str()).collect();
            line = format!("{}: skipped: {}", self.group.label, reasons.join("; "));
        } else if !self.skips.is_empty() {
            line.push_str(&format!(", {} not runnable", self.skips.len()));
        }
        if !self.required && (!self.failures.is_empty() || !self.skips.is_empty()) {
            line.push_str(&format!(
                " (not required: failures do not fail the task; --p3=required or {P3_ENV}=required makes them)"
            ));
        }
        line
    }
}

/// What the task did: every group's report.
pub struct Report {
    groups: Vec<GroupReport>,
}

impl Report {
    /// Error when a required group had a failure.
    pub fn result(&self) -> anyhow::Result<()> {
        let failing: Vec<String> = self
            .groups
            .iter()
            .filter(|g| g.required && !g.failures.is_empty())
            .map(|g| {
                let names: Vec<&str> = g.failures.iter().map(|(name, _)| name.as_str()).collect();
                format!("{} ({} failed: {})", g.group.label, names.len(), names.join(", "))
            })
            .collect();
        if !failing.is_empty() {
            bail!("the WASI test suite failed: {}", failing.join(", "));
        }
        Ok(())
    }

    /// `(part, reason)` of every skip of a required group, to report as skipped parts of
    /// the `cargo xtask test` check. An optional group's skips are printed only.
    pub fn required_skips(&self) -> Vec<(String, String)> {
        self.groups
            .iter()
            .filter(|g| g.required)
            .flat_map(|g| g.skips.iter().map(|(part, reason)| (format!("{} > {part}", g.group.label), reason.clone())))
            .collect()
    }
}

/// `cargo xtask wasi-testsuite`: fails when a required group has a failure.
pub fn run(args: &[String]) -> anyhow::Result<()> {
    let report = run_report(args)?;
    for (part, reason) in report.required_skips() {
        eprintln!("SKIPPED {part}: {reason}");
    }
    report.result()
}

/// Run every group and report; an error only when the suite could not be run at all.
pub fn run_report(args: &[String]) -> anyhow::Result<Report> {
    let options = parse_args(args, std::env::var(P3_ENV).ok().as_deref())?;
    let dir = match options.dir {
        Some(dir) => dir,
        None => default_dir().context("no suite directory given and ../shared/wasi-testsuite does not exist")?,
    };
    let dir = dir.canonicalize().with_context(|| format!("suite directory {}", dir.display()))?;
    let work = std::env::temp_dir().join(format!("ext_wasm-wasi-testsuite-{}", std::process::id()));
    let result = run_in(&dir, &work, options.p3_required);
    let _ = std::fs::remove_dir_all(&work);
    result
}

fn run_in(dir: &Path, work: &Path, p3_required: bool) -> anyhow::Result<Report> {
    let p1 = collect(dir, P1)?;
    if p1.is_empty() {
        bail!("no tests found under {}/tests/*/testsuite/{}", dir.display(), P1.target);
    }
    util::cargo(&["build", "-p", "forge-wasm"])?;
    let mut groups = vec![run_group(dir, work, P1, true, &p1)?];
    let p3 = collect(dir, P3)?;
    if p3.is_empty() {
        let reason = format!("no tests under {}/tests/*/testsuite/{}", dir.display(), P3.target);
        util::step(&format!("{}: skipped: {reason}", P3.label));
        groups.push(GroupReport {
            group: P3,
            required: p3_required,
            total: 0,
            passed: 0,
            failures: Vec::new(),
            skips: vec![("all".to_string(), reason)],
        });
    } else {
        groups.push(run_group(dir, work, P3, p3_required, &p3)?);
    }
    eprintln!();
    // The verdicts again, short, so a long log ends with what failed and why.
    for group in &groups {
        println!("{}", group.summary());
        for (name, problems) in &group.failures {
            println!("  FAIL {name}: {problems}");
        }
    }
    Ok(Report { groups })
}

/// Every test's `.wasm` of `group`, in a stable order.
fn collect(dir: &Path, group: Group) -> anyhow::Result<Vec<PathBuf>> {
    let mut wasm_files = Vec::new();
    for suite in sorted_entries(&dir.join("tests"))? {
        let cases = suite.join("testsuite").join(group.target);
        if !cases.is_dir() {
            continue;
        }
        for file in sorted_entries(&cases)? {
            if file.extension().and_then(|e| e.to_str()) == Some("wasm") {
                wasm_files.push(file);
            }
        }
    }
    Ok(wasm_files)
}

fn run_group(
    dir: &Path,
    work: &Path,
    group: Group,
    required: bool,
    wasm_files: &[PathBuf],
) -> anyhow::Result<GroupReport> {
    let work = work.join(group.target);
    std::fs::create_dir_all(&work)?;
    let mut plan = Vec::new();
    let mut skips = Vec::new();
    for (index, wasm) in wasm_files.iter().enumerate() {
        match plan_test(wasm, &work, index)? {
            Ok(entry) => plan.push(entry),
            Err((name, reason)) => skips.push((name, reason)),
        }
    }
    let required_text = if required { "" } else { " (not required)" };
    util::step(&format!("{}{required_text}: {} tests from {}", group.label, wasm_files.len(), dir.display()));
    for (name, reason) in &skips {
        println!("SKIP {name}: not runnable: {reason}");
    }
    let mut report = GroupReport { group, required, total: wasm_files.len(), passed: 0, failures: Vec::new(), skips };
    if plan.is_empty() {
        return Ok(report);
    }
    let plan_path = work.join("plan.json");
    let results_path = work.join("results.json");
    std::fs::write(&plan_path, serde_json::to_vec_pretty(&plan)?)?;
    let binary = util::target_dir().join("debug").join("forge-wasm");
    let status = Command::new(&binary)
        .current_dir(util::root())
        .arg("run")
        .arg(format!("--allow-read={}", dir.display()))
        .arg(format!("--allow-write={}", work.display()))
        .arg("tests/wasi-testsuite/runner.ts")
        .arg(&plan_path)
        .arg(&results_path)
        .status()
        .with_context(|| format!("starting {}", binary.display()))?;
    // The runner writes the results after the last test; without them it broke down.
    let results: Vec<Value> = match std::fs::read(&results_path) {
        Ok(bytes) => serde_json::from_slice(&bytes).context("parsing the runner's results")?,
        Err(_) => bail!("the {} runner failed before it reported ({status})", group.label),
    };
    for result in &results {
        let name = result.get("name").and_then(Value::as_str).unwrap_or("?");
        if result.get("passed").and_then(Value::as_bool) == Some(true) {
            report.passed += 1;
        } else {
            let problems = result.get("problems").and_then(Value::as_str).unwrap_or("");
            report.failures.push((name.to_string(), problems.to_string()));
        }
    }
    if results.len() != plan.len() {
        bail!("the {} runner reported {} of {} tests ({status})", group.label, results.len(), plan.len());
    }
    Ok(report)
}

/// A test's plan entry, or its name and why it cannot be run.
fn plan_test(wasm: &Path, work: &Path, index: usize) -> anyhow::Result<Result<Value, (String, String)>> {
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
    let test = match translate(&spec) {
        Ok(test) => test,
        Err(reason) => return Ok(Err((name, reason))),
    };
    let root = match &test.root {
        Some(root) => {
            let source = wasm.parent().context("test without a directory")?.join(root);
            let copy = work.join(format!("{index:03}-{stem}")).join(root);
            copy_tree(&source, &copy).with_context(|| format!("{name}: copying {}", source.display()))?;
            Value::String(copy.to_string_lossy().into_owned())
        }
        None => Value::Null,
    };
    Ok(Ok(json!({
        "name": name,
        "wasm": wasm.to_string_lossy(),
        "args": test.args,
        "env": test.env,
        "root": root,
        "stdin": test.stdin,
        "exitCode": test.exit_code,
        "stdout": test.stdout,
        "stderr": test.stderr,
        "note": test.note,
    })))
}

/// One test as the runner runs it: a single non-interactive run.
#[derive(Debug, PartialEq)]
struct Translated {
    args: Value,
    env: Value,
    /// Relative to the test's directory; preopened as `/`.
    root: Option<String>,
    /// Everything written to stdin, given up front.
    stdin: Option<String>,
    exit_code: i64,
    /// The whole expected stream; `None`: not compared.
    stdout: Option<String>,
    stderr: Option<String>,
    /// What the translation cannot check.
    note: Option<String>,
}

/// A spec of either format as one run, or why it cannot be one.
fn translate(spec: &Value) -> Result<Translated, String> {
    if spec.get("operations").is_some() || spec.get("proposals").is_some() {
        return translate_operations(spec);
    }
    Ok(Translated {
        args: spec.get("args").cloned().unwrap_or_else(|| json!([])),
        env: spec.get("env").cloned().unwrap_or_else(|| json!({})),
        root: spec.get("root").and_then(Value::as_str).map(str::to_string),
        stdin: None,
        exit_code: spec.get("exit_code").and_then(Value::as_i64).unwrap_or(0),
        stdout: spec.get("stdout").and_then(Value::as_str).map(str::to_string),
        stderr: spec.get("stderr").and_then(Value::as_str).map(str::to_string),
        note: None,
    })
}

/// An operation-based spec as one non-interactive run: exactly one `run` first and one
/// `wait` last, with only `write`s to stdin and `read`s of stdout/stderr between them.
/// Stdin is the writes' payloads, given up front; an expected stream is its reads'
/// payloads in order, compared with all the guest wrote (a stream never read is not
/// compared); the exit code is the wait's.
fn translate_operations(spec: &Value) -> Result<Translated, String> {
    if let Some(proposals) = spec.get("proposals").and_then(Value::as_array) {
        if !proposals.is_empty() {
            let names: Vec<String> = proposals.iter().map(|p| p.as_str().unwrap_or("?").to_string()).collect();
            return Err(format!("needs the proposals {} (not linked by runtime:wasm)", names.join(", ")));
        }
    }
    let ops = match spec.get("operations") {
        None => return Ok(translate(&json!({})).expect("the default spec translates")),
        Some(Value::Array(ops)) => ops,
        Some(_) => return Err("\"operations\" is not a list".into()),
    };
    let kind = |op: &Value| op.get("type").and_then(Value::as_str).unwrap_or("").to_string();
    let Some((first, rest)) = ops.split_first() else { return Err("no operations".into()) };
    if kind(first) != "run" {
        return Err(format!("starts with \"{}\", not \"run\"", kind(first)));
    }
    let Some((last, middle)) = rest.split_last() else { return Err("\"run\" without a \"wait\"".into()) };
    if kind(last) != "wait" {
        return Err(format!("ends with \"{}\", not \"wait\"", kind(last)));
    }
    let payload = |op: &Value| -> Result<String, String> {
        match op.get("payload") {
            None => Ok(String::new()),
            Some(Value::String(text)) => Ok(text.clone()),
            Some(other) => Err(format!("a {} payload that is not a string: {other}", kind(op))),
        }
    };
    let mut stdin: Option<String> = None;
    let mut stdout: Option<String> = None;
    let mut stderr: Option<String> = None;
    let mut read_before_write = false;
    for op in middle {
        let stream = op.get("id").and_then(Value::as_str);
        match (kind(op).as_str(), stream) {
            ("write", None | Some("stdin")) => {
                stdin.get_or_insert_with(String::new).push_str(&payload(op)?);
                read_before_write |= stdout.is_some() || stderr.is_some();
            }
            ("read", None | Some("stdout")) => stdout.get_or_insert_with(String::new).push_str(&payload(op)?),
            ("read", Some("stderr")) => stderr.get_or_insert_with(String::new).push_str(&payload(op)?),
            ("run" | "wait", _) => return Err("more than one run: only a single run is supported".into()),
            (other @ ("write" | "read"), Some(id)) => return Err(format!("a {other} on \"{id}\", not a standard stream")),
            (other, _) => {
                return Err(format!("a \"{other}\" operation: only run, write (stdin), read (stdout/stderr) and wait can run non-interactively"))
            }
        }
    }
    let note = read_before_write.then(|| {
        "non-interactive: stdin was given up front, so that output came before the guest read stdin is not checked"
            .to_string()
    });
    Ok(Translated {
        args: first.get("args").cloned().unwrap_or_else(|| json!([])),
        env: first.get("env").cloned().unwrap_or_else(|| json!({})),
        root: first.get("root").and_then(Value::as_str).map(str::to_string),
        stdin,
        exit_code: last.get("exit_code").and_then(Value::as_i64).unwrap_or(0),
        stdout,
        stderr,
        note,
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn ops(operations: Value) -> Result<Translated, String> {
        translate(&json!({ "operations": operations }))
    }

    #[test]
    fn p3_is_required_by_flag_or_environment_and_the_flag_wins() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let default = parse_args(&[], None).unwrap();
        assert_eq!(default, Options { dir: None, p3_required: P3_REQUIRED_BY_DEFAULT });
        assert!(parse_args(&args(&["--p3=required"]), None).unwrap().p3_required);
        assert!(parse_args(&[], Some("required")).unwrap().p3_required);
        assert!(!parse_args(&args(&["--p3=optional"]), Some("required")).unwrap().p3_required);
        assert_eq!(parse_args(&[], Some("")).unwrap().p3_required, P3_REQUIRED_BY_DEFAULT);
        let with_dir = parse_args(&args(&["--p3=required", "suite"]), None).unwrap();
        assert_eq!(with_dir, Options { dir: Some(PathBuf::from("suite")), p3_required: true });
        assert!(parse_args(&args(&["--p3=maybe"]), None).is_err());
        assert!(parse_args(&[], Some("yes")).is_err());
        assert!(parse_args(&args(&["a", "b"]), None).is_err());
        assert!(parse_args(&args(&["--verbose"]), None).is_err());
    }

    #[test]
    fn legacy_specs_compare_only_the_streams_they_name() {
        let t = translate(&json!({ "args": ["x"], "root": "fs-tests.dir", "exit_code": 3, "stdout": "hi\n" })).unwrap();
        assert_eq!(t.args, json!(["x"]));
        assert_eq!(t.env, json!({}));
        assert_eq!(t.root.as_deref(), Some("fs-tests.dir"));
        assert_eq!((t.exit_code, t.stdout.as_deref(), t.stderr.as_deref(), t.stdin), (3, Some("hi\n"), None, None));
        let empty = translate(&json!({})).unwrap();
        assert_eq!((empty.exit_code, empty.stdout, empty.root, empty.note), (0, None, None, None));
    }

    #[test]
    fn operations_become_one_non_interactive_run() {
        // cli-env: run with args and env, then wait for 0.
        let env = ops(json!([
            { "type": "run", "env": { "foo": "bar" }, "args": ["a", "42"] },
            { "type": "wait" }
        ]))
        .unwrap();
        assert_eq!((env.args, env.env, env.exit_code), (json!(["a", "42"]), json!({ "foo": "bar" }), 0));
        assert_eq!((env.stdin, env.stdout, env.stderr, env.note), (None, None, None, None));
        // cli-stdio-roundtrip: the write becomes stdin, each read an expected stream.
        let roundtrip = ops(json!([
            { "type": "run" },
            { "type": "write", "id": "stdin", "payload": "Hello" },
            { "type": "read", "id": "stdout", "payload": "Hel" },
            { "type": "read", "payload": "lo" },
            { "type": "read", "id": "stderr", "payload": "Hello" },
            { "type": "wait", "exit_code": 1 }
        ]))
        .unwrap();
        assert_eq!(roundtrip.stdin.as_deref(), Some("Hello"));
        assert_eq!(roundtrip.stdout.as_deref(), Some("Hello"));
        assert_eq!(roundtrip.stderr.as_deref(), Some("Hello"));
        assert_eq!((roundtrip.exit_code, roundtrip.note), (1, None));
        // cli-stdout-flush: a read before a write runs, with a note on what is not checked.
        let flush = ops(json!([
            { "type": "run" },
            { "type": "read", "id": "stdout", "payload": "READY" },
            { "type": "write", "id": "stdin", "payload": "x" },
            { "type": "wait" }
        ]))
        .unwrap();
        assert_eq!((flush.stdin.as_deref(), flush.stdout.as_deref()), (Some("x"), Some("READY")));
        assert!(flush.note.is_some_and(|n| n.contains("non-interactive")));
    }

    #[test]
    fn operations_that_need_interaction_are_not_runnable() {
        let reason = |operations: Value| ops(operations).unwrap_err();
        assert!(reason(json!([{ "type": "run" }, { "type": "connect" }, { "type": "wait" }])).contains("connect"));
        assert!(reason(json!([{ "type": "run" }, { "type": "wait" }, { "type": "run" }, { "type": "wait" }]))
            .contains("more than one run"));
        assert!(reason(json!([{ "type": "wait" }])).contains("not \"run\""));
        assert!(reason(json!([{ "type": "run" }])).contains("without a \"wait\""));
        assert!(reason(json!([{ "type": "run" }, { "type": "read" }])).contains("not \"wait\""));
        assert!(reason(json!([{ "type": "run" }, { "type": "read", "id": "server" }, { "type": "wait" }]))
            .contains("\"server\""));
        assert!(reason(json!([])).contains("no operations"));
        let http = translate(&json!({ "proposals": ["http"], "operations": [{ "type": "run" }, { "type": "wait" }] }));
        assert!(http.unwrap_err().contains("http"));
    }

    #[test]
    fn only_a_required_group_fails_the_task_or_reports_skips() {
        let group = |group, required, failures: &[&str], skips: &[&str]| GroupReport {
            group,
            required,
            total: 2,
            passed: 2 - failures.len() - skips.len(),
            failures: failures.iter().map(|s| (s.to_string(), "threw".to_string())).collect(),
            skips: skips.iter().map(|s| (s.to_string(), "why".to_string())).collect(),
        };
        let optional = Report { groups: vec![group(P1, true, &[], &[]), group(P3, false, &["rust/a"], &["rust/b"])] };
        assert!(optional.result().is_ok());
        assert!(optional.required_skips().is_empty());
        assert_eq!(optional.groups[0].summary(), "WASI p1: 2/2 passed");
        assert!(optional.groups[1].summary().starts_with("WASI p3: 0/2 passed, 1 not runnable (not required"));
        let required = Report { groups: vec![group(P1, true, &[], &[]), group(P3, true, &["rust/a"], &["rust/b"])] };
        assert!(format!("{:#}", required.result().unwrap_err()).contains("WASI p3 (1 failed: rust/a)"));
        assert_eq!(required.required_skips(), [("WASI p3 > rust/b".to_string(), "why".to_string())]);
        let mut none = group(P3, false, &[], &[]);
        (none.total, none.passed, none.skips) = (0, 0, vec![("all".into(), "no tests".into())]);
        assert!(none.summary().starts_with("WASI p3: skipped: no tests (not required"), "{}", none.summary());
        let p1 = Report { groups: vec![group(P1, true, &["rust/c"], &[])] };
        assert!(p1.result().is_err());
    }
}

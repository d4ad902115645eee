//! Named checks run one after the other, with a summary that names every skip.
//!
//! `cargo xtask test` is a list of `Check`s. Each one passes, fails (with its error) or is
//! skipped (with its reason); a failure does not stop the checks after it. A check that
//! runs tests may also report skipped parts from inside: every check gets the path of a
//! skip log in `EXT_WASM_SKIP_LOG`, where tests append `NAME<TAB>REASON` lines (see
//! `host/tests/js_scenarios/harness.rs` and `codegen/tests/typecheck.rs`).
//!
//! The run ends with one line per skipped or failed check and, as its very last line,
//! `<title>: N passed, N failed, N skipped`. A skip is a check that did not run, so when
//! the environment variable `CI` is set (non-empty) any skip fails the run.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::Context;

use crate::util;

/// How a check that did not fail ended.
pub enum Outcome {
    Passed,
    Skipped(String),
}

/// The body of a check.
type CheckFn = Box<dyn Fn(&Run) -> anyhow::Result<Outcome>>;

/// One named check of a run.
pub struct Check {
    pub name: &'static str,
    run: CheckFn,
}

/// What a check may use from the run.
pub struct Run {
    skip_log: PathBuf,
}

impl Run {
    /// `cargo ARGS` in the workspace root with the skip log set; fails on a non-zero exit.
    pub fn cargo(&self, args: &[&str]) -> anyhow::Result<()> {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
        let status = Command::new(&cargo)
            .args(args)
            .current_dir(util::root())
            .env("EXT_WASM_SKIP_LOG", &self.skip_log)
            .status()
            .with_context(|| format!("starting {cargo}"))?;
        if !status.success() {
            anyhow::bail!("`cargo {}` failed ({status})", args.join(" "));
        }
        Ok(())
    }

    /// Report a skipped part of the running check, as a test would through the skip log.
    pub fn skip(&self, part: &str, reason: &str) -> anyhow::Result<()> {
        use std::io::Write;
        let mut log = std::fs::OpenOptions::new().create(true).append(true).open(&self.skip_log)?;
        writeln!(log, "{}\t{}", part.replace(['\t', '\n'], " "), reason.replace(['\t', '\n'], " "))?;
        Ok(())
    }
}

impl Check {
    pub fn new(name: &'static str, run: impl Fn(&Run) -> anyhow::Result<Outcome> + 'static) -> Self {
        Check { name, run: Box::new(run) }
    }

    /// A check that either passes or fails.
    pub fn plain(name: &'static str, run: impl Fn(&Run) -> anyhow::Result<()> + 'static) -> Self {
        Check::new(name, move |cx| run(cx).map(|()| Outcome::Passed))
    }
}

/// What became of one check, or of a part of one that reported a skip.
enum Line {
    Passed,
    Failed(String, String),
    Skipped(String, String),
}

/// The counts and the lines of a finished run.
#[derive(Default)]
pub struct Summary {
    lines: Vec<Line>,
}

impl Summary {
    fn count(&self) -> (usize, usize, usize) {
        let mut n = (0, 0, 0);
        for line in &self.lines {
            match line {
                Line::Passed => n.0 += 1,
                Line::Failed(..) => n.1 += 1,
                Line::Skipped(..) => n.2 += 1,
            }
        }
        n
    }

    /// The summary text; its last line is `<title>: N passed, N failed, N skipped`.
    pub fn render(&self, title: &str, ci: bool) -> String {
        let mut out = String::new();
        for line in &self.lines {
            match line {
                Line::Passed => {}
                Line::Failed(name, error) => out.push_str(&format!("FAILED {name}: {error}\n")),
                Line::Skipped(name, reason) => out.push_str(&format!("SKIPPED {name}: {reason}\n")),
            }
        }
        let (passed, failed, skipped) = self.count();
        if ci && skipped > 0 {
            out.push_str(&format!("CI is set: {skipped} skipped check(s) fail the run\n"));
        }
        out.push_str(&format!("{title}: {passed} passed, {failed} failed, {skipped} skipped\n"));
        out
    }

    /// Success only with no failure, and with no skip when `ci`.
    pub fn success(&self, ci: bool) -> bool {
        let (_, failed, skipped) = self.count();
        failed == 0 && !(ci && skipped > 0)
    }
}

/// Is the `CI` environment variable set to something?
pub fn ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty())
}

/// Run `checks` in order, print the summary, and give the exit code.
pub fn run_all(title: &str, checks: &[Check]) -> ExitCode {
    let summary = run_checks(checks, &std::env::temp_dir().join(format!("ext_wasm-skips-{}.log", std::process::id())));
    let ci = ci();
    eprintln!("\n==> summary");
    print!("{}", summary.render(title, ci));
    if summary.success(ci) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Run `checks` in order, each with an empty skip log at `skip_log`.
fn run_checks(checks: &[Check], skip_log: &Path) -> Summary {
    let cx = Run { skip_log: skip_log.to_path_buf() };
    let mut summary = Summary::default();
    for check in checks {
        util::step(check.name);
        let _ = std::fs::remove_file(&cx.skip_log);
        let result = (check.run)(&cx);
        for (part, reason) in read_skip_log(&cx.skip_log) {
            summary.lines.push(Line::Skipped(format!("{} > {part}", check.name), reason));
        }
        summary.lines.push(match result {
            Ok(Outcome::Passed) => Line::Passed,
            Ok(Outcome::Skipped(reason)) => Line::Skipped(check.name.to_string(), reason),
            Err(e) => Line::Failed(check.name.to_string(), format!("{e:#}")),
        });
    }
    let _ = std::fs::remove_file(&cx.skip_log);
    summary
}

/// The `NAME<TAB>REASON` lines of a skip log; none when there is no log.
fn read_skip_log(path: &Path) -> Vec<(String, String)> {
    let Ok(text) = std::fs::read_to_string(path) else { return Vec::new() };
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| match l.split_once('\t') {
            Some((name, reason)) => (name.to_string(), reason.to_string()),
            None => (l.to_string(), "no reason given".to_string()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(lines: Vec<Line>) -> Summary {
        Summary { lines }
    }

    #[test]
    fn the_last_line_counts_every_check() {
        let s = summary(vec![
            Line::Passed,
            Line::Skipped("wasi-testsuite".into(), "no suite".into()),
            Line::Skipped("cargo test > typecheck".into(), "no tsc".into()),
            Line::Failed("cargo test".into(), "exit 101".into()),
        ]);
        let text = s.render("xtask test", false);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.last(), Some(&"xtask test: 1 passed, 1 failed, 2 skipped"));
        assert!(lines.contains(&"SKIPPED wasi-testsuite: no suite"), "{text}");
        assert!(lines.contains(&"SKIPPED cargo test > typecheck: no tsc"), "{text}");
        assert!(lines.contains(&"FAILED cargo test: exit 101"), "{text}");
        assert!(!s.success(false));
    }

    #[test]
    fn a_skip_fails_the_run_only_in_ci() {
        let s = summary(vec![Line::Passed, Line::Skipped("b".into(), "why".into())]);
        assert!(s.success(false));
        assert!(!s.success(true));
        let text = s.render("xtask test", true);
        assert!(text.contains("CI is set"), "{text}");
        assert!(text.ends_with("xtask test: 1 passed, 0 failed, 1 skipped\n"), "{text}");
        let clean = summary(vec![Line::Passed]);
        assert!(clean.success(true));
    }

    #[test]
    fn skip_log_lines() {
        let dir = std::env::temp_dir().join(format!("ext_wasm-skiplog-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let log = dir.join("skips.log");
        assert!(read_skip_log(&log).is_empty(), "no log, no skips");
        std::fs::write(&log, "typecheck\tno tsc\n\nscenario.ts\n").unwrap();
        let skips = read_skip_log(&log);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(
            skips,
            [
                ("typecheck".to_string(), "no tsc".to_string()),
                ("scenario.ts".to_string(), "no reason given".to_string())
            ]
        );
    }

    #[test]
    fn checks_run_in_order_and_a_failure_does_not_stop_the_rest() {
        use std::cell::RefCell;
        use std::rc::Rc;
        let log = std::env::temp_dir().join(format!("ext_wasm-skiplog-order-{}.log", std::process::id()));
        let ran = Rc::new(RefCell::new(Vec::new()));
        let (a, b, c) = (ran.clone(), ran.clone(), ran.clone());
        let checks = [
            Check::plain("first", move |_| {
                a.borrow_mut().push("first");
                anyhow::bail!("broken")
            }),
            Check::new("second", move |_| {
                b.borrow_mut().push("second");
                Ok(Outcome::Skipped("not here".into()))
            }),
            Check::plain("third", move |run| {
                c.borrow_mut().push("third");
                // A test inside the check reports a skipped part through the log.
                std::fs::write(&run.skip_log, "part\tno tool\n")?;
                // And the check itself, through `Run::skip`.
                run.skip("own\tpart", "no\nsuite")?;
                Ok(())
            }),
        ];
        let summary = run_checks(&checks, &log);
        assert_eq!(*ran.borrow(), ["first", "second", "third"]);
        assert!(!log.exists(), "the skip log is removed at the end");
        let text = summary.render("t", false);
        assert!(text.contains("FAILED first: broken"), "{text}");
        assert!(text.contains("SKIPPED second: not here"), "{text}");
        assert!(text.contains("SKIPPED third > part: no tool"), "{text}");
        assert!(text.contains("SKIPPED third > own part: no suite"), "{text}");
        assert!(text.ends_with("t: 1 passed, 1 failed, 3 skipped\n"), "{text}");
        assert!(!summary.success(false));
    }
}

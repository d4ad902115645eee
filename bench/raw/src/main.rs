//! `bench-raw`: the raw-Wasmtime baselines of `cargo xtask bench`.
//!
//! ```text
//! bench-raw assemble IN.wat OUT.wasm
//! bench-raw all --wasm-dir=DIR --big=FILE [--bytes=N] [--target-ms=N] [--samples=N]
//!               [--threads=N] [--work-dir=DIR]
//! bench-raw memcpy [--bytes=N] [--target-ms=N] [--samples=N]
//! bench-raw first-compile FILE.wasm
//! bench-raw first-deserialize FILE.cwasm
//! bench-raw component-greet --wasm-dir=DIR [--sizes=N,N...] [--target-ms=N] [--samples=N]
//! ```
//!
//! `all` prints one JSON object on stdout (progress goes to stderr) and leaves the big
//! module's serialized artifact in `--work-dir` as `bench-raw.cwasm`. `first-compile` and
//! `first-deserialize` time the first `Module::new` / `Module::deserialize_file` of a fresh
//! process (fuel+epoch engine, created before the clock starts), as a new `forge-wasm`
//! process pays it, and print `{"ms": ...}`. Every timing is a
//! set of samples; each sample runs enough iterations to last about `--target-ms`
//! (calibrated first), or is one operation when that operation is long by itself.
//! Two engine configurations are measured where it matters: `default` (`Config::new()`)
//! and `fuel_epoch` (`consume_fuel(true)` + `epoch_interruption(true)`, the settings of
//! ext_wasm's engine, with stores set up the way ext_wasm sets them up).
//!
//! `component-greet` is the raw baseline of the component-call figure: `greet(string) ->
//! string` of the components in `--wasm-dir` (`GREET_COMPONENTS`) through the component
//! API (fuel+epoch engine), with `Func::call` and `Val`s (what a host that learns the types
//! at run time does) and with `TypedFunc<(&str,), (String,)>`, for each string size. The
//! fixture's allocator never frees, so the instance is replaced every `calls_per_instance`
//! calls, with the clock stopped meanwhile.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use wasmtime::{Config, Engine, Instance, Linker, Module, Store, Val};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// What ext_wasm gives a store without a fuel budget, and its "no timeout" deadline.
const UNLIMITED_FUEL: u64 = u64::MAX;
const NO_DEADLINE: u64 = u64::MAX / 4;
const SEED: i32 = 0x5eed;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("assemble") if args.len() == 3 => assemble(Path::new(&args[1]), Path::new(&args[2])),
        Some("all") => Options::parse(&args[1..]).and_then(|o| all(&o)),
        Some("memcpy") => Options::parse_with(&args[1..], false).map(|o| print_json(bench_memcpy(&o))),
        Some("first-compile") if args.len() == 2 => first(Path::new(&args[1]), false),
        Some("first-deserialize") if args.len() == 2 => first(Path::new(&args[1]), true),
        Some("component-greet") => component_greet(&args[1..]).map(print_json),
        _ => Err("usage: bench-raw assemble IN.wat OUT.wasm | bench-raw all --wasm-dir=DIR --big=FILE [...] | bench-raw first-compile FILE.wasm | bench-raw first-deserialize FILE.cwasm | bench-raw component-greet --wasm-dir=DIR [...]".into()),
    };
    if let Err(e) = result {
        eprintln!("bench-raw: {e}");
        std::process::exit(1);
    }
}

/// The first compile (or deserialize) of a fresh process.
fn first(path: &Path, deserialize: bool) -> Result<()> {
    let engine = Flavor::FuelEpoch.engine()?;
    let bytes = if deserialize { Vec::new() } else { std::fs::read(path)? };
    let start = Instant::now();
    let module = if deserialize {
        // SAFETY: the file is the artifact `all` serialized with this engine configuration.
        unsafe { Module::deserialize_file(&engine, path)? }
    } else {
        Module::new(&engine, &bytes)?
    };
    let took = start.elapsed();
    black_box(module);
    println!("{{\"ms\":{}}}", took.as_secs_f64() * 1e3);
    Ok(())
}

fn assemble(input: &Path, output: &Path) -> Result<()> {
    let bytes = wat::parse_file(input)?;
    std::fs::write(output, bytes)?;
    Ok(())
}

struct Options {
    wasm_dir: PathBuf,
    big: PathBuf,
    work_dir: PathBuf,
    bytes: usize,
    target: Duration,
    samples: usize,
    threads: usize,
}

impl Options {
    fn parse(args: &[String]) -> Result<Self> {
        Self::parse_with(args, true)
    }

    fn parse_with(args: &[String], need_modules: bool) -> Result<Self> {
        let mut o = Options {
            wasm_dir: PathBuf::new(),
            big: PathBuf::new(),
            work_dir: std::env::temp_dir(),
            bytes: 16 << 20,
            target: Duration::from_millis(200),
            samples: 7,
            threads: 2,
        };
        for arg in args {
            let (key, value) = arg.split_once('=').ok_or_else(|| format!("expected --key=value, got {arg}"))?;
            match key {
                "--wasm-dir" => o.wasm_dir = value.into(),
                "--big" => o.big = value.into(),
                "--work-dir" => o.work_dir = value.into(),
                "--bytes" => o.bytes = value.parse()?,
                "--target-ms" => o.target = Duration::from_millis(value.parse()?),
                "--samples" => o.samples = value.parse()?,
                "--threads" => o.threads = value.parse()?,
                _ => return Err(format!("unknown option {key}").into()),
            }
        }
        if need_modules && (o.wasm_dir.as_os_str().is_empty() || o.big.as_os_str().is_empty()) {
            return Err("--wasm-dir and --big are required".into());
        }
        Ok(o)
    }
}

// ---- a tiny JSON writer (this crate depends on wasmtime and wat only) -------------------

enum Json {
    Num(f64),
    Str(String),
    Obj(Vec<(String, Json)>),
    Arr(Vec<Json>),
}

impl Json {
    fn obj() -> Self {
        Json::Obj(Vec::new())
    }
    fn set(&mut self, key: &str, value: impl Into<Json>) {
        if let Json::Obj(fields) = self {
            fields.push((key.to_string(), value.into()));
        }
    }
    fn write(&self, out: &mut String) {
        match self {
            Json::Num(n) if n.is_finite() => out.push_str(&format!("{n}")),
            Json::Num(_) => out.push_str("null"),
            Json::Str(s) => {
                out.push('"');
                for c in s.chars() {
                    match c {
                        '"' => out.push_str("\\\""),
                        '\\' => out.push_str("\\\\"),
                        c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                        c => out.push(c),
                    }
                }
                out.push('"');
            }
            Json::Arr(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write(out);
                }
                out.push(']');
            }
            Json::Obj(fields) => {
                out.push('{');
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    Json::Str(k.clone()).write(out);
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

impl From<f64> for Json {
    fn from(n: f64) -> Self {
        Json::Num(n)
    }
}
impl From<usize> for Json {
    fn from(n: usize) -> Self {
        Json::Num(n as f64)
    }
}
impl From<u64> for Json {
    fn from(n: u64) -> Self {
        Json::Num(n as f64)
    }
}
impl From<&str> for Json {
    fn from(s: &str) -> Self {
        Json::Str(s.to_string())
    }
}
impl From<String> for Json {
    fn from(s: String) -> Self {
        Json::Str(s)
    }
}
impl From<Stats> for Json {
    fn from(s: Stats) -> Self {
        let mut o = Json::obj();
        o.set("min_ns", s.min);
        o.set("median_ns", s.median);
        o.set("mean_ns", s.mean);
        o.set("samples", s.samples);
        o.set("iters_per_sample", s.iters);
        o
    }
}

// ---- sampling ---------------------------------------------------------------------------

/// Per-iteration nanoseconds over the samples.
#[derive(Clone, Copy)]
struct Stats {
    min: f64,
    median: f64,
    mean: f64,
    samples: usize,
    iters: u64,
}

fn stats(mut per_iter: Vec<f64>, iters: u64) -> Stats {
    per_iter.sort_by(|a, b| a.total_cmp(b));
    let n = per_iter.len();
    let median = if n % 2 == 1 { per_iter[n / 2] } else { (per_iter[n / 2 - 1] + per_iter[n / 2]) / 2.0 };
    Stats { min: per_iter[0], median, mean: per_iter.iter().sum::<f64>() / n as f64, samples: n, iters }
}

/// Calibrate `iters` so that one sample lasts about `target`, then take `samples` samples.
/// `run(iters)` performs `iters` iterations and returns how long they took.
fn sample(target: Duration, samples: usize, mut run: impl FnMut(u64) -> Duration) -> Stats {
    let mut iters: u64 = 1;
    let mut took;
    loop {
        took = run(iters);
        if took >= target / 10 || iters >= 1 << 32 {
            break;
        }
        iters = iters.saturating_mul(if took < target / 100 { 10 } else { 2 });
    }
    let scaled = (iters as f64 * target.as_secs_f64() / took.as_secs_f64().max(1e-9)).ceil() as u64;
    let iters = scaled.max(1);
    let per_iter = (0..samples).map(|_| run(iters).as_nanos() as f64 / iters as f64).collect();
    stats(per_iter, iters)
}

/// `samples` samples of one operation each, after one unmeasured warm-up.
fn sample_each(samples: usize, mut run: impl FnMut() -> Duration) -> Stats {
    run();
    stats((0..samples).map(|_| run().as_nanos() as f64).collect(), 1)
}

fn time(f: impl FnOnce()) -> Duration {
    let start = Instant::now();
    f();
    start.elapsed()
}

fn progress(what: &str) {
    eprintln!("  [raw] {what}");
}

// ---- engines and stores -----------------------------------------------------------------

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
    /// A store set up like ext_wasm's (unlimited fuel, a far epoch deadline).
    fn store<T>(self, engine: &Engine, data: T) -> Store<T> {
        let mut store = Store::new(engine, data);
        if self == Flavor::FuelEpoch {
            store.set_fuel(UNLIMITED_FUEL).expect("fuel is enabled");
            store.set_epoch_deadline(NO_DEADLINE);
        }
        store
    }
}

const FLAVORS: [Flavor; 2] = [Flavor::Default, Flavor::FuelEpoch];

// ---- the figures ------------------------------------------------------------------------

fn all(o: &Options) -> Result<()> {
    // Half a second of busy work first, so that the first figure does not meet a CPU
    // coming out of a long idle period.
    let spin = Instant::now();
    let mut x = 1u64;
    while spin.elapsed() < Duration::from_millis(500) {
        x = black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
    }
    let mut out = Json::obj();
    out.set("call", bench_call(o)?);
    out.set("kernel", bench_kernel(o)?);
    out.set("instantiate", bench_instantiate(o)?);
    out.set("parallel", bench_parallel(o)?);
    out.set("compile", bench_compile(o)?);
    print_json(out);
    Ok(())
}

fn print_json(value: Json) {
    let mut text = String::new();
    value.write(&mut text);
    println!("{text}");
}

/// Figure 1: `add(i32, i32) -> i32`, typed and with `Val`s, plus the pieces of
/// ext_wasm's per-call work that do not involve JS: the lookup by name with fuel and
/// deadline re-armed, and a round trip to another thread.
fn bench_call(o: &Options) -> Result<Json> {
    let mut out = Json::obj();
    let path = o.wasm_dir.join("add.wasm");
    for flavor in FLAVORS {
        let engine = flavor.engine()?;
        let module = Module::from_file(&engine, &path)?;
        let mut store = flavor.store(&engine, ());
        let instance = Instance::new(&mut store, &module, &[])?;
        let typed = instance.get_typed_func::<(i32, i32), i32>(&mut store, "add")?;
        let func = instance.get_func(&mut store, "add").ok_or("no add")?;
        let mut f = Json::obj();

        progress(&format!("call add: TypedFunc::call ({})", flavor.name()));
        f.set(
            "typed",
            sample(o.target, o.samples, |n| {
                time(|| {
                    for i in 0..n {
                        black_box(typed.call(&mut store, (black_box(i as i32), 1)).unwrap());
                    }
                })
            }),
        );

        progress(&format!("call add: Func::call with Vals ({})", flavor.name()));
        f.set(
            "untyped",
            sample(o.target, o.samples, |n| {
                let mut results = [Val::I32(0)];
                time(|| {
                    for i in 0..n {
                        func.call(&mut store, &[Val::I32(black_box(i as i32)), Val::I32(1)], &mut results).unwrap();
                        black_box(&results);
                    }
                })
            }),
        );

        if flavor == Flavor::FuelEpoch {
            progress("call add: by name, fuel and deadline re-armed, Vec<Val> (ext_wasm's work minus JS and threads)");
            f.set(
                "untyped_by_name",
                sample(o.target, o.samples, |n| {
                    time(|| {
                        for i in 0..n {
                            store.set_fuel(UNLIMITED_FUEL).unwrap();
                            store.set_epoch_deadline(NO_DEADLINE);
                            let func = instance.get_func(&mut store, black_box("add")).unwrap();
                            let params = vec![Val::I32(black_box(i as i32)), Val::I32(1)];
                            let mut results = vec![Val::I32(0); 1];
                            func.call(&mut store, &params, &mut results).unwrap();
                            black_box(results);
                        }
                    })
                }),
            );
        }
        out.set(flavor.name(), f);
    }

    progress("thread round trip: a closure to a parked worker thread and its answer back");
    let (to_worker, jobs) = mpsc::channel::<Box<dyn FnOnce() -> i32 + Send>>();
    let (answers_tx, answers) = mpsc::channel::<i32>();
    let worker = std::thread::spawn(move || {
        for job in jobs {
            if answers_tx.send(job()).is_err() {
                break;
            }
        }
    });
    out.set(
        "thread_round_trip",
        sample(o.target, o.samples, |n| {
            time(|| {
                for i in 0..n {
                    let x = i as i32;
                    to_worker.send(Box::new(move || x.wrapping_add(1))).unwrap();
                    black_box(answers.recv().unwrap());
                }
            })
        }),
    );
    drop(to_worker);
    let _ = worker.join();
    Ok(out)
}

struct Kernel {
    store: Store<()>,
    fnv: wasmtime::Func,
}

impl Kernel {
    fn new(flavor: Flavor, engine: &Engine, module: &Module, bytes: usize) -> Result<Self> {
        let mut store = flavor.store(engine, ());
        let instance = Instance::new(&mut store, module, &[])?;
        let fill = instance.get_typed_func::<(i32, i32, i32), ()>(&mut store, "fill")?;
        fill.call(&mut store, (0, bytes as i32, SEED))?;
        let fnv = instance.get_func(&mut store, "fnv1a").ok_or("no fnv1a")?;
        Ok(Kernel { store, fnv })
    }
    /// One hash of the data, the way ext_wasm calls (`Func::call` with `Val`s).
    fn hash(&mut self, bytes: usize) -> u32 {
        let mut results = [Val::I32(0)];
        self.fnv.call(&mut self.store, &[Val::I32(0), Val::I32(bytes as i32)], &mut results).unwrap();
        results[0].unwrap_i32() as u32
    }
}

/// Figure 2: one FNV-1a call over `bytes` bytes.
fn bench_kernel(o: &Options) -> Result<Json> {
    let mut out = Json::obj();
    out.set("bytes", o.bytes);
    let path = o.wasm_dir.join("fnv1a.wasm");
    for flavor in FLAVORS {
        progress(&format!("kernel: fnv1a over {} MiB ({})", o.bytes >> 20, flavor.name()));
        let engine = flavor.engine()?;
        let module = Module::from_file(&engine, &path)?;
        let mut kernel = Kernel::new(flavor, &engine, &module, o.bytes)?;
        let mut hash = 0;
        let stats = sample_each(o.samples.max(9), || {
            time(|| {
                hash = kernel.hash(o.bytes);
                if flavor == Flavor::FuelEpoch {
                    kernel.store.set_fuel(UNLIMITED_FUEL).unwrap();
                }
            })
        });
        let mut f: Json = stats.into();
        f.set("hash", format!("{hash:08x}"));
        out.set(flavor.name(), f);
    }
    Ok(out)
}

/// Figure 4: `InstancePre::instantiate` into a new `Store`, and dropping both.
fn bench_instantiate(o: &Options) -> Result<Json> {
    let mut out = Json::obj();
    for flavor in FLAVORS {
        let engine = flavor.engine()?;
        let mut f = Json::obj();
        for name in ["add", "fnv1a"] {
            progress(&format!("instantiate: {name}.wasm, InstancePre::instantiate + new Store ({})", flavor.name()));
            let module = Module::from_file(&engine, o.wasm_dir.join(format!("{name}.wasm")))?;
            let pre = Linker::<()>::new(&engine).instantiate_pre(&module)?;
            f.set(
                name,
                sample(o.target, o.samples, |n| {
                    time(|| {
                        for _ in 0..n {
                            let mut store = flavor.store(&engine, ());
                            let instance = pre.instantiate(&mut store).unwrap();
                            black_box(instance);
                            drop(store);
                        }
                    })
                }),
            );
        }
        out.set(flavor.name(), f);
    }
    Ok(out)
}

/// Figure 5's baseline: copying `bytes` bytes between two buffers already in memory.
/// The destination is page-aligned (as linear memory is); the source sits at three
/// offsets from a page boundary, since a copy between buffers at the same page offset can
/// run slower (4K aliasing). The best of the three (by median) is the headline figure.
fn bench_memcpy(o: &Options) -> Json {
    const PAGE: usize = 4096;
    let mut src_buf: Vec<u8> = (0..o.bytes + 2 * PAGE).map(|i| i as u8).collect();
    let mut dst_buf = vec![0u8; o.bytes + 2 * PAGE];
    let align = |buf: &[u8]| (PAGE - buf.as_ptr() as usize % PAGE) % PAGE;
    let dst_start = align(&dst_buf);
    let src_page = align(&src_buf);
    let mut out = Json::obj();
    let mut best: Option<Stats> = None;
    for src_offset in [0, 64, 2048] {
        progress(&format!("memcpy: {} MiB copy_from_slice, source at page offset {src_offset}", o.bytes >> 20));
        let src = &mut src_buf[src_page + src_offset..src_page + src_offset + o.bytes];
        let dst = &mut dst_buf[dst_start..dst_start + o.bytes];
        let stats = sample(o.target, o.samples, |n| {
            time(|| {
                for _ in 0..n {
                    dst.copy_from_slice(black_box(&*src));
                    black_box(&mut *dst);
                }
            })
        });
        out.set(&format!("source_page_offset_{src_offset}"), stats);
        if best.is_none_or(|b| stats.median < b.median) {
            best = Some(stats);
        }
    }
    let best = best.expect("three alignments measured");
    let mut headline: Json = best.into();
    headline.set("bytes", o.bytes);
    headline.set("gb_per_s", o.bytes as f64 / best.median);
    headline.set("alignments", out);
    headline
}

/// Figure 6's machine reference: the kernel on `threads` threads (one instance each)
/// against one instance doing the same number of calls in a row.
fn bench_parallel(o: &Options) -> Result<Json> {
    progress(&format!("parallel: {} threads x fnv1a vs one thread (fuel_epoch)", o.threads));
    let flavor = Flavor::FuelEpoch;
    let engine = flavor.engine()?;
    let module = Module::from_file(&engine, o.wasm_dir.join("fnv1a.wasm"))?;
    let calls_per_instance = 2;
    let mut serial_kernel = Kernel::new(flavor, &engine, &module, o.bytes)?;
    let mut kernels =
        (0..o.threads).map(|_| Kernel::new(flavor, &engine, &module, o.bytes)).collect::<Result<Vec<_>>>()?;
    let serial = sample_each(o.samples.max(9), || {
        time(|| {
            for _ in 0..o.threads * calls_per_instance {
                black_box(serial_kernel.hash(o.bytes));
            }
        })
    });
    let parallel = sample_each(o.samples.max(9), || {
        time(|| {
            std::thread::scope(|scope| {
                for kernel in kernels.iter_mut() {
                    scope.spawn(move || {
                        for _ in 0..calls_per_instance {
                            black_box(kernel.hash(o.bytes));
                        }
                    });
                }
            })
        })
    });
    let mut out = Json::obj();
    out.set("threads", o.threads);
    out.set("calls_per_instance", calls_per_instance);
    out.set("serial", serial);
    out.set("parallel", parallel);
    out.set("speedup_median", serial.median / parallel.median);
    Ok(out)
}

/// Figure 3's baselines: a cold Cranelift compile of the big module, and loading its
/// serialized artifact (what an on-disk cache hit costs at least).
fn bench_compile(o: &Options) -> Result<Json> {
    let bytes = std::fs::read(&o.big)?;
    let mut out = Json::obj();
    out.set("module", o.big.display().to_string());
    out.set("module_bytes", bytes.len());
    let flavor = Flavor::FuelEpoch;
    let engine = flavor.engine()?;
    progress(&format!(
        "compile: {} ({} KiB) cold, Module::new ({})",
        o.big.display(),
        bytes.len() >> 10,
        flavor.name()
    ));
    let mut module = None;
    let cold_samples = 3;
    let cold = stats(
        (0..cold_samples)
            .map(|_| {
                let took = time(|| module = Some(Module::new(&engine, &bytes).expect("the big module compiles")));
                took.as_nanos() as f64
            })
            .collect(),
        1,
    );
    out.set("cold", cold);
    let serialized = module.expect("compiled").serialize()?;
    out.set("serialized_bytes", serialized.len());
    progress("compile: Module::deserialize of the serialized artifact (in memory)");
    out.set(
        "deserialize",
        sample_each(o.samples, || {
            time(|| {
                // SAFETY: the bytes were produced by `serialize` of this engine just above.
                black_box(unsafe { Module::deserialize(&engine, &serialized) }.unwrap());
            })
        }),
    );
    let file = o.work_dir.join("bench-raw.cwasm");
    std::fs::write(&file, &serialized)?;
    progress("compile: Module::deserialize_file of the serialized artifact");
    let from_file = sample_each(o.samples, || {
        time(|| {
            // SAFETY: as above; the file was written by this process a moment ago.
            black_box(unsafe { Module::deserialize_file(&engine, &file) }.unwrap());
        })
    });
    out.set("deserialize_file", from_file);
    out.set("cwasm", file.display().to_string());
    Ok(out)
}

/// Calls of `greet` per component instance before the next one: the fixture's bump
/// allocator keeps the argument and the result of every call (about `2 * bytes` each), so
/// an instance would run out of its 4 GiB memory. Keeps each instance under 256 MiB; the
/// same rule in `bench/js/component.ts` and `bench/node/component.mjs`.
fn calls_per_instance(bytes: usize) -> u64 {
    ((256usize << 20) / (2 * bytes + 64)) as u64
}

/// The string of `bytes` ASCII bytes every runner passes to `greet`.
fn greet_name(bytes: usize) -> String {
    (0..bytes).map(|i| (b'a' + (i % 26) as u8) as char).collect()
}

/// The components of the component-call figure, by the name the report uses, as
/// `cargo xtask bench` copies them into the wasm directory: the test fixture, and
/// bench/wat/greet_component.wat (the same `greet`, freeing in its post-return).
const GREET_COMPONENTS: [(&str, &str); 2] = [("fixture", "types.wasm"), ("post_return", "greet_component.wasm")];

fn component_greet(args: &[String]) -> Result<Json> {
    let mut wasm_dir = PathBuf::new();
    let mut sizes = vec![16usize, 64 << 10];
    let mut target = Duration::from_millis(200);
    let mut samples = 7;
    for arg in args {
        let (key, value) = arg.split_once('=').ok_or_else(|| format!("expected --key=value, got {arg}"))?;
        match key {
            "--wasm-dir" => wasm_dir = value.into(),
            "--sizes" => sizes = value.split(',').map(str::parse).collect::<std::result::Result<_, _>>()?,
            "--target-ms" => target = Duration::from_millis(value.parse()?),
            "--samples" => samples = value.parse()?,
            _ => return Err(format!("unknown option {key}").into()),
        }
    }
    if wasm_dir.as_os_str().is_empty() {
        return Err("--wasm-dir is required".into());
    }
    let engine = Flavor::FuelEpoch.engine()?;
    let mut out = Json::obj();
    let mut checks = Json::obj();
    let mut components = Vec::new();
    for (name, file) in GREET_COMPONENTS {
        let mut c = Json::obj();
        c.set("component", name);
        c.set(
            "sizes",
            Json::Arr(greet_sizes(&engine, name, &wasm_dir.join(file), &sizes, target, samples, &mut checks)?),
        );
        components.push(c);
    }
    out.set("components", Json::Arr(components));
    out.set("checks", checks);
    Ok(out)
}

fn greet_sizes(
    engine: &Engine,
    component_name: &str,
    path: &Path,
    sizes: &[usize],
    target: Duration,
    samples: usize,
    checks: &mut Json,
) -> Result<Vec<Json>> {
    use wasmtime::component::{Component, Linker as ComponentLinker, Val as CVal};
    let flavor = Flavor::FuelEpoch;
    let component = Component::from_file(engine, path)?;
    let pre = ComponentLinker::<()>::new(engine).instantiate_pre(&component)?;
    // A fresh instance and its `greet`, untyped and typed.
    let fresh = || -> Result<_> {
        let mut store = flavor.store(engine, ());
        let instance = pre.instantiate(&mut store)?;
        let func = instance.get_func(&mut store, "greet").ok_or("no greet export")?;
        let typed = func.typed::<(&str,), (String,)>(&store)?;
        Ok((store, func, typed))
    };
    let mut figures = Vec::new();
    for &bytes in sizes {
        let name = greet_name(bytes);
        let want = format!("hello, {name}");
        let per_instance = calls_per_instance(bytes);
        let (mut store, func, typed) = fresh()?;
        let mut results = [CVal::Bool(false)];
        func.call(&mut store, &[CVal::String(name.clone())], &mut results)?;
        let untyped_ok = matches!(&results[0], CVal::String(s) if *s == want);
        let (typed_answer,) = typed.call(&mut store, (&name,))?;
        let verdict = |ok: bool| if ok { "ok".to_string() } else { "wrong string returned".to_string() };
        checks.set(&format!("{component_name}_untyped_{bytes}"), verdict(untyped_ok));
        checks.set(&format!("{component_name}_typed_{bytes}"), verdict(typed_answer == want));
        if !untyped_ok || typed_answer != want {
            return Err(format!("greet of {bytes} bytes ({component_name}) returned a wrong string").into());
        }

        progress(&format!(
            "component greet({bytes} bytes, {component_name}): component::Func::call with Vals (fuel_epoch)"
        ));
        let (mut store, mut func, _) = fresh()?;
        let mut used = 0;
        let untyped = sample(target, samples, |n| {
            let mut took = Duration::ZERO;
            let mut start = Instant::now();
            for _ in 0..n {
                if used == per_instance {
                    took += start.elapsed();
                    (store, func, _) = fresh().unwrap();
                    used = 0;
                    start = Instant::now();
                }
                used += 1;
                // ext_wasm's per-call work: a new argument from JS, the result handed on.
                let params = [CVal::String(black_box(name.as_str()).to_string())];
                func.call(&mut store, &params, &mut results).unwrap();
                black_box(&results);
            }
            took + start.elapsed()
        });

        progress(&format!(
            "component greet({bytes} bytes, {component_name}): TypedFunc<(&str,), (String,)>::call (fuel_epoch)"
        ));
        let (mut store, _, mut typed) = fresh()?;
        let mut used = 0;
        let typed_stats = sample(target, samples, |n| {
            let mut took = Duration::ZERO;
            let mut start = Instant::now();
            for _ in 0..n {
                if used == per_instance {
                    took += start.elapsed();
                    (store, _, typed) = fresh().unwrap();
                    used = 0;
                    start = Instant::now();
                }
                used += 1;
                black_box(typed.call(&mut store, (black_box(name.as_str()),)).unwrap());
            }
            took + start.elapsed()
        });
        let mut f = Json::obj();
        f.set("bytes", bytes);
        f.set("calls_per_instance", per_instance);
        f.set("untyped", untyped);
        f.set("typed", typed_stats);
        figures.push(f);
    }
    Ok(figures)
}

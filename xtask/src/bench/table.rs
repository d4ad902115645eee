//! The table of the report: each figure next to its baseline, the ratio and the target,
//! computed from the typed results, and rendered as Markdown. A figure whose section failed
//! or did not run (the Node peer with --no-node) reads `n/a`; the failure itself is
//! reported under the table.

use serde::Serialize;

use super::programs::{GREET_COMPONENTS, GREET_SIZES, HOST_CALLS};
use super::results::{Batch, CallPaths, ComponentCalls, IfAvailable, Timing, M};
use super::Measured;

#[derive(Serialize)]
pub struct Row {
    pub figure: String,
    pub ours: String,
    pub baseline: String,
    pub ratio: Option<f64>,
    pub ratio_text: String,
    pub target: String,
    pub met: Option<bool>,
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
}

/// The median and min of a timing that may be missing.
fn m<T: Timing>(x: Option<&T>) -> Option<M> {
    x.map(Timing::m)
}

/// A call path of `call.ts` that the runtime under test may not have.
struct FastPath {
    label: &'static str,
    ours: fn(&CallPaths) -> Option<M>,
    base: Option<M>,
    base_label: &'static str,
    /// A target on the time itself, in ns.
    target_ns: Option<f64>,
}

pub fn table(all: &Measured, bytes: usize) -> Vec<Row> {
    let mut rows = Vec::new();
    let call = all.call.ok();
    let kernel_script = all.kernel.ok();
    let instantiate = all.instantiate.ok();
    let memory_section = all.memory.ok();
    let compile = all.compile.ok();
    let raw = all.raw.ok();
    let raw_first = all.raw_first_process.ok();
    let node = all.node.as_ref().and_then(|n| n.ok());
    let labelled = |label: &str, x: Option<M>| format!("{label} {}", time_cell(x));

    // 1. call round trip
    let floor = call.map(|c| &c.floor);
    let void_async = m(floor.and_then(|f| f.op_void_async.as_ref()));
    let void_sync = m(floor.and_then(|f| f.op_void_sync.as_ref()));
    let raw_untyped = m(raw.map(|r| &r.call.fuel_epoch.untyped));
    let call_m = m(call.map(|c| &c.runtime.call));
    // The targets: the sync path ≤ 1.5 µs, the async call ≤ 10 µs.
    const SYNC_TARGET_NS: f64 = 1_500.0;
    const ASYNC_TARGET_NS: f64 = 10_000.0;
    rows.push(
        Row::new("1 call add: await instance.call", time_cell(call_m), labelled("await op_void_async", void_async))
            .ratio(call_m, void_async)
            .time_at_most(call_m, ASYNC_TARGET_NS),
    );
    rows.push(
        Row::new(
            "1 call add: await instance.call",
            time_cell(call_m),
            labelled("raw Func::call (fuel+epoch)", raw_untyped),
        )
        .ratio(call_m, raw_untyped),
    );
    let in_flight = call.map(|c| &c.runtime.call_in_flight);
    rows.push(
        Row::new(
            format!("1 call add: {} calls in flight, per call", in_flight.map_or(0, |x| x.in_flight)),
            time_cell(m(in_flight)),
            labelled("await op_void_async", void_async),
        )
        .ratio(m(in_flight), void_async),
    );
    let fast_paths = [
        FastPath {
            label: "instance.callSync",
            ours: |p| m(p.call_sync.as_ref()),
            base: void_sync,
            base_label: "op_void_sync",
            target_ns: Some(SYNC_TARGET_NS),
        },
        FastPath {
            label: "await getFunction(\"add\").call",
            ours: |p| m(p.get_function_call.as_ref()),
            base: void_async,
            base_label: "await op_void_async",
            target_ns: Some(ASYNC_TARGET_NS),
        },
        FastPath {
            label: "getFunction(\"add\").callSync",
            ours: |p| m(p.get_function_call_sync.as_ref()),
            base: void_sync,
            base_label: "op_void_sync",
            target_ns: Some(SYNC_TARGET_NS),
        },
        FastPath {
            label: "await instance.callBatch, per call",
            ours: |p| m::<Batch>(p.call_batch.as_ref()),
            base: raw_untyped,
            base_label: "raw Func::call (fuel+epoch)",
            target_ns: None,
        },
        FastPath {
            label: "await getFunction(\"add\").callBatch, per call",
            ours: |p| m::<Batch>(p.get_function_call_batch.as_ref()),
            base: raw_untyped,
            base_label: "raw Func::call (fuel+epoch)",
            target_ns: None,
        },
    ];
    for path in fast_paths {
        let figure = format!("1 call add: {}", path.label);
        let ours = call.and_then(|c| (path.ours)(&c.runtime));
        if ours.is_none() && call.is_some() {
            rows.push(Row::new(figure, "absent (not in this build)".into(), "—".into()));
            continue;
        }
        let row = Row::new(figure, time_cell(ours), labelled(path.base_label, path.base)).ratio(ours, path.base);
        rows.push(match path.target_ns {
            Some(limit) => row.time_at_most(ours, limit),
            None => row,
        });
    }
    let references: [(&str, Option<M>); 12] = [
        ("1 ref: op_void_sync (deno_core, sync, no work)", void_sync),
        ("1 ref: op_add(i, 1) (deno_core, sync)", m(floor.and_then(|f| f.op_add.as_ref()))),
        ("1 ref: await op_void_async (deno_core)", void_async),
        ("1 ref: await op_add_async(i, 1) (deno_core)", m(floor.and_then(|f| f.op_add_async.as_ref()))),
        ("1 ref: QuickJS loop calling an empty JS function", m(call.map(|c| &c.engine_loop.js_noop))),
        ("1 ref: raw TypedFunc::call (default Config)", m(raw.map(|r| &r.call.default.typed))),
        ("1 ref: raw TypedFunc::call (fuel+epoch)", m(raw.map(|r| &r.call.fuel_epoch.typed))),
        ("1 ref: raw Func::call with Vals (default Config)", m(raw.map(|r| &r.call.default.untyped))),
        ("1 ref: raw Func::call with Vals (fuel+epoch)", raw_untyped),
        ("1 ref: raw get_func by name + refuel + Vec<Val> call", m(raw.map(|r| &r.call.fuel_epoch.untyped_by_name))),
        ("1 ref: raw thread round trip (mpsc, parked worker)", m(raw.map(|r| &r.call.thread_round_trip))),
        ("1 ref: Node exports.add(i, 1)", m(node.map(|n| &n.call))),
    ];
    for (label, x) in references {
        rows.push(Row::new(label, time_cell(x), "(reference)".into()));
    }

    // 2. compute kernel
    let mib = bytes >> 20;
    let kernel = m(kernel_script.map(|k| &k.kernel));
    let raw_fuel_epoch = m(raw.map(|r| &r.kernel.fuel_epoch));
    let raw_default = m(raw.map(|r| &r.kernel.default));
    let node_kernel = m(node.map(|n| &n.kernel));
    rows.push(
        Row::new(
            format!("2 kernel fnv1a {mib} MiB: instance.call"),
            time_cell(kernel),
            labelled("raw, fuel+epoch", raw_fuel_epoch),
        )
        .ratio(kernel, raw_fuel_epoch)
        .at_most(1.05),
    );
    rows.push(
        Row::new(
            format!("2 kernel fnv1a {mib} MiB: instance.call"),
            time_cell(kernel),
            labelled("raw, default Config", raw_default),
        )
        .ratio(kernel, raw_default),
    );
    rows.push(
        Row::new(
            "2 ref: raw fuel+epoch vs raw default",
            time_cell(raw_fuel_epoch),
            labelled("raw default", raw_default),
        )
        .ratio(raw_fuel_epoch, raw_default),
    );
    rows.push(
        Row::new(format!("2 ref: Node fnv1a {mib} MiB"), time_cell(node_kernel), labelled("raw default", raw_default))
            .ratio(node_kernel, raw_default),
    );
    let hashes: Vec<Option<&str>> = vec![
        kernel_script.map(|k| k.kernel.hash.as_str()),
        raw.map(|r| r.kernel.default.hash.as_str()),
        raw.map(|r| r.kernel.fuel_epoch.hash.as_str()),
        node.map(|n| n.kernel.hash.as_str()),
    ];
    let present: Vec<&str> = hashes.iter().flatten().copied().collect();
    let agree = !present.is_empty() && present.iter().all(|h| *h == present[0]);
    rows.push(Row::new(
        "2 check: the hashes agree (ours, raw x2, Node)",
        if agree { format!("yes ({})", present[0]) } else { format!("NO: {hashes:?}") },
        "—".into(),
    ));

    // 3. compile
    let size = raw.map(|r| format!("{:.2} MB", r.compile.module_bytes as f64 / 1e6)).unwrap_or_default();
    let cold = m(compile.map(|c| &c.cold));
    let hit = m(compile.map(|c| &c.cache_hit));
    let dup = m(compile.map(|c| &c.duplicate));
    let cache_off = m(compile.and_then(|c| c.cold_cache_off.as_ref()));
    let raw_cold = m(raw_first.map(|r| &r.cold));
    let raw_hit = m(raw_first.map(|r| &r.deserialize_file));
    rows.push(
        Row::new(
            format!("3 compile {size}: cold, new process"),
            time_cell(cold),
            labelled("raw Module::new, new process", raw_cold),
        )
        .ratio(cold, raw_cold),
    );
    if cache_off.is_some() {
        rows.push(
            Row::new(
                "3 compile: cold, cache off",
                time_cell(cache_off),
                labelled("raw Module::new, new process", raw_cold),
            )
            .ratio(cache_off, raw_cold),
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
    let references: [(&str, Option<M>); 4] = [
        ("3 ref: raw Module::new, warm process", m(raw.map(|r| &r.compile.cold))),
        ("3 ref: raw Module::deserialize_file, warm process", m(raw.map(|r| &r.compile.deserialize_file))),
        ("3 ref: raw Module::deserialize (in memory), warm", m(raw.map(|r| &r.compile.deserialize))),
        ("3 ref: Node new WebAssembly.Module (lazy)", m(node.map(|n| &n.compile))),
    ];
    for (label, x) in references {
        rows.push(Row::new(label, time_cell(x), "(reference)".into()));
    }

    // 4. instantiate
    for (name, what) in [("add", "add.wasm"), ("fnv1a", "fnv1a.wasm, 16 MiB memory")] {
        let add = name == "add";
        let ours = m(instantiate.map(|i| if add { &i.add } else { &i.fnv1a }));
        let raw_modules = raw.map(|r| &r.instantiate.fuel_epoch);
        let base = m(raw_modules.map(|r| if add { &r.add } else { &r.fnv1a }));
        let node_figure = m(node.map(|n| if add { &n.instantiate.add } else { &n.instantiate.fnv1a }));
        rows.push(
            Row::new(format!("4 instantiate+drop ({what})"), time_cell(ours), labelled("raw InstancePre+Store", base))
                .ratio(ours, base)
                .at_most(2.0),
        );
        // What any awaited instantiate + drop costs in this engine before either does
        // work: the raw Wasmtime time plus two awaited no-op async ops.
        let floor =
            base.zip(void_async).map(|(b, v)| M { median: b.median + 2.0 * v.median, min: b.min + 2.0 * v.min });
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
            time_cell(node_figure),
            "(reference)".into(),
        ));
    }

    // 5. memory
    let bytes_f = bytes as f64;
    let memory = memory_section.map(|s| &s.memory);
    let memcpy = m(memory_section.map(|s| &s.memcpy));
    let memcpy_cell = format!("memcpy {}", rate_cell(memcpy, bytes_f));
    let accesses: [(&str, Option<M>); 3] = [
        ("memory.write", m(memory.map(|x| &x.write))),
        ("memory.read", m(memory.map(|x| &x.read))),
        ("memory.readInto", m(memory.and_then(|x| x.read_into.as_ref()))),
    ];
    for (label, ours) in accesses {
        if ours.is_none() && memory.is_some() {
            // Only readInto is optional: the others are required fields of memory.ts.
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
        rate_cell(m(node.map(|n| &n.memory.write)), bytes_f),
        "(reference)".into(),
    ));
    rows.push(Row::new(
        format!("5 ref: Node memory slice out {mib} MiB"),
        rate_cell(m(node.map(|n| &n.memory.read)), bytes_f),
        "(reference)".into(),
    ));

    // 6. parallel
    let raw_speedup = raw.map(|r| r.parallel.speedup_median);
    match kernel_script {
        Some(k) => {
            for (i, run) in k.parallel.iter().enumerate() {
                let ours =
                    format!("{} vs {} serial", time_cell(Some(run.parallel.m())), time_cell(Some(run.serial.m())));
                let baseline = raw_speedup.map(|x| format!("raw threads {x:.2}x")).unwrap_or_else(|| "n/a".into());
                let row = Row::new(format!("6 parallel: {} instances, Promise.all", run.instances), ours, baseline)
                    .ratio_value(Some(run.speedup_median), |r| format!("{r:.2}x throughput"));
                rows.push(if i == 0 { row.at_least(1.7, "≥ 1.7x".into()) } else { row });
            }
        }
        None => rows.push(Row::new("6 parallel", "n/a".into(), "n/a".into())),
    }

    // 7. host functions: one call of loop(n) makes n host calls; figures per host call
    let host = all.host.ok();
    let deno = all.deno.ok();
    let n = host.map_or(HOST_CALLS, |h| h.host_calls);
    // The targets: a sync host call ≤ 1 µs, one answered by a resolved promise ≤ 5 µs.
    const HOST_SYNC_TARGET_NS: f64 = 1_000.0;
    const HOST_ASYNC_TARGET_NS: f64 = 5_000.0;
    let sync_figure = format!("7 host call, sync: callSync(\"loop\", {n}), per host call");
    let host_sync = m(host.map(|h| &h.sync));
    let plain_call_sync = m(call.and_then(|c| c.runtime.call_sync.as_ref()));
    let node_host = m(node.map(|n| &n.host_call));
    rows.push(
        Row::new(sync_figure.clone(), time_cell(host_sync), labelled("op_void_sync", void_sync))
            .ratio(host_sync, void_sync)
            .time_at_most(host_sync, HOST_SYNC_TARGET_NS),
    );
    rows.push(
        Row::new(
            sync_figure.clone(),
            time_cell(host_sync),
            labelled("instance.callSync add, no imports", plain_call_sync),
        )
        .ratio(host_sync, plain_call_sync),
    );
    rows.push(
        Row::new(sync_figure, time_cell(host_sync), labelled("Node JS import from wasm", node_host))
            .ratio(host_sync, node_host),
    );
    let async_figure = format!("7 host call, async resolved: await call(\"loop\", {n}), per host call");
    let host_async = m(host.map(|h| &h.r#async));
    rows.push(
        Row::new(async_figure.clone(), time_cell(host_async), labelled("await op_void_async", void_async))
            .ratio(host_async, void_async)
            .time_at_most(host_async, HOST_ASYNC_TARGET_NS),
    );
    // A JSPI peer: its figure, or why it has none (the engine lacks JSPI).
    let jspi = |label: &str, figure: Option<&IfAvailable<_>>| match figure {
        Some(IfAvailable::Skipped { skipped }) => (None, format!("{label}: skipped ({skipped})")),
        Some(IfAvailable::Measured(x)) => (Some(Timing::m(x)), labelled(label, Some(Timing::m(x)))),
        None => (None, labelled(label, None)),
    };
    let (deno_jspi, deno_cell) = jspi("Deno JSPI", deno.map(|d| &d.result.jspi));
    rows.push(Row::new(async_figure.clone(), time_cell(host_async), deno_cell).ratio(host_async, deno_jspi));
    let (node_jspi, node_cell) = jspi("Node JSPI", node.map(|n| &n.host_call_jspi));
    rows.push(Row::new(async_figure, time_cell(host_async), node_cell).ratio(host_async, node_jspi));
    let deno_label = deno.map_or_else(
        || "7 ref: Deno JS import from wasm".to_string(),
        |d| format!("7 ref: Deno {} (V8 {}) JS import from wasm", d.result.deno, d.result.v8),
    );
    let references: [(String, Option<M>); 4] = [
        (
            "7 ref: callSync(\"loop\", 0), instance with host functions, no host call".to_string(),
            m(host.map(|h| &h.sync_no_host_call)),
        ),
        (
            "7 ref: await call(\"loop\", 0), instance with host functions, no host call".to_string(),
            m(host.map(|h| &h.async_no_host_call)),
        ),
        ("7 ref: Node JS import from wasm".to_string(), node_host),
        (deno_label, m(deno.map(|d| &d.result.host_call))),
    ];
    for (label, x) in references {
        rows.push(Row::new(label, time_cell(x), "(reference)".into()));
    }
    if let Some(h) = host {
        let bad: Vec<String> =
            h.checks.iter().filter(|(_, v)| v.as_str() != "ok").map(|(k, v)| format!("{k}: {v}")).collect();
        rows.push(Row::new(
            format!("7 check: loop({n}) returns {n} on every path"),
            if bad.is_empty() { "yes".into() } else { format!("NO: {}", bad.join("; ")) },
            "—".into(),
        ));
    }
    component_rows(all, &mut rows);
    rows
}

/// 8. component calls: `greet(string) -> string` per component and string size.
fn component_rows(all: &Measured, rows: &mut Vec<Row>) {
    let section = all.component.ok();
    let script = section.map(|s| &s.runtime);
    let raw = section.map(|s| &s.raw);
    let jco = all.component_jco.ok();
    let labelled = |label: &str, x: Option<M>| format!("{label} {}", time_cell(x));
    let void_async = m(script.and_then(|s| s.floor.op_void_async.as_ref()));
    let void_sync = m(script.and_then(|s| s.floor.op_void_sync.as_ref()));
    // The targets: one component call faster than the core-module sequence doing
    // the same, and within 2x of raw Wasmtime's component call plus the op floor.
    const CORE_SEQUENCE_TARGET: f64 = 1.0;
    const RAW_PLUS_FLOOR_TARGET: f64 = 2.0;
    let find = |list: &[ComponentCalls], component: &str, bytes: u64| {
        list.iter()
            .find(|c| c.component == component)
            .and_then(|c| c.sizes.iter().find(|s| s.bytes == bytes))
            .map(|s| s.call.m())
    };
    for bytes in GREET_SIZES.split(',').filter_map(|b| b.parse::<u64>().ok()) {
        let size = if bytes >= 1024 { format!("{} KiB", bytes >> 10) } else { format!("{bytes} B") };
        let core = m(script.and_then(|s| s.core_sequence.iter().find(|c| c.bytes == bytes)).map(|c| &c.sequence));
        for (component, _) in GREET_COMPONENTS {
            let figure = format!("8 component greet {size} ({component}): await instance.call");
            let ours = script.and_then(|s| find(&s.components, component, bytes));
            let raw_call = raw
                .and_then(|r| r.components.iter().find(|c| c.component == component))
                .and_then(|c| c.sizes.iter().find(|s| s.bytes == bytes));
            let untyped = m(raw_call.map(|r| &r.untyped));
            let floor = untyped.zip(void_async).map(|(r, v)| M { median: r.median + v.median, min: r.min + v.min });
            rows.push(
                Row::new(figure.clone(), time_cell(ours), labelled("raw Func::call + await op_void_async", floor))
                    .ratio(ours, floor)
                    .at_most(RAW_PLUS_FLOOR_TARGET),
            );
            rows.push(
                Row::new(figure.clone(), time_cell(ours), labelled("core-module sequence", core))
                    .ratio(ours, core)
                    .at_most(CORE_SEQUENCE_TARGET),
            );
            rows.push(Row::new(figure, time_cell(ours), labelled("raw Func::call", untyped)).ratio(ours, untyped));
            let node = jco.and_then(|j| find(&j.result.components, component, bytes));
            rows.push(
                Row::new(
                    format!("8 ref: jco on Node greet {size} ({component})"),
                    time_cell(node),
                    labelled("raw Func::call", untyped),
                )
                .ratio(node, untyped),
            );
            rows.push(Row::new(
                format!("8 ref: raw TypedFunc::call greet {size} ({component})"),
                time_cell(m(raw_call.map(|r| &r.typed))),
                "(reference)".into(),
            ));
        }
        rows.push(Row::new(
            format!("8 ref: core module via runtime:wasm {size}: malloc, write, greet, read len, read, free"),
            time_cell(core),
            "(reference)".into(),
        ));
    }
    rows.push(Row::new("8 ref: op_void_sync (component.ts)", time_cell(void_sync), "(reference)".into()));
    rows.push(Row::new("8 ref: await op_void_async (component.ts)", time_cell(void_async), "(reference)".into()));
    if let Some(j) = jco {
        rows.push(Row::new(format!("8 ref: jco {} on Node {}", j.jco, j.result.node), "—".into(), "—".into()));
    }
}

pub fn render(rows: &[Row]) -> String {
    let header = ["figure", "ours median (min)", "baseline median (min)", "ratio", "target", "met?"];
    let mut out =
        format!("| {} |\n|{}|\n", header.join(" | "), header.iter().map(|_| " --- ").collect::<Vec<_>>().join("|"));
    for r in rows {
        let cells = [r.figure.as_str(), &r.ours, &r.baseline, &r.ratio_text, &r.target, r.met_text()];
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::sections::Outcome;

    fn failed<T>() -> Outcome<T> {
        Outcome::Failed { error: "boom".into() }
    }

    #[test]
    fn failed_sections_leave_every_row_in_place_with_no_figure() {
        let all = Measured {
            raw: failed(),
            call: failed(),
            kernel: failed(),
            instantiate: failed(),
            memory: failed(),
            raw_first_process: failed(),
            compile: failed(),
            host: failed(),
            node: None,
            deno: Outcome::Skipped { skipped: "--no-deno".into() },
            component: failed(),
            component_jco: Outcome::Skipped { skipped: "--no-node".into() },
        };
        let rows = table(&all, 16 << 20);
        // A failed call section is not an old build: no row says "absent".
        assert!(rows.iter().all(|r| !r.ours.starts_with("absent")));
        assert!(rows.iter().any(|r| r.figure == "1 call add: instance.callSync" && r.ours == "n/a"));
        assert!(rows.iter().any(|r| r.figure == "5 memory.readInto 16 MiB" && r.ours == "n/a"));
        assert!(rows.iter().any(|r| r.figure == "6 parallel" && r.ours == "n/a"));
        assert!(rows.iter().any(|r| r.figure.starts_with("7 host call, sync") && r.ours == "n/a"));
        assert!(rows.iter().any(|r| r.figure.starts_with("8 component greet 64 KiB (fixture)") && r.ours == "n/a"));
        assert!(rows.iter().all(|r| r.met.is_none()));
        let text = render(&rows);
        assert_eq!(text.lines().count(), rows.len() + 2);
    }
}

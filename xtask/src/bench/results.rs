//! What the benchmark programs print, as types: `bench/js/*.ts` (through `forge-wasm`),
//! `bench/raw` (`bench-raw`) and `bench/node/bench.mjs` each end with one JSON object on
//! stdout, read here field by field.
//!
//! Every field a program prints is declared, and records reject fields they do not know:
//! a key renamed or dropped on one side fails the section with an error that names it
//! (and its path, through `serde_path_to_error`) instead of leaving a figure out of the
//! report. The same types are written back into `results.json`, so the file keeps every
//! figure the programs measured. `Option` marks what a program leaves out by design (an
//! API the runtime under test does not have, a mode that does not measure it).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A median and a min in nanoseconds: what the table reads of a timing.
#[derive(Clone, Copy)]
pub struct M {
    pub median: f64,
    pub min: f64,
}

/// A set of samples of one operation, per iteration, in nanoseconds.
pub trait Timing {
    fn m(&self) -> M;
}

/// Declares a timing record: the five fields of every sampler (`stats` in
/// `bench/js/_lib.ts` and `bench/node/bench.mjs`, `Stats` in `bench/raw`) followed by the
/// fields one figure adds. One macro instead of `#[serde(flatten)]`, which cannot be
/// combined with `deny_unknown_fields`.
macro_rules! timing {
    ($(#[$doc:meta])* $name:ident { $($(#[$field_attr:meta])* $field:ident: $ty:ty),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Deserialize, Serialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            pub min_ns: f64,
            pub median_ns: f64,
            pub mean_ns: f64,
            pub samples: u64,
            pub iters_per_sample: u64,
            $($(#[$field_attr])* pub $field: $ty,)*
        }

        impl Timing for $name {
            fn m(&self) -> M {
                M { median: self.median_ns, min: self.min_ns }
            }
        }
    };
}

timing! {
    /// A plain timing.
    Stats {}
}

timing! {
    /// `call.ts`: calls kept in flight at once under `Promise.all`, per call.
    InFlight { in_flight: u64 }
}

timing! {
    /// `call.ts`: one `callBatch` of `batch` argument lists, per call.
    Batch { batch: u64 }
}

timing! {
    /// One FNV-1a pass over the kernel's bytes, with the hash it computed (hex).
    Kernel { hash: String }
}

timing! {
    /// `instantiate.ts`: instantiate + drop, and one more pass timing the halves apart.
    Instantiate { split_instantiate_mean_ns: f64, split_drop_mean_ns: f64 }
}

timing! {
    /// `bench-raw memcpy`: the best of three source alignments, with each of them.
    Memcpy { bytes: u64, gb_per_s: f64, alignments: BTreeMap<String, Stats> }
}

timing! {
    /// One call of `loop(host_calls)` (`bench/wat/host_loop.wat`), which calls the import
    /// `env.inc` `host_calls` times: per host call.
    HostLoop { host_calls: u64 }
}

timing! {
    /// The Node peer's kernel pass.
    NodeKernel { hash: String, bytes: u64 }
}

timing! {
    /// The Node peer's compile of the big module.
    NodeCompile { module_bytes: u64 }
}

// ---- forge-wasm running bench/js --------------------------------------------------------

/// `bench/js/call.ts`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CallScript {
    pub engine_loop: EngineLoop,
    pub floor: OpFloor,
    pub runtime: CallPaths,
    pub detected: CallDetected,
    /// Each call path's answer to `add(2, 1)`: "ok" or what came back instead.
    pub checks: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EngineLoop {
    pub js_noop: Stats,
}

/// deno_core's own ops; `null` when the host does not register one.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OpFloor {
    pub op_void_sync: Option<Stats>,
    pub op_add: Option<Stats>,
    pub op_void_async: Option<Stats>,
    pub op_add_async: Option<Stats>,
}

/// The call paths of runtime:wasm; all but `call` are feature-detected.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CallPaths {
    pub call: Stats,
    pub call_in_flight: InFlight,
    #[serde(rename = "callSync", default, skip_serializing_if = "Option::is_none")]
    pub call_sync: Option<Stats>,
    #[serde(rename = "getFunction_call", default, skip_serializing_if = "Option::is_none")]
    pub get_function_call: Option<Stats>,
    #[serde(rename = "getFunction_callSync", default, skip_serializing_if = "Option::is_none")]
    pub get_function_call_sync: Option<Stats>,
    #[serde(rename = "callBatch", default, skip_serializing_if = "Option::is_none")]
    pub call_batch: Option<Batch>,
    #[serde(rename = "getFunction_callBatch", default, skip_serializing_if = "Option::is_none")]
    pub get_function_call_batch: Option<Batch>,
}

/// Which call paths `call.ts` found; the `getFunction_*` keys only when `getFunction` is.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CallDetected {
    #[serde(rename = "callSync")]
    pub call_sync: bool,
    #[serde(rename = "getFunction")]
    pub get_function: bool,
    #[serde(rename = "getFunction_call", default, skip_serializing_if = "Option::is_none")]
    pub get_function_call: Option<bool>,
    #[serde(rename = "getFunction_callSync", default, skip_serializing_if = "Option::is_none")]
    pub get_function_call_sync: Option<bool>,
    #[serde(rename = "getFunction_callBatch", default, skip_serializing_if = "Option::is_none")]
    pub get_function_call_batch: Option<bool>,
    #[serde(rename = "callBatch")]
    pub call_batch: bool,
}

/// `bench/js/host.ts`: host functions, per host call, and the same calls making none.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HostScript {
    pub host_calls: u64,
    /// `loop(n)`'s answer on each path: "ok" or what came back instead.
    pub checks: BTreeMap<String, String>,
    /// `instance.callSync("loop", n)` with a sync `inc`.
    pub sync: HostLoop,
    /// `instance.callSync("loop", 0)` on the same instance, per call.
    pub sync_no_host_call: Stats,
    /// `await instance.call("loop", n)` with an `async inc` (an already-resolved promise).
    pub r#async: HostLoop,
    /// `await instance.call("loop", 0)` on the same instance, per call.
    pub async_no_host_call: Stats,
}

/// A figure a program measures only when its engine has the feature (JSPI): the timing,
/// or `{"skipped": why}`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
pub enum IfAvailable<T> {
    Measured(T),
    Skipped { skipped: String },
}

impl<T> IfAvailable<T> {
    pub fn measured(&self) -> Option<&T> {
        match self {
            IfAvailable::Measured(value) => Some(value),
            IfAvailable::Skipped { .. } => None,
        }
    }
}

/// `bench/js/kernel.ts`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct KernelScript {
    pub bytes: u64,
    pub kernel: Kernel,
    pub parallel: Vec<ParallelRun>,
}

/// N instances hashing at once under `Promise.all` against one instance doing the same
/// number of calls in a row.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ParallelRun {
    pub instances: u64,
    pub calls_per_instance: u64,
    pub serial: Stats,
    pub parallel: Stats,
    pub speedup_median: f64,
}

/// `bench/js/instantiate.ts`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct InstantiateScript {
    pub add: Instantiate,
    pub fnv1a: Instantiate,
}

/// `bench/js/memory.ts`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MemoryScript {
    pub bytes: u64,
    pub detected: MemoryDetected,
    pub checks: BTreeMap<String, String>,
    pub write: Stats,
    pub read: Stats,
    #[serde(rename = "readInto", default, skip_serializing_if = "Option::is_none")]
    pub read_into: Option<Stats>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MemoryDetected {
    #[serde(rename = "readInto")]
    pub read_into: bool,
}

/// One process of `bench/js/compile.ts`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CompileRun {
    pub mode: String,
    pub file: String,
    pub module_bytes: u64,
    pub first_ms: f64,
    /// Only `mode=cold` compiles a copy of the bytes in the same process.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate_ms: Option<f64>,
}

/// Figure 3 as the harness assembles it from the `compile.ts` processes (one sample per
/// process).
#[derive(Debug, Clone, Serialize)]
pub struct CompileFigures {
    pub cold: Stats,
    pub duplicate: Stats,
    pub cache_hit: Stats,
    /// Measured only when the host has a switch for its compile cache.
    pub cold_cache_off: Option<Stats>,
    pub runs: CompileRuns,
}

#[derive(Debug, Clone, Serialize)]
pub struct CompileRuns {
    pub cold: Vec<CompileRun>,
    pub hit: Vec<CompileRun>,
    pub cache_off: Vec<CompileRun>,
}

/// `bench/js/component.ts`: `greet(string) -> string` as a component call and as the
/// equivalent core-module sequence, with the op floor of the same process.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ComponentScript {
    pub floor: ComponentFloor,
    /// One entry per component (`fixture`, `post_return`).
    pub components: Vec<ComponentCalls>,
    pub core_sequence: Vec<CoreSequence>,
    /// Each path's answer for each size: "ok" or what came back instead.
    pub checks: BTreeMap<String, String>,
}

/// deno_core's own ops; `null` when the host does not register one.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ComponentFloor {
    pub op_void_sync: Option<Stats>,
    pub op_void_async: Option<Stats>,
}

/// `await instance.call("greet", name)` of one component, per string size.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ComponentCalls {
    pub component: String,
    pub sizes: Vec<ComponentCall>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ComponentCall {
    pub bytes: u64,
    /// Calls per instance before a new one (the fixture never frees its memory).
    pub calls_per_instance: u64,
    pub call: Stats,
}

/// malloc, memory.write, greet, read (ptr, len), read the bytes, free: one round.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CoreSequence {
    pub bytes: u64,
    pub sequence: Stats,
}

// ---- bench-raw ----------------------------------------------------------------------------

/// `bench-raw all`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawAll {
    pub call: RawCall,
    pub kernel: RawKernel,
    pub instantiate: RawInstantiate,
    pub parallel: RawParallel,
    pub compile: RawCompile,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawCall {
    pub default: RawCallDefault,
    pub fuel_epoch: RawCallFuelEpoch,
    pub thread_round_trip: Stats,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawCallDefault {
    pub typed: Stats,
    pub untyped: Stats,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawCallFuelEpoch {
    pub typed: Stats,
    pub untyped: Stats,
    pub untyped_by_name: Stats,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawKernel {
    pub bytes: u64,
    pub default: Kernel,
    pub fuel_epoch: Kernel,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawInstantiate {
    pub default: RawInstantiateModules,
    pub fuel_epoch: RawInstantiateModules,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawInstantiateModules {
    pub add: Stats,
    pub fnv1a: Stats,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawParallel {
    pub threads: u64,
    pub calls_per_instance: u64,
    pub serial: Stats,
    pub parallel: Stats,
    pub speedup_median: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawCompile {
    pub module: String,
    pub module_bytes: u64,
    pub cold: Stats,
    pub serialized_bytes: u64,
    pub deserialize: Stats,
    pub deserialize_file: Stats,
    pub cwasm: String,
}

/// `bench-raw component-greet`: the component API's `Func::call` with `Val`s and
/// `TypedFunc::call`, per component and string size (fuel+epoch engine).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawComponent {
    pub components: Vec<RawComponentCalls>,
    pub checks: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawComponentCalls {
    pub component: String,
    pub sizes: Vec<RawComponentCall>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawComponentCall {
    pub bytes: u64,
    pub calls_per_instance: u64,
    pub untyped: Stats,
    pub typed: Stats,
}

/// `bench-raw first-compile` / `first-deserialize`: one operation in a fresh process.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFirst {
    pub ms: f64,
}

/// The raw baselines of a new process, one sample per process.
#[derive(Debug, Clone, Serialize)]
pub struct RawFirstProcess {
    pub cold: Stats,
    pub deserialize_file: Stats,
}

// ---- node bench/node/bench.mjs ------------------------------------------------------------

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NodePeer {
    /// `process.version`.
    pub node: String,
    pub call: Stats,
    pub kernel: NodeKernel,
    pub instantiate: NodeInstantiate,
    pub memory: NodeMemory,
    pub compile: NodeCompile,
    /// `exports.loop(n)` of `host_loop.wasm` with a JS `inc`, per host call.
    pub host_call: HostLoop,
    /// The same with an `async inc` through JSPI, when this Node has it.
    pub host_call_jspi: IfAvailable<HostLoop>,
    /// Keeps the measured loops from being optimised away; not a figure.
    pub sink: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NodeInstantiate {
    pub add: Stats,
    pub fnv1a: Stats,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NodeMemory {
    pub bytes: u64,
    pub write: Stats,
    pub read: Stats,
}

/// `node bench/node/component.mjs`: jco-transpiled components called from Node.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NodeComponent {
    /// `process.version`.
    pub node: String,
    pub components: Vec<ComponentCalls>,
}

/// The jco peer as the harness ran it.
#[derive(Debug, Clone, Serialize)]
pub struct JcoRun {
    /// `jco --version`.
    pub jco: String,
    pub result: NodeComponent,
}

// ---- deno bench/deno/host.mjs -------------------------------------------------------------

/// `bench/deno/host.mjs`: the host-call peer.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DenoPeer {
    /// `Deno.version.deno` and `.v8`.
    pub deno: String,
    pub v8: String,
    /// `exports.loop(n)` with a JS `inc`, per host call.
    pub host_call: HostLoop,
    /// `await WebAssembly.promising(exports.loop)(n)` with a `WebAssembly.Suspending`
    /// `async inc`, per host call.
    pub jspi: IfAvailable<HostLoop>,
}

/// The Deno peer as the harness ran it.
#[derive(Debug, Clone, Serialize)]
pub struct DenoRun {
    pub binary: String,
    /// `--v8-flags=...` when JSPI needed one.
    pub v8_flags: Option<String>,
    pub result: DenoPeer,
}

/// Statistics of one-sample-per-process figures, in the shape of every other timing.
pub fn ms_stats(ms: &[f64]) -> Option<Stats> {
    if ms.is_empty() {
        return None;
    }
    let mut sorted = ms.to_vec();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let n = sorted.len();
    let median = if n % 2 == 1 { sorted[n / 2] } else { (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0 };
    Some(Stats {
        min_ns: sorted[0] * 1e6,
        median_ns: median * 1e6,
        mean_ns: sorted.iter().sum::<f64>() / n as f64 * 1e6,
        samples: n as u64,
        iters_per_sample: 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, String> {
        let mut de = serde_json::Deserializer::from_str(json);
        serde_path_to_error::deserialize(&mut de).map_err(|e| e.to_string())
    }

    // Fractional on purpose: the round trip writes every time as a float.
    const STATS: &str = r#"{"min_ns":1.5,"median_ns":2.5,"mean_ns":2.75,"samples":7,"iters_per_sample":100}"#;

    #[test]
    fn a_renamed_key_is_named_with_its_path() {
        let json =
            format!(r#"{{"bytes":4,"detected":{{"readInto":false}},"checks":{{}},"write":{STATS},"reed":{STATS}}}"#);
        let error = parse::<MemoryScript>(&json).unwrap_err();
        assert!(error.contains("reed"), "{error}");
        let json = format!(r#"{{"add":{STATS},"fnv1a":{STATS}}}"#);
        let error = parse::<InstantiateScript>(&json).unwrap_err();
        assert!(error.starts_with("add") && error.contains("split_instantiate_mean_ns"), "{error}");
    }

    #[test]
    fn optional_call_paths_stay_out_of_the_file_when_absent() {
        let json = format!(
            r#"{{"engine_loop":{{"js_noop":{STATS}}},
                "floor":{{"op_void_sync":{STATS},"op_add":null,"op_void_async":{STATS},"op_add_async":{STATS}}},
                "runtime":{{"call":{STATS},"call_in_flight":{},"callSync":{STATS}}},
                "detected":{{"callSync":true,"getFunction":false,"callBatch":false}},
                "checks":{{"call":"ok"}}}}"#,
            STATS.replace('}', r#","in_flight":64}"#)
        );
        let call: CallScript = parse(&json).unwrap();
        assert_eq!(call.runtime.call_in_flight.in_flight, 64);
        assert!(call.runtime.call_sync.is_some() && call.runtime.call_batch.is_none());
        assert!(call.floor.op_add.is_none());
        let back = serde_json::to_value(&call).unwrap();
        let original: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back, original);
    }

    #[test]
    fn a_peer_without_jspi_says_why() {
        let host_loop = STATS.replace('}', r#","host_calls":1000}"#);
        let json = format!(r#"{{"deno":"2.9.6","v8":"15.0","host_call":{host_loop},"jspi":{{"skipped":"no JSPI"}}}}"#);
        let peer: DenoPeer = parse(&json).unwrap();
        assert!(matches!(&peer.jspi, IfAvailable::Skipped { skipped } if skipped == "no JSPI"));
        let json = format!(r#"{{"deno":"2.9.6","v8":"15.0","host_call":{host_loop},"jspi":{host_loop}}}"#);
        let peer: DenoPeer = parse(&json).unwrap();
        assert_eq!(peer.jspi.measured().map(|x| x.host_calls), Some(1000));
        // A timing without its `host_calls` is neither a figure nor a reason.
        let json = format!(r#"{{"deno":"2.9.6","v8":"15.0","host_call":{host_loop},"jspi":{STATS}}}"#);
        assert!(parse::<DenoPeer>(&json).is_err());
    }

    #[test]
    fn stats_of_process_runs() {
        assert!(ms_stats(&[]).is_none());
        let s = ms_stats(&[3.0, 1.0, 2.0, 10.0]).unwrap();
        assert_eq!((s.min_ns, s.median_ns, s.samples), (1e6, 2.5e6, 4));
    }
}

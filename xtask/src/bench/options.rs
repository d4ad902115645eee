//! The options of `cargo xtask bench` and their usage text.

use std::path::PathBuf;

use anyhow::{bail, Context};

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

pub struct Options {
    pub target_ms: u64,
    pub samples: usize,
    pub bytes: usize,
    pub module: Option<PathBuf>,
    pub compile_runs: usize,
    pub node: bool,
    pub wait_quiet_minutes: Option<u64>,
}

impl Options {
    pub fn parse(args: &[String]) -> anyhow::Result<Option<Self>> {
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

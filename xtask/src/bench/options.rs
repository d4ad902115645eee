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
  --no-node          skip the Node peers (bench/node/bench.mjs, and jco in the
                     component figure)
  --no-deno          skip the Deno peer (host calls; installed with npm into
                     $EXT_WASM_DOWNLOADS/deno, default ~/.cache/ext_wasm-downloads/deno)
  --only=S[,S...]    run only these sections: raw (with the raw first-process compile),
                     call, kernel, instantiate, memory, compile, host, node, deno,
                     component (component calls: runtime:wasm, raw Wasmtime and, unless
                     --no-node, jco on Node, jco installed with npm into
                     $EXT_WASM_DOWNLOADS/jco), real (real programs from package
                     registries: CPython, Boolector); the other rows read n/a, e.g.
                     --only=call,host,node,deno for the host-call figure with all its
                     baselines
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
    pub deno: bool,
    pub wait_quiet_minutes: Option<u64>,
    /// --only: `None` runs every section.
    pub only: Option<Vec<Section>>,
}

/// The sections --only can choose.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Section {
    Raw,
    Call,
    Kernel,
    Instantiate,
    Memory,
    Compile,
    Host,
    Node,
    Deno,
    Component,
    Real,
}

impl Section {
    const ALL: [(&'static str, Section); 11] = [
        ("raw", Section::Raw),
        ("call", Section::Call),
        ("kernel", Section::Kernel),
        ("instantiate", Section::Instantiate),
        ("memory", Section::Memory),
        ("compile", Section::Compile),
        ("host", Section::Host),
        ("node", Section::Node),
        ("deno", Section::Deno),
        ("component", Section::Component),
        ("real", Section::Real),
    ];

    fn parse(name: &str) -> anyhow::Result<Self> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, s)| *s).with_context(|| {
            let names: Vec<&str> = Self::ALL.iter().map(|(n, _)| *n).collect();
            format!("--only: unknown section `{name}` (sections: {})", names.join(", "))
        })
    }
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
            deno: true,
            wait_quiet_minutes: None,
            only: None,
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
                "--no-deno" => o.deno = false,
                "--only" => {
                    let list = value.context("--only needs =SECTION[,SECTION...]")?;
                    o.only =
                        Some(list.split(',').map(|name| Section::parse(name.trim())).collect::<anyhow::Result<_>>()?);
                }
                "--wait-quiet" => o.wait_quiet_minutes = Some(if value.is_some() { number(value)? } else { 10 }),
                _ => bail!("unknown argument `{arg}`\n\n{USAGE}"),
            }
        }
        Ok(Some(o))
    }

    /// Whether --only (if given) lists `section`.
    pub fn selects(&self, section: Section) -> bool {
        self.only.as_ref().is_none_or(|list| list.contains(&section))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> anyhow::Result<Options> {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        Ok(Options::parse(&args)?.expect("not --help"))
    }

    #[test]
    fn only_selects_the_listed_sections() {
        let all = parse(&["bench"]).unwrap();
        assert!(all.selects(Section::Raw) && all.selects(Section::Deno));
        let some = parse(&["bench", "--only=host,deno"]).unwrap();
        assert!(some.selects(Section::Host) && some.selects(Section::Deno));
        assert!(!some.selects(Section::Call) && !some.selects(Section::Raw));
        let component = parse(&["bench", "--only=component"]).unwrap();
        assert!(component.selects(Section::Component) && !component.selects(Section::Node));
        let error = parse(&["--only=host,hots"]).err().unwrap().to_string();
        assert!(error.contains("`hots`") && error.contains("deno"), "{error}");
        assert!(parse(&["--only"]).is_err());
    }
}

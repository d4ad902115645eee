//! Running the benchmark programs and reading what they print: `bench-raw` (all, memcpy,
//! first-process compile and deserialize), `forge-wasm run bench/js/*.ts` with the
//! arguments and cache settings each figure needs, `node bench/node/bench.mjs` and
//! `deno run bench/deno/host.mjs` (Deno installed from npm on first use). Each program
//! ends with one JSON line on stdout, read into the types of `results.rs`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context};
use serde::de::DeserializeOwned;

use super::machine::{cores, now_nanos};
use super::options::Options;
use super::results::{
    ms_stats, CompileFigures, CompileRun, CompileRuns, ComponentScript, DenoPeer, DenoRun, IfAvailable, JcoRun, Memcpy,
    MemoryScript, NodeComponent, NodePeer, RawAll, RawComponent, RawFirst, RawFirstProcess,
};

/// Host calls made by one call of `loop(n)` in the host-call figure (every runner).
pub const HOST_CALLS: u64 = 1000;

/// Everything the programs are run with.
pub struct Programs<'a> {
    pub forge: PathBuf,
    pub raw: PathBuf,
    pub root: PathBuf,
    pub out_dir: PathBuf,
    pub wasm_dir: PathBuf,
    /// The module of the compile figure.
    pub big: PathBuf,
    /// A fresh directory for whatever compile cache the runtime keeps (XDG_CACHE_HOME,
    /// and the host's cache-directory flag when its --help lists one).
    pub cache_dir: PathBuf,
    pub cache_flags: CacheFlags,
    pub options: &'a Options,
}

/// `memory.ts` with the memcpy baseline measured right before and right after it, so that
/// the baseline is of the same minute as the figure; the faster of the two is the baseline.
pub struct MemorySection {
    pub memory: MemoryScript,
    pub memcpy: Memcpy,
    pub memcpy_runs: [Memcpy; 2],
}

/// The component-call figure: `bench-raw component-greet` (the raw baseline), then
/// `component.ts` (the component call, the core-module sequence and the op floor), in the
/// same minute. A wrong `greet` answer on any path fails the section.
#[derive(serde::Serialize)]
pub struct ComponentSection {
    pub raw: RawComponent,
    pub runtime: ComponentScript,
}

/// The components of the component-call figure (`name`, file in the wasm directory, its
/// source): the test fixture, and the same `greet` freeing in its post-return. The same
/// list in `bench/js/component.ts`, `bench/node/component.mjs` and `bench-raw`.
pub const GREET_COMPONENTS: [(&str, &str); 2] = [("fixture", "types.wasm"), ("post_return", "greet_component.wasm")];

/// String sizes of the component-call figure, in bytes.
pub const GREET_SIZES: &str = "16,65536";

/// Fails when a program's `checks` hold anything but "ok".
fn all_ok(checks: &std::collections::BTreeMap<String, String>, program: &str) -> anyhow::Result<()> {
    let bad: Vec<String> =
        checks.iter().filter(|(_, v)| v.as_str() != "ok").map(|(k, v)| format!("{k}: {v}")).collect();
    if bad.is_empty() {
        Ok(())
    } else {
        bail!("{program}: wrong answers: {}", bad.join("; "))
    }
}

impl Programs<'_> {
    pub fn component(&self) -> anyhow::Result<ComponentSection> {
        let o = self.options;
        let raw: RawComponent = run_json(
            Command::new(&self.raw)
                .arg("component-greet")
                .arg(format!("--wasm-dir={}", self.wasm_dir.display()))
                .arg(format!("--sizes={GREET_SIZES}"))
                .arg(format!("--target-ms={}", o.target_ms))
                .arg(format!("--samples={}", o.samples)),
        )?;
        all_ok(&raw.checks, "bench-raw component-greet")?;
        let runtime: ComponentScript = self.script("component.ts", &[format!("sizes={GREET_SIZES}")])?;
        all_ok(&runtime.checks, "component.ts")?;
        Ok(ComponentSection { raw, runtime })
    }

    /// The component-call peer: each component transpiled by jco into
    /// `out_dir/jco/NAME`, then `node bench/node/component.mjs`.
    pub fn jco(&self, jco: &Path) -> anyhow::Result<JcoRun> {
        let o = self.options;
        let version = Command::new(jco).arg("--version").output().context("running jco --version")?;
        let version = String::from_utf8_lossy(&version.stdout).trim().to_string();
        let jco_dir = self.out_dir.join("jco");
        let _ = std::fs::remove_dir_all(&jco_dir);
        for (name, file) in GREET_COMPONENTS {
            let status = Command::new(jco)
                .arg("transpile")
                .arg(self.wasm_dir.join(file))
                .args(["--instantiation", "async", "--quiet", "-o"])
                .arg(jco_dir.join(name))
                .stdin(Stdio::null())
                .status()
                .context("starting jco")?;
            if !status.success() {
                bail!("`jco transpile {file}` failed ({status})");
            }
        }
        let result: NodeComponent = run_json(
            Command::new("node")
                .current_dir(&self.root)
                .arg("bench/node/component.mjs")
                .arg(format!("jco_dir={}", jco_dir.display()))
                .arg(format!("sizes={GREET_SIZES}"))
                .arg(format!("target_ms={}", o.target_ms))
                .arg(format!("samples={}", o.samples)),
        )?;
        Ok(JcoRun { jco: version, result })
    }

    /// `bench-raw all`: every raw-Wasmtime baseline but memcpy and the first-process ones.
    pub fn raw_all(&self) -> anyhow::Result<RawAll> {
        let o = self.options;
        run_json(
            Command::new(&self.raw)
                .arg("all")
                .arg(format!("--wasm-dir={}", self.wasm_dir.display()))
                .arg(format!("--big={}", self.big.display()))
                .arg(format!("--work-dir={}", self.out_dir.display()))
                .arg(format!("--bytes={}", o.bytes))
                .arg(format!("--target-ms={}", o.target_ms))
                .arg(format!("--samples={}", o.samples))
                .arg(format!("--threads={}", cores())),
        )
    }

    /// `forge-wasm run bench/js/SCRIPT` with the common arguments and the compile cache on.
    pub fn script<T: DeserializeOwned>(&self, script: &str, args: &[String]) -> anyhow::Result<T> {
        run_json(&mut self.forge_command(script, args, true))
    }

    pub fn memory_and_memcpy(&self) -> anyhow::Result<MemorySection> {
        let o = self.options;
        let memcpy = || -> anyhow::Result<Memcpy> {
            run_json(
                Command::new(&self.raw)
                    .arg("memcpy")
                    .arg(format!("--bytes={}", o.bytes))
                    .arg(format!("--target-ms={}", o.target_ms))
                    .arg(format!("--samples={}", o.samples)),
            )
        };
        let before = memcpy()?;
        let memory = self.script("memory.ts", &[format!("bytes={}", o.bytes)])?;
        let after = memcpy()?;
        let best = if before.median_ns <= after.median_ns { before.clone() } else { after.clone() };
        Ok(MemorySection { memory, memcpy: best, memcpy_runs: [before, after] })
    }

    /// The raw baselines of a new process: the first `Module::new` of the big module, and
    /// the first `Module::deserialize_file` of its artifact (left by `bench-raw all`), each
    /// in its own fresh process, `--compile-runs` times.
    pub fn raw_first_process(&self) -> anyhow::Result<RawFirstProcess> {
        let runs = self.options.compile_runs;
        let cwasm = self.out_dir.join("bench-raw.cwasm");
        let each = |command: &str, file: &Path| -> anyhow::Result<_> {
            eprintln!("  [raw] {command}: {runs} fresh processes");
            let ms = (0..runs)
                .map(|_| run_json::<RawFirst>(Command::new(&self.raw).arg(command).arg(file)).map(|r| r.ms))
                .collect::<anyhow::Result<Vec<f64>>>()?;
            ms_stats(&ms).context("no runs")
        };
        let cold = each("first-compile", &self.big)?;
        let deserialize_file = each("first-deserialize", &cwasm)?;
        Ok(RawFirstProcess { cold, deserialize_file })
    }

    /// Figure 3: every cold run compiles bytes no process has seen (a unique custom section
    /// is appended), then a copy of them in the same process; each hit run is a new process
    /// compiling the bytes of a cold run again. When the host can switch its cache off, a
    /// cold compile without it (no cache lookup, no cache write) runs too.
    pub fn compile_runs(&self) -> anyhow::Result<CompileFigures> {
        let original = std::fs::read(&self.big).with_context(|| format!("reading {}", self.big.display()))?;
        let mut cold: Vec<CompileRun> = Vec::new();
        let mut hit: Vec<CompileRun> = Vec::new();
        let mut off: Vec<CompileRun> = Vec::new();
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
            let result = self.script::<CompileRun>("compile.ts", &["mode=cold".to_string(), file_arg.clone()]);
            let result = result.and_then(|c| {
                let h = self.script::<CompileRun>("compile.ts", &["mode=hit".to_string(), file_arg])?;
                Ok((c, h))
            });
            let _ = std::fs::remove_file(&file);
            let (c, h) = result?;
            cold.push(c);
            hit.push(h);
        }
        let cold_ms: Vec<f64> = cold.iter().map(|r| r.first_ms).collect();
        let dup_ms = cold
            .iter()
            .map(|r| r.duplicate_ms.context("compile.ts mode=cold printed no `duplicate_ms`"))
            .collect::<anyhow::Result<Vec<f64>>>()?;
        let hit_ms: Vec<f64> = hit.iter().map(|r| r.first_ms).collect();
        let off_ms: Vec<f64> = off.iter().map(|r| r.first_ms).collect();
        Ok(CompileFigures {
            cold: ms_stats(&cold_ms).context("no compile runs")?,
            duplicate: ms_stats(&dup_ms).context("no compile runs")?,
            cache_hit: ms_stats(&hit_ms).context("no compile runs")?,
            cold_cache_off: ms_stats(&off_ms),
            runs: CompileRuns { cold, hit, cache_off: off },
        })
    }

    /// The peer: the same modules under Node's own WebAssembly.
    pub fn node(&self) -> anyhow::Result<NodePeer> {
        let o = self.options;
        run_json(
            Command::new("node")
                .current_dir(&self.root)
                .arg("bench/node/bench.mjs")
                .arg(format!("wasm_dir={}", self.wasm_dir.display()))
                .arg(format!("big={}", self.big.display()))
                .arg(format!("bytes={}", o.bytes))
                .arg(format!("target_ms={}", o.target_ms))
                .arg(format!("samples={}", o.samples))
                .arg(format!("host_calls={HOST_CALLS}")),
        )
    }

    /// The host-call peer: `bench/deno/host.mjs` under `deno`. When this Deno has no JSPI
    /// without a flag, the script runs again with `--v8-flags=--experimental-wasm-jspi`,
    /// and that run counts if it measured JSPI.
    pub fn deno(&self, deno: &Path) -> anyhow::Result<DenoRun> {
        let o = self.options;
        let run = |v8_flags: Option<&str>| -> anyhow::Result<DenoPeer> {
            let mut command = Command::new(deno);
            command.current_dir(&self.root).arg("run").arg("--no-config").arg("--no-lock");
            command.arg(format!("--allow-read={}", self.wasm_dir.display()));
            if let Some(flags) = v8_flags {
                command.arg(flags);
            }
            run_json(
                command
                    .arg("bench/deno/host.mjs")
                    .arg(format!("wasm_dir={}", self.wasm_dir.display()))
                    .arg(format!("target_ms={}", o.target_ms))
                    .arg(format!("samples={}", o.samples))
                    .arg(format!("host_calls={HOST_CALLS}")),
            )
        };
        let binary = deno.display().to_string();
        let plain = run(None)?;
        if let IfAvailable::Skipped { skipped } = &plain.jspi {
            const FLAG: &str = "--v8-flags=--experimental-wasm-jspi";
            eprintln!("  [deno] {skipped}; trying {FLAG}");
            match run(Some(FLAG)) {
                Ok(flagged) if flagged.jspi.measured().is_some() => {
                    return Ok(DenoRun { binary, v8_flags: Some(FLAG.into()), result: flagged });
                }
                Ok(_) => eprintln!("  [deno] no JSPI with {FLAG} either"),
                Err(error) => eprintln!("  [deno] the run with {FLAG} failed: {error:#}"),
            }
        }
        Ok(DenoRun { binary, v8_flags: None, result: plain })
    }

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
}

/// Run a benchmark program: stderr passes through (progress), stdout's last JSON line is
/// the result. A result of another shape fails with the path of the first field that
/// differs (`runtime.callSync: missing field ...`).
fn run_json<T: DeserializeOwned>(command: &mut Command) -> anyhow::Result<T> {
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
    let mut json = serde_json::Deserializer::from_str(line);
    serde_path_to_error::deserialize(&mut json)
        .map_err(|e| anyhow::anyhow!("the result of {what} does not have the expected fields: {e}"))
}

/// The Deno binary of the host-call peer: `deno` from the npm registry (the package ships
/// the binary), installed into `$EXT_WASM_DOWNLOADS/deno` (default
/// `~/.cache/ext_wasm-downloads/deno`) on first use. `Err` says why there is none: the
/// peer is then recorded as skipped.
pub fn deno_binary() -> Result<PathBuf, String> {
    npm_tool("deno", "deno@2", "Deno")
}

/// jco (`@bytecodealliance/jco`, the component-to-JS transpiler) for the component-call
/// peer, installed from npm into `$EXT_WASM_DOWNLOADS/jco` on first use, as Deno is.
pub fn jco_binary() -> Result<PathBuf, String> {
    npm_tool("jco", "@bytecodealliance/jco@1", "jco")
}

/// `node_modules/.bin/BIN` of `npm install SPEC` into `$EXT_WASM_DOWNLOADS/BIN` (default
/// `~/.cache/ext_wasm-downloads/BIN`), installed when it does not run yet. `Err` says why
/// there is none (no npm, the registry out of reach).
fn npm_tool(bin: &str, spec: &str, what: &str) -> Result<PathBuf, String> {
    let downloads = match std::env::var_os("EXT_WASM_DOWNLOADS") {
        Some(dir) => PathBuf::from(dir),
        None => match std::env::var_os("HOME") {
            Some(home) => PathBuf::from(home).join(".cache/ext_wasm-downloads"),
            None => return Err(format!("neither EXT_WASM_DOWNLOADS nor HOME is set: nowhere to install {what}")),
        },
    };
    let dir = downloads.join(bin);
    let binary = dir.join("node_modules/.bin").join(bin);
    let runs = |binary: &Path| Command::new(binary).arg("--version").output().is_ok_and(|o| o.status.success());
    if runs(&binary) {
        return Ok(binary);
    }
    eprintln!("bench: installing {what} from npm (`npm install {spec}`) into {}", dir.display());
    std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    let output = Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--prefix"])
        .arg(&dir)
        .arg(spec)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot start npm ({e}); {what} is installed with `npm install {spec}`"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(3).collect();
        return Err(format!(
            "`npm install {spec}` failed ({}), e.g. the npm registry is out of reach: {}",
            output.status,
            tail.into_iter().rev().collect::<Vec<_>>().join(" / ")
        ));
    }
    if runs(&binary) {
        Ok(binary)
    } else {
        Err(format!("npm installed {what} but {} does not run", binary.display()))
    }
}

/// The host's compile-cache options, found in `forge-wasm --help`: one that takes a
/// directory (`--...cache...=DIR`) and one that switches the cache off (`--no-...cache...`).
#[derive(Default)]
pub struct CacheFlags {
    pub dir: Option<String>,
    pub off: Option<String>,
}

impl CacheFlags {
    pub fn detect(forge: &Path) -> Self {
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

#[cfg(test)]
mod tests {
    use super::with_custom_section;

    #[test]
    fn custom_section_is_appended_with_leb_sizes() {
        let module = b"\0asm\x01\0\0\0".to_vec();
        let payload = vec![7u8; 200];
        let out = with_custom_section(&module, "n", &payload);
        assert_eq!(&out[..8], &module[..]);
        // id 0, size 1 + 1 + 200 = 202 as two LEB bytes, name length 1, the name.
        assert_eq!(&out[8..13], &[0, 0xca, 0x01, 1, b'n']);
        assert_eq!(out.len(), 8 + 3 + 202);
    }
}

//! Command-line parsing of `forge-wasm` (small enough that a parser crate would add more
//! than it saves).

use std::path::PathBuf;

pub const HELP: &str = "\
forge-wasm: run a JavaScript or TypeScript module with runtime:wasm importable

USAGE:
    forge-wasm run [OPTIONS] SCRIPT [ARGS]...
    forge-wasm types COMPONENT.wasm
    forge-wasm --help | --version

`types` prints the TypeScript declarations of a component's exports (the shape of
`instance.exports`, with jco's value mapping), for typed calls from plugin code.

OPTIONS (before SCRIPT):
    --allow-read=PATH    Let scripts and wasm read PATH (a directory tree or file). Repeatable.
    --allow-write=PATH   Let scripts and wasm read and write PATH. Repeatable.
    --allow-all          Grant every path, including the host root (trusted scripts only).
    --max-modules=N      At most N live wasm modules (compile past it fails with 5000).
    --max-instances=N    At most N live wasm instances (instantiate past it fails with 5001).
    --max-wasm-memory=BYTES
                         Linear memory of all instances together (growth past it fails).
    --compile-cache-dir=DIR
                         Keep compiled wasm in DIR between runs (default:
                         $XDG_CACHE_HOME/forge-wasm/compile-cache or ~/.cache/...).
    --no-compile-cache   Compile every module from scratch; write no cache.
    -q, --quiet          Say nothing about long compiles (by default a compile still running
                         after a second prints \"compiling NAME (SIZE)\" to stderr once;
                         FORGE_WASM_COMPILE_PROGRESS_MS sets that delay in milliseconds).

By default the current working directory tree is readable and writable and nothing else
is. ARGS are available to the script as Deno.args.

RUST_LOG turns on logging to stderr, e.g. RUST_LOG=ext_wasm=debug for runtime:wasm's
compiles (cache hit or miss, time), instances, calls moved to workers, timeouts and
preopens. Without it nothing is logged.
";

pub struct RunOptions {
    pub script: PathBuf,
    pub script_args: Vec<String>,
    pub allow_read: Vec<PathBuf>,
    pub allow_write: Vec<PathBuf>,
    pub allow_all: bool,
    pub max_modules: Option<usize>,
    pub max_instances: Option<usize>,
    pub max_wasm_memory: Option<usize>,
    pub compile_cache: CompileCache,
    /// No word about long compiles on stderr.
    pub quiet: bool,
}

/// Where compiled modules are cached between runs.
pub enum CompileCache {
    Default,
    Dir(PathBuf),
    Off,
}

pub enum Command {
    Help,
    Version,
    Run(RunOptions),
    /// Print the TypeScript declarations of this component's exports.
    Types(PathBuf),
}

pub fn parse(args: &[String]) -> Result<Command, String> {
    let Some(first) = args.first() else { return Ok(Command::Help) };
    match first.as_str() {
        "-h" | "--help" | "help" => return Ok(Command::Help),
        "-V" | "--version" => return Ok(Command::Version),
        "run" => {}
        "types" => {
            return match &args[1..] {
                [path] if !path.starts_with('-') => Ok(Command::Types(PathBuf::from(path))),
                _ => Err("usage: forge-wasm types COMPONENT.wasm".to_string()),
            }
        }
        other => return Err(format!("unknown command \"{other}\" (expected `run` or `types`)")),
    }
    let mut options = RunOptions {
        script: PathBuf::new(),
        script_args: Vec::new(),
        allow_read: Vec::new(),
        allow_write: Vec::new(),
        allow_all: false,
        max_modules: None,
        max_instances: None,
        max_wasm_memory: None,
        compile_cache: CompileCache::Default,
        quiet: false,
    };
    let mut rest = args[1..].iter();
    for arg in rest.by_ref() {
        if let Some(path) = arg.strip_prefix("--allow-read=") {
            options.allow_read.push(non_empty(path, "--allow-read")?);
        } else if let Some(path) = arg.strip_prefix("--allow-write=") {
            options.allow_write.push(non_empty(path, "--allow-write")?);
        } else if let Some(n) = arg.strip_prefix("--max-modules=") {
            options.max_modules = Some(count(n, "--max-modules")?);
        } else if let Some(n) = arg.strip_prefix("--max-instances=") {
            options.max_instances = Some(count(n, "--max-instances")?);
        } else if let Some(n) = arg.strip_prefix("--max-wasm-memory=") {
            options.max_wasm_memory = Some(count(n, "--max-wasm-memory")?);
        } else if let Some(dir) = arg.strip_prefix("--compile-cache-dir=") {
            options.compile_cache = CompileCache::Dir(non_empty(dir, "--compile-cache-dir")?);
        } else if arg == "--no-compile-cache" {
            options.compile_cache = CompileCache::Off;
        } else if arg == "--quiet" || arg == "-q" {
            options.quiet = true;
        } else if arg == "--allow-all" {
            options.allow_all = true;
        } else if arg == "-h" || arg == "--help" {
            return Ok(Command::Help);
        } else if arg.starts_with("--") {
            return Err(format!("unknown option \"{arg}\""));
        } else {
            options.script = PathBuf::from(arg);
            options.script_args = rest.cloned().collect();
            return Ok(Command::Run(options));
        }
    }
    Err("missing SCRIPT: forge-wasm run [OPTIONS] SCRIPT [ARGS]...".to_string())
}

fn count(value: &str, flag: &str) -> Result<usize, String> {
    value.parse().map_err(|_| format!("{flag}= needs a non-negative whole number, got \"{value}\""))
}

fn non_empty(path: &str, flag: &str) -> Result<PathBuf, String> {
    if path.is_empty() {
        Err(format!("{flag}= needs a path"))
    } else {
        Ok(PathBuf::from(path))
    }
}

//! Command-line parsing of `forge-wasm` (small enough that a parser crate would add more
//! than it saves).

use std::path::PathBuf;

pub const HELP: &str = "\
forge-wasm: run a JavaScript or TypeScript module with runtime:wasm importable

USAGE:
    forge-wasm run [OPTIONS] SCRIPT [ARGS]...
    forge-wasm --help | --version

OPTIONS (before SCRIPT):
    --allow-read=PATH    Let scripts and wasm read PATH (a directory tree or file). Repeatable.
    --allow-write=PATH   Let scripts and wasm read and write PATH. Repeatable.
    --allow-all          Grant every path, including the host root (trusted scripts only).

By default the current working directory tree is readable and writable and nothing else
is. ARGS are available to the script as Deno.args.
";

pub struct RunOptions {
    pub script: PathBuf,
    pub script_args: Vec<String>,
    pub allow_read: Vec<PathBuf>,
    pub allow_write: Vec<PathBuf>,
    pub allow_all: bool,
}

pub enum Command {
    Help,
    Version,
    Run(RunOptions),
}

pub fn parse(args: &[String]) -> Result<Command, String> {
    let Some(first) = args.first() else { return Ok(Command::Help) };
    match first.as_str() {
        "-h" | "--help" | "help" => return Ok(Command::Help),
        "-V" | "--version" => return Ok(Command::Version),
        "run" => {}
        other => return Err(format!("unknown command \"{other}\" (expected `run`)")),
    }
    let mut options = RunOptions {
        script: PathBuf::new(),
        script_args: Vec::new(),
        allow_read: Vec::new(),
        allow_write: Vec::new(),
        allow_all: false,
    };
    let mut rest = args[1..].iter();
    for arg in rest.by_ref() {
        if let Some(path) = arg.strip_prefix("--allow-read=") {
            options.allow_read.push(non_empty(path, "--allow-read")?);
        } else if let Some(path) = arg.strip_prefix("--allow-write=") {
            options.allow_write.push(non_empty(path, "--allow-write")?);
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

fn non_empty(path: &str, flag: &str) -> Result<PathBuf, String> {
    if path.is_empty() {
        Err(format!("{flag}= needs a path"))
    } else {
        Ok(PathBuf::from(path))
    }
}

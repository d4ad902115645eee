//! `forge-wasm`: a minimal Forge-like host that runs a JS/TS module with `runtime:wasm`
//! importable.
//!
//! ```text
//! forge-wasm run [--allow-read=PATH]... [--allow-write=PATH]... [--allow-all] SCRIPT [ARGS]...
//! ```

mod cli;
mod host_ops;
mod loader;
mod run;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match cli::parse(&args) {
        Ok(cli::Command::Help) => {
            print!("{}", cli::HELP);
            ExitCode::SUCCESS
        }
        Ok(cli::Command::Version) => {
            println!("forge-wasm {} (ext_wasm, wasmtime 48, deno_core 0.413)", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Ok(cli::Command::Run(options)) => run::run_script(options),
        Err(message) => {
            eprintln!("error: {message}\n\nRun `forge-wasm --help` for usage.");
            ExitCode::from(2)
        }
    }
}

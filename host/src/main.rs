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
    init_logging();
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
        Ok(cli::Command::Types(path)) => print_types(&path),
        Err(message) => {
            eprintln!("error: {message}\n\nRun `forge-wasm --help` for usage.");
            ExitCode::from(2)
        }
    }
}

/// `forge-wasm types`: the component's TypeScript declarations on stdout.
fn print_types(path: &std::path::Path) -> ExitCode {
    let title = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    let declared = std::fs::read(path)
        .map_err(|e| format!("cannot read \"{}\": {e}", path.display()))
        .and_then(|bytes| ext_wasm::component_typescript(&bytes, &title).map_err(|e| e.to_string()));
    match declared {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Log to stderr what `RUST_LOG` selects (`RUST_LOG=ext_wasm=debug`: runtime:wasm's debug
/// events); without it no subscriber is installed and nothing is logged.
fn init_logging() {
    if std::env::var_os("RUST_LOG").is_none() {
        return;
    }
    match tracing_subscriber::EnvFilter::try_from_default_env() {
        Ok(filter) => {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(filter)
                .with_writer(std::io::stderr)
                .with_ansi(false)
                .try_init();
        }
        Err(e) => eprintln!("warning: RUST_LOG is not a valid filter, nothing is logged: {e}"),
    }
}

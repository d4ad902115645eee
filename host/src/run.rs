//! Building the runtime (runtime:wasm + the host's globals) and running one script,
//! reporting an uncaught error with its name, code, message and stack.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use deno_core::error::CoreError;
use deno_core::{JsRuntime, RuntimeOptions};
use ext_wasm::{AllowAll, CompileProgress, CompileProgressFn, PathPolicy, PermissionPolicy, WasmConfig};

use crate::cli::{CompileCache, RunOptions};
use crate::host_ops::{forge_host, HostConfig};
use crate::loader::HostModuleLoader;

fn permissions(options: &RunOptions) -> Arc<dyn PermissionPolicy> {
    if options.allow_all {
        return Arc::new(AllowAll);
    }
    let mut policy = PathPolicy::cwd();
    for path in &options.allow_read {
        policy.allow_read(path);
    }
    for path in &options.allow_write {
        policy.allow_write(path);
    }
    Arc::new(policy)
}

/// How long a compile runs before `forge-wasm` says so: one second, or
/// `FORGE_WASM_COMPILE_PROGRESS_MS` milliseconds.
fn compile_progress_after() -> Duration {
    std::env::var("FORGE_WASM_COMPILE_PROGRESS_MS")
        .ok()
        .and_then(|ms| ms.trim().parse().ok())
        .map_or(Duration::from_secs(1), Duration::from_millis)
}

pub fn run_script(options: RunOptions) -> ExitCode {
    let cwd = match std::env::current_dir() {
        Ok(cwd) => cwd,
        Err(e) => {
            eprintln!("error: cannot read the current directory: {e}");
            return ExitCode::FAILURE;
        }
    };
    let main_module = match deno_core::resolve_path(&options.script.to_string_lossy(), &cwd) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: bad script path \"{}\": {e}", options.script.display());
            return ExitCode::from(2);
        }
    };
    let policy = permissions(&options);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
    let runtime = match runtime {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        let mut js = JsRuntime::new(RuntimeOptions {
            module_loader: Some(HostModuleLoader::new()),
            extensions: vec![
                ext_wasm::runtime_wasm::init(WasmConfig {
                    permissions: policy.clone(),
                    max_modules: options.max_modules,
                    max_instances: options.max_instances,
                    max_total_memory_bytes: options.max_wasm_memory,
                    compile_cache_dir: match options.compile_cache {
                        CompileCache::Default => ext_wasm::default_compile_cache_dir("forge-wasm"),
                        CompileCache::Dir(dir) => Some(dir),
                        CompileCache::Off => None,
                    },
                    compile_progress: (!options.quiet)
                        .then(|| Arc::new(|progress: &CompileProgress| eprintln!("{progress}")) as CompileProgressFn),
                    compile_progress_after: compile_progress_after(),
                }),
                forge_host::init(HostConfig { args: options.script_args, permissions: policy }),
            ],
            ..Default::default()
        });
        let id = js.load_main_es_module(&main_module).await?;
        let evaluation = js.mod_evaluate(id);
        js.run_event_loop(Default::default()).await?;
        evaluation.await
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{}", describe_uncaught(&error));
            ExitCode::FAILURE
        }
    }
}

/// `error: Uncaught CompileError: ... { code: 5000 }` followed by the stack.
fn describe_uncaught(error: &CoreError) -> String {
    let deno_core::error::CoreErrorKind::Js(js) = &*error.0 else {
        return format!("error: {error}");
    };
    let name = js.name.clone().unwrap_or_else(|| "Error".to_string());
    let message = js.message.clone().unwrap_or_default();
    let mut out = format!("error: Uncaught {name}: {message}");
    let props: Vec<String> = js
        .additional_properties
        .iter()
        .filter(|(k, _)| k == "code" || k == "exitCode")
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    if !props.is_empty() {
        out.push_str(&format!("\n    {{ {} }}", props.join(", ")));
    }
    let frames: Vec<String> = js.frames.iter().map(|f| format!("    at {}", frame_text(f))).collect();
    if !frames.is_empty() {
        out.push('\n');
        out.push_str(&frames.join("\n"));
    } else if let Some(stack) = &js.stack {
        let rest: Vec<&str> = stack.lines().filter(|l| l.trim_start().starts_with("at ")).collect();
        if !rest.is_empty() {
            out.push('\n');
            out.push_str(&rest.join("\n"));
        }
    }
    out
}

fn frame_text(frame: &deno_core::error::JsStackFrame) -> String {
    let location = match (&frame.file_name, frame.line_number, frame.column_number) {
        (Some(file), Some(line), Some(col)) => format!("{file}:{line}:{col}"),
        (Some(file), Some(line), None) => format!("{file}:{line}"),
        (Some(file), None, _) => file.clone(),
        _ => "<anonymous>".to_string(),
    };
    match &frame.function_name {
        Some(name) if !name.is_empty() => format!("{name} ({location})"),
        _ => location,
    }
}

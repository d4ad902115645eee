//! Building an instance's WASI preview 1 context from `InstantiateOptions`: arguments,
//! environment, standard streams (inherited, piped into memory, discarded or closed) and
//! preopened directories, each host directory checked against the permission policy first.

use std::path::Path;

use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::p2::pipe::{ClosedOutputStream, MemoryInputPipe, MemoryOutputPipe, SinkOutputStream};
use wasmtime_wasi::{FsPerms, WasiCtxBuilder};

use crate::error::{WasmError, WasmResult};
use crate::generated::{InstantiateOptions, OutputMode, Preopen, StdinSource};
use crate::permissions::{check_path, Access, Checked, PermissionPolicy};
use crate::stdio::CapturedOutput;

/// How much a piped stream keeps; the guest's writes past it fail with an I/O error.
pub const CAPTURE_LIMIT: usize = 64 << 20;

pub struct WasiParts {
    pub ctx: WasiP1Ctx,
    pub stdout: Option<CapturedOutput>,
    pub stderr: Option<CapturedOutput>,
}

pub fn build_context(
    permissions: &dyn PermissionPolicy,
    program_name: &str, options: &InstantiateOptions) -> WasmResult<WasiParts> {
    let mut builder = WasiCtxBuilder::new();
    builder.arg(program_name);
    for arg in options.args.iter().flatten() {
        if arg.contains('\0') {
            return Err(WasmError::wasi(format!("args: {arg:?} contains a NUL character")));
        }
        builder.arg(arg);
    }
    for (key, value) in options.env.iter().flatten() {
        if key.is_empty() || key.contains('=') || key.contains('\0') || value.contains('\0') {
            return Err(WasmError::wasi(format!(
                "env: \"{key}\" is not a valid environment variable name (it must be non-empty and contain no '=' or NUL)"
            )));
        }
        builder.env(key, value);
    }
    configure_stdin(&mut builder, options)?;
    let stdout = configure_output(&mut builder, "stdout", options.stdout, options.inherit_stdout)?;
    let stderr = configure_output(&mut builder, "stderr", options.stderr, options.inherit_stderr)?;
    for (guest, preopen) in options.preopens.iter().flatten() {
        let (host, readonly) = match preopen {
            Preopen::Path(path) => (path.as_str(), false),
            Preopen::Options(o) => (o.path.as_str(), o.readonly == Some(true)),
        };
        add_preopen(permissions, &mut builder, guest, host, readonly)?;
    }
    Ok(WasiParts { ctx: builder.build_p1(), stdout, stderr })
}

fn configure_stdin(builder: &mut WasiCtxBuilder, options: &InstantiateOptions) -> WasmResult<()> {
    match (&options.stdin, options.inherit_stdin == Some(true)) {
        (Some(_), true) => Err(WasmError::wasi("stdin: give either `stdin` data or `inheritStdin: true`, not both")),
        (Some(StdinSource::Text(text)), false) => {
            builder.stdin(MemoryInputPipe::new(text.clone().into_bytes()));
            Ok(())
        }
        (Some(StdinSource::Bytes(bytes)), false) => {
            builder.stdin(MemoryInputPipe::new(bytes.to_vec()));
            Ok(())
        }
        (None, true) => {
            builder.inherit_stdin();
            Ok(())
        }
        // No input: reads see end-of-file.
        (None, false) => {
            builder.stdin(MemoryInputPipe::new(Vec::<u8>::new()));
            Ok(())
        }
    }
}

fn configure_output(
    builder: &mut WasiCtxBuilder,
    name: &str,
    mode: Option<OutputMode>,
    inherit: Option<bool>,
) -> WasmResult<Option<CapturedOutput>> {
    let inherit_flag = inherit == Some(true);
    let mode = match (mode, inherit_flag) {
        (Some(OutputMode::Inherit) | None, true) => OutputMode::Inherit,
        (Some(other), true) => {
            return Err(WasmError::wasi(format!(
                "{name}: `inherit{}: true` conflicts with `{name}: \"{}\"`; use one of them",
                capitalize(name),
                mode_name(other)
            )))
        }
        (Some(mode), false) => mode,
        (None, false) => OutputMode::Null,
    };
    let is_stdout = name == "stdout";
    let mut captured = None;
    match mode {
        OutputMode::Inherit if is_stdout => {
            builder.inherit_stdout();
        }
        OutputMode::Inherit => {
            builder.inherit_stderr();
        }
        OutputMode::Pipe => {
            let pipe = MemoryOutputPipe::new(CAPTURE_LIMIT);
            if is_stdout {
                builder.stdout(pipe.clone());
            } else {
                builder.stderr(pipe.clone());
            }
            captured = Some(CapturedOutput::new(pipe));
        }
        OutputMode::Null if is_stdout => {
            builder.stdout(SinkOutputStream);
        }
        OutputMode::Null => {
            builder.stderr(SinkOutputStream);
        }
        OutputMode::Closed if is_stdout => {
            builder.stdout(ClosedOutputStream);
        }
        OutputMode::Closed => {
            builder.stderr(ClosedOutputStream);
        }
    }
    Ok(captured)
}

fn mode_name(mode: OutputMode) -> &'static str {
    match mode {
        OutputMode::Inherit => "inherit",
        OutputMode::Pipe => "pipe",
        OutputMode::Null => "null",
        OutputMode::Closed => "closed",
    }
}

fn capitalize(name: &str) -> String {
    let mut chars = name.chars();
    chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
}

fn add_preopen(
    permissions: &dyn PermissionPolicy,
    builder: &mut WasiCtxBuilder, guest: &str, host: &str, readonly: bool) -> WasmResult<()> {
    if !guest.starts_with('/') {
        return Err(WasmError::wasi(format!(
            "preopens: guest path \"{guest}\" must be absolute (start with '/'), e.g. \"/data\""
        )));
    }
    let access = if readonly { Access::Read } else { Access::Write };
    let canonical = match check_path(permissions, Path::new(host), access, "instantiate (preopens)")? {
        Checked::Found(canonical) => canonical,
        Checked::Missing(e) => {
            return Err(WasmError::wasi(format!(
                "preopens: host directory \"{host}\" for \"{guest}\" cannot be opened: {e}"
            )))
        }
    };
    if !canonical.is_dir() {
        return Err(WasmError::wasi(format!("preopens: host path \"{host}\" for \"{guest}\" is not a directory")));
    }
    let perms = if readonly { FsPerms::ReadOnly } else { FsPerms::ReadWrite };
    builder
        .preopened_dir(&canonical, guest, perms)
        .map_err(|e| WasmError::wasi(format!("preopens: cannot open \"{host}\" for \"{guest}\": {e:#}")))?;
    Ok(())
}

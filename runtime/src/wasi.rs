//! Building an instance's WASI preview 1 context from `InstantiateOptions`, with every
//! preopened host directory checked against the permission policy first.

use std::path::Path;

use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::{FsPerms, WasiCtxBuilder};

use crate::error::{WasmError, WasmResult};
use crate::generated::{InstantiateOptions, Preopen};
use crate::permissions::Access;
use crate::state::WasmState;

pub fn build_context(wasm: &WasmState, program_name: &str, options: &InstantiateOptions) -> WasmResult<WasiP1Ctx> {
    let mut builder = WasiCtxBuilder::new();
    builder.arg(program_name);
    for arg in options.args.iter().flatten() {
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
    if options.inherit_stdin == Some(true) {
        builder.inherit_stdin();
    }
    if options.inherit_stdout == Some(true) {
        builder.inherit_stdout();
    }
    if options.inherit_stderr == Some(true) {
        builder.inherit_stderr();
    }
    for (guest, preopen) in options.preopens.iter().flatten() {
        let (host, readonly) = match preopen {
            Preopen::Path(path) => (path.as_str(), false),
            Preopen::Options(o) => (o.path.as_str(), o.readonly == Some(true)),
        };
        add_preopen(wasm, &mut builder, guest, host, readonly)?;
    }
    Ok(builder.build_p1())
}

fn add_preopen(wasm: &WasmState, builder: &mut WasiCtxBuilder, guest: &str, host: &str, readonly: bool) -> WasmResult<()> {
    if !guest.starts_with('/') {
        return Err(WasmError::wasi(format!(
            "preopens: guest path \"{guest}\" must be absolute (start with '/'), e.g. \"/data\""
        )));
    }
    let canonical = std::fs::canonicalize(Path::new(host)).map_err(|e| {
        WasmError::wasi(format!("preopens: host directory \"{host}\" for \"{guest}\" cannot be opened: {e}"))
    })?;
    if !canonical.is_dir() {
        return Err(WasmError::wasi(format!("preopens: host path \"{host}\" for \"{guest}\" is not a directory")));
    }
    let access = if readonly { Access::Read } else { Access::Write };
    wasm.permissions.check(&canonical, access, "instantiate")?;
    let perms = if readonly { FsPerms::ReadOnly } else { FsPerms::ReadWrite };
    builder
        .preopened_dir(&canonical, guest, perms)
        .map_err(|e| WasmError::wasi(format!("preopens: cannot open \"{host}\" for \"{guest}\": {e:#}")))?;
    Ok(())
}

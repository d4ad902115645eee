//! The few `Deno.*` calls scripts use (`readFile`, `writeFile`, `readDir`, `args`),
//! each checked against the same permission policy as `runtime:wasm`.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

use deno_core::{op2, JsBuffer, OpState};
use deno_error::JsErrorBox;
use ext_wasm::{Access, PermissionPolicy};
use serde::Serialize;

/// What the host extension keeps in `OpState`.
pub struct HostConfig {
    pub args: Vec<String>,
    pub permissions: Arc<dyn PermissionPolicy>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DirEntry {
    name: String,
    is_file: bool,
    is_directory: bool,
    is_symlink: bool,
}

fn io_error(api: &str, path: &str, e: std::io::Error) -> JsErrorBox {
    // Only classes deno_core registers may be used ("Error", "TypeError", "NotCapable", ...).
    JsErrorBox::generic(format!("{api}: \"{path}\": {e}"))
}

/// Resolve a path for `access`: canonical when it exists; otherwise its nearest existing
/// ancestor canonicalised, joined with the rest (which may not contain `..`), so that a
/// file or directory about to be created is checked where it will really be.
fn checked_path(state: &Rc<RefCell<OpState>>, path: &str, access: Access, api: &str) -> Result<PathBuf, JsErrorBox> {
    let resolved = ext_wasm::permissions::resolve_for_check(Path::new(path)).map_err(|e| io_error(api, path, e))?;
    let state = state.borrow();
    state
        .borrow::<HostConfig>()
        .permissions
        .check(&resolved, access, api)
        .map_err(|e| JsErrorBox::new("NotCapable", e.message))?;
    Ok(resolved)
}

#[op2]
#[buffer]
pub async fn op_host_read_file(state: Rc<RefCell<OpState>>, #[string] path: String) -> Result<Vec<u8>, JsErrorBox> {
    let resolved = checked_path(&state, &path, Access::Read, "Deno.readFile")?;
    tokio::fs::read(&resolved).await.map_err(|e| io_error("Deno.readFile", &path, e))
}

#[op2]
pub async fn op_host_write_file(
    state: Rc<RefCell<OpState>>,
    #[string] path: String,
    #[buffer] data: JsBuffer,
) -> Result<(), JsErrorBox> {
    let resolved = checked_path(&state, &path, Access::Write, "Deno.writeFile")?;
    tokio::fs::write(&resolved, &*data).await.map_err(|e| io_error("Deno.writeFile", &path, e))
}

#[op2]
#[serde]
pub async fn op_host_read_dir(
    state: Rc<RefCell<OpState>>,
    #[string] path: String,
) -> Result<Vec<DirEntry>, JsErrorBox> {
    let resolved = checked_path(&state, &path, Access::Read, "Deno.readDir")?;
    let mut dir = tokio::fs::read_dir(&resolved).await.map_err(|e| io_error("Deno.readDir", &path, e))?;
    let mut entries = Vec::new();
    while let Some(entry) = dir.next_entry().await.map_err(|e| io_error("Deno.readDir", &path, e))? {
        let ty = entry.file_type().await.map_err(|e| io_error("Deno.readDir", &path, e))?;
        entries.push(DirEntry {
            name: entry.file_name().to_string_lossy().into_owned(),
            is_file: ty.is_file(),
            is_directory: ty.is_dir(),
            is_symlink: ty.is_symlink(),
        });
    }
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(entries)
}

#[op2]
pub async fn op_host_mkdir(
    state: Rc<RefCell<OpState>>,
    #[string] path: String,
    recursive: bool,
) -> Result<(), JsErrorBox> {
    let resolved = checked_path(&state, &path, Access::Write, "Deno.mkdir")?;
    let result =
        if recursive { tokio::fs::create_dir_all(&resolved).await } else { tokio::fs::create_dir(&resolved).await };
    result.map_err(|e| io_error("Deno.mkdir", &path, e))
}

#[op2]
pub async fn op_host_remove(
    state: Rc<RefCell<OpState>>,
    #[string] path: String,
    recursive: bool,
) -> Result<(), JsErrorBox> {
    let resolved = checked_path(&state, &path, Access::Write, "Deno.remove")?;
    let meta = tokio::fs::symlink_metadata(&resolved).await.map_err(|e| io_error("Deno.remove", &path, e))?;
    let result = if meta.is_dir() {
        if recursive {
            tokio::fs::remove_dir_all(&resolved).await
        } else {
            tokio::fs::remove_dir(&resolved).await
        }
    } else {
        tokio::fs::remove_file(&resolved).await
    };
    result.map_err(|e| io_error("Deno.remove", &path, e))
}

#[op2]
#[serde]
pub fn op_host_args(state: &mut OpState) -> Vec<String> {
    state.borrow::<HostConfig>().args.clone()
}

/// Baselines for `cargo xtask bench`: the cost of crossing into Rust and back with nothing
/// done (sync, async resolving at once, async with a hop to a worker thread and back).
#[op2(fast)]
pub fn op_host_noop_sync() {}

#[op2(fast)]
pub fn op_host_noop_sync_buffer(#[buffer] _bytes: &mut [u8]) {}

#[op2]
pub async fn op_host_noop_async() {}

#[op2]
pub async fn op_host_noop_hop() {
    blocking::unblock(|| ()).await
}

#[op2(fast)]
pub fn op_host_exit(#[smi] code: i32) {
    std::process::exit(code);
}

deno_core::extension!(
    forge_host,
    ops = [op_host_read_file, op_host_write_file, op_host_read_dir, op_host_mkdir, op_host_remove, op_host_args, op_host_exit, op_host_noop_sync, op_host_noop_sync_buffer, op_host_noop_async, op_host_noop_hop],
    esm_entry_point = "ext:forge_host/host.js",
    esm = [dir "js", "ext:forge_host/inspect.js" = "inspect.js", "ext:forge_host/host.js" = "host.js"],
    options = { config: HostConfig },
    state = |state, options| { state.put(options.config) },
);

//! Compiling modules (`compile`, `compileFile`) and dropping them (`dropModule`).

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::{Arc, OnceLock};

use deno_core::{JsBuffer, OpState};
use wasmtime::{InstancePre, Module};

use crate::error::{WasmError, WasmResult};
use crate::permissions::Access;
use crate::state::WasmState;
use crate::store::HostState;

/// A compiled module. Instances hold their own `Module` clone, so dropping the entry
/// never breaks an instance made from it.
pub struct ModuleEntry {
    pub module: Module,
    /// The module linked against WASI once, on first instantiation; reused after.
    pre: OnceLock<Result<InstancePre<HostState>, String>>,
}

impl ModuleEntry {
    pub fn new(module: Module) -> Self {
        Self { module, pre: OnceLock::new() }
    }

    /// The pre-linked module, or 5001 when an import cannot be satisfied.
    pub fn instance_pre(&self, state: &WasmState) -> WasmResult<&InstancePre<HostState>> {
        self.pre
            .get_or_init(|| state.linker.instantiate_pre(&self.module).map_err(|e| format!("{e:#}")))
            .as_ref()
            .map_err(|e| WasmError::instantiate(format!("cannot link the module's imports: {e}")))
    }
}

/// Compile module bytes (binary or WAT text) on a worker thread.
pub async fn compile(state: Rc<RefCell<OpState>>, bytes: JsBuffer) -> WasmResult<u32> {
    let wasm = WasmState::from_rc(&state)?;
    let bytes: Vec<u8> = bytes.to_vec();
    compile_on_worker(wasm, bytes, "module bytes".to_string()).await
}

/// Read and compile a module file, after the permission policy allows reading it.
pub async fn compile_file(state: Rc<RefCell<OpState>>, path: String) -> WasmResult<u32> {
    let wasm = WasmState::from_rc(&state)?;
    let resolved = resolve_readable(&wasm, Path::new(&path), "compileFile")?;
    let bytes = std::fs::read(&resolved)
        .map_err(|e| WasmError::io(format!("compileFile: cannot read \"{path}\": {e}")))?;
    compile_on_worker(wasm, bytes, format!("\"{path}\"")).await
}

async fn compile_on_worker(wasm: Arc<WasmState>, bytes: Vec<u8>, what: String) -> WasmResult<u32> {
    let engine = wasm.engine.clone();
    let module = crate::worker::run(move || Module::new(&engine, &bytes))
        .await
        .map_err(|e| WasmError::compile(format!("cannot compile {what}: {}", describe_compile_error(&e))))?;
    wasm.add_module(ModuleEntry::new(module))
}

/// Wasmtime's error chain, one cause per line, without the `Caused by` boilerplate.
fn describe_compile_error(error: &wasmtime::Error) -> String {
    error.chain().map(|c| c.to_string()).collect::<Vec<_>>().join(": ")
}

pub fn drop_module(state: &mut OpState, module: u32) -> WasmResult<()> {
    WasmState::from_op_state(state)?.remove_module(module)
}

/// Canonicalise `path` and check read permission. A path that does not exist is still
/// checked (as an absolute path) so that probing outside the grants says 5009, not 5008.
pub fn resolve_readable(wasm: &WasmState, path: &Path, api: &str) -> WasmResult<PathBuf> {
    match std::fs::canonicalize(path) {
        Ok(canonical) => {
            wasm.permissions.check(&canonical, Access::Read, api)?;
            Ok(canonical)
        }
        Err(e) => {
            let absolute = absolute(path);
            wasm.permissions.check(&absolute, Access::Read, api)?;
            Err(WasmError::io(format!("{api}: cannot read \"{}\": {e}", path.display())))
        }
    }
}

fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        return path.to_path_buf();
    }
    std::env::current_dir().map(|cwd| cwd.join(path)).unwrap_or_else(|_| path.to_path_buf())
}

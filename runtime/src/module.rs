//! Compiling modules (`compile`, `compileFile`) and dropping them (`dropModule`).

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use wasmtime::{InstancePre, Module};

use crate::cache::{content_hash, ContentHash};
use crate::error::{WasmError, WasmResult};
use crate::permissions::{check_path, Access, Checked};
use crate::state::WasmState;
use crate::store::HostState;

/// A compiled module. Instances hold their own `Module` clone, so dropping the entry
/// never breaks an instance made from it.
pub struct ModuleEntry {
    pub module: Module,
    /// The content hash of the bytes, for the module cache.
    pub hash: ContentHash,
    /// The module linked against WASI once, on first instantiation; reused after.
    pre: OnceLock<Result<InstancePre<HostState>, String>>,
}

impl ModuleEntry {
    pub fn new(module: Module, hash: ContentHash) -> Self {
        Self { module, hash, pre: OnceLock::new() }
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
pub async fn compile(wasm: Arc<WasmState>, bytes: Vec<u8>) -> WasmResult<u32> {
    compile_on_worker(wasm, bytes, "module bytes".to_string()).await
}

/// Read and compile a module file, after the permission policy allows reading it.
pub async fn compile_file(wasm: Arc<WasmState>, path: String) -> WasmResult<u32> {
    let resolved = resolve_readable(&wasm, Path::new(&path), "compileFile")?;
    let bytes = std::fs::read(&resolved)
        .map_err(|e| WasmError::io(format!("compileFile: cannot read \"{path}\": {e}")))?;
    compile_on_worker(wasm, bytes, format!("\"{path}\"")).await
}

async fn compile_on_worker(wasm: Arc<WasmState>, bytes: Vec<u8>, what: String) -> WasmResult<u32> {
    let worker_state = wasm.clone();
    let (module, hash) = crate::worker::run(move || {
        let hash = content_hash(&bytes);
        let engine = &worker_state.engine;
        worker_state.module_cache.get_or_compile(engine, hash, || Module::new(engine, &bytes)).map(|m| (m, hash))
    })
    .await
    .map_err(|e| WasmError::compile(format!("cannot compile {what}: {}", describe_compile_error(&e))))?;
    wasm.add_module(ModuleEntry::new(module, hash)).inspect_err(|_| wasm.module_cache.release(&hash))
}

/// Wasmtime's error chain, one cause per line, without the `Caused by` boilerplate.
fn describe_compile_error(error: &wasmtime::Error) -> String {
    error.chain().map(|c| c.to_string()).collect::<Vec<_>>().join(": ")
}

pub fn drop_module(wasm: &WasmState, module: u32) -> WasmResult<()> {
    wasm.remove_module(module)
}

/// Canonicalise `path` and check read permission; a missing file is 5008 (IoError).
pub fn resolve_readable(wasm: &WasmState, path: &Path, api: &str) -> WasmResult<PathBuf> {
    match check_path(&*wasm.permissions, path, Access::Read, api)? {
        Checked::Found(canonical) => Ok(canonical),
        Checked::Missing(e) => Err(WasmError::io(format!("{api}: cannot read \"{}\": {e}", path.display()))),
    }
}

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
    /// Whether instantiation runs wasm code (a start function); without one it is quick
    /// and bounded, and happens on the JS thread.
    pub has_start: bool,
    /// The module linked against WASI once, on first instantiation; reused after.
    pre: OnceLock<Result<InstancePre<HostState>, String>>,
}

impl ModuleEntry {
    pub fn new(module: Module, hash: ContentHash, has_start: bool) -> Self {
        Self { module, hash, has_start, pre: OnceLock::new() }
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
    let (module, hash, has_start) = crate::worker::run(move || -> wasmtime::Result<_> {
        let hash = content_hash(&bytes);
        // The text format becomes binary once, here, for both the scan and the compiler.
        let binary = wat::parse_bytes(&bytes)?;
        let has_start = has_start_section(&binary);
        let engine = &worker_state.engine;
        let module = worker_state.module_cache.get_or_compile(engine, hash, || Module::new(engine, &binary))?;
        Ok((module, hash, has_start))
    })
    .await
    .map_err(|e| WasmError::compile(format!("cannot compile {what}: {}", describe_compile_error(&e))))?;
    wasm.add_module(ModuleEntry::new(module, hash, has_start)).inspect_err(|_| wasm.module_cache.release(&hash))
}

/// Whether the module has a start section (conservatively true when it does not parse;
/// compilation then reports the real error).
fn has_start_section(binary: &[u8]) -> bool {
    for payload in wasmparser::Parser::new(0).parse_all(binary) {
        match payload {
            Ok(wasmparser::Payload::StartSection { .. }) | Err(_) => return true,
            Ok(_) => {}
        }
    }
    false
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

//! Compiled modules (`compile`, `compileFile`): bytes or a file in, a `CompiledModule` out,
//! or a `CompiledComponent` when the bytes are a component (told apart by the header).
//! Compilation runs on a worker thread and goes through the module cache (`cache.rs`).

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use wasmtime::{Engine, InstancePre, Linker, Module};

use crate::cache::{content_hash, ComponentCache, ContentHash, ModuleCache};
use crate::component::CompiledComponent;
use crate::engine::{EngineKind, Profile};
use crate::error::{WasmError, WasmResult};
use crate::file_identity::{read_settled, FileIdentity, PathRecord};
use crate::instance::StoreData;
use crate::permissions::{check_path, Access, Checked, PermissionPolicy};

/// What `compile` made: a core module or a component.
pub enum Compiled {
    Module(Arc<CompiledModule>),
    Component(Arc<CompiledComponent>),
}

impl CompileTargets {
    /// Targets of a plain engine only (tests): a WASI 0.3 component fails to compile.
    #[cfg(test)]
    pub fn for_tests(engine: Engine, modules: Arc<ModuleCache>) -> Self {
        let concurrent = Box::new(|| Err(WasmError::bug("no engine for WASI 0.3 components in this test")));
        Self { engine, modules, components: Arc::new(ComponentCache::default()), concurrent }
    }
}

impl Compiled {
    /// The core module, when it is one (tests).
    #[cfg(test)]
    pub fn module(self) -> Option<Arc<CompiledModule>> {
        match self {
            Compiled::Module(module) => Some(module),
            Compiled::Component(_) => None,
        }
    }
}

/// A compiled module. Instances hold their own `Module` clone, so dropping it never
/// breaks an instance made from it.
pub struct CompiledModule {
    pub module: Module,
    /// The content hash of the bytes, for the module cache.
    pub hash: ContentHash,
    /// Whether instantiation runs wasm code (a start function); without one it is quick
    /// and bounded, and happens on the JS thread.
    pub has_start: bool,
    /// The module linked against WASI once, on first instantiation; reused after.
    pre: OnceLock<WasmResult<InstancePre<StoreData>>>,
    /// Where the module came from, to compile it again for the metered engine.
    source: ModuleSource,
    /// The module compiled for the other engine kinds (`crate::engine::EngineKind`),
    /// when an instance first asked for one, and its forms pre-linked with WASI; by
    /// kind index (the plain kind's slots unused).
    variants: [OnceLock<Result<Module, WasmError>>; EngineKind::COUNT],
    variant_pres: [OnceLock<Result<InstancePre<StoreData>, WasmError>>; EngineKind::COUNT],
}

/// The input of a compiled module. Bytes given to `compile` are kept (they are needed
/// again only if an instance asks for fuel); a file is read again then, and must still
/// hold the same bytes.
pub enum ModuleSource {
    Bytes(Arc<[u8]>),
    File(PathBuf),
}

impl CompiledModule {
    fn new(module: Module, hash: ContentHash, has_start: bool, source: ModuleSource) -> Self {
        Self {
            module,
            hash,
            has_start,
            pre: OnceLock::new(),
            source,
            variants: Default::default(),
            variant_pres: Default::default(),
        }
    }

    /// The pre-linked module, or 5001 when an import cannot be satisfied.
    pub fn instance_pre(&self, linker: &Linker<StoreData>) -> WasmResult<&InstancePre<StoreData>> {
        self.pre.get_or_init(|| prelink(linker, &self.module)).as_ref().map_err(Clone::clone)
    }

    /// The module compiled for `profile`'s engine: compiled (or loaded from that
    /// engine's cache) the first time. Compiling takes as long as the first compile:
    /// call it on a worker thread.
    pub fn variant(&self, profile: &Profile) -> WasmResult<&Module> {
        let slot = self.variants.get(profile.kind.index()).ok_or_else(|| WasmError::bug("no such engine kind"))?;
        slot.get_or_init(|| self.compile_for(profile)).as_ref().map_err(Clone::clone)
    }

    /// `variant`, pre-linked with that engine's WASI linker (5001 when an import cannot
    /// be satisfied).
    pub fn variant_pre(&self, profile: &Profile) -> WasmResult<&InstancePre<StoreData>> {
        let module = self.variant(profile)?;
        let slot = self.variant_pres.get(profile.kind.index()).ok_or_else(|| WasmError::bug("no such engine kind"))?;
        slot.get_or_init(|| prelink(&profile.linker, module)).as_ref().map_err(Clone::clone)
    }

    fn compile_for(&self, profile: &Profile) -> WasmResult<Module> {
        let bytes = match &self.source {
            ModuleSource::Bytes(bytes) => bytes.to_vec(),
            ModuleSource::File(path) => std::fs::read(path).map_err(|e| {
                WasmError::io(format!(
                    "cannot read \"{}\" again to compile it for {:?}: {e}",
                    path.display(),
                    profile.kind
                ))
            })?,
        };
        if content_hash(&bytes) != self.hash {
            return Err(WasmError::compile(
                "the module file changed since compileFile: compile it again to use it with `fuel` or `interruptible`",
            ));
        }
        let binary = wat::parse_bytes(&bytes).map_err(|e| WasmError::compile(e.to_string()))?;
        let (started, mut compiled_now) = (std::time::Instant::now(), false);
        let module = profile
            .cache
            .get_or_compile(&profile.engine, self.hash, || {
                compiled_now = true;
                Module::new(&profile.engine, &binary)
            })
            .map_err(|e| {
                WasmError::compile(format!("compiling for {:?}: {}", profile.kind, describe_compile_error(&e)))
            })?;
        tracing::debug!(
            engine = ?profile.kind,
            bytes = bytes.len(),
            cache = if compiled_now { "miss" } else { "hit" },
            elapsed_ms = started.elapsed().as_secs_f64() * 1e3,
            "compile for another engine kind"
        );
        Ok(module)
    }

    /// Whether a form for `kind` was compiled (it holds a reference in that engine's
    /// cache).
    pub fn has_variant(&self, kind: EngineKind) -> bool {
        matches!(self.variants.get(kind.index()).and_then(OnceLock::get), Some(Ok(_)))
    }
}

/// `module` pre-linked with `linker` (WASI), or 5001 naming every import nothing provides.
fn prelink(linker: &Linker<StoreData>, module: &Module) -> WasmResult<InstancePre<StoreData>> {
    linker.instantiate_pre(module).map_err(|e| {
        crate::host::missing_imports(module, &[])
            .unwrap_or_else(|| WasmError::instantiate(format!("cannot link the module's imports: {e:#}")))
    })
}

/// Where compiled code goes: the plain engine with its module and component caches, and
/// the engine (with its component cache) of components that need WASI 0.3, made only when
/// one is compiled.
pub struct CompileTargets {
    pub engine: Engine,
    pub modules: Arc<ModuleCache>,
    pub components: Arc<ComponentCache>,
    pub concurrent: Box<dyn FnOnce() -> WasmResult<(Engine, Arc<ComponentCache>)> + Send>,
}

/// Compile module bytes (binary or WAT text) on a worker thread. The result holds a
/// reference in its cache, given back with `ModuleCache::release`.
pub async fn compile(targets: CompileTargets, bytes: Vec<u8>) -> WasmResult<Compiled> {
    crate::worker::run(move || {
        let bytes: Arc<[u8]> = bytes.into();
        compile_here(targets, &bytes, "module bytes", ModuleSource::Bytes(bytes.clone()))
    })
    .await
}

/// Read and compile a module file, after the permission policy allows reading it. The
/// policy is asked on this thread; the file is read on the worker, so a large module
/// never stalls the event loop.
pub async fn compile_file(
    targets: CompileTargets,
    permissions: &dyn PermissionPolicy,
    path: String,
) -> WasmResult<Compiled> {
    let resolved = resolve_readable(permissions, Path::new(&path), "compileFile")?;
    crate::worker::run(move || {
        // A file whose identity is what it was when it was last read is the same bytes: its
        // module comes from the cache without reading the file (`cache.rs` says what that
        // trusts). Any miss on the way reads, hashes and compiles as for new bytes.
        let (engine, cache) = (targets.engine.clone(), targets.modules.clone());
        let by_identity = || {
            let source = FileIdentity::of(&std::fs::metadata(&resolved).ok()?)?;
            let record = cache.path_record(&resolved).filter(|record| record.source == source)?;
            let (module, entry) = cache.get(&engine, record.hash, record.entry)?;
            if entry.is_some() && entry != record.entry {
                cache.remember_path(&resolved, PathRecord { entry, ..record.clone() });
            }
            let (hash, has_start, source) = (record.hash, record.has_start, ModuleSource::File(resolved.clone()));
            Some(Compiled::Module(Arc::new(CompiledModule::new(module, hash, has_start, source))))
        };
        if let Some(compiled) = by_identity() {
            tracing::debug!(module = %path, cache = "hit", by = "file identity", "compile");
            return Ok(compiled);
        }
        let (bytes, identity) =
            read_settled(&resolved).map_err(|e| WasmError::io(format!("compileFile: cannot read \"{path}\": {e}")))?;
        let source = ModuleSource::File(resolved.clone());
        let compiled = compile_here(targets, &bytes, &format!("\"{path}\""), source)?;
        // Only modules are in the module cache, so only they are found by file identity.
        if let (Some(source), Compiled::Module(module)) = (identity, &compiled) {
            let (hash, has_start) = (module.hash, module.has_start);
            cache.remember_path(&resolved, PathRecord { source, hash, has_start, entry: None });
        }
        Ok(compiled)
    })
    .await
}

fn compile_here(targets: CompileTargets, bytes: &[u8], what: &str, source: ModuleSource) -> WasmResult<Compiled> {
    let (engine, cache) = (&targets.engine, &*targets.modules);
    let compiled = (|| -> wasmtime::Result<_> {
        let hash = content_hash(bytes);
        // The text format becomes binary once, here, for both the scan and the compiler.
        let binary = wat::parse_bytes(bytes)?;
        // `what` is `"path"` for a file (progress names the file), else a description.
        let name = match what.strip_prefix('"').and_then(|w| w.strip_suffix('"')) {
            Some(path) => Path::new(path).file_name().map_or_else(|| path.into(), |n| n.to_string_lossy().into()),
            None => what.to_string(),
        };
        if wasmparser::Parser::is_component(&binary) {
            let binary: Arc<[u8]> = binary.into_owned().into();
            let mut concurrent = Some(targets.concurrent);
            let mut on_concurrent = || -> wasmtime::Result<CompiledComponent> {
                let make =
                    concurrent.take().ok_or_else(|| wasmtime::Error::msg("no engine for WASI 0.3 components"))?;
                let (engine, components) = make().map_err(wasmtime::Error::new)?;
                CompiledComponent::compile(
                    &engine,
                    &components,
                    EngineKind::CONCURRENT,
                    binary.clone(),
                    hash,
                    name.clone(),
                )
            };
            let component = if crate::component::needs_wasi_p3(&binary) {
                on_concurrent()?
            } else {
                let plain = (&targets.engine, &*targets.components);
                match CompiledComponent::compile(
                    plain.0,
                    plain.1,
                    EngineKind::PLAIN,
                    binary.clone(),
                    hash,
                    name.clone(),
                ) {
                    // The async ABI without a WASI 0.3 name: the concurrent engine compiles it.
                    Err(error) if crate::component::needs_concurrency(&error) => on_concurrent()?,
                    other => other?,
                }
            };
            return Ok(Compiled::Component(Arc::new(component)));
        }
        let has_start = has_start_section(&binary);
        let started = std::time::Instant::now();
        let (module, compiled_now) =
            cache.get_or_compile_watched(engine, hash, &name, bytes.len(), || Module::new(engine, &binary))?;
        tracing::debug!(
            module = %name,
            bytes = bytes.len(),
            cache = if compiled_now { "miss" } else { "hit" },
            elapsed_ms = started.elapsed().as_secs_f64() * 1e3,
            "compile"
        );
        Ok(Compiled::Module(Arc::new(CompiledModule::new(module, hash, has_start, source))))
    })();
    compiled.map_err(|e| WasmError::compile(format!("cannot compile {what}: {}", describe_compile_error(&e))))
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

/// Canonicalise `path` and check read permission; a missing file is 5008 (IoError).
fn resolve_readable(permissions: &dyn PermissionPolicy, path: &Path, api: &str) -> WasmResult<PathBuf> {
    match check_path(permissions, path, Access::Read, api)? {
        Checked::Found(canonical) => Ok(canonical),
        Checked::Missing(e) => Err(WasmError::io(format!("{api}: cannot read \"{}\": {e}", path.display()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::Future;
    use std::task::{Context, Waker};
    use std::time::Duration;

    /// `compileFile` must not read the file on the calling (JS) thread: a module of
    /// 100 MB would stall the event loop. A FIFO with no writer yet makes a read block
    /// until someone writes, so the first poll of `compile_file` returns at once only if
    /// the read happens elsewhere.
    #[cfg(unix)]
    #[test]
    fn compile_file_reads_off_the_calling_thread() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("module.wasm");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success(), "mkfifo failed");
        let engine = crate::engine::new_engine().unwrap();
        let cache = Arc::new(ModuleCache::new(&engine, None));
        let path = fifo.to_string_lossy().into_owned();

        let (first_poll_done, first_poll) = std::sync::mpsc::channel();
        let (writer_done, writer) = std::sync::mpsc::channel::<()>();
        let poller = std::thread::spawn(move || {
            let mut call =
                Box::pin(compile_file(CompileTargets::for_tests(engine, cache), &crate::permissions::AllowAll, path));
            let pending = call.as_mut().poll(&mut Context::from_waker(Waker::noop())).is_pending();
            first_poll_done.send(pending).unwrap();
            // The test writes the module now; then the compile finishes.
            writer.recv().unwrap();
            futures_lite::future::block_on(call)
        });
        let returned = first_poll.recv_timeout(Duration::from_secs(20));
        // Unblock a read that happened on the polling thread (the bug) before failing.
        std::fs::write(&fifo, b"(module (func (export \"f\")))").unwrap();
        writer_done.send(()).unwrap();
        assert_eq!(returned, Ok(true), "the first poll of compile_file blocked on reading the file");
        let compiled = poller.join().unwrap().unwrap().module().unwrap();
        assert!(compiled.module.get_export("f").is_some());
    }
}

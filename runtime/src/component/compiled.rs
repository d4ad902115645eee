//! A compiled component: its code for the plain engine, its exported functions, and its
//! forms for the other engine kinds (fuel metering, no epoch checks), each compiled and
//! linked with WASI 0.2 when an instance first asks for it, as for modules.
//!
//! The plain form goes through the component cache (`crate::cache::ComponentCache`, on
//! disk beside the modules' entries); the other kinds' forms are compiled when needed.

use std::sync::{Arc, OnceLock};

use wasmtime::component::{Component, InstancePre};
use wasmtime::Engine;

use super::exports::{list, ExportedFunction};
use super::Linker;
use crate::cache::{ComponentCache, ContentHash};
use crate::engine::EngineKind;
use crate::error::{WasmError, WasmResult};
use crate::instance::StoreData;

pub struct CompiledComponent {
    /// Compiled for the plain engine.
    pub component: Component,
    /// The content hash of the bytes, its key in the component cache.
    pub hash: ContentHash,
    /// The engine kind it was compiled for: the plain one, or for a component that needs
    /// WASI 0.3 the plain one with concurrency support (`EngineKind::CONCURRENT`).
    pub home: EngineKind,
    /// A name for messages and for the guest's `argv[0]` (the file name, when it is a file).
    pub name: String,
    /// Exported functions, in the component's order: a function handle is an index here.
    pub functions: Arc<[ExportedFunction]>,
    /// The function imports JS provides (all but WASI's), by import index
    /// (`super::host`).
    pub imports: Arc<[ExportedFunction]>,
    /// The binary, kept to compile it for another engine kind.
    bytes: Arc<[u8]>,
    /// By `EngineKind::index` (the plain kind's slot holds the plain link).
    variants: [OnceLock<WasmResult<Component>>; EngineKind::COUNT],
    pres: [OnceLock<WasmResult<InstancePre<StoreData>>>; EngineKind::COUNT],
}

impl CompiledComponent {
    /// Compile a component binary for `engine` (the plain engine), or take it from
    /// `cache` (which then holds a reference, given back with `ComponentCache::release`).
    pub fn compile(
        engine: &Engine,
        cache: &ComponentCache,
        home: EngineKind,
        bytes: Arc<[u8]>,
        hash: ContentHash,
        name: String,
    ) -> wasmtime::Result<Self> {
        let started = std::time::Instant::now();
        let (component, compiled_now) =
            cache.get_or_compile_watched(engine, hash, &name, bytes.len(), || Component::new(engine, &bytes))?;
        let functions = list(&component, engine).into();
        let imports = super::host::list(&component, engine).into();
        tracing::debug!(
            component = %name,
            bytes = bytes.len(),
            cache = if compiled_now { "miss" } else { "hit" },
            elapsed_ms = started.elapsed().as_secs_f64() * 1e3,
            "compile component"
        );
        Ok(Self {
            component,
            hash,
            home,
            name,
            functions,
            imports,
            bytes,
            variants: Default::default(),
            pres: Default::default(),
        })
    }

    /// The component compiled for `kind` on `engine` (its home kind: as compiled). The first
    /// time takes as long as the first compile: call it on a worker thread.
    pub fn variant(&self, kind: EngineKind, engine: &Engine) -> WasmResult<&Component> {
        if kind == self.home {
            return Ok(&self.component);
        }
        let slot = self.variants.get(kind.index()).ok_or_else(|| WasmError::bug("no such engine kind"))?;
        slot.get_or_init(|| {
            Component::new(engine, &self.bytes)
                .map_err(|e| WasmError::compile(format!("compiling {} for {kind:?}: {e:#}", self.name)))
        })
        .as_ref()
        .map_err(Clone::clone)
    }

    /// `variant`, linked with WASI 0.2 (5001 naming what the linker lacks).
    pub fn pre(&self, kind: EngineKind, engine: &Engine, linker: &Linker) -> WasmResult<&InstancePre<StoreData>> {
        let component = self.variant(kind, engine)?;
        let slot = self.pres.get(kind.index()).ok_or_else(|| WasmError::bug("no such engine kind"))?;
        slot.get_or_init(|| {
            // JS-provided imports get trampolines in a linker of this component's own.
            let own;
            let linker = if self.imports.is_empty() {
                linker
            } else {
                let mut with_host = linker.clone();
                super::host::define(&mut with_host, &self.imports)?;
                own = with_host;
                &own
            };
            linker.instantiate_pre(component).map_err(|e| {
                WasmError::instantiate(format!(
                    "cannot link the component's imports: {e:#} (WASI 0.2 interfaces are provided; others are not yet)"
                ))
            })
        })
        .as_ref()
        .map_err(Clone::clone)
    }

    /// The function `name` names: exactly, or without its interface's version when the
    /// component exports only one version of that interface.
    pub fn function_index(&self, name: &str) -> Option<usize> {
        if let Some(index) = self.functions.iter().position(|f| f.name == name) {
            return Some(index);
        }
        let mut matches = self
            .functions
            .iter()
            .enumerate()
            .filter(|(_, f)| super::exports::unversioned(&f.name).as_deref() == Some(name));
        match (matches.next(), matches.next()) {
            (Some((index, _)), None) => Some(index),
            _ => None,
        }
    }
}

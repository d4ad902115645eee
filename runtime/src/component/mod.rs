//! Components: WebAssembly components (the Component Model) compiled, instantiated with
//! WASI 0.2 and called with typed values from JS.
//!
//! - `compiled.rs`: a compiled component and its exported functions (`exports.rs`);
//! - `instance.rs`: a live component instance: its store, calls, `run()` and resources;
//! - `typescript.rs`: the TypeScript declarations of a component's exports (`componentTypes`);
//! - `values.rs`: JS values <-> WIT values by the declared types (jco's mapping), in the
//!   byte form of `wire.rs`.
//!
//! A component is told from a core module by its header (`compile` takes both), and
//! lives in the same handle space; everything else is its own, beside the core paths.
//! Limits (fuel, timeouts, memory) and WASI options are the same as for modules.

mod compiled;
mod exports;
mod instance;
pub mod typescript;
mod values;
mod wire;

pub use compiled::CompiledComponent;
pub use instance::{create, ComponentInstance};

use crate::error::{ErrorCode, WasmError, WasmResult};
use crate::instance::StoreData;

/// The linker components are instantiated with: WASI 0.2.
pub type Linker = wasmtime::component::Linker<StoreData>;

/// A linker with WASI 0.2 (wasmtime-wasi's p2), async flavour as for modules (its host
/// functions may wait for I/O without blocking the thread).
pub fn new_linker(engine: &wasmtime::Engine) -> WasmResult<Linker> {
    let mut linker = Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut linker)
        .map_err(|e| WasmError::bug(format!("component linker: {e:#}")))?;
    Ok(linker)
}

/// The exported functions of `compiled` for JS, in index order, each with its unversioned
/// name when that is unambiguous.
pub fn function_infos(compiled: &CompiledComponent) -> Vec<crate::generated::ComponentFunctionInfo> {
    compiled
        .functions
        .iter()
        .map(|f| crate::generated::ComponentFunctionInfo {
            name: f.name.clone(),
            alias: exports::unversioned(&f.name).filter(|alias| compiled.function_index(alias).is_some()),
            interface: f.interface.clone(),
            member: f.member.clone(),
            kind: f.kind.as_str().to_string(),
            resource: f.resource_key(),
            params: f.params.clone(),
            unsupported: f.unsupported.clone(),
        })
        .collect()
}

/// The TypeScript declarations of the component in `bytes` (binary or text), titled
/// `title`: 5000 when it does not compile, 5015 when it is a core module.
pub fn component_typescript(bytes: &[u8], title: &str) -> WasmResult<String> {
    let binary = wat::parse_bytes(bytes).map_err(|e| WasmError::compile(format!("{title}: {e}")))?;
    if !wasmparser::Parser::is_component(&binary) {
        return Err(not_for_components(format!("{title} is a core module, not a component: it has no WIT types")));
    }
    let engine = crate::engine::new_engine()?;
    let component = wasmtime::component::Component::new(&engine, &binary)
        .map_err(|e| WasmError::compile(format!("cannot compile {title}: {e:#}")))?;
    Ok(typescript::declarations(&component, &engine, title))
}

/// 5015: an operation that does not apply to components (or to this component).
pub fn not_for_components(message: impl Into<String>) -> WasmError {
    WasmError::new(ErrorCode::ComponentUnsupported, message)
}

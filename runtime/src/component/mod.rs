//! Components: WebAssembly components (the Component Model) compiled, instantiated with
//! WASI 0.2 and called with typed values from JS.
//!
//! - `compiled.rs`: a compiled component and its exported functions (`exports.rs`);
//! - `host.rs`: imports implemented in JS (trampolines that ask the call's driver);
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
mod host;
mod instance;
pub mod typescript;
mod values;
mod wire;

pub use compiled::CompiledComponent;
pub use instance::{create, ComponentInstance};

use crate::error::{ErrorCode, WasmError, WasmResult};
use crate::instance::StoreData;

/// The linker components are instantiated with: WASI 0.2, and 0.3 on engines with
/// concurrency support.
pub type Linker = wasmtime::component::Linker<StoreData>;

/// A linker with WASI 0.2 (wasmtime-wasi's p2), async flavour as for modules (its host
/// functions may wait for I/O without blocking the thread), and with `p3` WASI 0.3 too
/// (wasmtime-wasi's p3, marked experimental in Wasmtime 48).
pub fn new_linker(engine: &wasmtime::Engine, p3: bool) -> WasmResult<Linker> {
    let mut linker = Linker::new(engine);
    let failed = |e: wasmtime::Error| WasmError::bug(format!("component linker: {e:#}"));
    wasmtime_wasi::p2::add_to_linker_async(&mut linker).map_err(failed)?;
    if p3 {
        wasmtime_wasi::p3::add_to_linker(&mut linker).map_err(failed)?;
    }
    Ok(linker)
}

/// Whether the component (binary) imports or exports a WASI 0.3 interface, so that it
/// needs an engine with concurrency support and the p3 linker. (A component that uses the
/// async ABI without naming WASI 0.3 is found when the plain engine refuses it: see
/// `needs_concurrency`.)
pub fn needs_wasi_p3(binary: &[u8]) -> bool {
    use wasmparser::{Parser, Payload};
    let wasi_p3 = |name: &str| name.starts_with("wasi:") && name.contains("@0.3");
    Parser::new(0).parse_all(binary).any(|payload| match payload {
        Ok(Payload::ComponentImportSection(imports)) => imports.into_iter().flatten().any(|i| wasi_p3(i.name.name)),
        Ok(Payload::ComponentExportSection(exports)) => exports.into_iter().flatten().any(|e| wasi_p3(e.name.name)),
        _ => false,
    })
}

/// Whether a compile error says the component uses the component model's async features,
/// which only an engine with concurrency support compiles.
pub fn needs_concurrency(error: &wasmtime::Error) -> bool {
    error.chain().any(|cause| cause.to_string().contains("component model async feature"))
}

/// 5001 when the component has imports JS must provide and none were given (`hosted`),
/// 5015 when one of them is of a kind JS cannot provide yet.
pub fn check_imports(compiled: &CompiledComponent, hosted: bool) -> WasmResult<()> {
    if let Some(import) = compiled.imports.iter().find(|i| i.unsupported.is_some()) {
        let why = import.unsupported.as_deref().unwrap_or("");
        return Err(not_for_components(format!("the import \"{}\" cannot come from JS: {why}", import.name)));
    }
    if !hosted && !compiled.imports.is_empty() {
        let names: Vec<&str> = compiled.imports.iter().map(|i| i.name.as_str()).collect();
        return Err(WasmError::instantiate(format!(
            "the component imports functions that WASI does not provide; give them in `imports`: {}",
            names.join(", ")
        )));
    }
    Ok(())
}

/// The exported functions of `compiled` for JS, in index order, each with its unversioned
/// name when that is unambiguous.
pub fn function_infos(compiled: &CompiledComponent) -> Vec<crate::generated::ComponentFunctionInfo> {
    infos(compiled, &compiled.functions, true)
}

/// The imports JS must provide for `compiled`, in import index order.
pub fn import_infos(compiled: &CompiledComponent) -> Vec<crate::generated::ComponentFunctionInfo> {
    infos(compiled, &compiled.imports, false)
}

/// `aliases`: give each function its unversioned name when that finds it (exports only).
fn infos(
    compiled: &CompiledComponent,
    functions: &[exports::ExportedFunction],
    aliases: bool,
) -> Vec<crate::generated::ComponentFunctionInfo> {
    functions
        .iter()
        .map(|f| crate::generated::ComponentFunctionInfo {
            name: f.name.clone(),
            alias: exports::unversioned(&f.name).filter(|alias| aliases && compiled.function_index(alias).is_some()),
            interface: f.interface.clone(),
            member: f.member.clone(),
            kind: f.kind.as_str().to_string(),
            resource: f.resource_key(),
            params: f.params.clone(),
            unsupported: f.unsupported.clone(),
            returns_result: f.returns_result,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wasi_p3_imports_are_found() {
        let component =
            |import: &str| wat::parse_str(format!(r#"(component (import "{import}" (instance)))"#)).unwrap();
        assert!(needs_wasi_p3(&component("wasi:cli/environment@0.3.0")));
        assert!(needs_wasi_p3(&component("wasi:filesystem/types@0.3.0-rc-2025-09-16")));
        assert!(!needs_wasi_p3(&component("wasi:cli/environment@0.2.0")));
        assert!(!needs_wasi_p3(&component("my:plugin/api@0.3.0")));
        assert!(!needs_wasi_p3(&wat::parse_str("(component)").unwrap()));
        // Exporting a WASI 0.3 interface counts too (a p3 command exports `run@0.3.0`).
        let exports =
            wat::parse_str(r#"(component (instance $i) (export "wasi:cli/run@0.3.0" (instance $i)))"#).unwrap();
        assert!(needs_wasi_p3(&exports));
    }
}

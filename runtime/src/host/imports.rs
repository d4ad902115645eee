//! Linking a module whose imports JS provides: WASI where the module imports it and JS
//! does not override it, a trampoline for every host function, and one 5001 naming every
//! import that nothing provides.

use std::future::poll_fn;
use std::sync::Arc;
use std::task::Poll;

use wasmtime::{Caller, Extern, ExternType, FuncType, InstancePre, Linker, Module, Val};

use crate::error::{WasmError, WasmResult};
use crate::generated::{ExportKind, HostImport, ImportInfo};
use crate::instance::StoreData;
use crate::values::{type_name, value_type};

use crate::host_link::{HostFailure, HostLink, Reentry};

/// The WASI preview 1 module name, which the runtime's linker provides.
const WASI: &str = "wasi_snapshot_preview1";

/// Every import of `module`, with its signature, for the JS side of `instantiate`.
pub fn describe_imports(module: &Module) -> Vec<ImportInfo> {
    module
        .imports()
        .map(|import| {
            let (kind, params, results) = match import.ty() {
                ExternType::Func(ty) => (
                    ExportKind::Func,
                    ty.params().map(|t| value_type(&t)).collect(),
                    ty.results().map(|t| value_type(&t)).collect(),
                ),
                ExternType::Memory(_) => (ExportKind::Memory, Vec::new(), Vec::new()),
                ExternType::Table(_) => (ExportKind::Table, Vec::new(), Vec::new()),
                ExternType::Global(_) => (ExportKind::Global, Vec::new(), Vec::new()),
                ExternType::Tag(_) => (ExportKind::Tag, Vec::new(), Vec::new()),
            };
            ImportInfo {
                module: import.module().to_string(),
                name: import.name().to_string(),
                kind,
                params,
                results,
                wasi: import.module() == WASI,
            }
        })
        .collect()
}

/// Link `module` with the host functions `given` (by their index in that list) on top
/// of `base` (WASI). Returns the pre-linked module and the link its store will share
/// with its trampolines.
pub fn link_with_host_functions(
    base: &Linker<StoreData>,
    module: &Module,
    given: &[HostImport],
) -> WasmResult<(InstancePre<StoreData>, Arc<HostLink>)> {
    if let Some(error) = missing_imports(module, given) {
        return Err(error);
    }
    let mut linker = base.clone();
    // A host function may replace one WASI function.
    linker.allow_shadowing(true);
    let mut results = vec![Vec::new(); given.len()];
    for import in module.imports() {
        let found = given.iter().position(|g| g.module == import.module() && g.name == import.name());
        if let (Some(index), ExternType::Func(ty)) = (found, import.ty()) {
            results[index] = ty.results().collect();
            define_trampoline(&mut linker, import.module(), import.name(), ty, index as u32)?;
        }
    }
    let pre = linker
        .instantiate_pre(module)
        .map_err(|e| WasmError::instantiate(format!("cannot link the module's imports: {e:#}")))?;
    let names = given.iter().map(|g| format!("{}.{}", g.module, g.name)).collect();
    Ok((pre, Arc::new(HostLink::new(names, results))))
}

/// 5001 naming every import of `module` that neither WASI nor `given` provides (and
/// every one `given` cannot provide: JS gives functions only, of number types only).
pub fn missing_imports(module: &Module, given: &[HostImport]) -> Option<WasmError> {
    let mut missing = Vec::new();
    for import in module.imports() {
        let found = given.iter().any(|g| g.module == import.module() && g.name == import.name());
        let name = format!("{}.{}", import.module(), import.name());
        match (found, import.ty()) {
            (true, ExternType::Func(ty)) => {
                if let Some(bad) = ty.params().chain(ty.results()).find(|t| !is_number(t)) {
                    missing.push(format!(
                        "{name} ({}: JS host functions take and return i32, i64, f32 and f64 only, not {bad})",
                        describe_type(&ExternType::Func(ty.clone()))
                    ));
                }
            }
            (true, other) => missing.push(format!("{name} (a {}: only functions can come from JS)", kind_name(&other))),
            (false, _) if import.module() == WASI => {}
            (false, ty) => missing.push(format!("{name} ({})", describe_type(&ty))),
        }
    }
    if missing.is_empty() {
        return None;
    }
    Some(WasmError::instantiate(format!(
        "{} import(s) not provided: {}; give each in instantiate's `imports` option",
        missing.len(),
        missing.join(", ")
    )))
}

fn is_number(ty: &wasmtime::ValType) -> bool {
    matches!(ty, wasmtime::ValType::I32 | wasmtime::ValType::I64 | wasmtime::ValType::F32 | wasmtime::ValType::F64)
}

/// The trampoline for host import `index`: post the request, wait for JS's answer.
fn define_trampoline(
    linker: &mut Linker<StoreData>,
    module: &str,
    name: &str,
    ty: FuncType,
    index: u32,
) -> WasmResult<()> {
    linker
        .func_new_async(module, name, ty, move |mut caller, params, results| {
            Box::new(async move {
                let Some(link) = caller.data().host.clone() else {
                    return Err(wasmtime::Error::new(HostFailure(WasmError::bug(
                        "a host import ran in a store without a host link",
                    ))));
                };
                // The memory export is looked up once per store (by name, on every call,
                // it would cost a hash lookup per host call).
                let memory = memory_window(&mut caller);
                link.post(index, params, memory);
                loop {
                    // Pending until the driver answers, or JS calls back into the
                    // instance; it polls again right after, so no waker is needed.
                    let next = poll_fn(|_| {
                        if let Some(answer) = link.take_answer(results) {
                            return Poll::Ready(Next::Answer(answer));
                        }
                        link.take_reentry().map_or(Poll::Pending, |reentry| Poll::Ready(Next::Reenter(reentry)))
                    })
                    .await;
                    match next {
                        Next::Answer(answer) => {
                            return answer.map_err(|error| wasmtime::Error::new(HostFailure(error)))
                        }
                        Next::Reenter(reentry) => {
                            link.set_reentry_running(true);
                            let outcome = reenter(&mut caller, reentry).await;
                            link.set_reentry_running(false);
                            let memory = memory_window(&mut caller);
                            link.finish_reentry(outcome, memory);
                        }
                    }
                }
            })
        })
        .map(drop)
        .map_err(|e| WasmError::bug(format!("defining host import {module}.{name}: {e:#}")))
}

/// What a suspended trampoline is woken for.
enum Next {
    Answer(WasmResult<()>),
    Reenter(Reentry),
}

/// The caller's `memory` export (looked up once per store: by name on every call it
/// would cost a hash lookup per host call), as a base pointer and length.
fn memory_window(caller: &mut Caller<'_, StoreData>) -> Option<(*mut u8, usize)> {
    let memory = match caller.data().host_memory {
        Some(memory) => memory,
        None => {
            let memory = match caller.get_export("memory") {
                Some(Extern::Memory(memory)) => Some(memory),
                _ => None,
            };
            caller.data_mut().host_memory = Some(memory);
            memory
        }
    };
    memory.map(|memory| (memory.data_ptr(&*caller), memory.data_size(&*caller)))
}

/// Run a call of the instance's export from inside one of its host functions, on the
/// suspended call's store. Its own host functions nest on top of the waiting one.
async fn reenter(caller: &mut Caller<'_, StoreData>, reentry: Reentry) -> WasmResult<Vec<Val>> {
    let func = match caller.get_export(&reentry.export) {
        Some(Extern::Func(func)) => func,
        _ => return Err(WasmError::export_not_found(format!("the instance has no function \"{}\"", reentry.export))),
    };
    let mut results = vec![Val::I32(0); reentry.results];
    match func.call_async(&mut *caller, &reentry.params, &mut results).await {
        Ok(()) => Ok(results),
        Err(error) => Err(crate::traps::call_error(&reentry.export, error)),
    }
}

fn kind_name(ty: &ExternType) -> &'static str {
    match ty {
        ExternType::Func(_) => "function",
        ExternType::Memory(_) => "memory",
        ExternType::Table(_) => "table",
        ExternType::Global(_) => "global",
        ExternType::Tag(_) => "tag",
    }
}

/// `function (i32, i64) -> f64`, or the kind for other imports.
fn describe_type(ty: &ExternType) -> String {
    match ty {
        ExternType::Func(ty) => {
            let list = |types: &mut dyn Iterator<Item = wasmtime::ValType>| {
                types.map(|t| type_name(value_type(&t))).collect::<Vec<_>>().join(", ")
            };
            format!("function ({}) -> ({})", list(&mut ty.params()), list(&mut ty.results()))
        }
        other => kind_name(other).to_string(),
    }
}

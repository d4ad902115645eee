//! Component imports implemented in JS: the imports WASI does not provide (`my:host/api`
//! functions, top-level function imports) become trampolines that post a request to the
//! running call's driver (`crate::host_link::ComponentHostLink`) and wait for JS's answer.
//!
//! The driver is the call op itself (`ComponentInstance::call_hosted`): it returns each
//! request to JS as an event, and JS answers with the next op, sync or after awaiting a
//! promise. While a host function runs, the wasm call is suspended on its fiber (and on a
//! thread of its own once it has waited), so the event loop keeps running.
//!
//! Values go both ways in the byte form of `super::wire`; a host function's result is
//! checked against the import's declared type before it reaches wasm (5007 naming the
//! import). An import returning `result<T, E>` gets `ok(value)` from a return and
//! `err(payload)` from a throw of an object with a `payload` (as `WasmError` 5014 has).

use wasmtime::component::types::{ComponentFunc, ComponentItem, Type};
use wasmtime::component::{Component, Val};
use wasmtime::Engine;

use super::exports::{ExportedFunction, FunctionKind};
use super::values::{camel_case, to_val, unsupported, write_val, Moves, Path, Resources};
use super::wire::{read_value, Writer};
use super::Linker;
use crate::error::{WasmError, WasmResult};
use crate::host_link::{ComponentAnswer, ComponentRequest, HostFailure};
use crate::instance::StoreData;

/// The imports JS must provide: every function import outside `wasi:*`, top-level ones
/// first, then those of imported interfaces, in the component's order. Described like
/// exports (`name` is `<interface>#<func>` or `<func>`, `member` its camelCase).
pub fn list(component: &Component, engine: &Engine) -> Vec<ExportedFunction> {
    let mut out = Vec::new();
    for (name, import) in component.component_type().imports(engine) {
        match import.ty {
            ComponentItem::ComponentFunc(func) => out.push(describe(None, name, &func)),
            ComponentItem::ComponentInstance(instance) if !name.starts_with("wasi:") => {
                for (func_name, item) in instance.exports(engine) {
                    match item.ty {
                        ComponentItem::ComponentFunc(func) => out.push(describe(Some(name), func_name, &func)),
                        ComponentItem::Resource(_) => out.push(ExportedFunction {
                            name: format!("{name}#{func_name}"),
                            interface: Some(name.to_string()),
                            func: func_name.to_string(),
                            kind: FunctionKind::Func,
                            resource: Some(func_name.to_string()),
                            member: camel_case(func_name),
                            params: Vec::new(),
                            unsupported: Some("resources cannot be implemented in JS yet".to_string()),
                            returns_result: false,
                        }),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn describe(interface: Option<&str>, func: &str, ty: &ComponentFunc) -> ExportedFunction {
    let unsupported = if ty.async_() {
        Some("it is a WASI 0.3 `async` function".to_string())
    } else {
        ty.params().map(|(_, t)| t).chain(ty.results()).find_map(|t| match t {
            Type::Own(_) | Type::Borrow(_) => {
                Some("it takes or returns a resource, which JS cannot provide yet".into())
            }
            other => unsupported(&other).map(|kind| format!("it takes or returns a {kind}, which JS cannot pass yet")),
        })
    };
    ExportedFunction {
        name: interface.map_or_else(|| func.to_string(), |i| format!("{i}#{func}")),
        interface: interface.map(str::to_string),
        func: func.to_string(),
        kind: FunctionKind::Func,
        resource: None,
        member: camel_case(func),
        params: ty.params().map(|(n, _)| camel_case(n)).collect(),
        unsupported,
        returns_result: matches!(ty.results().next(), Some(Type::Result(_))),
    }
}

/// Define a trampoline for each of `imports` (those `list` found) in `linker`.
pub fn define(linker: &mut Linker, imports: &[ExportedFunction]) -> WasmResult<()> {
    let failed =
        |e: wasmtime::Error| WasmError::instantiate(format!("cannot define the component's JS imports: {e:#}"));
    for (index, import) in imports.iter().enumerate() {
        if import.unsupported.is_some() {
            // Left undefined: linking then fails, and `instantiate` reports why first.
            continue;
        }
        let trampoline = Trampoline { index: index as u32, name: import.name.clone() };
        let define = move |linker: &mut wasmtime::component::LinkerInstance<'_, StoreData>, func: &str| {
            linker.func_new_async(func, move |store, ty, params, results| {
                let trampoline = trampoline.clone();
                Box::new(async move { trampoline.call(store, ty, params, results).await })
            })
        };
        match &import.interface {
            Some(interface) => define(&mut linker.instance(interface).map_err(failed)?, &import.func),
            None => define(&mut linker.root(), &import.func),
        }
        .map_err(failed)?;
    }
    Ok(())
}

#[derive(Clone)]
struct Trampoline {
    index: u32,
    name: String,
}

impl Trampoline {
    async fn call(
        &self,
        store: wasmtime::StoreContextMut<'_, StoreData>,
        ty: ComponentFunc,
        params: &[Val],
        results: &mut [Val],
    ) -> wasmtime::Result<()> {
        let fail = |error: WasmError| wasmtime::Error::new(HostFailure(error));
        let Some(link) = store.data().component_host.clone() else {
            return Err(fail(WasmError::bug("a component host import without a link")));
        };
        let mut args = Writer::default();
        args.length(params.len());
        let mut no_resources = Resources::default();
        for ((_, ty), val) in ty.params().zip(params) {
            write_val(&ty, val, &mut args, &mut no_resources);
        }
        let (answer, answered) = tokio::sync::oneshot::channel();
        link.post(ComponentRequest { import: self.index, args: args.bytes, answer }).map_err(fail)?;
        let answer = answered
            .await
            .map_err(|_| fail(WasmError::call(format!("host function \"{}\" was never answered", self.name))))?;
        let result_ty = ty.results().next();
        let value = match (answer, &result_ty) {
            (ComponentAnswer::Failed(error), _) => return Err(fail(error)),
            (ComponentAnswer::Value(bytes), Some(Type::Result(result))) => {
                Val::Result(Ok(self.payload(result.ok().as_ref(), &bytes, "return value").map_err(fail)?))
            }
            (ComponentAnswer::Err(bytes), Some(Type::Result(result))) => {
                Val::Result(Err(self.payload(result.err().as_ref(), &bytes, "thrown payload").map_err(fail)?))
            }
            (ComponentAnswer::Err(_), _) => {
                return Err(fail(WasmError::call(format!(
                    "host function \"{}\" threw a value with a `payload`, but its import returns no result type",
                    self.name
                ))))
            }
            (ComponentAnswer::Value(bytes), Some(ty)) => self.convert(ty, &bytes, "return value").map_err(fail)?,
            (ComponentAnswer::Value(_), None) => return Ok(()),
        };
        if let Some(slot) = results.first_mut() {
            *slot = value;
        }
        Ok(())
    }

    fn payload(&self, ty: Option<&Type>, bytes: &[u8], what: &str) -> WasmResult<Option<Box<Val>>> {
        match ty {
            Some(ty) => Ok(Some(Box::new(self.convert(ty, bytes, what)?))),
            None => Ok(None),
        }
    }

    fn convert(&self, ty: &Type, bytes: &[u8], what: &str) -> WasmResult<Val> {
        let wire = read_value(bytes)?;
        let what = format!("host function \"{}\" {what}", self.name);
        let path = Path::named(&what);
        to_val(ty, &wire, &path, &Resources::default(), &mut Moves::default())
    }
}

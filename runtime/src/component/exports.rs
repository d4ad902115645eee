//! The functions a component exports, found once when it is compiled: top-level ones
//! (`add`) and those of exported interfaces (`my:plugin/api@0.1.0#greet`), with the
//! resource functions' WIT mangling read (`[constructor]counter`, `[method]counter.incr`,
//! `[static]counter.zero`).

use wasmtime::component::types::ComponentItem;
use wasmtime::component::Component;
use wasmtime::Engine;

use super::values::{camel_case, unsupported};

/// What a function is to JS: a plain function, or one of a resource's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FunctionKind {
    Func,
    Constructor,
    Method,
    Static,
}

impl FunctionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FunctionKind::Func => "func",
            FunctionKind::Constructor => "constructor",
            FunctionKind::Method => "method",
            FunctionKind::Static => "static",
        }
    }
}

/// One exported function.
#[derive(Debug, Clone)]
pub struct ExportedFunction {
    /// The name `call` takes: `greet`, or `<interface>#<name>` (the interface's export
    /// name exactly, `my:plugin/api@0.1.0#greet`), as wit-component names core exports.
    pub name: String,
    /// The exported interface it belongs to (`None` for a top-level function).
    pub interface: Option<String>,
    /// Its name inside the interface, as the component spells it (`[method]counter.incr`).
    pub func: String,
    pub kind: FunctionKind,
    /// For a resource function: the resource's WIT name (`counter`).
    pub resource: Option<String>,
    /// The member name JS gives it: camelCase of the plain name (`incr`), `create` for a
    /// constructor.
    pub member: String,
    /// Parameter names, camelCase.
    pub params: Vec<String>,
    /// Why JS cannot call it yet (a p3 `async` function, a stream or future value).
    pub unsupported: Option<String>,
    /// Its result type is a `result` (an import's host function may then throw its err).
    pub returns_result: bool,
}

impl ExportedFunction {
    /// The key of its resource (`my:plugin/api@0.1.0#counter`).
    pub fn resource_key(&self) -> Option<String> {
        let resource = self.resource.as_ref()?;
        Some(format!("{}#{resource}", self.interface.as_deref().unwrap_or("")))
    }
}

/// Every function the component exports, top-level first, in the component's order.
pub fn list(component: &Component, engine: &Engine) -> Vec<ExportedFunction> {
    let mut out = Vec::new();
    let ty = component.component_type();
    for (name, export) in ty.exports(engine) {
        match export.ty {
            ComponentItem::ComponentFunc(func) => out.push(function(None, name, &func)),
            ComponentItem::ComponentInstance(instance) => {
                for (inner, item) in instance.exports(engine) {
                    if let ComponentItem::ComponentFunc(func) = item.ty {
                        out.push(function(Some(name), inner, &func));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn function(interface: Option<&str>, func: &str, ty: &wasmtime::component::types::ComponentFunc) -> ExportedFunction {
    let (kind, resource, plain) = demangle(func);
    let name = match interface {
        Some(interface) => format!("{interface}#{func}"),
        None => func.to_string(),
    };
    let why = if ty.async_() {
        Some("it is a WASI 0.3 `async` function".to_string())
    } else {
        ty.params()
            .map(|(_, t)| t)
            .chain(ty.results())
            .find_map(|t| unsupported(&t).map(|kind| format!("it takes or returns a {kind}, which JS cannot pass yet")))
    };
    ExportedFunction {
        name,
        interface: interface.map(str::to_string),
        func: func.to_string(),
        kind,
        resource: resource.map(str::to_string),
        member: if kind == FunctionKind::Constructor { "create".to_string() } else { camel_case(plain) },
        params: ty.params().map(|(n, _)| camel_case(n)).skip(usize::from(kind == FunctionKind::Method)).collect(),
        unsupported: why,
        returns_result: matches!(ty.results().next(), Some(wasmtime::component::types::Type::Result(_))),
    }
}

/// `[method]counter.incr` -> (Method, Some("counter"), "incr").
fn demangle(func: &str) -> (FunctionKind, Option<&str>, &str) {
    if let Some(resource) = func.strip_prefix("[constructor]") {
        return (FunctionKind::Constructor, Some(resource), resource);
    }
    for (prefix, kind) in [("[method]", FunctionKind::Method), ("[static]", FunctionKind::Static)] {
        if let Some((resource, name)) = func.strip_prefix(prefix).and_then(|rest| rest.split_once('.')) {
            return (kind, Some(resource), name);
        }
    }
    (FunctionKind::Func, None, func)
}

/// `my:plugin/api@0.1.0#greet` without its version (`my:plugin/api#greet`), when the
/// name has one.
pub fn unversioned(name: &str) -> Option<String> {
    let (interface, func) = name.split_once('#')?;
    let (bare, _version) = interface.split_once('@')?;
    Some(format!("{bare}#{func}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_resource_mangling() {
        assert_eq!(demangle("[constructor]counter"), (FunctionKind::Constructor, Some("counter"), "counter"));
        assert_eq!(demangle("[method]counter.add-from"), (FunctionKind::Method, Some("counter"), "add-from"));
        assert_eq!(demangle("[static]counter.zero"), (FunctionKind::Static, Some("counter"), "zero"));
        assert_eq!(demangle("greet"), (FunctionKind::Func, None, "greet"));
    }

    #[test]
    fn drops_the_version() {
        assert_eq!(unversioned("my:plugin/api@0.1.0#greet").as_deref(), Some("my:plugin/api#greet"));
        assert_eq!(unversioned("my:plugin/api#greet"), None);
        assert_eq!(unversioned("greet"), None);
    }
}

//! TypeScript spellings shared by the `.d.ts`, Markdown and HTML emitters: wire types as TS
//! types, parameter lists and function signatures, exactly as they appear in the declarations.

use crate::model::{Class, Field, Function, Model, WireType};

/// The TypeScript type of a wire type.
pub fn wire_ts(t: &WireType) -> String {
    match t {
        WireType::Bool => "boolean".into(),
        WireType::U32 | WireType::I32 | WireType::U64 | WireType::F64 => "number".into(),
        WireType::String => "string".into(),
        WireType::Bytes => "Uint8Array".into(),
        WireType::Void => "void".into(),
        WireType::List(inner) => array_of(&wire_ts(inner)),
        WireType::Map(inner) => format!("Record<string, {}>", wire_ts(inner)),
        WireType::Named(name) => name.clone(),
    }
}

/// The TypeScript type of a record field (the `ts=` override, else the wire type's; a
/// JS-only field always has `ts=`).
pub fn field_ts(f: &Field) -> String {
    match (&f.ts, &f.ty) {
        (Some(ts), _) => ts.text.clone(),
        (None, Some(ty)) => wire_ts(&ty.ty),
        (None, None) => "unknown".into(),
    }
}

/// `T[]`, parenthesising `T` when it is a union, intersection or function type.
pub fn array_of(ty: &str) -> String {
    if ty.contains('|') || ty.contains('&') || ty.contains("=>") {
        format!("({ty})[]")
    } else {
        format!("{ty}[]")
    }
}

/// `name: string, options?: Thing, ...args: Value[]`.
pub fn params(f: &Function) -> String {
    f.params
        .iter()
        .map(|p| {
            if p.variadic {
                format!("...{}: {}", p.name, array_of(&p.ty.text))
            } else if p.optional {
                format!("{}?: {}", p.name, p.ty.text)
            } else {
                format!("{}: {}", p.name, p.ty.text)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `name(params): Returns`.
pub fn signature(name: &str, f: &Function) -> String {
    format!("{name}({}): {}", params(f), f.returns.ty.text)
}

/// The name of the class errors are instances of: the first class extending `Error`.
pub fn error_class(model: &Model) -> String {
    model
        .classes
        .iter()
        .find(|c| c.extends.as_ref().is_some_and(|e| e.text.trim() == "Error"))
        .map_or_else(|| "Error".to_string(), |c| c.name.clone())
}

/// A class's declaration as shown in the docs: `class X extends Y {` with its properties
/// (readonly) and method signatures, one per line, and the closing brace.
pub fn class_declaration(c: &Class) -> String {
    let mut decl = format!("class {}", c.name);
    if let Some(e) = &c.extends {
        decl.push_str(&format!(" extends {}", e.text));
    }
    let mut members: Vec<String> = c
        .properties
        .iter()
        .map(|p| format!("  readonly {}{}: {};", p.name, if p.optional { "?" } else { "" }, p.ty.text))
        .collect();
    members.extend(c.methods.iter().map(|m| format!("  {};", signature(&m.name, m))));
    format!("{decl} {{\n{}\n}}", members.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_types_in_ts() {
        let t = WireType::Map(Box::new(WireType::List(Box::new(WireType::U32))));
        assert_eq!(wire_ts(&t), "Record<string, number[]>");
        assert_eq!(array_of("number | bigint"), "(number | bigint)[]");
        let m = crate::emit::test_spec::model();
        assert_eq!(signature("make", &m.functions[0]), "make(name: string, options?: Thing): Promise<Handle>");
        assert_eq!(params(&m.classes[0].methods[0]), "...extra: number[]");
        assert_eq!(error_class(&m), "DemoError");
    }
}

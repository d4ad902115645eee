//! The Rust side of the spec, in two files built with `quote!`, checked by parsing with
//! `syn` and formatted with `prettyplease`:
//!
//! - `generated/rust/types.rs`: the error-code enum, the wire types (enums, records,
//!   unions) with serde + schemars, and the export list. It needs no JS engine, so the
//!   runtime crate compiles it unconditionally, mounted as `crate::generated`.
//! - `generated/rust/ops.rs`: one `#[op2]` shim per op calling `crate::ops::<impl>` and the
//!   `deno_core::extension!` declaration; compiled only with a JS engine selected.
//!
//! Both are compiled inside the runtime crate as modules, so they use absolute paths and no
//! inner attributes. deno_core's `#[op2]` recognises `OpState`, `Rc<RefCell<..>>` and
//! `JsBuffer` by their bare names only, so those are imported at the top of ops.rs.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use crate::emit::{preamble, EmitError, Files};
use crate::model::*;
use crate::names;

pub const PATH: &str = "generated/rust/ops.rs";
pub const TYPES_PATH: &str = "generated/rust/types.rs";

/// Where the hand-written JS of the extension lives, relative to the runtime crate.
const JS_MODULE_FILE: &str = "js/10_wasm.js";
/// The hand-written JS of components, loaded by the module script.
const JS_COMPONENT_FILE: &str = "js/20_component.js";
/// Where the generated bindings script lives, relative to the runtime crate.
const JS_BINDINGS_FILE: &str = "../generated/js/00_bindings.js";

pub fn emit(model: &Model) -> Result<Files, EmitError> {
    let file = |path: &str, rendered: syn::Result<String>| {
        // The model is validated, so invalid Rust is a bug in this emitter: fail the run.
        let text = rendered.map_err(|err| EmitError {
            path: path.to_string(),
            message: format!("the emitted Rust does not parse: {err}"),
        })?;
        Ok((path.to_string(), format!("// {}\n\n{text}", preamble(model))))
    };
    Ok(vec![
        file(TYPES_PATH, render(types_tokens(model), None))?,
        file(PATH, render(ops_tokens(model), Some(extension(model))))?,
    ])
}

/// The file body: prettyplease-formatted items separated by blank lines (consecutive `use`s
/// stay together), then the `extension!` invocation, checked by parsing the result.
fn render(tokens: TokenStream, trailer: Option<String>) -> syn::Result<String> {
    let file: syn::File = syn::parse2(tokens)?;
    let mut chunks: Vec<Vec<syn::Item>> = Vec::new();
    for item in file.items {
        let is_use = matches!(item, syn::Item::Use(_));
        match chunks.last_mut() {
            Some(last) if is_use && matches!(last.last(), Some(syn::Item::Use(_))) => last.push(item),
            _ => chunks.push(vec![item]),
        }
    }
    let mut parts: Vec<String> = chunks
        .into_iter()
        .map(|items| prettyplease::unparse(&syn::File { shebang: None, attrs: Vec::new(), items }))
        .collect();
    parts.extend(trailer);
    let text = parts.join("\n");
    syn::parse_file(&text)?;
    Ok(text)
}

/// The extension's Rust name: the module specifier with non-identifier characters as `_`.
pub fn extension_name(model: &Model) -> String {
    model.module.specifier.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect()
}

fn ops_tokens(model: &Model) -> TokenStream {
    let ops = model.ops.iter().map(op_tokens);
    quote! {
        #[allow(unused_imports)]
        use ::deno_core::JsBuffer;
        #[allow(unused_imports)]
        use ::deno_core::OpState;
        #[allow(unused_imports)]
        use ::std::cell::RefCell;
        #[allow(unused_imports)]
        use ::std::rc::Rc;
        #[allow(unused_imports)]
        use crate::generated::*;

        #(#ops)*
    }
}

fn types_tokens(model: &Model) -> TokenStream {
    let error_code = error_code(model);
    let enums = model.enums.iter().map(enum_tokens);
    let records = model.records.iter().map(|r| record_tokens(model, r));
    let unions = model.unions.iter().map(union_tokens);
    let specifier = &model.module.specifier;
    let exports = model.export_names();
    let schemas = json_schemas(model);
    quote! {
        #[doc = " The import specifier of the module."]
        pub const MODULE_SPECIFIER: &str = #specifier;

        #[doc = " The names the JS module exports, sorted."]
        pub const EXPORT_NAMES: &[&str] = &[#(#exports),*];

        #error_code
        #(#enums)*
        #(#records)*
        #(#unions)*
        #schemas
    }
}

/// `json_schemas()`: the JSON Schema documents published under `generated/schema/`, one per
/// public record, made by schemars from the derives above. The runtime crate's schema test
/// writes and checks the files from it, so the schemas cannot drift from the wire types.
fn json_schemas(model: &Model) -> TokenStream {
    let preamble = preamble(model);
    let documents = model.records.iter().filter(|r| !r.internal).map(|r| {
        let ident = format_ident!("{}", r.name);
        let file = format!("{}.schema.json", r.name);
        quote! { document::<#ident>(#file) }
    });
    quote! {
        #[doc = " The JSON Schema documents published under `generated/schema/`, one per public record,"]
        #[doc = " derived by schemars from the types above: `(file name, document)`, in spec order."]
        pub fn json_schemas() -> ::std::vec::Vec<(&'static str, ::schemars::Schema)> {
            fn document<T: ::schemars::JsonSchema>(file: &'static str) -> (&'static str, ::schemars::Schema) {
                let mut schema = ::schemars::schema_for!(T);
                schema.insert("$id".into(), file.into());
                schema.insert("$comment".into(), #preamble.into());
                (file, schema)
            }
            ::std::vec::Vec::from([#(#documents),*])
        }
    }
}

/// `#[doc = " line"]` per line of `text`, so prettyplease prints `/// line`.
fn doc_attrs(text: &str) -> TokenStream {
    let lines = text.trim().lines().map(|l| {
        let line = if l.trim().is_empty() { String::new() } else { format!(" {}", l.trim_end()) };
        quote! { #[doc = #line] }
    });
    quote! { #(#lines)* }
}

fn error_code(model: &Model) -> TokenStream {
    let idents: Vec<Ident> = model.errors.iter().map(|e| format_ident!("{}", e.name)).collect();
    let codes: Vec<Literal> = model.errors.iter().map(|e| Literal::u16_unsuffixed(e.code)).collect();
    let names: Vec<&str> = model.errors.iter().map(|e| e.name.as_str()).collect();
    let meanings: Vec<&str> = model.errors.iter().map(|e| e.meaning.as_str()).collect();
    let docs = model.errors.iter().map(|e| doc_attrs(&format!("{} {}: {}\n\n{}", e.code, e.name, e.meaning, e.doc)));
    quote! {
        #[doc = " Every error code of the module: `WasmError.code` in JS."]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[repr(u16)]
        pub enum ErrorCode {
            #( #docs #idents = #codes, )*
        }

        impl ErrorCode {
            #[doc = " Every code, in table order."]
            pub const ALL: &'static [ErrorCode] = &[#(ErrorCode::#idents),*];

            #[doc = " The numeric code."]
            pub fn code(self) -> u16 {
                self as u16
            }

            #[doc = " The code's name, e.g. `CompileError` (the JS error's `name`)."]
            pub fn name(self) -> &'static str {
                match self {
                    #( ErrorCode::#idents => #names, )*
                }
            }

            #[doc = " The code's short meaning."]
            pub fn meaning(self) -> &'static str {
                match self {
                    #( ErrorCode::#idents => #meanings, )*
                }
            }

            #[doc = " The code with this number, if there is one."]
            pub fn from_code(code: u16) -> ::std::option::Option<Self> {
                match code {
                    #( #codes => ::std::option::Option::Some(ErrorCode::#idents), )*
                    _ => ::std::option::Option::None,
                }
            }
        }
    }
}

fn enum_tokens(e: &Enum) -> TokenStream {
    let doc = doc_attrs(&e.doc);
    let name = format_ident!("{}", e.name);
    let variants = e.values.iter().map(|v| {
        let doc = doc_attrs(&v.doc);
        let ident = format_ident!("{}", names::to_upper_camel(&v.value));
        let value = &v.value;
        quote! { #doc #[serde(rename = #value)] #ident, }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, ::serde::Serialize, ::serde::Deserialize, ::schemars::JsonSchema)]
        pub enum #name {
            #(#variants)*
        }
    }
}

/// The Rust type of a wire type (`void` is `()`).
pub fn rust_type(t: &WireType) -> TokenStream {
    match t {
        WireType::Bool => quote!(bool),
        WireType::U32 => quote!(u32),
        WireType::I32 => quote!(i32),
        WireType::U64 => quote!(u64),
        WireType::F64 => quote!(f64),
        WireType::String => quote!(String),
        // Inside records and unions bytes come from a Uint8Array through serde; ByteBuf
        // makes serde_v8 take the buffer's bytes instead of expecting an array of numbers.
        WireType::Bytes => quote!(::serde_bytes::ByteBuf),
        WireType::Void => quote!(()),
        WireType::List(inner) => {
            let inner = rust_type(inner);
            quote!(Vec<#inner>)
        }
        WireType::Map(inner) => {
            let inner = rust_type(inner);
            // Insertion order is kept: JS objects are ordered, and so are e.g. preopens.
            quote!(::indexmap::IndexMap<String, #inner>)
        }
        WireType::Named(name) => {
            let ident = format_ident!("{}", name);
            quote!(#ident)
        }
    }
}

/// schemars has no impl for `ByteBuf`: describe bytes as a list of numbers.
fn schema_attr(t: &WireType) -> TokenStream {
    if matches!(t, WireType::Bytes) {
        quote!(#[schemars(with = "Vec<u8>")])
    } else {
        quote!()
    }
}

/// Whether `#[derive(Default)]` works for a value of this type.
fn has_default(model: &Model, t: &WireType, depth: usize) -> bool {
    match t {
        WireType::Named(name) => match model.record(name) {
            Some(r) => depth < 16 && record_has_default(model, r, depth + 1),
            None => false,
        },
        _ => true,
    }
}

fn record_has_default(model: &Model, r: &Record, depth: usize) -> bool {
    r.wire_fields().all(|(f, ty)| f.optional || has_default(model, &ty.ty, depth))
}

fn record_tokens(model: &Model, r: &Record) -> TokenStream {
    let doc = doc_attrs(&r.doc);
    let name = format_ident!("{}", r.name);
    let default = if record_has_default(model, r, 0) { quote!(Default,) } else { quote!() };
    // JS-only fields are taken out by the JS module: neither the struct nor its schema has them.
    let fields = r.wire_fields().map(|(f, ty)| {
        let doc = doc_attrs(&f.doc);
        let snake = names::to_snake(&f.name);
        let ident = names::rust_ident(&snake);
        let rename = if names::serde_camel(&snake) != f.name || names::is_rust_keyword(&snake) {
            let n = &f.name;
            quote!(#[serde(rename = #n)])
        } else {
            quote!()
        };
        let schema = schema_attr(&ty.ty);
        let ty = rust_type(&ty.ty);
        if f.optional {
            quote! {
                #doc
                #rename
                #schema
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub #ident: ::std::option::Option<#ty>,
            }
        } else {
            quote! { #doc #rename #schema pub #ident: #ty, }
        }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #default ::serde::Serialize, ::serde::Deserialize, ::schemars::JsonSchema)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        pub struct #name {
            #(#fields)*
        }
    }
}

fn union_tokens(u: &Union) -> TokenStream {
    let doc = doc_attrs(&u.doc);
    let name = format_ident!("{}", u.name);
    let variants = u.variants.iter().map(|v| {
        let doc = doc_attrs(&v.doc);
        let ident = format_ident!("{}", v.name);
        let ty = rust_type(&v.ty.ty);
        let schema = schema_attr(&v.ty.ty);
        quote! { #doc #ident(#schema #ty), }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize, ::schemars::JsonSchema)]
        #[serde(untagged)]
        pub enum #name {
            #(#variants)*
        }
    }
}

/// One op argument: its attribute, name and type as `#[op2]` wants them. A sync op borrows
/// a JS buffer in place (`&mut [u8]`, no copy, results may be written back into it); an
/// async op needs an owned `JsBuffer` that outlives the call.
fn op_arg(a: &OpArg, is_async: bool) -> TokenStream {
    let ident = names::rust_ident(&a.name);
    match &a.ty.ty {
        WireType::U32 | WireType::I32 | WireType::F64 | WireType::Bool => {
            let ty = rust_type(&a.ty.ty);
            quote!(#ident: #ty)
        }
        WireType::String => quote!(#[string] #ident: String),
        WireType::Bytes if is_async => quote!(#[buffer] #ident: JsBuffer),
        WireType::Bytes => quote!(#[buffer] #ident: &mut [u8]),
        other => {
            let ty = rust_type(other);
            quote!(#[serde] #ident: #ty)
        }
    }
}

/// The attribute `#[op2]` needs on the function for this return type, and the Rust type.
fn op_return(t: &WireType) -> (TokenStream, TokenStream) {
    match t {
        WireType::Void => (quote!(), quote!(())),
        WireType::U32 | WireType::I32 | WireType::F64 | WireType::Bool => (quote!(), rust_type(t)),
        WireType::String => (quote!(#[string]), quote!(String)),
        WireType::Bytes => (quote!(#[buffer]), quote!(Vec<u8>)),
        other => (quote!(#[serde]), rust_type(other)),
    }
}

fn op_tokens(op: &Op) -> TokenStream {
    let raises = if op.raises.is_empty() {
        String::new()
    } else {
        let codes: Vec<String> = op.raises.iter().map(|c| c.code.to_string()).collect();
        format!("\n\nRaises: {}.", codes.join(", "))
    };
    let doc = doc_attrs(&format!("{}{raises}", op.doc));
    let name = format_ident!("{}", op.name);
    let implementation = format_ident!("{}", op.impl_name);
    let args = op.args.iter().map(|a| op_arg(a, op.is_async));
    let arg_names: Vec<Ident> = op.args.iter().map(|a| names::rust_ident(&a.name)).collect();
    let (ret_attr, ret_ty) = op_return(&op.returns.ty);
    let result = quote!(::std::result::Result<#ret_ty, crate::error::WasmError>);
    if op.is_async {
        quote! {
            #doc
            #[::deno_core::op2]
            #ret_attr
            pub async fn #name(state: Rc<RefCell<OpState>>, #(#args),*) -> #result {
                crate::ops::#implementation(state, #(#arg_names),*).await
            }
        }
    } else {
        let op2 = if op.fast { quote!(#[::deno_core::op2(fast)]) } else { quote!(#[::deno_core::op2]) };
        quote! {
            #doc
            #op2
            #ret_attr
            pub fn #name(state: &mut OpState, #(#args),*) -> #result {
                crate::ops::#implementation(state, #(#arg_names),*)
            }
        }
    }
}

/// The `extension!` invocation, written out by hand: prettyplease keeps macro bodies on as few
/// lines as possible and spaces `crate ::path`, which reads badly.
fn extension(model: &Model) -> String {
    let lit = |s: &str| Literal::string(s).to_string();
    let ext = extension_name(model);
    let module_spec = format!("ext:{ext}/10_wasm.js");
    let ops: String = model.ops.iter().map(|o| format!("        {},\n", o.name)).collect();
    format!(
        "::deno_core::extension!(\n    {ext},\n    ops = [\n{ops}    ],\n    lazy_loaded_js = [\n        {} = {},\n        {} = {},\n        {} = {},\n    ],\n    synthetic_esm = [{} = {}],\n    options = {{ config: crate::WasmConfig }},\n    state = |state, options| crate::ops::init(state, options.config),\n    docs = {}\n);\n",
        lit(&format!("ext:{ext}/00_bindings.js")),
        lit(JS_BINDINGS_FILE),
        lit(&module_spec),
        lit(JS_MODULE_FILE),
        lit(&format!("ext:{ext}/20_component.js")),
        lit(JS_COMPONENT_FILE),
        lit(&model.module.specifier),
        lit(&module_spec),
        lit(model.module.summary.trim()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::test_spec;

    fn output() -> String {
        let files = emit(&test_spec::model()).expect("the demo spec renders");
        format!("{}\n{}", test_spec::file(&files, TYPES_PATH), test_spec::file(&files, PATH))
    }

    #[test]
    fn parses_and_has_preamble() {
        let files = emit(&test_spec::model()).expect("the demo spec renders");
        for path in [TYPES_PATH, PATH] {
            let out = test_spec::file(&files, path);
            assert!(out.starts_with("// Generated by `cargo xtask codegen` from spec/demo.kdl. Do not edit by hand.\n"));
            assert!(!out.contains("compile_error!"), "{out}");
            assert!(!out.contains("//!"));
            syn::parse_file(out).expect("output parses");
        }
        let types = test_spec::file(&files, TYPES_PATH);
        assert!(!types.contains("deno_core"), "types.rs must not need a JS engine: {types}");
    }

    #[test]
    fn error_code_enum() {
        let out = output();
        assert!(out.contains("#[repr(u16)]\npub enum ErrorCode {"), "{out}");
        assert!(out.contains("BadThing = 7000,"));
        assert!(
            out.contains("pub const ALL: &'static [ErrorCode] = &[ErrorCode::BadThing, ErrorCode::LaterThing];"),
            "{out}"
        );
        assert!(out.contains("7001 => ::std::option::Option::Some(ErrorCode::LaterThing),"), "{out}");
        assert!(out.contains("ErrorCode::BadThing => \"Bad thing happened\","));
    }

    #[test]
    fn wire_types() {
        let out = output();
        assert!(out.contains("#[serde(rename = \"dark-blue\")]\n    DarkBlue,"), "{out}");
        assert!(out.contains("#[derive(\n    Debug,\n    Clone,\n    PartialEq,\n    Default,"), "{out}");
        assert!(out.contains("#[serde(rename_all = \"camelCase\", deny_unknown_fields)]\npub struct Thing {"));
        assert!(out.contains("    #[serde(rename = \"type\")]\n    pub r#type: f64,"), "{out}");
        assert!(
            !out.contains("on_done") && !out.contains("Called when done"),
            "JS-only fields stay out of Rust: {out}"
        );
        assert!(
            out.contains("pub tags: ::std::option::Option<\n        ::indexmap::IndexMap<String, Vec<u32>>,\n    >,")
                || out.contains("pub tags: ::std::option::Option<::indexmap::IndexMap<String, Vec<u32>>>,"),
            "{out}"
        );
        assert!(out.contains("#[serde(untagged)]\npub enum Shape {"));
        assert!(out.contains("    /// Several things.\n    Many(Vec<Thing>),"), "{out}");
        assert!(out.contains("/// Internal wire form.\n"));
    }

    #[test]
    fn json_schemas_list_the_public_records() {
        let out = output();
        assert!(
            out.contains("pub fn json_schemas() -> ::std::vec::Vec<(&'static str, ::schemars::Schema)> {"),
            "{out}"
        );
        assert!(out.contains("::std::vec::Vec::from([document::<Thing>(\"Thing.schema.json\")])"), "{out}");
        assert!(!out.contains("Wire.schema.json"), "internal records are not published: {out}");
        assert!(out.contains("schema.insert(\"$id\".into(), file.into());"), "{out}");
        assert!(out.contains("\"$comment\".into(),\n                \"Generated by `cargo xtask codegen` from spec/demo.kdl. Do not edit by hand.\""), "{out}");
    }

    #[test]
    fn op_shims() {
        let out = output();
        assert!(out.contains("#[::deno_core::op2]\n#[serde]\npub async fn op_wasm_module_make(\n    state: Rc<RefCell<OpState>>,\n    #[string]\n    name: String,\n    #[buffer]\n    data: JsBuffer,\n    #[serde]\n    thing: Thing,\n) -> ::std::result::Result<Vec<Wire>, crate::error::WasmError> {\n    crate::ops::make(state, name, data, thing).await\n}"), "{out}");
        assert!(out.contains("#[::deno_core::op2(fast)]\npub fn op_wasm_instance_size(\n    state: &mut OpState,\n    handle: u32,\n) -> ::std::result::Result<u32, crate::error::WasmError> {\n    crate::ops::instance_size(state, handle)\n}"), "{out}");
        assert!(out.contains("#[::deno_core::op2]\n#[buffer]\npub fn op_wasm_memory_read("), "{out}");
        assert!(out.contains("    #[buffer]\n    into: &mut [u8],\n"), "{out}");
        assert!(out.contains("/// Raises: 7000."));
    }

    #[test]
    fn extension_and_exports() {
        let out = output();
        assert!(out.contains("::deno_core::extension!("), "{out}");
        assert!(out.contains("demo_mod"));
        assert!(out.contains("    ops = [\n        op_wasm_module_make,\n        op_wasm_instance_size,\n        op_wasm_memory_read,\n    ],\n"), "{out}");
        assert!(out.contains("    state = |state, options| crate::ops::init(state, options.config),\n    docs = \"A demo module.\"\n);\n"), "{out}");
        assert!(out.contains("\"ext:demo_mod/00_bindings.js\" = \"../generated/js/00_bindings.js\""), "{out}");
        assert!(out.contains("synthetic_esm = [\"demo:mod\" = \"ext:demo_mod/10_wasm.js\"]"), "{out}");
        assert!(out.contains("options = { config: crate::WasmConfig }"), "{out}");
        assert!(out.contains("pub const MODULE_SPECIFIER: &str = \"demo:mod\";"));
        assert!(
            out.contains(
                "pub const EXPORT_NAMES: &[&str] = &[\"Bin\", \"DemoError\", \"ErrorCode\", \"helpers\", \"make\"];"
            ),
            "{out}"
        );
    }
}

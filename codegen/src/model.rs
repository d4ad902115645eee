//! The typed model of `spec/runtime-wasm.kdl`: plain serde structs, one per spec section.
//!
//! `parse` builds it from KDL (keeping the source span of every item), `validate` checks it,
//! and every emitter reads it. Nothing here knows about KDL or about any output format.

use serde::{Deserialize, Serialize};

use crate::diag::Span;

/// The whole spec, in source order within each section.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// Where the spec lives, relative to the repository root (e.g. `spec/runtime-wasm.kdl`);
    /// named by the preamble of every generated file.
    pub spec_file: String,
    pub module: Module,
    pub errors: Vec<ErrorDef>,
    pub aliases: Vec<Alias>,
    pub enums: Vec<Enum>,
    pub records: Vec<Record>,
    pub unions: Vec<Union>,
    pub ops: Vec<Op>,
    pub functions: Vec<Function>,
    pub classes: Vec<Class>,
    pub namespaces: Vec<Namespace>,
    /// The guides (`spec/guides/*.md`), in file-name order; empty for a spec loaded from text.
    #[serde(default)]
    pub guides: Vec<Guide>,
}

/// A guide page: Markdown from `spec/guides/<NN>-<slug>.md` (see `crate::guides`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Guide {
    /// The file name without its order prefix and extension: `host-functions`.
    pub slug: String,
    /// The path shown in diagnostics and in generated tests, e.g. `spec/guides/04-host-functions.md`.
    pub file: String,
    /// The text of the first `# ` heading.
    pub title: String,
    /// The first paragraph after the title, as Markdown.
    pub summary: String,
    /// The body after the title, with every `@example` line replaced by the spec example it
    /// names (a `ts` block and its `output` block).
    pub markdown: String,
    /// The guide's own `ts test` blocks, in order: each becomes a generated test.
    pub examples: Vec<GuideExample>,
}

/// A `ts test` code block of a guide and the `output` block after it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GuideExample {
    /// 1-based line of the code block's opening fence in the guide.
    pub line: usize,
    pub code: String,
    /// Exactly what the program prints (the `output` block's text, ending in a newline).
    pub stdout: String,
}

/// `module "<specifier>" { title; summary; doc }`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Module {
    /// The import specifier, e.g. `runtime:wasm`.
    pub specifier: String,
    pub title: String,
    /// One sentence; also the doc of the Rust `extension!`.
    pub summary: String,
    pub doc: String,
    pub span: Span,
}

/// `error <code> "<Name>" { meaning; doc; trigger | pending }`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ErrorDef {
    pub code: u16,
    pub name: String,
    /// Short text, the seed's "meaning" column.
    pub meaning: String,
    pub doc: String,
    /// Script body (with `wasm` bound to the module namespace) that must reject with this code.
    pub trigger: Option<String>,
    /// Why the trigger cannot run yet; its generated test is skipped with this reason.
    pub pending: Option<String>,
    pub span: Span,
}

/// A wire type expression: the types that cross the Rust <-> JS boundary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "of", rename_all = "camelCase")]
pub enum WireType {
    Bool,
    U32,
    I32,
    U64,
    F64,
    String,
    Bytes,
    Void,
    List(Box<WireType>),
    Map(Box<WireType>),
    /// An enum, record or union declared in the spec.
    Named(String),
}

impl WireType {
    /// Every declared name this type mentions, outermost first.
    pub fn named(&self) -> Vec<&str> {
        match self {
            WireType::List(inner) | WireType::Map(inner) => inner.named(),
            WireType::Named(name) => vec![name.as_str()],
            _ => Vec::new(),
        }
    }
}

/// A wire type with the span of the spec text it was parsed from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeRef {
    pub ty: WireType,
    /// The spec text, e.g. `map<Preopen>`.
    pub text: String,
    pub span: Span,
}

/// A TypeScript type expression, emitted as written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TsType {
    pub text: String,
    pub span: Span,
}

/// `alias "<Name>" type="<TS type>" { doc }`: a TypeScript-only type alias.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Alias {
    pub name: String,
    pub ty: TsType,
    pub doc: String,
    pub span: Span,
}

/// `enum "<Name>" { doc; value "<string>" doc="..." }`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Enum {
    pub name: String,
    pub doc: String,
    pub values: Vec<EnumValue>,
    pub span: Span,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EnumValue {
    /// The exact string on the wire and in TypeScript.
    pub value: String,
    pub doc: String,
    pub span: Span,
}

/// `record "<Name>" [internal=#true] { doc; field ... }`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub name: String,
    pub doc: String,
    /// Internal records are Rust-only wire forms: no TypeScript, no JSON Schema.
    pub internal: bool,
    pub fields: Vec<Field>,
    pub span: Span,
}

impl Record {
    /// The fields that cross the wire, with their wire types: every field but the JS-only ones.
    pub fn wire_fields(&self) -> impl Iterator<Item = (&Field, &TypeRef)> {
        self.fields.iter().filter(|f| !f.js_only).filter_map(|f| f.ty.as_ref().map(|ty| (f, ty)))
    }
}

/// `field "<camelName>" type="<wire>" [optional=#true] [ts="<TS type>"] doc="..."`, or a
/// JS-only field: `field "<camelName>" ts="<TS type>" optional=#true js_only=#true doc="..."`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// camelCase, as seen from JS.
    pub name: String,
    /// The wire type; `None` only for a JS-only field (validation rejects `type=` on one).
    pub ty: Option<TypeRef>,
    pub optional: bool,
    /// The JS module takes the field out of the options before they cross to Rust: it is in
    /// the TypeScript declarations, the docs and the JS option checker, but not in the Rust
    /// struct or the JSON Schema.
    pub js_only: bool,
    /// Overrides the TypeScript type derived from `ty` (the JS side may accept more).
    pub ts: Option<TsType>,
    pub doc: String,
    pub span: Span,
}

/// `union "<Name>" { doc; variant "<Name>" type="<wire>" [doc=...] }`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Union {
    pub name: String,
    pub doc: String,
    pub variants: Vec<Variant>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Variant {
    pub name: String,
    pub ty: TypeRef,
    pub doc: String,
    pub span: Span,
}

/// `op "<op_name>" [impl="<fn>"] [async=#true] [fast=#true] { doc; arg; returns; raises }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Op {
    pub name: String,
    /// The hand-written `crate::ops::<impl_name>` the shim calls: the `impl=` value, else the
    /// op name without `op_wasm_` ([`crate::names::default_op_impl`]).
    pub impl_name: String,
    /// Where `impl=` was written; `None` when the op takes the default.
    pub impl_span: Option<Span>,
    pub is_async: bool,
    pub fast: bool,
    pub doc: String,
    pub args: Vec<OpArg>,
    pub returns: TypeRef,
    pub raises: Vec<CodeRef>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpArg {
    pub name: String,
    pub ty: TypeRef,
    pub span: Span,
}

/// A reference to an error code from `raises` / `throws`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeRef {
    pub code: u16,
    pub span: Span,
}

/// A reference to an op from `uses`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpRef {
    pub name: String,
    pub span: Span,
}

/// A JS function: a module export, a class method or a namespace member.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Function {
    pub name: String,
    pub doc: String,
    pub params: Vec<Param>,
    pub returns: Returns,
    pub throws: Vec<CodeRef>,
    pub uses: Vec<OpRef>,
    pub examples: Vec<Example>,
    pub span: Span,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Param {
    pub name: String,
    pub ty: TsType,
    pub optional: bool,
    /// A rest parameter (`...name: T[]`); `ty` is the element type.
    pub variadic: bool,
    pub doc: String,
    pub span: Span,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Returns {
    pub ty: TsType,
    pub doc: String,
}

/// `example "<title>" "<code>" stdout="<text>"`: a runnable TypeScript program and what it
/// prints.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Example {
    pub title: String,
    pub code: String,
    /// The program's standard output without its final newline; the generated test requires
    /// exactly this text plus one `\n`. `None` only before validation, which rejects it.
    pub stdout: Option<String>,
    pub span: Span,
}

/// `class "<Name>" [extends="<TS type>"] { doc; method ...; property ... }`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Class {
    pub name: String,
    pub extends: Option<TsType>,
    pub doc: String,
    pub methods: Vec<Function>,
    pub properties: Vec<Property>,
    pub span: Span,
}

/// `property "<name>" type="<TS type>" [optional=#true] doc="..."` (read-only from JS).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Property {
    pub name: String,
    pub ty: TsType,
    pub optional: bool,
    pub doc: String,
    pub span: Span,
}

/// `namespace "<name>" { doc; function ... }`: an exported plain object of functions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Namespace {
    pub name: String,
    pub doc: String,
    pub functions: Vec<Function>,
    pub span: Span,
}

/// What a declared type name refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeKind {
    Alias,
    Enum,
    Record { internal: bool },
    Union,
    Class,
}

impl Model {
    /// The kind of the type (or class) declared with this name, if any.
    pub fn type_kind(&self, name: &str) -> Option<TypeKind> {
        if self.aliases.iter().any(|a| a.name == name) {
            Some(TypeKind::Alias)
        } else if self.enums.iter().any(|e| e.name == name) {
            Some(TypeKind::Enum)
        } else if let Some(r) = self.records.iter().find(|r| r.name == name) {
            Some(TypeKind::Record { internal: r.internal })
        } else if self.unions.iter().any(|u| u.name == name) {
            Some(TypeKind::Union)
        } else if self.classes.iter().any(|c| c.name == name) {
            Some(TypeKind::Class)
        } else {
            None
        }
    }

    pub fn error(&self, code: u16) -> Option<&ErrorDef> {
        self.errors.iter().find(|e| e.code == code)
    }

    pub fn record(&self, name: &str) -> Option<&Record> {
        self.records.iter().find(|r| r.name == name)
    }

    /// The records JS sees, in spec order: every record but the internal (Rust-only) ones.
    pub fn public_records(&self) -> impl Iterator<Item = &Record> {
        self.records.iter().filter(|r| !r.internal)
    }

    /// The names the JS module exports: functions, classes, namespaces and `ErrorCode`, sorted
    /// the way `Array.prototype.sort` sorts them (UTF-16 code units; byte order for ASCII).
    pub fn export_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .functions
            .iter()
            .map(|f| f.name.clone())
            .chain(self.classes.iter().map(|c| c.name.clone()))
            .chain(self.namespaces.iter().map(|n| n.name.clone()))
            .chain(std::iter::once("ErrorCode".to_string()))
            .collect();
        names.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
        names.dedup();
        names
    }

    /// Every documented JS function with a qualified name: `compile`, `Instance.call`,
    /// `types.i32`, in spec order.
    pub fn all_functions(&self) -> Vec<(String, &Function)> {
        let mut out: Vec<(String, &Function)> = self.functions.iter().map(|f| (f.name.clone(), f)).collect();
        for class in &self.classes {
            for m in &class.methods {
                out.push((format!("{}.{}", class.name, m.name), m));
            }
        }
        for ns in &self.namespaces {
            for f in &ns.functions {
                out.push((format!("{}.{}", ns.name, f.name), f));
            }
        }
        out
    }
}

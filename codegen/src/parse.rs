//! KDL -> raw `Model`: reads the spec's nodes into the model, keeping the source span of every
//! item, and reports (without stopping) every node, property or value that does not fit the
//! grammar described in the spec's header comment. Cross-references are checked by `validate`.

use kdl::{KdlDocument, KdlEntry, KdlNode, KdlValue};

use crate::diag::{Span, SpecError, SpecErrorKind};
use crate::model::*;
use crate::names;
use crate::types;

/// Parse spec text. Always returns a model (possibly partial) and the problems found; on a KDL
/// syntax error the model is empty and only the syntax errors are reported.
pub fn parse(source: &str) -> (Model, Vec<SpecError>) {
    let doc = match KdlDocument::parse_v2(source) {
        Ok(doc) => doc,
        Err(err) => {
            let errors = err
                .diagnostics
                .into_iter()
                .map(|d| {
                    let message = d.message.unwrap_or_else(|| "invalid KDL".to_string());
                    let mut e = SpecError::new(SpecErrorKind::Syntax(message), d.span.into());
                    e.label = d.label;
                    e.help = d.help;
                    e
                })
                .collect::<Vec<_>>();
            let errors = if errors.is_empty() {
                vec![SpecError::new(SpecErrorKind::Syntax("invalid KDL".into()), Span::default())]
            } else {
                errors
            };
            return (Model::default(), errors);
        }
    };
    let mut p = Parser { errors: Vec::new() };
    let model = p.document(&doc);
    (model, p.errors)
}

const TOP_LEVEL: &[&str] =
    &["module", "error", "alias", "enum", "record", "union", "op", "function", "class", "namespace"];

struct Parser {
    errors: Vec<SpecError>,
}

/// The span of a node's name: where carets point for problems with the whole node.
fn name_span(node: &KdlNode) -> Span {
    node.name().span().into()
}

/// The span of an entry (`type="x"` for a property, the value for an argument).
fn entry_span(e: &KdlEntry) -> Span {
    e.span().into()
}

/// The span of an entry's value (for a property, the part after `=`).
fn value_span(e: &KdlEntry) -> Span {
    let s = entry_span(e);
    match e.format() {
        Some(f) if f.value_repr.len() <= s.len => Span::new(s.end() - f.value_repr.len(), f.value_repr.len()),
        _ => s,
    }
}

fn describe(v: &KdlValue) -> &'static str {
    match v {
        KdlValue::String(_) => "a string",
        KdlValue::Integer(_) => "an integer",
        KdlValue::Float(_) => "a number",
        KdlValue::Bool(_) => "a boolean",
        KdlValue::Null => "#null",
    }
}

/// One node's entries, consumed by name or position; whatever is left over is reported.
struct Entries<'n> {
    node: &'n KdlNode,
    label: String,
    used: Vec<bool>,
}

impl<'n> Entries<'n> {
    fn new(node: &'n KdlNode) -> Self {
        Entries { node, label: node.name().value().to_string(), used: vec![false; node.entries().len()] }
    }

    fn positional(&self) -> impl Iterator<Item = (usize, &'n KdlEntry)> + 'n {
        self.node.entries().iter().enumerate().filter(|(_, e)| e.name().is_none())
    }

    /// The `idx`-th positional argument.
    fn arg(&mut self, idx: usize) -> Option<&'n KdlEntry> {
        let (i, e) = self.positional().nth(idx)?;
        self.used[i] = true;
        Some(e)
    }

    /// All positional arguments from `from` on.
    fn rest(&mut self, from: usize) -> Vec<&'n KdlEntry> {
        let all: Vec<_> = self.positional().skip(from).collect();
        for (i, _) in &all {
            self.used[*i] = true;
        }
        all.into_iter().map(|(_, e)| e).collect()
    }

    fn prop(&mut self, p: &mut Parser, key: &str) -> Option<&'n KdlEntry> {
        let mut found = None;
        for (i, e) in self.node.entries().iter().enumerate() {
            if e.name().is_some_and(|n| n.value() == key) {
                if found.is_some() {
                    p.err(
                        SpecErrorKind::Repeated { node: self.label.clone(), what: format!("`{key}=` property") },
                        entry_span(e),
                    );
                }
                self.used[i] = true;
                found = Some(e);
            }
        }
        found
    }

    fn prop_str(&mut self, p: &mut Parser, key: &str) -> Option<(String, Span)> {
        let e = self.prop(p, key)?;
        p.string(e, &format!("`{key}=` of `{}`", self.label))
    }

    fn prop_bool(&mut self, p: &mut Parser, key: &str) -> bool {
        let Some(e) = self.prop(p, key) else {
            return false;
        };
        match e.value() {
            KdlValue::Bool(b) => *b,
            other => {
                p.err(
                    SpecErrorKind::WrongValue {
                        what: format!("`{key}=` of `{}`", self.label),
                        expected: format!("#true or #false, not {}", describe(other)),
                    },
                    value_span(e),
                );
                false
            }
        }
    }

    /// A required string argument.
    fn arg_str(&mut self, p: &mut Parser, idx: usize, what: &str) -> Option<(String, Span)> {
        match self.arg(idx) {
            Some(e) => p.string(e, &format!("the {what} of `{}`", self.label)),
            None => {
                p.err(
                    SpecErrorKind::Missing { node: self.label.clone(), what: format!("a {what} argument") },
                    name_span(self.node),
                );
                None
            }
        }
    }

    /// Report entries nobody asked for.
    fn finish(self, p: &mut Parser) {
        let mut extra_args = 0;
        for (i, e) in self.node.entries().iter().enumerate() {
            if self.used[i] {
                continue;
            }
            match e.name() {
                Some(name) => p.err(
                    SpecErrorKind::UnknownProperty { name: name.value().to_string(), node: self.label.clone() },
                    entry_span(e),
                ),
                None => {
                    extra_args += 1;
                    if extra_args == 1 {
                        p.err(
                            SpecErrorKind::Invalid(format!("unexpected argument on `{}`", self.label)),
                            entry_span(e),
                        );
                    }
                }
            }
        }
    }
}

impl Parser {
    fn err(&mut self, kind: SpecErrorKind, span: Span) {
        self.errors.push(SpecError::new(kind, span));
    }

    fn string(&mut self, e: &KdlEntry, what: &str) -> Option<(String, Span)> {
        match e.value() {
            KdlValue::String(s) => Some((s.clone(), value_span(e))),
            other => {
                self.err(
                    SpecErrorKind::WrongValue {
                        what: what.to_string(),
                        expected: format!("a string, not {}", describe(other)),
                    },
                    value_span(e),
                );
                None
            }
        }
    }

    fn code(&mut self, e: &KdlEntry, what: &str) -> Option<CodeRef> {
        match e.value() {
            KdlValue::Integer(n) if (0..=i128::from(u16::MAX)).contains(n) => {
                Some(CodeRef { code: *n as u16, span: value_span(e) })
            }
            KdlValue::Integer(n) => {
                self.err(SpecErrorKind::UndeclaredCode { code: *n }, value_span(e));
                None
            }
            other => {
                self.err(
                    SpecErrorKind::WrongValue {
                        what: what.to_string(),
                        expected: format!("an integer error code, not {}", describe(other)),
                    },
                    value_span(e),
                );
                None
            }
        }
    }

    /// Children of `node`, with a handler per allowed child name; others are reported.
    fn children<'n>(
        &mut self,
        node: &'n KdlNode,
        allowed: &[&str],
        mut handle: impl FnMut(&mut Parser, &'n KdlNode, &str),
    ) {
        let Some(doc) = node.children() else { return };
        for child in doc.nodes() {
            let name = child.name().value();
            if allowed.contains(&name) {
                handle(self, child, name);
            } else {
                self.errors.push(
                    SpecError::new(
                        SpecErrorKind::UnknownNode {
                            name: name.to_string(),
                            parent: format!("`{}`", node.name().value()),
                        },
                        name_span(child),
                    )
                    .help(format!("allowed here: {}", allowed.join(", "))),
                );
            }
        }
    }

    /// A child of the form `name "text"`: one string argument, nothing else.
    fn text_child(&mut self, child: &KdlNode, slot: &mut Option<String>, parent: &str) {
        let mut entries = Entries::new(child);
        let value = entries.arg_str(self, 0, "text");
        entries.finish(self);
        self.no_children(child);
        if slot.is_some() {
            self.err(
                SpecErrorKind::Repeated { node: parent.to_string(), what: format!("`{}`", child.name().value()) },
                name_span(child),
            );
        }
        if let Some((v, _)) = value {
            *slot = Some(v.trim().to_string());
        }
    }

    fn no_children(&mut self, node: &KdlNode) {
        if let Some(doc) = node.children() {
            if let Some(first) = doc.nodes().first() {
                self.err(
                    SpecErrorKind::UnknownNode {
                        name: first.name().value().to_string(),
                        parent: format!("`{}`", node.name().value()),
                    },
                    name_span(first),
                );
            }
        }
    }

    fn wire_type(&mut self, text: String, span: Span) -> TypeRef {
        let ty = match types::parse_wire(&text) {
            Ok(ty) => ty,
            Err(reason) => {
                self.err(SpecErrorKind::BadType { text: text.clone(), reason }, span);
                WireType::Void
            }
        };
        TypeRef { ty, text, span }
    }

    fn document(&mut self, doc: &KdlDocument) -> Model {
        let mut model = Model::default();
        let mut module_seen = false;
        for node in doc.nodes() {
            match node.name().value() {
                "module" => {
                    if module_seen {
                        self.err(
                            SpecErrorKind::Duplicate { what: "node".into(), name: "module".into() },
                            name_span(node),
                        );
                    }
                    module_seen = true;
                    model.module = self.module(node);
                }
                "error" => model.errors.extend(self.error(node)),
                "alias" => model.aliases.extend(self.alias(node)),
                "enum" => model.enums.extend(self.enum_(node)),
                "record" => model.records.extend(self.record(node)),
                "union" => model.unions.extend(self.union(node)),
                "op" => model.ops.extend(self.op(node)),
                "function" => model.functions.extend(self.function(node)),
                "class" => model.classes.extend(self.class(node)),
                "namespace" => model.namespaces.extend(self.namespace(node)),
                other => self.errors.push(
                    SpecError::new(
                        SpecErrorKind::UnknownNode { name: other.to_string(), parent: "the top level".into() },
                        name_span(node),
                    )
                    .help(format!("allowed here: {}", TOP_LEVEL.join(", "))),
                ),
            }
        }
        if !module_seen {
            self.errors.push(
                SpecError::new(
                    SpecErrorKind::Missing { node: "spec".into(), what: "a `module` node".into() },
                    Span::default(),
                )
                .help("add `module \"runtime:wasm\" { title \"...\"; summary \"...\"; doc \"...\" }`"),
            );
        }
        model
    }

    fn module(&mut self, node: &KdlNode) -> Module {
        let mut entries = Entries::new(node);
        let specifier = entries.arg_str(self, 0, "module specifier");
        entries.finish(self);
        let (mut title, mut summary, mut doc) = (None, None, None);
        self.children(node, &["title", "summary", "doc"], |p, child, name| match name {
            "title" => p.text_child(child, &mut title, "module"),
            "summary" => p.text_child(child, &mut summary, "module"),
            _ => p.text_child(child, &mut doc, "module"),
        });
        for (slot, what) in [(&title, "title"), (&summary, "summary")] {
            if slot.is_none() {
                self.err(
                    SpecErrorKind::Missing { node: "module".into(), what: format!("a `{what}`") },
                    name_span(node),
                );
            }
        }
        Module {
            specifier: specifier.map(|s| s.0).unwrap_or_default(),
            title: title.unwrap_or_default(),
            summary: summary.unwrap_or_default(),
            doc: doc.unwrap_or_default(),
            span: name_span(node),
        }
    }

    fn error(&mut self, node: &KdlNode) -> Option<ErrorDef> {
        let mut entries = Entries::new(node);
        let code = match entries.arg(0) {
            Some(e) => self.code(e, "the code of `error`"),
            None => {
                self.err(
                    SpecErrorKind::Missing { node: "error".into(), what: "a code argument".into() },
                    name_span(node),
                );
                None
            }
        };
        let name = entries.arg_str(self, 1, "name");
        entries.finish(self);
        let (mut meaning, mut doc, mut trigger, mut pending) = (None, None, None, None);
        let label = format!("error {}", code.map(|c| c.code.to_string()).unwrap_or_default());
        self.children(node, &["meaning", "doc", "trigger", "pending"], |p, child, n| match n {
            "meaning" => p.text_child(child, &mut meaning, &label),
            "doc" => p.text_child(child, &mut doc, &label),
            "trigger" => p.text_child(child, &mut trigger, &label),
            _ => p.text_child(child, &mut pending, &label),
        });
        if meaning.is_none() {
            self.err(SpecErrorKind::Missing { node: label, what: "a `meaning`".into() }, name_span(node));
        }
        Some(ErrorDef {
            code: code?.code,
            name: name?.0,
            meaning: meaning.unwrap_or_default(),
            doc: doc.unwrap_or_default(),
            trigger,
            pending,
            span: code?.span,
        })
    }

    fn alias(&mut self, node: &KdlNode) -> Option<Alias> {
        let mut entries = Entries::new(node);
        let name = entries.arg_str(self, 0, "name");
        let ty = entries.prop_str(self, "type");
        entries.finish(self);
        if ty.is_none() {
            self.err(
                SpecErrorKind::Missing { node: "alias".into(), what: "a `type=` property".into() },
                name_span(node),
            );
        }
        let doc = self.doc_only(node, "alias");
        let (name, span) = name?;
        let (text, ty_span) = ty?;
        Some(Alias { name, ty: TsType { text, span: ty_span }, doc, span })
    }

    /// Children that are only a `doc` node.
    fn doc_only(&mut self, node: &KdlNode, label: &str) -> String {
        let mut doc = None;
        self.children(node, &["doc"], |p, child, _| p.text_child(child, &mut doc, label));
        doc.unwrap_or_default()
    }

    fn enum_(&mut self, node: &KdlNode) -> Option<Enum> {
        let mut entries = Entries::new(node);
        let name = entries.arg_str(self, 0, "name");
        entries.finish(self);
        let mut doc = None;
        let mut values = Vec::new();
        self.children(node, &["doc", "value"], |p, child, n| match n {
            "doc" => p.text_child(child, &mut doc, "enum"),
            _ => {
                let mut e = Entries::new(child);
                let value = e.arg_str(p, 0, "value");
                let vdoc = e.prop_str(p, "doc");
                e.finish(p);
                p.no_children(child);
                if let Some((value, span)) = value {
                    values.push(EnumValue { value, doc: vdoc.map(|d| d.0).unwrap_or_default(), span });
                }
            }
        });
        let (name, span) = name?;
        Some(Enum { name, doc: doc.unwrap_or_default(), values, span })
    }

    fn record(&mut self, node: &KdlNode) -> Option<Record> {
        let mut entries = Entries::new(node);
        let name = entries.arg_str(self, 0, "name");
        let internal = entries.prop_bool(self, "internal");
        entries.finish(self);
        let mut doc = None;
        let mut fields = Vec::new();
        self.children(node, &["doc", "field"], |p, child, n| match n {
            "doc" => p.text_child(child, &mut doc, "record"),
            _ => {
                let mut e = Entries::new(child);
                let fname = e.arg_str(p, 0, "field name");
                let ty = e.prop_str(p, "type");
                let optional = e.prop_bool(p, "optional");
                let ts = e.prop_str(p, "ts");
                let js_only = e.prop_bool(p, "js_only");
                let fdoc = e.prop_str(p, "doc");
                e.finish(p);
                p.no_children(child);
                // A JS-only field never crosses the wire: it has no wire type (`validate`
                // rejects one that is written).
                let missing_type = ty.is_none() && !js_only;
                if missing_type {
                    p.err(
                        SpecErrorKind::Missing { node: "field".into(), what: "a `type=` property".into() },
                        name_span(child),
                    );
                }
                if let (Some((fname, span)), false) = (fname, missing_type) {
                    let ty = ty.map(|(text, ty_span)| p.wire_type(text, ty_span));
                    fields.push(Field {
                        name: fname,
                        ty,
                        optional,
                        js_only,
                        ts: ts.map(|(text, span)| TsType { text, span }),
                        doc: fdoc.map(|d| d.0).unwrap_or_default(),
                        span,
                    });
                }
            }
        });
        let (name, span) = name?;
        Some(Record { name, doc: doc.unwrap_or_default(), internal, fields, span })
    }

    fn union(&mut self, node: &KdlNode) -> Option<Union> {
        let mut entries = Entries::new(node);
        let name = entries.arg_str(self, 0, "name");
        entries.finish(self);
        let mut doc = None;
        let mut variants = Vec::new();
        self.children(node, &["doc", "variant"], |p, child, n| match n {
            "doc" => p.text_child(child, &mut doc, "union"),
            _ => {
                let mut e = Entries::new(child);
                let vname = e.arg_str(p, 0, "variant name");
                let ty = e.prop_str(p, "type");
                let vdoc = e.prop_str(p, "doc");
                e.finish(p);
                p.no_children(child);
                if ty.is_none() {
                    p.err(
                        SpecErrorKind::Missing { node: "variant".into(), what: "a `type=` property".into() },
                        name_span(child),
                    );
                }
                if let (Some((vname, span)), Some((text, ty_span))) = (vname, ty) {
                    let ty = p.wire_type(text, ty_span);
                    variants.push(Variant { name: vname, ty, doc: vdoc.map(|d| d.0).unwrap_or_default(), span });
                }
            }
        });
        let (name, span) = name?;
        Some(Union { name, doc: doc.unwrap_or_default(), variants, span })
    }

    fn codes(&mut self, child: &KdlNode, out: &mut Vec<CodeRef>) {
        let mut e = Entries::new(child);
        let args = e.rest(0);
        e.finish(self);
        self.no_children(child);
        if args.is_empty() {
            self.err(
                SpecErrorKind::Missing {
                    node: child.name().value().to_string(),
                    what: "at least one error code".into(),
                },
                name_span(child),
            );
        }
        let what = format!("an argument of `{}`", child.name().value());
        for a in args {
            if let Some(c) = self.code(a, &what) {
                out.push(c);
            }
        }
    }

    fn op(&mut self, node: &KdlNode) -> Option<Op> {
        let mut entries = Entries::new(node);
        let name = entries.arg_str(self, 0, "op name");
        let impl_name = entries.prop_str(self, "impl");
        let is_async = entries.prop_bool(self, "async");
        let fast = entries.prop_bool(self, "fast");
        entries.finish(self);
        let mut doc = None;
        let mut args = Vec::new();
        let mut returns: Option<TypeRef> = None;
        let mut raises = Vec::new();
        self.children(node, &["doc", "arg", "returns", "raises"], |p, child, n| match n {
            "doc" => p.text_child(child, &mut doc, "op"),
            "arg" => {
                let mut e = Entries::new(child);
                let aname = e.arg_str(p, 0, "argument name");
                let ty = e.prop_str(p, "type");
                e.finish(p);
                p.no_children(child);
                if ty.is_none() {
                    p.err(
                        SpecErrorKind::Missing { node: "arg".into(), what: "a `type=` property".into() },
                        name_span(child),
                    );
                }
                if let (Some((aname, span)), Some((text, ty_span))) = (aname, ty) {
                    let ty = p.wire_type(text, ty_span);
                    args.push(OpArg { name: aname, ty, span });
                }
            }
            "returns" => {
                let mut e = Entries::new(child);
                let ty = e.arg_str(p, 0, "type");
                e.finish(p);
                p.no_children(child);
                if returns.is_some() {
                    p.err(SpecErrorKind::Repeated { node: "op".into(), what: "`returns`".into() }, name_span(child));
                }
                if let Some((text, span)) = ty {
                    returns = Some(p.wire_type(text, span));
                }
            }
            _ => p.codes(child, &mut raises),
        });
        let (name, span) = name?;
        let returns = match returns {
            Some(r) => r,
            None => {
                self.errors.push(
                    SpecError::new(
                        SpecErrorKind::Missing { node: format!("op {name}"), what: "a `returns` type".into() },
                        span,
                    )
                    .help("write `returns \"void\"` for an op without a result"),
                );
                TypeRef { ty: WireType::Void, text: "void".into(), span }
            }
        };
        let (impl_name, impl_span) = match impl_name {
            Some((text, span)) => (text, Some(span)),
            None => (names::default_op_impl(&name).to_string(), None),
        };
        Some(Op {
            name,
            impl_name,
            impl_span,
            is_async,
            fast,
            doc: doc.unwrap_or_default(),
            args,
            returns,
            raises,
            span,
        })
    }

    fn function(&mut self, node: &KdlNode) -> Option<Function> {
        let kind = node.name().value().to_string();
        let mut entries = Entries::new(node);
        let name = entries.arg_str(self, 0, "name");
        entries.finish(self);
        let mut f = Function::default();
        let mut doc = None;
        let mut returns_seen = false;
        self.children(node, &["doc", "param", "returns", "throws", "uses", "example"], |p, child, n| match n {
            "doc" => p.text_child(child, &mut doc, &kind),
            "param" => {
                let mut e = Entries::new(child);
                let pname = e.arg_str(p, 0, "parameter name");
                let ty = e.prop_str(p, "type");
                let optional = e.prop_bool(p, "optional");
                let variadic = e.prop_bool(p, "variadic");
                let pdoc = e.prop_str(p, "doc");
                e.finish(p);
                p.no_children(child);
                if ty.is_none() {
                    p.err(
                        SpecErrorKind::Missing { node: "param".into(), what: "a `type=` property".into() },
                        name_span(child),
                    );
                }
                if let (Some((pname, span)), Some((text, ty_span))) = (pname, ty) {
                    f.params.push(Param {
                        name: pname,
                        ty: TsType { text, span: ty_span },
                        optional,
                        variadic,
                        doc: pdoc.map(|d| d.0).unwrap_or_default(),
                        span,
                    });
                }
            }
            "returns" => {
                let mut e = Entries::new(child);
                let ty = e.arg_str(p, 0, "type");
                let rdoc = e.prop_str(p, "doc");
                e.finish(p);
                p.no_children(child);
                if returns_seen {
                    p.err(SpecErrorKind::Repeated { node: kind.clone(), what: "`returns`".into() }, name_span(child));
                }
                returns_seen = true;
                if let Some((text, span)) = ty {
                    f.returns = Returns { ty: TsType { text, span }, doc: rdoc.map(|d| d.0).unwrap_or_default() };
                }
            }
            "throws" => p.codes(child, &mut f.throws),
            "uses" => {
                let mut e = Entries::new(child);
                let args = e.rest(0);
                e.finish(p);
                p.no_children(child);
                if args.is_empty() {
                    p.err(
                        SpecErrorKind::Missing { node: "uses".into(), what: "at least one op name".into() },
                        name_span(child),
                    );
                }
                for a in args {
                    if let Some((name, span)) = p.string(a, "an argument of `uses`") {
                        f.uses.push(OpRef { name, span });
                    }
                }
            }
            _ => {
                let mut e = Entries::new(child);
                let title = e.arg_str(p, 0, "title");
                let code = e.arg_str(p, 1, "code");
                let stdout = e.prop_str(p, "stdout");
                e.finish(p);
                p.no_children(child);
                if let (Some((title, span)), Some((code, _))) = (title, code) {
                    f.examples.push(Example {
                        title,
                        code: code.trim_end().to_string(),
                        stdout: stdout.map(|(text, _)| text),
                        span,
                    });
                }
            }
        });
        let (name, span) = name?;
        if !returns_seen {
            self.errors.push(
                SpecError::new(
                    SpecErrorKind::Missing { node: format!("{kind} {name}"), what: "a `returns` type".into() },
                    span,
                )
                .help("write `returns \"void\"` (or `returns \"Promise<void>\"`) for a function without a result"),
            );
            f.returns.ty = TsType { text: "void".into(), span };
        }
        f.name = name;
        f.span = span;
        f.doc = doc.unwrap_or_default();
        Some(f)
    }

    fn class(&mut self, node: &KdlNode) -> Option<Class> {
        let mut entries = Entries::new(node);
        let name = entries.arg_str(self, 0, "name");
        let extends = entries.prop_str(self, "extends");
        entries.finish(self);
        let mut doc = None;
        let mut methods = Vec::new();
        let mut properties = Vec::new();
        self.children(node, &["doc", "method", "property"], |p, child, n| match n {
            "doc" => p.text_child(child, &mut doc, "class"),
            "method" => methods.extend(p.function(child)),
            _ => {
                let mut e = Entries::new(child);
                let pname = e.arg_str(p, 0, "property name");
                let ty = e.prop_str(p, "type");
                let optional = e.prop_bool(p, "optional");
                let pdoc = e.prop_str(p, "doc");
                e.finish(p);
                p.no_children(child);
                if ty.is_none() {
                    p.err(
                        SpecErrorKind::Missing { node: "property".into(), what: "a `type=` property".into() },
                        name_span(child),
                    );
                }
                if let (Some((pname, span)), Some((text, ty_span))) = (pname, ty) {
                    properties.push(Property {
                        name: pname,
                        ty: TsType { text, span: ty_span },
                        optional,
                        doc: pdoc.map(|d| d.0).unwrap_or_default(),
                        span,
                    });
                }
            }
        });
        let (name, span) = name?;
        Some(Class {
            name,
            extends: extends.map(|(text, span)| TsType { text, span }),
            doc: doc.unwrap_or_default(),
            methods,
            properties,
            span,
        })
    }

    fn namespace(&mut self, node: &KdlNode) -> Option<Namespace> {
        let mut entries = Entries::new(node);
        let name = entries.arg_str(self, 0, "name");
        entries.finish(self);
        let mut doc = None;
        let mut functions = Vec::new();
        self.children(node, &["doc", "function"], |p, child, n| match n {
            "doc" => p.text_child(child, &mut doc, "namespace"),
            _ => functions.extend(p.function(child)),
        });
        let (name, span) = name?;
        Some(Namespace { name, doc: doc.unwrap_or_default(), functions, span })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_point_at_values() {
        let src = "record \"A\" {\n    field \"x\" type=\"map<Foo>\" doc=\"d\"\n}\n";
        let (model, errors) = parse(src);
        assert!(errors.iter().all(|e| !matches!(e.kind, SpecErrorKind::Syntax(_))), "{errors:?}");
        let field = &model.records[0].fields[0];
        let ty = field.ty.as_ref().map(|t| t.span).unwrap_or_default();
        assert_eq!(&src[ty.offset..ty.end()], "\"map<Foo>\"");
        assert_eq!(&src[field.span.offset..field.span.end()], "\"x\"");
        assert_eq!(&src[model.records[0].span.offset..model.records[0].span.end()], "\"A\"");
    }

    #[test]
    fn syntax_errors_are_reported_not_panicked() {
        let (_, errors) = parse("record \"A\" {\n  field \"x\" type=\n");
        assert!(!errors.is_empty());
        assert!(matches!(errors[0].kind, SpecErrorKind::Syntax(_)));
    }

    #[test]
    fn grammar_problems_are_all_reported() {
        let src =
            "module \"m\" { title \"t\"; summary \"s\"; bogus 1 }\nerror \"x\" \"Y\" { meaning 3 }\nwidget \"w\"\n";
        let (_, errors) = parse(src);
        let text: Vec<String> = errors.iter().map(|e| e.kind.to_string()).collect();
        assert!(text.iter().any(|t| t.contains("unknown node `bogus`")), "{text:?}");
        assert!(text.iter().any(|t| t.contains("an integer error code")), "{text:?}");
        assert!(text.iter().any(|t| t.contains("must be a string")), "{text:?}");
        assert!(text.iter().any(|t| t.contains("unknown node `widget`")), "{text:?}");
    }
}

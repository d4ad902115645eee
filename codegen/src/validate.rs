//! Checks a parsed `Model` against the rules the emitters rely on: names are well-formed and
//! unique, every type name resolves, every referenced error code and op exists, every error
//! code has a trigger (or says why it is pending), everything public is documented and has an
//! example. Reports every problem found, each at the spec text it is about.

use std::collections::{BTreeMap, BTreeSet};

use crate::diag::{Span, SpecError, SpecErrorKind};
use crate::model::*;
use crate::names;
use crate::types;

/// Every problem in `model`, in source order of discovery.
pub fn validate(model: &Model) -> Vec<SpecError> {
    let mut v = Validator { model, errors: Vec::new() };
    v.module();
    v.errors_table();
    v.type_names();
    v.aliases();
    v.enums();
    v.records();
    v.unions();
    v.recursion();
    v.ops();
    v.exports();
    v.errors.sort_by_key(|e| e.span.offset);
    v.errors
}

struct Validator<'m> {
    model: &'m Model,
    errors: Vec<SpecError>,
}

/// The span of `len` bytes at byte `at` of a string value spanning `span` in the source, when
/// the value was written as a plain quoted string (no escapes); else the whole value.
fn narrow(span: Span, text: &str, at: usize, len: usize) -> Span {
    if span.len == text.len() + 2 {
        Span::new(span.offset + 1 + at, len)
    } else {
        span
    }
}

/// Byte offset of `word` as a whole identifier in `text`.
fn find_word(text: &str, word: &str) -> usize {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    let mut from = 0;
    while let Some(i) = text[from..].find(word) {
        let at = from + i;
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        if !before.is_some_and(is_ident) && !after.is_some_and(is_ident) {
            return at;
        }
        from = at + word.len();
    }
    0
}

/// `(converted, span)` for the first occurrence of each original name: duplicates of the
/// original are reported once, not again after conversion.
fn distinct<'a>(items: impl Iterator<Item = (&'a str, String, Span)>) -> Vec<(String, Span)> {
    let mut seen = BTreeSet::new();
    items.filter(|(orig, _, _)| seen.insert(*orig)).map(|(_, conv, span)| (conv, span)).collect()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// "did you mean `x`?" for the closest candidate, if any is close.
fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    candidates
        .into_iter()
        .map(|c| (edit_distance(name, c), c))
        .filter(|(d, c)| *d <= (c.len() / 3).max(2))
        .min()
        .map(|(_, c)| format!("did you mean `{c}`?"))
}

impl<'m> Validator<'m> {
    fn push(&mut self, kind: SpecErrorKind, span: Span) {
        self.errors.push(SpecError::new(kind, span));
    }

    fn push_help(&mut self, kind: SpecErrorKind, span: Span, help: impl Into<String>) {
        self.errors.push(SpecError::new(kind, span).help(help));
    }

    fn need_doc(&mut self, doc: &str, what: impl Into<String>, span: Span) {
        if doc.trim().is_empty() {
            let what = what.into();
            self.push_help(
                SpecErrorKind::MissingDoc { what },
                span,
                "add `doc \"...\"` (or `doc=\"...\"` on a one-line entry)",
            );
        }
    }

    /// Report the second and later occurrences of each key.
    fn unique(&mut self, what: &str, items: impl IntoIterator<Item = (String, Span)>) {
        let mut seen: BTreeMap<String, Span> = BTreeMap::new();
        for (name, span) in items {
            if let Some(first) = seen.get(&name) {
                self.errors.push(
                    SpecError::new(SpecErrorKind::Duplicate { what: what.to_string(), name: name.clone() }, span)
                        .label("defined again here")
                        .also(*first, "first defined here"),
                );
            } else {
                seen.insert(name, span);
            }
        }
    }

    fn module(&mut self) {
        let m = &self.model.module;
        if m.specifier.is_empty() && m.span != Span::default() {
            self.push(
                SpecErrorKind::WrongValue { what: "the module specifier".into(), expected: "non-empty".into() },
                m.span,
            );
        }
        if m.span != Span::default() {
            self.need_doc(&m.doc, "module", m.span);
        }
    }

    fn errors_table(&mut self) {
        let model = self.model;
        self.unique("error code", model.errors.iter().map(|e| (e.code.to_string(), e.span)));
        self.unique("error name", model.errors.iter().map(|e| (e.name.clone(), e.span)));
        for e in &model.errors {
            if !names::is_upper_camel(&e.name) || names::is_rust_keyword(&e.name) {
                self.push(
                    SpecErrorKind::WrongValue {
                        what: format!("error name `{}`", e.name),
                        expected: "UpperCamelCase (ASCII letters and digits)".into(),
                    },
                    e.span,
                );
            }
            self.need_doc(&e.doc, format!("error {} ({})", e.code, e.name), e.span);
            if e.trigger.as_deref().is_none_or(|t| t.trim().is_empty()) && e.pending.is_none() {
                self.push_help(
                    SpecErrorKind::MissingTrigger { code: e.code, name: e.name.clone() },
                    e.span,
                    "add `trigger \"\"\"...\"\"\"` with a script that rejects with this code, or `pending \"reason\"`",
                );
            }
            if e.pending.as_deref().is_some_and(|p| p.trim().is_empty()) {
                self.push(
                    SpecErrorKind::WrongValue {
                        what: format!("`pending` of error {}", e.code),
                        expected: "a non-empty reason".into(),
                    },
                    e.span,
                );
            }
        }
    }

    /// Names of aliases, enums, records, unions and classes: one namespace, UpperCamelCase.
    fn type_names(&mut self) {
        let m = self.model;
        let all: Vec<(String, Span)> = m
            .aliases
            .iter()
            .map(|a| (a.name.clone(), a.span))
            .chain(m.enums.iter().map(|e| (e.name.clone(), e.span)))
            .chain(m.records.iter().map(|r| (r.name.clone(), r.span)))
            .chain(m.unions.iter().map(|u| (u.name.clone(), u.span)))
            .chain(m.classes.iter().map(|c| (c.name.clone(), c.span)))
            .collect();
        for (name, span) in &all {
            if !names::is_upper_camel(name) {
                self.push(
                    SpecErrorKind::WrongValue {
                        what: format!("type name `{name}`"),
                        expected: "UpperCamelCase (ASCII letters and digits)".into(),
                    },
                    *span,
                );
            } else if names::RESERVED_TYPE_NAMES.contains(&name.as_str()) || names::is_rust_keyword(name) {
                self.push(
                    SpecErrorKind::Invalid(format!(
                        "`{name}` is reserved: the generated Rust or TypeScript already uses it"
                    )),
                    *span,
                );
            }
        }
        self.unique("type name", all);
    }

    fn aliases(&mut self) {
        for a in &self.model.aliases {
            self.need_doc(&a.doc, format!("alias `{}`", a.name), a.span);
            self.ts_type(&a.ty, &format!("alias `{}`", a.name));
        }
    }

    fn enums(&mut self) {
        for e in &self.model.enums {
            self.need_doc(&e.doc, format!("enum `{}`", e.name), e.span);
            if e.values.is_empty() {
                self.push(
                    SpecErrorKind::Missing { node: format!("enum {}", e.name), what: "at least one `value`".into() },
                    e.span,
                );
            }
            self.unique("enum value", e.values.iter().map(|v| (v.value.clone(), v.span)));
            self.unique(
                "enum variant (after conversion to a Rust name)",
                distinct(e.values.iter().map(|v| (v.value.as_str(), names::to_upper_camel(&v.value), v.span))),
            );
            for v in &e.values {
                let ident = names::to_upper_camel(&v.value);
                if names::is_rust_keyword(&ident) {
                    self.push(
                        SpecErrorKind::Invalid(format!("enum value `{}` becomes the Rust keyword `{ident}`", v.value)),
                        v.span,
                    );
                }
                if ident.is_empty() {
                    self.push(
                        SpecErrorKind::WrongValue {
                            what: "an enum value".into(),
                            expected: "at least one ASCII letter or digit".into(),
                        },
                        v.span,
                    );
                }
                self.need_doc(&v.doc, format!("value `{}` of enum `{}`", v.value, e.name), v.span);
            }
        }
    }

    fn records(&mut self) {
        for r in &self.model.records {
            self.need_doc(&r.doc, format!("record `{}`", r.name), r.span);
            self.unique("field", r.fields.iter().map(|f| (f.name.clone(), f.span)));
            self.unique(
                "field (after conversion to snake_case)",
                distinct(r.fields.iter().map(|f| (f.name.as_str(), names::to_snake(&f.name), f.span))),
            );
            for f in &r.fields {
                if !names::is_lower_camel(&f.name) || !names::is_rust_ident(&names::to_snake(&f.name)) {
                    self.push(
                        SpecErrorKind::WrongValue {
                            what: format!("field name `{}`", f.name),
                            expected: "lowerCamelCase (ASCII letters and digits)".into(),
                        },
                        f.span,
                    );
                }
                self.need_doc(&f.doc, format!("field `{}.{}`", r.name, f.name), f.span);
                let what = format!("field `{}.{}`", r.name, f.name);
                if f.js_only {
                    self.js_only_field(r, f, &what);
                }
                if let Some(ty) = &f.ty {
                    self.wire_type(ty, &what, !r.internal);
                }
                if let Some(ts) = &f.ts {
                    self.ts_type(ts, &what);
                }
            }
        }
    }

    /// A JS-only field has a TypeScript type and no wire type, is optional (the Rust side
    /// never sees it, so it cannot require it) and belongs to a record JS sees.
    fn js_only_field(&mut self, r: &Record, f: &Field, what: &str) {
        if let Some(ty) = &f.ty {
            self.push_help(
                SpecErrorKind::Invalid(format!("JS-only {what} has a wire type")),
                ty.span,
                "a `js_only=#true` field never crosses to Rust: remove `type=` and give its TypeScript type with `ts=`",
            );
        }
        if f.ts.is_none() {
            self.push_help(
                SpecErrorKind::Invalid(format!("JS-only {what} needs a `ts=` property")),
                f.span,
                "a JS-only field has no wire type: write its TypeScript type with `ts=\"...\"`",
            );
        }
        if !f.optional {
            self.push_help(
                SpecErrorKind::WrongValue { what: format!("JS-only {what}"), expected: "optional".into() },
                f.span,
                "add `optional=#true`: the Rust side never sees the field, so it cannot be required",
            );
        }
        if r.internal {
            self.push_help(
                SpecErrorKind::Invalid(format!("JS-only {what} is in an internal record")),
                f.span,
                "internal records are Rust-only wire forms; JS-only fields belong to public records",
            );
        }
    }

    fn unions(&mut self) {
        for u in &self.model.unions {
            self.need_doc(&u.doc, format!("union `{}`", u.name), u.span);
            if u.variants.is_empty() {
                self.push(
                    SpecErrorKind::Missing { node: format!("union {}", u.name), what: "at least one `variant`".into() },
                    u.span,
                );
            }
            self.unique("variant", u.variants.iter().map(|v| (v.name.clone(), v.span)));
            for v in &u.variants {
                if !names::is_upper_camel(&v.name) || names::is_rust_keyword(&v.name) {
                    self.push(
                        SpecErrorKind::WrongValue {
                            what: format!("variant name `{}`", v.name),
                            expected: "UpperCamelCase (ASCII letters and digits)".into(),
                        },
                        v.span,
                    );
                }
                self.wire_type(&v.ty, &format!("variant `{}.{}`", u.name, v.name), true);
            }
        }
    }

    /// Check a wire type: every name is an enum, record or union; `void` only where allowed.
    fn wire_type(&mut self, t: &TypeRef, what: &str, public: bool) {
        self.wire_type_in(t, what, public, false);
    }

    fn wire_type_in(&mut self, t: &TypeRef, what: &str, public: bool, void_ok: bool) {
        if types::parse_wire(&t.text).is_err() {
            return; // Reported by the parser.
        }
        if t.ty == WireType::Void && !void_ok {
            self.push(
                SpecErrorKind::BadType {
                    text: t.text.clone(),
                    reason: "`void` is only allowed as an op's return type".into(),
                },
                t.span,
            );
        }
        if let WireType::List(inner) | WireType::Map(inner) = &t.ty {
            if **inner == WireType::Void {
                self.push(
                    SpecErrorKind::BadType { text: t.text.clone(), reason: "a list or map of `void`".into() },
                    t.span,
                );
            }
        }
        for name in t.ty.named() {
            let span = narrow(t.span, &t.text, find_word(&t.text, name), name.len());
            match self.model.type_kind(name) {
                Some(TypeKind::Enum | TypeKind::Union | TypeKind::Record { internal: false }) => {}
                Some(TypeKind::Record { internal: true }) => {
                    if public {
                        self.errors.push(
                            SpecError::new(SpecErrorKind::InternalType { what: what.to_string(), name: name.to_string() }, span)
                                .help("public types cannot mention internal records: they are not in the TypeScript declarations"),
                        );
                    }
                }
                Some(TypeKind::Alias | TypeKind::Class) => self.push_help(
                    SpecErrorKind::BadType { text: t.text.clone(), reason: format!("`{name}` is TypeScript-only (an alias or class), not a wire type") },
                    span,
                    "wire types are bool, u32, i32, u64, f64, string, bytes, list<T>, map<T> and enums, records and unions",
                ),
                None => {
                    let candidates = self
                        .model
                        .enums
                        .iter()
                        .map(|e| e.name.as_str())
                        .chain(self.model.records.iter().map(|r| r.name.as_str()))
                        .chain(self.model.unions.iter().map(|u| u.name.as_str()))
                        .chain(["bool", "u32", "i32", "u64", "f64", "string", "bytes", "list", "map"]);
                    let mut err = SpecError::new(SpecErrorKind::UnknownType { name: name.to_string() }, span)
                        .label("not declared in this file");
                    err.help = Some(suggest(name, candidates).unwrap_or_else(|| {
                        "wire types are bool, u32, i32, u64, f64, string, bytes, list<T>, map<T> and the enums, records and unions of this file".into()
                    }));
                    self.errors.push(err);
                }
            }
        }
    }

    /// Check a TypeScript type: balanced, and every name declared (publicly) or standard.
    fn ts_type(&mut self, t: &TsType, what: &str) {
        let found = match types::ts_type_names(&t.text) {
            Ok(found) => found,
            Err(reason) => {
                self.push(SpecErrorKind::BadType { text: t.text.clone(), reason }, t.span);
                return;
            }
        };
        for (name, at) in found {
            let span = narrow(t.span, &t.text, at, name.len());
            if types::TS_STANDARD_TYPES.contains(&name.as_str()) {
                continue;
            }
            match self.model.type_kind(&name) {
                Some(TypeKind::Record { internal: true }) => self.errors.push(
                    SpecError::new(SpecErrorKind::InternalType { what: what.to_string(), name }, span)
                        .help("internal records are not in the TypeScript declarations"),
                ),
                Some(_) => {}
                None => {
                    let m = self.model;
                    let candidates = m
                        .aliases
                        .iter()
                        .map(|a| a.name.as_str())
                        .chain(m.enums.iter().map(|e| e.name.as_str()))
                        .chain(m.public_records().map(|r| r.name.as_str()))
                        .chain(m.unions.iter().map(|u| u.name.as_str()))
                        .chain(m.classes.iter().map(|c| c.name.as_str()))
                        .chain(types::TS_STANDARD_TYPES.iter().copied())
                        .chain(types::TS_KEYWORDS.iter().copied());
                    let mut err = SpecError::new(SpecErrorKind::UnknownType { name: name.clone() }, span)
                        .label("not declared in this file");
                    err.help = Some(suggest(&name, candidates).unwrap_or_else(|| {
                        format!(
                            "declare it in this file, or use a TypeScript primitive or a standard type ({})",
                            types::TS_STANDARD_TYPES.join(", ")
                        )
                    }));
                    self.errors.push(err);
                }
            }
        }
    }

    /// Records that contain themselves without a `list<>` or `map<>` in between.
    fn recursion(&mut self) {
        fn direct<'a>(m: &'a Model, name: &str) -> Vec<&'a str> {
            let mut out = Vec::new();
            let mut push = |t: &'a TypeRef| {
                if let WireType::Named(n) = &t.ty {
                    out.push(n.as_str());
                }
            };
            if let Some(r) = m.record(name) {
                r.wire_fields().for_each(|(_, ty)| push(ty));
            } else if let Some(u) = m.unions.iter().find(|u| u.name == name) {
                u.variants.iter().for_each(|v| push(&v.ty));
            }
            out
        }
        let m = self.model;
        for r in &m.records {
            let mut stack = vec![r.name.as_str()];
            let mut seen = BTreeSet::new();
            let mut cyclic = false;
            while let Some(n) = stack.pop() {
                for next in direct(m, n) {
                    if next == r.name {
                        cyclic = true;
                    } else if seen.insert(next) {
                        stack.push(next);
                    }
                }
            }
            if cyclic {
                self.push_help(
                    SpecErrorKind::Invalid(format!("record `{}` contains itself", r.name)),
                    r.span,
                    "break the cycle with a `list<...>` or `map<...>`",
                );
            }
        }
    }

    fn codes(&mut self, codes: &[CodeRef], what: &str) {
        let known: BTreeSet<u16> = self.model.errors.iter().map(|e| e.code).collect();
        self.unique(&format!("error code in {what}"), codes.iter().map(|c| (c.code.to_string(), c.span)));
        for c in codes {
            if !known.contains(&c.code) {
                let list: Vec<String> = known.iter().map(u16::to_string).collect();
                self.push_help(
                    SpecErrorKind::UndeclaredCode { code: i128::from(c.code) },
                    c.span,
                    format!("declare it with `error {} \"Name\" {{ ... }}`; known codes: {}", c.code, list.join(", ")),
                );
            }
        }
    }

    fn ops(&mut self) {
        let m = self.model;
        self.unique("op", m.ops.iter().map(|o| (o.name.clone(), o.span)));
        self.unique("op impl", m.ops.iter().map(|o| (o.impl_name.clone(), o.span)));
        for op in &m.ops {
            self.op_name(op);
            let impl_span = op.impl_span.unwrap_or(op.span);
            if !names::is_snake(&op.impl_name) || names::is_rust_keyword(&op.impl_name) {
                self.push(
                    SpecErrorKind::WrongValue {
                        what: format!("`impl=` of op `{}`", op.name),
                        expected: "a snake_case Rust function name".into(),
                    },
                    impl_span,
                );
            } else if op.impl_span.is_some() && op.impl_name == names::default_op_impl(&op.name) {
                self.push_help(
                    SpecErrorKind::Invalid(format!(
                        "`impl=` of op `{}` repeats the default `{}`",
                        op.name, op.impl_name
                    )),
                    impl_span,
                    format!("drop `impl=`: an op calls the function named like the op without `{}`", names::OP_PREFIX),
                );
            }
            self.need_doc(&op.doc, format!("op `{}`", op.name), op.span);
            self.unique("argument", op.args.iter().map(|a| (a.name.clone(), a.span)));
            for a in &op.args {
                if !names::is_snake(&a.name) || !names::is_rust_ident(&a.name) || a.name == "state" {
                    self.push(
                        SpecErrorKind::WrongValue {
                            what: format!("argument name `{}`", a.name),
                            expected: "a snake_case name other than `state`".into(),
                        },
                        a.span,
                    );
                }
                self.wire_type_in(&a.ty, &format!("argument `{}` of op `{}`", a.name, op.name), false, false);
            }
            self.wire_type_in(&op.returns, &format!("the result of op `{}`", op.name), false, true);
            self.codes(&op.raises, &format!("op `{}`", op.name));
            if op.fast && op.is_async {
                self.push(
                    SpecErrorKind::Invalid(format!("op `{}` cannot be both `async` and `fast`", op.name)),
                    op.span,
                );
            }
            let fast_ty = |t: &WireType| matches!(t, WireType::Bool | WireType::U32 | WireType::I32 | WireType::F64);
            if op.fast {
                // A borrowed buffer (`&mut [u8]`) is fast-compatible as an argument.
                let bad = op.args.iter().find(|a| !fast_ty(&a.ty.ty) && a.ty.ty != WireType::Bytes);
                if let Some(a) = bad {
                    self.push_help(
                        SpecErrorKind::Invalid(format!(
                            "fast op `{}` takes `{}`, which deno_core cannot pass on the fast path",
                            op.name, a.ty.text
                        )),
                        a.ty.span,
                        "fast ops take only bool, u32, i32, f64 and bytes; drop `fast=#true`",
                    );
                }
                if op.returns.ty != WireType::Void && !fast_ty(&op.returns.ty) {
                    self.push_help(
                        SpecErrorKind::Invalid(format!(
                            "fast op `{}` returns `{}`, which deno_core cannot return on the fast path",
                            op.name, op.returns.text
                        )),
                        op.returns.span,
                        "fast ops return only bool, u32, i32 and f64; drop `fast=#true`",
                    );
                }
            }
        }
    }

    /// `op_wasm_<noun>_<verb...>`, with `_sync` only on the sync twin of an async op.
    fn op_name(&mut self, op: &Op) {
        if !names::is_op_name(&op.name) {
            self.push_help(
                SpecErrorKind::WrongValue {
                    what: format!("op name `{}`", op.name),
                    expected: format!(
                        "`{}<noun>_<verb>` in snake_case with a noun of {}",
                        names::OP_PREFIX,
                        names::OP_NOUNS.join(", ")
                    ),
                },
                op.span,
                "e.g. `op_wasm_module_compile`, `op_wasm_memory_read`",
            );
            return;
        }
        for suffix in ["_async", "_now"] {
            if op.name.ends_with(suffix) {
                self.push_help(
                    SpecErrorKind::Invalid(format!("op name `{}` ends in `{suffix}`", op.name)),
                    op.span,
                    format!("an async op takes the plain name and its sync twin ends in `{}`", names::OP_SYNC_SUFFIX),
                );
            }
        }
        let Some(base) = op.name.strip_suffix(names::OP_SYNC_SUFFIX) else {
            return;
        };
        if op.is_async {
            self.push_help(
                SpecErrorKind::Invalid(format!(
                    "async op `{}` ends in `{}`, which marks a sync op",
                    op.name,
                    names::OP_SYNC_SUFFIX
                )),
                op.span,
                format!("name it `{base}`, or make it sync"),
            );
        } else if !self.model.ops.iter().any(|o| o.is_async && o.name == base) {
            self.push_help(
                SpecErrorKind::Invalid(format!("sync op `{}` has no async twin `{base}`", op.name)),
                op.span,
                format!(
                    "`{}` marks the sync twin of an async op; a sync op without one is named `{base}`",
                    names::OP_SYNC_SUFFIX
                ),
            );
        }
    }

    fn exports(&mut self) {
        let m = self.model;
        let exports: Vec<(String, Span)> = m
            .functions
            .iter()
            .map(|f| (f.name.clone(), f.span))
            .chain(m.classes.iter().map(|c| (c.name.clone(), c.span)))
            .chain(m.namespaces.iter().map(|n| (n.name.clone(), n.span)))
            .collect();
        for (name, span) in &exports {
            if name == "ErrorCode" {
                self.push(
                    SpecErrorKind::Invalid("`ErrorCode` is exported by every module; pick another name".into()),
                    *span,
                );
            }
        }
        self.unique("export", exports);
        for f in &m.functions {
            self.function(f, "function", true);
        }
        for c in &m.classes {
            self.need_doc(&c.doc, format!("class `{}`", c.name), c.span);
            if let Some(ext) = &c.extends {
                self.ts_type(ext, &format!("class `{}`", c.name));
            }
            self.unique(
                "member",
                c.methods
                    .iter()
                    .map(|f| (f.name.clone(), f.span))
                    .chain(c.properties.iter().map(|p| (p.name.clone(), p.span))),
            );
            for meth in &c.methods {
                self.function(meth, &format!("method `{}.{}`", c.name, meth.name), false);
            }
            for p in &c.properties {
                if !names::is_js_ident(&p.name) {
                    self.push(
                        SpecErrorKind::WrongValue {
                            what: format!("property name `{}`", p.name),
                            expected: "a JS identifier".into(),
                        },
                        p.span,
                    );
                }
                self.need_doc(&p.doc, format!("property `{}.{}`", c.name, p.name), p.span);
                self.ts_type(&p.ty, &format!("property `{}.{}`", c.name, p.name));
            }
            if !c.methods.is_empty() && c.methods.iter().all(|f| f.examples.is_empty()) {
                self.push_help(
                    SpecErrorKind::MissingExample { what: format!("class `{}`", c.name) },
                    c.span,
                    "add an `example \"title\" \"\"\"...\"\"\"` to at least one of its methods",
                );
            }
        }
        for ns in &m.namespaces {
            if !names::is_lower_camel(&ns.name) {
                self.push(
                    SpecErrorKind::WrongValue {
                        what: format!("namespace name `{}`", ns.name),
                        expected: "lowerCamelCase (ASCII letters and digits)".into(),
                    },
                    ns.span,
                );
            }
            self.need_doc(&ns.doc, format!("namespace `{}`", ns.name), ns.span);
            self.unique("namespace member", ns.functions.iter().map(|f| (f.name.clone(), f.span)));
            for f in &ns.functions {
                self.function(f, &format!("function `{}.{}`", ns.name, f.name), false);
            }
            if !ns.functions.is_empty() && ns.functions.iter().all(|f| f.examples.is_empty()) {
                self.push_help(
                    SpecErrorKind::MissingExample { what: format!("namespace `{}`", ns.name) },
                    ns.span,
                    "add an `example \"title\" \"\"\"...\"\"\"` to at least one of its functions",
                );
            }
        }
    }

    fn function(&mut self, f: &Function, what: &str, needs_example: bool) {
        let what = if what == "function" { format!("function `{}`", f.name) } else { what.to_string() };
        // Methods may also be the well-known symbols of explicit resource management.
        let symbol = matches!(f.name.as_str(), "[Symbol.asyncDispose]" | "[Symbol.dispose]");
        if !symbol && (!names::is_js_ident(&f.name) || !f.name.starts_with(|c: char| c.is_ascii_lowercase())) {
            self.push(
                SpecErrorKind::WrongValue {
                    what: format!("the name of {what}"),
                    expected: "a lowerCamelCase JS identifier".into(),
                },
                f.span,
            );
        }
        self.need_doc(&f.doc, what.clone(), f.span);
        self.unique("parameter", f.params.iter().map(|p| (p.name.clone(), p.span)));
        let mut seen_optional = false;
        for (i, p) in f.params.iter().enumerate() {
            if !names::is_js_ident(&p.name) {
                self.push(
                    SpecErrorKind::WrongValue {
                        what: format!("parameter name `{}`", p.name),
                        expected: "a JS identifier".into(),
                    },
                    p.span,
                );
            }
            if p.variadic && i + 1 != f.params.len() {
                self.push(
                    SpecErrorKind::Invalid(format!("variadic parameter `{}` must be the last one", p.name)),
                    p.span,
                );
            }
            if p.variadic && p.optional {
                self.push(
                    SpecErrorKind::Invalid(format!("parameter `{}` cannot be both optional and variadic", p.name)),
                    p.span,
                );
            }
            if seen_optional && !p.optional && !p.variadic {
                self.push(
                    SpecErrorKind::Invalid(format!("required parameter `{}` follows an optional one", p.name)),
                    p.span,
                );
            }
            seen_optional |= p.optional;
            self.ts_type(&p.ty, &format!("parameter `{}` of {what}", p.name));
        }
        self.ts_type(&f.returns.ty, &format!("the result of {what}"));
        self.codes(&f.throws, &what);
        for u in &f.uses {
            if !self.model.ops.iter().any(|o| o.name == u.name) {
                let mut err = SpecError::new(SpecErrorKind::UnknownOp { name: u.name.clone() }, u.span);
                err.help = suggest(&u.name, self.model.ops.iter().map(|o| o.name.as_str()));
                self.errors.push(err);
            }
        }
        self.unique("example title", f.examples.iter().map(|e| (e.title.clone(), e.span)));
        for ex in &f.examples {
            if ex.code.trim().is_empty() {
                self.push(
                    SpecErrorKind::WrongValue {
                        what: format!("example `{}`", ex.title),
                        expected: "non-empty code".into(),
                    },
                    ex.span,
                );
            }
            // The generated test compares the program's output with this text, so an
            // example without it would only check that nothing throws.
            match ex.stdout.as_deref() {
                None => self.push_help(
                    SpecErrorKind::Missing {
                        node: format!("example {:?}", ex.title),
                        what: "a `stdout=` property (the exact output it prints)".into(),
                    },
                    ex.span,
                    "run the example and copy what it prints, e.g. `stdout=\"42\"`; the final newline is implied",
                ),
                Some(text) if text.trim().is_empty() => self.push_help(
                    SpecErrorKind::WrongValue {
                        what: format!("`stdout=` of example `{}`", ex.title),
                        expected: "non-empty".into(),
                    },
                    ex.span,
                    "make the example print the result it demonstrates with `console.log`",
                ),
                Some(_) => {}
            }
        }
        if needs_example && f.examples.is_empty() {
            self.push_help(
                SpecErrorKind::MissingExample { what },
                f.span,
                "add `example \"title\" \"\"\"...\"\"\"` with a runnable TypeScript program",
            );
        }
    }
}

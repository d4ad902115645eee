//! `generated/site/`: the static HTML API reference (askama templates under
//! `templates/site/`, inline CSS, no external assets): `index.html` with the overview, links
//! to every page and the error table, and one page per function, class, namespace and type.
//! Type names in signatures and item names in doc text link to their pages.

use std::collections::BTreeMap;

use askama::Template;

use crate::emit::markdown::{escape, to_html};
use crate::emit::ts::{class_declaration, error_class, field_ts, signature, wire_ts};
use crate::emit::{preamble, Files};
use crate::model::{Function, Model};

pub const DIR: &str = "generated/site";

#[derive(Template)]
#[template(path = "site/index.html")]
struct IndexTemplate<'a> {
    /// The page's own file name, marked in the sidebar.
    current: String,
    preamble: String,
    site_title: String,
    nav: &'a [NavGroup],
    summary: String,
    doc: String,
    errors: Vec<ErrorRow>,
    error_class: String,
    /// The error class's page, when the spec declares one.
    error_class_href: String,
}

#[derive(Template)]
#[template(path = "site/page.html")]
struct PageTemplate<'a> {
    /// The page's own file name, marked in the sidebar.
    current: String,
    preamble: String,
    site_title: String,
    nav: &'a [NavGroup],
    title: String,
    main: Entry,
    members: Vec<Entry>,
}

struct NavGroup {
    title: String,
    links: Vec<NavLink>,
}

struct NavLink {
    href: String,
    text: String,
    /// The first sentence of the item's doc, as HTML.
    summary: String,
}

struct ErrorRow {
    code: u16,
    name: String,
    meaning: String,
    doc: String,
}

/// One documented item on a page (the page's subject or one of its members).
#[derive(Default)]
struct Entry {
    id: String,
    heading: String,
    kind: String,
    /// HTML of the TypeScript declaration, with linked type names.
    signature: String,
    doc: String,
    rows_label: String,
    rows: Vec<Row>,
    returns: String,
    throws: Vec<ThrowRow>,
    examples: Vec<(String, String)>,
}

struct Row {
    name: String,
    /// HTML.
    ty: String,
    /// HTML.
    doc: String,
}

struct ThrowRow {
    code: u16,
    name: String,
    meaning: String,
    href: String,
}

/// Where each API name's documentation lives.
struct Links {
    /// Types and classes, linked inside signatures.
    types: BTreeMap<String, String>,
    /// Everything linkable from inline code in doc text.
    all: BTreeMap<String, String>,
}

impl Links {
    fn new(model: &Model) -> Self {
        let mut types = BTreeMap::new();
        for name in model
            .aliases
            .iter()
            .map(|a| &a.name)
            .chain(model.enums.iter().map(|e| &e.name))
            .chain(
                model
                    .records
                    .iter()
                    .filter(|r| !r.internal)
                    .map(|r| &r.name),
            )
            .chain(model.unions.iter().map(|u| &u.name))
        {
            types.insert(name.clone(), type_page(name));
        }
        for c in &model.classes {
            types.insert(c.name.clone(), class_page(&c.name));
        }
        let mut all = types.clone();
        for f in &model.functions {
            all.insert(f.name.clone(), function_page(&f.name));
        }
        for c in &model.classes {
            for m in &c.methods {
                all.insert(
                    format!("{}.{}", c.name, m.name),
                    format!("{}#method.{}", class_page(&c.name), m.name),
                );
            }
            for p in &c.properties {
                all.insert(
                    format!("{}.{}", c.name, p.name),
                    format!("{}#property.{}", class_page(&c.name), p.name),
                );
            }
        }
        for ns in &model.namespaces {
            all.insert(ns.name.clone(), namespace_page(&ns.name));
            for f in &ns.functions {
                all.insert(
                    format!("{}.{}", ns.name, f.name),
                    format!("{}#function.{}", namespace_page(&ns.name), f.name),
                );
            }
        }
        // A method name alone (`getExports`) links too when only one class has it.
        for c in &model.classes {
            for m in &c.methods {
                let owners = model
                    .classes
                    .iter()
                    .filter(|o| o.methods.iter().any(|x| x.name == m.name))
                    .count();
                if owners == 1 {
                    all.entry(m.name.clone())
                        .or_insert_with(|| format!("{}#method.{}", class_page(&c.name), m.name));
                }
            }
        }
        all.insert("ErrorCode".into(), "index.html#error-codes".into());
        for e in &model.errors {
            all.entry(e.name.clone())
                .or_insert_with(|| format!("index.html#error-{}", e.code));
        }
        Links { types, all }
    }

    fn doc(&self, md: &str) -> String {
        to_html(md.trim(), &|code: &str| {
            self.all.get(code.trim_end_matches("()")).cloned()
        })
    }

    /// A TypeScript type or declaration as HTML, with declared type names linked.
    fn code(&self, text: &str) -> String {
        let mut out = String::new();
        let mut word = String::new();
        let flush = |word: &mut String, out: &mut String| {
            if word.is_empty() {
                return;
            }
            match self.types.get(word.as_str()) {
                Some(href) => out.push_str(&format!(
                    "<a href=\"{}\">{}</a>",
                    escape(href),
                    escape(word)
                )),
                None => out.push_str(&escape(word)),
            }
            word.clear();
        };
        for c in text.chars() {
            if c.is_ascii_alphanumeric() || c == '_' || c == '$' {
                word.push(c);
            } else {
                flush(&mut word, &mut out);
                out.push_str(&escape(&c.to_string()));
            }
        }
        flush(&mut word, &mut out);
        out
    }
}

pub fn function_page(name: &str) -> String {
    format!("function.{name}.html")
}

pub fn class_page(name: &str) -> String {
    format!("class.{name}.html")
}

pub fn namespace_page(name: &str) -> String {
    format!("namespace.{name}.html")
}

pub fn type_page(name: &str) -> String {
    format!("type.{name}.html")
}

/// The first sentence of a doc text.
fn first_sentence(doc: &str) -> String {
    let doc = doc.trim();
    let end = doc.find(". ").map_or(doc.len(), |i| i + 1);
    doc[..end].replace('\n', " ")
}

fn function_entry(
    model: &Model,
    links: &Links,
    id: String,
    kind: &str,
    heading: String,
    decl: String,
    f: &Function,
) -> Entry {
    Entry {
        id,
        heading,
        kind: kind.into(),
        signature: links.code(&decl),
        doc: links.doc(&f.doc),
        rows_label: "Parameter".into(),
        rows: f
            .params
            .iter()
            .map(|p| Row {
                name: if p.variadic {
                    format!("...{}", p.name)
                } else if p.optional {
                    format!("{}?", p.name)
                } else {
                    p.name.clone()
                },
                ty: links.code(&p.ty.text),
                doc: links.doc(&p.doc),
            })
            .collect(),
        returns: {
            let ty = format!("<code>{}</code>", links.code(&f.returns.ty.text));
            if f.returns.doc.trim().is_empty() {
                ty
            } else {
                let doc = links.doc(&f.returns.doc);
                let doc = doc
                    .strip_prefix("<p>")
                    .and_then(|d| d.strip_suffix("</p>"))
                    .unwrap_or(&doc)
                    .to_string();
                format!("{ty}: {doc}")
            }
        },
        throws: f
            .throws
            .iter()
            .filter_map(|t| model.error(t.code))
            .map(|e| ThrowRow {
                code: e.code,
                name: e.name.clone(),
                meaning: e.meaning.clone(),
                href: format!("index.html#error-{}", e.code),
            })
            .collect(),
        examples: f
            .examples
            .iter()
            .map(|e| (e.title.clone(), e.code.clone()))
            .collect(),
    }
}

pub fn emit(model: &Model) -> Files {
    let links = Links::new(model);
    let nav = nav(model, &links);
    let base = |current: String, title: &str, main: Entry, members: Vec<Entry>| PageTemplate {
        current,
        preamble: preamble(model),
        site_title: model.module.title.clone(),
        nav: &nav,
        title: title.to_string(),
        main,
        members,
    };
    let mut pages: Vec<(String, Result<String, askama::Error>)> = Vec::new();

    let index = IndexTemplate {
        current: "index.html".into(),
        preamble: preamble(model),
        site_title: model.module.title.clone(),
        nav: &nav,
        summary: links.doc(&model.module.summary),
        doc: links.doc(&model.module.doc),
        errors: model
            .errors
            .iter()
            .map(|e| ErrorRow {
                code: e.code,
                name: e.name.clone(),
                meaning: e.meaning.clone(),
                doc: links.doc(&e.doc),
            })
            .collect(),
        error_class: error_class(model),
        error_class_href: model
            .classes
            .iter()
            .find(|c| c.name == error_class(model))
            .map(|c| class_page(&c.name))
            .unwrap_or_default(),
    };
    pages.push(("index.html".into(), index.render()));

    for f in &model.functions {
        let main = function_entry(
            model,
            &links,
            String::new(),
            "function",
            f.name.clone(),
            format!("function {}", signature(&f.name, f)),
            f,
        );
        pages.push((
            function_page(&f.name),
            base(function_page(&f.name), &f.name, main, Vec::new()).render(),
        ));
    }

    for c in &model.classes {
        let main = Entry {
            heading: c.name.clone(),
            kind: "class".into(),
            signature: links.code(&class_declaration(c)),
            doc: links.doc(&c.doc),
            ..Entry::default()
        };
        let mut entries: Vec<Entry> = c
            .properties
            .iter()
            .map(|p| Entry {
                id: format!("property.{}", p.name),
                heading: format!("{}.{}", c.name, p.name),
                kind: "property".into(),
                signature: links.code(&format!(
                    "readonly {}{}: {}",
                    p.name,
                    if p.optional { "?" } else { "" },
                    p.ty.text
                )),
                doc: links.doc(&p.doc),
                ..Entry::default()
            })
            .collect();
        entries.extend(c.methods.iter().map(|m| {
            function_entry(
                model,
                &links,
                format!("method.{}", m.name),
                "method",
                format!("{}.{}", c.name, m.name),
                signature(&m.name, m),
                m,
            )
        }));
        pages.push((
            class_page(&c.name),
            base(class_page(&c.name), &c.name, main, entries).render(),
        ));
    }

    for ns in &model.namespaces {
        let members: Vec<String> = ns
            .functions
            .iter()
            .map(|f| format!("  function {};", signature(&f.name, f)))
            .collect();
        let main = Entry {
            heading: ns.name.clone(),
            kind: "namespace".into(),
            signature: links.code(&format!(
                "namespace {} {{\n{}\n}}",
                ns.name,
                members.join("\n")
            )),
            doc: links.doc(&ns.doc),
            ..Entry::default()
        };
        let entries = ns
            .functions
            .iter()
            .map(|f| {
                let q = format!("{}.{}", ns.name, f.name);
                function_entry(
                    model,
                    &links,
                    format!("function.{}", f.name),
                    "function",
                    q.clone(),
                    signature(&q, f),
                    f,
                )
            })
            .collect();
        pages.push((
            namespace_page(&ns.name),
            base(namespace_page(&ns.name), &ns.name, main, entries).render(),
        ));
    }

    for a in &model.aliases {
        let main = Entry {
            heading: a.name.clone(),
            kind: "type alias".into(),
            signature: links.code(&format!("type {} = {};", a.name, a.ty.text)),
            doc: links.doc(&a.doc),
            ..Entry::default()
        };
        pages.push((
            type_page(&a.name),
            base(type_page(&a.name), &a.name, main, Vec::new()).render(),
        ));
    }
    for e in &model.enums {
        let values: Vec<String> = e
            .values
            .iter()
            .map(|v| format!("\"{}\"", v.value))
            .collect();
        let main = Entry {
            heading: e.name.clone(),
            kind: "enum".into(),
            signature: links.code(&format!("type {} = {};", e.name, values.join(" | "))),
            doc: links.doc(&e.doc),
            rows_label: "Value".into(),
            rows: e
                .values
                .iter()
                .map(|v| Row {
                    name: format!("\"{}\"", v.value),
                    ty: String::new(),
                    doc: links.doc(&v.doc),
                })
                .collect(),
            ..Entry::default()
        };
        pages.push((
            type_page(&e.name),
            base(type_page(&e.name), &e.name, main, Vec::new()).render(),
        ));
    }
    for r in model.records.iter().filter(|r| !r.internal) {
        let fields: Vec<String> = r
            .fields
            .iter()
            .map(|f| {
                format!(
                    "  {}{}: {};",
                    f.name,
                    if f.optional { "?" } else { "" },
                    field_ts(f)
                )
            })
            .collect();
        let main = Entry {
            heading: r.name.clone(),
            kind: "interface".into(),
            signature: links.code(&format!(
                "interface {} {{\n{}\n}}",
                r.name,
                fields.join("\n")
            )),
            doc: links.doc(&r.doc),
            rows_label: "Field".into(),
            rows: r
                .fields
                .iter()
                .map(|f| Row {
                    name: format!("{}{}", f.name, if f.optional { "?" } else { "" }),
                    ty: links.code(&field_ts(f)),
                    doc: links.doc(&f.doc),
                })
                .collect(),
            ..Entry::default()
        };
        pages.push((
            type_page(&r.name),
            base(type_page(&r.name), &r.name, main, Vec::new()).render(),
        ));
    }
    for u in &model.unions {
        let variants: Vec<String> = u.variants.iter().map(|v| wire_ts(&v.ty.ty)).collect();
        let main = Entry {
            heading: u.name.clone(),
            kind: "union".into(),
            signature: links.code(&format!("type {} = {};", u.name, variants.join(" | "))),
            doc: links.doc(&u.doc),
            rows_label: "Variant".into(),
            rows: u
                .variants
                .iter()
                .map(|v| Row {
                    name: v.name.clone(),
                    ty: links.code(&wire_ts(&v.ty.ty)),
                    doc: links.doc(&v.doc),
                })
                .collect(),
            ..Entry::default()
        };
        pages.push((
            type_page(&u.name),
            base(type_page(&u.name), &u.name, main, Vec::new()).render(),
        ));
    }

    pages
        .into_iter()
        .map(|(name, page)| {
            let text = page.unwrap_or_else(|err| {
                format!("<!-- codegen: the page template failed: {err} -->\n")
            });
            // Templates leave trailing spaces where blocks were; keep the output tidy.
            let text: String = text
                .lines()
                .map(|l| format!("{}\n", l.trim_end()))
                .collect();
            (format!("{DIR}/{name}"), text)
        })
        .collect()
}

fn nav(model: &Model, links: &Links) -> Vec<NavGroup> {
    let summary = |doc: &str| {
        let html = links.doc(&first_sentence(doc));
        html.strip_prefix("<p>")
            .and_then(|d| d.strip_suffix("</p>"))
            .unwrap_or(&html)
            .to_string()
    };
    let mut groups = vec![
        NavGroup {
            title: "Functions".into(),
            links: model
                .functions
                .iter()
                .map(|f| NavLink {
                    href: function_page(&f.name),
                    text: f.name.clone(),
                    summary: summary(&f.doc),
                })
                .collect(),
        },
        NavGroup {
            title: "Classes".into(),
            links: model
                .classes
                .iter()
                .map(|c| NavLink {
                    href: class_page(&c.name),
                    text: c.name.clone(),
                    summary: summary(&c.doc),
                })
                .collect(),
        },
        NavGroup {
            title: "Namespaces".into(),
            links: model
                .namespaces
                .iter()
                .map(|n| NavLink {
                    href: namespace_page(&n.name),
                    text: n.name.clone(),
                    summary: summary(&n.doc),
                })
                .collect(),
        },
    ];
    let mut types: Vec<NavLink> = Vec::new();
    types.extend(model.aliases.iter().map(|a| NavLink {
        href: type_page(&a.name),
        text: a.name.clone(),
        summary: summary(&a.doc),
    }));
    types.extend(model.enums.iter().map(|e| NavLink {
        href: type_page(&e.name),
        text: e.name.clone(),
        summary: summary(&e.doc),
    }));
    types.extend(
        model
            .records
            .iter()
            .filter(|r| !r.internal)
            .map(|r| NavLink {
                href: type_page(&r.name),
                text: r.name.clone(),
                summary: summary(&r.doc),
            }),
    );
    types.extend(model.unions.iter().map(|u| NavLink {
        href: type_page(&u.name),
        text: u.name.clone(),
        summary: summary(&u.doc),
    }));
    groups.push(NavGroup {
        title: "Types".into(),
        links: types,
    });
    groups.retain(|g| !g.links.is_empty());
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::site_check::check_links;
    use crate::emit::test_spec;

    #[test]
    fn pages_exist_and_links_resolve() {
        let files = emit(&test_spec::model());
        let names: Vec<&str> = files.iter().map(|f| f.0.as_str()).collect();
        for page in [
            "index.html",
            "function.make.html",
            "class.Bin.html",
            "class.DemoError.html",
            "namespace.helpers.html",
            "type.Handle.html",
            "type.Color.html",
            "type.Thing.html",
            "type.Shape.html",
        ] {
            assert!(
                names.contains(&format!("{DIR}/{page}").as_str()),
                "{page} missing: {names:?}"
            );
        }
        assert!(!names.iter().any(|n| n.contains("Wire")));
        let problems = check_links(&files);
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn page_content() {
        let files = emit(&test_spec::model());
        let page = test_spec::file(&files, "generated/site/function.make.html");
        assert!(page.starts_with("<!-- Generated by `cargo xtask codegen` from spec/demo.kdl. Do not edit by hand. -->\n<!DOCTYPE html>"), "{page}");
        assert!(
            page.contains("<a href=\"type.Handle.html\">Handle</a>"),
            "{page}"
        );
        assert!(
            page.contains("Make a <a href=\"type.Thing.html\"><code>Thing</code></a>."),
            "{page}"
        );
        assert!(page.contains("href=\"index.html#error-7000\""), "{page}");
        assert!(
            page.contains("await make(&quot;x&quot;);")
                || page.contains("await make(&#34;x&#34;);"),
            "{page}"
        );
        assert!(!page.contains("http"), "no external assets: {page}");
        let index = test_spec::file(&files, "generated/site/index.html");
        assert!(index.contains("id=\"error-7000\""), "{index}");
        assert!(index.contains("Bad thing happened"), "{index}");
        let class = test_spec::file(&files, "generated/site/class.Bin.html");
        assert!(class.contains("id=\"method.size\""), "{class}");
        assert!(class.contains("id=\"property.label\""), "{class}");
    }
}

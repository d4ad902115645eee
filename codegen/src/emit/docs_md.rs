//! `generated/docs/runtime-wasm.md`: the Markdown API reference (overview, contents, one
//! section per function, class, method, namespace and type with signature, docs, throws and
//! examples, and the error-code table), rendered through `templates/docs/reference.md`.

use askama::Template;

use crate::emit::ts::{class_declaration, error_class, field_ts, signature, wire_ts};
use crate::emit::{preamble, Files};
use crate::model::{Function, Model};
use crate::names::slug;

pub const PATH: &str = "generated/docs/runtime-wasm.md";

#[derive(Template)]
#[template(path = "docs/reference.md", escape = "none")]
struct MdTemplate {
    preamble: String,
    title: String,
    summary: String,
    doc: String,
    toc: Vec<TocLine>,
    sections: Vec<Section>,
    errors: Vec<ErrorRow>,
    error_class: String,
}

struct TocLine {
    indent: String,
    text: String,
    anchor: String,
}

struct Section {
    title: String,
    items: Vec<Item>,
}

/// One documented thing: a function, class, method, namespace member or type.
#[derive(Default)]
struct Item {
    /// `###` or `####`.
    level: String,
    title: String,
    /// A TypeScript declaration shown in a code block.
    signature: String,
    doc: String,
    /// `(name, type, description)` rows of the parameter / field / value table.
    rows: Vec<(String, String, String)>,
    /// Header of the first column of `rows`.
    rows_label: String,
    returns: String,
    throws: Vec<String>,
    examples: Vec<(String, String)>,
}

struct ErrorRow {
    code: u16,
    name: String,
    meaning: String,
    doc: String,
    trigger: String,
    pending: String,
}

pub fn emit(model: &Model) -> Files {
    let text = match build(model).render() {
        Ok(text) => text,
        Err(err) => format!("<!-- codegen: the Markdown template failed: {err} -->\n"),
    };
    vec![(PATH.to_string(), text)]
}

/// Text safe inside a GFM table cell.
fn cell(text: &str) -> String {
    text.trim().replace('|', "\\|").replace('\n', " ")
}

fn function_item(model: &Model, level: &str, title: String, decl: String, f: &Function) -> Item {
    let class = error_class(model);
    Item {
        level: level.into(),
        title,
        signature: decl,
        doc: f.doc.trim().to_string(),
        rows_label: "Parameter".into(),
        rows: f
            .params
            .iter()
            .map(|p| {
                let name = if p.variadic {
                    format!("...{}", p.name)
                } else if p.optional {
                    format!("{}?", p.name)
                } else {
                    p.name.clone()
                };
                (
                    format!("`{name}`"),
                    format!("`{}`", cell(&p.ty.text)),
                    cell(&p.doc),
                )
            })
            .collect(),
        returns: if f.returns.doc.trim().is_empty() {
            format!("`{}`", f.returns.ty.text)
        } else {
            format!("`{}`: {}", f.returns.ty.text, f.returns.doc.trim())
        },
        throws: f
            .throws
            .iter()
            .filter_map(|t| model.error(t.code))
            .map(|e| format!("`{class}` {} `{}`: {}", e.code, e.name, e.meaning))
            .collect(),
        examples: f
            .examples
            .iter()
            .map(|e| (e.title.clone(), e.code.clone()))
            .collect(),
    }
}

fn build(model: &Model) -> MdTemplate {
    let mut sections = Vec::new();

    let functions = model
        .functions
        .iter()
        .map(|f| {
            function_item(
                model,
                "###",
                f.name.clone(),
                format!("function {}", signature(&f.name, f)),
                f,
            )
        })
        .collect::<Vec<_>>();
    if !functions.is_empty() {
        sections.push(Section {
            title: "Functions".into(),
            items: functions,
        });
    }

    let mut classes = Vec::new();
    for c in &model.classes {
        classes.push(Item {
            level: "###".into(),
            title: c.name.clone(),
            signature: class_declaration(c),
            doc: c.doc.trim().to_string(),
            rows_label: "Property".into(),
            rows: c
                .properties
                .iter()
                .map(|p| {
                    (
                        format!("`{}{}`", p.name, if p.optional { "?" } else { "" }),
                        format!("`{}`", cell(&p.ty.text)),
                        cell(&p.doc),
                    )
                })
                .collect(),
            ..Item::default()
        });
        for m in &c.methods {
            let title = format!("{}.{}", c.name, m.name);
            classes.push(function_item(
                model,
                "####",
                title,
                signature(&format!("{}.{}", c.name.to_lowercase(), m.name), m),
                m,
            ));
        }
    }
    if !classes.is_empty() {
        sections.push(Section {
            title: "Classes".into(),
            items: classes,
        });
    }

    let mut namespaces = Vec::new();
    for ns in &model.namespaces {
        let members: Vec<String> = ns
            .functions
            .iter()
            .map(|f| format!("  function {};", signature(&f.name, f)))
            .collect();
        namespaces.push(Item {
            level: "###".into(),
            title: ns.name.clone(),
            signature: format!("namespace {} {{\n{}\n}}", ns.name, members.join("\n")),
            doc: ns.doc.trim().to_string(),
            ..Item::default()
        });
        for f in &ns.functions {
            let title = format!("{}.{}", ns.name, f.name);
            namespaces.push(function_item(
                model,
                "####",
                title.clone(),
                signature(&title, f),
                f,
            ));
        }
    }
    if !namespaces.is_empty() {
        sections.push(Section {
            title: "Namespaces".into(),
            items: namespaces,
        });
    }

    let mut types = Vec::new();
    for a in &model.aliases {
        types.push(Item {
            level: "###".into(),
            title: a.name.clone(),
            signature: format!("type {} = {};", a.name, a.ty.text),
            doc: a.doc.trim().to_string(),
            ..Item::default()
        });
    }
    for e in &model.enums {
        let values: Vec<String> = e
            .values
            .iter()
            .map(|v| format!("\"{}\"", v.value))
            .collect();
        types.push(Item {
            level: "###".into(),
            title: e.name.clone(),
            signature: format!("type {} = {};", e.name, values.join(" | ")),
            doc: e.doc.trim().to_string(),
            rows_label: "Value".into(),
            rows: e
                .values
                .iter()
                .map(|v| (format!("`\"{}\"`", v.value), String::new(), cell(&v.doc)))
                .collect(),
            ..Item::default()
        });
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
        types.push(Item {
            level: "###".into(),
            title: r.name.clone(),
            signature: format!("interface {} {{\n{}\n}}", r.name, fields.join("\n")),
            doc: r.doc.trim().to_string(),
            rows_label: "Field".into(),
            rows: r
                .fields
                .iter()
                .map(|f| {
                    (
                        format!("`{}{}`", f.name, if f.optional { "?" } else { "" }),
                        format!("`{}`", cell(&field_ts(f))),
                        cell(&f.doc),
                    )
                })
                .collect(),
            ..Item::default()
        });
    }
    for u in &model.unions {
        let variants: Vec<String> = u.variants.iter().map(|v| wire_ts(&v.ty.ty)).collect();
        types.push(Item {
            level: "###".into(),
            title: u.name.clone(),
            signature: format!("type {} = {};", u.name, variants.join(" | ")),
            doc: u.doc.trim().to_string(),
            rows_label: "Variant".into(),
            rows: u
                .variants
                .iter()
                .map(|v| {
                    (
                        format!("`{}`", v.name),
                        format!("`{}`", cell(&wire_ts(&v.ty.ty))),
                        cell(&v.doc),
                    )
                })
                .collect(),
            ..Item::default()
        });
    }
    if !types.is_empty() {
        sections.push(Section {
            title: "Types".into(),
            items: types,
        });
    }

    // Anchors in document order, de-duplicated the way GitHub does (`-1`, `-2`, ...).
    let mut used: Vec<String> = Vec::new();
    let mut anchor = |text: &str| {
        let base = slug(text);
        let mut candidate = base.clone();
        let mut n = 0;
        while used.contains(&candidate) {
            n += 1;
            candidate = format!("{base}-{n}");
        }
        used.push(candidate.clone());
        candidate
    };
    anchor(&model.module.title);
    anchor("Contents");
    let mut toc = Vec::new();
    for s in &sections {
        toc.push(TocLine {
            indent: String::new(),
            text: s.title.clone(),
            anchor: anchor(&s.title),
        });
        for i in &s.items {
            let indent = if i.level == "####" { "    " } else { "  " };
            toc.push(TocLine {
                indent: indent.into(),
                text: format!("`{}`", i.title),
                anchor: anchor(&i.title),
            });
        }
    }
    let errors_anchor = anchor("Error codes");
    toc.push(TocLine {
        indent: String::new(),
        text: "Error codes".into(),
        anchor: errors_anchor,
    });

    MdTemplate {
        preamble: preamble(model),
        title: model.module.title.clone(),
        summary: model.module.summary.trim().to_string(),
        doc: model.module.doc.trim().to_string(),
        toc,
        sections,
        errors: model
            .errors
            .iter()
            .map(|e| ErrorRow {
                code: e.code,
                name: e.name.clone(),
                meaning: cell(&e.meaning),
                doc: cell(&e.doc),
                trigger: e.trigger.clone().unwrap_or_default(),
                pending: e.pending.clone().unwrap_or_default(),
            })
            .collect(),
        error_class: error_class(model),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::test_spec;

    fn output() -> String {
        let files = emit(&test_spec::model());
        test_spec::file(&files, PATH).to_string()
    }

    #[test]
    fn reference() {
        let out = output();
        assert!(out.starts_with("<!-- Generated by `cargo xtask codegen` from spec/demo.kdl. Do not edit by hand. -->\n"), "{out}");
        assert!(
            out.contains("\n# demo:mod\n\nA demo module.\n\nDemo overview with `Thing`.\n"),
            "{out}"
        );
        assert!(
            out.contains("- [Functions](#functions)\n  - [`make`](#make)\n"),
            "{out}"
        );
        assert!(
            out.contains("  - [`Bin`](#bin)\n    - [`Bin.size`](#binsize)\n"),
            "{out}"
        );
        assert!(out.contains("- [Error codes](#error-codes)\n"), "{out}");
        assert!(out.contains("### make\n\n```ts\nfunction make(name: string, options?: Thing): Promise<Handle>\n```\n\nMake a `Thing`.\n"), "{out}");
        assert!(out.contains("| `name` | `string` | Its name. |\n"), "{out}");
        assert!(
            out.contains("**Returns** `Promise<Handle>`: The handle.\n"),
            "{out}"
        );
        assert!(
            out.contains("- `DemoError` 7000 `BadThing`: Bad thing happened\n"),
            "{out}"
        );
        assert!(out.contains("**Example: Make one**\n\n```ts\nimport { make } from \"demo:mod\";\nawait make(\"x\");\n```\n"), "{out}");
        assert!(out.contains("#### Bin.size\n"), "{out}");
        assert!(
            out.contains("| `type` | `number \\| bigint` | A keyword field. |\n"),
            "{out}"
        );
        assert!(
            out.contains("| 7000 | `BadThing` | Bad thing happened | It was bad. |\n"),
            "{out}"
        );
        assert!(out.contains("Pending: needs a fixture"), "{out}");
        assert!(!out.contains("Wire"), "{out}");
    }
}

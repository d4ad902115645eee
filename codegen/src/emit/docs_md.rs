//! `generated/docs/runtime-wasm.md`: the Markdown API reference (overview, contents, one
//! section per function, class, method, namespace and type with signature, docs, throws and
//! examples, and the error-code table), rendered through `templates/docs/reference.md`.

use askama::Template;

use crate::emit::surface::{Item as SurfaceItem, Kind, Surface};
use crate::emit::ts::error_class;
use crate::emit::{preamble, render, EmitError, Files};
use crate::model::Model;
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

/// A surface item as Markdown: code spans and table cells escaped, nothing else changed.
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
    /// `(title, code, what it prints)`.
    examples: Vec<(String, String, String)>,
}

struct ErrorRow {
    code: u16,
    name: String,
    meaning: String,
    doc: String,
    trigger: String,
    pending: String,
}

pub fn emit(model: &Model) -> Result<Files, EmitError> {
    Ok(vec![(PATH.to_string(), render(PATH, &build(model))?)])
}

/// Text safe inside a GFM table cell.
fn cell(text: &str) -> String {
    text.trim().replace('|', "\\|").replace('\n', " ")
}

/// `text` as an inline code span in a table cell; empty stays empty.
fn code_cell(text: &str) -> String {
    if text.is_empty() {
        String::new()
    } else {
        format!("`{}`", cell(text))
    }
}

fn item(level: &str, it: &SurfaceItem, class: &str, members: &[SurfaceItem]) -> Item {
    // A class's properties are a table in the class's section rather than sections of their own.
    let (rows_label, rows) = if it.kind == Kind::Class {
        let properties: Vec<(String, String, String)> = members
            .iter()
            .filter(|m| m.kind == Kind::Property)
            .map(|p| {
                let name = if p.optional { format!("{}?", p.short) } else { p.short.clone() };
                (format!("`{name}`"), code_cell(&p.ty), cell(p.doc))
            })
            .collect();
        ("Property", properties)
    } else {
        let rows = it.rows.iter().map(|r| (format!("`{}`", r.name), code_cell(&r.ty), cell(&r.doc))).collect();
        (it.rows_label, rows)
    };
    Item {
        level: level.into(),
        title: it.name.clone(),
        signature: it.signature.clone(),
        doc: it.doc.to_string(),
        rows_label: rows_label.into(),
        rows,
        returns: match &it.returns {
            None => String::new(),
            Some(r) if r.doc.is_empty() => format!("`{}`", r.ty),
            Some(r) => format!("`{}`: {}", r.ty, r.doc),
        },
        throws: it.throws.iter().map(|e| format!("`{class}` {} `{}`: {}", e.code, e.name, e.meaning)).collect(),
        examples: it
            .examples
            .iter()
            .map(|e| (e.title.clone(), e.code.clone(), e.stdout.clone().unwrap_or_default()))
            .collect(),
    }
}

fn build(model: &Model) -> MdTemplate {
    let class = error_class(model);
    let sections: Vec<Section> = Surface::new(model)
        .sections
        .iter()
        .map(|s| Section {
            title: s.title.to_string(),
            items: s
                .pages
                .iter()
                .flat_map(|p| {
                    let own = item("###", &p.item, &class, &p.members);
                    let members =
                        p.members.iter().filter(|m| m.kind != Kind::Property).map(|m| item("####", m, &class, &[]));
                    std::iter::once(own).chain(members).collect::<Vec<_>>()
                })
                .collect(),
        })
        .collect();

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
        toc.push(TocLine { indent: String::new(), text: s.title.clone(), anchor: anchor(&s.title) });
        for i in &s.items {
            let indent = if i.level == "####" { "    " } else { "  " };
            toc.push(TocLine { indent: indent.into(), text: format!("`{}`", i.title), anchor: anchor(&i.title) });
        }
    }
    let errors_anchor = anchor("Error codes");
    toc.push(TocLine { indent: String::new(), text: "Error codes".into(), anchor: errors_anchor });

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
        error_class: class,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::test_spec;

    fn output() -> String {
        let files = emit(&test_spec::model()).expect("the demo spec renders");
        test_spec::file(&files, PATH).to_string()
    }

    #[test]
    fn reference() {
        let out = output();
        assert!(
            out.starts_with("<!-- Generated by `cargo xtask codegen` from spec/demo.kdl. Do not edit by hand. -->\n"),
            "{out}"
        );
        assert!(out.contains("\n# demo:mod\n\nA demo module.\n\nDemo overview with `Thing`.\n"), "{out}");
        assert!(out.contains("- [Functions](#functions)\n  - [`make`](#make)\n"), "{out}");
        assert!(out.contains("  - [`Bin`](#bin)\n    - [`Bin.size`](#binsize)\n"), "{out}");
        assert!(out.contains("- [Error codes](#error-codes)\n"), "{out}");
        assert!(out.contains("### make\n\n```ts\nfunction make(name: string, options?: Thing): Promise<Handle>\n```\n\nMake a `Thing`.\n"), "{out}");
        assert!(out.contains("| `name` | `string` | Its name. |\n"), "{out}");
        assert!(out.contains("**Returns** `Promise<Handle>`: The handle.\n"), "{out}");
        assert!(out.contains("- `DemoError` 7000 `BadThing`: Bad thing happened\n"), "{out}");
        assert!(
            out.contains(
                "**Example: Make one**\n\n```ts\nimport { make } from \"demo:mod\";\nawait make(\"x\");\n```\n"
            ),
            "{out}"
        );
        assert!(out.contains("#### Bin.size\n"), "{out}");
        assert!(out.contains("| `type` | `number \\| bigint` | A keyword field. |\n"), "{out}");
        assert!(
            out.contains("| `onDone?` | `(thing: Thing) => void` | *JS only:* handled by the JS module, never sent to the runtime (not in the JSON Schema). Called when done. |\n"),
            "{out}"
        );
        assert!(out.contains("| 7000 | `BadThing` | Bad thing happened | It was bad. |\n"), "{out}");
        assert!(out.contains("Pending: needs a fixture"), "{out}");
        assert!(!out.contains("Wire"), "{out}");
    }
}

//! The public surface as the API reference presents it, built once from the model and
//! rendered by both documentation emitters (`docs_md` and `site`): sections (functions,
//! classes, namespaces, types) of pages, each page one top-level item with its members, every
//! item with its kind, qualified name, anchor, TypeScript declaration, doc, table rows,
//! return value, thrown errors and examples.
//!
//! Texts here are plain: TypeScript as written and doc Markdown as in the spec. Escaping,
//! linking and layout belong to the renderer.

use std::borrow::Cow;

use crate::emit::ts::{class_declaration, field_ts, signature, wire_ts};
use crate::model::{ErrorDef, Example, Function, Model};

/// Every public item of the module, in the order the reference shows it.
pub struct Surface<'m> {
    /// Only the sections that have pages, in a fixed order.
    pub sections: Vec<Section<'m>>,
}

pub struct Section<'m> {
    /// `Functions`, `Classes`, `Namespaces` or `Types`.
    pub title: &'static str,
    pub pages: Vec<Page<'m>>,
}

/// A top-level item (its own page on the site) and its members.
pub struct Page<'m> {
    /// The site's file name for it, e.g. `class.Instance.html`.
    pub file: String,
    pub item: Item<'m>,
    /// Properties, then methods (classes); functions (namespaces). Empty otherwise.
    pub members: Vec<Item<'m>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Function,
    Class,
    Method,
    Property,
    Namespace,
    Alias,
    Enum,
    Interface,
    Union,
}

impl Kind {
    /// The word shown next to the item's name.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Function => "function",
            Kind::Class => "class",
            Kind::Method => "method",
            Kind::Property => "property",
            Kind::Namespace => "namespace",
            Kind::Alias => "type alias",
            Kind::Enum => "enum",
            Kind::Interface => "interface",
            Kind::Union => "union",
        }
    }
}

/// One documented thing: a page's subject or one of its members.
pub struct Item<'m> {
    pub kind: Kind,
    /// Qualified: `compile`, `Instance.call`, `types.i32`.
    pub name: String,
    /// The member's name without its owner (`call` for `Instance.call`).
    pub short: String,
    /// The member's fragment on its page (`method.call`); empty for a page's subject.
    pub id: String,
    /// The TypeScript declaration.
    pub signature: String,
    /// Markdown, trimmed.
    pub doc: &'m str,
    /// Header of the first column of `rows`: `Parameter`, `Field`, `Value`, `Variant`.
    pub rows_label: &'static str,
    pub rows: Vec<Row<'m>>,
    /// Functions and methods only.
    pub returns: Option<Returns<'m>>,
    pub throws: Vec<&'m ErrorDef>,
    pub examples: &'m [Example],
    /// Properties only: whether the property may be absent.
    pub optional: bool,
    /// Properties only: the property's TypeScript type.
    pub ty: String,
}

/// A row of a parameter, field, value or variant table.
pub struct Row<'m> {
    /// As written in TypeScript: `...args`, `options?`, `"i32"`.
    pub name: String,
    /// A TypeScript type; empty for enum values.
    pub ty: String,
    /// Markdown.
    pub doc: Cow<'m, str>,
}

/// What the docs say before a JS-only field's own doc.
pub const JS_ONLY_NOTE: &str =
    "*JS only:* handled by the JS module, never sent to the runtime (not in the JSON Schema).";

pub struct Returns<'m> {
    /// A TypeScript type.
    pub ty: &'m str,
    /// Markdown, trimmed; may be empty.
    pub doc: &'m str,
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

impl<'m> Item<'m> {
    fn new(kind: Kind, name: String, signature: String, doc: &'m str) -> Self {
        Item {
            kind,
            short: name.rsplit('.').next().unwrap_or(&name).to_string(),
            name,
            id: String::new(),
            signature,
            doc: doc.trim(),
            rows_label: "",
            rows: Vec::new(),
            returns: None,
            throws: Vec::new(),
            examples: &[],
            optional: false,
            ty: String::new(),
        }
    }

    fn function(model: &'m Model, kind: Kind, name: String, decl: String, f: &'m Function) -> Self {
        Item {
            rows_label: "Parameter",
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
                    ty: p.ty.text.clone(),
                    doc: Cow::Borrowed(&p.doc),
                })
                .collect(),
            returns: Some(Returns { ty: &f.returns.ty.text, doc: f.returns.doc.trim() }),
            throws: f.throws.iter().filter_map(|t| model.error(t.code)).collect(),
            examples: &f.examples,
            ..Item::new(kind, name, decl, &f.doc)
        }
    }

    fn member(mut self, id_prefix: &str) -> Self {
        self.id = format!("{id_prefix}.{}", self.short);
        self
    }
}

/// `name?` for an optional member, `name` otherwise.
fn optional_name(name: &str, optional: bool) -> String {
    if optional {
        format!("{name}?")
    } else {
        name.to_string()
    }
}

impl<'m> Surface<'m> {
    pub fn new(model: &'m Model) -> Self {
        let functions = model
            .functions
            .iter()
            .map(|f| Page {
                file: function_page(&f.name),
                item: Item::function(
                    model,
                    Kind::Function,
                    f.name.clone(),
                    format!("function {}", signature(&f.name, f)),
                    f,
                ),
                members: Vec::new(),
            })
            .collect();

        let classes = model
            .classes
            .iter()
            .map(|c| {
                let properties = c.properties.iter().map(|p| Item {
                    optional: p.optional,
                    ty: p.ty.text.clone(),
                    ..Item::new(
                        Kind::Property,
                        format!("{}.{}", c.name, p.name),
                        format!("readonly {}: {}", optional_name(&p.name, p.optional), p.ty.text),
                        &p.doc,
                    )
                    .member("property")
                });
                // A method is declared as a member of its class: `call(name: string): T`.
                let methods = c.methods.iter().map(|m| {
                    Item::function(model, Kind::Method, format!("{}.{}", c.name, m.name), signature(&m.name, m), m)
                        .member("method")
                });
                Page {
                    file: class_page(&c.name),
                    item: Item::new(Kind::Class, c.name.clone(), class_declaration(c), &c.doc),
                    members: properties.chain(methods).collect(),
                }
            })
            .collect();

        let namespaces = model
            .namespaces
            .iter()
            .map(|ns| {
                let members: Vec<String> =
                    ns.functions.iter().map(|f| format!("  function {};", signature(&f.name, f))).collect();
                Page {
                    file: namespace_page(&ns.name),
                    item: Item::new(
                        Kind::Namespace,
                        ns.name.clone(),
                        format!("namespace {} {{\n{}\n}}", ns.name, members.join("\n")),
                        &ns.doc,
                    ),
                    members: ns
                        .functions
                        .iter()
                        .map(|f| {
                            let name = format!("{}.{}", ns.name, f.name);
                            Item::function(model, Kind::Function, name.clone(), signature(&name, f), f)
                                .member("function")
                        })
                        .collect(),
                }
            })
            .collect();

        let mut types: Vec<Page<'m>> = Vec::new();
        let type_page_of = |item: Item<'m>| Page { file: type_page(&item.name), item, members: Vec::new() };
        types.extend(model.aliases.iter().map(|a| {
            type_page_of(Item::new(Kind::Alias, a.name.clone(), format!("type {} = {};", a.name, a.ty.text), &a.doc))
        }));
        types.extend(model.enums.iter().map(|e| {
            let values: Vec<String> = e.values.iter().map(|v| format!("\"{}\"", v.value)).collect();
            type_page_of(Item {
                rows_label: "Value",
                rows: e
                    .values
                    .iter()
                    .map(|v| Row { name: format!("\"{}\"", v.value), ty: String::new(), doc: Cow::Borrowed(&v.doc) })
                    .collect(),
                ..Item::new(Kind::Enum, e.name.clone(), format!("type {} = {};", e.name, values.join(" | ")), &e.doc)
            })
        }));
        types.extend(model.public_records().map(|r| {
            let fields: Vec<String> = r
                .fields
                .iter()
                .map(|f| format!("  {}: {};", optional_name(&f.name, f.optional), field_ts(f)))
                .collect();
            type_page_of(Item {
                rows_label: "Field",
                rows: r
                    .fields
                    .iter()
                    .map(|f| Row {
                        name: optional_name(&f.name, f.optional),
                        ty: field_ts(f),
                        doc: if f.js_only {
                            Cow::Owned(format!("{JS_ONLY_NOTE} {}", f.doc))
                        } else {
                            Cow::Borrowed(&f.doc)
                        },
                    })
                    .collect(),
                ..Item::new(
                    Kind::Interface,
                    r.name.clone(),
                    format!("interface {} {{\n{}\n}}", r.name, fields.join("\n")),
                    &r.doc,
                )
            })
        }));
        types.extend(model.unions.iter().map(|u| {
            let variants: Vec<String> = u.variants.iter().map(|v| wire_ts(&v.ty.ty)).collect();
            type_page_of(Item {
                rows_label: "Variant",
                rows: u
                    .variants
                    .iter()
                    .map(|v| Row { name: v.name.clone(), ty: wire_ts(&v.ty.ty), doc: Cow::Borrowed(&v.doc) })
                    .collect(),
                ..Item::new(Kind::Union, u.name.clone(), format!("type {} = {};", u.name, variants.join(" | ")), &u.doc)
            })
        }));

        let sections = [("Functions", functions), ("Classes", classes), ("Namespaces", namespaces), ("Types", types)]
            .into_iter()
            .filter(|(_, pages)| !pages.is_empty())
            .map(|(title, pages)| Section { title, pages })
            .collect();
        Surface { sections }
    }

    /// Every page, section by section.
    pub fn pages(&self) -> impl Iterator<Item = &Page<'m>> {
        self.sections.iter().flat_map(|s| s.pages.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::test_spec;

    #[test]
    fn sections_pages_and_members_in_spec_order() {
        let model = test_spec::model();
        let surface = Surface::new(&model);
        let outline: Vec<(&str, Vec<&str>)> = surface
            .sections
            .iter()
            .map(|s| (s.title, s.pages.iter().map(|p| p.item.name.as_str()).collect()))
            .collect();
        assert_eq!(
            outline,
            vec![
                ("Functions", vec!["make"]),
                ("Classes", vec!["Bin", "DemoError"]),
                ("Namespaces", vec!["helpers"]),
                // Aliases, enums, public records, unions; the internal `Wire` is not here.
                ("Types", vec!["Handle", "Color", "Thing", "Shape"]),
            ]
        );
        let bin = surface.pages().find(|p| p.item.name == "Bin").expect("Bin");
        let members: Vec<(Kind, &str, &str, &str)> =
            bin.members.iter().map(|m| (m.kind, m.name.as_str(), m.id.as_str(), m.signature.as_str())).collect();
        assert_eq!(
            members,
            vec![
                (Kind::Property, "Bin.label", "property.label", "readonly label: string"),
                (Kind::Method, "Bin.size", "method.size", "size(...extra: number[]): Promise<number>"),
            ]
        );
        let size = &bin.members[1];
        assert_eq!(size.rows[0].name, "...extra");
        assert_eq!(size.throws.iter().map(|e| e.code).collect::<Vec<_>>(), vec![7001]);
        assert_eq!(size.returns.as_ref().map(|r| r.ty), Some("Promise<number>"));
        let red = &surface.pages().find(|p| p.item.name == "helpers").expect("helpers").members[0];
        assert_eq!((red.name.as_str(), red.id.as_str()), ("helpers.red", "function.red"));
    }
}

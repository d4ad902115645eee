//! `generated/site/`: the static HTML API reference (askama templates under
//! `templates/site/`, inline CSS, no external assets): `index.html` with the overview, links
//! to every page and the error table, one page per guide (`guide.<slug>.html`, from
//! `spec/guides/`), and one page per function, class, namespace and type.
//! Type names in signatures and item names in doc text link to their pages.
//!
//! Search runs in the browser: `search-index.js` holds one entry per item (every page, member,
//! guide, guide section and error code), `search.js` (copied from `templates/site/`) ranks
//! them for the search box of every page and for `search.html`.

use std::collections::BTreeMap;

use askama::Template;

use serde::Serialize;

use crate::emit::markdown::{escape, guide_html, plain_text, to_html};
use crate::emit::surface::{class_page, Item, Kind, Surface};
use crate::emit::ts::error_class;
use crate::emit::{preamble, render, EmitError, Files};
use crate::model::Model;

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

#[derive(Template)]
#[template(path = "site/guide.html")]
struct GuideTemplate<'a> {
    current: String,
    preamble: String,
    site_title: String,
    nav: &'a [NavGroup],
    title: String,
    /// HTML.
    body: String,
}

#[derive(Template)]
#[template(path = "site/search.html")]
struct SearchTemplate<'a> {
    current: String,
    preamble: String,
    site_title: String,
    nav: &'a [NavGroup],
}

/// The hand-written search script, emitted as `search.js`.
const SEARCH_JS: &str = include_str!("../../templates/site/search.js");

/// The file the search script loads its entries from.
pub const SEARCH_INDEX: &str = "search-index.js";

/// What `search-index.js` assigns its entries to.
pub const SEARCH_INDEX_GLOBAL: &str = "window.SEARCH_INDEX";

/// One entry of the search index (short keys keep the file small).
#[derive(Serialize)]
pub struct SearchEntry {
    /// The name shown and ranked first.
    pub n: String,
    /// The kind: `function`, `method`, `guide`, `error 5002`, ...
    pub k: String,
    /// The page (and anchor) it links to.
    pub u: String,
    /// Names of its members, parameters and fields, ranked below the name.
    pub w: String,
    /// Its doc text, plain, ranked last.
    pub t: String,
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

/// A surface item as HTML, with type names and doc references linked.
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
    /// `(title, code, what it prints)`.
    examples: Vec<(String, String, String)>,
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
    fn new(model: &Model, surface: &Surface) -> Self {
        let mut types = BTreeMap::new();
        let mut all = BTreeMap::new();
        for page in surface.pages() {
            if matches!(page.item.kind, Kind::Class | Kind::Alias | Kind::Enum | Kind::Interface | Kind::Union) {
                types.insert(page.item.name.clone(), page.file.clone());
            }
            all.insert(page.item.name.clone(), page.file.clone());
            for m in &page.members {
                all.insert(m.name.clone(), format!("{}#{}", page.file, m.id));
            }
        }
        // A method name alone (`getExports`) links too when only one class has it.
        for page in surface.pages() {
            for m in page.members.iter().filter(|m| m.kind == Kind::Method) {
                let owners = surface
                    .pages()
                    .filter(|o| o.members.iter().any(|x| x.kind == Kind::Method && x.short == m.short))
                    .count();
                if owners == 1 {
                    all.entry(m.short.clone()).or_insert_with(|| format!("{}#{}", page.file, m.id));
                }
            }
        }
        all.insert("ErrorCode".into(), "index.html#error-codes".into());
        for e in &model.errors {
            all.entry(e.name.clone()).or_insert_with(|| format!("index.html#error-{}", e.code));
        }
        Links { types, all }
    }

    /// A guide's body as HTML, and its sections for the search index.
    fn guide(&self, md: &str) -> (String, Vec<crate::emit::markdown::GuideSection>) {
        guide_html(md.trim(), &|code: &str| self.all.get(code.trim_end_matches("()")).cloned())
    }

    fn doc(&self, md: &str) -> String {
        to_html(md.trim(), &|code: &str| self.all.get(code.trim_end_matches("()")).cloned())
    }

    /// Doc text that sits inside a line (a table cell's neighbour, a list item): no `<p>`.
    fn inline_doc(&self, md: &str) -> String {
        let html = self.doc(md);
        html.strip_prefix("<p>").and_then(|d| d.strip_suffix("</p>")).unwrap_or(&html).to_string()
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
                Some(href) => out.push_str(&format!("<a href=\"{}\">{}</a>", escape(href), escape(word))),
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

    fn entry(&self, it: &Item) -> Entry {
        Entry {
            id: it.id.clone(),
            heading: it.name.clone(),
            kind: it.kind.label().into(),
            signature: self.code(&it.signature),
            doc: self.doc(it.doc),
            rows_label: it.rows_label.into(),
            rows: it
                .rows
                .iter()
                .map(|r| Row { name: r.name.clone(), ty: self.code(&r.ty), doc: self.doc(&r.doc) })
                .collect(),
            returns: match &it.returns {
                None => String::new(),
                Some(r) => {
                    let ty = format!("<code>{}</code>", self.code(r.ty));
                    if r.doc.is_empty() {
                        ty
                    } else {
                        format!("{ty}: {}", self.inline_doc(r.doc))
                    }
                }
            },
            throws: it
                .throws
                .iter()
                .map(|e| ThrowRow {
                    code: e.code,
                    name: e.name.clone(),
                    meaning: e.meaning.clone(),
                    href: format!("index.html#error-{}", e.code),
                })
                .collect(),
            examples: it
                .examples
                .iter()
                .map(|e| (e.title.clone(), e.code.clone(), e.stdout.clone().unwrap_or_default()))
                .collect(),
        }
    }
}

/// The first sentence of a doc text.
fn first_sentence(doc: &str) -> String {
    let doc = doc.trim();
    let end = doc.find(". ").map_or(doc.len(), |i| i + 1);
    doc[..end].replace('\n', " ")
}

pub fn emit(model: &Model) -> Result<Files, EmitError> {
    let surface = Surface::new(model);
    let links = Links::new(model, &surface);
    let guides: Vec<(String, String, Vec<crate::emit::markdown::GuideSection>)> = model
        .guides
        .iter()
        .map(|g| {
            let (body, sections) = links.guide(&g.markdown);
            (format!("guide.{}.html", g.slug), body, sections)
        })
        .collect();
    let guide_group = NavGroup {
        title: "Guides".into(),
        links: model
            .guides
            .iter()
            .zip(&guides)
            .map(|(g, (file, _, _))| NavLink {
                href: file.clone(),
                text: g.title.clone(),
                summary: links.inline_doc(&first_sentence(&g.summary)),
            })
            .collect(),
    };
    let nav: Vec<NavGroup> = (!model.guides.is_empty())
        .then_some(guide_group)
        .into_iter()
        .chain(surface.sections.iter().map(|s| {
            NavGroup {
                title: s.title.to_string(),
                links: s
                    .pages
                    .iter()
                    .map(|p| NavLink {
                        href: p.file.clone(),
                        text: p.item.name.clone(),
                        summary: links.inline_doc(&first_sentence(p.item.doc)),
                    })
                    .collect(),
            }
        }))
        .collect();
    let mut pages: Vec<(String, String)> = Vec::new();

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
    pages.push(("index.html".into(), render(&format!("{DIR}/index.html"), &index)?));

    for (g, (file, body, _)) in model.guides.iter().zip(&guides) {
        let template = GuideTemplate {
            current: file.clone(),
            preamble: preamble(model),
            site_title: model.module.title.clone(),
            nav: &nav,
            title: g.title.clone(),
            body: body.clone(),
        };
        pages.push((file.clone(), render(&format!("{DIR}/{file}"), &template)?));
    }

    let search = SearchTemplate {
        current: "search.html".into(),
        preamble: preamble(model),
        site_title: model.module.title.clone(),
        nav: &nav,
    };
    pages.push(("search.html".into(), render(&format!("{DIR}/search.html"), &search)?));

    for page in surface.pages() {
        let template = PageTemplate {
            current: page.file.clone(),
            preamble: preamble(model),
            site_title: model.module.title.clone(),
            nav: &nav,
            title: page.item.name.clone(),
            main: links.entry(&page.item),
            members: page.members.iter().map(|m| links.entry(m)).collect(),
        };
        let path = format!("{DIR}/{}", page.file);
        pages.push((page.file.clone(), render(&path, &template)?));
    }

    pages.push((
        "search.js".into(),
        format!("// {}\n// Copied from codegen/templates/site/search.js.\n{SEARCH_JS}", preamble(model)),
    ));
    pages.push((SEARCH_INDEX.into(), search_index(model, &surface, &guides)));

    Ok(pages
        .into_iter()
        .map(|(name, text)| {
            // Templates leave trailing spaces where blocks were; keep the output tidy.
            let text: String = text.lines().map(|l| format!("{}\n", l.trim_end())).collect();
            (format!("{DIR}/{name}"), text)
        })
        .collect())
}

/// `search-index.js`: one entry per guide, guide section, page, member and error code, one
/// entry a line.
fn search_index(
    model: &Model,
    surface: &Surface,
    guides: &[(String, String, Vec<crate::emit::markdown::GuideSection>)],
) -> String {
    let mut entries = Vec::new();
    for (g, (file, _, sections)) in model.guides.iter().zip(guides) {
        for s in sections {
            let (n, u) = if s.id.is_empty() {
                (g.title.clone(), file.clone())
            } else {
                (format!("{}: {}", g.title, s.heading), format!("{file}#{}", s.id))
            };
            entries.push(SearchEntry { n, k: "guide".into(), u, w: String::new(), t: s.text.clone() });
        }
    }
    let item_entry = |it: &Item, u: String, extra: &[&str]| {
        let mut w: Vec<&str> = it.rows.iter().map(|r| r.name.trim_start_matches("...").trim_end_matches('?')).collect();
        w.extend_from_slice(extra);
        SearchEntry { n: it.name.clone(), k: it.kind.label().into(), u, w: w.join(" "), t: plain_text(it.doc) }
    };
    for page in surface.pages() {
        let members: Vec<&str> = page.members.iter().map(|m| m.short.as_str()).collect();
        entries.push(item_entry(&page.item, page.file.clone(), &members));
        for m in &page.members {
            entries.push(item_entry(m, format!("{}#{}", page.file, m.id), &[]));
        }
    }
    for e in &model.errors {
        entries.push(SearchEntry {
            n: e.name.clone(),
            k: format!("error {}", e.code),
            u: format!("index.html#error-{}", e.code),
            w: e.code.to_string(),
            t: plain_text(&format!("{}. {}", e.meaning.trim_end_matches('.'), e.doc)),
        });
    }
    let lines: Vec<String> =
        entries.iter().map(|e| serde_json::to_string(e).unwrap_or_else(|_| "null".into())).collect();
    format!("// {}\n{SEARCH_INDEX_GLOBAL} = [\n{}\n];\n", preamble(model), lines.join(",\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::site_check::check_links;
    use crate::emit::test_spec;

    #[test]
    fn pages_exist_and_links_resolve() {
        let files = emit(&test_spec::model()).expect("the demo spec renders");
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
            assert!(names.contains(&format!("{DIR}/{page}").as_str()), "{page} missing: {names:?}");
        }
        assert!(!names.iter().any(|n| n.contains("Wire")));
        let problems = check_links(&files);
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn guides_and_search() {
        let mut model = test_spec::model();
        let source = "# Demo guide\n\nMake things with `make`.\n\n## Boxes\n\nA `Bin` holds them.\n";
        model.guides = vec![crate::guides::parse("spec/guides/01-demo.md", "01-demo.md", source, &model).unwrap()];
        let files = emit(&model).expect("the demo spec renders");
        let guide = test_spec::file(&files, "generated/site/guide.demo.html");
        assert!(guide.contains("<h2 id=\"boxes\">Boxes</h2>"), "{guide}");
        assert!(guide.contains("<a href=\"class.Bin.html\"><code>Bin</code></a>"), "{guide}");
        for page in ["index.html", "function.make.html", "search.html"] {
            let text = test_spec::file(&files, &format!("generated/site/{page}"));
            assert!(text.contains("<a href=\"guide.demo.html\""), "{page} does not link the guide");
            assert!(text.contains("id=\"search-input\""), "{page} has no search box");
            assert!(text.contains("<script src=\"search.js\"></script>"), "{page} has no search script");
        }
        let js = test_spec::file(&files, "generated/site/search.js");
        assert!(js.starts_with("// Generated by `cargo xtask codegen`"), "{js}");
        assert!(!js.contains("http"), "no network: {js}");
        let index = test_spec::file(&files, "generated/site/search-index.js");
        for entry in [
            r#"{"n":"Demo guide","k":"guide","u":"guide.demo.html","w":"","t":"Make things with make."}"#,
            r#"{"n":"Demo guide: Boxes","k":"guide","u":"guide.demo.html#boxes","w":"","t":"A Bin holds them."}"#,
            r#"{"n":"Bin","k":"class","u":"class.Bin.html","w":"label size","t":"A box."}"#,
            r#"{"n":"Bin.size","k":"method","u":"class.Bin.html#method.size","w":"extra","t":"The size; see make."}"#,
            r#"{"n":"BadThing","k":"error 7000","u":"index.html#error-7000","w":"7000","t":"Bad thing happened. It was bad."}"#,
        ] {
            assert!(index.contains(entry), "{entry} missing from\n{index}");
        }
        assert!(check_links(&files).is_empty(), "{:#?}", check_links(&files));
    }

    #[test]
    fn page_content() {
        let files = emit(&test_spec::model()).expect("the demo spec renders");
        let page = test_spec::file(&files, "generated/site/function.make.html");
        assert!(
            page.starts_with(
                "<!-- Generated by `cargo xtask codegen` from spec/demo.kdl. Do not edit by hand. -->\n<!DOCTYPE html>"
            ),
            "{page}"
        );
        assert!(page.contains("<a href=\"type.Handle.html\">Handle</a>"), "{page}");
        assert!(page.contains("Make a <a href=\"type.Thing.html\"><code>Thing</code></a>."), "{page}");
        assert!(page.contains("href=\"index.html#error-7000\""), "{page}");
        assert!(page.contains("await make(&quot;x&quot;);") || page.contains("await make(&#34;x&#34;);"), "{page}");
        assert!(!page.contains("http"), "no external assets: {page}");
        let index = test_spec::file(&files, "generated/site/index.html");
        assert!(index.contains("id=\"error-7000\""), "{index}");
        assert!(index.contains("Bad thing happened"), "{index}");
        let class = test_spec::file(&files, "generated/site/class.Bin.html");
        assert!(class.contains("id=\"method.size\""), "{class}");
        assert!(class.contains("id=\"property.label\""), "{class}");
    }
}

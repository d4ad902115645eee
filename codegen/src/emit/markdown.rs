//! Spec doc text (Markdown) to HTML for the site, with pulldown-cmark. Inline code that names
//! an API item (`compile`, `Instance.call`, `WasmError`) becomes a link to its page.

use pulldown_cmark::{html, CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// Render `md` to HTML; `link` maps the text of an inline code span to an href, if any.
pub fn to_html(md: &str, link: &dyn Fn(&str) -> Option<String>) -> String {
    let events = Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH).map(|ev| {
        match ev {
            Event::Code(code) => match link(&code) {
                Some(href) => Event::InlineHtml(CowStr::from(format!(
                    "<a href=\"{}\"><code>{}</code></a>",
                    escape(&href),
                    escape(&code)
                ))),
                None => Event::Code(code),
            },
            // Raw HTML in a spec doc is shown as text: the docs are not a place for markup.
            Event::Html(text) | Event::InlineHtml(text) => Event::Text(text),
            other => other,
        }
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    out.trim_end().to_string()
}

/// The text of `md` without markup, words separated by single spaces (for the search index).
pub fn plain_text(md: &str) -> String {
    let mut out = String::new();
    for ev in Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        match ev {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::Html(_) | Event::InlineHtml(_) => {}
            _ => out.push(' '),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A `##` section of a guide: its anchor, heading and plain text (for the search index).
pub struct GuideSection {
    pub id: String,
    pub heading: String,
    pub text: String,
}

/// A guide's body as HTML, and its text split at `##` headings: the text before the first
/// heading has an empty `id`. Headings get ids from their text; inline code is linked as by
/// [`to_html`]; an `output` code block is labelled as an example's output, and a script's
/// `test` marker stays out of the page.
pub fn guide_html(md: &str, link: &dyn Fn(&str) -> Option<String>) -> (String, Vec<GuideSection>) {
    let mut sections = vec![GuideSection { id: String::new(), heading: String::new(), text: String::new() }];
    let mut events: Vec<Event> = Vec::new();
    let mut heading: Option<(HeadingLevel, Vec<Event>, String)> = None;
    let mut used_ids: Vec<String> = Vec::new();
    for ev in Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        let section = sections.last_mut().expect("one section at least");
        match &ev {
            Event::Text(t) | Event::Code(t) => match heading.as_mut() {
                Some((_, _, text)) => text.push_str(t),
                None => section.text.push_str(t),
            },
            Event::Html(_) | Event::InlineHtml(_) => {}
            _ => section.text.push(' '),
        }
        let ev = match ev {
            Event::Code(code) => match link(&code) {
                Some(href) => Event::InlineHtml(CowStr::from(format!(
                    "<a href=\"{}\"><code>{}</code></a>",
                    escape(&href),
                    escape(&code)
                ))),
                None => Event::Code(code),
            },
            Event::Html(text) | Event::InlineHtml(text) => Event::Text(text),
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                let lang = info.split_whitespace().next().unwrap_or_default().to_string();
                if lang == crate::guides::OUTPUT_INFO {
                    events.push(Event::Html(CowStr::from("<p class=\"label\">Output</p>\n")));
                }
                Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(CowStr::from(lang))))
            }
            other => other,
        };
        match ev {
            Event::Start(Tag::Heading { level, .. }) => heading = Some((level, Vec::new(), String::new())),
            Event::End(TagEnd::Heading(_)) => {
                let Some((level, inner, text)) = heading.take() else { continue };
                let base = slugify(&text);
                let mut id = base.clone();
                let mut n = 1;
                while used_ids.contains(&id) {
                    n += 1;
                    id = format!("{base}-{n}");
                }
                used_ids.push(id.clone());
                if level == HeadingLevel::H2 {
                    sections.push(GuideSection {
                        id: id.clone(),
                        heading: text.trim().to_string(),
                        text: String::new(),
                    });
                }
                events.push(Event::Start(Tag::Heading {
                    level,
                    id: Some(CowStr::from(id)),
                    classes: Vec::new(),
                    attrs: Vec::new(),
                }));
                events.extend(inner);
                events.push(Event::End(TagEnd::Heading(level)));
            }
            other => match heading.as_mut() {
                Some((_, inner, _)) => inner.push(other),
                None => events.push(other),
            },
        }
    }
    let mut out = String::new();
    html::push_html(&mut out, events.into_iter());
    for s in &mut sections {
        s.text = s.text.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    (out.trim_end().to_string(), sections)
}

/// `Sync and async host functions` -> `sync-and-async-host-functions`.
pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "section".into()
    } else {
        out
    }
}

/// Escape text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guide_sections_and_blocks() {
        let link = |c: &str| (c == "compile").then(|| "function.compile.html".to_string());
        let md = "Intro `compile`.\n\n## Sync and *async* calls\n\nText.\n\n```ts test\nx();\n```\n\n```output\n1\n```\n\n## Sync and async calls\n\nMore.\n";
        let (html, sections) = guide_html(md, &link);
        assert!(html.contains("<a href=\"function.compile.html\"><code>compile</code></a>"), "{html}");
        assert!(html.contains("<h2 id=\"sync-and-async-calls\">Sync and <em>async</em> calls</h2>"), "{html}");
        assert!(html.contains("<h2 id=\"sync-and-async-calls-2\">"), "{html}");
        assert!(html.contains("<pre><code class=\"language-ts\">x();"), "{html}");
        assert!(html.contains("<p class=\"label\">Output</p>\n<pre><code class=\"language-output\">1"), "{html}");
        let ids: Vec<&str> = sections.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["", "sync-and-async-calls", "sync-and-async-calls-2"]);
        assert_eq!(sections[0].text, "Intro compile.");
        assert_eq!(sections[1].heading, "Sync and async calls");
        assert_eq!(sections[1].text, "Text. x(); 1");
        assert_eq!(plain_text("A *b* `c`\n\n- d"), "A b c d");
    }

    #[test]
    fn links_inline_code() {
        let link = |c: &str| (c == "compile").then(|| "function.compile.html".to_string());
        let html = to_html("Use `compile` or `other` <b>x</b>.", &link);
        assert_eq!(
            html,
            "<p>Use <a href=\"function.compile.html\"><code>compile</code></a> or <code>other</code> &lt;b&gt;x&lt;/b&gt;.</p>"
        );
    }
}

//! Spec doc text (Markdown) to HTML for the site, with pulldown-cmark. Inline code that names
//! an API item (`compile`, `Instance.call`, `WasmError`) becomes a link to its page.

use pulldown_cmark::{html, CowStr, Event, Options, Parser};

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
    fn links_inline_code() {
        let link = |c: &str| (c == "compile").then(|| "function.compile.html".to_string());
        let html = to_html("Use `compile` or `other` <b>x</b>.", &link);
        assert_eq!(
            html,
            "<p>Use <a href=\"function.compile.html\"><code>compile</code></a> or <code>other</code> &lt;b&gt;x&lt;/b&gt;.</p>"
        );
    }
}

//! The generated site's self-check: every page's tags are balanced and every relative link
//! resolves to a generated page and, with a `#fragment`, to an element `id` on it; so does
//! every link of the search index.

use std::collections::BTreeMap;

use crate::emit::site::DIR;
use crate::emit::Files;

/// Check every generated page: tags are balanced and every relative `href` names a generated
/// page (and, with `#frag`, an element `id` on it). Returns one message per problem.
pub fn check_links(files: &Files) -> Vec<String> {
    let pages: BTreeMap<&str, &str> = files
        .iter()
        .filter_map(|(p, c)| {
            p.strip_prefix(&format!("{DIR}/")).filter(|n| n.ends_with(".html")).map(|n| (n, c.as_str()))
        })
        .collect();
    let mut ids: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut hrefs: Vec<(&str, String)> = Vec::new();
    let mut problems = Vec::new();
    for (name, text) in &pages {
        match html_check::scan(text) {
            Ok(scan) => {
                ids.insert(name, scan.ids);
                hrefs.extend(scan.hrefs.into_iter().map(|h| (*name, h)));
            }
            Err(e) => problems.push(format!("{name}: {e}")),
        }
    }
    if let Some((_, index)) = files.iter().find(|(p, _)| *p == format!("{DIR}/{}", crate::emit::site::SEARCH_INDEX)) {
        match search_index_links(index) {
            Ok(links) => hrefs.extend(links.into_iter().map(|h| (crate::emit::site::SEARCH_INDEX, h))),
            Err(e) => problems.push(format!("{}: {e}", crate::emit::site::SEARCH_INDEX)),
        }
    }
    for (page, href) in hrefs {
        if href.starts_with("http://") || href.starts_with("https://") || href.starts_with("mailto:") {
            continue;
        }
        let (file, frag) = match href.split_once('#') {
            Some((f, frag)) => (if f.is_empty() { page } else { f }, Some(frag)),
            None => (href.as_str(), None),
        };
        match ids.get(file) {
            None => problems.push(format!("{page}: link to missing page `{href}`")),
            Some(targets) => {
                if let Some(frag) = frag {
                    if !targets.iter().any(|t| t == frag) {
                        problems.push(format!("{page}: link to missing anchor `{href}`"));
                    }
                }
            }
        }
    }
    problems
}

/// The `u` of every entry of `search-index.js`.
fn search_index_links(text: &str) -> Result<Vec<String>, String> {
    let json = text.find('[').and_then(|start| text.rfind(']').map(|end| &text[start..=end])).ok_or("no entry list")?;
    let entries: Vec<serde_json::Value> = serde_json::from_str(json).map_err(|e| format!("not JSON: {e}"))?;
    entries
        .iter()
        .map(|e| {
            e.get("u").and_then(|u| u.as_str()).map(str::to_string).ok_or_else(|| format!("an entry without `u`: {e}"))
        })
        .collect()
}

mod html_check {
    // A small HTML scanner: collects `id`s and `href`s and checks that non-void elements are
    // closed in order.

    pub struct Scan {
        pub ids: Vec<String>,
        pub hrefs: Vec<String>,
    }

    const VOID: &[&str] =
        &["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"];

    pub fn scan(text: &str) -> Result<Scan, String> {
        let mut ids = Vec::new();
        let mut hrefs = Vec::new();
        let mut stack: Vec<String> = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find('<') {
            rest = &rest[start..];
            if let Some(after) = rest.strip_prefix("<!--") {
                let end = after.find("-->").ok_or("unclosed comment")?;
                rest = &after[end + 3..];
                continue;
            }
            if rest.starts_with("<!") {
                let end = rest.find('>').ok_or("unclosed doctype")?;
                rest = &rest[end + 1..];
                continue;
            }
            let end = rest.find('>').ok_or("unclosed tag")?;
            let tag = &rest[1..end];
            rest = &rest[end + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                let name = name.trim().to_ascii_lowercase();
                match stack.pop() {
                    Some(open) if open == name => {}
                    other => return Err(format!("`</{name}>` closes `{}`", other.unwrap_or_else(|| "nothing".into()))),
                }
                continue;
            }
            let name: String =
                tag.chars().take_while(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
            if name.is_empty() {
                return Err(format!("bad tag `<{tag}>`"));
            }
            for (attr, value) in attributes(&tag[name.len()..])? {
                match attr.as_str() {
                    "id" => ids.push(value),
                    "href" => hrefs.push(value.replace("&amp;", "&")),
                    _ => {}
                }
            }
            if !VOID.contains(&name.as_str()) && !tag.ends_with('/') {
                if name == "style" || name == "script" {
                    let close = format!("</{name}>");
                    let end = rest.find(&close).ok_or(format!("unclosed <{name}>"))?;
                    rest = &rest[end + close.len()..];
                } else {
                    stack.push(name);
                }
            }
        }
        if let Some(open) = stack.pop() {
            return Err(format!("`<{open}>` is never closed"));
        }
        Ok(Scan { ids, hrefs })
    }

    fn attributes(mut s: &str) -> Result<Vec<(String, String)>, String> {
        let mut out = Vec::new();
        loop {
            s = s.trim_start().trim_start_matches('/').trim_start();
            if s.is_empty() {
                return Ok(out);
            }
            let name_end = s.find(|c: char| c == '=' || c.is_whitespace()).unwrap_or(s.len());
            let name = s[..name_end].to_ascii_lowercase();
            s = s[name_end..].trim_start();
            if let Some(after) = s.strip_prefix('=') {
                let after = after.trim_start();
                let quote = after.chars().next().ok_or("attribute without value")?;
                if quote != '"' && quote != '\'' {
                    return Err(format!("unquoted attribute `{name}`"));
                }
                let close = after[1..].find(quote).ok_or("unclosed attribute value")?;
                out.push((name, after[1..1 + close].to_string()));
                s = &after[close + 2..];
            } else {
                out.push((name, String::new()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_broken_links_and_tags() {
        let files: Files = vec![
            (format!("{DIR}/index.html"), "<html><body><a href=\"nope.html\">x</a><a href=\"#gone\">y</a><p id=\"here\"><a href=\"#here\">ok</a></p></body></html>".into()),
            (format!("{DIR}/b.html"), "<div><span></div>".into()),
        ];
        let problems = check_links(&files);
        assert_eq!(problems.len(), 3, "{problems:#?}");
        let with_index: Files = vec![
            (format!("{DIR}/index.html"), "<p id=\"here\">x</p>".into()),
            (
                format!("{DIR}/search-index.js"),
                "// x\nwindow.SEARCH_INDEX = [\n{\"u\":\"index.html#here\"},\n{\"u\":\"index.html#gone\"}\n];\n".into(),
            ),
        ];
        assert_eq!(check_links(&with_index), ["search-index.js: link to missing anchor `index.html#gone`"]);
    }
}

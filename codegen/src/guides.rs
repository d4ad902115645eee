//! The guides: Markdown files beside the spec (`spec/guides/<NN>-<slug>.md`) that the site
//! shows as guide pages, in file-name order.
//!
//! Every TypeScript or JavaScript example in a guide is run by the spec-driven tests, in one
//! of two ways:
//!
//! - a code block whose info string is `ts test` (or `js test`, `typescript test`, ...) and
//!   the `output` block right after it: the generator makes it a test in `generated/tests/`
//!   (`guide_<slug>_<n>.ts`) that requires exactly that standard output;
//! - a line `@example <function> "<title>"` (e.g. `@example Instance.callSync "A synchronous
//!   call"`): the spec example of that function with that title, embedded with its output;
//!   the spec's own test runs it.
//!
//! A TS or JS block that is neither is refused, so no guide shows code that no test runs.
//! Other blocks (`sh`, `wat`, `text`, ...) are shown as they are.

use std::path::Path;

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::diag::{Diagnostics, Span, SpecError, SpecErrorKind};
use crate::model::{Guide, GuideExample, Model};

/// Languages whose code blocks must be tested.
const SCRIPT_LANGS: &[&str] = &["ts", "typescript", "js", "javascript", "mts", "mjs", "tsx", "jsx"];

/// The info-string word that makes a script block a test.
pub const TEST_MARKER: &str = "test";

/// The info string of the block with a test's expected standard output.
pub const OUTPUT_INFO: &str = "output";

/// Load every `*.md` in `dir` (none when it does not exist), in file-name order; `label_dir`
/// is how diagnostics and generated files name the folder (`spec/guides`).
pub fn load_dir(dir: &Path, label_dir: &str, model: &Model) -> Result<Vec<Guide>, Diagnostics> {
    let io_error = |file: String, err: std::io::Error| Diagnostics {
        file: file.clone(),
        source: String::new(),
        errors: vec![SpecError::new(SpecErrorKind::Io(format!("{file}: {err}")), Span::default())],
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_error(label_dir.to_string(), e)),
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| io_error(label_dir.to_string(), e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".md") {
            names.push(name);
        }
    }
    names.sort();
    let mut guides: Vec<Guide> = Vec::new();
    for name in names {
        let file = format!("{label_dir}/{name}");
        let source = std::fs::read_to_string(dir.join(&name)).map_err(|e| io_error(file.clone(), e))?;
        let guide = parse(&file, &name, &source, model)?;
        if guides.iter().any(|g| g.slug == guide.slug) {
            return Err(one_error(&file, &source, Span::default(), format!("a second guide named `{}`", guide.slug)));
        }
        guides.push(guide);
    }
    Ok(guides)
}

fn one_error(file: &str, source: &str, span: Span, message: String) -> Diagnostics {
    Diagnostics {
        file: file.to_string(),
        source: source.to_string(),
        errors: vec![SpecError::new(SpecErrorKind::Invalid(message), span)],
    }
}

/// `04-host-functions.md` -> `host-functions`.
fn slug_of(name: &str) -> Option<String> {
    let stem = name.strip_suffix(".md")?;
    let (order, slug) = stem.split_once('-')?;
    let ok = !order.is_empty()
        && order.bytes().all(|b| b.is_ascii_digit())
        && !slug.is_empty()
        && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    ok.then(|| slug.to_string())
}

/// Parse one guide. `name` is its file name; `file` how diagnostics name it.
pub fn parse(file: &str, name: &str, source: &str, model: &Model) -> Result<Guide, Diagnostics> {
    let mut errors = Vec::new();
    let err = |errors: &mut Vec<SpecError>, span: Span, message: String| {
        errors.push(SpecError::new(SpecErrorKind::Invalid(message), span));
    };
    let slug = slug_of(name).unwrap_or_else(|| {
        err(
            &mut errors,
            Span::default(),
            format!("guide file `{name}` must be named `<NN>-<slug>.md` (digits, a dash, lowercase words)"),
        );
        String::new()
    });

    // The title: the first `# ` heading, before anything else.
    let mut title = String::new();
    let mut body_start = 0;
    let mut summary = String::new();
    let mut blocks: Vec<Block> = Vec::new();
    let mut in_heading = false;
    let mut current: Option<Block> = None;
    let mut events_seen = 0usize;
    let mut paragraph_start: Option<usize> = None;
    for (event, range) in Parser::new_ext(source, Options::ENABLE_TABLES).into_offset_iter() {
        events_seen += 1;
        match event {
            Event::Start(Tag::Heading { level: HeadingLevel::H1, .. }) if events_seen == 1 => in_heading = true,
            Event::End(TagEnd::Heading(HeadingLevel::H1)) if in_heading => {
                in_heading = false;
                body_start = range.end;
            }
            Event::Text(text) | Event::Code(text) if in_heading => title.push_str(&text),
            Event::Start(Tag::Paragraph) if summary.is_empty() && body_start > 0 => {
                paragraph_start = Some(range.start);
            }
            Event::End(TagEnd::Paragraph) => {
                if let Some(start) = paragraph_start.take() {
                    summary = source[start..range.end].trim().to_string();
                }
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                current =
                    Some(Block { info: info.to_string(), start: range.start, end: range.end, text: String::new() });
            }
            Event::Text(text) => {
                if let Some(block) = current.as_mut() {
                    block.text.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some(block) = current.take() {
                    blocks.push(block);
                }
            }
            _ => {}
        }
    }
    if title.trim().is_empty() {
        err(&mut errors, Span::default(), "a guide starts with its title: a `# Title` line".into());
    }

    // Script blocks: each a `test` followed by its `output`.
    let mut examples = Vec::new();
    let mut i = 0;
    while i < blocks.len() {
        let block = &blocks[i];
        let words: Vec<&str> = block.info.split_whitespace().collect();
        let span = Span::new(block.start, block.info.len() + 3);
        let lang = words.first().copied().unwrap_or_default();
        if lang == OUTPUT_INFO {
            err(&mut errors, span, "an `output` block must follow a `ts test` block".into());
        } else if SCRIPT_LANGS.contains(&lang) {
            let rest = &words[1..];
            if rest != [TEST_MARKER] {
                err(
                    &mut errors,
                    span,
                    format!(
                        "a `{lang}` block in a guide must be `{lang} {TEST_MARKER}` followed by an `{OUTPUT_INFO}` block \
                         (the generated tests run it), or come from the spec with `@example <function> \"<title>\"`"
                    ),
                );
            } else {
                match blocks.get(i + 1) {
                    Some(next)
                        if next.info.trim() == OUTPUT_INFO && source[block.end..next.start].trim().is_empty() =>
                    {
                        if next.text.is_empty() {
                            err(&mut errors, span, "the `output` block of a test is empty: a test prints what it shows".into());
                        }
                        examples.push(GuideExample {
                            line: source[..block.start].matches('\n').count() + 1,
                            code: block.text.clone(),
                            stdout: next.text.clone(),
                        });
                        i += 1;
                    }
                    _ => err(
                        &mut errors,
                        span,
                        format!("a `{lang} {TEST_MARKER}` block must be followed at once by an `{OUTPUT_INFO}` block with what it prints"),
                    ),
                }
            }
        }
        i += 1;
    }

    // `@example` lines, outside code blocks.
    let mut markdown = String::new();
    let mut offset = body_start;
    for line in source[body_start.min(source.len())..].split_inclusive('\n') {
        let line_start = offset;
        offset += line.len();
        let inside_block = blocks.iter().any(|b| b.start <= line_start && line_start < b.end);
        let Some(reference) = line.trim().strip_prefix("@example ").filter(|_| !inside_block) else {
            markdown.push_str(line);
            continue;
        };
        let span = Span::new(line_start, line.trim_end().len());
        match embed(reference.trim(), model) {
            Ok(text) => markdown.push_str(&text),
            Err(message) => err(&mut errors, span, message),
        }
    }

    if errors.is_empty() {
        Ok(Guide { slug, file: file.to_string(), title: title.trim().to_string(), summary, markdown, examples })
    } else {
        Err(Diagnostics { file: file.to_string(), source: source.to_string(), errors })
    }
}

struct Block {
    info: String,
    /// Byte range of the whole fenced block in the source.
    start: usize,
    end: usize,
    text: String,
}

/// `Instance.callSync "A synchronous call"` -> the example as a `ts` block and its output.
fn embed(reference: &str, model: &Model) -> Result<String, String> {
    let usage =
        "write `@example <function> \"<example title>\"`, e.g. `@example Instance.callSync \"A synchronous call\"`";
    let (function, title) = reference.split_once(' ').ok_or_else(|| usage.to_string())?;
    let title = title.trim().strip_prefix('"').and_then(|t| t.strip_suffix('"')).ok_or_else(|| usage.to_string())?;
    let functions = model.all_functions();
    let (_, f) = functions
        .iter()
        .find(|(name, _)| name == function)
        .ok_or_else(|| format!("`@example`: the spec has no function `{function}`"))?;
    let example = f.examples.iter().find(|e| e.title == title).ok_or_else(|| {
        let titles: Vec<String> = f.examples.iter().map(|e| format!("\"{}\"", e.title)).collect();
        format!("`@example`: `{function}` has no example \"{title}\" (it has {})", titles.join(", "))
    })?;
    let code = example.code.trim_end();
    let stdout = example.stdout.as_deref().unwrap_or_default();
    Ok(format!("```ts\n{code}\n```\n\n```{OUTPUT_INFO}\n{stdout}\n```\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::test_spec;

    fn guide(source: &str) -> Result<Guide, String> {
        parse("spec/guides/01-demo.md", "01-demo.md", source, &test_spec::model()).map_err(|d| d.summary())
    }

    #[test]
    fn tests_and_embedded_examples() {
        let g = guide(
            "# Demo guide\n\nFirst *paragraph*.\n\n```ts test\nconsole.log(1);\n```\n\n```output\n1\n```\n\n@example make \"Make one\"\n\n```sh\ncargo xtask run x.ts\n```\n",
        )
        .unwrap();
        assert_eq!(g.slug, "demo");
        assert_eq!(g.title, "Demo guide");
        assert_eq!(g.summary, "First *paragraph*.");
        assert_eq!(g.examples, [GuideExample { line: 5, code: "console.log(1);\n".into(), stdout: "1\n".into() }]);
        assert!(
            g.markdown.contains(
                "```ts\nimport { make } from \"demo:mod\";\nawait make(\"x\");\n```\n\n```output\nmade 1\n\"x\"\n```\n"
            ),
            "{}",
            g.markdown
        );
        assert!(!g.markdown.contains("# Demo guide"), "{}", g.markdown);
    }

    #[test]
    fn untested_code_is_refused() {
        let cases = [
            ("# T\n\n```ts\nconsole.log(1);\n```\n", "must be `ts test`"),
            ("# T\n\n```js test\nconsole.log(1);\n```\n\nText.\n", "followed at once by an `output` block"),
            ("# T\n\n```ts test\nconsole.log(1);\n```\n\nBetween.\n\n```output\n1\n```\n", "followed at once"),
            ("# T\n\n```output\n1\n```\n", "must follow a `ts test` block"),
            ("# T\n\n@example make \"Nope\"\n", "has no example \"Nope\" (it has \"Make one\")"),
            ("# T\n\n@example nothing \"X\"\n", "no function `nothing`"),
            ("# T\n\n@example make\n", "write `@example <function>"),
            ("No title\n", "starts with its title"),
        ];
        for (source, expected) in cases {
            let err = guide(source).unwrap_err();
            assert!(err.contains(expected), "{source:?}: {err}");
            assert!(err.starts_with("spec/guides/01-demo.md:"), "{err}");
        }
    }

    #[test]
    fn file_names() {
        assert_eq!(slug_of("01-getting-started.md").as_deref(), Some("getting-started"));
        assert_eq!(slug_of("getting-started.md"), None);
        assert_eq!(slug_of("01-Getting.md"), None);
        assert_eq!(slug_of("01-.md"), None);
    }
}

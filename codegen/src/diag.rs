//! Spec diagnostics: `SpecError { kind, span }` and their rendering with file:line:col and a
//! caret under the offending spec text (miette's graphical report, without colour so the
//! output is the same everywhere).

use std::fmt;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};
use serde::{Deserialize, Serialize};

/// A byte range of the spec source.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Span {
    pub offset: usize,
    pub len: usize,
}

impl Span {
    pub fn new(offset: usize, len: usize) -> Self {
        Span { offset, len }
    }

    pub fn end(self) -> usize {
        self.offset + self.len
    }
}

impl From<miette::SourceSpan> for Span {
    fn from(s: miette::SourceSpan) -> Self {
        Span::new(s.offset(), s.len())
    }
}

/// What is wrong. Every message names the offending thing; `help` says how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SpecErrorKind {
    #[error("cannot read the spec: {0}")]
    Io(String),
    #[error("KDL syntax error: {0}")]
    Syntax(String),
    #[error("unknown node `{name}` in {parent}")]
    UnknownNode { name: String, parent: String },
    #[error("unknown property `{name}` on `{node}`")]
    UnknownProperty { name: String, node: String },
    #[error("`{node}` needs {what}")]
    Missing { node: String, what: String },
    #[error("`{node}` has more than one {what}")]
    Repeated { node: String, what: String },
    #[error("{what} must be {expected}")]
    WrongValue { what: String, expected: String },
    #[error("duplicate {what} `{name}`")]
    Duplicate { what: String, name: String },
    #[error("invalid type expression `{text}`: {reason}")]
    BadType { text: String, reason: String },
    #[error("unknown type `{name}`")]
    UnknownType { name: String },
    #[error("{what} uses internal record `{name}`")]
    InternalType { what: String, name: String },
    #[error("error code {code} is not in the error table")]
    UndeclaredCode { code: i128 },
    #[error("unknown op `{name}`")]
    UnknownOp { name: String },
    #[error("error code {code} ({name}) has no trigger")]
    MissingTrigger { code: u16, name: String },
    #[error("{what} has no example")]
    MissingExample { what: String },
    #[error("{what} has no doc")]
    MissingDoc { what: String },
    #[error("{0}")]
    Invalid(String),
}

/// One problem in the spec, at a place in its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    pub kind: SpecErrorKind,
    pub span: Span,
    /// Text under the caret; defaults to "here".
    pub label: Option<String>,
    pub help: Option<String>,
    /// Other places that matter, e.g. the first definition of a duplicate.
    pub also: Vec<(Span, String)>,
}

impl SpecError {
    pub fn new(kind: SpecErrorKind, span: Span) -> Self {
        SpecError { kind, span, label: None, help: None, also: Vec::new() }
    }

    pub fn also(mut self, span: Span, label: impl Into<String>) -> Self {
        self.also.push((span, label.into()));
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.kind.fmt(f)
    }
}

/// Every problem found in one spec file, with the source needed to show them.
#[derive(Debug, Clone)]
pub struct Diagnostics {
    /// The file name shown in the report, e.g. `spec/runtime-wasm.kdl`.
    pub file: String,
    pub source: String,
    pub errors: Vec<SpecError>,
}

impl Diagnostics {
    /// Human-readable report: one block per error with `[file:line:col]`, the source line and
    /// a caret under the span, followed by a count.
    pub fn render(&self) -> String {
        let named = NamedSource::new(&self.file, self.source.clone());
        let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
            .with_width(100)
            .with_links(false)
            .with_context_lines(1);
        let mut out = String::new();
        for err in &self.errors {
            let report = Report { err, source: &named, max: self.source.len() };
            if handler.render_report(&mut out, &report).is_err() {
                // The handler only fails on a broken span; fall back to a plain line.
                let (line, col) = line_col(&self.source, err.span.offset);
                out.push_str(&format!("{}:{line}:{col}: {}\n", self.file, err.kind));
            }
            out.push('\n');
        }
        let n = self.errors.len();
        out.push_str(&format!("{n} error{} in {}\n", if n == 1 { "" } else { "s" }, self.file));
        // Reports end lines with padding spaces in places; strip them so snapshots are stable.
        out.lines().map(str::trim_end).collect::<Vec<_>>().join("\n") + "\n"
    }

    /// `file:line:col: message` for every error, one per line (for logs and tests).
    pub fn summary(&self) -> String {
        self.errors
            .iter()
            .map(|e| {
                let (line, col) = line_col(&self.source, e.span.offset);
                format!("{}:{line}:{col}: {}\n", self.file, e.kind)
            })
            .collect()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

impl std::error::Error for Diagnostics {}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

struct Report<'a> {
    err: &'a SpecError,
    source: &'a NamedSource<String>,
    max: usize,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.err.fmt(f)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.err.kind.fmt(f)
    }
}

impl std::error::Error for Report<'_> {}

impl Report<'_> {
    /// A label whose span is clamped to the source and to character boundaries.
    fn labeled(&self, span: Span, label: String) -> LabeledSpan {
        let text = self.source.inner();
        let mut start = span.offset.min(self.max);
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = span.end().clamp(start, self.max);
        while !text.is_char_boundary(end) {
            end += 1;
        }
        LabeledSpan::new(Some(label), start, end - start)
    }
}

impl Diagnostic for Report<'_> {
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(self.source)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.err.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let label = self.err.label.clone().unwrap_or_else(|| "here".to_string());
        let main = self.labeled(self.err.span, label);
        let mut labels = vec![LabeledSpan::new_primary_with_span(main.label().map(str::to_string), *main.inner())];
        for (span, label) in &self.err.also {
            labels.push(self.labeled(*span, label.clone()));
        }
        Some(Box::new(labels.into_iter()))
    }
}

//! The code generator of `runtime:wasm`: reads `spec/runtime-wasm.kdl` (the single source of
//! truth for ops, types, error codes, docs and examples) and emits everything under
//! `generated/`.
//!
//! Data flows one way: [`load`] parses ([`parse`]) and checks ([`validate`]) the spec into a
//! [`Model`]; the emitters in [`emit`] are pure functions from the model to [`Files`];
//! [`write_or_check`] is the only code that touches the disk. `cargo xtask codegen [--check]`
//! drives it.

pub mod diag;
pub mod emit;
pub mod guides;
pub mod model;
pub mod names;
pub mod parse;
pub mod types;
pub mod validate;
mod write;

use std::path::Path;

pub use diag::{Diagnostics, Span, SpecError, SpecErrorKind};
pub use emit::{generate, EmitError, Files};
pub use model::Model;
pub use write::write_or_check;

/// The spec's path relative to the repository root.
pub const SPEC_PATH: &str = "spec/runtime-wasm.kdl";

/// The guides' folder beside the spec, as generated files name it.
pub const GUIDES_DIR: &str = "spec/guides";

/// Parse and validate the spec at `path`, reporting every problem at once, then load the
/// guides in `guides/` beside it ([`guides`]).
pub fn load(path: &Path) -> Result<Model, Diagnostics> {
    let file = display_name(path);
    let mut model = match std::fs::read_to_string(path) {
        Ok(source) => load_str(&file, &source)?,
        Err(err) => {
            return Err(Diagnostics {
                file: file.clone(),
                source: String::new(),
                errors: vec![SpecError::new(SpecErrorKind::Io(format!("{file}: {err}")), Span::default())],
            })
        }
    };
    let dir = path.parent().unwrap_or(Path::new(".")).join("guides");
    model.guides = guides::load_dir(&dir, GUIDES_DIR, &model)?;
    Ok(model)
}

/// Parse and validate spec text; `file` names it in diagnostics and in generated preambles.
pub fn load_str(file: &str, source: &str) -> Result<Model, Diagnostics> {
    let (mut model, mut errors) = parse::parse(source);
    let syntax_failed = errors.iter().any(|e| matches!(e.kind, SpecErrorKind::Syntax(_)));
    if !syntax_failed {
        errors.extend(validate::validate(&model));
        errors.sort_by_key(|e| e.span.offset);
    }
    if errors.is_empty() {
        model.spec_file = spec_file_label(file);
        Ok(model)
    } else {
        Err(Diagnostics { file: file.to_string(), source: source.to_string(), errors })
    }
}

/// Load the spec and run every emitter.
pub fn generate_all(spec_path: &Path) -> Result<Files, GenerateError> {
    let model = load(spec_path).map_err(GenerateError::Spec)?;
    generate(&model).map_err(GenerateError::Emit)
}

/// Why [`generate_all`] produced nothing: the spec is invalid, or an emitter failed.
#[derive(Debug)]
pub enum GenerateError {
    Spec(Diagnostics),
    Emit(EmitError),
}

impl GenerateError {
    /// The report for a person: the spec's diagnostics with source snippets, or the failure.
    pub fn render(&self) -> String {
        match self {
            GenerateError::Spec(diagnostics) => diagnostics.render(),
            GenerateError::Emit(err) => format!("{err}\n"),
        }
    }
}

/// Error codes whose trigger cannot run yet: `(code, name, reason)`.
pub fn pending_codes(model: &Model) -> Vec<(u16, String, String)> {
    model.errors.iter().filter_map(|e| e.pending.as_ref().map(|p| (e.code, e.name.clone(), p.clone()))).collect()
}

/// `path` as given, with `/` separators, for diagnostics.
fn display_name(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// What generated files name as their source: `spec/<file name>`.
fn spec_file_label(file: &str) -> String {
    let name = file.rsplit('/').next().unwrap_or(file);
    format!("spec/{name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_file_is_a_diagnostic() {
        let err = load(Path::new("does/not/exist.kdl")).unwrap_err();
        assert!(matches!(err.errors[0].kind, SpecErrorKind::Io(_)));
        assert!(err.render().contains("cannot read the spec"), "{}", err.render());
    }

    #[test]
    fn hostile_specs_do_not_panic() {
        let inputs = [
            "",
            "\u{feff}",
            "module",
            "module 1 2 3 { title 1; summary #null; doc 2.5 }",
            "error 99999999999999999999 \"X\"",
            "error -1 \"X\" { meaning \"m\" }",
            "record \"Self\" { doc \"d\"; field \"self\" type=\"Self\" doc=\"d\" }",
            "enum \"E\" { doc \"d\"; value \"self\" doc=\"d\"; value \"--\" doc=\"d\" }",
            "op \"op_x\" impl=\"type\" { doc \"d\"; arg \"self\" type=\"list<list<\"; returns \"map<>\" }",
            "function \"é\" { returns \"Promise<\"; param \"a\" type=\"{ [\" }",
            "record \"A\" { doc \"d\"; field \"b\" type=\"B\" doc=\"d\" }\nrecord \"B\" { doc \"d\"; field \"a\" type=\"A\" doc=\"d\" }",
            "/* unterminated",
            "a \"\u{10FFFF}\" 🦀",
        ];
        for input in inputs {
            match load_str("spec/x.kdl", input) {
                Ok(_) => panic!("{input:?} should not load"),
                Err(d) => {
                    let text = d.render();
                    assert!(text.contains("spec/x.kdl"), "{input:?}: {text}");
                }
            }
        }
    }
}

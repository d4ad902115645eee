//! `generated/types/runtime-wasm.d.ts`: `declare module "<specifier>" { ... }` with TSDoc on
//! every export (doc text, `@param`, `@returns`, one `@throws` per error code, `@example`,
//! `@category`), rendered through the askama template `templates/dts/module.d.ts`.
//! Internal records are not declared.

use askama::Template;

use crate::emit::ts::{error_class, field_ts, signature, wire_ts};
use crate::emit::{preamble, render, EmitError, Files};
use crate::model::{Function, Model};

pub const PATH: &str = "generated/types/runtime-wasm.d.ts";

#[derive(Template)]
#[template(path = "dts/module.d.ts", escape = "none")]
struct DtsTemplate {
    preamble: String,
    specifier: String,
    module_doc: String,
    functions: Vec<Decl>,
    classes: Vec<Container>,
    namespaces: Vec<Container>,
    error_code: Container,
    types: Vec<Decl>,
    interfaces: Vec<Container>,
}

/// One declaration: its TSDoc block (already indented) and its text without the `;`.
struct Decl {
    doc: String,
    decl: String,
}

/// A class, interface, namespace or object type: a header, then members.
struct Container {
    doc: String,
    name: String,
    extends: Option<String>,
    members: Vec<Decl>,
}

pub fn emit(model: &Model) -> Result<Files, EmitError> {
    Ok(vec![(PATH.to_string(), render(PATH, &build(model))?)])
}

/// A `/** ... */` block indented by `indent` spaces; `*/` in the text is defused.
pub fn tsdoc(lines: &[String], indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut out = format!("{pad}/**\n");
    // Trailing blank lines add nothing.
    let end = lines.iter().rposition(|l| !l.trim().is_empty()).map_or(0, |i| i + 1);
    for line in &lines[..end] {
        let line = line.replace("*/", "*\\/");
        if line.trim().is_empty() {
            out.push_str(&format!("{pad} *\n"));
        } else {
            out.push_str(&format!("{pad} * {}\n", line.trim_end()));
        }
    }
    out.push_str(&format!("{pad} */"));
    out
}

fn text_lines(text: &str) -> Vec<String> {
    text.trim().lines().map(str::to_string).collect()
}

/// TSDoc lines for a function: doc, params, returns, throws, examples, category.
fn function_doc(model: &Model, f: &Function, category: &str) -> Vec<String> {
    let mut lines = text_lines(&f.doc);
    lines.push(String::new());
    for p in &f.params {
        if p.doc.trim().is_empty() {
            lines.push(format!("@param {}", p.name));
        } else {
            lines.push(format!("@param {} {}", p.name, p.doc.trim()));
        }
    }
    if !f.returns.doc.trim().is_empty() {
        lines.push(format!("@returns {}", f.returns.doc.trim()));
    }
    let class = error_class(model);
    for t in &f.throws {
        if let Some(e) = model.error(t.code) {
            lines.push(format!("@throws {{{class}}} {} {} — {}", e.code, e.name, e.meaning));
        }
    }
    for ex in &f.examples {
        lines.push(format!("@example {}", ex.title));
        lines.push("```ts".into());
        lines.extend(ex.code.lines().map(str::to_string));
        lines.push("```".into());
    }
    lines.push(format!("@category {category}"));
    lines
}

fn with_category(text: &str, category: &str) -> Vec<String> {
    let mut lines = text_lines(text);
    lines.push(String::new());
    lines.push(format!("@category {category}"));
    lines
}

fn build(model: &Model) -> DtsTemplate {
    let functions = model
        .functions
        .iter()
        .map(|f| Decl {
            doc: tsdoc(&function_doc(model, f, "Functions"), 2),
            decl: format!("export function {}", signature(&f.name, f)),
        })
        .collect();

    let classes = model
        .classes
        .iter()
        .map(|c| {
            let mut members: Vec<Decl> = c
                .properties
                .iter()
                .map(|p| Decl {
                    doc: tsdoc(&text_lines(&p.doc), 4),
                    decl: format!("readonly {}{}: {}", p.name, if p.optional { "?" } else { "" }, p.ty.text),
                })
                .collect();
            members.extend(
                c.methods
                    .iter()
                    .map(|m| Decl { doc: tsdoc(&function_doc(model, m, "Classes"), 4), decl: signature(&m.name, m) }),
            );
            Container {
                doc: tsdoc(&with_category(&c.doc, "Classes"), 2),
                name: c.name.clone(),
                extends: c.extends.as_ref().map(|e| e.text.clone()),
                members,
            }
        })
        .collect();

    let namespaces = model
        .namespaces
        .iter()
        .map(|ns| Container {
            doc: tsdoc(&with_category(&ns.doc, "Namespaces"), 2),
            name: ns.name.clone(),
            extends: None,
            members: ns
                .functions
                .iter()
                .map(|f| Decl {
                    doc: tsdoc(&function_doc(model, f, "Namespaces"), 4),
                    decl: format!("export function {}", signature(&f.name, f)),
                })
                .collect(),
        })
        .collect();

    let class = error_class(model);
    let error_code = Container {
        doc: tsdoc(
            &with_category(
                &format!(
                    "The error codes of `{}` by name: a `{class}`'s `code` is one of these values.",
                    model.module.specifier
                ),
                "Errors",
            ),
            2,
        ),
        name: "ErrorCode".into(),
        extends: None,
        members: model
            .errors
            .iter()
            .map(|e| {
                let mut lines = vec![format!("{}: {}", e.code, e.meaning)];
                if !e.doc.trim().is_empty() {
                    lines.push(String::new());
                    lines.extend(text_lines(&e.doc));
                }
                Decl { doc: tsdoc(&lines, 4), decl: format!("readonly {}: {}", e.name, e.code) }
            })
            .collect(),
    };

    let mut types: Vec<Decl> = model
        .aliases
        .iter()
        .map(|a| Decl {
            doc: tsdoc(&with_category(&a.doc, "Types"), 2),
            decl: format!("export type {} = {}", a.name, a.ty.text),
        })
        .collect();
    types.extend(model.enums.iter().map(|e| {
        let mut lines = text_lines(&e.doc);
        lines.push(String::new());
        for v in &e.values {
            lines.push(format!("- `\"{}\"`: {}", v.value, v.doc.trim()));
        }
        lines.push(String::new());
        lines.push("@category Types".into());
        let values: Vec<String> = e.values.iter().map(|v| format!("\"{}\"", v.value)).collect();
        Decl { doc: tsdoc(&lines, 2), decl: format!("export type {} = {}", e.name, values.join(" | ")) }
    }));
    types.extend(model.unions.iter().map(|u| {
        let mut lines = text_lines(&u.doc);
        let documented: Vec<_> = u.variants.iter().filter(|v| !v.doc.trim().is_empty()).collect();
        if !documented.is_empty() {
            lines.push(String::new());
            for v in documented {
                lines.push(format!("- `{}`: {}", wire_ts(&v.ty.ty), v.doc.trim()));
            }
        }
        lines.push(String::new());
        lines.push("@category Types".into());
        let variants: Vec<String> = u.variants.iter().map(|v| wire_ts(&v.ty.ty)).collect();
        Decl { doc: tsdoc(&lines, 2), decl: format!("export type {} = {}", u.name, variants.join(" | ")) }
    }));

    let interfaces = model
        .public_records()
        .map(|r| Container {
            doc: tsdoc(&with_category(&r.doc, "Types"), 2),
            name: r.name.clone(),
            extends: None,
            members: r
                .fields
                .iter()
                .map(|f| Decl {
                    doc: tsdoc(&text_lines(&f.doc), 4),
                    decl: format!("{}{}: {}", f.name, if f.optional { "?" } else { "" }, field_ts(f)),
                })
                .collect(),
        })
        .collect();

    let mut module_doc = text_lines(&model.module.summary);
    if !model.module.doc.trim().is_empty() {
        module_doc.push(String::new());
        module_doc.extend(text_lines(&model.module.doc));
    }
    module_doc.push(String::new());
    module_doc.push("@module".into());

    DtsTemplate {
        preamble: preamble(model),
        specifier: model.module.specifier.clone(),
        module_doc: tsdoc(&module_doc, 0),
        functions,
        classes,
        namespaces,
        error_code,
        types,
        interfaces,
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
    fn module_and_functions() {
        let out = output();
        assert!(
            out.starts_with("// Generated by `cargo xtask codegen` from spec/demo.kdl. Do not edit by hand.\n"),
            "{out}"
        );
        assert!(out.contains("declare module \"demo:mod\" {\n"), "{out}");
        assert!(out.contains("   * Make a `Thing`.\n   *\n   * @param name Its name.\n   * @param options\n   * @returns The handle.\n   * @throws {DemoError} 7000 BadThing — Bad thing happened\n   * @example Make one\n   * ```ts\n   * import { make } from \"demo:mod\";\n   * await make(\"x\");\n   * ```\n   * @category Functions\n   */\n  export function make(name: string, options?: Thing): Promise<Handle>;\n"), "{out}");
    }

    #[test]
    fn classes_and_namespaces() {
        let out = output();
        assert!(out.contains("  export class Bin {\n"), "{out}");
        assert!(out.contains("    readonly label: string;\n"), "{out}");
        assert!(out.contains("    size(...extra: number[]): Promise<number>;\n"), "{out}");
        assert!(out.contains("  export class DemoError extends Error {\n"), "{out}");
        assert!(out.contains("  export namespace helpers {\n"), "{out}");
        assert!(out.contains("    export function red(): Color;\n"), "{out}");
        assert!(out.contains("  export const ErrorCode: {\n"), "{out}");
        assert!(
            out.contains(
                "     * 7000: Bad thing happened\n     *\n     * It was bad.\n     */\n    readonly BadThing: 7000;\n"
            ),
            "{out}"
        );
    }

    #[test]
    fn types() {
        let out = output();
        assert!(out.contains("  export type Handle = number;\n"), "{out}");
        assert!(out.contains("   * - `\"dark-blue\"`: Dark blue.\n"), "{out}");
        assert!(out.contains("  export type Color = \"red\" | \"dark-blue\";\n"), "{out}");
        assert!(out.contains("  export type Shape = string | Thing[];\n"), "{out}");
        assert!(out.contains("  export interface Thing {\n"), "{out}");
        assert!(out.contains("    tags?: Record<string, number[]>;\n"), "{out}");
        assert!(out.contains("    type: number | bigint;\n"), "{out}");
        assert!(out.contains("    onDone?: (thing: Thing) => void;\n"), "JS-only fields are declared: {out}");
        assert!(!out.contains("Wire"), "internal records are not declared: {out}");
        assert!(out.trim_end().ends_with('}'));
    }
}

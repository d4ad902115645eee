//! `generated/tests/`: the spec-driven TypeScript scenarios the host runs with the repository
//! root as working directory: one per example (`example_<fn>_<n>.ts`, the example verbatim
//! under a header line that requires its standard output to be exactly the spec's `stdout=`),
//! one per error code (`error_<code>_<Name>.ts`, asserting the trigger rejects with exactly
//! that code; a pending code, which no script can cause, gets the checks a script can make:
//! the code is published in `ErrorCode` under its name, and an error carrying it is named
//! for it), and
//! `exports.ts`, which checks the module's export list against the spec; and one per
//! `ts test` block of a guide (`guide_<slug>_<n>.ts`, like an example, see `crate::guides`).

use crate::emit::ts::error_class;
use crate::emit::{preamble, Files};
use crate::model::{ErrorDef, Model};

pub const DIR: &str = "generated/tests";

/// The header line with which the scenario runner compares a script's whole standard output
/// with a JSON string.
pub const EXPECT_STDOUT_EXACTLY: &str = "expect-stdout-exactly:";

pub fn emit(model: &Model) -> Files {
    let mut files = Files::new();
    for (qualified, f) in model.all_functions() {
        let stem = qualified.replace('.', "_");
        for (i, ex) in f.examples.iter().enumerate() {
            // Every line the program prints ends with a newline, so the spec leaves the
            // final one out and the test adds it back.
            let stdout = format!("{}\n", ex.stdout.as_deref().unwrap_or_default());
            let text = format!(
                "// {}\n// Example {:?} of `{qualified}`.\n// {EXPECT_STDOUT_EXACTLY} {}\n{}\n",
                preamble(model),
                ex.title,
                js_string(&stdout),
                ex.code.trim_end()
            );
            files.push((format!("{DIR}/example_{stem}_{}.ts", i + 1), text));
        }
    }
    for guide in &model.guides {
        let stem = guide.slug.replace('-', "_");
        for (i, ex) in guide.examples.iter().enumerate() {
            let text = format!(
                "// {}\n// Example {} of the guide {} (line {}).\n// {EXPECT_STDOUT_EXACTLY} {}\n{}\n",
                preamble(model),
                i + 1,
                guide.file,
                ex.line,
                js_string(&ex.stdout),
                ex.code.trim_end()
            );
            files.push((format!("{DIR}/guide_{stem}_{}.ts", i + 1), text));
        }
    }
    for e in &model.errors {
        files.push((format!("{DIR}/error_{}_{}.ts", e.code, e.name), error_test(model, e)));
    }
    files.push((format!("{DIR}/exports.ts"), exports_test(model)));
    files
}

fn js_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

fn error_test(model: &Model, e: &ErrorDef) -> String {
    let class = error_class(model);
    if let Some(reason) = &e.pending {
        let reason = reason.lines().map(str::trim).collect::<Vec<_>>().join(" ");
        return format!(
            r#"// {preamble}
// Error code {code} ({name}) has no trigger: {reason}.
// What a script can check: the code is published under its name, and an error carrying
// it is named for it.
import * as wasm from "{specifier}";

const label = "error {code} ({name})";
if (wasm.ErrorCode.{name} !== {code}) {{
  throw new Error(`${{label}}: ErrorCode.{name} is ${{wasm.ErrorCode.{name}}}`);
}}
type WithCode = new (message: string, code: number) => wasm.{class};
const probe = new (wasm.{class} as unknown as WithCode)("probe", {code});
if (!(probe instanceof wasm.{class}) || probe.code !== {code} || probe.name !== "{name}") {{
  throw new Error(`${{label}}: an error with code {code} is named ${{probe.name}}`);
}}
console.log(`${{label}}: published; no script can cause it`);
"#,
            preamble = preamble(model),
            code = e.code,
            name = e.name,
            specifier = model.module.specifier,
        );
    }
    let label = format!("error {} ({})", e.code, e.name);
    let trigger: String = e
        .trigger
        .as_deref()
        .unwrap_or_default()
        .trim_end()
        .lines()
        .map(|l| if l.trim().is_empty() { "\n".to_string() } else { format!("  {l}\n") })
        .collect();
    format!(
        r#"// {preamble}
// Error code {code} ({name}): {meaning}. The trigger must reject with exactly this code.
import * as wasm from "{specifier}";

async function trigger(): Promise<void> {{
{trigger}}}

let caught: unknown = undefined;
let threw = false;
try {{
  await trigger();
}} catch (e) {{
  threw = true;
  caught = e;
}}
const label = {label};
if (!threw) {{
  throw new Error(`${{label}}: the trigger completed without throwing`);
}}
if (!(caught instanceof wasm.{class})) {{
  throw new Error(`${{label}}: expected a {class}, got ${{caught instanceof Error ? `${{caught.name}}: ${{caught.message}}` : String(caught)}}`);
}}
if (caught.code !== {code}) {{
  throw new Error(`${{label}}: expected code {code}, got ${{caught.code}} (${{caught.name}}: ${{caught.message}})`);
}}
if (caught.name !== {name_js}) {{
  throw new Error(`${{label}}: expected name {name}, got ${{caught.name}}`);
}}
"#,
        preamble = preamble(model),
        code = e.code,
        name = e.name,
        name_js = js_string(&e.name),
        meaning = e.meaning.trim_end_matches('.'),
        specifier = model.module.specifier,
        label = js_string(&label),
    )
}

fn exports_test(model: &Model) -> String {
    let names: Vec<String> = model.export_names().iter().map(|n| format!("  {},\n", js_string(n))).collect();
    format!(
        r#"// {preamble}
// The module exports exactly the names the spec declares.
import * as wasm from "{specifier}";

const expected: string[] = [
{names}];
// Besides the named exports, a synthetic module also has a `default` export (the
// namespace object itself), which is not part of the spec's list.
const actual = Object.keys(wasm).filter((name) => name !== "default").sort();
const missing = expected.filter((name) => !actual.includes(name));
const extra = actual.filter((name) => !expected.includes(name));
if (missing.length > 0 || extra.length > 0 || actual.join() !== expected.join()) {{
  throw new Error(
    `{specifier} exports differ from the spec: missing [${{missing.join(", ")}}], extra [${{extra.join(", ")}}]`,
  );
}}
"#,
        preamble = preamble(model),
        specifier = model.module.specifier,
        names = names.concat(),
    )
}

#[cfg(test)]
mod scenario_tests {
    use super::*;
    use crate::emit::test_spec;

    #[test]
    fn scenario_files() {
        let files = emit(&test_spec::model());
        let paths: Vec<&str> = files.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(
            paths,
            [
                "generated/tests/example_make_1.ts",
                "generated/tests/example_Bin_size_1.ts",
                "generated/tests/example_helpers_red_1.ts",
                "generated/tests/error_7000_BadThing.ts",
                "generated/tests/error_7001_LaterThing.ts",
                "generated/tests/exports.ts",
            ]
        );
        let ex = test_spec::file(&files, "generated/tests/example_make_1.ts");
        assert_eq!(
            ex,
            "// Generated by `cargo xtask codegen` from spec/demo.kdl. Do not edit by hand.\n// Example \"Make one\" of `make`.\n// expect-stdout-exactly: \"made 1\\n\\\"x\\\"\\n\"\nimport { make } from \"demo:mod\";\nawait make(\"x\");\n"
        );
    }

    #[test]
    fn guide_scenarios() {
        let mut model = test_spec::model();
        let source = "# Demo\n\nText.\n\n```ts test\nconsole.log(\"hi\");\n```\n\n```output\nhi\n```\n";
        model.guides = vec![crate::guides::parse("spec/guides/01-a-b.md", "01-a-b.md", source, &model).unwrap()];
        let files = emit(&model);
        let t = test_spec::file(&files, "generated/tests/guide_a_b_1.ts");
        assert_eq!(
            t,
            "// Generated by `cargo xtask codegen` from spec/demo.kdl. Do not edit by hand.\n// Example 1 of the guide spec/guides/01-a-b.md (line 5).\n// expect-stdout-exactly: \"hi\\n\"\nconsole.log(\"hi\");\n"
        );
    }

    #[test]
    fn error_scenarios() {
        let files = emit(&test_spec::model());
        let t = test_spec::file(&files, "generated/tests/error_7000_BadThing.ts");
        assert!(t.contains("import * as wasm from \"demo:mod\";\n"), "{t}");
        assert!(t.contains("async function trigger(): Promise<void> {\n  await mod.make(\"bad\");\n}\n"), "{t}");
        assert!(t.contains("if (!(caught instanceof wasm.DemoError)) {"), "{t}");
        assert!(t.contains("if (caught.code !== 7000) {"), "{t}");
        assert!(t.contains("if (caught.name !== \"BadThing\") {"), "{t}");
        assert!(t.contains("the trigger completed without throwing"), "{t}");
        // A pending code is not skipped: its test checks what a script can.
        let pending = test_spec::file(&files, "generated/tests/error_7001_LaterThing.ts");
        assert!(!pending.contains("// skip:"), "{pending}");
        assert!(pending.contains("has no trigger: needs a fixture."), "{pending}");
        assert!(pending.contains("if (wasm.ErrorCode.LaterThing !== 7001) {"), "{pending}");
        assert!(pending.contains("probe.name !== \"LaterThing\""), "{pending}");
    }

    #[test]
    fn exports_scenario() {
        let files = emit(&test_spec::model());
        let t = test_spec::file(&files, "generated/tests/exports.ts");
        assert!(t.contains("const expected: string[] = [\n  \"Bin\",\n  \"DemoError\",\n  \"ErrorCode\",\n  \"helpers\",\n  \"make\",\n];\n"), "{t}");
        assert!(t.contains("Object.keys(wasm).filter((name) => name !== \"default\").sort()"), "{t}");
        assert!(t.contains("missing ["), "{t}");
    }
}

//! The published JSON Schemas, `generated/schema/<Record>.schema.json`, are what schemars
//! derives from the generated wire types (`ext_wasm::generated::json_schemas`, one document
//! per public record of the spec). This test fails when a committed file differs from that,
//! is missing, or is no longer published; with `BLESS=1` it writes and removes files
//! instead. `cargo xtask codegen` runs it that way after regenerating the types, and
//! `cargo xtask codegen --check` runs it as a check. It needs no JS engine:
//! `cargo test -p ext_wasm --no-default-features --test schema`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

/// Where the schemas live, relative to the repository root.
const DIR: &str = "generated/schema";

fn root() -> PathBuf {
    Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())).join("..")
}

/// `value` with the keys of every object in sorted order.
fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let mut out = Map::new();
            for key in keys {
                out.insert(key.clone(), sorted(&map[key]));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

/// The file text of a schema: pretty JSON with sorted keys and a final newline. Sorting
/// makes the text the same in every build: with serde_json's `preserve_order` feature,
/// which another crate of the build may turn on, objects keep schemars' insertion order.
fn render(schema: &schemars::Schema) -> String {
    let text = serde_json::to_string_pretty(&sorted(schema.as_value()))
        .unwrap_or_else(|err| panic!("a schema that serde_json cannot print: {err}"));
    format!("{text}\n")
}

/// The lines that differ, as `-old` / `+new` with the line number, from a longest common
/// subsequence of the two texts' lines (schema files are a few hundred lines at most).
fn diff(old: &str, new: &str) -> String {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    // common[i][j]: length of the longest common subsequence of a[i..] and b[j..].
    let mut common = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            common[i][j] = if a[i] == b[j] { common[i + 1][j + 1] + 1 } else { common[i + 1][j].max(common[i][j + 1]) };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || common[i][j + 1] > common[i + 1][j]) {
            out.push(format!("{:>4} +{}", j + 1, b[j]));
            j += 1;
        } else {
            out.push(format!("{:>4} -{}", i + 1, a[i]));
            i += 1;
        }
    }
    out.join("\n")
}

#[test]
fn published_schemas_are_what_schemars_derives() {
    let bless = std::env::var_os("BLESS").is_some();
    let dir = root().join(DIR);
    let documents = ext_wasm::generated::json_schemas();
    assert!(!documents.is_empty(), "the spec publishes no schema: json_schemas() is empty");
    let mut problems = Vec::new();
    for (file, schema) in &documents {
        let want = render(schema);
        let path = dir.join(file);
        let have = std::fs::read_to_string(&path).ok().map(|text| text.replace("\r\n", "\n"));
        if have.as_deref() == Some(want.as_str()) {
            continue;
        }
        if bless {
            std::fs::create_dir_all(&dir).unwrap_or_else(|err| panic!("{}: {err}", dir.display()));
            std::fs::write(&path, &want).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
            println!("wrote {DIR}/{file}");
            continue;
        }
        problems.push(match have {
            None => format!("{DIR}/{file} is missing"),
            Some(have) => format!(
                "{DIR}/{file} differs from what schemars derives (- committed, + derived):\n{}",
                diff(&have, &want)
            ),
        });
    }
    let published: BTreeSet<&str> = documents.iter().map(|(file, _)| *file).collect();
    let on_disk = std::fs::read_dir(&dir).unwrap_or_else(|err| panic!("{}: {err}", dir.display()));
    for entry in on_disk {
        let entry = entry.unwrap_or_else(|err| panic!("{}: {err}", dir.display()));
        let name = entry.file_name().to_string_lossy().into_owned();
        if published.contains(name.as_str()) {
            continue;
        }
        if bless {
            std::fs::remove_file(entry.path()).unwrap_or_else(|err| panic!("{}: {err}", entry.path().display()));
            println!("removed {DIR}/{name}");
        } else {
            problems.push(format!("{DIR}/{name} is not published by any type of the spec"));
        }
    }
    assert!(
        problems.is_empty(),
        "{}\n\nrun `cargo xtask codegen` (or this test with BLESS=1) and commit the result",
        problems.join("\n\n")
    );
}

/// The derives say what the hand-made schemas said: documented types and fields (the spec's
/// docs reach the Rust types as doc comments), and no property beyond the declared ones
/// (`deny_unknown_fields`), as the JS side rejects unknown option keys.
#[test]
fn published_schemas_are_closed_and_documented() {
    for (file, schema) in ext_wasm::generated::json_schemas() {
        let value = schema.as_value();
        let described = |v: &Value| v.get("description").and_then(Value::as_str).is_some_and(|d| !d.trim().is_empty());
        assert!(described(value), "{file}: the record has no description");
        assert_eq!(value.get("additionalProperties"), Some(&Value::Bool(false)), "{file}: not closed");
        assert_eq!(value.get("$id").and_then(Value::as_str), Some(file), "{file}: $id");
        let properties = value.get("properties").and_then(Value::as_object);
        let properties = properties.unwrap_or_else(|| panic!("{file}: no properties"));
        assert!(!properties.is_empty(), "{file}: no properties");
        for (name, property) in properties {
            assert!(described(property), "{file}: property `{name}` has no description");
        }
    }
}

#[test]
fn diff_names_the_changed_lines() {
    assert_eq!(diff("a\nb\nc\n", "a\nB\nc\nd\n"), "   2 -b\n   2 +B\n   4 +d");
    assert_eq!(diff("same\n", "same\n"), "");
}

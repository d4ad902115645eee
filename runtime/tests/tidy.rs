//! Tidy checks on the hand-written sources: every file says what it owns (`//!`), and the
//! runtime's non-test code never panics on purpose (`unwrap`, `expect`, `panic!`,
//! `unreachable!`): a panic inside an op would take the host down.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("source directory") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

fn root() -> PathBuf {
    Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())).join("..")
}

#[test]
fn every_source_file_starts_with_a_module_doc() {
    let mut missing = Vec::new();
    for dir in ["runtime/src", "host/src", "host/tests", "runtime/tests", "codegen/src", "xtask/src"] {
        for file in rust_files(&root().join(dir)) {
            let text = std::fs::read_to_string(&file).expect("readable");
            if !text.trim_start().starts_with("//!") {
                missing.push(file.display().to_string());
            }
        }
    }
    assert!(missing.is_empty(), "files without a `//!` doc comment: {missing:#?}");
}

#[test]
fn runtime_code_has_no_deliberate_panics() {
    let forbidden = [".unwrap()", ".expect(", "panic!(", "unreachable!(", "todo!(", "unimplemented!("];
    let mut found = Vec::new();
    for file in rust_files(&root().join("runtime/src")) {
        let text = std::fs::read_to_string(&file).expect("readable");
        // Unit tests may unwrap; they live after `#[cfg(test)]` at the end of a file.
        let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or_default();
        for (number, line) in code.lines().enumerate() {
            let trimmed = line.trim_start();
            if trimmed.starts_with("//") {
                continue;
            }
            if let Some(word) = forbidden.iter().find(|w| line.contains(*w)) {
                found.push(format!("{}:{}: {word}", file.display(), number + 1));
            }
        }
    }
    assert!(found.is_empty(), "possible panics in runtime code: {found:#?}");
}

/// The runtime's top-level modules (a file `x.rs` or a directory `x/`) and the modules
/// each one names through `crate::`, outside its unit tests.
fn runtime_module_graph() -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    let src = root().join("runtime/src");
    let mut graph = std::collections::BTreeMap::new();
    for file in rust_files(&src) {
        let relative = file.strip_prefix(&src).expect("under src");
        let first = relative.components().next().expect("a component").as_os_str().to_string_lossy().into_owned();
        let module = first.trim_end_matches(".rs").to_string();
        if module == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("readable");
        let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or_default();
        let uses: &mut std::collections::BTreeSet<String> = graph.entry(module.clone()).or_default();
        for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for (at, _) in line.match_indices("crate::") {
                let name: String = line[at + "crate::".len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && name != module {
                    uses.insert(name);
                }
            }
        }
    }
    graph
}

/// A cycle through `start`, as a path of module names, if there is one.
fn cycle_from(
    graph: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
    start: &str,
) -> Option<Vec<String>> {
    fn walk(
        graph: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
        start: &str,
        path: &mut Vec<String>,
        seen: &mut std::collections::BTreeSet<String>,
    ) -> bool {
        let last = path.last().cloned().unwrap_or_default();
        for next in graph.get(&last).into_iter().flatten() {
            if next == start {
                path.push(next.clone());
                return true;
            }
            if seen.insert(next.clone()) {
                path.push(next.clone());
                if walk(graph, start, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![start.to_string()];
    walk(graph, start, &mut path, &mut Default::default()).then_some(path)
}

#[test]
fn runtime_modules_have_no_import_cycles() {
    let graph = runtime_module_graph();
    assert!(graph.contains_key("instance") && graph.contains_key("call"), "the module scan found {graph:?}");
    let cycles: Vec<String> = graph.keys().filter_map(|m| cycle_from(&graph, m)).map(|p| p.join(" -> ")).collect();
    assert!(
        cycles.is_empty(),
        "import cycles between runtime modules (a module lower in the layering must not name one above it; \
         pass narrow dependencies instead, see ARCHITECTURE.md): {cycles:#?}"
    );
}

#[test]
fn the_cycle_check_finds_a_cycle() {
    let mut graph = std::collections::BTreeMap::<String, std::collections::BTreeSet<String>>::new();
    graph.entry("a".into()).or_default().insert("b".into());
    graph.entry("b".into()).or_default().insert("c".into());
    graph.entry("c".into()).or_default().insert("a".into());
    graph.entry("d".into()).or_default().insert("a".into());
    assert_eq!(cycle_from(&graph, "a"), Some(vec!["a".into(), "b".into(), "c".into(), "a".into()]));
    assert_eq!(cycle_from(&graph, "d"), None);
}

/// The hand-written code is formatted by `rustfmt.toml` (`cargo xtask test` runs the same
/// check, and clippy, as checks of their own).
#[test]
fn hand_written_code_is_formatted() {
    let output = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["fmt", "--all", "--check"])
        .current_dir(root())
        .output()
        .expect("cargo runs");
    let diff = String::from_utf8_lossy(&output.stdout);
    let files: Vec<&str> = diff.lines().filter_map(|l| l.strip_prefix("Diff in ")).collect();
    assert!(
        output.status.success(),
        "run `cargo fmt`; unformatted: {files:#?}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

//! Every script in `examples/` runs and prints exactly what its `.out` file next to it
//! says, so the examples the README points to never drift from what the API does.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo_root() -> PathBuf {
    Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into()))
        .join("..")
        .canonicalize()
        .expect("repository root")
}

#[test]
fn every_example_prints_its_expected_output() {
    let root = repo_root();
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(root.join("examples"))
        .expect("examples/ is readable")
        .map(|entry| entry.expect("examples/ entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "ts" || e == "js"))
        .collect();
    scripts.sort();
    assert!(scripts.len() >= 2, "the examples were not found: {scripts:?}");
    for script in scripts {
        let expected_path = script.with_extension("out");
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_else(|e| {
            panic!("{}: every example needs its expected output in {}: {e}", script.display(), expected_path.display())
        });
        let output = Command::new(env!("CARGO_BIN_EXE_forge-wasm"))
            .arg("run")
            .arg(script.strip_prefix(&root).expect("inside the repository"))
            .current_dir(&root)
            .output()
            .expect("forge-wasm runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{} failed:\n{}", script.display(), String::from_utf8_lossy(&output.stderr));
        assert_eq!(stdout, expected, "{}: stdout differs from {}", script.display(), expected_path.display());
        println!("ok {}", script.display());
    }
}

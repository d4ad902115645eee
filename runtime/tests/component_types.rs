//! The TypeScript declarations of the test and example components
//! (`tests/components/*.d.ts`, `examples/components/*.d.ts`) are what
//! `ext_wasm::component_typescript` (and `forge-wasm types`) prints for them now: a
//! change to the emitter or to a component shows up as a diff here, and the type-check
//! test (`codegen/tests/typecheck.rs`) compiles the files with `tsc`, so the output is
//! valid TypeScript that scripts can import (`examples/text_plugin.ts` does).
//! `UPDATE_COMPONENT_TYPES=1 cargo test -p ext_wasm --test component_types` rewrites them.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn committed_declarations_are_current() {
    let update = std::env::var_os("UPDATE_COMPONENT_TYPES").is_some();
    let mut stale = Vec::new();
    let mut seen = 0;
    for dir in ["tests/components", "examples/components"] {
        let mut wasm: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "wasm"))
            .collect();
        wasm.sort();
        for path in wasm {
            seen += 1;
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let text = ext_wasm::component_typescript(&std::fs::read(&path).unwrap(), &name).unwrap();
            let declared = path.with_extension("d.ts");
            if std::fs::read_to_string(&declared).ok().as_deref() != Some(text.as_str()) {
                if update {
                    std::fs::write(&declared, &text).unwrap();
                } else {
                    stale.push(format!("{dir}/{}", declared.file_name().unwrap().to_string_lossy()));
                }
            }
        }
    }
    assert!(seen >= 5, "expected the fixture and example components, found {seen}");
    assert!(
        stale.is_empty(),
        "stale or missing declarations: {stale:?}; run UPDATE_COMPONENT_TYPES=1 cargo test -p ext_wasm --test component_types"
    );
}

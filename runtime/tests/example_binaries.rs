//! Every committed `examples/*.wasm` and `tests/fixtures/*.wasm` is exactly its `.wat`
//! source assembled, so no opaque binary lives in the repository.
//! `BLESS=1 cargo test -p ext_wasm --test example_binaries` rewrites them after a change.

use std::path::Path;

#[test]
fn example_wasm_files_match_their_wat_sources() {
    check_dir("../examples");
}

#[test]
fn fixture_wasm_files_match_their_wat_sources() {
    check_dir("../tests/fixtures");
}

fn check_dir(relative: &str) {
    let dir = Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into()))
        .join(relative);
    let bless = std::env::var_os("BLESS").is_some();
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("directory exists") {
        let wat_path = entry.expect("readable entry").path();
        if wat_path.extension().and_then(|e| e.to_str()) != Some("wat") {
            continue;
        }
        let assembled = wat::parse_file(&wat_path).unwrap_or_else(|e| panic!("{}: {e}", wat_path.display()));
        let wasm_path = wat_path.with_extension("wasm");
        if bless {
            std::fs::write(&wasm_path, &assembled).expect("write .wasm");
        }
        let committed = std::fs::read(&wasm_path)
            .unwrap_or_else(|e| panic!("{} is missing ({e}); run with BLESS=1", wasm_path.display()));
        assert!(
            committed == assembled,
            "{} differs from its .wat source; run `BLESS=1 cargo test -p ext_wasm --test example_binaries`",
            wasm_path.display()
        );
        checked += 1;
    }
    assert!(checked > 0, "no .wat files in {}", dir.display());
}

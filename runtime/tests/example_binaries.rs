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

/// `tests/fixtures/*.c` are WASI programs built with Debian's clang and wasi-libc (the
/// command is in each file's header comment): the committed `.wasm` must be what that
/// build makes now. Without clang or wasi-libc the check says so and passes; the
/// committed binary still runs in the scenarios. `BLESS=1` rewrites it.
#[test]
fn c_fixture_wasm_files_match_their_c_sources() {
    let dir = Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into()))
        .join("../tests/fixtures");
    let sysroot = Path::new("/usr/lib/wasm32-wasi/libc.a");
    let clang = std::process::Command::new("clang").arg("--version").output();
    if clang.is_err() || !sysroot.exists() {
        eprintln!("skipped: needs clang, lld, wasi-libc and libclang-rt-14-dev-wasm32 (Debian packages)");
        return;
    }
    let bless = std::env::var_os("BLESS").is_some();
    let out = tempfile::tempdir().expect("temporary directory");
    for entry in std::fs::read_dir(&dir).expect("fixtures directory") {
        let source = entry.expect("readable entry").path();
        if source.extension().and_then(|e| e.to_str()) != Some("c") {
            continue;
        }
        let built = out.path().join(source.file_name().unwrap()).with_extension("wasm");
        let status = std::process::Command::new("clang")
            .args(["--target=wasm32-wasi", "--sysroot=/usr", "-Os", "-Wl,--strip-all", "-o"])
            .arg(&built)
            .arg(&source)
            .status()
            .expect("clang runs");
        assert!(status.success(), "clang failed on {}", source.display());
        let built = std::fs::read(&built).expect("clang's output");
        let wasm_path = source.with_extension("wasm");
        if bless {
            std::fs::write(&wasm_path, &built).expect("write .wasm");
        }
        let committed = std::fs::read(&wasm_path).unwrap_or_else(|e| panic!("{}: {e}", wasm_path.display()));
        assert!(committed == built, "{} differs from a build of its .c source; run with BLESS=1", wasm_path.display());
    }
}

//! Spec UI tests: each `tests/parse_fail/*.kdl` must fail to load, and its rendered
//! diagnostics (file, line, column, caret, help) must equal `<name>.kdl.result`.
//! Run with `BLESS=1` to rewrite the expectations.

use std::path::Path;

use libtest_mimic::{Arguments, Failed, Trial};

fn main() {
    let args = Arguments::from_args();
    let dir = Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into()))
        .join("tests/parse_fail");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/parse_fail exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "kdl"))
        .collect();
    cases.sort();
    let trials = cases
        .into_iter()
        .map(|path| {
            let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            Trial::test(name, move || run(&path))
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}

fn run(path: &Path) -> Result<(), Failed> {
    let file_name = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    let source = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    // A fixed display path keeps the expectations independent of where the repo lives.
    let shown = format!("tests/parse_fail/{file_name}");
    let actual = match codegen::load_str(&shown, &source) {
        Ok(_) => return Err(format!("{shown} loaded without errors, but parse_fail cases must fail").into()),
        Err(diagnostics) => diagnostics.render(),
    };
    let expected_path = path.with_extension("kdl.result");
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&expected_path, &actual).map_err(|e| format!("{}: {e}", expected_path.display()))?;
        return Ok(());
    }
    let expected = std::fs::read_to_string(&expected_path)
        .map_err(|e| format!("{}: {e} (run with BLESS=1 to create it)", expected_path.display()))?
        .replace("\r\n", "\n");
    if expected != actual {
        return Err(format!(
            "diagnostics differ from {} (run with BLESS=1 to update)\n--- expected\n{expected}\n--- actual\n{actual}",
            expected_path.display()
        )
        .into());
    }
    Ok(())
}

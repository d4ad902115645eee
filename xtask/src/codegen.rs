//! `cargo xtask codegen [--check]`: regenerates everything under `generated/` from
//! `spec/runtime-wasm.kdl`, or with `--check` verifies that what is on disk is up to date
//! (CI runs this). Spec errors are printed with file:line:col and a caret, and fail the task.
//! The JSON Schemas under `generated/schema/` come last, from the runtime crate's schema
//! test (schemars on the generated types).

use std::path::Path;

use anyhow::{bail, Context};

const USAGE: &str = "usage: cargo xtask codegen [--check]

Regenerates generated/ from spec/runtime-wasm.kdl.
  --check   change nothing; fail if any generated file is stale, missing or extra";

/// Run the task. `args` are the arguments after `codegen` (a leading `codegen` is ignored).
pub fn run(args: &[String]) -> anyhow::Result<()> {
    let Some(check) = crate::util::check_flag(args.iter().skip_while(|a| a.as_str() == "codegen"), USAGE)? else {
        return Ok(());
    };
    let root = crate::util::root();
    // Diagnostics name the spec relative to the root, as people write it.
    std::env::set_current_dir(&root).with_context(|| format!("entering {}", root.display()))?;
    let model = match codegen::load(Path::new(codegen::SPEC_PATH)) {
        Ok(model) => model,
        Err(diagnostics) => {
            eprint!("{}", diagnostics.render());
            bail!("{} is invalid: fix the errors above and run `cargo xtask codegen` again", codegen::SPEC_PATH);
        }
    };
    let pending = codegen::pending_codes(&model);
    if !pending.is_empty() {
        println!("pending error codes (their generated tests are skipped):");
        for (code, name, reason) in &pending {
            println!("  {code} {name}: {reason}");
        }
    }
    // A failed emitter is a bug in codegen: report it and write nothing.
    let files = codegen::generate(&model)?;
    let changed = codegen::write_or_check(&root, &files, check)
        .with_context(|| format!("writing generated files under {}", root.display()))?;
    if check {
        if !changed.is_empty() {
            let list: Vec<String> = changed.iter().map(|p| format!("  {}", p.display())).collect();
            bail!(
                "generated files are not up to date with {}:\n{}\nrun `cargo xtask codegen` and commit the result",
                codegen::SPEC_PATH,
                list.join("\n")
            );
        }
        println!("generated/ is up to date ({} files)", files.len());
    } else if changed.is_empty() {
        println!("generated/ is up to date ({} files)", files.len());
    } else {
        for path in &changed {
            let what = if root.join(path).exists() { "wrote" } else { "removed" };
            println!("{what} {}", path.display());
        }
        println!("{} of {} generated files changed", changed.len(), files.len());
    }
    schemas(&root, check)
}

/// Write (or with `check`, verify) `generated/schema/`: the JSON Schemas are what schemars
/// derives from the generated Rust types, so the runtime crate's schema test makes them, once
/// the types above are on disk. It needs no JS engine.
fn schemas(root: &Path, check: bool) -> anyhow::Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    println!("generated/schema/: the runtime crate's schema test {}", if check { "checks it" } else { "writes it" });
    let args = ["test", "-p", "ext_wasm", "--no-default-features", "--test", "schema", "--", "--nocapture"];
    let mut command = std::process::Command::new(&cargo);
    command.args(args).current_dir(root);
    if !check {
        command.env("BLESS", "1");
    }
    let status = command.status().with_context(|| format!("starting `{cargo} {}`", args.join(" ")))?;
    if !status.success() {
        bail!(
            "generated/schema/ is {} (`cargo {}` failed: {status})",
            if check { "not up to date with the generated types" } else { "not written" },
            args.join(" ")
        );
    }
    Ok(())
}

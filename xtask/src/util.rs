//! Small helpers shared by the tasks: the workspace root, the target dir, running cargo.

use std::path::PathBuf;
use std::process::Command;

/// The workspace root (xtask lives one level below it).
///
/// `cargo run` sets `CARGO_MANIFEST_DIR` for the process, and that wins over the path
/// compiled in: two checkouts that share a target directory share the `xtask` binary,
/// which would otherwise work on whichever checkout built it last.
pub fn root() -> PathBuf {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root().join("target"))
}

/// Print a visible step header so long runs show where they are.
pub fn step(what: &str) {
    eprintln!("\n==> {what}");
}

/// Run cargo with `args` in the workspace root; fail on a non-zero exit.
pub fn cargo(args: &[&str]) -> anyhow::Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let status = Command::new(&cargo).args(args).current_dir(root()).status()?;
    if !status.success() {
        anyhow::bail!("`cargo {}` failed ({status})", args.join(" "));
    }
    Ok(())
}

/// Make sure a cargo subcommand is installed: when `probe` (its `--version`) does not
/// succeed, `cargo install` it with `install_args`. The install gets its own target
/// directory: the project's shared one must not hold a tool's build.
pub fn ensure_cargo_tool(mut probe: Command, install_args: &[&str]) -> anyhow::Result<()> {
    let present = probe
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if present {
        return Ok(());
    }
    let what = format!("cargo install {}", install_args.join(" "));
    step(&what);
    let status = Command::new("cargo")
        .arg("install")
        .args(install_args)
        .env_remove("CARGO_TARGET_DIR")
        .status()
        .map_err(|e| anyhow::anyhow!("cannot start `{what}`: {e}"))?;
    if !status.success() {
        anyhow::bail!("`{what}` failed ({status})");
    }
    Ok(())
}

/// The arguments of a task that takes only `--check` (and `-h`): whether to check, or
/// `None` once `usage` is printed for `-h`.
pub fn check_flag<'a>(args: impl IntoIterator<Item = &'a String>, usage: &str) -> anyhow::Result<Option<bool>> {
    let mut check = false;
    for arg in args {
        match arg.as_str() {
            "--check" => check = true,
            "-h" | "--help" => {
                println!("{usage}");
                return Ok(None);
            }
            other => anyhow::bail!("unknown argument `{other}`\n\n{usage}"),
        }
    }
    Ok(Some(check))
}

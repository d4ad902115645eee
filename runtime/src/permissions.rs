//! The permission policy: which host paths scripts may read (`compileFile`) and preopen.
//!
//! Embedders choose the policy from Rust; `forge-wasm` builds a [`PathPolicy`] from
//! `--allow-read` / `--allow-write`. Paths are canonicalised before every check, so `..`,
//! symlinks and relative paths cannot escape a granted directory.

use std::path::{Path, PathBuf};

use crate::error::WasmError;

/// What a path is wanted for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

impl Access {
    fn flag(self) -> &'static str {
        match self {
            Access::Read => "--allow-read",
            Access::Write => "--allow-write",
        }
    }
}

/// Decides whether a script may touch a host path. `path` is already canonical.
pub trait PermissionPolicy: Send + Sync + 'static {
    /// `Ok(())` to allow; otherwise a 5009 error naming the path and how to grant it.
    fn check(&self, path: &Path, access: Access, api: &str) -> Result<(), WasmError>;
}

/// Grants everything, including the host root. Only for embedders that trust their scripts.
#[derive(Debug, Default, Clone, Copy)]
pub struct AllowAll;

impl PermissionPolicy for AllowAll {
    fn check(&self, _path: &Path, _access: Access, _api: &str) -> Result<(), WasmError> {
        Ok(())
    }
}

/// Grants the listed directory trees (and files) for reading and for writing.
/// Write access implies read access. The host root is granted only when listed explicitly.
#[derive(Debug, Default, Clone)]
pub struct PathPolicy {
    read: Vec<PathBuf>,
    write: Vec<PathBuf>,
}

impl PathPolicy {
    /// The default of `forge-wasm`: the current working directory tree, read and write.
    pub fn cwd() -> Self {
        let mut policy = Self::default();
        if let Ok(cwd) = std::env::current_dir() {
            policy.allow_write(&cwd);
        }
        policy
    }

    pub fn allow_read(&mut self, path: &Path) -> &mut Self {
        self.read.push(canonical_or_absolute(path));
        self
    }

    pub fn allow_write(&mut self, path: &Path) -> &mut Self {
        self.write.push(canonical_or_absolute(path));
        self
    }

    fn granted(list: &[PathBuf], path: &Path) -> bool {
        list.iter().any(|root| path.starts_with(root))
    }
}

impl PermissionPolicy for PathPolicy {
    fn check(&self, path: &Path, access: Access, api: &str) -> Result<(), WasmError> {
        let ok = match access {
            Access::Read => Self::granted(&self.read, path) || Self::granted(&self.write, path),
            Access::Write => Self::granted(&self.write, path),
        };
        if ok {
            return Ok(());
        }
        let what = match access {
            Access::Read => "read",
            Access::Write => "write",
        };
        Err(WasmError::permission(format!(
            "{api}: {what} access to \"{}\" is not granted; run with {}={} to allow it",
            path.display(),
            access.flag(),
            path.display()
        )))
    }
}

/// Canonicalise a path that must exist. A missing path is reported by the caller.
pub fn canonicalize(path: &Path) -> std::io::Result<PathBuf> {
    std::fs::canonicalize(path)
}

/// A path after the permission check: where it really is, or why it is not there.
pub enum Checked {
    Found(PathBuf),
    Missing(std::io::Error),
}

/// Canonicalise `path` and check it. A path that does not exist is still checked (as an
/// absolute path), so probing outside the grants is refused (5009) before it can tell
/// whether something exists there.
pub fn check_path(policy: &dyn PermissionPolicy, path: &Path, access: Access, api: &str) -> Result<Checked, WasmError> {
    match std::fs::canonicalize(path) {
        Ok(canonical) => {
            policy.check(&canonical, access, api)?;
            Ok(Checked::Found(canonical))
        }
        Err(e) => {
            // Resolve `..` and symlinks as far as the path exists, so "/cwd/../x" is
            // checked as "/x", not as a path inside the cwd.
            let resolved = resolve_for_check(path).unwrap_or_else(|_| canonical_or_absolute(path));
            policy.check(&resolved, access, api)?;
            Ok(Checked::Missing(e))
        }
    }
}

/// Where `path` is, or would be once created: its nearest existing ancestor canonicalised
/// (symlinks resolved), then the rest with `.` dropped and `..` applied lexically. What
/// the permission policy sees for paths that do not exist (yet).
pub fn resolve_for_check(path: &Path) -> std::io::Result<PathBuf> {
    let absolute = if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir()?.join(path) };
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    let mut out = loop {
        match std::fs::canonicalize(existing) {
            Ok(canonical) => break canonical,
            Err(e) => {
                let (Some(parent), Some(name)) = (existing.parent(), existing.components().next_back()) else {
                    return Err(e);
                };
                rest.push(name.as_os_str().to_os_string());
                existing = parent;
            }
        }
    };
    // `components()` of an absolute path has no `.` left: only `..` needs applying.
    for part in rest.iter().rev() {
        if part == ".." {
            out.pop();
        } else {
            out.push(part);
        }
    }
    Ok(out)
}

/// For grants: canonical when the path exists, else made absolute against the cwd
/// (a grant for a directory that is created later still works).
fn canonical_or_absolute(path: &Path) -> PathBuf {
    if let Ok(p) = std::fs::canonicalize(path) {
        return p;
    }
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().map(|cwd| cwd.join(path)).unwrap_or_else(|_| path.to_path_buf())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_grant_implies_read_and_dotdot_cannot_escape() {
        let dir = std::env::temp_dir().join(format!("ext_wasm_perm_{}", std::process::id()));
        let inner = dir.join("inner");
        std::fs::create_dir_all(&inner).unwrap();
        let mut policy = PathPolicy::default();
        policy.allow_write(&inner);
        let inside = canonicalize(&inner).unwrap();
        assert!(policy.check(&inside, Access::Read, "t").is_ok());
        assert!(policy.check(&inside, Access::Write, "t").is_ok());
        let escaped = canonicalize(&inner.join("..")).unwrap();
        let err = policy.check(&escaped, Access::Read, "t").unwrap_err();
        assert_eq!(err.code, crate::error::ErrorCode::PermissionDenied);
        assert!(err.message.contains("--allow-read"), "{}", err.message);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn missing_paths_resolve_dotdot_before_the_check() {
        let cwd = std::fs::canonicalize(std::env::current_dir().unwrap()).unwrap();
        let parent = cwd.parent().unwrap().to_path_buf();
        let resolved = resolve_for_check(Path::new("no-such-dir/../../missing-file")).unwrap();
        assert_eq!(resolved, parent.join("missing-file"));
        let mut policy = PathPolicy::default();
        policy.allow_write(&cwd);
        let err = check_path(&policy, Path::new("no-such-dir/../../missing-file"), Access::Read, "t");
        assert_eq!(err.err().map(|e| e.code), Some(crate::error::ErrorCode::PermissionDenied));
        assert!(matches!(check_path(&policy, Path::new("no-such-file"), Access::Read, "t"), Ok(Checked::Missing(_))));
    }

    #[test]
    fn root_is_not_granted_by_a_subdirectory_grant() {
        let mut policy = PathPolicy::default();
        policy.allow_read(Path::new("/tmp"));
        assert!(policy.check(Path::new("/"), Access::Read, "t").is_err());
    }

    // A grant covers whole path components: "/x" must not grant "/x-secrets", whose name
    // merely starts with the same bytes. A byte-prefix comparison would grant it.
    #[test]
    fn a_sibling_whose_name_extends_a_grant_is_not_granted() {
        for access in [Access::Read, Access::Write] {
            let mut policy = PathPolicy::default();
            match access {
                Access::Read => policy.allow_read(Path::new("/x")),
                Access::Write => policy.allow_write(Path::new("/x")),
            };
            for inside in ["/x", "/x/m.wasm", "/x/sub/dir"] {
                assert!(policy.check(Path::new(inside), access, "t").is_ok(), "{access:?} {inside}");
            }
            for sibling in ["/x-secrets", "/x-secrets/m.wasm", "/xy", "/x.d/m.wasm"] {
                let err = policy.check(Path::new(sibling), access, "t").unwrap_err();
                assert_eq!(err.code, crate::error::ErrorCode::PermissionDenied, "{access:?} {sibling}");
            }
        }
    }

    // The default of forge-wasm and of `WasmConfig::default()`: the working directory tree,
    // read and write, and not its parent.
    #[test]
    fn the_cwd_policy_grants_the_working_directory_tree_only() {
        let cwd = canonicalize(&std::env::current_dir().unwrap()).unwrap();
        let policy = PathPolicy::cwd();
        for access in [Access::Read, Access::Write] {
            assert!(policy.check(&cwd, access, "t").is_ok(), "{access:?}");
            assert!(policy.check(&cwd.join("sub/file.wasm"), access, "t").is_ok(), "{access:?}");
            assert!(policy.check(cwd.parent().unwrap(), access, "t").is_err(), "{access:?}");
        }
    }

    // The same on disk through `check_path`, as compileFile and preopens use it: a real
    // sibling directory (found) and paths below it that do not exist (missing).
    #[test]
    fn check_path_refuses_an_existing_or_missing_sibling_that_extends_the_grant() {
        let dir = tempfile::tempdir().unwrap();
        let base = canonicalize(dir.path()).unwrap();
        let granted = base.join("x");
        let sibling = base.join("x-secrets");
        std::fs::create_dir_all(&granted).unwrap();
        std::fs::create_dir_all(&sibling).unwrap();
        std::fs::write(granted.join("m.wasm"), b"\0asm").unwrap();
        std::fs::write(sibling.join("m.wasm"), b"\0asm").unwrap();
        for access in [Access::Read, Access::Write] {
            let mut policy = PathPolicy::default();
            match access {
                Access::Read => policy.allow_read(&granted),
                Access::Write => policy.allow_write(&granted),
            };
            assert!(matches!(check_path(&policy, &granted.join("m.wasm"), access, "t"), Ok(Checked::Found(_))));
            assert!(matches!(check_path(&policy, &granted.join("new.wasm"), access, "t"), Ok(Checked::Missing(_))));
            // Reached directly, and through `..` from inside the grant.
            for path in [
                sibling.clone(),
                sibling.join("m.wasm"),
                sibling.join("missing.wasm"),
                sibling.join("no-dir/missing.wasm"),
                granted.join("../x-secrets/m.wasm"),
                granted.join("../x-secrets/missing.wasm"),
                base.join("x-missing/m.wasm"),
            ] {
                let result = check_path(&policy, &path, access, "t");
                assert_eq!(
                    result.err().map(|e| e.code),
                    Some(crate::error::ErrorCode::PermissionDenied),
                    "{access:?} {}",
                    path.display()
                );
            }
        }
    }
}

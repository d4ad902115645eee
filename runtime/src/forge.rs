//! Forge's embedding API: the names Forge's extension registry calls
//! (`crates/forge-runtime/src/ext_registry.rs`), as a thin layer over [`WasmConfig`] and
//! [`PermissionPolicy`]. Forge registers [`wasm_extension`] in its extension table when it
//! builds the runtime and later, in a separate state phase, calls [`init_wasm_state`] with
//! its manifest's [`WasmCapabilityChecker`] and instance limit. `docs/embedding.md` is the
//! guide; this file is the contract.
//!
//! - **Which path the checker sees.** The checker is consulted where the crate's own policy
//!   decides (`permissions::check_path`), with the same path: canonical and absolute
//!   (relative paths joined to the working directory, symlinks resolved, `..` applied), or,
//!   for a path that does not exist yet, its nearest existing ancestor canonicalised with
//!   the rest appended. Never the string as the script wrote it, so no spelling (`..`, a
//!   symlink, a relative path) can reach a file the checker did not see. A path that is not
//!   valid UTF-8 is refused (5009) without asking: the checker takes `&str`.
//! - **No checker** (`None`) means the crate's own default, not Forge's permissive dev mode:
//!   the working directory tree (as at the `init_wasm_state` call), read and write, as
//!   `WasmConfig::default()` grants; anything else fails with 5009. Forge's dev mode is a
//!   checker that allows everything ([`PermissiveWasmChecker`], or Forge's adapter built
//!   with `dev_mode`), passed explicitly.
//! - **The state phase.** [`wasm_extension`] makes no state: until the first
//!   [`init_wasm_state`], every op fails (5013, state missing), so nothing a script does
//!   before it can leave a module or instance behind, and the first call installs the state
//!   cleanly whenever it comes. A later call keeps that state (modules, instances and
//!   handles stay valid; `max_instances` stays the first call's) and replaces only the
//!   checker, for every later `compileFile` and preopen.

use std::path::Path;
use std::sync::Arc;

use parking_lot::RwLock;

use crate::config::WasmConfig;
use crate::error::WasmError;
use crate::permissions::{Access, PathPolicy, PermissionPolicy};

/// The instance limit when `init_wasm_state` is given none (Forge's default, 10).
pub const DEFAULT_MAX_INSTANCES: usize = 10;

/// Forge's capability checker: says whether a script may load a wasm file (`compileFile`)
/// and preopen a host directory for WASI. `Err(message)` refuses; the script sees a
/// `WasmError` with code 5009 (PermissionDenied) and exactly `message`.
///
/// Both methods get the canonical absolute path (see the module docs). `check_preopen` is
/// asked for read-only and read-write preopens alike: allowing a preopen allows writing.
pub trait WasmCapabilityChecker: Send + Sync {
    fn check_load(&self, path: &str) -> Result<(), String>;
    fn check_preopen(&self, host_path: &str) -> Result<(), String>;
}

/// Allows every load and every preopen, including the host root: Forge's dev mode. Pass
/// it explicitly; no checker at all means the working-directory default.
#[derive(Debug, Default, Clone, Copy)]
pub struct PermissiveWasmChecker;

impl WasmCapabilityChecker for PermissiveWasmChecker {
    fn check_load(&self, _path: &str) -> Result<(), String> {
        Ok(())
    }
    fn check_preopen(&self, _host_path: &str) -> Result<(), String> {
        Ok(())
    }
}

/// The `api` names the crate's callers of `check_path` pass (`module.rs`, `wasi.rs`); the
/// two-phase test (`host/tests/forge_embedding.rs`) fails if they drift.
const LOAD_API: &str = "compileFile";
const PREOPEN_API: &str = "preopens";

/// A [`WasmCapabilityChecker`] as the crate's [`PermissionPolicy`]: `compileFile` paths go
/// to `check_load`, preopened directories to `check_preopen`; a check from any other
/// caller must pass both (fail closed).
#[derive(Clone)]
pub struct CheckerPolicy(pub Arc<dyn WasmCapabilityChecker>);

impl PermissionPolicy for CheckerPolicy {
    fn check(&self, path: &Path, _access: Access, api: &str) -> Result<(), WasmError> {
        let Some(text) = path.to_str() else {
            return Err(WasmError::permission(format!(
                "{api}: \"{}\" is not valid UTF-8, so the capability checker cannot be asked about it",
                path.display()
            )));
        };
        let verdict = if api.starts_with(LOAD_API) {
            self.0.check_load(text)
        } else if api.contains(PREOPEN_API) {
            self.0.check_preopen(text)
        } else {
            self.0.check_load(text).and_then(|()| self.0.check_preopen(text))
        };
        verdict.map_err(WasmError::permission)
    }
}

/// What no checker grants: the working directory tree, read and write (`PathPolicy::cwd`),
/// with a refusal that names the missing checker rather than `forge-wasm`'s flags.
struct WorkingDirectoryPolicy(PathPolicy);

impl PermissionPolicy for WorkingDirectoryPolicy {
    fn check(&self, path: &Path, access: Access, api: &str) -> Result<(), WasmError> {
        self.0.check(path, access, api).map_err(|_| {
            let cwd = std::env::current_dir().map(|d| d.display().to_string()).unwrap_or_default();
            WasmError::permission(format!(
                "{api}: \"{}\" is outside the working directory ({cwd}); without a capability checker \
                 runtime:wasm grants only that tree",
                path.display()
            ))
        })
    }
}

/// The policy of a Forge-initialised runtime: the current checker (or the default), which a
/// later `init_wasm_state` replaces in place.
struct SwappablePolicy(RwLock<Arc<dyn PermissionPolicy>>);

impl PermissionPolicy for SwappablePolicy {
    fn check(&self, path: &Path, access: Access, api: &str) -> Result<(), WasmError> {
        // Cloned out so that a slow checker never holds the lock.
        let current = self.0.read().clone();
        current.check(path, access, api)
    }
}

/// The permission policy `init_wasm_state` uses for `checker`.
pub fn checker_policy(checker: Option<Arc<dyn WasmCapabilityChecker>>) -> Arc<dyn PermissionPolicy> {
    match checker {
        Some(checker) => Arc::new(CheckerPolicy(checker)),
        None => Arc::new(WorkingDirectoryPolicy(PathPolicy::cwd())),
    }
}

/// The `WasmConfig` that `init_wasm_state(state, checker, max_instances)` installs: the
/// checker as the permission policy, at most `max_instances` (default 10) live instances,
/// everything else as `WasmConfig::default()`. For single-phase embedders that have a
/// Forge checker: `runtime_wasm::init(forge::wasm_config(checker, max))`.
pub fn wasm_config(checker: Option<Arc<dyn WasmCapabilityChecker>>, max_instances: Option<usize>) -> WasmConfig {
    WasmConfig {
        permissions: checker_policy(checker),
        max_instances: Some(max_instances.unwrap_or(DEFAULT_MAX_INSTANCES)),
        ..WasmConfig::default()
    }
}

/// Kept in `OpState` by the first `init_wasm_state`: the policy a later call replaces.
#[cfg(feature = "deno")]
struct ForgeState(Arc<SwappablePolicy>);

/// The `runtime:wasm` extension for Forge's extension table. It carries no state: call
/// [`init_wasm_state`] on the runtime's `OpState` before scripts use `runtime:wasm` (until
/// then every op fails with 5013, "state missing", as Forge's own crate failed with "WASM
/// state not initialized").
#[cfg(feature = "deno")]
pub fn wasm_extension() -> deno_core::Extension {
    let mut extension = crate::runtime_wasm::init(WasmConfig::default());
    // The state comes from `init_wasm_state`; not making one here also spares an engine.
    extension.op_state_fn = None;
    extension
}

/// Forge's state phase: the permission checker (`None`: the working directory tree only)
/// and the instance limit (`None`: 10) of `runtime:wasm` in this runtime.
///
/// The first call installs the state; ops that ran before it all failed, so none left
/// anything to lose. A later call (after scripts started, say) keeps the state and its
/// modules, instances, handles and instance limit, and replaces the checker for every
/// later `compileFile` and preopen. On a runtime built with `runtime_wasm::init(config)`
/// instead of [`wasm_extension`], the first call replaces that state outright: make it
/// before scripts run.
#[cfg(feature = "deno")]
pub fn init_wasm_state(
    op_state: &mut deno_core::OpState,
    checker: Option<Arc<dyn WasmCapabilityChecker>>,
    max_instances: Option<usize>,
) {
    if let Some(ForgeState(policy)) = op_state.try_borrow::<ForgeState>() {
        *policy.0.write() = checker_policy(checker);
        return;
    }
    let policy = Arc::new(SwappablePolicy(RwLock::new(checker_policy(checker))));
    let config = WasmConfig {
        permissions: policy.clone(),
        max_instances: Some(max_instances.unwrap_or(DEFAULT_MAX_INSTANCES)),
        ..WasmConfig::default()
    };
    crate::ops::init(op_state, config);
    op_state.put(ForgeState(policy));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use crate::permissions::{check_path, Checked};

    struct OnlyUnder(&'static str);

    impl WasmCapabilityChecker for OnlyUnder {
        fn check_load(&self, path: &str) -> Result<(), String> {
            path.starts_with(self.0).then_some(()).ok_or_else(|| format!("load of {path} refused"))
        }
        fn check_preopen(&self, host_path: &str) -> Result<(), String> {
            host_path.starts_with(self.0).then_some(()).ok_or_else(|| format!("preopen of {host_path} refused"))
        }
    }

    #[test]
    fn loads_and_preopens_reach_their_own_method_and_others_need_both() {
        let policy = CheckerPolicy(Arc::new(OnlyUnder("/ok")));
        let path = Path::new("/no/m.wasm");
        let load = policy.check(path, Access::Read, "compileFile").unwrap_err();
        assert_eq!((load.code, load.message.as_str()), (ErrorCode::PermissionDenied, "load of /no/m.wasm refused"));
        let preopen = policy.check(path, Access::Write, "instantiate (preopens)").unwrap_err();
        assert_eq!(preopen.message, "preopen of /no/m.wasm refused");
        assert_eq!(policy.check(path, Access::Read, "somethingNew").unwrap_err().message, "load of /no/m.wasm refused");
        assert!(policy.check(Path::new("/ok/m.wasm"), Access::Read, "somethingNew").is_ok());
    }

    #[test]
    fn the_checker_sees_the_canonical_path_not_the_spelling() {
        let dir = tempfile::tempdir().unwrap();
        let base = std::fs::canonicalize(dir.path()).unwrap();
        std::fs::create_dir_all(base.join("wasm")).unwrap();
        std::fs::write(base.join("m.wasm"), b"\0asm").unwrap();
        struct Record(parking_lot::Mutex<Vec<String>>);
        impl WasmCapabilityChecker for Record {
            fn check_load(&self, path: &str) -> Result<(), String> {
                self.0.lock().push(path.to_string());
                Ok(())
            }
            fn check_preopen(&self, host_path: &str) -> Result<(), String> {
                self.check_load(host_path)
            }
        }
        let record = Arc::new(Record(Default::default()));
        let policy = CheckerPolicy(record.clone());
        let found = check_path(&policy, &base.join("wasm/../m.wasm"), Access::Read, "compileFile").unwrap();
        assert!(matches!(found, Checked::Found(_)));
        let missing = check_path(&policy, &base.join("wasm/../new/x.wasm"), Access::Read, "compileFile").unwrap();
        assert!(matches!(missing, Checked::Missing(_)));
        let seen = record.0.lock().clone();
        let expected = [base.join("m.wasm"), base.join("new/x.wasm")].map(|p| p.to_str().unwrap().to_string());
        assert_eq!(seen, expected);
    }

    #[test]
    fn no_checker_grants_the_working_directory_tree_only() {
        let policy = checker_policy(None);
        let cwd = std::fs::canonicalize(std::env::current_dir().unwrap()).unwrap();
        assert!(policy.check(&cwd.join("x.wasm"), Access::Write, "compileFile").is_ok());
        let err = policy.check(cwd.parent().unwrap(), Access::Read, "compileFile").unwrap_err();
        assert_eq!(err.code, ErrorCode::PermissionDenied);
        assert!(err.message.contains("without a capability checker"), "{}", err.message);
    }

    #[test]
    fn the_config_defaults_to_ten_instances() {
        assert_eq!(wasm_config(None, None).max_instances, Some(10));
        assert_eq!(wasm_config(Some(Arc::new(PermissiveWasmChecker)), Some(3)).max_instances, Some(3));
    }
}

//! Forge's embedding, end to end in this process: a host that registers `runtime:wasm` the
//! way Forge's extension registry does (`crates/forge-runtime/src/ext_registry.rs`): an
//! extension table of `fn() -> Extension` builds the `JsRuntime`, then a separate state
//! phase calls `ext_wasm::init_wasm_state` with a checker made from a manifest-like
//! allow-list (`[permissions.wasm]`: `load`, `preopens`, `max_instances`).
//!
//! Through it run: every seed example (`tests/js/seed/*.ts`), refusals of a load and of a
//! preopen (5009 with the checker's own message, naming the canonical path it was given),
//! the instance limit (5001 past it; 10 when the manifest gives none), what no checker
//! means (the working directory tree only) and the state phase (ops before it fail, a later
//! call keeps the state and swaps the checker). The last test checks that every Rust
//! example of `spec/guides/06-embedding.md` and the README's "Embedding" section is code of this file.
//!
//! The host's module loader (TypeScript) and its `Deno.*` globals are `forge-wasm`'s own
//! (`host/src/loader.rs`, `host/src/host_ops.rs`). Every test sets the working directory to
//! the repository root (the same value, so tests running at once agree), where the seeds'
//! relative paths point.

#[allow(dead_code)]
#[path = "../src/host_ops.rs"]
mod host_ops;
#[allow(dead_code)]
#[path = "../src/loader.rs"]
mod loader;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use deno_core::{Extension, JsRuntime, ModuleSpecifier, OpState, RuntimeOptions};
use ext_wasm::{PathPolicy, PermissiveWasmChecker, WasmCapabilityChecker, WasmConfig};

use host_ops::{forge_host, HostConfig};
use loader::HostModuleLoader;

fn repo_root() -> PathBuf {
    Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into()))
        .join("..")
        .canonicalize()
        .expect("repository root")
}

/// The repository root, made the working directory (every test wants the same one).
fn at_root() -> PathBuf {
    let root = repo_root();
    std::env::set_current_dir(&root).expect("cd to the repository root");
    root
}

// ---- Forge's registry, in small ----

/// One row of the extension table: what Forge's `ExtensionDescriptor` holds.
struct ExtensionDescriptor {
    name: &'static str,
    specifier: &'static str,
    extension_fn: fn() -> Extension,
}

/// The host's globals (`console`, timers, `Deno.readFile`, ...), as Forge's `ext_fs` and
/// friends would provide them.
fn host_extension() -> Extension {
    forge_host::init(HostConfig { args: Vec::new(), permissions: Arc::new(PathPolicy::cwd()) })
}

fn extension_table() -> Vec<ExtensionDescriptor> {
    vec![
        ExtensionDescriptor { name: "host", specifier: "ext:forge_host", extension_fn: host_extension },
        ExtensionDescriptor { name: "wasm", specifier: "runtime:wasm", extension_fn: ext_wasm::wasm_extension },
    ]
}

/// `[permissions.wasm]` of an app manifest: paths relative to the app's directory.
#[derive(Clone, Default)]
struct WasmPermissions {
    load: Vec<&'static str>,
    preopens: Vec<&'static str>,
    max_instances: Option<usize>,
}

/// The allow-list as Forge's adapter would check it, anchored at the app's directory: the
/// checker gets canonical absolute paths, so the grants are canonical absolute too.
struct ManifestChecker {
    load: Vec<PathBuf>,
    preopens: Vec<PathBuf>,
}

impl ManifestChecker {
    fn new(app_dir: &Path, permissions: &WasmPermissions) -> Self {
        let anchor = |list: &[&str]| list.iter().map(|entry| app_dir.join(entry)).collect();
        Self { load: anchor(&permissions.load), preopens: anchor(&permissions.preopens) }
    }
}

/// Whether `path` is one of `grants` or inside one (whole components: `/a` does not grant `/ab`).
fn allowed(grants: &[PathBuf], path: &str) -> Option<()> {
    grants.iter().any(|grant| Path::new(path).starts_with(grant)).then_some(())
}

impl WasmCapabilityChecker for ManifestChecker {
    fn check_load(&self, path: &str) -> Result<(), String> {
        allowed(&self.load, path).ok_or_else(|| format!("Permission denied: wasm.load for {path}"))
    }
    fn check_preopen(&self, host_path: &str) -> Result<(), String> {
        allowed(&self.preopens, host_path).ok_or_else(|| format!("Permission denied: wasm.preopen for {host_path}"))
    }
}

/// What Forge's `ExtensionInitContext` carries for `runtime:wasm`: the adapter (none when
/// the host builds no capability adapters) and the manifest's limit.
#[derive(Clone, Default)]
struct InitContext {
    wasm_checker: Option<Arc<dyn WasmCapabilityChecker>>,
    max_wasm_instances: Option<usize>,
}

impl InitContext {
    fn from_manifest(app_dir: &Path, permissions: WasmPermissions) -> Self {
        Self {
            wasm_checker: Some(Arc::new(ManifestChecker::new(app_dir, &permissions))),
            max_wasm_instances: permissions.max_instances,
        }
    }
}

/// Forge's `init_all_states`, for the extensions of this table.
fn init_all_states(state: &mut OpState, table: &[ExtensionDescriptor], ctx: &InitContext) {
    for descriptor in table {
        if descriptor.name == "wasm" {
            let max = ctx.max_wasm_instances.unwrap_or(10);
            let checker = ctx.wasm_checker.clone();
            ext_wasm::init_wasm_state(state, checker, Some(max));
        }
    }
}

/// Phase one: the runtime from the extension table.
fn build_runtime(table: &[ExtensionDescriptor]) -> JsRuntime {
    for descriptor in table {
        assert!(!descriptor.specifier.is_empty(), "{} names its specifier", descriptor.name);
    }
    JsRuntime::new(RuntimeOptions {
        module_loader: Some(HostModuleLoader::new()),
        extensions: table.iter().map(|descriptor| (descriptor.extension_fn)()).collect(),
        ..Default::default()
    })
}

// ---- running scripts ----

/// After this, `console.error` lines starting with `FAIL:` (what `tests/js/_assert.ts`
/// prints for every failed assertion, even one a `catch` swallows) are kept.
const KEEP_FAILURES: &str = r#"
globalThis.__failures = [];
const __error = console.error;
console.error = (...args) => {
  const line = args.map(String).join(" ");
  if (line.startsWith("FAIL:")) globalThis.__failures.push(line);
  __error(...args);
};
"#;

const CHECK_FAILURES: &str = r#"
if (globalThis.__failures.length) throw new Error(globalThis.__failures.join("\n"));
"#;

fn block_on<T>(work: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime").block_on(work)
}

/// Load and run one module to the end (its code, or the file at `specifier`); `Err` with
/// the uncaught error or the assertion failures it printed.
async fn run_module(
    js: &mut JsRuntime,
    specifier: &ModuleSpecifier,
    code: Option<String>,
    main: bool,
) -> Result<(), String> {
    let id = match (code, main) {
        (Some(code), true) => js.load_main_es_module_from_code(specifier, code).await,
        (Some(code), false) => js.load_side_es_module_from_code(specifier, code).await,
        (None, true) => js.load_main_es_module(specifier).await,
        (None, false) => js.load_side_es_module(specifier).await,
    }
    .map_err(|e| e.to_string())?;
    let evaluation = js.mod_evaluate(id);
    js.run_event_loop(Default::default()).await.map_err(|e| e.to_string())?;
    evaluation.await.map_err(|e| e.to_string())?;
    js.execute_script("[check failures]", CHECK_FAILURES).map(drop).map_err(|e| e.to_string())
}

/// A fresh two-phase runtime with `ctx`, running the script at `path`.
fn run_file(path: &Path, ctx: &InitContext) -> Result<(), String> {
    let table = extension_table();
    let mut js = build_runtime(&table);
    init_all_states(&mut js.op_state().borrow_mut(), &table, ctx);
    js.execute_script("[keep failures]", KEEP_FAILURES).expect("console is there");
    let specifier = ModuleSpecifier::from_file_path(path).expect("absolute path");
    block_on(run_module(&mut js, &specifier, None, true))
}

/// A fresh two-phase runtime with `ctx`, running `code` as a module at the repository root.
fn run_code(code: &str, ctx: &InitContext) -> Result<(), String> {
    let table = extension_table();
    let mut js = build_runtime(&table);
    init_all_states(&mut js.op_state().borrow_mut(), &table, ctx);
    js.execute_script("[keep failures]", KEEP_FAILURES).expect("console is there");
    block_on(run_module(&mut js, &inline_specifier("case"), Some(format!("{PRELUDE}{code}")), true))
}

fn inline_specifier(name: &str) -> ModuleSpecifier {
    ModuleSpecifier::from_file_path(repo_root().join(format!("forge_embedding_{name}.js"))).expect("absolute path")
}

/// Helpers the inline scripts start with: `expectCode(fn, code)` returns the `WasmError`.
const PRELUDE: &str = r#"
import * as wasm from "runtime:wasm";
async function expectCode(fn, code) {
  let caught;
  try { await fn(); } catch (error) { caught = error; }
  if (caught === undefined) throw new Error(`expected ${code}, but it succeeded`);
  if (caught.code !== code) throw new Error(`expected ${code}, got ${caught.code}: ${caught.message}`);
  return caught;
}
function expectEqual(actual, expected, what) {
  if (actual !== expected) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}
"#;

/// A JS string literal.
fn js_string(text: impl AsRef<str>) -> String {
    serde_json::to_string(text.as_ref()).expect("a string serializes")
}

/// Forge's manifest for the seeds: their fixtures and their scratch directory.
fn seed_manifest() -> WasmPermissions {
    WasmPermissions {
        load: vec!["tests/fixtures", "tests/.tmp"],
        preopens: vec!["tests/fixtures", "tests/.tmp"],
        max_instances: None,
    }
}

// ---- the tests ----

/// Every seed example runs through the two-phase host under a manifest checker. One line
/// of one seed differs by design: `10_error_handling.ts` asserts that a refused preopen's
/// message says how to grant it with `forge-wasm`'s `--allow-` flags; under Forge the
/// message is the checker's.
#[test]
fn every_seed_runs_through_the_two_phase_host() {
    let root = at_root();
    let ctx = InitContext::from_manifest(&root, seed_manifest());
    let mut seeds: Vec<PathBuf> = std::fs::read_dir(root.join("tests/js/seed"))
        .expect("tests/js/seed is readable")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "ts"))
        .collect();
    seeds.sort();
    assert!(seeds.len() >= 15, "the seeds were not found: {seeds:?}");
    let mut failures = Vec::new();
    for seed in &seeds {
        let name = seed.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let outcome = run_file(seed, &ctx);
        if name == "10_error_handling.ts" {
            let expected = "Permission denied: wasm.preopen for /etc";
            match outcome {
                Err(e) if e.contains("the message says how to grant it") && e.contains(expected) => {}
                other => failures.push(format!("{name}: expected only its --allow- line to differ, got {other:?}")),
            }
        } else if let Err(e) = outcome {
            failures.push(format!("{name}: {e}"));
        }
    }
    assert!(failures.is_empty(), "seeds that failed under the Forge host:\n{}", failures.join("\n\n"));
}

/// A load or a preopen the manifest does not list fails with 5009 and exactly the checker's
/// message, which names the canonical absolute path the checker was given.
#[test]
fn a_refused_load_or_preopen_is_5009_with_the_checkers_message() {
    let root = at_root();
    let permissions = WasmPermissions {
        load: vec!["tests/fixtures/math.wasm", "tests/fixtures/wasi_files.wasm"],
        preopens: vec!["tests/.tmp"],
        max_instances: None,
    };
    let ctx = InitContext::from_manifest(&root, permissions);
    let refused_load = root.join("tests/fixtures/process.wasm");
    let refused_preopen = root.join("tests/fixtures");
    let code = format!(
        r#"
const math = await wasm.compileFile("tests/fixtures/math.wasm");
// Spelled through `..`: the checker sees where it leads.
const load = await expectCode(() => wasm.compileFile("./tests/fixtures/../fixtures/process.wasm"), 5009);
expectEqual(load.message, {load_message}, "the load refusal");
expectEqual(load.name, "PermissionDenied", "its name");
const wasi = await wasm.compileFile("tests/fixtures/wasi_files.wasm");
for (const preopen of ["./tests/fixtures", {{ path: "tests/fixtures", readonly: true }}]) {{
  const refused = await expectCode(() => wasm.instantiate(wasi, {{ preopens: {{ "/data": preopen }} }}), 5009);
  expectEqual(refused.message, {preopen_message}, "the preopen refusal");
}}
await wasm.dropModule(math);
"#,
        load_message = js_string(format!("Permission denied: wasm.load for {}", refused_load.display())),
        preopen_message = js_string(format!("Permission denied: wasm.preopen for {}", refused_preopen.display())),
    );
    run_code(&code, &ctx).unwrap();
}

/// `max_instances` caps live instances (5001 past it, as `WasmConfig::max_instances`
/// does), dropping one frees its place, and a manifest without a limit gets Forge's 10.
#[test]
fn max_instances_is_enforced_and_defaults_to_ten() {
    let root = at_root();
    let script = |limit: usize| {
        format!(
            r#"
const id = await wasm.compileFile("tests/fixtures/math.wasm");
const live = [];
for (let i = 0; i < {limit}; i++) live.push(await wasm.instantiate(id));
const past = await expectCode(() => wasm.instantiate(id), 5001);
if (!past.message.includes("{limit} instances")) throw new Error(`the limit is named: ${{past.message}}`);
await live.pop().drop();
live.push(await wasm.instantiate(id));
"#
        )
    };
    let limited = WasmPermissions { max_instances: Some(2), ..seed_manifest() };
    run_code(&script(2), &InitContext::from_manifest(&root, limited)).unwrap();
    run_code(&script(10), &InitContext::from_manifest(&root, seed_manifest())).unwrap();
    run_code(&script(10), &InitContext::default()).unwrap();
}

/// No checker (`init_wasm_state(state, None, ..)`): the working directory tree, read and
/// write, and nothing else; Forge's dev mode is `PermissiveWasmChecker`, passed explicitly.
#[test]
fn no_checker_grants_the_working_directory_tree_only() {
    let root = at_root();
    let outside = tempfile::tempdir().expect("a temporary directory");
    let outside_dir = outside.path().canonicalize().expect("canonical");
    assert!(!outside_dir.starts_with(&root), "the temporary directory is outside the repository");
    std::fs::copy(root.join("tests/fixtures/math.wasm"), outside_dir.join("math.wasm")).expect("copied");
    let code = format!(
        r#"
await wasm.compileFile("tests/fixtures/math.wasm");
const wasi = await wasm.compileFile("tests/fixtures/wasi_files.wasm");
const inside = await wasm.instantiate(wasi, {{ preopens: {{ "/data": "tests/fixtures" }} }});
await inside.drop();
const load = await expectCode(() => wasm.compileFile({outside_file}), 5009);
if (!load.message.includes("without a capability checker")) throw new Error(load.message);
await expectCode(() => wasm.instantiate(wasi, {{ preopens: {{ "/data": {outside_dir} }} }}), 5009);
"#,
        outside_file = js_string(outside_dir.join("math.wasm").display().to_string()),
        outside_dir = js_string(outside_dir.display().to_string()),
    );
    run_code(&code, &InitContext::default()).unwrap();
    let dev_mode = format!(
        r#"
await wasm.compileFile({outside_file});
const wasi = await wasm.compileFile("tests/fixtures/wasi_files.wasm");
await (await wasm.instantiate(wasi, {{ preopens: {{ "/data": {outside_dir} }} }})).drop();
"#,
        outside_file = js_string(outside_dir.join("math.wasm").display().to_string()),
        outside_dir = js_string(outside_dir.display().to_string()),
    );
    let permissive = InitContext { wasm_checker: Some(Arc::new(PermissiveWasmChecker)), max_wasm_instances: None };
    run_code(&dev_mode, &permissive).unwrap();
}

/// The state phase: before `init_wasm_state` every op fails (5013) and leaves nothing
/// behind; the first call installs the state; a later one keeps modules, instances and the
/// instance limit and replaces the checker.
#[test]
fn the_state_phase_before_and_after_scripts_start() {
    let root = at_root();
    // One tokio runtime drives the JsRuntime through all phases, as a host's would.
    let tokio = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime");
    let table = extension_table();
    let mut js = build_runtime(&table);
    js.execute_script("[keep failures]", KEEP_FAILURES).expect("console is there");
    let before = r#"
await expectCode(() => wasm.compileFile("tests/fixtures/math.wasm"), 5013);
await expectCode(async () => wasm.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])), 5013);
"#;
    tokio.block_on(run_module(&mut js, &inline_specifier("before"), Some(format!("{PRELUDE}{before}")), true)).unwrap();

    let first = InitContext::from_manifest(&root, WasmPermissions { max_instances: Some(2), ..seed_manifest() });
    init_all_states(&mut js.op_state().borrow_mut(), &table, &first);
    let started = r#"
globalThis.mathId = await wasm.compileFile("tests/fixtures/math.wasm");
globalThis.first = await wasm.instantiate(globalThis.mathId);
"#;
    tokio
        .block_on(run_module(&mut js, &inline_specifier("started"), Some(format!("{PRELUDE}{started}")), false))
        .unwrap();

    // Late: a stricter manifest, and a limit that is not applied.
    let later = InitContext::from_manifest(
        &root,
        WasmPermissions { load: vec!["tests/fixtures/process.wasm"], preopens: vec![], max_instances: Some(10) },
    );
    init_all_states(&mut js.op_state().borrow_mut(), &table, &later);
    let after = format!(
        r#"
const [sum] = await globalThis.first.call("add", 2, 3);
expectEqual(sum, 5, "the instance made before the late call still works");
await wasm.instantiate(globalThis.mathId);
await expectCode(() => wasm.instantiate(globalThis.mathId), 5001);
const refused = await expectCode(() => wasm.compileFile("tests/fixtures/math.wasm"), 5009);
expectEqual(refused.message, {message}, "the new checker decides");
await wasm.compileFile("tests/fixtures/process.wasm");
"#,
        message =
            js_string(format!("Permission denied: wasm.load for {}", root.join("tests/fixtures/math.wasm").display())),
    );
    tokio.block_on(run_module(&mut js, &inline_specifier("after"), Some(format!("{PRELUDE}{after}")), false)).unwrap();
}

/// The single-phase embedding of any deno_core runtime, as `spec/guides/06-embedding.md` shows it.
#[test]
fn any_deno_core_runtime_with_runtime_wasm_init() {
    let root = at_root();
    let loader = HostModuleLoader::new();
    let mut policy = PathPolicy::cwd();
    policy.allow_read(Path::new("/opt/plugins"));
    let config = WasmConfig { max_instances: Some(10), ..WasmConfig::with_permissions(Arc::new(policy)) };
    let mut js = JsRuntime::new(RuntimeOptions {
        module_loader: Some(loader),
        extensions: vec![ext_wasm::runtime_wasm::init(config), host_extension()],
        ..Default::default()
    });
    js.execute_script("[keep failures]", KEEP_FAILURES).expect("console is there");
    let quick_start = ModuleSpecifier::from_file_path(root.join("tests/js/seed/01_quick_start.ts")).expect("path");
    block_on(run_module(&mut js, &quick_start, None, true)).unwrap();
}

/// The two-phase calls exactly as `spec/guides/06-embedding.md` shows them.
#[test]
fn the_documented_two_phase_calls() {
    let root = at_root();
    let loader = HostModuleLoader::new();
    let manifest_checker = ManifestChecker::new(&root, &seed_manifest());
    // Phase 1: the runtime, from the extension table.
    let mut js = JsRuntime::new(RuntimeOptions {
        module_loader: Some(loader),
        extensions: vec![ext_wasm::wasm_extension(), host_extension()],
        ..Default::default()
    });
    // Phase 2: the state, with the manifest's checker and instance limit.
    let checker: Arc<dyn WasmCapabilityChecker> = Arc::new(manifest_checker);
    ext_wasm::init_wasm_state(&mut js.op_state().borrow_mut(), Some(checker), Some(10));
    js.execute_script("[keep failures]", KEEP_FAILURES).expect("console is there");
    let seed = ModuleSpecifier::from_file_path(root.join("tests/js/seed/02_module_compilation.ts")).expect("path");
    block_on(run_module(&mut js, &seed, None, true)).unwrap();
}

/// Lines of Rust code blocks in a Markdown text (a block per item), trimmed, blank lines out.
fn rust_blocks(markdown: &str) -> Vec<Vec<String>> {
    let mut blocks = Vec::new();
    let mut current: Option<Vec<String>> = None;
    for line in markdown.lines() {
        let trimmed = line.trim();
        match (&mut current, trimmed) {
            (None, "```rust") => current = Some(Vec::new()),
            (Some(_), "```") => blocks.extend(current.take()),
            (Some(block), text) if !text.is_empty() => block.push(text.to_string()),
            _ => {}
        }
    }
    blocks
}

/// The Rust examples of `spec/guides/06-embedding.md` and of the README's "Embedding" section are
/// code of this file (lines trimmed, blank lines ignored), so they compile and run here.
#[test]
fn the_embedding_docs_show_tested_code() {
    let root = repo_root();
    let source = std::fs::read_to_string(root.join("host/tests/forge_embedding.rs")).expect("this file");
    let lines: Vec<&str> = source.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let embedding = readme.split("\n## Embedding").nth(1).expect("the README has an Embedding section");
    let section = embedding.split("\n## ").next().unwrap_or_default();
    let page = std::fs::read_to_string(root.join("spec/guides/06-embedding.md")).expect("spec/guides/06-embedding.md");
    let mut count = 0;
    for (doc, text) in [("spec/guides/06-embedding.md", page.as_str()), ("README.md", section)] {
        for block in rust_blocks(text) {
            count += 1;
            let found = lines.windows(block.len()).any(|window| window.iter().zip(&block).all(|(a, b)| a == b));
            assert!(
                found,
                "a Rust example of {doc} is not code of host/tests/forge_embedding.rs:\n{}",
                block.join("\n")
            );
        }
    }
    assert!(count >= 4, "the embedding docs show {count} Rust examples");
}

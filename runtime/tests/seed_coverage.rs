//! The crate's own tests of what the seed's "Test coverage" list names (`cargo test -p
//! ext_wasm`, or one of them by name: `cargo test -p ext_wasm test_compile_and_instantiate`).
//! Each runs a script against a `JsRuntime` with only this extension, the way an embedder
//! adds it (`runtime_wasm::init(WasmConfig)`): no host globals, so no `Deno.*` and no
//! `console`; a script reports by throwing, and its `print` (an op of this file's own, so
//! the test harness captures it) shows a line under `-- --nocapture`. `RUST_LOG=ext_wasm=debug` shows the extension's debug events.
//!
//! The broader behaviour is covered by the JS scenarios (`tests/js`, run by
//! `cargo test -p forge-wasm --test js_scenarios`).
#![cfg(feature = "deno")]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use deno_core::{JsRuntime, ModuleSpecifier, RuntimeOptions};
use ext_wasm::{ErrorCode, PathPolicy, WasmConfig};

fn repo_root() -> PathBuf {
    Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into()))
        .join("..")
        .canonicalize()
        .expect("repository root")
}

/// `tests/fixtures/NAME` as an absolute path, for `compileFile` (the tests run in runtime/).
fn fixture(name: &str) -> String {
    repo_root().join("tests/fixtures").join(name).to_string_lossy().into_owned()
}

/// A line from a script, printed so that the test harness captures it.
#[deno_core::op2(fast)]
fn op_test_print(#[string] line: &str) {
    println!("{line}");
}

deno_core::extension!(test_print, ops = [op_test_print]);

/// `RUST_LOG=ext_wasm=debug cargo test -p ext_wasm -- --nocapture` shows the extension's
/// debug events (compile, instantiate, calls moved to workers, timeouts, preopens); the
/// test harness captures them per test otherwise. Without `RUST_LOG` nothing is logged.
fn log_as_rust_log_says() {
    if let Ok(filter) = tracing_subscriber::EnvFilter::try_from_default_env() {
        let _ = tracing_subscriber::fmt().with_env_filter(filter).with_test_writer().with_ansi(false).try_init();
    }
}

/// Helpers every script starts with.
const PRELUDE: &str = r#"
import * as wasm from "runtime:wasm";
const print = (...parts) => Deno.core.ops.op_test_print(parts.join(" "));
const show = (v) => JSON.stringify(v, (_, x) => (typeof x === "bigint" ? `${x}n` : x));
function assertEquals(actual, expected, what = "value") {
  if (show(actual) !== show(expected)) throw new Error(`${what}: expected ${show(expected)}, got ${show(actual)}`);
}
async function assertCode(f, code, what) {
  try {
    await f();
  } catch (e) {
    if (!(e instanceof wasm.WasmError)) throw new Error(`${what}: expected a WasmError, got ${e}`);
    if (e.code !== code) throw new Error(`${what}: expected code ${code}, got ${e.code}: ${e.message}`);
    return e;
  }
  throw new Error(`${what}: expected error ${code}, but it succeeded`);
}
"#;

/// Run `script` (after `PRELUDE`) as an ES module in a fresh runtime whose policy is the
/// working directory tree plus reading `tests/fixtures` and writing `writable`.
fn run_js(script: &str, writable: Option<&Path>) {
    log_as_rust_log_says();
    let mut policy = PathPolicy::cwd();
    policy.allow_read(&repo_root().join("tests/fixtures"));
    if let Some(dir) = writable {
        policy.allow_write(dir);
    }
    let code = format!("{PRELUDE}\n{script}");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime");
    runtime
        .block_on(async move {
            let mut js = JsRuntime::new(RuntimeOptions {
                extensions: vec![
                    ext_wasm::runtime_wasm::init(WasmConfig::with_permissions(Arc::new(policy))),
                    test_print::init(),
                ],
                ..Default::default()
            });
            let main = ModuleSpecifier::parse("file:///seed_coverage/main.js").expect("specifier");
            let id = js.load_main_es_module_from_code(&main, code).await?;
            let evaluation = js.mod_evaluate(id);
            js.run_event_loop(Default::default()).await?;
            evaluation.await
        })
        .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn test_compile_and_instantiate() {
    let math = fixture("math.wasm");
    run_js(
        &format!(
            r#"
            // From text, from bytes, from a file: each compiles and instantiates.
            const fromText = await wasm.compile(`(module (func (export "add") (param i32 i32) (result i32)
              (i32.add (local.get 0) (local.get 1))))`);
            const bytes = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
            const fromBytes = await wasm.compile(bytes);
            const fromFile = await wasm.compileFile({math:?});
            for (const [what, id] of [["text", fromText], ["bytes", fromBytes], ["file", fromFile]]) {{
              const instance = await wasm.instantiate(id);
              print(`compiled from ${{what}}, instantiated, exports:`, (await instance.getExports()).map((e) => e.name).join(","));
            }}
            assertEquals(await (await wasm.instantiate(fromText)).call("add", 2, 40), [42], "add from text");
            assertEquals(await (await wasm.instantiate(fromFile)).call("add", 10, 32), [42], "add from file");
            await assertCode(() => wasm.compile(new Uint8Array([0, 0x61, 0x73, 0x6d, 9])), 5000, "bad bytes");
            await assertCode(() => wasm.compileFile({missing:?}), 5008, "missing file");
            "#,
            missing = fixture("no-such-module.wasm"),
        ),
        None,
    );
}

#[test]
fn test_instantiate_with_and_without_wasi() {
    let files = fixture("wasi_files.wasm");
    run_js(
        &format!(
            r#"
            // No imports: no WASI context is needed, and options are still checked.
            const plain = await wasm.compile(`(module (func (export "f") (result i32) (i32.const 7)))`);
            assertEquals(await (await wasm.instantiate(plain)).call("f"), [7]);
            assertEquals(await (await wasm.instantiate(plain, {{ env: {{ A: "1" }} }})).call("f"), [7]);
            // A WASI program: args, env and piped stdout.
            const id = await wasm.compileFile({files:?});
            const instance = await wasm.instantiate(id, {{ args: ["a", "b"], env: {{ X: "1" }}, stdout: "pipe" }});
            assertEquals(await instance.call("args_count"), [3], "argv[0] and two arguments");
            assertEquals(await instance.call("env_count"), [1]);
            assertEquals(await instance.run(), 0);
            assertEquals(await instance.stdout.text(), "hello from wasi\n");
            print("without WASI and with it: ok");
            "#
        ),
        None,
    );
}

#[test]
fn test_call_all_value_types() {
    let math = fixture("math.wasm");
    run_js(
        &format!(
            r#"
            const instance = await wasm.instantiate(await wasm.compileFile({math:?}));
            assertEquals(await instance.call("id_i32", -5), [-5], "i32");
            assertEquals(await instance.call("add_i32", 2147483647, 1), [-2147483648], "i32 wraps");
            assertEquals(await instance.call("id_i64", 9007199254740993n), [9007199254740993n], "i64 as bigint");
            assertEquals(await instance.call("add_i64", -1n, 2n), [1n], "i64 add");
            assertEquals(await instance.call("id_f32", 1.5), [1.5], "f32");
            assertEquals(await instance.call("id_f64", Math.PI), [Math.PI], "f64");
            assertEquals(await instance.call("compute", 2.5, 4), [10], "f32 and f64 in, f64 out");
            assertEquals(instance.callSync("id_i64", 5n), [5n], "callSync i64");
            await assertCode(() => instance.call("id_i32", 1.5), 5007, "a fraction for an i32");
            print("i32, i64, f32, f64: ok");
            "#
        ),
        None,
    );
}

#[test]
fn test_multiple_return_values() {
    let math = fixture("math.wasm");
    run_js(
        &format!(
            r#"
            const instance = await wasm.instantiate(await wasm.compileFile({math:?}));
            assertEquals(await instance.call("divmod", 17, 5), [3, 2], "divmod");
            const [a, b, c, d] = await instance.call("four");
            assertEquals([a, b, c, Object.is(d, -0)], [-1, -1n, 1.5, true], "i32 i64 f32 f64 results");
            print("multiple results: ok");
            "#
        ),
        None,
    );
}

#[test]
fn test_memory_read_write_size_grow() {
    run_js(
        r#"
        const id = await wasm.compile(`(module (memory (export "memory") 1 3)
          (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0))))`);
        const instance = await wasm.instantiate(id);
        const memory = instance.memory;
        assertEquals(await memory.size(), 1, "one page");
        await memory.write(100, new Uint8Array([1, 2, 3]));
        assertEquals(Array.from(await memory.read(100, 3)), [1, 2, 3], "read back");
        assertEquals(await instance.call("load", 102), [3], "wasm sees the write");
        assertEquals(await memory.grow(1), 1, "grow returns the old size in pages");
        assertEquals(await memory.size(), 2, "two pages");
        await memory.write(70000, new Uint8Array([9]));
        assertEquals(await instance.call("load", 70000), [9], "the grown page");
        await assertCode(() => memory.grow(5), 5006, "past the maximum");
        await assertCode(() => memory.read(131070, 4), 5006, "past the end");
        print("memory read, write, size, grow: ok");
        "#,
        None,
    );
}

#[test]
fn test_export_introspection() {
    run_js(
        r#"
        const id = await wasm.compile(`(module
          (func (export "f") (param i32 i64) (result f64) (f64.const 0))
          (memory (export "mem") 1)
          (table (export "tab") 2 funcref)
          (global (export "g") (mut i32) (i32.const 5)))`);
        const instance = await wasm.instantiate(id);
        const exports = await instance.getExports();
        assertEquals(exports.map((e) => [e.name, e.kind]), [["f", "func"], ["mem", "memory"], ["tab", "table"], ["g", "global"]]);
        const f = exports.find((e) => e.name === "f");
        assertEquals(f, { name: "f", kind: "func", params: ["i32", "i64"], results: ["f64"] }, "the function's signature");
        assertEquals(await instance.getGlobal("g").get(), 5, "global value");
        await assertCode(() => instance.call("nothing"), 5003, "no such export");
        print("exports: ok");
        "#,
        None,
    );
}

/// Each error code's trigger, from the spec (`error CODE "Name" { trigger """..."""}`), run
/// here; a code without one must say why (`pending`). Relative paths in the triggers
/// resolve in runtime/, where they name nothing, as at the repository root.
#[test]
fn test_error_handling_for_all_error_codes() {
    let spec = std::fs::read_to_string(repo_root().join("spec/runtime-wasm.kdl")).expect("spec");
    let mut script = String::new();
    for code in ErrorCode::ALL {
        let head = format!("error {} \"{}\" {{", code.code(), code.name());
        let body = spec.split(&head).nth(1).unwrap_or_else(|| panic!("the spec has no `{head}`"));
        let body = body.split("\nerror ").next().unwrap_or_default();
        match body.split("trigger \"\"\"").nth(1).and_then(|t| t.split("\"\"\"").next()) {
            Some(trigger) => script.push_str(&format!(
                "await assertCode(async () => {{ {trigger} }}, {code}, {name:?});\nprint({line:?});\n",
                code = code.code(),
                name = code.name(),
                line = format!("{} {}: raised by its trigger", code.code(), code.name()),
            )),
            None => assert!(body.contains("pending "), "{} has neither a trigger nor `pending`", code.name()),
        }
    }
    run_js(&script, None);
}

#[test]
fn test_wasi_preopens_file_access() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let work = dir.path().join("work");
    std::fs::create_dir_all(work.join("sub")).expect("mkdir");
    std::fs::write(work.join("input.v"), "module top;\n").expect("write");
    let program = fixture("relative_open.wasm");
    run_js(
        &format!(
            r#"
            // A C program (wasi-libc) reading and writing through the preopens.
            const id = await wasm.compileFile({program:?});
            for (const guest of [".", "/work"]) {{
              const prefix = guest === "." ? "" : "/work/";
              const instance = await wasm.instantiate(id, {{
                preopens: {{ [guest]: {work:?} }},
                args: [`${{prefix}}input.v`, `>${{prefix}}sub/out.txt`, `${{prefix}}sub/out.txt`, `${{prefix}}../x`],
                stdout: "pipe",
              }});
              assertEquals(await instance.run(), 1, "one failure: the escape");
              const lines = (await instance.stdout.text()).trimEnd().split("\n");
              assertEquals(lines, [
                `${{prefix}}input.v: module top;`,
                `>${{prefix}}sub/out.txt: ok`,
                `${{prefix}}sub/out.txt: written by relative_open`,
                `${{prefix}}../x: error EPERM`,
              ], `preopen ${{guest}}`);
            }}
            // Read-only: reads work, writes fail in the guest.
            const ro = await wasm.instantiate(id, {{
              preopens: {{ ".": {{ path: {work:?}, readonly: true }} }},
              args: ["input.v", ">new.txt"],
              stdout: "pipe",
            }});
            assertEquals(await ro.run(), 1);
            assertEquals((await ro.stdout.text()).trimEnd().split("\n"), ["input.v: module top;", ">new.txt: error EPERM"]);
            await assertCode(() => wasm.instantiate(id, {{ preopens: {{ "/": "/" }} }}), 5009, "the host root");
            await assertCode(() => wasm.instantiate(id, {{ preopens: {{ "..": {work:?} }} }}), 5010, "a `..` guest path");
            print("preopens: ok");
            "#,
            work = work.to_string_lossy(),
        ),
        Some(dir.path()),
    );
    assert_eq!(std::fs::read_to_string(work.join("sub/out.txt")).expect("written"), "written by relative_open\n");
    assert!(!work.join("new.txt").exists(), "a read-only preopen takes no writes");
}

#[test]
fn test_multiple_instances_from_one_module() {
    run_js(
        r#"
        const id = await wasm.compile(`(module (global $n (mut i32) (i32.const 0))
          (func (export "bump") (result i32) (global.set $n (i32.add (global.get $n) (i32.const 1))) (global.get $n)))`);
        const instances = await Promise.all([1, 2, 3].map(() => wasm.instantiate(id)));
        assertEquals(await instances[0].call("bump"), [1]);
        assertEquals(await instances[0].call("bump"), [2]);
        assertEquals(await instances[1].call("bump"), [1], "state is per instance");
        assertEquals(await Promise.all(instances.map((i) => i.call("bump"))), [[3], [2], [1]]);
        print("three instances of one module: ok");
        "#,
        None,
    );
}

#[test]
fn test_resource_cleanup() {
    run_js(
        r#"
        const id = await wasm.compile(`(module (memory (export "memory") 1) (func (export "f") (result i32) (i32.const 1)))`);
        const a = await wasm.instantiate(id);
        const b = await wasm.instantiate(id);
        await a.drop();
        await assertCode(() => a.call("f"), 5005, "a dropped instance");
        await assertCode(() => a.memory.size(), 5005, "a dropped instance's memory");
        assertEquals(await b.call("f"), [1], "the other instance lives on");
        await wasm.dropModule(id);
        assertEquals(await b.call("f"), [1], "an instance outlives its module handle");
        await assertCode(() => wasm.instantiate(id), 5004, "a dropped module");
        await assertCode(() => wasm.dropModule(id), 5004, "dropping twice");
        await b.drop();
        print("drop instance, drop module: ok");
        "#,
        None,
    );
}

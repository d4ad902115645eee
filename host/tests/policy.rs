//! The host's permission and resource flags, end to end: each test lays out a temporary
//! tree (`cwd/`, the script's working directory, and `outside/`, which is not granted by
//! default), writes a script into `cwd/`, and runs `forge-wasm run [FLAGS] case.ts OUTSIDE`
//! there. The script asserts with the exact error codes and prints `PASS` at its end.
//!
//! - `--allow-read` / `--allow-write` grant exactly what they say (and write implies read);
//! - symlinks (which scripts cannot create, so they are made here) cannot escape;
//! - `--max-instances`, `--max-modules` and `--max-wasm-memory` cap live instances, live
//!   modules and linear memory across instances, and dropping frees the capacity.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(120);

/// Assertion helpers every script starts with.
const PRELUDE: &str = r#"
import * as wasm from "runtime:wasm";
const outside: string = Deno.args[0];
async function expectCode(fn: () => Promise<unknown>, code: number, includes?: string): Promise<wasm.WasmError> {
  let caught: unknown;
  try {
    await fn();
  } catch (error) {
    caught = error;
  }
  if (caught === undefined) throw new Error(`expected ${code}, but it resolved`);
  if (!(caught instanceof wasm.WasmError)) throw new Error(`expected a WasmError ${code}, got ${caught}`);
  if (caught.code !== code) throw new Error(`expected ${code}, got ${caught.code}: ${caught.message}`);
  if (includes !== undefined && !caught.message.includes(includes)) {
    throw new Error(`expected the message to include ${includes}: ${caught.message}`);
  }
  return caught;
}
function check(condition: unknown, what: string): void {
  if (!condition) throw new Error(`check failed: ${what}`);
}
function same(actual: unknown, expected: unknown, what: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}
const PATH = 1024, DATA = 8192, OUT = 16384;
/** wasi_sandbox.wasm helpers: read -> text or errno; write -> errno. */
async function guestRead(i: wasm.Instance, fd: number, path: string): Promise<string | number> {
  const p = new TextEncoder().encode(path);
  await i.memory.write(PATH, p);
  const [n] = (await i.call("read", fd, PATH, p.length, OUT, 4096)) as number[];
  return n < 0 ? -n : new TextDecoder().decode(await i.memory.read(OUT, n));
}
async function guestWrite(i: wasm.Instance, fd: number, path: string, text: string): Promise<number> {
  const p = new TextEncoder().encode(path);
  const d = new TextEncoder().encode(text);
  await i.memory.write(PATH, p);
  await i.memory.write(DATA, d);
  return ((await i.call("write", fd, PATH, p.length, DATA, d.length)) as number[])[0];
}
"#;

struct Tree {
    root: PathBuf,
    cwd: PathBuf,
    outside: PathBuf,
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn repo() -> PathBuf {
    Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())).join("..")
}

/// `cwd/` with the add and sandbox modules; `outside/` with add.wasm, other.wasm,
/// secret.txt and sub/.
fn tree(name: &str) -> Tree {
    // Outside the repository (the scripts' working directory must not contain `outside/`).
    let root = std::env::temp_dir().join(format!("forge-wasm-policy-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).expect("temp dir");
    let base = root.canonicalize().expect("canonical temp dir");
    let cwd = base.join("cwd");
    let outside = base.join("outside");
    std::fs::create_dir_all(&cwd).unwrap();
    std::fs::create_dir_all(outside.join("sub")).unwrap();
    let add = std::fs::read(repo().join("examples/add.wasm")).expect("examples/add.wasm");
    let sandbox = std::fs::read(repo().join("tests/fixtures/wasi_sandbox.wasm")).expect("wasi_sandbox.wasm");
    std::fs::write(cwd.join("add.wasm"), &add).unwrap();
    std::fs::write(cwd.join("wasi_sandbox.wasm"), &sandbox).unwrap();
    std::fs::write(outside.join("add.wasm"), &add).unwrap();
    std::fs::write(outside.join("other.wasm"), &add).unwrap();
    std::fs::write(outside.join("secret.txt"), "secret\n").unwrap();
    Tree { root: base, cwd, outside }
}

struct Outcome {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Run `script` (after the prelude) with `flags`; the outside directory is `Deno.args[0]`.
fn run(tree: &Tree, flags: &[String], script: &str) -> Outcome {
    std::fs::write(tree.cwd.join("case.ts"), format!("{PRELUDE}\n{script}\nconsole.log(\"PASS\");\n")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_forge-wasm"))
        .arg("run")
        .args(flags)
        .arg("case.ts")
        .arg(&tree.outside)
        .current_dir(&tree.cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start forge-wasm");
    let mut out_pipe = child.stdout.take().unwrap();
    let mut err_pipe = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out_pipe.read_to_string(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err_pipe.read_to_string(&mut s);
        s
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break Some(status);
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Outcome {
        code: status.and_then(|s| s.code()),
        stdout: out_reader.join().unwrap_or_default(),
        stderr: err_reader.join().unwrap_or_default(),
    }
}

/// The script ran to its end.
fn assert_pass(what: &str, outcome: &Outcome) {
    assert!(
        outcome.code == Some(0) && outcome.stdout.contains("PASS"),
        "{what}: expected the script to pass\n--- exit: {:?}\n--- stdout:\n{}\n--- stderr:\n{}",
        outcome.code,
        outcome.stdout,
        outcome.stderr
    );
}

fn flag(name: &str, path: &Path) -> String {
    format!("--{name}={}", path.display())
}

#[test]
fn compile_file_outside_the_cwd_needs_allow_read() {
    let t = tree("compile_file_outside_the_cwd_needs_allow_read");
    // Without a flag: 5009 naming the flag; the cwd itself is granted.
    let denied = r#"
        const e = await expectCode(() => wasm.compileFile(`${outside}/add.wasm`), 5009, "--allow-read");
        check(e.message.includes(outside), "the message names the path");
        await expectCode(() => wasm.compileFile(`${outside}/no-such.wasm`), 5009);
        const inside = await wasm.instantiate(await wasm.compileFile("./add.wasm"));
        same(await inside.call("add", 2, 3), [5], "add inside the cwd");
    "#;
    assert_pass("no flags", &run(&t, &[], denied));

    let allowed = r#"
        const i = await wasm.instantiate(await wasm.compileFile(`${outside}/add.wasm`));
        same(await i.call("add", 2, 3), [5], "add from outside");
        await expectCode(() => wasm.compileFile(`${outside}/no-such.wasm`), 5008);
    "#;
    assert_pass("--allow-read=OUTSIDE", &run(&t, &[flag("allow-read", &t.outside)], allowed));
    assert_pass("--allow-write=OUTSIDE implies read", &run(&t, &[flag("allow-write", &t.outside)], allowed));
    assert_pass("--allow-all", &run(&t, &["--allow-all".to_string()], allowed));

    // A file grant is that file only; a grant of a sibling directory grants nothing here.
    let one_file = r#"
        const i = await wasm.instantiate(await wasm.compileFile(`${outside}/add.wasm`));
        same(await i.call("add", 2, 3), [5], "the granted file");
        await expectCode(() => wasm.compileFile(`${outside}/other.wasm`), 5009, "--allow-read");
    "#;
    assert_pass(
        "--allow-read=OUTSIDE/add.wasm",
        &run(&t, &[flag("allow-read", &t.outside.join("add.wasm"))], one_file),
    );
    let sibling = r#"
        await expectCode(() => wasm.compileFile(`${outside}/add.wasm`), 5009, "--allow-read");
    "#;
    assert_pass("--allow-read=OUTSIDE/sub", &run(&t, &[flag("allow-read", &t.outside.join("sub"))], sibling));
}

#[test]
fn writable_preopen_outside_the_cwd_needs_allow_write() {
    let t = tree("writable_preopen_outside_the_cwd_needs_allow_write");
    let denied = r#"
        const id = await wasm.compileFile("./wasi_sandbox.wasm");
        await expectCode(() => wasm.instantiate(id, { preopens: { "/data": outside } }), 5009, "--allow-write");
        await expectCode(
          () => wasm.instantiate(id, { preopens: { "/data": { path: outside, readonly: true } } }),
          5009,
          "--allow-read",
        );
    "#;
    assert_pass("no flags", &run(&t, &[], denied));

    // --allow-read: a writable preopen is refused, a read-only one is allowed and read-only.
    let read_only = r#"
        const id = await wasm.compileFile("./wasi_sandbox.wasm");
        await expectCode(() => wasm.instantiate(id, { preopens: { "/data": outside } }), 5009, "--allow-write");
        await expectCode(
          () => wasm.instantiate(id, { preopens: { "/data": { path: outside, readonly: false } } }),
          5009,
          "--allow-write",
        );
        const i = await wasm.instantiate(id, { preopens: { "/data": { path: outside, readonly: true } } });
        same(await guestRead(i, 3, "secret.txt"), "secret\n", "the guest reads");
        check((await guestWrite(i, 3, "secret.txt", "changed\n")) !== 0, "the guest cannot write");
        check((await guestWrite(i, 3, "new.txt", "new\n")) !== 0, "the guest cannot create");
        same(await Deno.readTextFile(`${outside}/secret.txt`), "secret\n", "the host file");
    "#;
    let outcome = run(&t, &[flag("allow-read", &t.outside)], read_only);
    assert_pass("--allow-read=OUTSIDE", &outcome);
    assert!(!t.outside.join("new.txt").exists(), "the read-only guest created a file");
    assert_eq!(std::fs::read_to_string(t.outside.join("secret.txt")).unwrap(), "secret\n");

    // --allow-write: the writable preopen works and the host sees the guest's file.
    let writable = r#"
        const id = await wasm.compileFile("./wasi_sandbox.wasm");
        const i = await wasm.instantiate(id, { preopens: { "/data": outside } });
        same(await guestWrite(i, 3, "from-guest.txt", "written by the guest\n"), 0, "the guest writes");
        same(await guestRead(i, 3, "secret.txt"), "secret\n", "the guest reads");
        check(typeof (await guestRead(i, 3, "../cwd/add.wasm")) === "number", "no way out of the preopen");
    "#;
    assert_pass("--allow-write=OUTSIDE", &run(&t, &[flag("allow-write", &t.outside)], writable));
    assert_eq!(std::fs::read_to_string(t.outside.join("from-guest.txt")).unwrap(), "written by the guest\n");

    // A write grant of a subdirectory does not cover its parent.
    let narrower = r#"
        const id = await wasm.compileFile("./wasi_sandbox.wasm");
        await expectCode(() => wasm.instantiate(id, { preopens: { "/data": outside } }), 5009, "--allow-write");
        const i = await wasm.instantiate(id, { preopens: { "/data": `${outside}/sub` } });
        same(await guestWrite(i, 3, "ok.txt", "ok\n"), 0, "inside the grant");
        check((await guestWrite(i, 3, "../escaped.txt", "x")) !== 0, "the guest cannot climb out");
    "#;
    assert_pass("--allow-write=OUTSIDE/sub", &run(&t, &[flag("allow-write", &t.outside.join("sub"))], narrower));
    assert!(t.outside.join("sub/ok.txt").exists());
    assert!(!t.outside.join("escaped.txt").exists(), "the guest escaped its preopen");
}

/// The working directory `x/` beside `x-secrets/`, a sibling whose name extends it: the
/// default grant of `x/` must not reach into `x-secrets/` (a grant is matched by whole path
/// components, not by bytes).
#[test]
fn a_sibling_whose_name_extends_the_cwd_is_not_granted() {
    // `tree()` lays out the fixtures; this test runs in `x/` beside `x-secrets/` instead.
    let t = tree("a_sibling_whose_name_extends_the_cwd_is_not_granted");
    let cwd = t.root.join("x");
    let secrets = t.root.join("x-secrets");
    std::fs::create_dir_all(&cwd).unwrap();
    std::fs::create_dir_all(secrets.join("sub")).unwrap();
    for name in ["add.wasm", "wasi_sandbox.wasm"] {
        std::fs::copy(t.cwd.join(name), cwd.join(name)).unwrap();
    }
    std::fs::copy(t.cwd.join("add.wasm"), secrets.join("m.wasm")).unwrap();
    std::fs::write(secrets.join("secret.txt"), "secret\n").unwrap();
    // Same root: dropping either removes the whole temporary tree.
    let sibling = Tree { root: t.root.clone(), cwd, outside: secrets.clone() };

    let script = r#"
        // Relative through "..", and absolute: both refused, for reading and for writing.
        await expectCode(() => wasm.compileFile("../x-secrets/m.wasm"), 5009, "--allow-read");
        await expectCode(() => wasm.compileFile(`${outside}/m.wasm`), 5009, "--allow-read");
        // A missing file there is refused too, before it can tell what exists.
        await expectCode(() => wasm.compileFile("../x-secrets/missing.wasm"), 5009, "--allow-read");
        const id = await wasm.compileFile("./wasi_sandbox.wasm");
        await expectCode(() => wasm.instantiate(id, { preopens: { "/s": "../x-secrets" } }), 5009, "--allow-write");
        await expectCode(() => wasm.instantiate(id, { preopens: { "/s": outside } }), 5009, "--allow-write");
        await expectCode(() => wasm.instantiate(id, { preopens: { "/s": "../x-secrets/sub" } }), 5009, "--allow-write");
        await expectCode(
          () => wasm.instantiate(id, { preopens: { "/s": { path: "../x-secrets", readonly: true } } }),
          5009,
          "--allow-read",
        );
        // The working directory itself stays granted.
        const i = await wasm.instantiate(await wasm.compileFile("./add.wasm"));
        same(await i.call("add", 2, 3), [5], "add inside the cwd");
        const w = await wasm.instantiate(id, { preopens: { "/cwd": "." } });
        same(await guestWrite(w, 3, "ok.txt", "ok\n"), 0, "the guest writes in the cwd");
    "#;
    assert_pass("cwd x/ beside x-secrets/", &run(&sibling, &[], script));
    assert!(sibling.cwd.join("ok.txt").exists(), "the positive control wrote nothing");
    assert_eq!(std::fs::read_to_string(secrets.join("secret.txt")).unwrap(), "secret\n");
    assert_eq!(std::fs::read_dir(&secrets).unwrap().count(), 3, "something was created in x-secrets/");
}

#[cfg(unix)]
#[test]
fn symlinks_cannot_escape() {
    use std::os::unix::fs::symlink;
    let t = tree("symlinks_cannot_escape");
    symlink("/etc", t.cwd.join("etc_link")).unwrap();
    symlink(&t.outside, t.cwd.join("outside_link")).unwrap();
    symlink(t.outside.join("add.wasm"), t.cwd.join("add_link.wasm")).unwrap();
    // Inside a preopened directory: links pointing out, and one pointing inside.
    let boxed = t.cwd.join("box");
    std::fs::create_dir(&boxed).unwrap();
    std::fs::write(boxed.join("inside.txt"), "inside\n").unwrap();
    symlink(&t.outside, boxed.join("escape_dir")).unwrap();
    symlink("../../outside/secret.txt", boxed.join("escape_relative")).unwrap();
    symlink("/etc/hostname", boxed.join("escape_absolute")).unwrap();
    symlink("inside.txt", boxed.join("inner_link")).unwrap();

    let script = r#"
        const id = await wasm.compileFile("./wasi_sandbox.wasm");
        // Preopens through a symlink are checked where they really point.
        await expectCode(() => wasm.instantiate(id, { preopens: { "/etc": "./etc_link" } }), 5009, "/etc");
        await expectCode(
          () => wasm.instantiate(id, { preopens: { "/etc": { path: "./etc_link", readonly: true } } }),
          5009,
          "--allow-read",
        );
        await expectCode(() => wasm.instantiate(id, { preopens: { "/o": "./outside_link" } }), 5009);
        await expectCode(() => wasm.instantiate(id, { preopens: { "/o": "./outside_link/sub" } }), 5009);
        await expectCode(() => wasm.instantiate(id, { preopens: { "/o": "./etc_link/.." } }), 5009);
        // compileFile through a symlink, too.
        await expectCode(() => wasm.compileFile("./add_link.wasm"), 5009, "--allow-read");
        await expectCode(() => wasm.compileFile("./outside_link/add.wasm"), 5009, "--allow-read");
        await expectCode(() => wasm.compileFile("./etc_link/hostname"), 5009, "--allow-read");
        // A guest cannot follow a symlink out of its preopen, for reading or writing.
        const i = await wasm.instantiate(id, { preopens: { "/box": "./box" } });
        same(await guestRead(i, 3, "inside.txt"), "inside\n", "a plain file");
        for (const path of ["escape_dir/secret.txt", "escape_relative", "escape_absolute"]) {
          const got = await guestRead(i, 3, path);
          check(typeof got === "number" && got !== 0, `read ${path}: expected an errno, got ${JSON.stringify(got)}`);
        }
        check((await guestWrite(i, 3, "escape_dir/planted.txt", "x")) !== 0, "write through escape_dir");
        check((await guestWrite(i, 3, "escape_relative", "x")) !== 0, "write through escape_relative");
        // A symlink that stays inside the preopen is followed.
        same(await guestRead(i, 3, "inner_link"), "inside\n", "a link to a file inside");
    "#;
    assert_pass("symlinks, default policy", &run(&t, &[], script));
    assert!(!t.outside.join("planted.txt").exists(), "the guest wrote through a symlink");
    assert_eq!(std::fs::read_to_string(t.outside.join("secret.txt")).unwrap(), "secret\n");

    // With the target granted, the same link resolves to a granted path and works.
    let granted = r#"
        const i = await wasm.instantiate(await wasm.compileFile("./add_link.wasm"));
        same(await i.call("add", 2, 3), [5], "compiled through the link");
        await expectCode(() => wasm.compileFile("./etc_link/hostname"), 5009);
    "#;
    assert_pass("symlink to a granted file", &run(&t, &[flag("allow-read", &t.outside)], granted));
}

#[test]
fn max_instances_caps_live_instances() {
    let t = tree("max_instances_caps_live_instances");
    let script = r#"
        const id = await wasm.compileFile("./add.wasm");
        const live = [await wasm.instantiate(id), await wasm.instantiate(id), await wasm.instantiate(id)];
        await expectCode(() => wasm.instantiate(id), 5001, "3 instances");
        await expectCode(() => wasm.instantiate(id), 5001);
        // Failed attempts take no slot; dropping one frees one.
        await live[1].drop();
        const again = await wasm.instantiate(id);
        same(await again.call("add", 2, 3), [5], "the new instance");
        await expectCode(() => wasm.instantiate(id), 5001);
        // The others still work.
        same(await live[0].call("add", 1, 1), [2], "instance 0");
        same(await live[2].call("add", 1, 2), [3], "instance 2");
        // Concurrent instantiations: exactly the free slots succeed.
        await Promise.all([live[0].drop(), live[2].drop(), again.drop()]);
        const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => wasm.instantiate(id)));
        const made = outcomes.filter((o) => o.status === "fulfilled") as PromiseFulfilledResult<wasm.Instance>[];
        same(made.length, 3, "instances made concurrently");
        for (const o of outcomes) {
          if (o.status === "rejected") same((o.reason as wasm.WasmError).code, 5001, "the refusals");
        }
        for (const o of made) await o.value.drop();
        // Instantiate failing for another reason (a missing import) takes no slot either.
        const broken = await wasm.compile(`(module (import "env" "f" (func)))`);
        for (let n = 0; n < 5; n++) await expectCode(() => wasm.instantiate(broken), 5001, "import");
        const three = [await wasm.instantiate(id), await wasm.instantiate(id), await wasm.instantiate(id)];
        same(three.length, 3, "all three slots free");
    "#;
    assert_pass("--max-instances=3", &run(&t, &["--max-instances=3".to_string()], script));
}

#[test]
fn max_modules_caps_live_modules() {
    let t = tree("max_modules_caps_live_modules");
    let script = r#"
        const a = await wasm.compileFile("./add.wasm");
        const b = await wasm.compile(`(module (func (export "k") (result i32) i32.const 7))`);
        await expectCode(() => wasm.compile(`(module)`), 5000, "2 modules");
        await expectCode(() => wasm.compileFile("./add.wasm"), 5000, "2 modules");
        // Invalid bytes are refused as before and take no slot.
        await expectCode(() => wasm.compile(new Uint8Array([1, 2, 3])), 5000);
        // Instances do not count as modules, and outlive theirs.
        const instance = await wasm.instantiate(a);
        await wasm.dropModule(a);
        same(await instance.call("add", 2, 3), [5], "the instance of the dropped module");
        const c = await wasm.compile(`(module)`);
        await expectCode(() => wasm.compile(`(module)`), 5000);
        await wasm.dropModule(b);
        await wasm.dropModule(c);
        const d = await wasm.compileFile("./add.wasm");
        const e = await wasm.compileFile("./add.wasm");
        check(d !== a && e !== b && d !== e, "handles are not reused");
        await expectCode(() => wasm.compileFile("./add.wasm"), 5000);
    "#;
    assert_pass("--max-modules=2", &run(&t, &["--max-modules=2".to_string()], script));
}

#[test]
fn max_wasm_memory_caps_memory_across_instances() {
    let t = tree("max_wasm_memory_caps_memory_across_instances");
    // A budget of 4 pages for all instances together.
    let script = r#"
        const PAGE = 65536;
        const id = await wasm.compile(`(module (memory (export "memory") 1)
          (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`);
        const a = await wasm.instantiate(id);
        same(await a.memory.grow(2), 1, "A grows to 3 pages");
        const b = await wasm.instantiate(id);
        // A holds 3 pages and B 1: the budget is used up.
        await expectCode(() => b.memory.grow(1), 5006);
        same(await b.call("grow", 1), [-1], "memory.grow inside wasm");
        await expectCode(() => a.memory.grow(1), 5006);
        await expectCode(() => wasm.instantiate(id), 5001);
        // A memory-less instance needs no budget.
        const plain = await wasm.instantiate(await wasm.compile(`(module (func (export "f")))`));
        await plain.drop();
        // Dropping A frees its 3 pages for B.
        await a.drop();
        same(await b.memory.grow(2), 1, "B grows to 3 pages");
        same(await b.call("grow", 0), [3], "B's size");
        const c = await wasm.instantiate(id);
        same(await c.call("grow", 1), [-1], "C is at the budget");
        await expectCode(() => c.memory.grow(1), 5006);
        // Per-instance caps still apply under the shared budget.
        await c.drop();
        const d = await wasm.instantiate(id, { maxMemoryBytes: PAGE });
        await expectCode(() => d.memory.grow(1), 5006);
        await d.drop();
        await b.drop();
        // All released: one instance can take the whole budget, and no more.
        const e = await wasm.instantiate(id);
        same(await e.memory.grow(3), 1, "the whole budget");
        same(await e.call("grow", 1), [-1], "past the budget");
    "#;
    assert_pass("--max-wasm-memory=4 pages", &run(&t, &["--max-wasm-memory=262144".to_string()], script));
}

//! Building an instance's WASI context (preview 1 for a module, 0.2 for a component) from
//! `InstantiateOptions`: arguments, environment, standard streams (inherited, piped into
//! memory, discarded or closed) and preopened directories, each host directory checked
//! against the permission policy first.

use std::path::Path;

use wasmtime_wasi::cli::StdoutStream;
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::p2::pipe::{ClosedOutputStream, MemoryInputPipe, MemoryOutputPipe, SinkOutputStream};
use wasmtime_wasi::{FsPerms, WasiCtxBuilder};

use crate::error::{WasmError, WasmResult};
use crate::generated::{InstantiateOptions, OutputMode, Preopen, StdinSource};
use crate::permissions::{check_path, Access, Checked, PermissionPolicy};
use crate::stdio::CapturedOutput;

/// How much a piped stream keeps; the guest's writes past it fail with an I/O error.
pub const CAPTURE_LIMIT: usize = 64 << 20;

pub struct WasiParts {
    pub ctx: WasiP1Ctx,
    pub stdout: Option<CapturedOutput>,
    pub stderr: Option<CapturedOutput>,
}

pub fn build_context(
    permissions: &dyn PermissionPolicy,
    program_name: &str,
    options: &InstantiateOptions,
) -> WasmResult<WasiParts> {
    let (mut builder, stdout, stderr) = configure(permissions, program_name, options)?;
    Ok(WasiParts { ctx: builder.build_p1(), stdout, stderr })
}

/// The WASI 0.2 context of a component instance, from the same options (and with the
/// same checks) as a module's preview 1 context.
pub fn build_component_context(
    permissions: &dyn PermissionPolicy,
    program_name: &str,
    options: &InstantiateOptions,
) -> WasmResult<(wasmtime_wasi::WasiCtx, Option<CapturedOutput>, Option<CapturedOutput>)> {
    let (mut builder, stdout, stderr) = configure(permissions, program_name, options)?;
    Ok((builder.build(), stdout, stderr))
}

/// A builder with every option applied: arguments, environment, streams and preopens.
fn configure(
    permissions: &dyn PermissionPolicy,
    program_name: &str,
    options: &InstantiateOptions,
) -> WasmResult<(WasiCtxBuilder, Option<CapturedOutput>, Option<CapturedOutput>)> {
    let mut builder = WasiCtxBuilder::new();
    builder.arg(program_name);
    for arg in options.args.iter().flatten() {
        if arg.contains('\0') {
            return Err(WasmError::wasi(format!("args: {arg:?} contains a NUL character")));
        }
        builder.arg(arg);
    }
    for (key, value) in options.env.iter().flatten() {
        if key.is_empty() || key.contains('=') || key.contains('\0') || value.contains('\0') {
            return Err(WasmError::wasi(format!(
                "env: \"{key}\" is not a valid environment variable name (it must be non-empty and contain no '=' or NUL)"
            )));
        }
        builder.env(key, value);
    }
    configure_stdin(&mut builder, options)?;
    let stdout = configure_output(&mut builder, "stdout", options.stdout, options.inherit_stdout)?;
    let stderr = configure_output(&mut builder, "stderr", options.stderr, options.inherit_stderr)?;
    // Guest names by the directory wasi-libc takes them for, to refuse two for one.
    let mut named: Vec<(&str, &str)> = Vec::new();
    for (guest, preopen) in options.preopens.iter().flatten() {
        let prefix = guest_prefix(guest).map_err(WasmError::wasi)?;
        if let Some((other, _)) = named.iter().find(|(_, p)| *p == prefix) {
            return Err(WasmError::wasi(format!(
                "preopens: \"{other}\" and \"{guest}\" name the same guest directory (\"/{prefix}\"), so which one a \
                 path reaches would depend on their order; give one of them"
            )));
        }
        named.push((guest, prefix));
        let (host, readonly) = match preopen {
            Preopen::Path(path) => (path.as_str(), false),
            Preopen::Options(o) => (o.path.as_str(), o.readonly == Some(true)),
        };
        add_preopen(permissions, &mut builder, guest, host, readonly)?;
    }
    Ok((builder, stdout, stderr))
}

fn configure_stdin(builder: &mut WasiCtxBuilder, options: &InstantiateOptions) -> WasmResult<()> {
    match (&options.stdin, options.inherit_stdin == Some(true)) {
        (Some(_), true) => Err(WasmError::wasi("stdin: give either `stdin` data or `inheritStdin: true`, not both")),
        (Some(StdinSource::Text(text)), false) => {
            builder.stdin(MemoryInputPipe::new(text.clone().into_bytes()));
            Ok(())
        }
        (Some(StdinSource::Bytes(bytes)), false) => {
            builder.stdin(MemoryInputPipe::new(bytes.to_vec()));
            Ok(())
        }
        (None, true) => {
            builder.inherit_stdin();
            Ok(())
        }
        // No input: reads see end-of-file.
        (None, false) => {
            builder.stdin(MemoryInputPipe::new(Vec::<u8>::new()));
            Ok(())
        }
    }
}

fn configure_output(
    builder: &mut WasiCtxBuilder,
    name: &str,
    mode: Option<OutputMode>,
    inherit: Option<bool>,
) -> WasmResult<Option<CapturedOutput>> {
    let inherit_flag = inherit == Some(true);
    let mode = match (mode, inherit_flag) {
        (Some(OutputMode::Inherit) | None, true) => OutputMode::Inherit,
        (Some(other), true) => {
            return Err(WasmError::wasi(format!(
                "{name}: `inherit{}: true` conflicts with `{name}: \"{}\"`; use one of them",
                capitalize(name),
                mode_name(other)
            )))
        }
        (Some(mode), false) => mode,
        (None, false) => OutputMode::Null,
    };
    let is_stdout = name == "stdout";
    let mut captured = None;
    match mode {
        OutputMode::Inherit if is_stdout => {
            builder.inherit_stdout();
        }
        OutputMode::Inherit => {
            builder.inherit_stderr();
        }
        OutputMode::Pipe => {
            let pipe = MemoryOutputPipe::new(CAPTURE_LIMIT);
            route(builder, is_stdout, pipe.clone());
            captured = Some(CapturedOutput::new(pipe));
        }
        OutputMode::Null => route(builder, is_stdout, SinkOutputStream),
        OutputMode::Closed => route(builder, is_stdout, ClosedOutputStream),
    }
    Ok(captured)
}

fn mode_name(mode: OutputMode) -> &'static str {
    match mode {
        OutputMode::Inherit => "inherit",
        OutputMode::Pipe => "pipe",
        OutputMode::Null => "null",
        OutputMode::Closed => "closed",
    }
}

/// Send the guest's stdout (or its stderr) to `stream`: one place decides which, so
/// every mode routes the same way.
fn route(builder: &mut WasiCtxBuilder, is_stdout: bool, stream: impl StdoutStream + 'static) {
    if is_stdout {
        builder.stdout(stream);
    } else {
        builder.stderr(stream);
    }
}

fn capitalize(name: &str) -> String {
    let mut chars = name.chars();
    chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
}

/// The directory a preopen's guest name stands for, as wasi-libc (and so C, C++ and
/// Rust programs for wasm32-wasip1) matches paths against it: without leading `/` and
/// `./` and without trailing `/`, so `/data`, `data` and `./data` are one directory,
/// and `.`, `./` and `/` are the root (`""`), which every relative path falls under
/// because the guest's working directory is `/`. The guest still sees the name as given
/// (`fd_prestat_dir_name`), as with Wasmtime's `--dir HOST::GUEST`.
///
/// Refused, with the reason: an empty name, a NUL, a `..` component (wasi-libc does not
/// resolve it, so the name would match no path or read as an escape), and an empty or
/// `.` component inside the name (`a//b`, `a/./b`), which paths never match as written.
pub(crate) fn guest_prefix(guest: &str) -> Result<&str, String> {
    let refuse = |why: &str| Err(format!("preopens: guest path {guest:?} {why}"));
    if guest.is_empty() {
        return refuse("is empty; use \"/\" or \".\" for the guest's root and working directory");
    }
    if guest.contains('\0') {
        return refuse("contains a NUL character");
    }
    let mut rest = guest;
    loop {
        if let Some(r) = rest.strip_prefix('/').or_else(|| rest.strip_prefix("./")) {
            rest = r;
        } else if rest == "." {
            rest = "";
        } else {
            break;
        }
    }
    let rest = rest.trim_end_matches('/');
    if rest.is_empty() {
        return Ok(rest);
    }
    for component in rest.split('/') {
        match component {
            ".." => return refuse("contains `..`; name the directory as the guest should see it, e.g. \"/data\""),
            "" | "." => return refuse("has an empty or `.` component; write it as \"a/b\" or \"/a/b\""),
            _ => {}
        }
    }
    Ok(rest)
}

fn add_preopen(
    permissions: &dyn PermissionPolicy,
    builder: &mut WasiCtxBuilder,
    guest: &str,
    host: &str,
    readonly: bool,
) -> WasmResult<()> {
    let access = if readonly { Access::Read } else { Access::Write };
    let canonical = match check_path(permissions, Path::new(host), access, "instantiate (preopens)")? {
        Checked::Found(canonical) => canonical,
        Checked::Missing(e) => {
            return Err(WasmError::wasi(format!(
                "preopens: host directory \"{host}\" for \"{guest}\" cannot be opened: {e}"
            )))
        }
    };
    if !canonical.is_dir() {
        return Err(WasmError::wasi(format!("preopens: host path \"{host}\" for \"{guest}\" is not a directory")));
    }
    let perms = if readonly { FsPerms::ReadOnly } else { FsPerms::ReadWrite };
    tracing::debug!(guest, host = %canonical.display(), readonly, "preopen");
    builder
        .preopened_dir(&canonical, guest, perms)
        .map_err(|e| WasmError::wasi(format!("preopens: cannot open \"{host}\" for \"{guest}\": {e:#}")))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::config::WasmConfig;
    use crate::error::ErrorCode;
    use crate::generated::{CallOptions, PreopenOptions};
    use crate::permissions::PathPolicy;
    use crate::state::WasmState;

    /// Writes "out" to stdout and "err" to stderr, echoes up to 64 bytes of stdin to
    /// stdout, and exits with the errno of its first write to stdout.
    const ECHO: &str = r#"(module
      (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
      (memory (export "memory") 1)
      (data (i32.const 100) "out")
      (data (i32.const 104) "err")
      (func (export "_start") (local $errno i32)
        (i32.store (i32.const 0) (i32.const 100))
        (i32.store (i32.const 4) (i32.const 3))
        (local.set $errno (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
        (i32.store (i32.const 0) (i32.const 104))
        (drop (call $write (i32.const 2) (i32.const 0) (i32.const 1) (i32.const 8)))
        (i32.store (i32.const 16) (i32.const 200))
        (i32.store (i32.const 20) (i32.const 64))
        (drop (call $read (i32.const 0) (i32.const 16) (i32.const 1) (i32.const 24)))
        (i32.store (i32.const 20) (i32.load (i32.const 24)))
        (drop (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 8)))
        (call $exit (local.get $errno))))"#;

    fn state(policy: PathPolicy) -> Arc<WasmState> {
        Arc::new(WasmState::new(WasmConfig::with_permissions(Arc::new(policy))).unwrap())
    }

    fn code(result: WasmResult<WasiParts>) -> Option<ErrorCode> {
        result.err().map(|e| e.code)
    }

    /// Compile and instantiate the WAT `source` with `options`, run it as a WASI command;
    /// its exit code and the instance (for its captured streams).
    fn run_program(
        wasm: &WasmState,
        source: &str,
        options: InstantiateOptions,
    ) -> (i32, Arc<crate::instance::Instance>) {
        crate::worker::block_on(async {
            let bytes = source.as_bytes().to_vec();
            let targets = crate::module::CompileTargets::for_tests(wasm.engine.clone(), wasm.module_cache.clone());
            let compiled = crate::module::compile(targets, bytes).await.unwrap();
            let compiled = compiled.module().unwrap();
            let pre = compiled.instance_pre(&wasm.linker).unwrap();
            let env = &wasm.instance_env;
            let instance =
                Arc::new(crate::instance::create(env, pre, compiled.has_start, Some(&options)).await.unwrap());
            let exit = crate::call::run(instance.clone(), CallOptions::default()).await.unwrap();
            (exit, instance)
        })
    }

    /// Run ECHO with `options`; its exit code, stdout and stderr (empty when not piped).
    fn run_echo(options: InstantiateOptions) -> (i32, String, String) {
        let wasm = state(PathPolicy::default());
        let (exit, instance) = run_program(&wasm, ECHO, options);
        let take = |fd| String::from_utf8(instance.streams.take(fd).unwrap_or_default()).unwrap();
        (exit, take(1), take(2))
    }

    #[test]
    fn piped_streams_carry_what_the_guest_wrote_to_each() {
        let options = InstantiateOptions {
            stdin: Some(StdinSource::Text("in".into())),
            stdout: Some(OutputMode::Pipe),
            stderr: Some(OutputMode::Pipe),
            ..Default::default()
        };
        assert_eq!(run_echo(options), (0, "outin".to_string(), "err".to_string()));
        let bytes = InstantiateOptions {
            stdin: Some(StdinSource::Bytes(serde_bytes::ByteBuf::from(b"xy".to_vec()))),
            stdout: Some(OutputMode::Pipe),
            ..Default::default()
        };
        assert_eq!(run_echo(bytes), (0, "outxy".to_string(), String::new()));
        // Only stderr piped: stdout goes nowhere, not into stderr's pipe.
        let stderr_only = InstantiateOptions { stderr: Some(OutputMode::Pipe), ..Default::default() };
        assert_eq!(run_echo(stderr_only), (0, String::new(), "err".to_string()));
        let stdout_only = InstantiateOptions { stdout: Some(OutputMode::Pipe), ..Default::default() };
        assert_eq!(run_echo(stdout_only), (0, "out".to_string(), String::new()));
        // A closed stream fails the guest's writes; the other stream is unaffected.
        let closed_stdout = InstantiateOptions {
            stdout: Some(OutputMode::Closed),
            stderr: Some(OutputMode::Pipe),
            ..Default::default()
        };
        let (exit, _, err) = run_echo(closed_stdout);
        assert!(exit != 0 && err == "err", "closed stdout: exit {exit}, stderr {err:?}");
        let closed_stderr = InstantiateOptions {
            stdout: Some(OutputMode::Pipe),
            stderr: Some(OutputMode::Closed),
            ..Default::default()
        };
        assert_eq!(run_echo(closed_stderr), (0, "out".to_string(), String::new()));
    }

    /// Set in the child process of `inherited_streams_are_the_processes_own`.
    const INHERIT_CHILD: &str = "EXT_WASM_TEST_INHERIT_CHILD";

    // Inherited streams are the process's own file descriptors, which a test cannot read
    // in-process: the test runs itself again as a child, which instantiates with both
    // streams inherited, and checks the child's stdout and stderr.
    #[test]
    fn inherited_streams_are_the_processes_own() {
        const MARKED: &str = r#"(module
          (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
          (memory (export "memory") 1)
          (data (i32.const 100) "GUEST-STDOUT\n")
          (data (i32.const 200) "GUEST-STDERR\n")
          (func (export "_start")
            (i32.store (i32.const 0) (i32.const 100))
            (i32.store (i32.const 4) (i32.const 13))
            (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
            (i32.store (i32.const 0) (i32.const 200))
            (drop (call $write (i32.const 2) (i32.const 0) (i32.const 1) (i32.const 8)))))"#;
        if std::env::var_os(INHERIT_CHILD).is_some() {
            let wasm = state(PathPolicy::default());
            let options = InstantiateOptions {
                inherit_stdout: Some(true),
                stderr: Some(OutputMode::Inherit),
                ..Default::default()
            };
            run_program(&wasm, MARKED, options);
            return;
        }
        let output = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "wasi::tests::inherited_streams_are_the_processes_own",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(INHERIT_CHILD, "1")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "child failed\n{stdout}\n{stderr}");
        assert!(stdout.contains("GUEST-STDOUT") && !stdout.contains("GUEST-STDERR"), "stdout: {stdout}");
        assert!(stderr.contains("GUEST-STDERR") && !stderr.contains("GUEST-STDOUT"), "stderr: {stderr}");
    }

    #[test]
    fn conflicting_or_malformed_options_are_refused() {
        let wasm = state(PathPolicy::default());
        let build = |options: InstantiateOptions| build_context(&*wasm.instance_env.permissions, "p", &options);
        assert!(build(InstantiateOptions::default()).is_ok());
        let both_stdin = InstantiateOptions {
            stdin: Some(StdinSource::Text("x".into())),
            inherit_stdin: Some(true),
            ..Default::default()
        };
        assert_eq!(code(build(both_stdin)), Some(ErrorCode::WasiError));
        assert!(build(InstantiateOptions { inherit_stdin: Some(true), ..Default::default() }).is_ok());
        assert!(build(InstantiateOptions {
            inherit_stdin: Some(false),
            stdin: Some(StdinSource::Text("x".into())),
            ..Default::default()
        })
        .is_ok());
        for (mode, inherit, ok) in [
            (Some(OutputMode::Pipe), Some(true), false),
            (Some(OutputMode::Null), Some(true), false),
            (Some(OutputMode::Inherit), Some(true), true),
            (None, Some(true), true),
            (Some(OutputMode::Pipe), Some(false), true),
            (Some(OutputMode::Closed), None, true),
        ] {
            let stdout = InstantiateOptions { stdout: mode, inherit_stdout: inherit, ..Default::default() };
            let stderr = InstantiateOptions { stderr: mode, inherit_stderr: inherit, ..Default::default() };
            for (name, options) in [("stdout", stdout), ("stderr", stderr)] {
                let result = build(options);
                if ok {
                    assert!(result.is_ok(), "{name} {mode:?} inherit {inherit:?}");
                } else {
                    let message = result.err().map(|e| e.message).unwrap_or_default();
                    let flag = format!("inherit{}{}: true", name[..1].to_uppercase(), &name[1..]);
                    assert!(message.contains(&flag), "{name} {mode:?}: {message}");
                    let given = if mode == Some(OutputMode::Pipe) { "\"pipe\"" } else { "\"null\"" };
                    assert!(message.contains(given), "{name} {mode:?}: {message}");
                }
            }
        }
        let piped = build(InstantiateOptions { stdout: Some(OutputMode::Pipe), ..Default::default() }).unwrap();
        assert!(piped.stdout.is_some() && piped.stderr.is_none());
        let arg = InstantiateOptions { args: Some(vec!["a\0b".into()]), ..Default::default() };
        assert_eq!(code(build(arg)), Some(ErrorCode::WasiError));
        assert!(build(InstantiateOptions { args: Some(vec!["a b".into()]), ..Default::default() }).is_ok());
        for (key, value, ok) in
            [("", "v", false), ("A=B", "v", false), ("A\0", "v", false), ("A", "v\0", false), ("A", "v=w", true)]
        {
            let env = InstantiateOptions {
                env: Some([(key.to_string(), value.to_string())].into_iter().collect()),
                ..Default::default()
            };
            assert_eq!(code(build(env)), if ok { None } else { Some(ErrorCode::WasiError) }, "env {key:?}={value:?}");
        }
    }

    #[test]
    fn preopens_are_checked_for_the_access_they_give() {
        let dir = tempfile::tempdir().unwrap();
        let readable = dir.path().join("readable");
        let writable = dir.path().join("writable");
        std::fs::create_dir_all(&readable).unwrap();
        std::fs::create_dir_all(&writable).unwrap();
        std::fs::write(writable.join("file"), "x").unwrap();
        let mut policy = PathPolicy::default();
        policy.allow_read(&readable).allow_write(&writable);
        let wasm = state(policy);
        let preopen = |guest: &str, path: &std::path::Path, readonly: Option<bool>| {
            let path = path.to_string_lossy().into_owned();
            let preopen = match readonly {
                None => Preopen::Path(path),
                Some(_) => Preopen::Options(PreopenOptions { path, readonly }),
            };
            let options = InstantiateOptions {
                preopens: Some([(guest.to_string(), preopen)].into_iter().collect()),
                ..Default::default()
            };
            code(build_context(&*wasm.instance_env.permissions, "p", &options))
        };
        assert_eq!(preopen("/w", &writable, None), None);
        assert_eq!(preopen("/w", &writable, Some(false)), None);
        assert_eq!(preopen("/r", &readable, Some(true)), None);
        assert_eq!(preopen("/r", &readable, None), Some(ErrorCode::PermissionDenied));
        assert_eq!(preopen("/r", &readable, Some(false)), Some(ErrorCode::PermissionDenied));
        assert_eq!(preopen("w", &writable, None), None, "a relative guest path");
        assert_eq!(preopen(".", &writable, None), None, "the working directory");
        assert_eq!(preopen("../w", &writable, None), Some(ErrorCode::WasiError), "an escape");
        assert_eq!(preopen("/w", &writable.join("file"), None), Some(ErrorCode::WasiError), "not a directory");
        assert_eq!(preopen("/w", &writable.join("missing"), None), Some(ErrorCode::WasiError), "missing");
    }

    #[test]
    fn guest_paths_mean_what_wasi_libc_makes_of_them() {
        // The root, and so the directory relative paths resolve against.
        for root in [".", "./", "/", "//", "/.", "./.", "/./"] {
            assert_eq!(guest_prefix(root), Ok(""), "{root:?}");
        }
        // One directory however it is spelled.
        for data in ["/data", "data", "./data", "data/", "/data/", ".//data", "/./data"] {
            assert_eq!(guest_prefix(data), Ok("data"), "{data:?}");
        }
        assert_eq!(guest_prefix("/a/b"), Ok("a/b"));
        assert_eq!(guest_prefix("a/b/"), Ok("a/b"));
        assert_eq!(guest_prefix("...."), Ok("...."), "dots that are a name");
        assert_eq!(guest_prefix(".config"), Ok(".config"));
        assert_eq!(guest_prefix("dir with space"), Ok("dir with space"));
        for refused in
            ["", "a\0b", "\0", "..", "../x", "/..", "./..", "a/..", "a/../b", "/a/../../etc", "a//b", "a/./b", "a/."]
        {
            let message = guest_prefix(refused).expect_err(refused);
            assert!(message.starts_with("preopens: guest path"), "{refused:?}: {message}");
        }
    }

    #[test]
    fn two_names_for_one_guest_directory_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut policy = PathPolicy::default();
        policy.allow_write(dir.path());
        let wasm = state(policy);
        let host = dir.path().to_string_lossy().into_owned();
        let build = |guests: &[&str]| {
            let options = InstantiateOptions {
                preopens: Some(guests.iter().map(|g| (g.to_string(), Preopen::Path(host.clone()))).collect()),
                ..Default::default()
            };
            build_context(&*wasm.instance_env.permissions, "p", &options).err().map(|e| (e.code, e.message))
        };
        assert_eq!(build(&[".", "data", "/other"]), None);
        for pair in [[".", "/"], ["data", "/data"], ["./data", "data/"]] {
            let (code, message) = build(&pair).expect("refused");
            assert_eq!(code, ErrorCode::WasiError);
            assert!(message.contains(pair[0]) && message.contains(pair[1]), "{message}");
        }
    }
}

//! The op layer: the bodies the generated shims call, by name (`spec/runtime-wasm.kdl`,
//! `op ... impl=`). Each takes the `WasmState` out of `OpState`, looks up the handles it
//! was given, turns JS buffers into bytes, and calls the engine-neutral code of its
//! concern with just what that needs (an `Instance`, the engine and module cache, the
//! permission policy). This is the only place that ties handles to the runtime's tables.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use deno_core::{JsBuffer, OpState};

use crate::config::WasmConfig;
use crate::engine::EngineKind;
use crate::error::{WasmError, WasmResult};
use crate::generated::{
    CallArg, CallOptions, ComponentFunctionInfo, ExportInfo, FunctionInfo, GlobalInfo, HostImport, ImportInfo,
    InstantiateOptions,
};
use crate::host::Reply;
use crate::instance::Instance;
use crate::state::WasmState;

/// What the extension keeps in `OpState`: the state, or why it could not be made.
struct StateSlot(Result<Arc<WasmState>, WasmError>);

/// The extension's `state` hook (called by the generated `extension!`).
pub fn init(state: &mut OpState, config: WasmConfig) {
    state.put(StateSlot(WasmState::new(config).map(Arc::new)));
}

fn wasm_of(state: &OpState) -> WasmResult<Arc<WasmState>> {
    match state.try_borrow::<StateSlot>() {
        Some(StateSlot(result)) => result.clone(),
        None => Err(WasmError::bug("runtime_wasm extension state missing")),
    }
}

fn wasm(state: &Rc<RefCell<OpState>>) -> WasmResult<Arc<WasmState>> {
    wasm_of(&state.borrow())
}

/// The live instance behind `handle` (5005 when it was dropped or never existed).
fn instance_of(state: &OpState, handle: u32) -> WasmResult<Arc<Instance>> {
    wasm_of(state)?.instance(handle)
}

fn instance_in(state: &Rc<RefCell<OpState>>, handle: u32) -> WasmResult<Arc<Instance>> {
    instance_of(&state.borrow(), handle)
}

/// The runtime's compile targets; the engine of WASI 0.3 components is made only when one
/// is compiled.
fn compile_targets(wasm: &Arc<WasmState>) -> crate::module::CompileTargets {
    let state = Arc::clone(wasm);
    crate::module::CompileTargets {
        engine: wasm.engine.clone(),
        modules: wasm.module_cache.clone(),
        components: wasm.component_cache.clone(),
        concurrent: Box::new(move || {
            let profile = state.profile(EngineKind::CONCURRENT)?;
            Ok((profile.engine.clone(), profile.component_cache.clone()))
        }),
    }
}

pub async fn module_compile(state: Rc<RefCell<OpState>>, bytes: JsBuffer) -> WasmResult<u32> {
    let wasm = wasm(&state)?;
    let compiled = crate::module::compile(compile_targets(&wasm), bytes.to_vec()).await?;
    wasm.add_module(compiled)
}

pub async fn module_compile_file(state: Rc<RefCell<OpState>>, path: String) -> WasmResult<u32> {
    let wasm = wasm(&state)?;
    let permissions = &*wasm.instance_env.permissions;
    let compiled = crate::module::compile_file(compile_targets(&wasm), permissions, path).await?;
    wasm.add_module(compiled)
}

pub fn module_drop(state: &mut OpState, module: u32) -> WasmResult<()> {
    wasm_of(state)?.remove_module(module)
}

pub async fn instance_create(state: Rc<RefCell<OpState>>, module: u32, options: InstantiateOptions) -> WasmResult<u32> {
    let wasm = wasm(&state)?;
    let compiled = wasm.module(module)?;
    wasm.check_instance_capacity()?;
    let kind = EngineKind::of(&options);
    let instance = if kind != EngineKind::PLAIN {
        // Code of another kind (fuel metering, no epoch checks), compiled for it on first
        // use (on a worker: it takes as long as the first compile).
        let profile = wasm.profile(kind)?;
        let has_start = compiled.has_start;
        let pre = crate::worker::run(move || compiled.variant_pre(&profile).cloned()).await?;
        crate::instance::create(&wasm.instance_env, &pre, has_start, Some(&options)).await?
    } else {
        let pre = compiled.instance_pre(&wasm.linker)?;
        crate::instance::create(&wasm.instance_env, pre, compiled.has_start, Some(&options)).await?
    };
    wasm.add_instance(instance)
}

/// `instantiate` without options, entirely on the JS thread: the new handle, or 0 when
/// the module has a start function (which may run long, so the caller must use the
/// async op).
pub fn instance_create_sync(state: &mut OpState, module: u32) -> WasmResult<u32> {
    let wasm = wasm_of(state)?;
    let compiled = wasm.module(module)?;
    if compiled.has_start {
        return Ok(0);
    }
    wasm.check_instance_capacity()?;
    let pre = compiled.instance_pre(&wasm.linker)?;
    wasm.add_instance(crate::instance::create_here(&wasm.instance_env, pre)?)
}

pub fn function_check_args(state: &mut OpState, instance: u32, name: String, args: Vec<CallArg>) -> WasmResult<()> {
    crate::call::check_args(&*instance_of(state, instance)?, &name, &args)
}

pub async fn instance_run(state: Rc<RefCell<OpState>>, instance: u32, options: CallOptions) -> WasmResult<i32> {
    crate::call::run(instance_in(&state, instance)?, options).await
}

pub fn instance_take_output(state: &mut OpState, instance: u32, stream: u32) -> WasmResult<Vec<u8>> {
    instance_of(state, instance)?.streams.take(stream)
}

pub fn function_get(state: &mut OpState, instance: u32, name: String) -> WasmResult<FunctionInfo> {
    instance_of(state, instance)?.resolve_function(&name)
}

pub fn function_call_sync(state: &mut OpState, instance: u32, index: u32, slots: &mut [u8]) -> WasmResult<u32> {
    crate::call::call_sync(&*instance_of(state, instance)?, index, slots)
}

#[allow(clippy::too_many_arguments)]
pub fn function_call_numbers_sync(
    state: &mut OpState,
    instance: u32,
    index: u32,
    count: u32,
    a: f64,
    b: f64,
    c: f64,
    d: f64,
) -> WasmResult<f64> {
    crate::call::call_numbers_sync(&*instance_of(state, instance)?, index, count, [a, b, c, d])
}

#[allow(clippy::too_many_arguments)]
pub async fn function_call_numbers(
    state: Rc<RefCell<OpState>>,
    instance: u32,
    index: u32,
    count: u32,
    a: f64,
    b: f64,
    c: f64,
    d: f64,
) -> WasmResult<f64> {
    crate::call::call_numbers(instance_in(&state, instance)?, index, count, [a, b, c, d]).await
}

pub async fn function_call(
    state: Rc<RefCell<OpState>>,
    instance: u32,
    index: u32,
    slots: JsBuffer,
) -> WasmResult<Vec<u8>> {
    crate::call::call(instance_in(&state, instance)?, index, slots.to_vec(), CallOptions::default()).await
}

pub async fn function_call_with(
    state: Rc<RefCell<OpState>>,
    instance: u32,
    index: u32,
    slots: JsBuffer,
    options: CallOptions,
) -> WasmResult<Vec<u8>> {
    crate::call::call(instance_in(&state, instance)?, index, slots.to_vec(), options).await
}

pub async fn function_call_batch(
    state: Rc<RefCell<OpState>>,
    instance: u32,
    index: u32,
    count: u32,
    slots: JsBuffer,
) -> WasmResult<Vec<u8>> {
    crate::call::call_batch(instance_in(&state, instance)?, index, count, slots.to_vec()).await
}

pub fn memory_read_sync(state: &mut OpState, instance: u32, offset: f64, target: &mut [u8]) -> WasmResult<bool> {
    crate::memory::memory_read_into(&*instance_of(state, instance)?, offset, target)
}

pub fn memory_write_sync(state: &mut OpState, instance: u32, offset: f64, data: &mut [u8]) -> WasmResult<bool> {
    crate::memory::memory_write_now(&*instance_of(state, instance)?, offset, data)
}

pub fn instance_exports(state: &mut OpState, instance: u32) -> WasmResult<Vec<ExportInfo>> {
    Ok(instance_of(state, instance)?.exports())
}

pub async fn memory_read(state: Rc<RefCell<OpState>>, instance: u32, offset: f64, length: f64) -> WasmResult<Vec<u8>> {
    crate::memory::memory_read(instance_in(&state, instance)?, offset, length).await
}

pub async fn memory_write(state: Rc<RefCell<OpState>>, instance: u32, offset: f64, data: JsBuffer) -> WasmResult<()> {
    crate::memory::memory_write(instance_in(&state, instance)?, offset, data.to_vec()).await
}

pub async fn memory_size(state: Rc<RefCell<OpState>>, instance: u32) -> WasmResult<u32> {
    crate::memory::memory_size(instance_in(&state, instance)?).await
}

pub async fn memory_grow(state: Rc<RefCell<OpState>>, instance: u32, delta: f64) -> WasmResult<u32> {
    crate::memory::memory_grow(instance_in(&state, instance)?, delta).await
}

pub async fn instance_set_fuel(state: Rc<RefCell<OpState>>, instance: u32, fuel: f64) -> WasmResult<()> {
    crate::fuel::set_fuel(instance_in(&state, instance)?, fuel).await
}

pub async fn instance_get_fuel(state: Rc<RefCell<OpState>>, instance: u32) -> WasmResult<f64> {
    crate::fuel::get_fuel(instance_in(&state, instance)?).await
}

pub fn instance_drop(state: &mut OpState, instance: u32) -> WasmResult<()> {
    let wasm = wasm_of(state)?;
    wasm.remove_instance(instance)?;
    // Calls waiting for host functions hold the instance: they are unwound now.
    wasm.hosted.cancel_instance(instance);
    Ok(())
}

pub fn instance_global_resolve(state: &mut OpState, instance: u32, name: String) -> WasmResult<GlobalInfo> {
    crate::globals::resolve(&*instance_of(state, instance)?, &name)
}

pub async fn instance_global_get(state: Rc<RefCell<OpState>>, instance: u32, name: String) -> WasmResult<Vec<u8>> {
    crate::globals::get(instance_in(&state, instance)?, name).await
}

pub fn instance_global_get_sync(state: &mut OpState, instance: u32, name: String) -> WasmResult<Vec<u8>> {
    crate::globals::get_now(&*instance_of(state, instance)?, &name)
}

pub async fn instance_global_set(
    state: Rc<RefCell<OpState>>,
    instance: u32,
    name: String,
    value: CallArg,
) -> WasmResult<()> {
    crate::globals::set(instance_in(&state, instance)?, name, value).await
}

pub fn instance_global_set_sync(state: &mut OpState, instance: u32, name: String, value: CallArg) -> WasmResult<bool> {
    crate::globals::set_now(&*instance_of(state, instance)?, &name, &value)
}

// ---- host functions: hosted calls driven from JS (see `crate::host`) ----

pub fn module_imports(state: &mut OpState, module: u32) -> WasmResult<Vec<ImportInfo>> {
    Ok(crate::host::describe_imports(&wasm_of(state)?.module(module)?.module))
}

/// Compile the module for the engine kind `options` need (fuel metering, no epoch
/// checks) now, on a worker, so that a later sync op can use it without compiling on the
/// JS thread.
pub async fn module_prepare_variant(
    state: Rc<RefCell<OpState>>,
    module: u32,
    options: InstantiateOptions,
) -> WasmResult<()> {
    if EngineKind::of(&options) == EngineKind::PLAIN {
        return Ok(());
    }
    let wasm = wasm(&state)?;
    let compiled = wasm.module(module)?;
    let profile = wasm.profile(EngineKind::of(&options))?;
    crate::worker::run(move || compiled.variant(&profile).map(drop)).await
}

pub fn instance_create_hosted(
    state: &mut OpState,
    module: u32,
    options: InstantiateOptions,
    imports: Vec<HostImport>,
) -> WasmResult<u32> {
    let wasm = wasm_of(state)?;
    let compiled = wasm.module(module)?;
    wasm.check_instance_capacity()?;
    let kind = EngineKind::of(&options);
    let (pre, link) = if kind != EngineKind::PLAIN {
        // Compiled by `module_prepare_variant`, which the JS side awaits first.
        let profile = wasm.profile(kind)?;
        let module = compiled.variant(&profile)?;
        crate::host::link_with_host_functions(&profile.linker, module, &imports)?
    } else {
        crate::host::link_with_host_functions(&wasm.linker, &compiled.module, &imports)?
    };
    let making = crate::instance::create_hosted(&wasm.instance_env, pre, Some(&options), link.clone())?;
    let work = Box::pin(async move { Ok(crate::host::Finished::Made(making.await?)) });
    wasm.hosted.park(crate::host::HostedCall::new(work, link, false, None).away_only(!kind.epochs))
}

#[allow(clippy::too_many_arguments)]
pub fn function_call_hosted(
    state: &mut OpState,
    instance: u32,
    index: u32,
    count: u32,
    slots: &mut [u8],
    fuel: f64,
    timeout_ms: f64,
    blocking: bool,
) -> WasmResult<u32> {
    let wasm = wasm_of(state)?;
    let options =
        CallOptions { fuel: option_number("fuel", fuel)?, timeout_ms: option_number("timeoutMs", timeout_ms)? };
    let call = crate::call::hosted_call(wasm.instance(instance)?, instance, index, count, slots, options, blocking)?;
    wasm.hosted.park(call)
}

/// A `CallOptions` number passed as a plain number: negative for absent, else a whole
/// number below 2^64 (the JS side checked the option already; a forged one is 5007).
fn option_number(what: &str, value: f64) -> WasmResult<Option<u64>> {
    if value < 0.0 {
        return Ok(None);
    }
    if value.fract() != 0.0 || !value.is_finite() || value >= 2f64.powi(64) {
        return Err(WasmError::type_mismatch(format!("{what} must be a non-negative whole number, got {value}")));
    }
    Ok(Some(value as u64))
}

pub fn instance_run_hosted(state: &mut OpState, instance: u32, options: CallOptions) -> WasmResult<u32> {
    let wasm = wasm_of(state)?;
    let call = crate::call::hosted_run(wasm.instance(instance)?, instance, options)?;
    wasm.hosted.park(call)
}

pub fn function_host_step(state: &mut OpState, call: u32, answer: u32, exchange: &mut [u8]) -> WasmResult<u32> {
    let reply = if answer == 1 { Reply::Slots } else { Reply::Nothing };
    wasm_of(state)?.hosted.step(call, reply, exchange)
}

pub fn function_host_reenter(
    state: &mut OpState,
    call: u32,
    instance: u32,
    index: u32,
    slots: &mut [u8],
    exchange: &mut [u8],
) -> WasmResult<u32> {
    let wasm = wasm_of(state)?;
    let reentry = crate::call::reentry(&*wasm.instance(instance)?, index, slots)?;
    wasm.hosted.reenter(call, reentry, exchange)
}

pub fn function_host_fail(
    state: &mut OpState,
    call: u32,
    kind: u32,
    message: &mut [u8],
    exchange: &mut [u8],
) -> WasmResult<u32> {
    let wasm = wasm_of(state)?;
    let message = String::from_utf8_lossy(message).into_owned();
    let error = match kind {
        2 => WasmError::type_mismatch(message),
        4 => WasmError::new(crate::error::ErrorCode::Timeout, message),
        _ => WasmError::call(message),
    };
    wasm.hosted.step(call, Reply::Failure(error), exchange)
}

pub async fn function_host_wait(state: Rc<RefCell<OpState>>, call: u32) -> WasmResult<u32> {
    let wasm = wasm(&state)?;
    wasm.hosted.wait(call).await
}

pub fn function_host_request(state: &mut OpState, call: u32, exchange: &mut [u8]) -> WasmResult<u32> {
    wasm_of(state)?.hosted.request(call, exchange)
}

pub fn function_host_results(state: &mut OpState, call: u32) -> WasmResult<Vec<u8>> {
    match wasm_of(state)?.hosted.finished(call)? {
        crate::host::Finished::Results(slots) => Ok(slots),
        _ => Err(WasmError::bug("a hosted call finished with something other than results")),
    }
}

pub fn instance_host_exit_code(state: &mut OpState, call: u32) -> WasmResult<i32> {
    match wasm_of(state)?.hosted.finished(call)? {
        crate::host::Finished::Exit(code) => Ok(code),
        _ => Err(WasmError::bug("a hosted run finished with something other than an exit code")),
    }
}

pub fn instance_host_created(state: &mut OpState, call: u32) -> WasmResult<u32> {
    let wasm = wasm_of(state)?;
    match wasm.hosted.finished(call)? {
        crate::host::Finished::Made(instance) => wasm.add_instance(instance),
        _ => Err(WasmError::bug("a hosted instantiation finished with something other than an instance")),
    }
}

pub fn function_host_cancel(state: &mut OpState, call: u32) -> WasmResult<()> {
    wasm_of(state)?.hosted.cancel(call);
    Ok(())
}

pub fn memory_host_read(state: &mut OpState, call: u32, offset: f64, target: &mut [u8]) -> WasmResult<()> {
    let offset = crate::memory::index("offset", offset)?;
    let link = wasm_of(state)?.hosted.link(call)?;
    link.read(offset, target).unwrap_or_else(|| Err(host_function_over()))
}

pub fn memory_host_write(state: &mut OpState, call: u32, offset: f64, data: &mut [u8]) -> WasmResult<()> {
    let offset = crate::memory::index("offset", offset)?;
    let link = wasm_of(state)?.hosted.link(call)?;
    link.write(offset, data).unwrap_or_else(|| Err(host_function_over()))
}

pub fn memory_host_size(state: &mut OpState, call: u32) -> WasmResult<u32> {
    let link = wasm_of(state)?.hosted.link(call)?;
    link.pages().unwrap_or_else(|| Err(host_function_over()))
}

fn host_function_over() -> WasmError {
    WasmError::memory("the host function has returned: its caller's memory is reachable only while it runs")
}

// ---- components ---------------------------------------------------------------------

pub fn module_kind(state: &mut OpState, module: u32) -> WasmResult<u32> {
    Ok(u32::from(wasm_of(state)?.is_component(module)?))
}

pub fn module_component_imports(state: &mut OpState, module: u32) -> WasmResult<Vec<ComponentFunctionInfo>> {
    Ok(crate::component::import_infos(&*wasm_of(state)?.component(module)?))
}

pub async fn component_create(
    state: Rc<RefCell<OpState>>,
    module: u32,
    options: InstantiateOptions,
    hosted: bool,
) -> WasmResult<u32> {
    let wasm = wasm(&state)?;
    let compiled = wasm.component(module)?;
    crate::component::check_imports(&compiled, hosted)?;
    wasm.check_instance_capacity()?;
    let kind = EngineKind::of(&options).with_concurrency(compiled.home.concurrent);
    let (engine, linker) = (wasm.engine_of(kind)?, wasm.component_linker(kind)?);
    let pre = {
        let compiled = compiled.clone();
        // Another engine kind compiles the component again: off this thread.
        crate::worker::run(move || compiled.pre(kind, &engine, &linker).cloned()).await?
    };
    let instance = crate::component::create(&wasm.instance_env, compiled, pre, &options).await?;
    wasm.add_component_instance(instance)
}

fn component_of(state: &OpState, handle: u32) -> WasmResult<Arc<crate::component::ComponentInstance>> {
    wasm_of(state)?.component_instance(handle)
}

pub fn component_functions(state: &mut OpState, instance: u32) -> WasmResult<Vec<ComponentFunctionInfo>> {
    Ok(crate::component::function_infos(&component_of(state, instance)?.compiled))
}

pub async fn component_call(
    state: Rc<RefCell<OpState>>,
    instance: u32,
    index: u32,
    args: JsBuffer,
) -> WasmResult<Vec<u8>> {
    let instance = component_of(&state.borrow(), instance)?;
    instance.call(index, args.to_vec(), CallOptions::default()).await
}

pub async fn component_call_with(
    state: Rc<RefCell<OpState>>,
    instance: u32,
    index: u32,
    args: JsBuffer,
    options: CallOptions,
) -> WasmResult<Vec<u8>> {
    let instance = component_of(&state.borrow(), instance)?;
    instance.call(index, args.to_vec(), options).await
}

pub async fn component_call_hosted(
    state: Rc<RefCell<OpState>>,
    instance: u32,
    index: u32,
    args: JsBuffer,
    options: CallOptions,
) -> WasmResult<Vec<u8>> {
    let instance = component_of(&state.borrow(), instance)?;
    instance.call_hosted(index, args.to_vec(), options).await
}

pub async fn component_host_answer(
    state: Rc<RefCell<OpState>>,
    instance: u32,
    request: u32,
    how: u32,
    bytes: JsBuffer,
) -> WasmResult<Vec<u8>> {
    let instance = component_of(&state.borrow(), instance)?;
    instance.answer(request, how, bytes.to_vec()).await
}

pub async fn component_run(state: Rc<RefCell<OpState>>, instance: u32, options: CallOptions) -> WasmResult<i32> {
    let instance = component_of(&state.borrow(), instance)?;
    instance.run(options).await
}

pub fn component_resource_drop(state: &mut OpState, instance: u32, resource: u32) -> WasmResult<()> {
    component_of(state, instance)?.drop_resource(resource)
}

pub fn component_take_output(state: &mut OpState, instance: u32, stream: u32) -> WasmResult<Vec<u8>> {
    component_of(state, instance)?.streams.take(stream)
}

pub async fn component_get_fuel(state: Rc<RefCell<OpState>>, instance: u32) -> WasmResult<f64> {
    let instance = component_of(&state.borrow(), instance)?;
    instance.fuel().await
}

pub async fn component_set_fuel(state: Rc<RefCell<OpState>>, instance: u32, fuel: f64) -> WasmResult<()> {
    let instance = component_of(&state.borrow(), instance)?;
    instance.set_fuel(fuel).await
}

pub fn component_drop(state: &mut OpState, instance: u32) -> WasmResult<()> {
    wasm_of(state)?.remove_component_instance(instance)
}

pub fn module_component_types(state: &mut OpState, module: u32) -> WasmResult<String> {
    let wasm = wasm_of(state)?;
    let compiled = wasm.component(module)?;
    Ok(crate::component::typescript::declarations(&compiled.component, &wasm.engine, &compiled.name))
}

pub async fn component_resource_release(state: Rc<RefCell<OpState>>, instance: u32, resource: u32) -> WasmResult<()> {
    let instance = component_of(&state.borrow(), instance)?;
    instance.release_resource(resource).await
}

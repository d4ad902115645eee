//! The deno_core side of the op bodies, by the names the generated shims call
//! (`spec/runtime-wasm.kdl`, `op ... impl=`): each takes the `WasmState` out of `OpState`,
//! turns JS buffers into bytes, and calls the engine-neutral function of its concern.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use deno_core::{JsBuffer, OpState};

use crate::config::WasmConfig;
use crate::error::{ErrorCode, WasmError, WasmResult};
use crate::generated::{CallArg, CallOptions, ExportInfo, FunctionInfo, InstantiateOptions};
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
        None => Err(WasmError::bug(ErrorCode::InvalidModuleHandle, "runtime_wasm extension state missing")),
    }
}

fn wasm(state: &Rc<RefCell<OpState>>) -> WasmResult<Arc<WasmState>> {
    wasm_of(&state.borrow())
}

pub async fn module_compile(state: Rc<RefCell<OpState>>, bytes: JsBuffer) -> WasmResult<u32> {
    crate::module::compile(wasm(&state)?, bytes.to_vec()).await
}

pub async fn module_compile_file(state: Rc<RefCell<OpState>>, path: String) -> WasmResult<u32> {
    crate::module::compile_file(wasm(&state)?, path).await
}

pub fn module_drop(state: &mut OpState, module: u32) -> WasmResult<()> {
    crate::module::drop_module(&*wasm_of(state)?, module)
}

pub async fn instance_create(state: Rc<RefCell<OpState>>, module: u32, options: InstantiateOptions) -> WasmResult<u32> {
    crate::instance::instantiate(wasm(&state)?, module, options).await
}

pub fn instance_create_sync(state: &mut OpState, module: u32) -> WasmResult<u32> {
    crate::instance::instantiate_now(&*wasm_of(state)?, module)
}

pub fn function_check_args(state: &mut OpState, instance: u32, name: String, args: Vec<CallArg>) -> WasmResult<()> {
    crate::call::check_args(&*wasm_of(state)?, instance, &name, &args)
}

pub async fn instance_run(state: Rc<RefCell<OpState>>, instance: u32, options: CallOptions) -> WasmResult<i32> {
    crate::call::run(wasm(&state)?, instance, options).await
}

pub fn instance_take_output(state: &mut OpState, instance: u32, stream: u32) -> WasmResult<Vec<u8>> {
    crate::stdio::take_output(&*wasm_of(state)?, instance, stream)
}

pub fn function_get(state: &mut OpState, instance: u32, name: String) -> WasmResult<FunctionInfo> {
    crate::function::get_function(&*wasm_of(state)?, instance, &name)
}

pub fn function_call_sync(state: &mut OpState, instance: u32, index: u32, slots: &mut [u8]) -> WasmResult<u32> {
    crate::function::function_call_sync(&*wasm_of(state)?, instance, index, slots)
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
    crate::function::function_call_numbers(&*wasm_of(state)?, instance, index, count, [a, b, c, d])
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
    crate::function::function_call_numbers_async(wasm(&state)?, instance, index, count, [a, b, c, d]).await
}

pub async fn function_call(state: Rc<RefCell<OpState>>, instance: u32, index: u32, slots: JsBuffer) -> WasmResult<Vec<u8>> {
    crate::function::function_call(wasm(&state)?, instance, index, slots.to_vec()).await
}

pub async fn function_call_with(
    state: Rc<RefCell<OpState>>,
    instance: u32,
    index: u32,
    slots: JsBuffer,
    options: CallOptions,
) -> WasmResult<Vec<u8>> {
    crate::function::function_call_with(wasm(&state)?, instance, index, slots.to_vec(), options).await
}

pub async fn function_call_batch(
    state: Rc<RefCell<OpState>>,
    instance: u32,
    index: u32,
    count: u32,
    slots: JsBuffer,
) -> WasmResult<Vec<u8>> {
    crate::function::function_call_batch(wasm(&state)?, instance, index, count, slots.to_vec()).await
}

pub fn memory_read_sync(state: &mut OpState, instance: u32, offset: f64, target: &mut [u8]) -> WasmResult<bool> {
    crate::memory::memory_read_into(&*wasm_of(state)?, instance, offset, target)
}

pub fn memory_write_sync(state: &mut OpState, instance: u32, offset: f64, data: &mut [u8]) -> WasmResult<bool> {
    crate::memory::memory_write_now(&*wasm_of(state)?, instance, offset, data)
}

pub fn instance_exports(state: &mut OpState, instance: u32) -> WasmResult<Vec<ExportInfo>> {
    crate::instance::get_exports(&*wasm_of(state)?, instance)
}

pub async fn memory_read(state: Rc<RefCell<OpState>>, instance: u32, offset: f64, length: f64) -> WasmResult<Vec<u8>> {
    crate::memory::memory_read(&*wasm(&state)?, instance, offset, length).await
}

pub async fn memory_write(state: Rc<RefCell<OpState>>, instance: u32, offset: f64, data: JsBuffer) -> WasmResult<()> {
    crate::memory::memory_write(&*wasm(&state)?, instance, offset, data.to_vec()).await
}

pub async fn memory_size(state: Rc<RefCell<OpState>>, instance: u32) -> WasmResult<u32> {
    crate::memory::memory_size(&*wasm(&state)?, instance).await
}

pub async fn memory_grow(state: Rc<RefCell<OpState>>, instance: u32, delta: f64) -> WasmResult<u32> {
    crate::memory::memory_grow(&*wasm(&state)?, instance, delta).await
}

pub async fn instance_set_fuel(state: Rc<RefCell<OpState>>, instance: u32, fuel: f64) -> WasmResult<()> {
    crate::fuel::set_fuel(wasm(&state)?, instance, fuel).await
}

pub async fn instance_get_fuel(state: Rc<RefCell<OpState>>, instance: u32) -> WasmResult<f64> {
    crate::fuel::get_fuel(wasm(&state)?, instance).await
}

pub fn instance_drop(state: &mut OpState, instance: u32) -> WasmResult<()> {
    crate::instance::drop_instance(&*wasm_of(state)?, instance)
}

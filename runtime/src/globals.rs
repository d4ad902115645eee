//! `instance.getGlobal`: reading and writing an instance's exported globals from JS.
//!
//! Values cross with the call converter (`values.rs`): a new value is converted like a call
//! argument (same exactness rules, same 5007s), and a read comes back in a result slot.
//! The type checks use the module's declaration, so they answer without the instance's
//! lock; the value itself is read or written under the lock, taken like memory accesses
//! take it (at once on the JS thread when free, else on a worker).

use std::sync::Arc;

use wasmtime::{ExternType, GlobalType, Mutability, ValType};

use crate::error::{WasmError, WasmResult};
use crate::generated::{CallArg, GlobalInfo};
use crate::instance::{Instance, InstanceStore};
use crate::values::{convert, type_name, value_type, write_slot, Arg, SLOT};

/// The declared type of the exported global `name` (5003 when there is no such global).
fn declared(instance: &Instance, name: &str) -> WasmResult<GlobalType> {
    match instance.module.get_export(name) {
        Some(ExternType::Global(ty)) => Ok(ty),
        Some(_) => Err(WasmError::export_not_found(format!("export \"{name}\" is not a global"))),
        None => Err(WasmError::export_not_found(format!("the instance has no export named \"{name}\""))),
    }
}

/// The global's value type when JS can hold its values; v128 and references are a 5007
/// (as for call parameters and results of those types).
fn js_type(name: &str, ty: &GlobalType) -> WasmResult<ValType> {
    match ty.content() {
        ValType::I32 | ValType::I64 | ValType::F32 | ValType::F64 => Ok(ty.content().clone()),
        other => Err(WasmError::type_mismatch(format!(
            "global \"{name}\" is of type {}, which cannot be read or written from JavaScript",
            type_name(value_type(other))
        ))),
    }
}

/// `getGlobal`: the global's type and mutability, from the module alone.
pub fn resolve(instance: &Instance, name: &str) -> WasmResult<GlobalInfo> {
    let ty = declared(instance, name)?;
    Ok(GlobalInfo { r#type: value_type(ty.content()), mutable: ty.mutability() == Mutability::Var })
}

/// The live global behind the export. The instance is of the module whose export was
/// checked, so a miss here is a broken invariant, not a script's mistake.
fn live(store: &mut InstanceStore, name: &str) -> WasmResult<wasmtime::Global> {
    store
        .instance
        .get_global(&mut store.store, name)
        .ok_or_else(|| WasmError::bug(format!("the module exports global \"{name}\" but its instance does not")))
}

/// The global's value in one result slot.
fn read(store: &mut InstanceStore, name: &str) -> WasmResult<Vec<u8>> {
    let value = live(store, name)?.get(&mut store.store);
    let mut slot = vec![0u8; SLOT];
    write_slot(name, 0, &value, &mut slot)?;
    Ok(slot)
}

/// Read the global on the JS thread; an empty buffer when a call holds the instance.
/// Type errors come first, whether or not the instance is busy.
pub fn get_now(instance: &Instance, name: &str) -> WasmResult<Vec<u8>> {
    js_type(name, &declared(instance, name)?)?;
    let Some(mut store) = instance.try_lock() else { return Ok(Vec::new()) };
    read(&mut store, name)
}

/// Read the global, waiting for a call in flight on a worker; the value in one result slot.
pub async fn get(instance: Arc<Instance>, name: String) -> WasmResult<Vec<u8>> {
    js_type(&name, &declared(&instance, &name)?)?;
    Instance::with_store(instance, move |store| read(store, &name)).await
}

/// The value `arg` converted for the mutable global `name`, checked before any lock.
fn new_value(instance: &Instance, name: &str, arg: &CallArg) -> WasmResult<wasmtime::Val> {
    let declared = declared(instance, name)?;
    if declared.mutability() != Mutability::Var {
        return Err(WasmError::type_mismatch(format!("global \"{name}\" is immutable")));
    }
    let ty = js_type(name, &declared)?;
    convert(&ty, &Arg::from_wire(arg), || format!("global \"{name}\" ({})", type_name(value_type(&ty))))
}

fn write(store: &mut InstanceStore, name: &str, value: wasmtime::Val) -> WasmResult<()> {
    // Mutability and type were checked against the declaration: a refusal is a bug.
    live(store, name)?
        .set(&mut store.store, value)
        .map_err(|e| WasmError::bug(format!("setting global \"{name}\" after its checks failed: {e}")))
}

/// Write the global on the JS thread; `false` (nothing written) when a call holds the
/// instance. A bad value fails either way.
pub fn set_now(instance: &Instance, name: &str, arg: &CallArg) -> WasmResult<bool> {
    let value = new_value(instance, name, arg)?;
    let Some(mut store) = instance.try_lock() else { return Ok(false) };
    write(&mut store, name, value)?;
    Ok(true)
}

/// Write the global, waiting for a call in flight on a worker.
pub async fn set(instance: Arc<Instance>, name: String, arg: CallArg) -> WasmResult<()> {
    let value = new_value(&instance, &name, &arg)?;
    Instance::with_store(instance, move |store| write(store, &name, value)).await
}

//! `WasmError`: the one error type every op returns, carrying a spec-defined `ErrorCode`.
//!
//! On the JS side it becomes an instance of the exported `WasmError` class (registered by
//! `js/10_wasm.js`) with numeric `code`, the code's `name`, and `exitCode` for WASI exits.

use std::borrow::Cow;
use std::fmt;

use deno_error::{AdditionalProperties, JsErrorClass, PropertyValue};

pub use crate::generated::ErrorCode;

/// The JS class name the runtime's error builder is registered under.
pub const JS_CLASS: &str = "WasmError";

/// A failure of a `runtime:wasm` operation.
#[derive(Debug, Clone)]
pub struct WasmError {
    pub code: ErrorCode,
    pub message: String,
    /// For a WASI program that called `proc_exit` with a non-zero code.
    pub exit_code: Option<i32>,
}

impl WasmError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), exit_code: None }
    }

    pub fn with_exit_code(mut self, exit_code: i32) -> Self {
        self.exit_code = Some(exit_code);
        self
    }

    pub fn compile(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::CompileError, message)
    }
    pub fn instantiate(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InstantiateError, message)
    }
    pub fn call(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::CallError, message)
    }
    pub fn export_not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ExportNotFound, message)
    }
    pub fn memory(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::MemoryError, message)
    }
    pub fn type_mismatch(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::TypeError, message)
    }
    pub fn io(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::IoError, message)
    }
    pub fn permission(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::PermissionDenied, message)
    }
    pub fn wasi(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::WasiError, message)
    }
    pub fn invalid_module(handle: u32) -> Self {
        Self::new(
            ErrorCode::InvalidModuleHandle,
            format!("module handle {handle} is not valid: it was never returned by compile/compileFile or it has been dropped"),
        )
    }
    pub fn invalid_instance(handle: u32) -> Self {
        Self::new(ErrorCode::InvalidInstanceHandle, format!("instance {handle} is not valid: it has been dropped"))
    }

    /// An internal invariant failed: 5013 (InternalError), never a panic, and never a
    /// code that blames the script or the module.
    pub fn bug(what: impl fmt::Display) -> Self {
        Self::new(ErrorCode::InternalError, format!("internal error in ext_wasm (please report): {what}"))
    }
}

impl fmt::Display for WasmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{} {}] {}", self.code.code(), self.code.name(), self.message)
    }
}

impl std::error::Error for WasmError {}

impl JsErrorClass for WasmError {
    fn get_class(&self) -> Cow<'static, str> {
        Cow::Borrowed(JS_CLASS)
    }

    fn get_message(&self) -> Cow<'static, str> {
        Cow::Owned(self.message.clone())
    }

    fn get_additional_properties(&self) -> AdditionalProperties {
        let mut props = vec![(Cow::Borrowed("code"), PropertyValue::Number(f64::from(self.code.code())))];
        if let Some(exit_code) = self.exit_code {
            props.push((Cow::Borrowed("exitCode"), PropertyValue::Number(f64::from(exit_code))));
        }
        Box::new(props.into_iter())
    }

    fn get_ref(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self
    }
}

pub type WasmResult<T> = Result<T, WasmError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_failures_have_their_own_code() {
        let error = WasmError::bug("the thread running the call ended without a result");
        assert_eq!(error.code, ErrorCode::InternalError);
        assert_eq!(error.code.code(), 5013);
        assert!(
            error.to_string().starts_with("[5013 InternalError] internal error in ext_wasm (please report)"),
            "{error}"
        );
    }
}

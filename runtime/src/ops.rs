//! The hand-written op bodies, by the names the generated shims call
//! (`spec/runtime-wasm.kdl`, `op ... impl=`). Each lives in the module of its concern.

pub use crate::call::call;
pub use crate::fuel::{get_fuel, set_fuel};
pub use crate::instance::{drop_instance, get_exports, instantiate};
pub use crate::memory::{memory_grow, memory_read, memory_size, memory_write};
pub use crate::module::{compile, compile_file, drop_module};

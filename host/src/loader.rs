//! The host's module loader: `file:` modules from disk, TypeScript stripped by deno_ast
//! (a real transpiler), with source maps so stack traces point at the `.ts` lines.
//! `runtime:wasm` is served by the extension itself (deno_core `synthetic_esm`).

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use deno_ast::{MediaType, ParseParams, SourceMapOption};
use deno_core::error::ModuleLoaderError;
use deno_core::{
    resolve_import, ModuleLoadOptions, ModuleLoadReferrer, ModuleLoadResponse, ModuleLoader, ModuleSource,
    ModuleSourceCode, ModuleSpecifier, ModuleType, ResolutionKind,
};
use deno_error::JsErrorBox;

#[derive(Default)]
pub struct HostModuleLoader {
    source_maps: RefCell<HashMap<String, Vec<u8>>>,
}

impl HostModuleLoader {
    pub fn new() -> Rc<Self> {
        Rc::new(Self::default())
    }

    fn load_file(&self, specifier: &ModuleSpecifier) -> Result<ModuleSource, ModuleLoaderError> {
        let path = specifier.to_file_path().map_err(|_| {
            JsErrorBox::generic(format!(
                "cannot load \"{specifier}\": only file: modules and runtime:wasm can be imported"
            ))
        })?;
        let media_type = MediaType::from_path(&path);
        let (module_type, transpile) = match media_type {
            MediaType::JavaScript | MediaType::Mjs => (ModuleType::JavaScript, false),
            MediaType::TypeScript | MediaType::Mts | MediaType::Jsx | MediaType::Tsx => (ModuleType::JavaScript, true),
            MediaType::Json => (ModuleType::Json, false),
            _ => {
                return Err(JsErrorBox::generic(format!(
                    "cannot load \"{}\": unsupported file type (use .js, .mjs, .ts, .mts, .tsx or .json)",
                    path.display()
                )))
            }
        };
        let code = std::fs::read_to_string(&path)
            .map_err(|e| JsErrorBox::generic(format!("cannot read module \"{}\": {e}", path.display())))?;
        let code = if transpile { self.transpile(specifier, code, media_type)? } else { code };
        Ok(ModuleSource::new(module_type, ModuleSourceCode::String(code.into()), specifier, None))
    }

    fn transpile(
        &self,
        specifier: &ModuleSpecifier,
        code: String,
        media_type: MediaType,
    ) -> Result<String, ModuleLoaderError> {
        let parsed = deno_ast::parse_module(ParseParams {
            specifier: specifier.clone(),
            text: code.into(),
            media_type,
            capture_tokens: false,
            scope_analysis: false,
            maybe_syntax: None,
        })
        .map_err(JsErrorBox::from_err)?;
        let emitted = parsed
            .transpile(
                &deno_ast::TranspileOptions {
                    imports_not_used_as_values: deno_ast::ImportsNotUsedAsValues::Remove,
                    ..Default::default()
                },
                &deno_ast::TranspileModuleOptions { module_kind: None },
                &deno_ast::EmitOptions {
                    source_map: SourceMapOption::Separate,
                    inline_sources: true,
                    ..Default::default()
                },
            )
            .map_err(JsErrorBox::from_err)?
            .into_source();
        if let Some(map) = emitted.source_map {
            self.source_maps.borrow_mut().insert(specifier.to_string(), map.into_bytes());
        }
        Ok(emitted.text)
    }
}

impl ModuleLoader for HostModuleLoader {
    fn resolve(
        &self,
        specifier: &str,
        referrer: &str,
        _kind: ResolutionKind,
    ) -> Result<ModuleSpecifier, ModuleLoaderError> {
        resolve_import(specifier, referrer).map_err(JsErrorBox::from_err)
    }

    fn load(
        &self,
        specifier: &ModuleSpecifier,
        _referrer: Option<&ModuleLoadReferrer>,
        _options: ModuleLoadOptions,
    ) -> ModuleLoadResponse {
        ModuleLoadResponse::Sync(self.load_file(specifier))
    }

    fn get_source_map(&self, specifier: &str) -> Option<Cow<'_, [u8]>> {
        self.source_maps.borrow().get(specifier).map(|v| Cow::Owned(v.clone()))
    }
}

//! Prototype for docs/design/components.md (see Cargo.toml for what it does).
use anyhow::{anyhow, bail, Context, Result};
use serde_json::{json, Map, Value as J};
use wasmtime::component::types::{ComponentItem, Type};
use wasmtime::component::{Component, Linker, ResourceTable, Val};
use wasmtime::{Config, Engine, Store};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

/// The store data a component instance needs for p2 (and p3): a WasiCtx and a ResourceTable.
struct StoreData {
    ctx: WasiCtx,
    table: ResourceTable,
}
impl WasiView for StoreData {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView { ctx: &mut self.ctx, table: &mut self.table }
    }
}

fn build_component() -> Result<Vec<u8>> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    let mut resolve = wit_parser::Resolve::new();
    resolve.push_str("deps/cli/environment.wit", include_str!("deps/cli/environment.wit"))?;
    let pkg = resolve.push_str("plugin.wit", include_str!("plugin.wit"))?;
    let world = resolve.select_world(&[pkg], Some("plugin"))?;
    let mut core = wat::parse_file(format!("{dir}/plugin.wat"))?;
    wit_component::embed_component_metadata(&mut core, &resolve, world, wit_component::StringEncoding::UTF8)?;
    wit_component::ComponentEncoder::default().module(&core)?.validate(true).encode()
}

fn ty_str(t: &Type) -> String {
    match t {
        Type::Bool => "bool".into(),
        Type::S8 => "s8".into(),
        Type::U8 => "u8".into(),
        Type::S16 => "s16".into(),
        Type::U16 => "u16".into(),
        Type::S32 => "s32".into(),
        Type::U32 => "u32".into(),
        Type::S64 => "s64".into(),
        Type::U64 => "u64".into(),
        Type::Float32 => "f32".into(),
        Type::Float64 => "f64".into(),
        Type::Char => "char".into(),
        Type::String => "string".into(),
        Type::List(l) => format!("list<{}>", ty_str(&l.ty())),
        Type::Record(r) => format!(
            "record {{ {} }}",
            r.fields().map(|f| format!("{}: {}", f.name, ty_str(&f.ty))).collect::<Vec<_>>().join(", ")
        ),
        Type::Tuple(t) => format!("tuple<{}>", t.types().map(|t| ty_str(&t)).collect::<Vec<_>>().join(", ")),
        Type::Variant(v) => format!(
            "variant {{ {} }}",
            v.cases()
                .map(|c| match c.ty {
                    Some(t) => format!("{}({})", c.name, ty_str(&t)),
                    None => c.name.to_string(),
                })
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Type::Enum(e) => format!("enum {{ {} }}", e.names().collect::<Vec<_>>().join(", ")),
        Type::Flags(f) => format!("flags {{ {} }}", f.names().collect::<Vec<_>>().join(", ")),
        Type::Option(o) => format!("option<{}>", ty_str(&o.ty())),
        Type::Result(r) => format!(
            "result<{}, {}>",
            r.ok().map(|t| ty_str(&t)).unwrap_or("_".into()),
            r.err().map(|t| ty_str(&t)).unwrap_or("_".into())
        ),
        Type::Own(_) => "own<resource>".into(),
        Type::Borrow(_) => "borrow<resource>".into(),
        other => format!("{other:?}"),
    }
}

fn camel(kebab: &str) -> String {
    let mut out = String::new();
    let mut up = false;
    for c in kebab.chars() {
        if c == '-' {
            up = true
        } else if up {
            out.extend(c.to_uppercase());
            up = false
        } else {
            out.push(c)
        }
    }
    out
}

/// JS-like value (JSON here; bigint/Uint8Array in the real op) -> Val, by the declared type.
fn to_val(t: &Type, v: &J, path: &str) -> Result<Val> {
    let bad = || anyhow!("5007: {path}: expected {}, got {v}", ty_str(t));
    Ok(match t {
        Type::Bool => Val::Bool(v.as_bool().ok_or_else(bad)?),
        Type::U8 => Val::U8(v.as_u64().and_then(|n| u8::try_from(n).ok()).ok_or_else(bad)?),
        Type::S32 => Val::S32(v.as_i64().and_then(|n| i32::try_from(n).ok()).ok_or_else(bad)?),
        Type::U32 => Val::U32(v.as_u64().and_then(|n| u32::try_from(n).ok()).ok_or_else(bad)?),
        Type::S64 => Val::S64(v.as_i64().ok_or_else(bad)?),
        Type::U64 => Val::U64(v.as_u64().ok_or_else(bad)?),
        Type::Float32 => Val::Float32(v.as_f64().ok_or_else(bad)? as f32),
        Type::Float64 => Val::Float64(v.as_f64().ok_or_else(bad)?),
        Type::Char => {
            let s = v.as_str().ok_or_else(bad)?;
            let mut cs = s.chars();
            match (cs.next(), cs.next()) {
                (Some(c), None) => Val::Char(c),
                _ => bail!(bad()),
            }
        }
        Type::String => Val::String(v.as_str().ok_or_else(bad)?.to_string()),
        Type::List(l) => Val::List(
            v.as_array()
                .ok_or_else(bad)?
                .iter()
                .enumerate()
                .map(|(i, e)| to_val(&l.ty(), e, &format!("{path}[{i}]")))
                .collect::<Result<_>>()?,
        ),
        Type::Record(r) => {
            let o = v.as_object().ok_or_else(bad)?;
            Val::Record(
                r.fields()
                    .map(|f| {
                        let k = camel(f.name);
                        let e = o.get(&k).ok_or_else(|| anyhow!("5007: {path}.{k}: missing field"))?;
                        Ok((f.name.to_string(), to_val(&f.ty, e, &format!("{path}.{k}"))?))
                    })
                    .collect::<Result<_>>()?,
            )
        }
        Type::Enum(e) => {
            let s = v.as_str().ok_or_else(bad)?;
            if !e.names().any(|n| n == s) {
                bail!(bad())
            }
            Val::Enum(s.to_string())
        }
        Type::Flags(f) => {
            let o = v.as_object().ok_or_else(bad)?;
            Val::Flags(
                f.names().filter(|n| o.get(&camel(n)).and_then(J::as_bool) == Some(true)).map(String::from).collect(),
            )
        }
        Type::Variant(var) => {
            let tag = v.get("tag").and_then(J::as_str).ok_or_else(bad)?;
            let case = var.cases().find(|c| c.name == tag).ok_or_else(bad)?;
            let payload = match case.ty {
                Some(t) => Some(Box::new(to_val(&t, v.get("val").unwrap_or(&J::Null), &format!("{path}.val"))?)),
                None => None,
            };
            Val::Variant(tag.to_string(), payload)
        }
        Type::Option(o) => match v {
            J::Null => Val::Option(None),
            _ => Val::Option(Some(Box::new(to_val(&o.ty(), v, path)?))),
        },
        _ => bail!("prototype: {} not converted", ty_str(t)),
    })
}

/// Val -> JS-like value. A result's err arm becomes Err(payload) (the JS side throws WasmError).
fn from_val(v: &Val) -> std::result::Result<J, J> {
    Ok(match v {
        Val::Bool(b) => json!(b),
        Val::U8(n) => json!(n),
        Val::S32(n) => json!(n),
        Val::U32(n) => json!(n),
        Val::S64(n) => json!(format!("{n}n")),
        Val::U64(n) => json!(format!("{n}n")),
        Val::Float32(f) => json!(f),
        Val::Float64(f) => json!(f),
        Val::Char(c) => json!(c.to_string()),
        Val::String(s) => json!(s),
        Val::List(l) => J::Array(l.iter().map(|e| from_val(e)).collect::<std::result::Result<_, _>>()?),
        Val::Record(fs) => J::Object(
            fs.iter().map(|(k, v)| Ok((camel(k), from_val(v)?))).collect::<std::result::Result<Map<_, _>, J>>()?,
        ),
        Val::Enum(s) => json!(s),
        Val::Flags(names) => J::Object(names.iter().map(|n| (camel(n), json!(true))).collect()),
        Val::Variant(tag, p) => match p {
            Some(p) => json!({"tag": tag, "val": from_val(p)?}),
            None => json!({"tag": tag}),
        },
        Val::Option(o) => match o {
            Some(p) => from_val(p)?,
            None => J::Null,
        },
        Val::Result(Ok(p)) => match p {
            Some(p) => from_val(p)?,
            None => J::Null,
        },
        Val::Result(Err(p)) => {
            return Err(match p {
                Some(p) => from_val(p)?,
                None => J::Null,
            })
        }
        Val::Resource(r) => json!(format!("<resource {:?}>", r.ty())),
        other => json!(format!("{other:?}")),
    })
}

fn wasi_store(engine: &Engine) -> Store<StoreData> {
    let ctx = WasiCtx::builder().args(&["plugin", "one", "two"]).inherit_stdout().inherit_stderr().build();
    Store::new(engine, StoreData { ctx, table: ResourceTable::new() })
}

async fn call_json(
    store: &mut Store<StoreData>,
    inst: &wasmtime::component::Instance,
    iface: Option<&str>,
    name: &str,
    args: J,
) -> Result<std::result::Result<J, J>> {
    let parent = iface.map(|i| inst.get_export_index(&mut *store, None, i).expect("interface"));
    let idx = inst.get_export_index(&mut *store, parent.as_ref(), name).with_context(|| format!("no export {name}"))?;
    let func = inst.get_func(&mut *store, idx).context("not a func")?;
    let ty = func.ty(&*store);
    let args = args.as_array().cloned().unwrap_or_default();
    let params = ty
        .params()
        .zip(args.iter())
        .map(|((pname, pty), a)| to_val(&pty, a, &format!("{name}({})", camel(pname))))
        .collect::<Result<Vec<_>>>()?;
    let mut results = vec![Val::Bool(false); ty.results().len()];
    func.call_async(&mut *store, &params, &mut results).await?;
    Ok(match results.first() {
        Some(v) => from_val(v),
        None => Ok(J::Null),
    })
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let mut config = Config::new();
    config.wasm_component_model(true);
    let engine = Engine::new(&config)?;

    // 1. Build and compile; tell the kinds apart by the header.
    let bytes = build_component()?;
    println!("component: {} bytes, header {:02x?} (core module: 00 61 73 6d 01 00 00 00)", bytes.len(), &bytes[..8]);
    println!(
        "wasmparser::Parser::is_component = {}, is_core_wasm = {}",
        wasmparser_is(&bytes, true),
        wasmparser_is(&bytes, false)
    );
    let component = Component::new(&engine, &bytes)?;

    // 2. Enumerate imports and exports with their types, before instantiation.
    let cty = component.component_type();
    for (name, _) in cty.imports(&engine) {
        println!("import {name}");
    }
    for (name, item) in cty.exports(&engine) {
        print_item(&engine, name, &item.ty, "");
    }

    // 3. Link WASI p2 and instantiate.
    let mut linker: Linker<StoreData> = Linker::new(&engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
    let mut store = wasi_store(&engine);
    let inst = linker.instantiate_async(&mut store, &component).await?;

    // 4. Calls, values converted both ways by the declared types.
    let api = Some("my:plugin/api@0.1.0");
    let cases: Vec<(Option<&str>, &str, J)> = vec![
        (None, "add", json!([40, 2])),
        (None, "argc", json!([])),
        (api, "greet", json!(["components"])),
        (api, "check", json!([21])),
        (api, "check", json!([-1])),
        (api, "next-color", json!(["blue"])),
        (api, "norm1", json!([{"xCoord": -3, "yCoord": 4}])),
        (api, "toggle", json!([{"read": true, "exec": false}])),
        (api, "double", json!([21])),
        (api, "double", json!([null])),
        (api, "area", json!([{"tag": "circle", "val": 1.0}])),
        (api, "area", json!([{"tag": "square", "val": 3}])),
        (api, "area", json!([{"tag": "nothing"}])),
        (api, "echo-bytes", json!([[1, 2, 255]])),
        (api, "same-char", json!(["é"])),
        (api, "next-color", json!(["purple"])),
        (api, "norm1", json!([{"xCoord": 1}])),
        (api, "double", json!([300])),
    ];
    for (iface, name, args) in cases {
        let label = match iface {
            Some(i) => format!("{i}#{name}"),
            None => name.to_string(),
        };
        match call_json(&mut store, &inst, iface, name, args.clone()).await {
            Ok(Ok(v)) => println!("call {label}{args} -> {v}"),
            Ok(Err(payload)) => println!("call {label}{args} -> throws WasmError, payload {payload}"),
            Err(e) => println!("call {label}{args} -> error {e:#}"),
        }
    }

    // 5. Resources: constructor, method with a borrow, explicit drop.
    let api_idx = inst.get_export_index(&mut store, None, "my:plugin/api@0.1.0").unwrap();
    let ctor_idx = inst.get_export_index(&mut store, Some(&api_idx), "[constructor]counter").unwrap();
    let incr_idx = inst.get_export_index(&mut store, Some(&api_idx), "[method]counter.incr").unwrap();
    let ctor = inst.get_func(&mut store, ctor_idx).unwrap();
    let incr = inst.get_func(&mut store, incr_idx).unwrap();
    let mut out = [Val::Bool(false)];
    ctor.call_async(&mut store, &[Val::U32(10)], &mut out).await?;
    let Val::Resource(counter) = out[0].clone() else { bail!("not a resource") };
    println!("counter = {:?} (own: {})", out[0], counter.owned());
    for _ in 0..2 {
        let mut r = [Val::Bool(false)];
        incr.call_async(&mut store, &[Val::Resource(counter)], &mut r).await?;
        println!("counter.incr() -> {}", from_val(&r[0]).unwrap());
    }
    counter.resource_drop_async(&mut store).await?;
    let mut r = [Val::Bool(false)];
    match incr.call_async(&mut store, &[Val::Resource(counter)], &mut r).await {
        Ok(()) => println!("after drop: incr -> {:?} (unexpected)", r[0]),
        Err(e) => println!("after drop: incr -> error {e:#}"),
    }
    // Is the instance still usable after that failed call?
    match call_json(&mut store, &inst, None, "add", json!([1, 2])).await {
        Ok(r) => println!("after the error: add(1, 2) -> {r:?}"),
        Err(e) => println!("after the error: add(1, 2) -> error {e:#}"),
    }

    // 6. The wasi-testsuite wasm32-wasip3 components: which linker instantiates them?
    testsuite().await?;
    Ok(())
}

fn wasmparser_is(bytes: &[u8], component: bool) -> bool {
    // The 8-byte header: magic, then version 0x0d 0x00 and layer 0x01 0x00 for a component
    // (a core module has version 1, layer 0).
    bytes.len() >= 8 && &bytes[..4] == b"\0asm" && (bytes[6..8] == [1, 0]) == component
}

fn print_item(engine: &Engine, name: &str, item: &ComponentItem, indent: &str) {
    match item {
        ComponentItem::ComponentFunc(f) => {
            let ps = f.params().map(|(n, t)| format!("{n}: {}", ty_str(&t))).collect::<Vec<_>>().join(", ");
            let rs = f.results().map(|t| ty_str(&t)).collect::<Vec<_>>().join(", ");
            println!("{indent}export func {name}({ps}) -> ({rs}){}", if f.async_() { " async" } else { "" });
        }
        ComponentItem::ComponentInstance(i) => {
            println!("{indent}export instance {name}");
            for (n, it) in i.exports(engine) {
                print_item(engine, n, &it.ty, &format!("{indent}  "));
            }
        }
        ComponentItem::Type(t) => println!("{indent}export type {name} = {}", ty_str(t)),
        ComponentItem::Resource(_) => println!("{indent}export resource {name}"),
        _ => println!("{indent}export {name}: other"),
    }
}

async fn testsuite() -> Result<()> {
    // The suite's wasip3 components: `WASIP3_DIR`, else where `cargo xtask wasi-testsuite`
    // looks for the suite by default, relative to the repository root.
    let dir = std::env::var("WASIP3_DIR")
        .unwrap_or_else(|_| "../shared/wasi-testsuite/tests/rust/testsuite/wasm32-wasip3".to_string());
    let dir = dir.as_str();
    let mut config = Config::new();
    config.wasm_component_model(true).wasm_component_model_async(true);
    let engine = Engine::new(&config)?;
    let mut p2: Linker<StoreData> = Linker::new(&engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut p2)?;
    let mut p3: Linker<StoreData> = Linker::new(&engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut p3)?;
    wasmtime_wasi::p3::add_to_linker(&mut p3)?;
    let mut names: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".wasm"))
        .collect();
    names.sort();
    for n in names {
        let c = match Component::from_file(&engine, format!("{dir}/{n}")) {
            Ok(c) => c,
            Err(e) => {
                println!("{n}: compile error {e:#}");
                continue;
            }
        };
        let imports: Vec<String> = c.component_type().imports(&engine).map(|(i, _)| i.to_string()).collect();
        let exports: Vec<String> = c.component_type().exports(&engine).map(|(i, _)| i.to_string()).collect();
        let p2_ok = p2.instantiate_pre(&c).map(|_| ()).map_err(|e| format!("{e:#}"));
        let p3_ok = p3.instantiate_pre(&c).map(|_| ()).map_err(|e| format!("{e:#}"));
        println!(
            "{n}: exports {exports:?}; imports {} (first {:?}); p2 link: {}; p3 link: {}",
            imports.len(),
            imports.first(),
            short(&p2_ok),
            short(&p3_ok)
        );
    }
    // Run one p3 command end to end: wasi:cli/run@0.3.x#run via the p3 bindings.
    let c = Component::from_file(&engine, format!("{dir}/cli-exit.wasm"))?;
    let mut store = wasi_store(&engine);
    let cmd = wasmtime_wasi::p3::bindings::Command::instantiate_async(&mut store, &c, &p3).await;
    match cmd {
        Ok(cmd) => {
            let r = store.run_concurrent(async |s| cmd.wasi_cli_run().call_run(s).await).await;
            match r {
                Ok(Ok(v)) => println!("cli-exit.wasm via p3 Command: returned {v:?}"),
                Ok(Err(e)) | Err(e) => println!(
                    "cli-exit.wasm via p3 Command: exit code {:?} ({})",
                    e.downcast_ref::<wasmtime_wasi::I32Exit>().map(|x| x.0),
                    e.root_cause()
                ),
            }
        }
        Err(e) => println!("cli-exit.wasm via p3 Command: instantiate error {e:#}"),
    }
    Ok(())
}

fn short(r: &std::result::Result<(), String>) -> String {
    match r {
        Ok(()) => "ok".into(),
        Err(e) => format!("FAILS ({})", e.chars().take(140).collect::<String>()),
    }
}

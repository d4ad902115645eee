//! Component values between JS and Wasmtime, by the function's declared WIT types, with
//! jco's mapping (the one JS users of components know):
//!
//! - bool; s8..u32, f32 and f64 as numbers; s64 and u64 as bigints (a safe-integer
//!   number is accepted in); char as a one-code-point string; string;
//! - `list<u8>` as a `Uint8Array` (an array of numbers is accepted in), other lists as arrays;
//! - records as objects with camelCase fields; tuples as arrays;
//! - variants as `{ tag, val }`; enums as strings; flags as objects of booleans;
//! - `option<T>` as T or undefined (null is accepted in); when T is itself an option, the
//!   inner one is `{ tag: "some", val } | { tag: "none" }`;
//! - `result<T, E>` as `{ tag: "ok" | "err", val }` inside other values; as a function's
//!   own result it is unwrapped by the caller (`super::call`);
//! - resources as handles in the instance's table (`Resources`).
//!
//! Every check happens here, before the call: a component instance that fails inside
//! Wasmtime cannot be entered again, so nothing that JS passes may fail there. A value
//! that does not fit is a 5007 naming its path (`norm1(p).yCoord`).

use std::collections::HashMap;

use wasmtime::component::types::{Field, Type};
use wasmtime::component::{ResourceAny, ResourceType, Val};

use super::wire::{Wire, Writer, ARRAY, FALSE, OBJECT, RESOURCE, TRUE, UNDEFINED};
use crate::error::{WasmError, WasmResult};

/// The resources JS holds of one instance: handle -> resource, with the key of each
/// resource's type (`my:plugin/api@0.1.0#counter`) so JS can give it its methods.
#[derive(Default)]
pub struct Resources {
    next: u32,
    live: HashMap<u32, ResourceAny>,
    /// Resource types the instance exports, with their keys.
    pub names: Vec<(ResourceType, String)>,
}

impl Resources {
    fn add(&mut self, resource: ResourceAny) -> u32 {
        self.next = self.next.wrapping_add(1).max(1);
        while self.live.contains_key(&self.next) {
            self.next = self.next.wrapping_add(1).max(1);
        }
        self.live.insert(self.next, resource);
        self.next
    }

    /// Take a resource out of the table: it is dropped, or its ownership moved into the guest.
    pub fn take(&mut self, handle: u32) -> Option<ResourceAny> {
        self.live.remove(&handle)
    }

    fn key(&self, ty: &ResourceType) -> &str {
        self.names.iter().find(|(t, _)| t == ty).map_or("", |(_, key)| key.as_str())
    }
}

/// Where a value sits, for messages: `greet(name)`, then `.field`, `[3]`, `.val`. Built
/// lazily, as a chain on the stack: a path is only written out for an error, so a list of
/// a million items costs no string per item.
pub struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    step: Step<'a>,
}

enum Step<'a> {
    Param(&'a str, &'a str),
    Named(&'a str),
    Field(&'a str),
    Index(usize),
    Literal(&'static str),
}

impl<'a> Path<'a> {
    pub fn param(function: &'a str, name: &'a str) -> Self {
        Path { parent: None, step: Step::Param(function, name) }
    }
    /// A path that starts with `what` (a host function's return value).
    pub fn named(what: &'a str) -> Self {
        Path { parent: None, step: Step::Named(what) }
    }
    fn field(&'a self, name: &'a str) -> Path<'a> {
        Path { parent: Some(self), step: Step::Field(name) }
    }
    fn index(&'a self, index: usize) -> Path<'a> {
        Path { parent: Some(self), step: Step::Index(index) }
    }
    fn literal(&'a self, step: &'static str) -> Path<'a> {
        Path { parent: Some(self), step: Step::Literal(step) }
    }
    fn render(&self, out: &mut String) {
        if let Some(parent) = self.parent {
            parent.render(out);
        }
        match self.step {
            Step::Param(function, name) => out.push_str(&format!("{function}({name})")),
            Step::Named(what) => out.push_str(what),
            Step::Field(name) => out.push_str(&format!(".{name}")),
            Step::Index(i) => out.push_str(&format!("[{i}]")),
            Step::Literal(step) => out.push_str(step),
        }
    }
    fn error(&self, message: impl std::fmt::Display) -> WasmError {
        let mut at = String::new();
        self.render(&mut at);
        WasmError::type_mismatch(format!("{at}: {message}"))
    }
    fn expected(&self, what: impl std::fmt::Display, got: &Wire) -> WasmError {
        self.error(format!("expected {what}, got {}", got.describe()))
    }
}

/// What `to_val` did with resources, applied only once every argument converted: an
/// `own` argument moves its resource into the guest, so it leaves the table, but not for
/// a call that is refused.
#[derive(Default)]
pub struct Moves(Vec<u32>);

impl Moves {
    pub fn apply(self, resources: &mut Resources) {
        for handle in self.0 {
            resources.take(handle);
        }
    }
}

/// A JS value as a value of type `ty`.
pub fn to_val(ty: &Type, wire: &Wire, path: &Path, resources: &Resources, moves: &mut Moves) -> WasmResult<Val> {
    Ok(match ty {
        Type::Bool => match wire {
            Wire::Bool(b) => Val::Bool(*b),
            other => return Err(path.expected("true or false", other)),
        },
        Type::S8 => Val::S8(integer(wire, path, "s8", i8::MIN.into(), i8::MAX.into())? as i8),
        Type::U8 => Val::U8(integer(wire, path, "u8", 0, u8::MAX.into())? as u8),
        Type::S16 => Val::S16(integer(wire, path, "s16", i16::MIN.into(), i16::MAX.into())? as i16),
        Type::U16 => Val::U16(integer(wire, path, "u16", 0, u16::MAX.into())? as u16),
        Type::S32 => Val::S32(integer(wire, path, "s32", i32::MIN.into(), i32::MAX.into())? as i32),
        Type::U32 => Val::U32(integer(wire, path, "u32", 0, u32::MAX.into())? as u32),
        Type::S64 => Val::S64(integer(wire, path, "s64", i64::MIN.into(), i64::MAX.into())? as i64),
        Type::U64 => Val::U64(integer(wire, path, "u64", 0, u64::MAX.into())? as u64),
        Type::Float32 => match wire {
            Wire::Number(n) => Val::Float32(*n as f32),
            other => return Err(path.expected("a number (f32)", other)),
        },
        Type::Float64 => match wire {
            Wire::Number(n) => Val::Float64(*n),
            other => return Err(path.expected("a number (f64)", other)),
        },
        Type::Char => match wire {
            Wire::String(s) => {
                let mut chars = s.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => Val::Char(c),
                    _ => return Err(path.expected("a string of one character (char)", wire)),
                }
            }
            other => return Err(path.expected("a string of one character (char)", other)),
        },
        Type::String => match wire {
            Wire::String(s) => Val::String(s.clone()),
            other => return Err(path.expected("a string", other)),
        },
        Type::List(list) => {
            let item = list.ty();
            match (wire, &item) {
                (Wire::Bytes(bytes), Type::U8) => Val::List(bytes.iter().map(|b| Val::U8(*b)).collect()),
                (Wire::Array(items), _) => Val::List(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, w)| to_val(&item, w, &path.index(i), resources, moves))
                        .collect::<WasmResult<_>>()?,
                ),
                (other, Type::U8) => return Err(path.expected("a Uint8Array or an array of numbers (list<u8>)", other)),
                (other, _) => return Err(path.expected("an array", other)),
            }
        }
        Type::Record(record) => {
            let Wire::Object(given) = wire else {
                return Err(path.expected("an object (record)", wire));
            };
            let fields: Vec<Field> = record.fields().collect();
            let js_names: Vec<String> = fields.iter().map(|f| camel_case(f.name)).collect();
            refuse_unknown_keys(given, &js_names, path)?;
            let mut out = Vec::with_capacity(fields.len());
            for (field, js_name) in fields.iter().zip(&js_names) {
                let at = path.field(js_name);
                let value = lookup(given, js_name);
                let value = match (value, &field.ty) {
                    (Some(v), ty) => to_val(ty, v, &at, resources, moves)?,
                    (None, Type::Option(_)) => Val::Option(None),
                    (None, _) => return Err(at.error("missing field")),
                };
                out.push((field.name.to_string(), value));
            }
            Val::Record(out)
        }
        Type::Tuple(tuple) => {
            let types: Vec<Type> = tuple.types().collect();
            match wire {
                Wire::Array(items) if items.len() == types.len() => Val::Tuple(
                    items
                        .iter()
                        .zip(&types)
                        .enumerate()
                        .map(|(i, (w, t))| to_val(t, w, &path.index(i), resources, moves))
                        .collect::<WasmResult<_>>()?,
                ),
                other => return Err(path.expected(format_args!("an array of {} items (tuple)", types.len()), other)),
            }
        }
        Type::Variant(variant) => {
            let cases: Vec<(String, Option<Type>)> = variant.cases().map(|c| (c.name.to_string(), c.ty)).collect();
            let (tag, val) = tagged(wire, path, cases.iter().map(|(n, _)| n.as_str()))?;
            let (name, payload_ty) = cases.iter().find(|(n, _)| *n == tag).ok_or_else(|| {
                path.error(format!("unknown case {tag:?} (the variant has {})", quoted(cases.iter().map(|(n, _)| n))))
            })?;
            Val::Variant(name.clone(), payload(payload_ty.as_ref(), val, &path.literal(".val"), resources, moves)?)
        }
        Type::Enum(enumeration) => {
            let names: Vec<&str> = enumeration.names().collect();
            match wire {
                Wire::String(s) if names.contains(&s.as_str()) => Val::Enum(s.clone()),
                other => return Err(path.expected(format_args!("one of {}", quoted(names.iter())), other)),
            }
        }
        Type::Flags(flags) => {
            let Wire::Object(given) = wire else {
                return Err(path.expected("an object of booleans (flags)", wire));
            };
            let names: Vec<&str> = flags.names().collect();
            let js_names: Vec<String> = names.iter().map(|name| camel_case(name)).collect();
            refuse_unknown_keys(given, &js_names, path)?;
            let mut set = Vec::new();
            for (name, js_name) in names.iter().zip(&js_names) {
                match lookup(given, js_name) {
                    Some(Wire::Bool(true)) => set.push(name.to_string()),
                    Some(Wire::Bool(false) | Wire::Undefined) | None => {}
                    Some(other) => return Err(path.field(js_name).expected("true or false", other)),
                }
            }
            Val::Flags(set)
        }
        Type::Option(option) => {
            let inner = option.ty();
            match wire {
                Wire::Undefined | Wire::Null => Val::Option(None),
                some if matches!(inner, Type::Option(_)) => {
                    // option<option<T>>: the inner option in tagged form, so that "some none"
                    // and "none" stay apart.
                    let (tag, val) = tagged(some, path, ["some", "none"].into_iter())?;
                    let at = path.literal(".val");
                    match tag.as_str() {
                        "some" => Val::Option(Some(Box::new(to_val(
                            &inner,
                            val.unwrap_or(&Wire::Undefined),
                            &at,
                            resources,
                            moves,
                        )?))),
                        "none" => Val::Option(Some(Box::new(Val::Option(None)))),
                        other => {
                            return Err(path.error(format!("unknown case {other:?} (expected \"some\" or \"none\")")))
                        }
                    }
                }
                some => Val::Option(Some(Box::new(to_val(&inner, some, path, resources, moves)?))),
            }
        }
        Type::Result(result) => {
            let (tag, val) = tagged(wire, path, ["ok", "err"].into_iter())?;
            let at = path.literal(".val");
            match tag.as_str() {
                "ok" => Val::Result(Ok(payload(result.ok().as_ref(), val, &at, resources, moves)?)),
                "err" => Val::Result(Err(payload(result.err().as_ref(), val, &at, resources, moves)?)),
                other => return Err(path.error(format!("unknown case {other:?} (expected \"ok\" or \"err\")"))),
            }
        }
        Type::Own(resource_ty) | Type::Borrow(resource_ty) => {
            let Wire::Resource(handle) = wire else {
                return Err(path.expected("a resource object", wire));
            };
            let resource = resources.live.get(handle).ok_or_else(|| {
                path.error("the resource was dropped (or its ownership was passed to the component by an earlier call)")
            })?;
            if resource.ty() != *resource_ty {
                return Err(path.error(format!(
                    "expected a {} resource, got a {} resource",
                    short_key(resources.key(resource_ty)),
                    short_key(resources.key(&resource.ty()))
                )));
            }
            if let Type::Own(_) = ty {
                // Passing an `own` hands the resource to the guest: JS no longer holds it.
                moves.0.push(*handle);
            }
            Val::Resource(*resource)
        }
        other => return Err(path.error(format!("{} values cannot be passed from JS yet", type_name(other)))),
    })
}

/// A payload that must be there exactly when the case has a type.
fn payload(
    ty: Option<&Type>,
    val: Option<&Wire>,
    path: &Path,
    resources: &Resources,
    moves: &mut Moves,
) -> WasmResult<Option<Box<Val>>> {
    match (ty, val) {
        (Some(ty), Some(v)) => Ok(Some(Box::new(to_val(ty, v, path, resources, moves)?))),
        (Some(ty), None) => Err(path.error(format!("missing (the case carries a {})", type_name(ty)))),
        (None, None | Some(Wire::Undefined)) => Ok(None),
        (None, Some(other)) => Err(path.expected("nothing (the case carries no value)", other)),
    }
}

/// `{ tag, val }`: the tag, and `val` when the object has it.
fn tagged<'w, 'n>(
    wire: &'w Wire,
    path: &Path,
    names: impl Iterator<Item = &'n str>,
) -> WasmResult<(String, Option<&'w Wire>)> {
    let Wire::Object(given) = wire else {
        return Err(path.expected(format_args!("{{ tag, val }} with a tag of {}", quoted(names)), wire));
    };
    refuse_unknown_keys(given, &["tag", "val"], path)?;
    match lookup(given, "tag") {
        Some(Wire::String(tag)) => Ok((tag.clone(), lookup(given, "val").filter(|v| **v != Wire::Undefined))),
        Some(other) => Err(path.literal(".tag").expected("a string", other)),
        None => Err(path.error(format!("missing `tag` (one of {})", quoted(names)))),
    }
}

fn lookup<'w>(fields: &'w [(String, Wire)], key: &str) -> Option<&'w Wire> {
    fields.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// Strict about keys: a misspelt optional field would otherwise pass silently as `none`.
fn refuse_unknown_keys<K: AsRef<str> + std::fmt::Display>(
    given: &[(String, Wire)],
    known: &[K],
    path: &Path,
) -> WasmResult<()> {
    match given.iter().find(|(k, _)| !known.iter().any(|name| name.as_ref() == k)) {
        Some((key, _)) => Err(path.error(format!("unknown field {key:?} (expected {})", quoted(known.iter())))),
        None => Ok(()),
    }
}

/// A whole number in `min..=max`, from a number (exactly integral) or a bigint.
fn integer(wire: &Wire, path: &Path, name: &str, min: i128, max: i128) -> WasmResult<i128> {
    let value = match wire {
        // Safe integers only: past 2^53 - 1 a number may already have been rounded.
        Wire::Number(n) if n.fract() == 0.0 && n.abs() < 2f64.powi(53) => *n as i128,
        Wire::BigInt(text) => text.parse::<i128>().map_err(|_| path.expected(name, wire))?,
        other => return Err(path.expected(format_args!("a whole number ({name})"), other)),
    };
    if value < min || value > max {
        return Err(path.error(format!("{value} is out of range for {name} ({min}..={max})")));
    }
    Ok(value)
}

/// `a`, `b` and `c` in quotes, for messages.
fn quoted<T: std::fmt::Display>(names: impl Iterator<Item = T>) -> String {
    names.map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ")
}

/// `counter` of `my:plugin/api@0.1.0#counter`.
fn short_key(key: &str) -> &str {
    key.rsplit('#').next().filter(|s| !s.is_empty()).unwrap_or("other")
}

/// The WIT spelling of a type's kind, for messages.
pub fn type_name(ty: &Type) -> &'static str {
    match ty {
        Type::Bool => "bool",
        Type::S8 => "s8",
        Type::U8 => "u8",
        Type::S16 => "s16",
        Type::U16 => "u16",
        Type::S32 => "s32",
        Type::U32 => "u32",
        Type::S64 => "s64",
        Type::U64 => "u64",
        Type::Float32 => "f32",
        Type::Float64 => "f64",
        Type::Char => "char",
        Type::String => "string",
        Type::List(_) => "list",
        Type::Map(_) => "map",
        Type::Record(_) => "record",
        Type::Tuple(_) => "tuple",
        Type::Variant(_) => "variant",
        Type::Enum(_) => "enum",
        Type::Option(_) => "option",
        Type::Result(_) => "result",
        Type::Flags(_) => "flags",
        Type::Own(_) => "own resource",
        Type::Borrow(_) => "borrowed resource",
        Type::Future(_) => "future",
        Type::Stream(_) => "stream",
        Type::ErrorContext => "error-context",
        Type::FixedLengthList(_) => "fixed-length list",
    }
}

/// Whether JS can pass and receive values of `ty` (phase one: no async values, no maps).
pub fn unsupported(ty: &Type) -> Option<&'static str> {
    match ty {
        Type::Future(_) | Type::Stream(_) | Type::ErrorContext | Type::Map(_) | Type::FixedLengthList(_) => {
            Some(type_name(ty))
        }
        Type::List(l) => unsupported(&l.ty()),
        Type::Record(r) => r.fields().find_map(|f| unsupported(&f.ty)),
        Type::Tuple(t) => t.types().find_map(|t| unsupported(&t)),
        Type::Variant(v) => v.cases().find_map(|c| c.ty.as_ref().and_then(unsupported)),
        Type::Option(o) => unsupported(&o.ty()),
        Type::Result(r) => r.ok().as_ref().and_then(unsupported).or_else(|| r.err().as_ref().and_then(unsupported)),
        _ => None,
    }
}

/// The camelCase of a WIT (kebab-case) name, as jco spells it: `x-coord` -> `xCoord`,
/// `get-HTTP-url` -> `getHTTPUrl` (each word after the first starts upper-case; the rest
/// of each word is kept as written).
pub fn camel_case(kebab: &str) -> String {
    let mut out = String::with_capacity(kebab.len());
    for (i, word) in kebab.split('-').enumerate() {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            if i == 0 {
                out.extend(first.to_lowercase());
            } else {
                out.extend(first.to_uppercase());
            }
            out.push_str(chars.as_str());
        }
    }
    out
}

/// Write `val` of type `ty` for JS; own resources enter the table.
pub fn write_val(ty: &Type, val: &Val, out: &mut Writer, resources: &mut Resources) {
    match (ty, val) {
        (_, Val::Bool(b)) => out.tag(if *b { TRUE } else { FALSE }),
        (_, Val::S8(n)) => out.number((*n).into()),
        (_, Val::U8(n)) => out.number((*n).into()),
        (_, Val::S16(n)) => out.number((*n).into()),
        (_, Val::U16(n)) => out.number((*n).into()),
        (_, Val::S32(n)) => out.number((*n).into()),
        (_, Val::U32(n)) => out.number((*n).into()),
        (_, Val::S64(n)) => out.bigint(n),
        (_, Val::U64(n)) => out.bigint(n),
        (_, Val::Float32(n)) => out.number((*n).into()),
        (_, Val::Float64(n)) => out.number(*n),
        (_, Val::Char(c)) => out.string(c.encode_utf8(&mut [0; 4])),
        (_, Val::String(s)) => out.string(s),
        (Type::List(list), Val::List(items)) => {
            let item = list.ty();
            if item == Type::U8 {
                let bytes: Vec<u8> = items.iter().map(|v| if let Val::U8(b) = v { *b } else { 0 }).collect();
                out.bytes(&bytes);
            } else {
                out.tag(ARRAY);
                out.length(items.len());
                for v in items {
                    write_val(&item, v, out, resources);
                }
            }
        }
        (Type::Record(record), Val::Record(fields)) => {
            out.tag(OBJECT);
            out.length(fields.len());
            for ((name, v), field) in fields.iter().zip(record.fields()) {
                out.text(&camel_case(name));
                write_val(&field.ty, v, out, resources);
            }
        }
        (Type::Tuple(tuple), Val::Tuple(items)) => {
            out.tag(ARRAY);
            out.length(items.len());
            for (v, t) in items.iter().zip(tuple.types()) {
                write_val(&t, v, out, resources);
            }
        }
        (Type::Variant(variant), Val::Variant(name, payload)) => {
            let case_ty = variant.cases().find(|c| c.name == name).and_then(|c| c.ty);
            write_tagged(name, case_ty.as_ref(), payload.as_deref(), out, resources);
        }
        (_, Val::Enum(name)) => out.string(name),
        (Type::Flags(flags), Val::Flags(set)) => {
            let names: Vec<&str> = flags.names().collect();
            out.tag(OBJECT);
            out.length(names.len());
            for name in names {
                out.text(&camel_case(name));
                out.tag(if set.iter().any(|s| s == name) { TRUE } else { FALSE });
            }
        }
        (Type::Option(option), Val::Option(value)) => match (value, option.ty()) {
            (None, _) => out.tag(UNDEFINED),
            (Some(inner), inner_ty @ Type::Option(_)) => match &**inner {
                Val::Option(None) => write_tagged("none", None, None, out, resources),
                Val::Option(Some(v)) => {
                    let Type::Option(innermost) = &inner_ty else { return };
                    write_tagged("some", Some(&innermost.ty()), Some(v), out, resources)
                }
                other => write_val(&inner_ty, other, out, resources),
            },
            (Some(inner), inner_ty) => write_val(&inner_ty, inner, out, resources),
        },
        (Type::Result(result), Val::Result(outcome)) => match outcome {
            Ok(v) => write_tagged("ok", result.ok().as_ref(), v.as_deref(), out, resources),
            Err(v) => write_tagged("err", result.err().as_ref(), v.as_deref(), out, resources),
        },
        (Type::Own(ty) | Type::Borrow(ty), Val::Resource(resource)) => {
            // A borrow never reaches JS as a result (the Component Model forbids it).
            let key = resources.key(ty).to_string();
            let handle = resources.add(*resource);
            out.tag(RESOURCE);
            out.u32(handle);
            out.text(&key);
        }
        // Kinds `unsupported` keeps away from calls, and a value that does not match its
        // own type (Wasmtime lifted it by that type, so it cannot happen).
        _ => out.tag(UNDEFINED),
    }
}

fn write_tagged(tag: &str, ty: Option<&Type>, payload: Option<&Val>, out: &mut Writer, resources: &mut Resources) {
    out.tag(OBJECT);
    match (ty, payload) {
        (Some(ty), Some(v)) => {
            out.length(2);
            out.text("tag");
            out.string(tag);
            out.text("val");
            write_val(ty, v, out, resources);
        }
        _ => {
            out.length(1);
            out.text("tag");
            out.string(tag);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_case_follows_jco() {
        assert_eq!(camel_case("x-coord"), "xCoord");
        assert_eq!(camel_case("next-color"), "nextColor");
        assert_eq!(camel_case("get-HTTP-url"), "getHTTPUrl");
        assert_eq!(camel_case("read"), "read");
        assert_eq!(camel_case("Big"), "big");
    }

    #[test]
    fn integers_are_exact_and_in_range() {
        let path = Path::param("f", "x");
        assert_eq!(integer(&Wire::Number(255.0), &path, "u8", 0, 255).unwrap(), 255);
        for bad in [Wire::Number(256.0), Wire::Number(-1.0), Wire::Number(1.5), Wire::Number(f64::NAN)] {
            let error = integer(&bad, &path, "u8", 0, 255).unwrap_err();
            assert!(error.message.starts_with("f(x): "), "{}", error.message);
        }
        let big = Wire::BigInt("18446744073709551615".into());
        assert_eq!(integer(&big, &path, "u64", 0, u64::MAX.into()).unwrap(), u64::MAX.into());
        assert!(integer(&Wire::BigInt("18446744073709551616".into()), &path, "u64", 0, u64::MAX.into()).is_err());
    }

    #[test]
    fn paths_name_the_field() {
        let param = Path::param("norm1", "p");
        let record_path = param.field("yCoord");
        assert_eq!(record_path.error("missing field").message, "norm1(p).yCoord: missing field");
        let list = param.index(3);
        assert_eq!(list.literal(".val").error("x").message, "norm1(p)[3].val: x");
    }
}

//! `generated/schema/<Record>.schema.json`: a JSON Schema (2020-12) for every public record,
//! built from the model with schemars' `Schema` / `json_schema!` API: objects with
//! `additionalProperties: false`, `required` = the non-optional fields, descriptions from the
//! docs and `$defs` for every type they reference.
//!
//! The JSON is printed with a fixed key order (not serde_json's map order, which depends on
//! cargo feature unification) so the output is the same in every build.

use std::collections::{BTreeMap, BTreeSet};

use schemars::{json_schema, Schema};
use serde_json::Value;

use crate::emit::{preamble, Files};
use crate::model::{Enum, Model, Record, Union, WireType};

pub const DIR: &str = "generated/schema";

pub fn emit(model: &Model) -> Files {
    model
        .records
        .iter()
        .filter(|r| !r.internal)
        .map(|r| {
            (
                format!("{DIR}/{}.schema.json", r.name),
                print(&record_document(model, r).to_value(), &field_order(model)),
            )
        })
        .collect()
}

/// Where each field name goes inside `properties`: its position in the first record that has
/// it, so properties print in spec order.
fn field_order(model: &Model) -> BTreeMap<String, usize> {
    let mut order = BTreeMap::new();
    for r in &model.records {
        for (i, f) in r.fields.iter().enumerate() {
            order.entry(f.name.clone()).or_insert(i);
        }
    }
    order
}

/// The schema document of one record, with its `$defs`.
pub fn record_document(model: &Model, r: &Record) -> Schema {
    let mut schema = record_schema(model, r, &r.name);
    let mut defs = serde_json::Map::new();
    for name in referenced(model, r) {
        if name == r.name {
            continue;
        }
        let def = if let Some(rec) = model.record(&name) {
            record_schema(model, rec, &r.name)
        } else if let Some(e) = model.enums.iter().find(|e| e.name == name) {
            enum_schema(e)
        } else if let Some(u) = model.unions.iter().find(|u| u.name == name) {
            union_schema(u, &r.name)
        } else {
            continue;
        };
        defs.insert(name, def.to_value());
    }
    schema.insert("$comment".into(), Value::String(preamble(model)));
    schema.insert(
        "$schema".into(),
        Value::String("https://json-schema.org/draft/2020-12/schema".into()),
    );
    schema.insert(
        "$id".into(),
        Value::String(format!("{}.schema.json", r.name)),
    );
    schema.insert("title".into(), Value::String(r.name.clone()));
    if !defs.is_empty() {
        schema.insert("$defs".into(), Value::Object(defs));
    }
    schema
}

/// Every named type reachable from `r`, sorted.
fn referenced(model: &Model, r: &Record) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<String> = r
        .fields
        .iter()
        .flat_map(|f| f.ty.ty.named())
        .map(str::to_string)
        .collect();
    while let Some(name) = stack.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(rec) = model.record(&name) {
            stack.extend(
                rec.fields
                    .iter()
                    .flat_map(|f| f.ty.ty.named())
                    .map(str::to_string),
            );
        } else if let Some(u) = model.unions.iter().find(|u| u.name == name) {
            stack.extend(
                u.variants
                    .iter()
                    .flat_map(|v| v.ty.ty.named())
                    .map(str::to_string),
            );
        }
    }
    seen
}

/// The schema of a value of a wire type; `root` is the record the document describes.
fn type_schema(t: &WireType, root: &str) -> Schema {
    match t {
        WireType::Bool => json_schema!({ "type": "boolean" }),
        WireType::U32 => {
            json_schema!({ "type": "integer", "format": "uint32", "minimum": 0, "maximum": u32::MAX })
        }
        WireType::I32 => {
            json_schema!({ "type": "integer", "format": "int32", "minimum": i32::MIN, "maximum": i32::MAX })
        }
        WireType::U64 => json_schema!({ "type": "integer", "format": "uint64", "minimum": 0 }),
        WireType::F64 => json_schema!({ "type": "number", "format": "double" }),
        WireType::String => json_schema!({ "type": "string" }),
        WireType::Bytes => {
            json_schema!({ "type": "array", "items": { "type": "integer", "minimum": 0, "maximum": 255 } })
        }
        WireType::Void => json_schema!({ "type": "null" }),
        WireType::List(inner) => {
            json_schema!({ "type": "array", "items": type_schema(inner, root).to_value() })
        }
        WireType::Map(inner) => {
            json_schema!({ "type": "object", "additionalProperties": type_schema(inner, root).to_value() })
        }
        WireType::Named(name) if name == root => Schema::new_ref("#".into()),
        WireType::Named(name) => Schema::new_ref(format!("#/$defs/{name}")),
    }
}

fn record_schema(_model: &Model, r: &Record, root: &str) -> Schema {
    let mut properties = serde_json::Map::new();
    for f in &r.fields {
        let mut prop = type_schema(&f.ty.ty, root);
        if !f.doc.trim().is_empty() {
            prop.insert(
                "description".into(),
                Value::String(f.doc.trim().to_string()),
            );
        }
        properties.insert(f.name.clone(), prop.to_value());
    }
    let required: Vec<Value> = r
        .fields
        .iter()
        .filter(|f| !f.optional)
        .map(|f| Value::String(f.name.clone()))
        .collect();
    let mut schema = json_schema!({
        "description": r.doc.trim(),
        "type": "object",
        "properties": properties,
        "additionalProperties": false,
    });
    if !required.is_empty() {
        schema.insert("required".into(), Value::Array(required));
    }
    schema
}

fn enum_schema(e: &Enum) -> Schema {
    let values: Vec<Value> = e
        .values
        .iter()
        .map(|v| json_schema!({ "const": v.value, "description": v.doc.trim() }).to_value())
        .collect();
    json_schema!({ "description": e.doc.trim(), "type": "string", "oneOf": values })
}

fn union_schema(u: &Union, root: &str) -> Schema {
    let variants: Vec<Value> = u
        .variants
        .iter()
        .map(|v| {
            let mut s = type_schema(&v.ty.ty, root);
            if !v.doc.trim().is_empty() {
                s.insert(
                    "description".into(),
                    Value::String(v.doc.trim().to_string()),
                );
            }
            s.to_value()
        })
        .collect();
    json_schema!({ "description": u.doc.trim(), "anyOf": variants })
}

/// Where a key goes: schema keywords in reading order, then everything else by name.
fn key_rank(key: &str) -> usize {
    const ORDER: &[&str] = &[
        "$comment",
        "$schema",
        "$id",
        "title",
        "description",
        "$ref",
        "type",
        "format",
        "const",
        "minimum",
        "maximum",
        "items",
        "oneOf",
        "anyOf",
        "properties",
        "required",
        "additionalProperties",
        "$defs",
    ];
    ORDER.iter().position(|k| *k == key).unwrap_or(ORDER.len())
}

/// Pretty JSON (two-space indent): schema keywords in `key_rank` order, the keys of a
/// `properties` object in `fields` order, anything else by name.
pub fn print(value: &Value, fields: &BTreeMap<String, usize>) -> String {
    let mut out = String::new();
    print_value(value, 0, false, fields, &mut out);
    out.push('\n');
    out
}

fn print_value(
    value: &Value,
    indent: usize,
    names: bool,
    fields: &BTreeMap<String, usize>,
    out: &mut String,
) {
    let pad = "  ".repeat(indent + 1);
    match value {
        Value::Object(map) if !map.is_empty() => {
            let mut keys: Vec<&String> = map.keys().collect();
            if names {
                let rank = |k: &str| fields.get(k).copied().unwrap_or(usize::MAX);
                keys.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.cmp(b)));
            } else {
                keys.sort_by(|a, b| key_rank(a).cmp(&key_rank(b)).then_with(|| a.cmp(b)));
            }
            out.push_str("{\n");
            for (i, k) in keys.iter().enumerate() {
                out.push_str(&pad);
                out.push_str(&Value::String((*k).clone()).to_string());
                out.push_str(": ");
                // Under `properties` and `$defs` the keys are names, and their values schemas.
                let child_names = !names && (k.as_str() == "properties" || k.as_str() == "$defs");
                print_value(&map[*k], indent + 1, child_names, fields, out);
                out.push_str(if i + 1 < keys.len() { ",\n" } else { "\n" });
            }
            out.push_str(&"  ".repeat(indent));
            out.push('}');
        }
        Value::Array(items) if !items.is_empty() => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                out.push_str(&pad);
                print_value(item, indent + 1, false, fields, out);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            out.push_str(&"  ".repeat(indent));
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::test_spec;

    #[test]
    fn record_schemas() {
        let files = emit(&test_spec::model());
        assert_eq!(
            files.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
            ["generated/schema/Thing.schema.json"]
        );
        let text = test_spec::file(&files, "generated/schema/Thing.schema.json");
        assert!(text.starts_with("{\n  \"$comment\": \"Generated by `cargo xtask codegen` from spec/demo.kdl. Do not edit by hand.\",\n  \"$schema\": \"https://json-schema.org/draft/2020-12/schema\",\n"), "{text}");
        let v: Value = serde_json::from_str(text).unwrap();
        assert_eq!(v["additionalProperties"], Value::Bool(false));
        assert_eq!(v["required"], serde_json::json!(["name", "type"]));
        assert_eq!(v["properties"]["color"]["$ref"], "#/$defs/Color");
        assert_eq!(v["properties"]["color"]["description"], "Its color.");
        assert_eq!(
            v["properties"]["tags"]["additionalProperties"]["items"]["format"],
            "uint32"
        );
        assert_eq!(v["$defs"]["Color"]["oneOf"][1]["const"], "dark-blue");
        assert_eq!(
            v["$defs"]["Shape"]["anyOf"][1]["items"]["$ref"], "#",
            "self reference"
        );
        assert!(v["$defs"].get("Thing").is_none());
    }

    #[test]
    fn printing_is_ordered() {
        let v = serde_json::json!({ "type": "object", "$comment": "c", "b": [], "a": {}, "properties": { "x": 1, "type": 2 } });
        let order = BTreeMap::from([("x".to_string(), 0), ("type".to_string(), 1)]);
        assert_eq!(
            print(&v, &order),
            "{\n  \"$comment\": \"c\",\n  \"type\": \"object\",\n  \"properties\": {\n    \"x\": 1,\n    \"type\": 2\n  },\n  \"a\": {},\n  \"b\": []\n}\n"
        );
    }
}

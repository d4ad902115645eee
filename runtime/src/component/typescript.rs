//! TypeScript declarations (a `.d.ts` module) of a compiled component's exports, in the shape
//! runtime:wasm's JS API gives them (the value mapping is jco's; see `declarations`).
//!
//! Only the compiled component's type information is used (`Component::component_type`), so the
//! declarations describe exactly what the runtime will check calls against.
//!
//! Type equality: the named types (`ComponentItem::Type` exports) are matched against the types of
//! the function signatures by a structural key printed here (`Gen::key`), not by `types::Type`'s
//! `PartialEq`. In Wasmtime 48 that `PartialEq` falls back to a structural check when two type
//! indices differ, and that check unwraps the instance's resource table, which an uninstantiated
//! component (`component_type()`) does not have: comparing, say, `record { x: own<a> }` with
//! `record { x: own<b> }` panics (checked: `called Option::unwrap() on a None value` at
//! wasmtime-48.0.8/src/runtime/component/types.rs:209). The printed key names a resource by its
//! `ResourceType` (whose `PartialEq` is a plain derived one), which is safe.

use std::cell::Cell;
use wasmtime::component::types::{ComponentFunc, ComponentItem, Type};
use wasmtime::component::{Component, ResourceType};
use wasmtime::Engine;

pub use super::values::camel_case;

/// PascalCase of a WIT (kebab-case) name: split on `-` (empty words are dropped); every word as
/// written but with its first letter upper-cased; joined without separator. So `counter` ->
/// `Counter`, `my-thing` -> `MyThing`, `HTTP-url` -> `HTTPUrl`.
pub fn pascal_case(kebab: &str) -> String {
    let mut out = String::with_capacity(kebab.len());
    for word in kebab.split('-') {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    out
}

/// The TypeScript declarations of `component`'s exports (and of its imports other than `wasi:*`,
/// as `interface Imports`), as the text of a `.d.ts` module. `title` names the component in the
/// header comment.
///
/// The shape (runtime:wasm's JS API): `interface Exports` is the type of `instance.exports`.
/// Exported functions are members under their camelCase name and return a `Promise`. An exported
/// interface is a member under its exact export name (`"my:plugin/api@0.1.0"`) and also under the
/// camelCase of its short name (`api`) when that short name is unique among the exported functions
/// and instances (compared ASCII-case-insensitively; the short name of `ns:pkg/iface@version` is
/// `iface`, of a function or plain-named instance its name; exported types do not count). Its
/// type is a declared interface named by the PascalCase of namespace, package and interface
/// (`MyPluginApi`). A resource `counter` of an interface is the member `Counter` of the interface
/// object: `create` (its constructor) and its static functions; its values have the declared type
/// `Counter` with its methods, `drop()` and `[Symbol.dispose]()`. Named records, variants, enums
/// and flags get declarations and are referred to by name. Generated names that clash (with each
/// other or with the names the output uses: `Promise`, `Uint8Array`, `Symbol`, `Exports`,
/// `Imports`) get the first free suffix 2, 3, ... in the order the component lists its exports,
/// then its imports.
pub fn declarations(component: &Component, engine: &Engine, title: &str) -> String {
    let cty = component.component_type();
    let exports: Vec<(String, ComponentItem)> = cty.exports(engine).map(|(n, e)| (n.to_string(), e.ty)).collect();
    let imports: Vec<(String, ComponentItem)> = cty.imports(engine).map(|(n, e)| (n.to_string(), e.ty)).collect();
    let mut g = Gen { engine, used: RESERVED_TYPE_NAMES.iter().map(|s| s.to_string()).collect(), named: Vec::new() };

    // Names first, all of them, in the component's order: exports before imports, so that the
    // exported names get the unsuffixed forms whatever the imports are.
    let mut iface_names = Vec::new();
    for (name, item) in &exports {
        if let ComponentItem::ComponentInstance(_) = item {
            iface_names.push(g.alloc(&interface_type_name(name)));
        }
        g.register(name, item, true);
    }
    for (name, item) in &imports {
        g.register(name, item, false);
    }

    // The bodies next: rendering marks the named types they refer to as wanted.
    // Functions (and resources) of the top level first, all together since a resource's
    // constructor and statics are separate exports; then the interfaces, in the component's order.
    let top: Vec<(String, ComponentItem)> =
        exports.iter().filter(|(_, it)| !matches!(it, ComponentItem::ComponentInstance(_))).cloned().collect();
    let mut members = g.object_members(&top, Side::Export);
    let mut iface_decls = Vec::new();
    let mut iface_names = iface_names.into_iter();
    for (name, item) in &exports {
        if let ComponentItem::ComponentInstance(inst) = item {
            let ts = iface_names.next().unwrap_or_else(|| interface_type_name(name));
            let body = g.object_members(&instance_items(inst, engine), Side::Export);
            iface_decls.push(format!("export interface {ts} {}", block(&body)));
            members.push(format!("{}: {ts};", member_key(name)));
            let short = short_name(name);
            let alias = camel_case(short);
            // Only members of `instance.exports` count: a type exported at the top level is none.
            let unique = exports
                .iter()
                .filter(|(n, it)| {
                    matches!(it, ComponentItem::ComponentFunc(_) | ComponentItem::ComponentInstance(_))
                        && short_name(n).eq_ignore_ascii_case(short)
                })
                .count()
                == 1;
            if unique && alias != *name {
                members.push(format!("{}: {ts};", member_key(&alias)));
            }
        }
    }
    let shown_imports: Vec<(String, ComponentItem)> =
        imports.iter().filter(|(n, _)| !n.starts_with("wasi:")).cloned().collect();
    let import_members = g.object_members(&shown_imports, Side::Import);

    // Then the declarations of the named types, until no declaration wants a further one.
    let mut decls: Vec<Option<String>> = vec![None; g.named.len()];
    loop {
        let mut progress = false;
        for (i, decl) in decls.iter_mut().enumerate() {
            if decl.is_none() && g.named.get(i).is_some_and(|n| n.wanted.get()) {
                *decl = Some(g.declaration(i));
                progress = true;
            }
        }
        if !progress {
            break;
        }
    }

    let mut out =
        format!("// TypeScript declarations of the component {} for runtime:wasm (generated).\n", js_string(title));
    for decl in decls.into_iter().flatten().chain(iface_decls) {
        out.push('\n');
        out.push_str(&decl);
        out.push('\n');
    }
    out.push_str(&format!("\nexport interface Exports {}\n", block(&members)));
    if !import_members.is_empty() {
        out.push_str(&format!("\nexport interface Imports {}\n", block(&import_members)));
    }
    out
}

/// Names the output itself uses: a generated declaration with one of them would shadow it.
const RESERVED_TYPE_NAMES: &[&str] = &["Promise", "Uint8Array", "Symbol", "Exports", "Imports"];

/// Words that cannot name a parameter (JS reserved words in strict mode, and `this`, which is
/// TypeScript's `this`-type parameter). A parameter named so gets a `_` appended.
const RESERVED_WORDS: &str = "\
    arguments await break case catch class const continue debugger default delete do else enum eval \
    export extends false finally for function if implements import in instanceof interface let new null \
    package private protected public return static super switch this throw true try typeof var void \
    while with yield";

/// Which side of the boundary a function is on: exports are called from JS and are async;
/// imports are implemented in JS and may answer synchronously or with a promise.
#[derive(Clone, Copy, PartialEq)]
enum Side {
    Export,
    Import,
}

/// A named declaration: a record, variant, enum or flags type, an alias of one, or a resource.
struct Named {
    /// The WIT name (the first one, for a type exported under several).
    wit: String,
    /// The TypeScript name (PascalCase of the WIT name, suffixed when that clashed).
    ts: String,
    kind: Kind,
    /// Whether the output declares it: every exported one, and the imported ones something
    /// declared refers to.
    wanted: Cell<bool>,
}

enum Kind {
    /// The structural key (`Gen::key`) and the type.
    Type(String, Type),
    /// Another WIT name of the type of entry `.0` (`type p = point`), declared as `type P = Point`.
    Alias(usize),
    /// A resource, with the methods found next to it (`[method]r.name`: name, function).
    Resource(ResourceType, Vec<(String, ComponentFunc)>),
}

struct Gen<'a> {
    engine: &'a Engine,
    /// TypeScript type names given out so far.
    used: Vec<String>,
    named: Vec<Named>,
}

/// A rendered TypeScript type, and whether it is a union at the top (to parenthesize it in `T[]`).
struct Ts {
    text: String,
    union: bool,
}

impl Ts {
    fn atom(text: impl Into<String>) -> Ts {
        Ts { text: text.into(), union: false }
    }
    fn union(text: String) -> Ts {
        Ts { text, union: true }
    }
}

/// What a function of an instance is, by the component model's name annotations.
enum FuncName<'n> {
    Plain(&'n str),
    Constructor(&'n str),
    Method(&'n str, &'n str),
    Static(&'n str, &'n str),
}

fn func_name(name: &str) -> FuncName<'_> {
    let split = |rest: &'static str| name.strip_prefix(rest).and_then(|r| r.split_once('.'));
    if let Some(r) = name.strip_prefix("[constructor]") {
        FuncName::Constructor(r)
    } else if let Some((r, m)) = split("[method]").or_else(|| split("[async method]")) {
        FuncName::Method(r, m)
    } else if let Some((r, m)) = split("[static]").or_else(|| split("[async static]")) {
        FuncName::Static(r, m)
    } else {
        FuncName::Plain(name.strip_prefix("[async]").unwrap_or(name))
    }
}

fn instance_items(
    inst: &wasmtime::component::types::ComponentInstance,
    engine: &Engine,
) -> Vec<(String, ComponentItem)> {
    inst.exports(engine).map(|(n, e)| (n.to_string(), e.ty)).collect()
}

impl Gen<'_> {
    /// A free TypeScript type name: `base`, else `base2`, `base3`, ...
    fn alloc(&mut self, base: &str) -> String {
        let base = if base.is_empty() { "Type" } else { base };
        let mut name = base.to_string();
        let mut n = 2;
        while self.used.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        self.used.push(name.clone());
        name
    }

    /// Records the named types and resources of an item (recursing into instances), and the
    /// methods of the resources.
    fn register(&mut self, name: &str, item: &ComponentItem, exported: bool) {
        match item {
            ComponentItem::ComponentInstance(inst) => {
                let items = instance_items(inst, self.engine);
                for (n, it) in &items {
                    self.register(n, it, exported);
                }
                for (n, it) in &items {
                    if let (FuncName::Method(r, m), ComponentItem::ComponentFunc(f)) = (func_name(n), it) {
                        let rty = items.iter().find_map(|(rn, ri)| match ri {
                            ComponentItem::Resource(rty) if rn == r => Some(*rty),
                            _ => None,
                        });
                        let entry =
                            self.named.iter_mut().find(|e| matches!(&e.kind, Kind::Resource(t, _) if Some(*t) == rty));
                        if let Some(Named { kind: Kind::Resource(_, methods), .. }) = entry {
                            if !methods.iter().any(|(existing, _)| existing == m) {
                                methods.push((m.to_string(), f.clone()));
                            }
                        }
                    }
                }
            }
            ComponentItem::Type(ty @ (Type::Record(_) | Type::Variant(_) | Type::Enum(_) | Type::Flags(_))) => {
                let key = self.key(ty);
                let pascal = pascal_case(name);
                let same = self.named.iter().position(|e| matches!(&e.kind, Kind::Type(k, _) if *k == key));
                match same {
                    // The same type again under the same name (an interface `use`s another's).
                    Some(i) if self.named[i].wit == name => {
                        if exported {
                            self.named[i].wanted.set(true);
                        }
                    }
                    Some(i) => {
                        let ts = self.alloc(&pascal);
                        self.named.push(Named {
                            wit: name.to_string(),
                            ts,
                            kind: Kind::Alias(i),
                            wanted: Cell::new(exported),
                        });
                    }
                    None => {
                        let ts = self.alloc(&pascal);
                        self.named.push(Named {
                            wit: name.to_string(),
                            ts,
                            kind: Kind::Type(key, ty.clone()),
                            wanted: Cell::new(exported),
                        });
                    }
                }
            }
            ComponentItem::Resource(rty) => {
                let known = self.named.iter().find(|e| matches!(&e.kind, Kind::Resource(t, _) if t == rty));
                match known {
                    Some(e) => {
                        if exported {
                            e.wanted.set(true);
                        }
                    }
                    None => {
                        let ts = self.alloc(&pascal_case(name));
                        self.named.push(Named {
                            wit: name.to_string(),
                            ts,
                            kind: Kind::Resource(*rty, Vec::new()),
                            wanted: Cell::new(exported),
                        });
                    }
                }
            }
            // Other named types (`type t = list<u8>`, ...) are written inline; functions and the
            // rest name nothing.
            _ => {}
        }
    }

    /// A printed form of a type's structure, equal for equal types (see the module comment).
    fn key(&self, ty: &Type) -> String {
        match ty {
            Type::List(l) => format!("list<{}>", self.key(&l.ty())),
            Type::Map(m) => format!("map<{},{}>", self.key(&m.key()), self.key(&m.value())),
            Type::FixedLengthList(l) => format!("list<{},{}>", self.key(&l.ty()), l.len()),
            Type::Record(r) => {
                let fields: Vec<String> = r.fields().map(|f| format!("{}:{}", f.name, self.key(&f.ty))).collect();
                format!("record{{{}}}", fields.join(","))
            }
            Type::Tuple(t) => format!("tuple<{}>", t.types().map(|t| self.key(&t)).collect::<Vec<_>>().join(",")),
            Type::Variant(v) => {
                let cases: Vec<String> = v
                    .cases()
                    .map(|c| match &c.ty {
                        Some(t) => format!("{}({})", c.name, self.key(t)),
                        None => c.name.to_string(),
                    })
                    .collect();
                format!("variant{{{}}}", cases.join(","))
            }
            Type::Enum(e) => format!("enum{{{}}}", e.names().collect::<Vec<_>>().join(",")),
            Type::Flags(f) => format!("flags{{{}}}", f.names().collect::<Vec<_>>().join(",")),
            Type::Option(o) => format!("option<{}>", self.key(&o.ty())),
            Type::Result(r) => {
                let side = |t: Option<Type>| t.map(|t| self.key(&t)).unwrap_or_else(|| "_".to_string());
                format!("result<{},{}>", side(r.ok()), side(r.err()))
            }
            // `ResourceType`'s Debug output shows all of what its derived `PartialEq` compares.
            Type::Own(r) => format!("own<{r:?}>"),
            Type::Borrow(r) => format!("borrow<{r:?}>"),
            Type::Future(f) => format!("future<{}>", f.ty().map(|t| self.key(&t)).unwrap_or_default()),
            Type::Stream(s) => format!("stream<{}>", s.ty().map(|t| self.key(&t)).unwrap_or_default()),
            other => format!("{other:?}"),
        }
    }

    /// The declared name of a record, variant, enum or flags type, marking it wanted.
    fn type_name(&self, ty: &Type) -> Option<&str> {
        if !matches!(ty, Type::Record(_) | Type::Variant(_) | Type::Enum(_) | Type::Flags(_)) {
            return None;
        }
        let key = self.key(ty);
        let e = self.named.iter().find(|e| matches!(&e.kind, Kind::Type(k, _) if *k == key))?;
        e.wanted.set(true);
        Some(&e.ts)
    }

    fn resource_name(&self, rty: &ResourceType) -> Option<&str> {
        let e = self.named.iter().find(|e| matches!(&e.kind, Kind::Resource(t, _) if t == rty))?;
        e.wanted.set(true);
        Some(&e.ts)
    }

    /// The TypeScript type of a value of type `ty` (jco's mapping).
    fn ty(&self, ty: &Type) -> Ts {
        if let Some(name) = self.type_name(ty) {
            return Ts::atom(name);
        }
        self.structure(ty)
    }

    /// Like `ty`, but never by the declared name (for the declaration itself).
    fn structure(&self, ty: &Type) -> Ts {
        match ty {
            Type::Bool => Ts::atom("boolean"),
            Type::S8 | Type::U8 | Type::S16 | Type::U16 | Type::S32 | Type::U32 | Type::Float32 | Type::Float64 => {
                Ts::atom("number")
            }
            Type::S64 | Type::U64 => Ts::atom("bigint"),
            Type::Char | Type::String => Ts::atom("string"),
            Type::List(l) => match l.ty() {
                Type::U8 => Ts::atom("Uint8Array"),
                elem => {
                    let elem = self.ty(&elem);
                    Ts::atom(if elem.union { format!("({})[]", elem.text) } else { format!("{}[]", elem.text) })
                }
            },
            Type::Tuple(t) => {
                Ts::atom(format!("[{}]", t.types().map(|t| self.ty(&t).text).collect::<Vec<_>>().join(", ")))
            }
            Type::Record(r) => {
                let fields: Vec<String> = r
                    .fields()
                    .map(|f| format!("{}: {}", member_key(&camel_case(f.name)), self.ty(&f.ty).text))
                    .collect();
                Ts::atom(format!("{{ {} }}", fields.join("; ")))
            }
            Type::Variant(v) => Ts::union(
                v.cases().map(|c| tagged(c.name, c.ty.map(|t| self.ty(&t).text))).collect::<Vec<_>>().join(" | "),
            ),
            Type::Enum(e) => Ts::union(e.names().map(js_string).collect::<Vec<_>>().join(" | ")),
            Type::Flags(f) => {
                let names: Vec<String> =
                    f.names().map(|n| format!("{}?: boolean", member_key(&camel_case(n)))).collect();
                Ts::atom(format!("{{ {} }}", names.join("; ")))
            }
            // `undefined` stands for none, so an option directly inside an option needs the
            // tagged form to tell none from some(none).
            Type::Option(o) => {
                let inner = match o.ty() {
                    Type::Option(inner) => {
                        format!("{} | {}", tagged("some", Some(self.ty(&inner.ty()).text)), tagged("none", None))
                    }
                    t => self.ty(&t).text,
                };
                Ts::union(format!("{inner} | undefined"))
            }
            Type::Result(r) => Ts::union(format!(
                "{} | {}",
                tagged("ok", r.ok().map(|t| self.ty(&t).text)),
                tagged("err", r.err().map(|t| self.ty(&t).text))
            )),
            Type::Own(rty) | Type::Borrow(rty) => match self.resource_name(rty) {
                Some(name) => Ts::atom(name),
                // Cannot happen for a valid component (a signature's resources are exported or
                // imported by name); still text rather than a panic.
                None => Ts::atom("unknown /* resource without a name */"),
            },
            Type::Future(_) => Ts::atom("never /* future: not supported */"),
            Type::Stream(_) => Ts::atom("never /* stream: not supported */"),
            Type::ErrorContext => Ts::atom("never /* error-context: not supported */"),
            Type::Map(_) => Ts::atom("never /* map: not supported */"),
            Type::FixedLengthList(_) => Ts::atom("never /* fixed-length list: not supported */"),
        }
    }

    /// The declaration of entry `i` of `named`.
    fn declaration(&self, i: usize) -> String {
        let Some(e) = self.named.get(i) else { return String::new() };
        let ts = &e.ts;
        match &e.kind {
            Kind::Alias(target) => {
                let target = match self.named.get(*target) {
                    Some(t) => {
                        t.wanted.set(true);
                        t.ts.as_str()
                    }
                    None => "never",
                };
                format!("export type {ts} = {target};")
            }
            Kind::Type(_, Type::Record(r)) => {
                let fields: Vec<String> = r
                    .fields()
                    .map(|f| format!("{}: {};", member_key(&camel_case(f.name)), self.ty(&f.ty).text))
                    .collect();
                format!("export interface {ts} {}", block(&fields))
            }
            Kind::Type(_, Type::Flags(f)) => {
                let names: Vec<String> =
                    f.names().map(|n| format!("{}?: boolean;", member_key(&camel_case(n)))).collect();
                format!("export interface {ts} {}", block(&names))
            }
            Kind::Type(_, Type::Variant(v)) => {
                let cases: Vec<String> =
                    v.cases().map(|c| format!("| {}", tagged(c.name, c.ty.map(|t| self.ty(&t).text)))).collect();
                format!("export type {ts} =\n{};", indent(&cases.join("\n")))
            }
            Kind::Type(_, ty) => format!("export type {ts} = {};", self.structure(ty).text),
            Kind::Resource(_, methods) => {
                let mut lines: Vec<String> =
                    methods.iter().map(|(m, f)| self.func(&camel_case(m), f, true, Side::Export)).collect();
                lines.push("drop(): void;".to_string());
                lines.push("[Symbol.dispose](): void;".to_string());
                format!("export interface {ts} {}", block(&lines))
            }
        }
    }

    /// One function member, `name(params): R;`, with a doc comment when a `result`'s err case
    /// becomes an exception (exports) or a thrown value (imports).
    fn func(&self, name: &str, f: &ComponentFunc, skip_self: bool, side: Side) -> String {
        let params: Vec<String> = f
            .params()
            .skip(usize::from(skip_self))
            .map(|(n, t)| format!("{}: {}", param_name(n), self.ty(&t).text))
            .collect();
        let results: Vec<Type> = f.results().collect();
        let mut doc = None;
        let ret = match results.as_slice() {
            [] => "void".to_string(),
            [Type::Result(r)] => {
                let err = r.err().map(|t| self.ty(&t).text).unwrap_or_else(|| "undefined".to_string());
                doc = Some(match side {
                    Side::Export => {
                        format!("/** @throws {{WasmError}} code 5014 (ErrorResult) with `payload` of type {err} */")
                    }
                    Side::Import => {
                        format!(
                            "/** Returns result<T, E> with E = {err}: how to return the err case is not decided. */"
                        )
                    }
                });
                r.ok().map(|t| self.ty(&t).text).unwrap_or_else(|| "void".to_string())
            }
            [t] => self.ty(t).text,
            // Several results (a pre-0.2 form): a tuple.
            ts => format!("[{}]", ts.iter().map(|t| self.ty(t).text).collect::<Vec<_>>().join(", ")),
        };
        let ret = match side {
            Side::Export => format!("Promise<{ret}>"),
            Side::Import => format!("{ret} | Promise<{ret}>"),
        };
        let sig = format!("{}({}): {ret};", member_key(name), params.join(", "));
        match doc {
            Some(doc) => format!("{doc}\n{sig}"),
            None => sig,
        }
    }

    /// The members of an instance object (or the top level): functions, then one object per
    /// resource with its constructor (`create`) and static functions. Methods are on the resource's
    /// own declaration; named types are declared separately.
    fn object_members(&self, items: &[(String, ComponentItem)], side: Side) -> Vec<String> {
        let mut out = Vec::new();
        let mut resources: Vec<(String, Vec<String>)> = Vec::new();
        let resource_entry = |out: &mut Vec<(String, Vec<String>)>, r: &str| -> usize {
            match out.iter().position(|(n, _)| n == r) {
                Some(i) => i,
                None => {
                    out.push((r.to_string(), Vec::new()));
                    out.len() - 1
                }
            }
        };
        for (name, item) in items {
            match item {
                ComponentItem::ComponentFunc(f) => match func_name(name) {
                    FuncName::Plain(n) => out.push(self.func(&camel_case(n), f, false, side)),
                    FuncName::Constructor(r) => {
                        let i = resource_entry(&mut resources, r);
                        resources[i].1.push(self.func("create", f, false, side));
                    }
                    FuncName::Static(r, m) => {
                        let i = resource_entry(&mut resources, r);
                        resources[i].1.push(self.func(&camel_case(m), f, false, side));
                    }
                    FuncName::Method(..) => {}
                },
                ComponentItem::Resource(_) => {
                    resource_entry(&mut resources, name);
                }
                ComponentItem::ComponentInstance(inst) => {
                    let body = self.object_members(&instance_items(inst, self.engine), side);
                    // An imported instance of types only asks nothing of the host: left out.
                    if !(body.is_empty() && side == Side::Import) {
                        out.push(format!("{}: {};", member_key(name), block(&body)));
                    }
                }
                ComponentItem::Type(_) => {}
                ComponentItem::CoreFunc(_) | ComponentItem::Module(_) | ComponentItem::Component(_) => {
                    out.push(format!("// {}: a core function, module or component: not supported", js_string(name)))
                }
            }
        }
        for (r, statics) in resources {
            out.push(format!("{}: {};", member_key(&pascal_case(&r)), block(&statics)));
        }
        out
    }
}

/// `{ tag: "name"; val: T }`, or `{ tag: "name" }` without a payload.
fn tagged(tag: &str, val: Option<String>) -> String {
    match val {
        Some(v) => format!("{{ tag: {}; val: {v} }}", js_string(tag)),
        None => format!("{{ tag: {} }}", js_string(tag)),
    }
}

/// The TypeScript type name of an exported instance: PascalCase of namespace, package and
/// interface, without the version (`my:plugin/api@0.1.0` -> `MyPluginApi`); a plain name's Pascal.
fn interface_type_name(export: &str) -> String {
    let unversioned = export.split('@').next().unwrap_or(export);
    unversioned.split([':', '/']).map(pascal_case).collect()
}

/// An export's short name: the interface of `ns:pkg/iface@version`, else the name itself.
fn short_name(export: &str) -> &str {
    let unversioned = export.split('@').next().unwrap_or(export);
    match unversioned.rsplit_once('/') {
        Some((_, iface)) => iface,
        None => unversioned,
    }
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// A member name as written in an interface: bare when it is an identifier, else quoted.
fn member_key(name: &str) -> String {
    if is_identifier(name) {
        name.to_string()
    } else {
        js_string(name)
    }
}

/// A parameter's name: camelCase, with `_` appended to a reserved word; `_` for what is no
/// identifier at all (not a valid WIT name).
fn param_name(wit: &str) -> String {
    let camel = camel_case(wit);
    if RESERVED_WORDS.split_whitespace().any(|w| w == camel) {
        format!("{camel}_")
    } else if is_identifier(&camel) {
        camel
    } else {
        format!("_{}", camel.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>())
    }
}

/// A double-quoted JS string literal (also safe inside a `//` comment: no line breaks).
fn js_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `{` + the indented lines + `}`, or `{}` without lines.
fn block(lines: &[String]) -> String {
    if lines.is_empty() {
        "{}".to_string()
    } else {
        format!("{{\n{}\n}}", indent(&lines.join("\n")))
    }
}

fn indent(text: &str) -> String {
    text.lines().map(|l| if l.is_empty() { String::new() } else { format!("  {l}") }).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasmtime::Config;

    fn engine() -> Engine {
        let mut config = Config::new();
        config.wasm_component_model(true);
        Engine::new(&config).unwrap()
    }

    fn encode(resolve: &wit_parser::Resolve, world: wit_parser::WorldId, mut core: Vec<u8>) -> Vec<u8> {
        wit_component::embed_component_metadata(&mut core, resolve, world, wit_component::StringEncoding::UTF8)
            .unwrap();
        wit_component::ComponentEncoder::default().module(&core).unwrap().validate(true).encode().unwrap()
    }

    fn declarations_of(bytes: &[u8], title: &str) -> String {
        let engine = engine();
        let component = Component::new(&engine, bytes).unwrap();
        declarations(&component, &engine, title)
    }

    /// The `plugin` test fixture (tests/components): WIT plus a hand-written core module.
    fn prototype() -> Vec<u8> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/components/plugin.wasm");
        std::fs::read(dir).unwrap()
    }

    /// The declarations of a component made from WIT alone (world `w` of the last source; the
    /// earlier ones are dependencies), with wit-component's dummy core module.
    fn from_wit(sources: &[&str]) -> String {
        let mut resolve = wit_parser::Resolve::new();
        let mut pkg = None;
        for (i, source) in sources.iter().enumerate() {
            pkg = Some(resolve.push_str(format!("s{i}.wit"), source).unwrap());
        }
        let world = resolve.select_world(&[pkg.unwrap()], Some("w")).unwrap();
        let mangling = wit_parser::ManglingAndAbi::Legacy(wit_parser::LiftLowerAbi::Sync);
        let core = wit_component::dummy_module(&resolve, world, mangling);
        declarations_of(&encode(&resolve, world, core), "test.wasm")
    }

    /// Asserts that `text` has each of `lines` as a line (trimmed).
    #[track_caller]
    fn assert_lines(text: &str, lines: &[&str]) {
        for line in lines {
            assert!(text.lines().any(|l| l.trim() == *line), "missing line {line:?} in:\n{text}");
        }
    }

    #[test]
    fn camel_and_pascal_rules() {
        assert_eq!(camel_case("x-coord"), "xCoord");
        assert_eq!(camel_case("next-color"), "nextColor");
        assert_eq!(camel_case("get-HTTP-url"), "getHTTPUrl");
        assert_eq!(camel_case("HTTP-get"), "hTTPGet");
        assert_eq!(camel_case("norm1"), "norm1");
        assert_eq!(camel_case("a--b"), "aB");
        assert_eq!(camel_case(""), "");
        assert_eq!(pascal_case("counter"), "Counter");
        assert_eq!(pascal_case("my-thing"), "MyThing");
        assert_eq!(pascal_case("HTTP-url"), "HTTPUrl");
        assert_eq!(interface_type_name("my:plugin/api@0.1.0"), "MyPluginApi");
        assert_eq!(interface_type_name("my-ns:my-pkg/the-api"), "MyNsMyPkgTheApi");
        assert_eq!(interface_type_name("plain-name"), "PlainName");
        assert_eq!(short_name("my:plugin/api@0.1.0"), "api");
        assert_eq!(short_name("plain-name"), "plain-name");
    }

    const PROTOTYPE_SNAPSHOT: &str = r#"// TypeScript declarations of the component "plugin.wasm" for runtime:wasm (generated).

export interface Point {
  xCoord: number;
  yCoord: number;
}

export type Color = "red" | "green" | "blue";

export interface Perms {
  read?: boolean;
  write?: boolean;
  exec?: boolean;
}

export type Shape =
  | { tag: "circle"; val: number }
  | { tag: "square"; val: number }
  | { tag: "nothing" };

export interface Counter {
  incr(): Promise<number>;
  addFrom(other: Counter): Promise<void>;
  drop(): void;
  [Symbol.dispose](): void;
}

export interface MyPluginApi {
  greet(name: string): Promise<string>;
  /** @throws {WasmError} code 5014 (ErrorResult) with `payload` of type string */
  check(n: number): Promise<number>;
  nextColor(c: Color): Promise<Color>;
  norm1(p: Point): Promise<bigint>;
  toggle(p: Perms): Promise<Perms>;
  double(x: number | undefined): Promise<number | undefined>;
  area(s: Shape): Promise<number>;
  echoBytes(b: Uint8Array): Promise<Uint8Array>;
  sameChar(c: string): Promise<string>;
  Counter: {
    create(start: number): Promise<Counter>;
    zero(): Promise<Counter>;
  };
}

export interface Exports {
  add(a: bigint, b: bigint): Promise<bigint>;
  argc(): Promise<number>;
  dropped(): Promise<number>;
  "my:plugin/api@0.1.0": MyPluginApi;
  api: MyPluginApi;
}
"#;

    #[test]
    fn prototype_snapshot() {
        let text = declarations_of(&prototype(), "plugin.wasm");
        save("prototype", &text);
        // Only a wasi:* import: no `Imports`.
        assert_eq!(text, PROTOTYPE_SNAPSHOT);
    }

    /// Writes a declaration text to `$TS_EMITTER_OUT/<name>.d.ts` when that is set, for checking
    /// the output with `tsc` by hand.
    fn save(name: &str, text: &str) {
        if let Ok(dir) = std::env::var("TS_EMITTER_OUT") {
            std::fs::write(format!("{dir}/{name}.d.ts"), text).unwrap();
        }
    }

    #[test]
    fn primitives() {
        let text = from_wit(&["package t:t;
            world w {
                export f: func(a: bool, b: s8, c: u8, d: s16, e: u16, f: s32, g: u32, h: f32, i: f64, j: s64, k: u64,
                    l: char, m: string);
                export g: func() -> u64;
            }"]);
        save("primitives", &text);
        assert_lines(
            &text,
            &[
                "f(a: boolean, b: number, c: number, d: number, e: number, f: number, g: number, h: number, \
                 i: number, j: bigint, k: bigint, l: string, m: string): Promise<void>;",
                "g(): Promise<bigint>;",
            ],
        );
    }

    #[test]
    fn lists_and_tuples() {
        let text = from_wit(&["package t:t;
            world w {
                export f: func(a: list<u8>, b: list<u32>, c: list<list<u8>>, d: list<option<u32>>, e: list<string>)
                    -> list<tuple<u8, string>>;
                export g: func(t: tuple<s64, list<bool>>) -> tuple<bool>;
            }"]);
        save("lists", &text);
        assert_lines(
            &text,
            &[
                "f(a: Uint8Array, b: number[], c: Uint8Array[], d: (number | undefined)[], e: string[]): \
                 Promise<[number, string][]>;",
                "g(t: [bigint, boolean[]]): Promise<[boolean]>;",
            ],
        );
    }

    #[test]
    fn records_variants_enums_flags() {
        let text = from_wit(&["package t:t;
            interface types {
                record my-point { x-coord: s32, y-coord: s32, label: option<string> }
                variant shape { circle(f32), many(list<my-point>), nothing }
                enum color { red, dark-green }
                flags perms { read, write-all }
                record line { start: my-point, end: my-point, color: color }
            }
            world w {
                use types.{my-point, line};
                export f: func(p: my-point) -> line;
                export api: interface {
                    use types.{shape, color, perms};
                    g: func(s: shape, c: list<color>, p: perms);
                }
            }"]);
        save("records", &text);
        assert_lines(
            &text,
            &[
                "export interface MyPoint {",
                "label: string | undefined;",
                "export type Shape =",
                "| { tag: \"circle\"; val: number }",
                "| { tag: \"many\"; val: MyPoint[] }",
                "| { tag: \"nothing\" };",
                "export type Color = \"red\" | \"dark-green\";",
                "export interface Perms {",
                "writeAll?: boolean;",
                "export interface Line {",
                "start: MyPoint;",
                "color: Color;",
                "f(p: MyPoint): Promise<Line>;",
                "g(s: Shape, c: Color[], p: Perms): Promise<void>;",
                // A plain-named interface: under its name only (it is its own camelCase).
                "api: Api;",
            ],
        );
        // The imported `types` has types only: nothing for the host to give.
        assert!(!text.contains("Imports"), "{text}");
        // Each declared once, though both the import `types` and the exports name them.
        assert_eq!(text.matches("export interface MyPoint ").count(), 1, "{text}");
    }

    #[test]
    fn options() {
        let text = from_wit(&["package t:t;
            world w {
                export f: func(a: option<u32>, b: option<option<u32>>, c: option<option<option<string>>>,
                    d: option<list<option<u8>>>) -> option<tuple<u8>>;
            }"]);
        save("options", &text);
        assert_lines(
            &text,
            &["f(a: number | undefined, \
               b: { tag: \"some\"; val: number } | { tag: \"none\" } | undefined, \
               c: { tag: \"some\"; val: string | undefined } | { tag: \"none\" } | undefined, \
               d: (number | undefined)[] | undefined): Promise<[number] | undefined>;"],
        );
    }

    #[test]
    fn results() {
        let text = from_wit(&["package t:t;
            interface types { enum code { bad, worse } }
            world w {
                use types.{code};
                export a: func() -> result<u32, string>;
                export b: func() -> result;
                export c: func() -> result<_, code>;
                export d: func() -> result<list<u8>>;
                export e: func() -> option<result<u32>>;
                export f: func(r: result<string, code>) -> list<result<_, string>>;
            }"]);
        save("results", &text);
        assert_lines(
            &text,
            &[
                "/** @throws {WasmError} code 5014 (ErrorResult) with `payload` of type string */",
                "a(): Promise<number>;",
                "/** @throws {WasmError} code 5014 (ErrorResult) with `payload` of type undefined */",
                "b(): Promise<void>;",
                "/** @throws {WasmError} code 5014 (ErrorResult) with `payload` of type Code */",
                "c(): Promise<void>;",
                "d(): Promise<Uint8Array>;",
                "e(): Promise<{ tag: \"ok\"; val: number } | { tag: \"err\" } | undefined>;",
                "f(r: { tag: \"ok\"; val: string } | { tag: \"err\"; val: Code }): \
                 Promise<({ tag: \"ok\" } | { tag: \"err\"; val: string })[]>;",
            ],
        );
    }

    #[test]
    fn resources() {
        let text = from_wit(&["package my:res@1.0.0;
            interface things {
                resource blob {
                    constructor(init: list<u8>);
                    read: func(n: u32) -> list<u8>;
                    merge: static func(a: borrow<blob>, b: own<blob>) -> blob;
                    size: func() -> result<u64, string>;
                }
                resource handle-only;
                wrap: func(b: blob) -> option<handle-only>;
            }
            world w { export things; }"]);
        save("resources", &text);
        assert_lines(
            &text,
            &[
                "export interface Blob {",
                "read(n: number): Promise<Uint8Array>;",
                "size(): Promise<bigint>;",
                "drop(): void;",
                "[Symbol.dispose](): void;",
                "export interface HandleOnly {",
                "export interface MyResThings {",
                "wrap(b: Blob): Promise<HandleOnly | undefined>;",
                "Blob: {",
                "create(init: Uint8Array): Promise<Blob>;",
                "merge(a: Blob, b: Blob): Promise<Blob>;",
                "HandleOnly: {};",
                "\"my:res/things@1.0.0\": MyResThings;",
                "things: MyResThings;",
            ],
        );
    }

    /// Two records that differ only in the resource they hold: `types::Type`'s `PartialEq` would
    /// panic comparing them in an uninstantiated component (see the module comment).
    #[test]
    fn records_of_different_resources() {
        let text = from_wit(&["package t:t;
            interface api {
                resource a;
                resource b;
                record ra { x: own<a> }
                record rb { x: own<b> }
                f: func(x: ra, y: rb, z: borrow<a>) -> tuple<a, b>;
            }
            world w { export api; }"]);
        save("resource-records", &text);
        assert_lines(&text, &["f(x: Ra, y: Rb, z: A): Promise<[A, B]>;", "x: A;", "x: B;"]);
    }

    /// A second WIT name of a named type (`type pt = point`) is an alias of the first.
    #[test]
    fn type_aliases() {
        let text = from_wit(&["package t:t;
            interface api {
                record point { x: u32 }
                type pt = point;
                f: func(a: pt, b: point);
            }
            world w { export api; }"]);
        save("type-alias", &text);
        assert_lines(
            &text,
            &["export interface Point {", "export type Pt = Point;", "f(a: Point, b: Point): Promise<void>;"],
        );
    }

    #[test]
    fn name_clashes() {
        let text = from_wit(&["package my:plugin;
            interface api {
                record my-plugin-api { a: u32 }
                record promise { b: u32 }
                record point { x: u32 }
                f: func(a: my-plugin-api, b: promise, c: point);
            }
            interface other {
                record point { y: u32 }
                g: func(p: point);
            }
            world w { export api; export other; }"]);
        save("clashes", &text);
        assert_lines(
            &text,
            &[
                "export interface MyPluginApi2 {",
                "export interface Promise2 {",
                "export interface Point {",
                "export interface Point2 {",
                "f(a: MyPluginApi2, b: Promise2, c: Point): Promise<void>;",
                "g(p: Point2): Promise<void>;",
                "export interface MyPluginApi {",
                "export interface MyPluginOther {",
            ],
        );
    }

    #[test]
    fn short_name_aliases() {
        let text = from_wit(&[
            "package a:x; interface api { f: func(); }",
            "package b:y; interface api { g: func(); } interface solo { h: func(); }",
            "package t:t; world w { export a:x/api; export b:y/api; export b:y/solo; export solo-fn: func(); }",
        ]);
        save("aliases", &text);
        assert_lines(
            &text,
            &[
                "\"a:x/api\": AXApi;",
                "\"b:y/api\": BYApi;",
                "\"b:y/solo\": BYSolo;",
                "solo: BYSolo;",
                "soloFn(): Promise<void>;",
            ],
        );
        assert!(!text.lines().any(|l| l.trim().starts_with("api:")), "{text}");
        // An exported type of that short name does not count.
        let text = from_wit(&[
            "package b:y; interface api { g: func(); } interface types { record api { a: u32 } }",
            "package t:t; world w { use b:y/types.{api}; export b:y/api; export f: func(a: api); }",
        ]);
        save("aliases-type", &text);
        assert_lines(&text, &["\"b:y/api\": BYApi;", "api: BYApi;", "f(a: Api): Promise<void>;"]);
        // Two versions of one interface: suffixed type names, and no alias.
        let text = from_wit(&[
            "package my:plugin@0.1.0; interface api { f: func(); }",
            "package my:plugin@0.2.0; interface api { f: func(x: u32); }",
            "package t:t; world w { export my:plugin/api@0.1.0; export my:plugin/api@0.2.0; }",
        ]);
        save("versions", &text);
        assert_lines(
            &text,
            &[
                "\"my:plugin/api@0.1.0\": MyPluginApi;",
                "\"my:plugin/api@0.2.0\": MyPluginApi2;",
                "f(x: number): Promise<void>;",
            ],
        );
        assert!(!text.contains("api: "), "{text}");
        // A function of the same short name takes the place of the alias.
        let text = from_wit(&[
            "package b:y; interface api { g: func(); }",
            "package t:t; world w { export b:y/api; export api: func(); }",
        ]);
        assert_lines(&text, &["api(): Promise<void>;", "\"b:y/api\": BYApi;"]);
        assert!(!text.contains("api: BYApi;"), "{text}");
    }

    #[test]
    fn reserved_parameter_names() {
        let text = from_wit(&["package t:t;
            world w { export f: func(new: u32, class: u32, %static: u32, this: u32, in-out: u32); }"]);
        assert_lines(
            &text,
            &["f(new_: number, class_: number, static_: number, this_: number, inOut: number): Promise<void>;"],
        );
    }

    #[test]
    fn imports() {
        let text = from_wit(&[
            "package my:host@0.1.0;
            interface api {
                record entry { at: u64, msg: string }
                log: func(msg: string);
                get: func(key: string) -> result<option<string>, string>;
                put: func(e: entry) -> u32;
                resource conn { constructor(url: string); send: func(b: list<u8>); }
            }",
            "package t:t;
            world w {
                import my:host/api@0.1.0;
                import now: func() -> u64;
                export run: func();
            }",
        ]);
        save("imports", &text);
        assert_lines(
            &text,
            &[
                "export interface Entry {",
                "export interface Imports {",
                "\"my:host/api@0.1.0\": {",
                "log(msg: string): void | Promise<void>;",
                "get(key: string): string | undefined | Promise<string | undefined>;",
                "put(e: Entry): number | Promise<number>;",
                "now(): bigint | Promise<bigint>;",
                // Not decided for imported resources: written like exported ones for now.
                "Conn: {",
                "create(url: string): Conn | Promise<Conn>;",
            ],
        );
        // Only wasi:* imports: no `Imports`, and no declarations of their types.
        let text = from_wit(&[
            "package wasi:cli@0.2.0; interface environment { get-arguments: func() -> list<string>; }",
            "package t:t; world w { import wasi:cli/environment@0.2.0; export run: func(); }",
        ]);
        assert!(!text.contains("Imports"), "{text}");
    }

    #[test]
    fn title_is_escaped() {
        let text = from_wit(&["package t:t; world w { export run: func(); }"]);
        assert!(text.starts_with("// TypeScript declarations of the component \"test.wasm\""), "{text}");
        assert_eq!(js_string("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
    }
}

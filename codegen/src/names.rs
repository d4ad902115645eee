//! Identifier rules and case conversions shared by validation and the emitters: Rust idents
//! (`snake_case`, `UpperCamelCase`, raw keywords), serde's camelCase rule, JS identifiers and
//! Markdown heading slugs.

/// Rust keywords (strict and reserved) that need `r#` as identifiers.
const RUST_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "override", "priv", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
    "true", "try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers either.
const RUST_NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// Names the generated Rust or TypeScript already uses; a spec type may not take them.
pub const RESERVED_TYPE_NAMES: &[&str] = &[
    "Array",
    "ArrayBuffer",
    "AsyncIterable",
    "BTreeMap",
    "Box",
    "Error",
    "ErrorCode",
    "Iterable",
    "JsBuffer",
    "Object",
    "OpState",
    "Option",
    "Partial",
    "Promise",
    "Rc",
    "Readonly",
    "ReadonlyArray",
    "Record",
    "RefCell",
    "Result",
    "String",
    "Uint8Array",
    "Vec",
];

/// What every op name starts with.
pub const OP_PREFIX: &str = "op_wasm_";

/// The things an op acts on: the word after [`OP_PREFIX`].
pub const OP_NOUNS: &[&str] = &["module", "instance", "function", "memory", "component"];

/// The suffix of the sync twin of an async op (`op_wasm_memory_read_sync` beside the async
/// `op_wasm_memory_read`), and the only suffix that marks sync or async.
pub const OP_SYNC_SUFFIX: &str = "_sync";

/// The Rust function an op calls when its spec entry has no `impl=`: the op name without
/// [`OP_PREFIX`] (`op_wasm_module_compile` -> `module_compile`).
pub fn default_op_impl(op: &str) -> &str {
    op.strip_prefix(OP_PREFIX).unwrap_or(op)
}

/// Whether `op` reads `op_wasm_<noun>_<verb>[_<more>...]` with a noun of [`OP_NOUNS`] and
/// non-empty snake_case words.
pub fn is_op_name(op: &str) -> bool {
    let Some(rest) = op.strip_prefix(OP_PREFIX) else {
        return false;
    };
    let words: Vec<&str> = rest.split('_').collect();
    words.len() >= 2
        && OP_NOUNS.contains(&words[0])
        && words.iter().all(|w| {
            w.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                && w.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

pub fn is_rust_keyword(s: &str) -> bool {
    RUST_KEYWORDS.contains(&s)
}

/// A token-ready Rust identifier: `r#type` for keywords.
pub fn rust_ident(name: &str) -> proc_macro2::Ident {
    if is_rust_keyword(name) && !RUST_NOT_RAW.contains(&name) {
        proc_macro2::Ident::new_raw(name, proc_macro2::Span::call_site())
    } else {
        proc_macro2::Ident::new(name, proc_macro2::Span::call_site())
    }
}

/// `[A-Za-z_][A-Za-z0-9_]*`, not `_` alone, not a keyword that cannot be raw.
pub fn is_rust_ident(s: &str) -> bool {
    let mut chars = s.chars();
    let ok_first = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    ok_first && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !RUST_NOT_RAW.contains(&s)
}

/// A JS identifier made of ASCII letters, digits, `_` and `$`, not starting with a digit.
pub fn is_js_ident(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// `UpperCamelCase` with ASCII letters and digits only (type, class and error names).
pub fn is_upper_camel(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && s.chars().all(|c| c.is_ascii_alphanumeric())
}

/// `lowerCamelCase` with ASCII letters and digits only (fields, params, functions).
pub fn is_lower_camel(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_lowercase()) && s.chars().all(|c| c.is_ascii_alphanumeric())
}

/// `snake_case` with ASCII lowercase letters, digits and `_`.
pub fn is_snake(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// `inheritStdin` -> `inherit_stdin`, `HTTPServer` -> `http_server`, `u32` -> `u32`.
pub fn to_snake(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev = i.checked_sub(1).map(|j| chars[j]);
            let next = chars.get(i + 1).copied();
            let boundary = prev.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit())
                || (prev.is_some_and(|p| p.is_ascii_uppercase()) && next.is_some_and(|n| n.is_ascii_lowercase()));
            if boundary && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c == '-' || c == ' ' || c == '.' {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `i32` -> `I32`, `funcref` -> `Funcref`, `read-only` -> `ReadOnly`, `9p` -> `V9p`.
pub fn to_upper_camel(s: &str) -> String {
    let mut out = String::new();
    for part in s.split(|c: char| !c.is_ascii_alphanumeric()).filter(|p| !p.is_empty()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    if out.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    out
}

/// What serde's `rename_all = "camelCase"` makes of a snake_case field ident.
pub fn serde_camel(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// GitHub's heading anchor: lowercase, punctuation dropped, spaces to `-`.
pub fn slug(heading: &str) -> String {
    heading
        .chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                Some(c.to_ascii_lowercase())
            } else if c == ' ' {
                Some('-')
            } else {
                None
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions() {
        assert_eq!(to_snake("inheritStdin"), "inherit_stdin");
        assert_eq!(to_snake("type"), "type");
        assert_eq!(to_snake("HTTPServer"), "http_server");
        assert_eq!(to_snake("deltaPages"), "delta_pages");
        assert_eq!(to_upper_camel("i32"), "I32");
        assert_eq!(to_upper_camel("funcref"), "Funcref");
        assert_eq!(to_upper_camel("read-only"), "ReadOnly");
        assert_eq!(to_upper_camel("9p"), "V9p");
        assert_eq!(serde_camel("inherit_stdin"), "inheritStdin");
        assert_eq!(slug("Instance.call"), "instancecall");
        assert_eq!(slug("Error codes"), "error-codes");
        assert_eq!(rust_ident("type").to_string(), "r#type");
        assert!(is_rust_ident("op_wasm_function_call"));
        assert!(!is_rust_ident("self"));
    }

    #[test]
    fn op_names() {
        assert!(is_op_name("op_wasm_module_compile"));
        assert!(is_op_name("op_wasm_function_call_numbers_sync"));
        assert!(!is_op_name("op_wasm_compile"), "no noun");
        assert!(!is_op_name("op_wasm_module"), "no verb");
        assert!(!is_op_name("op_wasm_module__drop"), "empty word");
        assert!(!is_op_name("op_wasm_module_drop_"), "empty word");
        assert!(!is_op_name("op_wasm_table_grow"), "not a noun of the API");
        assert!(!is_op_name("op_demo_module_make"), "wrong prefix");
        assert_eq!(default_op_impl("op_wasm_module_compile"), "module_compile");
        assert_eq!(default_op_impl("op_other"), "op_other");
    }
}

//! The two type languages of the spec: wire type expressions (`list<map<u32>>`), parsed into
//! `WireType`, and TypeScript type expressions, which are emitted as written but scanned for
//! the type names they mention so `validate` can check them.

use crate::model::WireType;

/// TypeScript keywords and primitive types allowed in TS type expressions.
pub const TS_KEYWORDS: &[&str] = &[
    "any",
    "bigint",
    "boolean",
    "false",
    "keyof",
    "never",
    "null",
    "number",
    "object",
    "readonly",
    "string",
    "symbol",
    "true",
    "typeof",
    "undefined",
    "unknown",
    "void",
];

/// Standard JS/TS types a TS type expression may name without declaring them.
pub const TS_STANDARD_TYPES: &[&str] = &[
    "Array",
    "ArrayBuffer",
    "AsyncIterable",
    "Error",
    "Iterable",
    "Partial",
    "Promise",
    "Readonly",
    "ReadonlyArray",
    "Record",
    "Uint8Array",
];

/// Parse a wire type expression: `bool`, `u32`, `i32`, `u64`, `f64`, `string`, `bytes`,
/// `void`, `list<T>`, `map<T>` or a declared name. The error is a reason for a diagnostic.
pub fn parse_wire(text: &str) -> Result<WireType, String> {
    let tokens = tokenize(text)?;
    let mut pos = 0;
    let ty = parse_wire_at(&tokens, &mut pos)?;
    match tokens.get(pos) {
        None => Ok(ty),
        Some(tok) => Err(format!("unexpected `{}` after the type", tok.text)),
    }
}

fn parse_wire_at(tokens: &[Token<'_>], pos: &mut usize) -> Result<WireType, String> {
    let Some(tok) = tokens.get(*pos) else {
        return Err("expected a type name".into());
    };
    if tok.kind != TokKind::Ident {
        return Err(format!("expected a type name, found `{}`", tok.text));
    }
    *pos += 1;
    let name = tok.text;
    let has_param = tokens.get(*pos).is_some_and(|t| t.text == "<");
    if has_param {
        *pos += 1;
        let inner = parse_wire_at(tokens, pos)?;
        match tokens.get(*pos).map(|t| t.text) {
            Some(">") => *pos += 1,
            Some(",") if name == "map" => {
                return Err("map keys are always strings: write `map<T>` with the value type".into())
            }
            Some(other) => return Err(format!("expected `>`, found `{other}`")),
            None => return Err(format!("`{name}<` is not closed with `>`")),
        }
        return match name {
            "list" => Ok(WireType::List(Box::new(inner))),
            "map" => Ok(WireType::Map(Box::new(inner))),
            _ => Err(format!("`{name}` takes no type parameter (only `list<T>` and `map<T>` do)")),
        };
    }
    Ok(match name {
        "bool" => WireType::Bool,
        "u32" => WireType::U32,
        "i32" => WireType::I32,
        "u64" => WireType::U64,
        "f64" => WireType::F64,
        "string" => WireType::String,
        "bytes" => WireType::Bytes,
        "void" => WireType::Void,
        "list" | "map" => return Err(format!("`{name}` needs a type parameter: `{name}<T>`")),
        _ => WireType::Named(name.to_string()),
    })
}

/// The type names a TypeScript type expression refers to, with their byte offsets in `text`:
/// identifiers that are not keywords, property keys (`key:` / `key?:`) or member names
/// (`.name`). Fails on unbalanced brackets or characters that cannot appear in a type.
pub fn ts_type_names(text: &str) -> Result<Vec<(String, usize)>, String> {
    let tokens = tokenize(text)?;
    let mut stack: Vec<&str> = Vec::new();
    for tok in &tokens {
        match tok.text {
            "<" | "(" | "[" | "{" => stack.push(tok.text),
            ">" | ")" | "]" | "}" => {
                let open = match tok.text {
                    ">" => "<",
                    ")" => "(",
                    "]" => "[",
                    _ => "{",
                };
                // `=>` is an arrow, not a closing angle bracket.
                if tok.text == ">" && tok.arrow {
                    continue;
                }
                if stack.pop() != Some(open) {
                    return Err(format!("unbalanced `{}`", tok.text));
                }
            }
            _ => {}
        }
    }
    if let Some(open) = stack.pop() {
        return Err(format!("`{open}` is never closed"));
    }
    if tokens.is_empty() {
        return Err("the type is empty".into());
    }
    let mut names = Vec::new();
    for (i, tok) in tokens.iter().enumerate() {
        if tok.kind != TokKind::Ident || TS_KEYWORDS.contains(&tok.text) {
            continue;
        }
        let next = tokens.get(i + 1).map(|t| t.text);
        let next2 = tokens.get(i + 2).map(|t| t.text);
        let is_key = next == Some(":") || (next == Some("?") && next2 == Some(":"));
        let is_member = i > 0 && tokens[i - 1].text == ".";
        if !is_key && !is_member {
            names.push((tok.text.to_string(), tok.offset));
        }
    }
    Ok(names)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TokKind {
    Ident,
    Punct,
    Literal,
}

#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    kind: TokKind,
    text: &'a str,
    offset: usize,
    /// For `>`: it closes `=>`.
    arrow: bool,
}

fn tokenize(text: &str) -> Result<Vec<Token<'_>>, String> {
    let mut tokens = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' || c == b'$' {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'$') {
                i += 1;
            }
            tokens.push(Token { kind: TokKind::Ident, text: &text[start..i], offset: start, arrow: false });
        } else if c.is_ascii_digit() || c == b'-' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
            i += 1;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'.') {
                i += 1;
            }
            tokens.push(Token { kind: TokKind::Literal, text: &text[start..i], offset: start, arrow: false });
        } else if c == b'"' || c == b'\'' || c == b'`' {
            i += 1;
            while i < bytes.len() && bytes[i] != c {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            if i >= bytes.len() {
                return Err("a string literal is not closed".into());
            }
            i += 1;
            tokens.push(Token { kind: TokKind::Literal, text: &text[start..i], offset: start, arrow: false });
        } else if b"<>()[]{}|&,:;?.=".contains(&c) {
            i += 1;
            let arrow = c == b'>' && start > 0 && bytes[start - 1] == b'=';
            if c == b'.' && bytes.get(i..i + 2) == Some(b"..") {
                i += 2;
            }
            tokens.push(Token { kind: TokKind::Punct, text: &text[start..i], offset: start, arrow });
        } else {
            let ch = text[start..].chars().next().unwrap_or('?');
            return Err(format!("unexpected character `{ch}`"));
        }
    }
    Ok(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_types() {
        assert_eq!(parse_wire("u32"), Ok(WireType::U32));
        assert_eq!(
            parse_wire("map< list<Foo> >"),
            Ok(WireType::Map(Box::new(WireType::List(Box::new(WireType::Named("Foo".into()))))))
        );
        assert!(parse_wire("list").unwrap_err().contains("needs a type parameter"));
        assert!(parse_wire("map<string, u32>").unwrap_err().contains("map keys"));
        assert!(parse_wire("Foo<u32>").unwrap_err().contains("takes no type parameter"));
        assert!(parse_wire("list<u32").unwrap_err().contains("not closed"));
        assert!(parse_wire("u32 u32").unwrap_err().contains("unexpected"));
        assert!(parse_wire("").unwrap_err().contains("expected a type name"));
        assert!(parse_wire("list<>").is_err());
    }

    #[test]
    fn ts_names() {
        let names = ts_type_names("Promise<(number | bigint)[]>").unwrap();
        assert_eq!(names, vec![("Promise".to_string(), 0)]);
        let names = ts_type_names("{ type: ValueType; value?: number } | Foo").unwrap();
        assert_eq!(names.iter().map(|n| n.0.as_str()).collect::<Vec<_>>(), ["ValueType", "Foo"]);
        let names = ts_type_names("(x: Bar) => Promise<void>").unwrap();
        assert_eq!(names.iter().map(|n| n.0.as_str()).collect::<Vec<_>>(), ["Bar", "Promise"]);
        assert!(ts_type_names("Promise<number").is_err());
        assert!(ts_type_names("").is_err());
        assert!(ts_type_names("\"a\" | \"b\"").unwrap().is_empty());
    }
}

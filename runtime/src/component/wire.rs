//! The byte form component values cross the op boundary in, both ways. JS values are
//! trees (strings, arrays, objects, bigints, bytes), which the slot form of core calls
//! cannot carry and serde would carry only through a wire type per WIT type. So the JS
//! side writes each argument self-described, one tag byte and its payload, and this
//! module reads it into a `Wire` tree that `super::values` checks against the function's
//! declared types. Results go back in the same form, written by `super::values` from the
//! types, so JS needs no type information to read them.
//!
//! The layout (little-endian; `runtime/js/20_component.js` writes and reads the same):
//!
//! | tag | value      | payload                                                   |
//! | --- | ---------- | --------------------------------------------------------- |
//! | 0   | undefined  |                                                           |
//! | 1   | null       |                                                           |
//! | 2,3 | false/true |                                                           |
//! | 4   | number     | f64                                                       |
//! | 5   | bigint     | u32 length, decimal ASCII                                 |
//! | 6   | string     | u32 length, UTF-8                                         |
//! | 7   | Uint8Array | u32 length, the bytes                                     |
//! | 8   | array      | u32 count, the items                                      |
//! | 9   | object     | u32 count, then per own enumerable key: string, value     |
//! | 10  | resource   | u32 handle; from Rust also the resource's key as a string |
//! | 11  | other      | u32 length, what it was (a function, a symbol), for errors |

use crate::error::{WasmError, WasmResult};

pub const UNDEFINED: u8 = 0;
pub const NULL: u8 = 1;
pub const FALSE: u8 = 2;
pub const TRUE: u8 = 3;
pub const NUMBER: u8 = 4;
pub const BIGINT: u8 = 5;
pub const STRING: u8 = 6;
pub const BYTES: u8 = 7;
pub const ARRAY: u8 = 8;
pub const OBJECT: u8 = 9;
pub const RESOURCE: u8 = 10;
pub const OTHER: u8 = 11;

/// A JS value as it arrived.
#[derive(Debug, Clone, PartialEq)]
pub enum Wire {
    Undefined,
    Null,
    Bool(bool),
    Number(f64),
    /// Decimal text: a bigint of any size, checked against the declared range later.
    BigInt(String),
    String(String),
    Bytes(Vec<u8>),
    Array(Vec<Wire>),
    /// Own enumerable properties, in order.
    Object(Vec<(String, Wire)>),
    /// A resource object's handle in its instance's table.
    Resource(u32),
    /// A value with no wire form, described.
    Other(String),
}

impl Wire {
    /// What the value is, for messages (`expected a string, got a number (3)`).
    pub fn describe(&self) -> String {
        match self {
            Wire::Undefined => "undefined".into(),
            Wire::Null => "null".into(),
            Wire::Bool(b) => format!("{b}"),
            Wire::Number(n) => format!("the number {n}"),
            Wire::BigInt(b) => format!("the bigint {b}n"),
            Wire::String(s) if s.chars().count() > 40 => {
                format!("a string ({:?}...)", s.chars().take(40).collect::<String>())
            }
            Wire::String(s) => format!("a string ({s:?})"),
            Wire::Bytes(b) => format!("a Uint8Array of {} bytes", b.len()),
            Wire::Array(items) => format!("an array of {} items", items.len()),
            Wire::Object(_) => "an object".into(),
            Wire::Resource(_) => "a resource".into(),
            Wire::Other(what) => what.clone(),
        }
    }
}

/// Nesting deeper than this is refused: the reader and the converters recurse, and a
/// hostile value must not run the host's stack out.
pub const MAX_DEPTH: usize = 200;

/// Read the argument list: a count, then each value.
pub fn read_args(bytes: &[u8]) -> WasmResult<Vec<Wire>> {
    let mut reader = Reader { bytes, at: 0 };
    let count = reader.u32()? as usize;
    // Each value takes at least a byte: a larger count is a forged buffer.
    if count > bytes.len() {
        return Err(malformed("argument count past the end"));
    }
    let values = (0..count).map(|_| reader.value(0)).collect::<WasmResult<Vec<_>>>()?;
    if reader.at != bytes.len() {
        return Err(malformed("bytes after the last argument"));
    }
    Ok(values)
}

/// Read one value (a host function's answer).
pub fn read_value(bytes: &[u8]) -> WasmResult<Wire> {
    let mut reader = Reader { bytes, at: 0 };
    let value = reader.value(0)?;
    if reader.at != bytes.len() {
        return Err(malformed("bytes after the value"));
    }
    Ok(value)
}

fn malformed(what: &str) -> WasmError {
    WasmError::type_mismatch(format!("malformed component argument buffer: {what}"))
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> WasmResult<&[u8]> {
        let end =
            self.at.checked_add(n).filter(|end| *end <= self.bytes.len()).ok_or_else(|| malformed("truncated"))?;
        let taken = &self.bytes[self.at..end];
        self.at = end;
        Ok(taken)
    }

    fn u8(&mut self) -> WasmResult<u8> {
        Ok(self.take(1)?[0])
    }

    fn u32(&mut self) -> WasmResult<u32> {
        let raw = self.take(4)?;
        Ok(u32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]]))
    }

    fn text(&mut self) -> WasmResult<String> {
        let len = self.u32()? as usize;
        String::from_utf8(self.take(len)?.to_vec()).map_err(|_| malformed("a string is not UTF-8"))
    }

    fn count(&mut self) -> WasmResult<usize> {
        let count = self.u32()? as usize;
        if count > self.bytes.len() - self.at {
            return Err(malformed("an item count past the end"));
        }
        Ok(count)
    }

    fn value(&mut self, depth: usize) -> WasmResult<Wire> {
        if depth > MAX_DEPTH {
            return Err(WasmError::type_mismatch(format!("a value nested more than {MAX_DEPTH} levels deep")));
        }
        Ok(match self.u8()? {
            UNDEFINED => Wire::Undefined,
            NULL => Wire::Null,
            FALSE => Wire::Bool(false),
            TRUE => Wire::Bool(true),
            NUMBER => {
                let raw = self.take(8)?;
                let mut word = [0u8; 8];
                word.copy_from_slice(raw);
                Wire::Number(f64::from_le_bytes(word))
            }
            BIGINT => Wire::BigInt(self.text()?),
            STRING => Wire::String(self.text()?),
            BYTES => {
                let len = self.u32()? as usize;
                Wire::Bytes(self.take(len)?.to_vec())
            }
            ARRAY => {
                let count = self.count()?;
                Wire::Array((0..count).map(|_| self.value(depth + 1)).collect::<WasmResult<_>>()?)
            }
            OBJECT => {
                let count = self.count()?;
                let mut fields = Vec::with_capacity(count);
                for _ in 0..count {
                    let key = self.text()?;
                    fields.push((key, self.value(depth + 1)?));
                }
                Wire::Object(fields)
            }
            RESOURCE => Wire::Resource(self.u32()?),
            OTHER => Wire::Other(self.text()?),
            tag => return Err(malformed(&format!("unknown tag {tag}"))),
        })
    }
}

/// Writes values in the same form (results).
#[derive(Default)]
pub struct Writer {
    pub bytes: Vec<u8>,
}

impl Writer {
    pub fn tag(&mut self, tag: u8) {
        self.bytes.push(tag);
    }
    pub fn u32(&mut self, n: u32) {
        self.bytes.extend_from_slice(&n.to_le_bytes());
    }
    pub fn number(&mut self, n: f64) {
        self.bytes.push(NUMBER);
        self.bytes.extend_from_slice(&n.to_le_bytes());
    }
    pub fn bigint(&mut self, n: impl std::fmt::Display) {
        self.bytes.push(BIGINT);
        self.text(&n.to_string());
    }
    pub fn string(&mut self, s: &str) {
        self.bytes.push(STRING);
        self.text(s);
    }
    /// A length-prefixed string without a tag (object keys, resource keys).
    pub fn text(&mut self, s: &str) {
        self.length(s.len());
        self.bytes.extend_from_slice(s.as_bytes());
    }
    pub fn bytes(&mut self, b: &[u8]) {
        self.bytes.push(BYTES);
        self.length(b.len());
        self.bytes.extend_from_slice(b);
    }
    /// A count or length: values from wasm fit in u32 (a component's memory is 32-bit).
    pub fn length(&mut self, n: usize) {
        self.u32(u32::try_from(n).unwrap_or(u32::MAX));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An argument buffer of `count` values written one after another in `values`.
    fn args(count: u32, values: &[&[u8]]) -> Vec<u8> {
        let mut out = count.to_le_bytes().to_vec();
        for v in values {
            out.extend_from_slice(v);
        }
        out
    }

    #[test]
    fn reads_every_tag() {
        let mut w = Writer::default();
        w.number(1.5);
        w.bigint(-7);
        w.string("é");
        w.bytes(&[1, 2]);
        let mut object = vec![OBJECT, 1, 0, 0, 0];
        object.extend_from_slice(&[1, 0, 0, 0, b'k', TRUE]);
        let read = read_args(&args(9, &[&[UNDEFINED], &[NULL], &[FALSE], &w.bytes, &object, &[RESOURCE, 3, 0, 0, 0]]))
            .unwrap();
        assert_eq!(
            read,
            vec![
                Wire::Undefined,
                Wire::Null,
                Wire::Bool(false),
                Wire::Number(1.5),
                Wire::BigInt("-7".into()),
                Wire::String("é".into()),
                Wire::Bytes(vec![1, 2]),
                Wire::Object(vec![("k".into(), Wire::Bool(true))]),
                Wire::Resource(3),
            ]
        );
    }

    #[test]
    fn refuses_forged_buffers() {
        for bad in [
            vec![],
            vec![1, 0, 0, 0],
            vec![1, 0, 0, 0, 99],
            vec![1, 0, 0, 0, STRING, 255, 255, 255, 255],
            vec![1, 0, 0, 0, ARRAY, 255, 255, 255, 0],
            vec![1, 0, 0, 0, STRING, 2, 0, 0, 0, 0xff, 0xfe],
            vec![0, 0, 0, 0, UNDEFINED],
            vec![255, 255, 255, 255],
        ] {
            let error = read_args(&bad).unwrap_err();
            assert_eq!(error.code as u32, 5007, "{bad:?}: {error:?}");
        }
    }

    #[test]
    fn refuses_deep_nesting() {
        let mut deep = vec![1, 0, 0, 0];
        for _ in 0..(MAX_DEPTH + 5) {
            deep.extend_from_slice(&[ARRAY, 1, 0, 0, 0]);
        }
        deep.push(UNDEFINED);
        let error = read_args(&deep).unwrap_err();
        assert!(error.message.contains("nested"), "{}", error.message);
    }
}

//! Reading a plain JS value into a Rust one, naming the field path of the first problem.
//!
//! serde-wasm-bindgen reads every scalar (strings, numbers, enum names); here objects and arrays are
//! walked directly, for two reasons:
//! - The path: a rejected exchange is reported as "invalid exchange at request.headers[2][1]: …", the
//!   same path `serde_path_to_error` gives the CLI natively. Tracking it here costs nothing until an
//!   error, where `serde_path_to_error` cost ~15% on every read, or a second copy of every reader.
//! - Speed: a field is one `object[name]` with a borrowed name (`names`); serde-wasm-bindgen also
//!   clones the name and, for each absent field, asks `name in object`. A field that is `undefined`
//!   counts as absent here, as it does in JSON.

use std::fmt;

use js_sys::{Array, Object};
use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, IntoDeserializer, Visitor};
use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use super::names;

/// `value` read as a `T`.
pub fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T, InputError> {
    T::deserialize(Reader(value))
}

/// `value`, an object, read as a `T` whose fields named in `absent` are taken as missing from it (not read).
pub fn from_js_leaving_out<T: DeserializeOwned>(value: JsValue, absent: Absent) -> Result<T, InputError> {
    T::deserialize(Leaving { value, absent })
}

/// Why a value could not be read, and where.
#[derive(Debug)]
pub struct InputError {
    /// Innermost first: each level adds its own as the error passes through it.
    path: Vec<Segment>,
    message: String,
}

#[derive(Debug)]
enum Segment {
    Field(&'static str),
    Index(u32),
}

impl InputError {
    fn within(mut self, segment: Segment) -> Self {
        self.path.push(segment);
        self
    }

    /// "{what}: {message}", or "{what} at {path}: {message}" below the top level, as the CLI words it.
    pub fn described(&self, what: &str) -> String {
        if self.path.is_empty() {
            return format!("{what}: {}", self.message);
        }
        let mut path = String::new();
        for segment in self.path.iter().rev() {
            match segment {
                Segment::Field(name) if path.is_empty() => path.push_str(name),
                Segment::Field(name) => {
                    path.push('.');
                    path.push_str(name);
                }
                Segment::Index(i) => path.push_str(&format!("[{i}]")),
            }
        }
        format!("{what} at {path}: {}", self.message)
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.described("invalid value"))
    }
}

impl std::error::Error for InputError {}

impl de::Error for InputError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        InputError { path: Vec::new(), message: message.to_string() }
    }
}

impl From<serde_wasm_bindgen::Error> for InputError {
    /// serde-wasm-bindgen's errors are JS `Error`s: their message alone, without "Error: ".
    fn from(error: serde_wasm_bindgen::Error) -> Self {
        let error = JsValue::from(error);
        match error.dyn_ref::<js_sys::Error>() {
            Some(error) => de::Error::custom(String::from(error.message())),
            None => de::Error::custom(serde_wasm_bindgen::Error::from(error)),
        }
    }
}

/// serde's words for a value of the wrong kind ("invalid type: string \"a\", expected struct Request").
fn wrong_kind(value: &JsValue, expected: &dyn de::Expected) -> InputError {
    let text;
    let unexpected = if value.loose_eq(&JsValue::NULL) {
        de::Unexpected::Unit
    } else if let Some(b) = value.as_bool() {
        de::Unexpected::Bool(b)
    } else if let Some(n) = value.as_f64() {
        de::Unexpected::Float(n)
    } else if let Some(s) = value.as_string() {
        text = s;
        de::Unexpected::Str(&text)
    } else if value.is_array() {
        de::Unexpected::Seq
    } else {
        de::Unexpected::Map
    };
    de::Error::invalid_type(unexpected, expected)
}

struct Reader(JsValue);

/// The methods whose values serde-wasm-bindgen reads as it always does.
macro_rules! read_by_serde_wasm_bindgen {
    ($($method:ident($($arg:ident: $ty:ty),*)),* $(,)?) => {
        $(fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, InputError> {
            Ok(serde_wasm_bindgen::Deserializer::from(self.0).$method($($arg,)* visitor)?)
        })*
    };
}

impl<'de> Deserializer<'de> for Reader {
    type Error = InputError;

    read_by_serde_wasm_bindgen! {
        deserialize_any(), deserialize_bool(), deserialize_i8(), deserialize_i16(), deserialize_i32(),
        deserialize_i64(), deserialize_i128(), deserialize_u8(), deserialize_u16(), deserialize_u32(),
        deserialize_u64(), deserialize_u128(), deserialize_f32(), deserialize_f64(), deserialize_char(),
        deserialize_str(), deserialize_string(), deserialize_bytes(), deserialize_byte_buf(), deserialize_unit(),
        deserialize_unit_struct(name: &'static str), deserialize_map(), deserialize_identifier(),
        deserialize_ignored_any(), deserialize_tuple_struct(name: &'static str, len: usize),
        deserialize_enum(name: &'static str, variants: &'static [&'static str]),
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
        if self.0.loose_eq(&JsValue::NULL) {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, InputError> {
        if name == crate::session::event::RAW_HEADERS {
            if let Some(text) = header_text(&self.0) {
                return visitor.visit_newtype_struct(HeaderText(&text));
            }
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
        let array: Array = match self.0.dyn_into() {
            Ok(array) => array,
            Err(other) => return Err(wrong_kind(&other, &visitor)),
        };
        let mut elements = Elements { len: array.length(), array, at: 0 };
        let value = visitor.visit_seq(&mut elements)?;
        if elements.at < elements.len {
            // serde's words for a tuple given too many elements.
            return Err(de::Error::invalid_length(elements.len as usize, &format!("{} elements in sequence", elements.at).as_str()));
        }
        Ok(value)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, InputError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(self, _: &'static str, fields: &'static [&'static str], visitor: V) -> Result<V::Value, InputError> {
        read_struct(self.0, fields, [&[], &[]], visitor)
    }
}

/// An object's declared `fields` (those in `absent` taken as missing) given to `visitor` as a map.
fn read_struct<'de, V: Visitor<'de>>(value: JsValue, fields: &'static [&'static str], absent: Absent, visitor: V) -> Result<V::Value, InputError> {
    if !value.is_object() {
        return Err(wrong_kind(&value, &visitor));
    }
    visitor.visit_map(Fields { object: value.unchecked_into(), names: fields.iter(), absent, next: None })
}

/// An object read as a struct with some of its fields taken as missing (`from_js_leaving_out`).
struct Leaving {
    value: JsValue,
    absent: Absent,
}

/// Field names taken as absent, in up to two lists.
pub type Absent = [&'static [&'static str]; 2];

impl<'de> Deserializer<'de> for Leaving {
    type Error = InputError;

    fn deserialize_struct<V: Visitor<'de>>(self, _: &'static str, fields: &'static [&'static str], visitor: V) -> Result<V::Value, InputError> {
        read_struct(self.value, fields, self.absent, visitor)
    }

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
        Reader(self.value).deserialize_any(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit unit_struct
        newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}

#[wasm_bindgen(inline_js = r#"
// A webRequest header list whose entries are all {name, value} strings, as one text: names and values in
// turn, NUL between them. undefined for anything else (a binaryValue, a NUL): read entry by entry then.
export function header_text(list) {
  if (!Array.isArray(list)) return undefined;
  const out = [];
  for (const h of list) {
    if (h === null || typeof h !== 'object') return undefined;
    const { name, value } = h;
    if (typeof name !== 'string' || typeof value !== 'string' || h.binaryValue !== undefined
      || name.includes('\0') || value.includes('\0')) return undefined;
    out.push(name, value);
  }
  return out.join('\0');
}
"#)]
extern "C" {
    fn header_text(list: &JsValue) -> Option<String>;
}

/// A header list read in one crossing (`header_text`): read header by header, each entry cost three
/// field reads and two strings passed one by one. Entries read as `{name, value}` objects.
struct HeaderText<'a>(&'a str);

impl<'de> Deserializer<'de> for HeaderText<'_> {
    type Error = InputError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
        let mut parts = (!self.0.is_empty()).then(|| self.0.split('\0')).into_iter().flatten();
        visitor.visit_seq(de::value::SeqDeserializer::new(std::iter::from_fn(move || {
            let (name, value) = (parts.next()?, parts.next()?);
            Some(de::value::MapDeserializer::<_, InputError>::new([("name", Text(name)), ("value", Text(value))].into_iter()))
        })))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit unit_struct
        newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

/// One string of a `HeaderText`, read as a `String` or an `Option<String>`.
struct Text<'a>(&'a str);

impl<'de> IntoDeserializer<'de, InputError> for Text<'_> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de> Deserializer<'de> for Text<'_> {
    type Error = InputError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
        visitor.visit_str(self.0)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
        visitor.visit_some(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit unit_struct
        newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

/// A struct's declared fields, in order, skipping those the object lacks and those taken as absent.
struct Fields {
    object: Object,
    names: std::slice::Iter<'static, &'static str>,
    absent: Absent,
    next: Option<(&'static str, JsValue)>,
}

impl<'de> de::MapAccess<'de> for Fields {
    type Error = InputError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, InputError> {
        for &name in &mut self.names {
            if self.absent.iter().any(|names| names.contains(&name)) {
                continue;
            }
            let value = names::get(&self.object, name);
            if !value.is_undefined() {
                self.next = Some((name, value));
                return seed.deserialize(name.into_deserializer()).map(Some);
            }
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, InputError> {
        let Some((name, value)) = self.next.take() else {
            return Err(de::Error::custom("a field's value was asked for before its name"));
        };
        seed.deserialize(Reader(value)).map_err(|e| e.within(Segment::Field(name)))
    }
}

struct Elements {
    array: Array,
    len: u32,
    at: u32,
}

impl<'de> de::SeqAccess<'de> for &mut Elements {
    type Error = InputError;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, InputError> {
        if self.at == self.len {
            return Ok(None);
        }
        let at = self.at;
        self.at += 1;
        seed.deserialize(Reader(self.array.get(at))).map(Some).map_err(|e| e.within(Segment::Index(at)))
    }

    fn size_hint(&self) -> Option<usize> {
        Some((self.len - self.at) as usize)
    }
}

//! Serialising a value to JS with its ASCII strings decoded all at once.
//!
//! serde-wasm-bindgen turns each Rust string into a JS string with its own `TextDecoder.decode` call,
//! which in Chromium costs ~0.45 µs whatever the string's length: a fifth of `check`'s time went
//! there (CDP profile of the bench). Here a first pass gathers the value's ASCII strings into one text
//! that JS decodes once; the serde-wasm-bindgen pass then takes each of them as a slice of it
//! (`String.prototype.substring`, which V8 makes without copying the characters) and hands that JS
//! string over with `serde_wasm_bindgen::preserve`. Measured with `./build.sh bench`: Chromium's
//! verdicts/s +8% (faster in each of 5 alternating rounds); Node 20, whose decode calls are cheaper,
//! unchanged; +3.4 KB gzipped. Values with fewer than two ASCII strings, or more than `MAX_GATHERED`
//! bytes of them, still decode each string on its own.
//!
//! Each slice is checked against the string being serialised, so the result is right even if the two
//! passes ever disagreed on order: a string that does not match falls back to its own decode.

use std::cell::Cell;

use js_sys::{JsString, Object};
use serde::ser::{self, Serialize, Serializer};
use wasm_bindgen::JsValue;

use super::names;

/// Above this many bytes of ASCII strings a value crosses the plain way: the gathered copy would grow
/// the service worker's linear memory, which never shrinks, by the size of a whole session snapshot
/// (measured: +8 MB after a 2.7 MB snapshot). A verdict has ~1 KB.
const MAX_GATHERED: usize = 64 * 1024;

/// `value` as a plain JS object, like `serde_wasm_bindgen::Serializer::json_compatible()` makes it.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, serde_wasm_bindgen::Error> {
    let mut gathered = Gathered { text: String::new(), strings: 0, too_many: false };
    value.serialize(&mut gathered)?;
    // One decode instead of one per string only pays from two strings on (`ingest` returns none).
    let worth_it = !gathered.too_many && gathered.strings >= 2;
    let slices = Slices {
        all: worth_it.then(|| JsString::from(gathered.text.as_str())),
        text: gathered.text,
        at: Cell::new(0),
        json: serde_wasm_bindgen::Serializer::json_compatible(),
    };
    value.serialize(Sliced { inner: &slices.json, slices: &slices })
}

/// The gathered text, once in Rust and once as a JS string (none when not worth it: every string then
/// gets its own decode), how far the second pass has read, and the serializer it runs on.
struct Slices {
    text: String,
    all: Option<JsString>,
    at: Cell<usize>,
    json: serde_wasm_bindgen::Serializer,
}

impl Slices {
    /// The JS string equal to `s` if the text continues with it, advancing past it.
    fn take(&self, s: &str) -> Option<JsString> {
        let (all, at) = (self.all.as_ref()?, self.at.get());
        if !self.text.get(at..)?.starts_with(s) {
            return None;
        }
        self.at.set(at + s.len());
        // The text is ASCII, so its byte offsets are JS's UTF-16 offsets too.
        Some(all.substring(at as u32, (at + s.len()) as u32))
    }
}

/// First pass: every ASCII string serde-wasm-bindgen would decode, in order. The others keep their own
/// decode: one of them would send the whole text down TextDecoder's slower UTF-16 path, and make
/// every slice a two-byte string. Struct keys and enum variant names are left out: `names` lends
/// those as JS strings made once. Stops gathering past `MAX_GATHERED`.
struct Gathered {
    text: String,
    strings: usize,
    too_many: bool,
}

/// Second pass: serde-wasm-bindgen's serializer, or one of its compound serializers, with strings
/// taken from the slices.
struct Sliced<'a, I> {
    inner: I,
    slices: &'a Slices,
}

/// A value to serialise through `Sliced` whatever serializer serde-wasm-bindgen hands it.
struct Each<'a, T: ?Sized> {
    value: &'a T,
    slices: &'a Slices,
}

impl<T: Serialize + ?Sized> Serialize for Each<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(Sliced { inner: serializer, slices: self.slices })
    }
}

/// The serializer methods that take a plain value: both passes leave those to serde-wasm-bindgen.
macro_rules! for_each_scalar {
    ($then:ident) => {
        $then!(serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
            serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64, serialize_f32: f32,
            serialize_f64: f64, serialize_char: char, serialize_bytes: &[u8]);
    };
}

/// serde's compound serializers and their methods that take a part (and a field name): both passes
/// implement all of them.
macro_rules! for_each_compound {
    ($then:ident) => {
        $then! {
            SerializeSeq { serialize_element() }
            SerializeTuple { serialize_element() }
            SerializeTupleStruct { serialize_field() }
            SerializeTupleVariant { serialize_field() }
            SerializeMap { serialize_key(), serialize_value() }
            SerializeStruct { serialize_field(key: &'static str) }
            SerializeStructVariant { serialize_field(key: &'static str) }
        }
    };
}

macro_rules! forward_scalars {
    ($($method:ident: $ty:ty),*) => {
        $(fn $method(self, v: $ty) -> Result<S::Ok, S::Error> {
            self.inner.$method(v)
        })*
    };
}

impl<'a, S: Serializer> Serializer for Sliced<'a, S> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = Sliced<'a, S::SerializeSeq>;
    type SerializeTuple = Sliced<'a, S::SerializeTuple>;
    type SerializeTupleStruct = Sliced<'a, S::SerializeTupleStruct>;
    type SerializeTupleVariant = Sliced<'a, S::SerializeTupleVariant>;
    type SerializeMap = Sliced<'a, S::SerializeMap>;
    type SerializeStruct = Sliced<'a, Fields<'a, S>>;
    type SerializeStructVariant = Sliced<'a, S::SerializeStructVariant>;

    for_each_scalar!(forward_scalars);

    fn serialize_str(self, v: &str) -> Result<S::Ok, S::Error> {
        match self.slices.take(v) {
            Some(js) => serde_wasm_bindgen::preserve::serialize(&js, self.inner),
            None => self.inner.serialize_str(v),
        }
    }
    fn serialize_none(self) -> Result<S::Ok, S::Error> {
        self.inner.serialize_none()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<S::Ok, S::Error> {
        self.inner.serialize_some(&Each { value, slices: self.slices })
    }
    fn serialize_unit(self) -> Result<S::Ok, S::Error> {
        self.inner.serialize_unit()
    }
    fn serialize_unit_struct(self, name: &'static str) -> Result<S::Ok, S::Error> {
        self.inner.serialize_unit_struct(name)
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<S::Ok, S::Error> {
        names::with_js(variant, |js| serde_wasm_bindgen::preserve::serialize(js, self.inner))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, name: &'static str, value: &T) -> Result<S::Ok, S::Error> {
        self.inner.serialize_newtype_struct(name, &Each { value, slices: self.slices })
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(self, name: &'static str, index: u32, variant: &'static str, value: &T) -> Result<S::Ok, S::Error> {
        self.inner.serialize_newtype_variant(name, index, variant, &Each { value, slices: self.slices })
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq, S::Error> {
        Ok(Sliced { inner: self.inner.serialize_seq(len)?, slices: self.slices })
    }
    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple, S::Error> {
        Ok(Sliced { inner: self.inner.serialize_tuple(len)?, slices: self.slices })
    }
    fn serialize_tuple_struct(self, name: &'static str, len: usize) -> Result<Self::SerializeTupleStruct, S::Error> {
        Ok(Sliced { inner: self.inner.serialize_tuple_struct(name, len)?, slices: self.slices })
    }
    fn serialize_tuple_variant(self, name: &'static str, index: u32, variant: &'static str, len: usize) -> Result<Self::SerializeTupleVariant, S::Error> {
        Ok(Sliced { inner: self.inner.serialize_tuple_variant(name, index, variant, len)?, slices: self.slices })
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap, S::Error> {
        Ok(Sliced { inner: self.inner.serialize_map(len)?, slices: self.slices })
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, S::Error> {
        let fields = Fields { object: Object::new(), json: &self.slices.json, inner: self.inner };
        Ok(Sliced { inner: fields, slices: self.slices })
    }
    fn serialize_struct_variant(self, name: &'static str, index: u32, variant: &'static str, len: usize) -> Result<Self::SerializeStructVariant, S::Error> {
        Ok(Sliced { inner: self.inner.serialize_struct_variant(name, index, variant, len)?, slices: self.slices })
    }
    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// The compound serializers: each element, key and field goes through `Sliced` too.
macro_rules! sliced_compound {
    ($($trait:ident { $($method:ident($($key:ident: $key_ty:ty),*)),* })*) => {$(
        impl<S: ser::$trait> ser::$trait for Sliced<'_, S> {
            type Ok = S::Ok;
            type Error = S::Error;
            $(fn $method<T: Serialize + ?Sized>(&mut self, $($key: $key_ty,)* value: &T) -> Result<(), S::Error> {
                self.inner.$method($($key,)* &Each { value, slices: self.slices })
            })*
            fn end(self) -> Result<S::Ok, S::Error> {
                self.inner.end()
            }
        }
    )*};
}

for_each_compound!(sliced_compound);

/// A struct as a plain object, as serde-wasm-bindgen makes it, but with each field's name lent by
/// `names` instead of cloned. `inner`, the serializer the struct was given (serde-wasm-bindgen's),
/// only hands the finished object over.
struct Fields<'a, S> {
    object: Object,
    json: &'a serde_wasm_bindgen::Serializer,
    inner: S,
}

impl<S: Serializer> ser::SerializeStruct for Fields<'_, S> {
    type Ok = S::Ok;
    type Error = S::Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) -> Result<(), S::Error> {
        let value = value.serialize(self.json).map_err(ser::Error::custom)?;
        names::set(&self.object, name, value);
        Ok(())
    }
    fn end(self) -> Result<S::Ok, S::Error> {
        serde_wasm_bindgen::preserve::serialize(&self.object, self.inner)
    }
}

macro_rules! ignore_scalars {
    ($($method:ident: $ty:ty),*) => {
        $(fn $method(self, _: $ty) -> Result<(), serde_wasm_bindgen::Error> {
            Ok(())
        })*
    };
}

impl Serializer for &mut Gathered {
    type Ok = ();
    type Error = serde_wasm_bindgen::Error;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    for_each_scalar!(ignore_scalars);

    fn serialize_str(self, v: &str) -> Result<(), Self::Error> {
        if !v.is_ascii() || self.too_many {
            return Ok(());
        }
        self.too_many = self.text.len() + v.len() > MAX_GATHERED;
        if !self.too_many {
            self.text.push_str(v);
            self.strings += 1;
        }
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Self::Error> {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Self::Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Self::Error> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Self::Error> {
        Ok(())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<(), Self::Error> {
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result<(), Self::Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(self, _: &'static str, _: u32, _: &'static str, value: &T) -> Result<(), Self::Error> {
        value.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self, Self::Error> {
        Ok(self)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self, Self::Error> {
        Ok(self)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self, Self::Error> {
        Ok(self)
    }
    fn serialize_tuple_variant(self, _: &'static str, _: u32, _: &'static str, _: usize) -> Result<Self, Self::Error> {
        Ok(self)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self, Self::Error> {
        Ok(self)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Self::Error> {
        Ok(self)
    }
    fn serialize_struct_variant(self, _: &'static str, _: u32, _: &'static str, _: usize) -> Result<Self, Self::Error> {
        Ok(self)
    }
}

/// Every compound of the first pass just walks its parts.
macro_rules! gathered_compound {
    ($($trait:ident { $($method:ident($($key:ident: $key_ty:ty),*)),* })*) => {$(
        impl ser::$trait for &mut Gathered {
            type Ok = ();
            type Error = serde_wasm_bindgen::Error;
            $(fn $method<T: Serialize + ?Sized>(&mut self, $(_: $key_ty,)* value: &T) -> Result<(), Self::Error> {
                value.serialize(&mut **self)
            })*
            fn end(self) -> Result<(), Self::Error> {
                Ok(())
            }
        }
    )*};
}

for_each_compound!(gathered_compound);

//! Struct field names and enum variant names as JS strings, each made once and then lent out.
//!
//! Every exchange read and every verdict written names ~50 fields; a fresh JS string per name would be a
//! decode each. serde-wasm-bindgen keeps such a cache too, but looks names up in a `HashMap` and hands
//! out a clone (an externref table slot taken and freed per field); here a lookup is a probe or two of
//! a small table and the caller borrows the string for one call.

use std::cell::OnceCell;

use js_sys::{JsString, Object};
use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

#[wasm_bindgen]
extern "C" {
    /// An object read and written with plain `object[name]`: no `Reflect`, whose calls can throw.
    #[wasm_bindgen(extends = Object)]
    type PlainObject;

    #[wasm_bindgen(method, indexing_getter)]
    fn field(this: &PlainObject, name: &JsString) -> JsValue;

    #[wasm_bindgen(method, indexing_setter)]
    fn set_field(this: &PlainObject, name: &JsString, value: JsValue);
}

/// `object[name]`: `undefined` when the object has no such field.
pub fn get(object: &Object, name: &'static str) -> JsValue {
    with_js(name, |name| object.unchecked_ref::<PlainObject>().field(name))
}

/// `object[name] = value`.
pub fn set(object: &Object, name: &'static str, value: JsValue) {
    with_js(name, |name| object.unchecked_ref::<PlainObject>().set_field(name, value))
}

pub fn with_js<R>(name: &'static str, then: impl FnOnce(&JsString) -> R) -> R {
    thread_local! {
        // Cells that are only ever filled, never changed: a name lent out stays valid even if `then`
        // runs JS that comes back into this module and adds names.
        static NAMES: [OnceCell<(*const str, JsString)>; SLOTS] = const { [const { OnceCell::new() }; SLOTS] };
    }
    NAMES.with(|names| {
        // Open addressing from a hash of the address: field names are string literals, so each comes
        // back at the same address, and there are far fewer of them than slots.
        let key: *const str = name;
        let start = (name.as_ptr() as usize as u32).wrapping_mul(0x9E37_79B1) as usize >> 23;
        for probe in 0..SLOTS {
            let (cached, js) = names[(start + probe) % SLOTS].get_or_init(|| (key, JsString::from(name)));
            if std::ptr::eq(*cached, key) {
                return then(js);
            }
        }
        then(&JsString::from(name))
    })
}

/// Room for every field name of every type that crosses, several times over (~150 names now).
const SLOTS: usize = 512;

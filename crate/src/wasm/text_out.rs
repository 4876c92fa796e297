//! Long JSON text handed to JS in pieces as it is written, so it never sits whole in the wasm memory:
//! that memory only grows, and a snapshot of 3,000 exchanges (8.7 MB of text) kept it ~20 MB above
//! what the session needs.

use std::io;

use js_sys::{Array, JsString};

/// Bytes written before a piece goes to JS.
const PIECE: usize = 64 * 1024;

/// An `io::Write` whose text ends up as one JS string (`finish`).
pub struct JsText {
    pending: Vec<u8>,
    pieces: Array,
}

impl Default for JsText {
    fn default() -> JsText {
        JsText { pending: Vec::with_capacity(PIECE + 1024), pieces: Array::new() }
    }
}

impl JsText {
    /// Moves the complete UTF-8 characters written so far to JS; a character cut by the buffer's end waits.
    fn hand_over(&mut self) {
        let complete = match std::str::from_utf8(&self.pending) {
            Ok(text) => text.len(),
            Err(e) => e.valid_up_to(),
        };
        if complete == 0 {
            return;
        }
        // Checked just above: the first `complete` bytes are UTF-8.
        let text = std::str::from_utf8(&self.pending[..complete]).unwrap_or_default();
        self.pieces.push(&JsString::from(text));
        self.pending.drain(..complete);
    }

    pub fn finish(mut self) -> JsString {
        self.hand_over();
        self.pieces.join("")
    }
}

impl io::Write for JsText {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(bytes);
        if self.pending.len() >= PIECE {
            self.hand_over();
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

//! The wasm build's allocator: a free list per size class in front of the standard one (dlmalloc).
//!
//! A verdict makes and drops ~100 small blocks (input strings, the engine's texts, the output's
//! gathered text). dlmalloc's bins, splitting and coalescing cost ~5% of a `check` in Chromium; a
//! block taken from or given back to a free list is a load and a store. Blocks stay in their class
//! once made (wasm memory never shrinks anyway); classes are spaced at most 1.5× apart, so a block
//! wastes at most a third of itself. Large or over-aligned blocks go straight to dlmalloc.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::UnsafeCell;
use std::ptr;

/// Block sizes: 8, 16, then two per power of two (24, 32, 48, 64, ... 3072, 4096).
const CLASSES: usize = 18;
const LARGEST: usize = 4096;
/// Every class's size is a multiple of this, so every block is aligned to it.
const ALIGN: usize = 8;

fn class_size(class: usize) -> usize {
    match class {
        0 => 8,
        1 => 16,
        // class 2k: 3 × 2^(k+2), class 2k+1: 2^(k+4)
        c if c % 2 == 0 => 3 << (c / 2 + 2),
        c => 1 << (c / 2 + 4),
    }
}

/// The smallest class that holds `layout`, or `None` for dlmalloc's.
fn class_of(layout: Layout) -> Option<usize> {
    let size = layout.size();
    if layout.align() > ALIGN || size > LARGEST {
        return None;
    }
    if size <= 16 {
        return Some(usize::from(size > 8));
    }
    // 2^p is the smallest power of two >= size (p >= 5); the class below it holds 3/4 of that.
    let p = (usize::BITS - (size - 1).leading_zeros()) as usize;
    Some(2 * (p - 4) + usize::from(size > 3 << (p - 2)))
}

pub struct SizeClasses {
    /// Head of each class's free list; a free block's first word points to the next one.
    free: UnsafeCell<[*mut u8; CLASSES]>,
}

// wasm32 without the `atomics` feature runs one thread: nothing else can touch the lists.
unsafe impl Sync for SizeClasses {}

impl SizeClasses {
    pub const fn new() -> Self {
        SizeClasses { free: UnsafeCell::new([ptr::null_mut(); CLASSES]) }
    }
}

unsafe impl GlobalAlloc for SizeClasses {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some(class) = class_of(layout) else {
            return System.alloc(layout);
        };
        let head = &mut (*self.free.get())[class];
        if head.is_null() {
            return System.alloc(Layout::from_size_align_unchecked(class_size(class), ALIGN));
        }
        let block = *head;
        *head = *(block as *mut *mut u8);
        block
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        let Some(class) = class_of(layout) else {
            return System.dealloc(block, layout);
        };
        let head = &mut (*self.free.get())[class];
        *(block as *mut *mut u8) = *head;
        *head = block;
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
        match (class_of(layout), class_of(new_layout)) {
            (Some(old), Some(new)) if old == new => block,
            (None, None) => System.realloc(block, layout, new_size),
            _ => {
                let moved = self.alloc(new_layout);
                if !moved.is_null() {
                    ptr::copy_nonoverlapping(block, moved, layout.size().min(new_size));
                    self.dealloc(block, layout);
                }
                moved
            }
        }
    }
}

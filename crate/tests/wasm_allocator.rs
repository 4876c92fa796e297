//! The wasm build's allocator (crate/src/wasm/allocator.rs: free lists by size class in front of
//! dlmalloc) keeps every block to itself and every byte through growth, reuse and release.
//!
//! Run by `./build.sh test` in headless Chromium with crate/tests/wasm_parity.rs. Linking `cors_lens`
//! makes its allocator this test's global one.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Makes sure the library, and so its `#[global_allocator]`, is linked in.
fn link_the_library() {
    assert!(!cors_lens::wasm::version().is_empty());
}

fn pattern(block: usize, len: usize) -> Vec<u8> {
    (0..len).map(|i| (block * 31 + i * 7) as u8).collect()
}

#[wasm_bindgen_test]
fn blocks_of_every_size_keep_their_bytes_while_others_come_and_go() {
    link_the_library();
    // Every size up to past the largest class, each block filled with its own pattern while all live.
    let sizes: Vec<usize> = (1..=5000).step_by(7).collect();
    let blocks: Vec<Vec<u8>> = sizes.iter().enumerate().map(|(i, &len)| pattern(i, len)).collect();
    // Free every other block, reuse their memory for new ones of shuffled sizes, check everything.
    let mut kept = Vec::new();
    let mut reused = Vec::new();
    for (i, block) in blocks.into_iter().enumerate() {
        if i % 2 == 0 {
            kept.push((i, block));
        } else {
            drop(block);
            let len = sizes[(i * 13) % sizes.len()];
            reused.push((i + 100_000, pattern(i + 100_000, len)));
        }
    }
    for (id, block) in kept.iter().chain(&reused) {
        assert_eq!(*block, pattern(*id, block.len()), "block {id} of {} bytes was overwritten", block.len());
    }
}

#[wasm_bindgen_test]
fn a_growing_buffer_keeps_its_bytes_across_every_class() {
    link_the_library();
    let mut text = String::new();
    let mut neighbours = Vec::new();
    for i in 0..20_000u32 {
        text.push(char::from(b'a' + (i % 26) as u8));
        // A small allocation after each push takes the blocks growth leaves behind.
        if i % 97 == 0 {
            neighbours.push(vec![i as u8; (i % 300) as usize + 1]);
        }
    }
    assert!(text.bytes().enumerate().all(|(i, b)| b == b'a' + (i % 26) as u8), "the text lost bytes while growing");
    for block in &neighbours {
        assert!(block.iter().all(|&b| b == block[0]));
    }
    // Shrinking within and across classes keeps the prefix.
    let mut shrinking: Vec<u8> = (0..4000u32).map(|i| i as u8).collect();
    for len in [3000usize, 2049, 2048, 100, 17, 16, 9, 8, 1] {
        shrinking.truncate(len);
        shrinking.shrink_to_fit();
        assert!(shrinking.iter().enumerate().all(|(i, &b)| b == i as u8), "shrinking to {len} lost bytes");
    }
}

#[wasm_bindgen_test]
fn over_aligned_blocks_are_aligned() {
    link_the_library();
    #[repr(align(64))]
    struct Wide([u8; 64]);
    let blocks: Vec<Box<Wide>> = (0..50).map(|i| Box::new(Wide([i as u8; 64]))).collect();
    for (i, block) in blocks.iter().enumerate() {
        assert_eq!(&**block as *const Wide as usize % 64, 0);
        assert!(block.0.iter().all(|&b| b == i as u8));
    }
}

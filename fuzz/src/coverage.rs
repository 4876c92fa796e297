//! Coverage feedback from LLVM's SanitizerCoverage inline 8-bit counters (`-C passes=sancov-module`,
//! see build.sh): one counter per edge of the instrumented code, registered at start-up through the
//! hooks below. A run's features are its (edge, hit-count bucket) pairs, as libFuzzer counts them.

use std::sync::Mutex;

static REGIONS: Mutex<Vec<(usize, usize)>> = Mutex::new(Vec::new());

/// Called by every instrumented module's constructor with its counters (the linker merges them, so
/// most calls repeat one region).
#[no_mangle]
pub extern "C" fn __sanitizer_cov_8bit_counters_init(start: *mut u8, end: *mut u8) {
    let region = (start as usize, end as usize);
    let mut regions = REGIONS.lock().unwrap_or_else(|e| e.into_inner());
    if region.0 < region.1 && !regions.contains(&region) {
        regions.push(region);
    }
}

pub struct Coverage {
    regions: Vec<(usize, usize)>,
    /// Per edge, the hit-count buckets seen so far (one bit each).
    seen: Vec<u8>,
}

/// libFuzzer's buckets: 1, 2, 3, 4-7, 8-15, 16-31, 32-127, 128+.
fn bucket(hits: u8) -> u8 {
    match hits {
        0 => 0,
        1 => 1,
        2 => 2,
        3 => 4,
        4..=7 => 8,
        8..=15 => 16,
        16..=31 => 32,
        32..=127 => 64,
        _ => 128,
    }
}

impl Coverage {
    pub fn new() -> Coverage {
        let regions = REGIONS.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let edges = regions.iter().map(|(s, e)| e - s).sum();
        Coverage { regions, seen: vec![0; edges] }
    }

    /// Whether the build is instrumented (an uninstrumented build still runs, without guidance).
    pub fn edges(&self) -> usize {
        self.seen.len()
    }

    pub fn reset(&self) {
        for &(start, end) in &self.regions {
            // SAFETY: the region is the counters' section, alive for the whole process.
            unsafe { std::ptr::write_bytes(start as *mut u8, 0, end - start) };
        }
    }

    /// Records the last run's counters; returns how many features were new.
    pub fn collect(&mut self) -> usize {
        let mut new = 0;
        let mut offset = 0;
        for &(start, end) in &self.regions {
            // SAFETY: as in `reset`; the counters are only written by this thread's instrumented code.
            let counters = unsafe { std::slice::from_raw_parts(start as *const u8, end - start) };
            for (chunk_at, chunk) in counters.chunks(8).enumerate() {
                if chunk.iter().all(|&c| c == 0) {
                    continue;
                }
                for (i, &hits) in chunk.iter().enumerate() {
                    let b = bucket(hits);
                    let seen = &mut self.seen[offset + chunk_at * 8 + i];
                    if b != 0 && *seen & b == 0 {
                        *seen |= b;
                        new += 1;
                    }
                }
            }
            offset += end - start;
        }
        new
    }

    pub fn features(&self) -> usize {
        self.seen.iter().map(|s| s.count_ones() as usize).sum()
    }
}

//! One sort for the engine's lists (records, names, ids), shared by all of them in the wasm.

use std::cmp::Ordering;

/// Sorts `items` by `compare`, equal items keeping their order (a stable sort). `sort_by` on each element
/// type is a copy of core's sort of its own in the wasm (~2.5 KB each, 28 KB for the session's lists);
/// here one shared copy sorts the items' indices, and the items are then moved into that order.
pub fn sort_by<T>(items: &mut Vec<T>, mut compare: impl FnMut(&T, &T) -> Ordering) {
    // Most header-name lists a verdict sorts have one name or none: nothing to allocate for them.
    if items.len() < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    sort_indices(&mut order, &mut |a, b| compare(&items[a], &items[b]));
    let mut slots: Vec<Option<T>> = std::mem::take(items).into_iter().map(Some).collect();
    items.extend(order.into_iter().filter_map(|i| slots[i].take()));
}

/// `items` sorted, each value once: the lists of header names, query keys, URLs and tab ids, through the
/// same shared sort (their own `sort_unstable` was one more copy of core's sort per element type).
pub fn sort_unique<T: Ord>(items: &mut Vec<T>) {
    sort_by(items, T::cmp);
    items.dedup();
}

// Never inlined: a caller's copy would let the compiler specialise the sort for that caller again.
#[inline(never)]
fn sort_indices(order: &mut [usize], compare: &mut dyn FnMut(usize, usize) -> Ordering) {
    order.sort_by(|&a, &b| compare(a, b));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_and_keeps_equal_items_in_order() {
        let mut items = vec![(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e')];
        sort_by(&mut items, |a, b| a.0.cmp(&b.0));
        assert_eq!(items, [(1, 'b'), (1, 'e'), (2, 'd'), (3, 'a'), (3, 'c')]);
        let mut empty: Vec<String> = Vec::new();
        sort_by(&mut empty, |a, b| a.cmp(b));
        assert!(empty.is_empty());
        let mut names = vec!["x-b", "x-a", "x-b", "x-c", "x-a"];
        sort_unique(&mut names);
        assert_eq!(names, ["x-a", "x-b", "x-c"]);
    }
}

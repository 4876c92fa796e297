//! A map kept as a ring buffer sorted by key: the session's maps hold tens to a few thousand
//! entries, where binary search is as fast as a `BTreeMap` and each key/value type costs a few
//! hundred bytes of wasm instead of a B-tree's several kilobytes (./build.sh bench prints the size).
//! Iteration is in key order, so a session serialises the same way every time.
//!
//! A ring buffer rather than a vector: webRequest ids grow, so new keys land near the end and the
//! oldest leave from the front, and a `VecDeque` moves only the shorter side on either. With a
//! vector each removal of the oldest (finished ids, finished preflights) moved the whole map:
//! about a quarter of the ingest time per event once the maps were full.
//!
//! Serialised as a list of `[key, value]` pairs; a deserialised list is sorted again and keeps the
//! last value of a repeated key, so any snapshot gives a well-formed map.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "Vec<(K, V)>")]
pub struct SortedMap<K: Ord, V>(VecDeque<(K, V)>);

impl<K: Ord, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        SortedMap(VecDeque::new())
    }
}

impl<K: Ord, V> From<Vec<(K, V)>> for SortedMap<K, V> {
    /// Insertion rather than a sort: a snapshot's list is already in order (each insert appends),
    /// and no sort routine is compiled per key/value type.
    fn from(pairs: Vec<(K, V)>) -> Self {
        let mut map = SortedMap(VecDeque::with_capacity(pairs.len()));
        for (key, value) in pairs {
            map.insert(key, value);
        }
        map
    }
}

impl<K: Ord, V> SortedMap<K, V> {
    pub fn new() -> Self {
        Self::default()
    }

    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: std::borrow::Borrow<Q>,
    {
        self.0.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: std::borrow::Borrow<Q>,
    {
        self.find(key).ok().map(|i| &self.0[i].1)
    }

    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: std::borrow::Borrow<Q>,
    {
        self.find(key).ok().map(|i| &mut self.0[i].1)
    }

    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: std::borrow::Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// Inserts or replaces; returns the value replaced.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (key, value));
                None
            }
        }
    }

    /// The value for `key`, inserted from `make` when absent.
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        let i = match self.find(&key) {
            Ok(i) => i,
            Err(i) => {
                self.0.insert(i, (key, make()));
                i
            }
        };
        &mut self.0[i].1
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: std::borrow::Borrow<Q>,
    {
        self.find(key).ok().and_then(|i| self.0.remove(i)).map(|(_, v)| v)
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&K, &V) -> bool) {
        self.0.retain(|(k, v)| keep(k, v));
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }

    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.0.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.0.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.0.iter_mut().map(|(_, v)| v)
    }
}

impl<K: Ord, V> IntoIterator for SortedMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::collections::vec_deque::IntoIter<(K, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaves_like_an_ordered_map() {
        let mut map = SortedMap::new();
        assert_eq!(map.insert("b", 2), None);
        assert_eq!(map.insert("a", 1), None);
        assert_eq!(map.insert("c", 3), None);
        assert_eq!(map.insert("b", 20), Some(2));
        assert_eq!(map.keys().copied().collect::<Vec<_>>(), ["a", "b", "c"]);
        assert_eq!(map.get("b"), Some(&20));
        *map.get_or_insert_with("d", || 0) += 4;
        *map.get_or_insert_with("a", || 0) += 10;
        assert_eq!(map.values().copied().collect::<Vec<_>>(), [11, 20, 3, 4]);
        assert_eq!(map.remove("c"), Some(3));
        assert!(!map.contains_key("c"));
        map.retain(|_, v| *v > 10);
        assert_eq!(map.len(), 2);
    }

    #[test]
    fn a_deserialised_list_is_sorted_and_keeps_the_last_of_a_repeated_key() {
        let map: SortedMap<String, u32> = serde_json::from_str(r#"[["z", 1], ["a", 2], ["z", 3]]"#).unwrap();
        assert_eq!(map.iter().map(|(k, v)| (k.as_str(), *v)).collect::<Vec<_>>(), [("a", 2), ("z", 3)]);
        assert_eq!(serde_json::to_string(&map).unwrap(), r#"[["a",2],["z",3]]"#);
    }
}

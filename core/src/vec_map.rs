//! A map kept as a sorted vector, for the handfuls of pending activities, timers
//! and query handlers a workflow has, on the server's side and in the worker's run.
//! A parked execution and a cached run must cost little memory: a `BTreeMap` node
//! holds eleven slots however few are used (over a kilobyte for one pending timer), a
//! hash table several; this holds what it holds, and finding one of a few entries by
//! binary search costs less than hashing its key. Iterates in key order, as the
//! `BTreeMap` it replaces.

use std::borrow::Borrow;

/// Entries sorted by key. `RELEASE`: whether the buffer goes back to the allocator
/// when the map empties, and starts with room for one entry when it fills again. A
/// parked execution's maps do (their memory counts a million times in a fleet); a
/// running workflow's maps, which fill and empty on every scan, keep their buffer.
#[derive(Clone, Debug)]
pub(crate) struct VecMap<K, V, const RELEASE: bool = true> {
    entries: Vec<(K, V)>,
}

impl<K, V, const RELEASE: bool> Default for VecMap<K, V, RELEASE> {
    fn default() -> Self {
        VecMap { entries: Vec::new() }
    }
}

impl<K: Ord, V, const RELEASE: bool> VecMap<K, V, RELEASE> {
    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                if RELEASE && self.entries.capacity() == 0 {
                    // A parked execution mostly holds one entry (its notification
                    // timer): room for exactly one, not the four a first push makes.
                    self.entries.reserve_exact(1);
                }
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        let i = self.find(key).ok()?;
        // Keys are mostly IDs that grow, so the entry is mostly the last one:
        // `Vec::remove` would still call `memmove` to move nothing.
        let (_, v) = if i + 1 == self.entries.len() { self.entries.pop()? } else { self.entries.remove(i) };
        if RELEASE && self.entries.is_empty() {
            self.entries = Vec::new();
        }
        Some(v)
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }

    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &mut self.entries[i].1)
    }

    pub fn clear(&mut self) {
        self.entries = Vec::new();
    }

    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.entries.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.entries.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.entries.iter_mut().map(|(_, v)| v)
    }
}

impl<K: Ord, V, const RELEASE: bool> std::ops::Index<&K> for VecMap<K, V, RELEASE> {
    type Output = V;

    fn index(&self, key: &K) -> &V {
        self.get(key).expect("the key is in the map")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iterates_in_key_order_like_a_btree_map() {
        let mut m: VecMap<i32, i32> = VecMap::default();
        for k in [5, 1, 3] {
            m.insert(k, k * 10);
        }
        assert_eq!(m.iter().map(|(k, _)| *k).collect::<Vec<_>>(), [1, 3, 5]);
        assert_eq!(m.remove(&3), Some(30));
        assert_eq!(m.get(&3), None);
        assert_eq!(m.insert(1, 11), Some(10));
        assert_eq!(m[&1], 11);
        // The last entry (the usual case) and the first come out as any other.
        assert_eq!(m.remove(&5), Some(50));
        assert_eq!(m.remove(&5), None);
        m.insert(9, 90);
        assert_eq!(m.remove(&1), Some(11));
        assert_eq!(m.iter().map(|(k, v)| (*k, *v)).collect::<Vec<_>>(), [(9, 90)]);
    }

    #[test]
    fn an_emptied_map_gives_its_buffer_back_only_when_it_releases() {
        let mut parked: VecMap<i64, [u8; 64]> = VecMap::default();
        let mut running: VecMap<i64, [u8; 64], false> = VecMap::default();
        parked.insert(7, [0; 64]);
        running.insert(7, [0; 64]);
        parked.remove(&7);
        running.remove(&7);
        assert_eq!(parked.entries.capacity(), 0);
        assert!(running.entries.capacity() > 0, "kept for the next insert");
    }

    #[test]
    fn a_releasing_map_holds_room_for_what_it_holds_and_still_grows() {
        let mut parked: VecMap<i64, [u8; 64]> = VecMap::default();
        parked.insert(7, [0; 64]);
        assert_eq!(parked.entries.capacity(), 1, "one pending timer, room for one");
        for k in 0..5 {
            parked.insert(k, [k as u8; 64]);
        }
        assert_eq!(parked.keys().copied().collect::<Vec<_>>(), [0, 1, 2, 3, 4, 7]);
        assert_eq!(parked[&3], [3; 64]);
    }
}

//! The fleet's calendar of things due in virtual time (scans, deliveries, workers
//! finishing, purges), popped in the order of (time, order of scheduling).
//!
//! One binary heap over a million entries spends its pops in cache misses: every pop
//! walks twenty levels of a 32-MB array. Most entries are due hours or days ahead, so
//! the calendar keeps them in buckets of [`BUCKET`] virtual time, unsorted, and
//! heapifies a bucket only when the clock reaches it. The heap then holds one bucket's
//! entries and stays in cache; a push far ahead is an append.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

use crate::time::Timestamp;

/// A minute of virtual time: a million packages make a few thousand entries a minute.
const BUCKET: i64 = 60 * 1_000_000_000;

type Entry<T> = Reverse<(Timestamp, u64, T)>;

/// Entries ordered by (time, sequence); the sequence numbers are the caller's and
/// must be unique, so the order never depends on `T`.
pub(crate) struct Calendar<T> {
    /// Every entry due before `horizon`, ordered.
    near: BinaryHeap<Entry<T>>,
    /// Where `near` ends: the start of the first bucket in `far`.
    horizon: i64,
    /// Every other entry, by the bucket its time falls in.
    far: BTreeMap<i64, Vec<Entry<T>>>,
}

impl<T: Ord> Calendar<T> {
    pub fn new() -> Calendar<T> {
        Calendar { near: BinaryHeap::new(), horizon: i64::MIN, far: BTreeMap::new() }
    }

    pub fn push(&mut self, at: Timestamp, seq: u64, value: T) {
        let entry = Reverse((at, seq, value));
        if at.0 < self.horizon {
            self.near.push(entry);
        } else {
            self.far.entry(at.0.div_euclid(BUCKET)).or_default().push(entry);
        }
    }

    /// When the first entry is due.
    pub fn peek_time(&mut self) -> Option<Timestamp> {
        self.fill_near();
        self.near.peek().map(|Reverse((at, _, _))| *at)
    }

    pub fn pop(&mut self) -> Option<(Timestamp, T)> {
        self.fill_near();
        self.near.pop().map(|Reverse((at, _, value))| (at, value))
    }

    /// Moves the first bucket into `near` once `near` is empty: every entry left in
    /// `far` is due at or after the new horizon, so `near`'s first is the first of all.
    fn fill_near(&mut self) {
        if !self.near.is_empty() {
            return;
        }
        if let Some((bucket, entries)) = self.far.pop_first() {
            self.horizon = bucket.saturating_add(1).saturating_mul(BUCKET);
            self.near = BinaryHeap::from(entries);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SplitMix64;

    /// Pushes and pops interleaved at random, some due at once, some days ahead,
    /// some in the past: the calendar pops exactly what a single heap pops.
    #[test]
    fn pops_in_the_order_of_one_heap() {
        let mut rng = SplitMix64::new(7);
        let mut below = |n: u64| rng.next_u64() % n;
        let mut calendar = Calendar::new();
        let mut heap = BinaryHeap::new();
        let mut now = 1_000 * BUCKET;
        let mut seq = 0;
        for _ in 0..50_000 {
            if below(3) > 0 {
                seq += 1;
                let ahead = match below(4) {
                    0 => 0,
                    1 => below(1_000_000_000) as i64,
                    2 => below(5 * 86_400) as i64 * 1_000_000_000,
                    _ => -(below(100) as i64) * BUCKET,
                };
                let at = Timestamp(now + ahead);
                let tag = below(5) as u8;
                calendar.push(at, seq, tag);
                heap.push(Reverse((at, seq, tag)));
            } else {
                let expected = heap.pop().map(|Reverse((at, _, tag))| (at, tag));
                assert_eq!(calendar.peek_time(), expected.map(|(at, _)| at));
                assert_eq!(calendar.pop(), expected);
                if let Some((at, _)) = expected {
                    now = now.max(at.0);
                }
            }
        }
        while let Some(Reverse((at, _, tag))) = heap.pop() {
            assert_eq!(calendar.pop(), Some((at, tag)));
        }
        assert_eq!(calendar.pop(), None);
    }
}

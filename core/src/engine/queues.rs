//! The engine's two indexes over its runs, kept exact on every change so that
//! neither a step nor a clock move looks at runs with nothing to do:
//!
//! - [`ReadySet`]: the runs the built-in worker may have a step for, found in start
//!   order (a bit per run);
//! - [`TimerQueue`]: when each run next needs the clock (a timer, a retry, a
//!   timeout), earliest first (a four-ary heap that knows where each run's entry
//!   is, so a run's time can change or go in place).

use crate::time::Timestamp;

/// Runs, by start index, as a set of bits.
#[derive(Default)]
pub(crate) struct ReadySet {
    words: Vec<u64>,
    len: usize,
    /// No word before this one has a bit set.
    lowest: usize,
}

impl ReadySet {
    pub fn len(&self) -> usize {
        self.len
    }

    /// Adds or removes run `r`.
    pub fn set(&mut self, r: u32, ready: bool) {
        let (word, bit) = (r as usize / 64, 1u64 << (r % 64));
        if word >= self.words.len() {
            if !ready {
                return;
            }
            self.words.resize(word + 1, 0);
        }
        let w = &mut self.words[word];
        if (*w & bit != 0) == ready {
            return;
        }
        *w ^= bit;
        if ready {
            self.len += 1;
            self.lowest = self.lowest.min(word);
        } else {
            self.len -= 1;
        }
    }

    /// The first run in start order.
    pub fn first(&mut self) -> Option<u32> {
        while let Some(&w) = self.words.get(self.lowest) {
            if w != 0 {
                return Some(self.lowest as u32 * 64 + w.trailing_zeros());
            }
            self.lowest += 1;
        }
        None
    }

    /// Every run in the set, in start order.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.words.iter().enumerate().skip(self.lowest).flat_map(|(i, &w)| {
            let mut w = w;
            std::iter::from_fn(move || {
                (w != 0).then(|| {
                    let bit = w.trailing_zeros();
                    w &= w - 1;
                    i as u32 * 64 + bit
                })
            })
        })
    }
}

/// Children per heap entry.
const ARITY: usize = 4;

/// No entry for a run in the heap.
const ABSENT: u32 = u32::MAX;

/// At most one time per run, earliest first; runs in start order at the same time.
///
/// Four children per entry, not two: a fleet keeps a million runs here, and a heap
/// that deep costs a cache miss per level. Four 16-byte entries share a cache line,
/// so a level costs one miss and there are half as many levels.
#[derive(Default)]
pub(crate) struct TimerQueue {
    heap: Vec<(Timestamp, u32)>,
    /// Where each run's entry is in `heap`.
    slot: Vec<u32>,
}

impl TimerQueue {
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn first(&self) -> Option<(Timestamp, u32)> {
        self.heap.first().copied()
    }

    /// When run `r` next needs the clock, if it is queued.
    pub fn get(&self, r: u32) -> Option<Timestamp> {
        let at = *self.slot.get(r as usize)?;
        (at != ABSENT).then(|| self.heap[at as usize].0)
    }

    /// Queues run `r` for `when`, or takes it out of the queue.
    pub fn set(&mut self, r: u32, when: Option<Timestamp>) {
        if r as usize >= self.slot.len() {
            if when.is_none() {
                return;
            }
            self.slot.resize(r as usize + 1, ABSENT);
        }
        let at = self.slot[r as usize];
        match (at != ABSENT, when) {
            (false, None) => {}
            (false, Some(t)) => {
                self.heap.push((t, r));
                self.slot[r as usize] = self.heap.len() as u32 - 1;
                self.up(self.heap.len() - 1);
            }
            (true, Some(t)) => {
                let i = at as usize;
                let old = std::mem::replace(&mut self.heap[i].0, t);
                if t < old { self.up(i) } else { self.down(i) }
            }
            (true, None) => {
                let i = at as usize;
                self.slot[r as usize] = ABSENT;
                let last = self.heap.pop().expect("the run's entry is in the heap");
                if i < self.heap.len() {
                    self.heap[i] = last;
                    self.slot[last.1 as usize] = i as u32;
                    self.up(i);
                    self.down(i);
                }
            }
        }
    }

    fn swap(&mut self, i: usize, j: usize) {
        self.heap.swap(i, j);
        self.slot[self.heap[i].1 as usize] = i as u32;
        self.slot[self.heap[j].1 as usize] = j as u32;
    }

    fn up(&mut self, mut i: usize) {
        while i > 0 {
            let parent = (i - 1) / ARITY;
            if self.heap[parent] <= self.heap[i] {
                break;
            }
            self.swap(i, parent);
            i = parent;
        }
    }

    fn down(&mut self, mut i: usize) {
        loop {
            let first = ARITY * i + 1;
            let mut least = i;
            for c in first..(first + ARITY).min(self.heap.len()) {
                if self.heap[c] < self.heap[least] {
                    least = c;
                }
            }
            if least == i {
                return;
            }
            self.swap(i, least);
            i = least;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SplitMix64;

    #[test]
    fn the_ready_set_gives_runs_in_start_order() {
        let mut s = ReadySet::default();
        for r in [130, 5, 64, 5] {
            s.set(r, true);
        }
        assert_eq!(s.len(), 3);
        assert_eq!(s.iter().collect::<Vec<_>>(), [5, 64, 130]);
        assert_eq!(s.first(), Some(5));
        s.set(5, false);
        s.set(999, false);
        assert_eq!(s.first(), Some(64));
        s.set(3, true);
        assert_eq!(s.first(), Some(3));
        assert_eq!(s.iter().collect::<Vec<_>>(), [3, 64, 130]);
    }

    #[test]
    fn the_timer_queue_agrees_with_a_sorted_list() {
        let mut q = TimerQueue::default();
        let mut model: Vec<Option<Timestamp>> = vec![None; 300];
        let mut rng = SplitMix64::new(7);
        // Enough runs for a heap of several levels.
        for _ in 0..20_000 {
            let r = (rng.next_u64() % 300) as u32;
            let when = (!rng.next_u64().is_multiple_of(4)).then(|| Timestamp((rng.next_u64() % 500) as i64));
            q.set(r, when);
            model[r as usize] = when;
            let expected = model.iter().enumerate().filter_map(|(r, t)| Some((t.as_ref().copied()?, r as u32))).min();
            assert_eq!(q.first(), expected);
            assert_eq!(q.len(), model.iter().flatten().count());
            assert_eq!(q.get(r), when);
        }
    }
}

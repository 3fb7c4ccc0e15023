//! Where an execution keeps its history: as live events (every front end, where a
//! person steps through one package), or packed (a fleet, where a million parked
//! workflows must fit in memory: see [`crate::history::packed`]).
//!
//! A packed store also keeps, while the worker has the run in its cache, the events
//! the worker has not seen yet: a sticky decision task feeds the cached run only
//! those, as a real worker gets only the new events. Everything else is decoded on
//! demand: a cache miss replays the whole history, as a real worker does.

#[cfg(feature = "packed")]
use std::cell::{OnceCell, RefCell};
use std::rc::Rc;

use crate::decision::Decision;
use crate::history::HistoryEvent;
#[cfg(feature = "packed")]
use crate::history::packed::{Dictionary, PackedHistory};
use crate::runtime::{RuntimeError, WorkflowRuntime};

pub(crate) enum HistoryStore {
    Live {
        events: Vec<HistoryEvent>,
        /// The batch (server transaction) number of each event.
        batches: Vec<u32>,
    },
    #[cfg(feature = "packed")]
    Packed {
        packed: PackedHistory,
        dict: Rc<RefCell<Dictionary>>,
        /// Events the cached run has not been fed yet (empty when nothing is cached).
        unfed: Vec<HistoryEvent>,
        last_batch: u32,
        /// The decoded history, for whoever wants to look at it; dropped on append.
        /// Boxed: most parked histories are never looked at, and pay a pointer.
        decoded: OnceCell<Box<(Vec<HistoryEvent>, Vec<u32>)>>,
    },
}

impl HistoryStore {
    pub fn live() -> HistoryStore {
        // A package's life is about a hundred events: growing to it from one event a
        // doubling at a time cost a twentieth of a lifecycle in copies. 32 is what a
        // workflow waiting on its first timer had grown to anyway.
        HistoryStore::Live { events: Vec::with_capacity(32), batches: Vec::with_capacity(32) }
    }

    #[cfg(feature = "packed")]
    pub fn packed(dict: Rc<RefCell<Dictionary>>) -> HistoryStore {
        HistoryStore::Packed { packed: PackedHistory::default(), dict, unfed: Vec::new(), last_batch: 0, decoded: OnceCell::new() }
    }

    pub fn len(&self) -> usize {
        match self {
            HistoryStore::Live { events, .. } => events.len(),
            #[cfg(feature = "packed")]
            HistoryStore::Packed { packed, .. } => packed.len(),
        }
    }

    /// Appends an event of server transaction `batch`. `cached`: the worker holds the
    /// run, so it will want this event on its next decision task.
    pub fn push(&mut self, event: HistoryEvent, batch: u32, cached: bool) {
        let _ = cached;
        match self {
            HistoryStore::Live { events, batches } => {
                events.push(event);
                batches.push(batch);
            }
            #[cfg(feature = "packed")]
            HistoryStore::Packed { packed, dict, unfed, last_batch, decoded } => {
                packed.push(&event, batch != *last_batch, &mut dict.borrow_mut());
                *last_batch = batch;
                decoded.take();
                if cached {
                    unfed.push(event);
                }
            }
        }
    }

    /// The events after the first `fed`, for a worker that has seen those. A packed
    /// store has kept them only while the run was cached.
    pub fn unfed(&self, fed: usize) -> &[HistoryEvent] {
        match self {
            HistoryStore::Live { events, .. } => &events[fed.min(events.len())..],
            #[cfg(feature = "packed")]
            HistoryStore::Packed { unfed, .. } => unfed,
        }
    }

    /// The worker has seen everything, or has forgotten the run.
    pub fn forget_unfed(&mut self) {
        #[cfg(feature = "packed")]
        if let HistoryStore::Packed { unfed, .. } = self {
            unfed.clear();
            unfed.shrink_to_fit();
        }
    }

    /// The whole history: borrowed when live, decoded (and kept until the next
    /// append) when packed.
    pub fn events(&self) -> &[HistoryEvent] {
        match self {
            HistoryStore::Live { events, .. } => events,
            #[cfg(feature = "packed")]
            HistoryStore::Packed { .. } => &self.decoded().0,
        }
    }

    pub fn batches(&self) -> &[u32] {
        match self {
            HistoryStore::Live { batches, .. } => batches,
            #[cfg(feature = "packed")]
            HistoryStore::Packed { .. } => &self.decoded().1,
        }
    }

    #[cfg(feature = "packed")]
    fn decoded(&self) -> &(Vec<HistoryEvent>, Vec<u32>) {
        match self {
            #[cfg(feature = "packed")]
            HistoryStore::Packed { packed, dict, decoded, .. } => decoded.get_or_init(|| {
                // The bytes are only ever the encoder's own: failing here is a bug in it.
                Box::new(packed.decode(&dict.borrow()).unwrap_or_else(|e| panic!("{e}")))
            }),
            HistoryStore::Live { .. } => unreachable!("only a packed store decodes"),
        }
    }

    /// Replays every event into a runtime that holds none of them yet (a worker's
    /// cache miss). A packed history is decoded as the replay goes, only as far as
    /// replay reads it, and nothing decoded is kept.
    pub fn replay_into(&self, runtime: &mut WorkflowRuntime) -> Result<Option<Rc<[Decision]>>, RuntimeError> {
        match self {
            HistoryStore::Live { events, .. } => runtime.process_shared(events, true),
            #[cfg(feature = "packed")]
            HistoryStore::Packed { packed, dict, .. } => {
                let dict = dict.borrow();
                runtime.process_events(&mut packed.replay_events(&dict), true)
            }
        }
    }

    pub fn is_packed(&self) -> bool {
        #[cfg(feature = "packed")]
        return matches!(self, HistoryStore::Packed { .. });
        #[cfg(not(feature = "packed"))]
        false
    }

    /// Bytes the history holds: the encoded size when packed (what a parked workflow
    /// costs), `None` when live.
    pub fn packed_bytes(&self) -> Option<usize> {
        match self {
            HistoryStore::Live { .. } => None,
            #[cfg(feature = "packed")]
            HistoryStore::Packed { packed, .. } => Some(packed.byte_len()),
        }
    }

    /// Gives back memory a finished history no longer needs.
    pub fn shrink(&mut self) {
        match self {
            HistoryStore::Live { events, batches } => {
                events.shrink_to_fit();
                batches.shrink_to_fit();
            }
            #[cfg(feature = "packed")]
            HistoryStore::Packed { packed, unfed, .. } => {
                packed.shrink();
                unfed.clear();
                unfed.shrink_to_fit();
            }
        }
    }
}

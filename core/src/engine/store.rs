//! Where an execution keeps its history: as live events (every front end, where a
//! person steps through one package), or packed (a fleet, where a million parked
//! workflows must fit in memory: see [`crate::history::packed`]).
//!
//! A store also knows how far the worker's cached run has read: a sticky decision task
//! feeds the run only the events after that, as a real worker gets only the new
//! events, and a cache miss replays the whole history, as a real worker does. Both
//! read a packed history in place; the full events are decoded only for people.

#[cfg(feature = "packed")]
use std::cell::{OnceCell, RefCell};
use std::rc::Rc;

use crate::decision::Decision;
use crate::history::HistoryEvent;
#[cfg(feature = "packed")]
use crate::history::packed::{Dictionary, PackedHistory, Position};
use crate::runtime::{RuntimeError, WorkflowRuntime};

pub(crate) enum HistoryStore {
    Live {
        events: Vec<HistoryEvent>,
        /// The batch (server transaction) number of each event.
        batches: Vec<u32>,
        /// How many events the worker's cached run has read.
        fed: usize,
    },
    #[cfg(feature = "packed")]
    Packed {
        packed: PackedHistory,
        dict: Rc<RefCell<Dictionary>>,
        /// Where the worker's cached run stopped reading (the start when no run is cached).
        fed: Position,
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
        HistoryStore::Live { events: Vec::with_capacity(32), batches: Vec::with_capacity(32), fed: 0 }
    }

    #[cfg(feature = "packed")]
    pub fn packed(dict: Rc<RefCell<Dictionary>>) -> HistoryStore {
        HistoryStore::Packed { packed: PackedHistory::default(), dict, fed: Position::default(), last_batch: 0, decoded: OnceCell::new() }
    }

    pub fn len(&self) -> usize {
        match self {
            HistoryStore::Live { events, .. } => events.len(),
            #[cfg(feature = "packed")]
            HistoryStore::Packed { packed, .. } => packed.len(),
        }
    }

    /// Appends an event of server transaction `batch`.
    pub fn push(&mut self, event: HistoryEvent, batch: u32) {
        match self {
            HistoryStore::Live { events, batches, .. } => {
                events.push(event);
                batches.push(batch);
            }
            #[cfg(feature = "packed")]
            HistoryStore::Packed { packed, dict, last_batch, decoded, .. } => {
                packed.push(&event, batch != *last_batch, &mut dict.borrow_mut());
                *last_batch = batch;
                decoded.take();
            }
        }
    }

    /// Feeds the worker's run the events it has not read: all of them for a run it
    /// has just made (a cache miss), the new ones for the run it keeps. A packed
    /// history is decoded as the run reads it, only as far as replay reads it.
    pub fn feed(&mut self, runtime: &mut WorkflowRuntime) -> Result<Option<Rc<[Decision]>>, RuntimeError> {
        match self {
            HistoryStore::Live { events, fed, .. } => {
                let result = runtime.process_shared(&events[(*fed).min(events.len())..], true);
                *fed = events.len();
                result
            }
            #[cfg(feature = "packed")]
            HistoryStore::Packed { packed, dict, fed, .. } => {
                let result = runtime.process_events(&mut packed.replay_events_from(&dict.borrow(), *fed), true);
                *fed = packed.end();
                result
            }
        }
    }

    /// The worker dropped its run: the next one reads the history from the start.
    pub fn forget_fed(&mut self) {
        match self {
            HistoryStore::Live { fed, .. } => *fed = 0,
            #[cfg(feature = "packed")]
            HistoryStore::Packed { fed, .. } => *fed = Position::default(),
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
            HistoryStore::Live { events, batches, .. } => {
                events.shrink_to_fit();
                batches.shrink_to_fit();
            }
            #[cfg(feature = "packed")]
            HistoryStore::Packed { packed, .. } => packed.shrink(),
        }
    }
}

//! A history kept as Cadence keeps it between decision tasks: encoded, compactly,
//! not as live objects. A fleet of a million parked workflows holds its histories
//! here and decodes one only when a worker must replay it (a cache miss) or a
//! person wants to see it.
//!
//! The encoding is ours (Cadence's own is thrift in a database): one record per
//! event, a byte with its type and two flags, then the attributes' length and the
//! attributes field by field (the length lets a replay read the first fields and
//! jump over the rest).
//! - Event IDs, versions and task IDs cost nothing when they are what the simulated
//!   server writes (the event's place says them); times are deltas.
//! - Names and short payloads that repeat across workflows (identities, task lists,
//!   activity types, IDs, results, scan locations) go into a [`Dictionary`] shared
//!   by every history of an engine and cost a few bytes; request and run IDs the
//!   engine made are stored as their number in its UUID sequence, other UUIDs in
//!   16 bytes.
//! - A long payload shares its prefix with the workflow input, as every activity
//!   input does (the order's JSON), and stores only the rest.
//!
//! Decoding gives back exactly the events that were encoded (tested on every
//! golden and real-server history).
//!
//! This module owns the format of a record and the dictionary; `wire` the bytes of
//! each value, `replay` the reading of only what a replay needs.

use rustc_hash::FxHashMap;

mod replay;
mod wire;

pub use replay::ReplayEvents;
pub(crate) use wire::{Pack, Reader, Writer};

use super::*;
use crate::payload::Payload;
use crate::text::Str;
use crate::time::Timestamp;
use crate::uuid::Sequence;
use replay::Slot;

/// What a simulated server writes on every event (see the engine's `append`).
const DEFAULT_VERSION: i64 = 1;
const TASK_ID_BASE: i64 = 1_048_576;

/// Strings and payloads up to this length go into the dictionary.
const DICTIONARY_MAX_LEN: usize = 64;
/// The dictionary stops growing here (a workload with endless distinct names
/// would otherwise grow it forever); later values are written out in full.
const DICTIONARY_MAX_ENTRIES: usize = 1 << 20;

// An event starts with one byte: its type's tag in the low six bits and two flags.
// The engine always writes an event ID, version and task ID that can be told from
// the event's place; an event that does not (a history read from elsewhere) gets
// the escape tag, then its real tag and a byte saying which of the three follow.
// One byte instead of three is a ninth of a fleet's parked histories.
const TAG_BITS: u8 = 0x3f;
const TAG_ESCAPE: u8 = TAG_BITS;
const HEAD_NEW_BATCH: u8 = 0x40;
const HEAD_SAME_TIME: u8 = 0x80;
const EXPLICIT_EVENT_ID: u8 = 1;
const EXPLICIT_VERSION: u8 = 2;
const EXPLICIT_TASK_ID: u8 = 4;
const _: () = assert!(EventType::ALL.len() < TAG_ESCAPE as usize, "an event type's tag must leave room for the escape tag");

/// Values shared by the histories of one engine, by index.
#[derive(Default)]
pub struct Dictionary {
    strings: Entries<Str>,
    payloads: Entries<Payload>,
    /// The UUIDs the engine makes, stored by their number.
    uuids: Option<Sequence>,
}

impl Dictionary {
    pub(crate) fn with_uuids(uuids: Sequence) -> Dictionary {
        Dictionary { uuids: Some(uuids), ..Dictionary::default() }
    }

    fn string(&mut self, s: &Str) -> Option<u32> {
        self.strings.index_of(s, s.len())
    }

    fn payload(&mut self, p: &Payload) -> Option<u32> {
        self.payloads.index_of(p, p.as_bytes().len())
    }

    /// Entries and the bytes they hold (for memory accounting).
    pub fn size(&self) -> (usize, usize) {
        let bytes = self.strings.values.iter().map(|s| s.len()).sum::<usize>()
            + self.payloads.values.iter().map(|p| p.as_bytes().len()).sum::<usize>();
        (self.strings.values.len() + self.payloads.values.len(), bytes)
    }
}

/// One kind of value in the dictionary: each once, by its index.
struct Entries<T> {
    values: Vec<T>,
    index: FxHashMap<T, u32>,
}

impl<T> Default for Entries<T> {
    fn default() -> Entries<T> {
        Entries { values: Vec::new(), index: FxHashMap::default() }
    }
}

impl<T: Clone + Eq + std::hash::Hash> Entries<T> {
    /// The index of `v` (`len` bytes long), added if new; `None` for a value too long
    /// for the dictionary, or once it is full.
    fn index_of(&mut self, v: &T, len: usize) -> Option<u32> {
        if len > DICTIONARY_MAX_LEN {
            return None;
        }
        if let Some(&i) = self.index.get(v) {
            return Some(i);
        }
        if self.values.len() >= DICTIONARY_MAX_ENTRIES {
            return None;
        }
        let i = self.values.len() as u32;
        self.values.push(v.clone());
        self.index.insert(v.clone(), i);
        Some(i)
    }

    fn get(&self, i: u64) -> Option<&T> {
        self.values.get(usize::try_from(i).ok()?)
    }
}

/// A history that could not be decoded: only a bug can cause one, the bytes are
/// never anyone's input but the encoder's.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("packed history is corrupt at byte {at}: {what}")]
pub struct PackError {
    pub at: usize,
    pub what: &'static str,
}

/// An append-only encoded history.
#[derive(Default)]
pub struct PackedHistory {
    bytes: Vec<u8>,
    len: usize,
    last_time: i64,
    /// The workflow input, when written in full: long payloads are stored as their
    /// difference from it.
    reference: Option<Payload>,
}

impl PackedHistory {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Encoded size in bytes.
    pub fn byte_len(&self) -> usize {
        self.bytes.len()
    }

    /// Heap bytes held (what a parked history costs in memory).
    pub fn heap_bytes(&self) -> usize {
        self.bytes.capacity()
    }

    /// Gives back memory the buffer holds beyond its contents.
    pub fn shrink(&mut self) {
        self.bytes.shrink_to_fit();
    }

    /// Appends an event; `new_batch` marks the first event of a server transaction.
    pub fn push(&mut self, e: &HistoryEvent, new_batch: bool, dict: &mut Dictionary) {
        // Grow by an eighth and a little, not double: a parked history's slack is
        // memory a fleet pays for a million times (with a quarter and 256 bytes it was
        // a quarter of the history at a fleet's peak). Most events take under 64 bytes.
        if self.bytes.capacity() - self.bytes.len() < 64 {
            self.bytes.reserve_exact(self.bytes.len() / 8 + 128);
        }
        let index = self.len as i64;
        // `ALL` lists the types in declaration order, so a type's discriminant is its index there.
        let tag = e.event_type() as u8;
        let mut head = 0;
        if new_batch {
            head |= HEAD_NEW_BATCH;
        }
        let same_time = e.event_time.0 == self.last_time && index > 0;
        if same_time {
            head |= HEAD_SAME_TIME;
        }
        let mut explicit = 0;
        if e.event_id != index + 1 {
            explicit |= EXPLICIT_EVENT_ID;
        }
        if e.version != DEFAULT_VERSION {
            explicit |= EXPLICIT_VERSION;
        }
        if e.task_id != TASK_ID_BASE + index {
            explicit |= EXPLICIT_TASK_ID;
        }
        let mut w = Writer { out: &mut self.bytes, dict, reference: &mut self.reference, sets_reference: index == 0 };
        if explicit == 0 {
            w.out.push(head | tag);
        } else {
            w.out.extend_from_slice(&[head | TAG_ESCAPE, tag, explicit]);
            if explicit & EXPLICIT_EVENT_ID != 0 {
                w.i64(e.event_id);
            }
            if explicit & EXPLICIT_VERSION != 0 {
                w.i64(e.version);
            }
            if explicit & EXPLICIT_TASK_ID != 0 {
                w.i64(e.task_id);
            }
        }
        if !same_time {
            w.time_delta(e.event_time.0.wrapping_sub(self.last_time));
        }
        // The attributes' length goes first, so a replay can jump over the fields it
        // never reads. It is known only after them: a byte is kept for it, the
        // length of all but a long workflow input's record.
        let at = w.out.len();
        w.out.push(0);
        e.attributes.pack(&mut w);
        let len = w.out.len() - at - 1;
        if len < 0x80 {
            w.out[at] = len as u8;
        } else {
            w.out.remove(at);
            w.u64(len as u64);
            let n = w.out.len() - at - len;
            w.out[at..].rotate_right(n);
        }
        self.last_time = e.event_time.0;
        self.len += 1;
    }

    /// Every event, in order, with the batch (server transaction) number of each.
    pub fn decode(&self, dict: &Dictionary) -> Result<(Vec<HistoryEvent>, Vec<u32>), PackError> {
        let mut batches = Vec::with_capacity(self.len);
        let mut events = Vec::with_capacity(self.len);
        let mut r = Reader { bytes: &self.bytes, at: 0, dict, reference: self.reference.as_ref() };
        let mut time = 0i64;
        let mut batch = 0u32;
        for index in 0..self.len as i64 {
            let head = Head::read(&mut r, index, &mut time)?;
            if head.new_batch {
                batch += 1;
            }
            let end = r.attributes_end()?;
            let attributes = EventAttributes::unpack(head.event_type, &mut r)?;
            if r.at != end {
                return Err(r.error("attributes do not fill their length"));
            }
            events.push(HistoryEvent {
                event_id: head.event_id,
                event_time: Timestamp(time),
                version: head.version,
                task_id: head.task_id,
                attributes,
            });
            batches.push(batch);
        }
        Ok((events, batches))
    }

    /// Every event, in order, as replay reads it (see [`ReplayEvent`](crate::history::replay::ReplayEvent)), decoded as the
    /// replay goes: what a worker needs after a cache miss, at a fraction of a full
    /// decode's cost (no identities, request IDs or activity inputs are built).
    pub fn replay_events<'a>(&'a self, dict: &'a Dictionary) -> ReplayEvents<'a> {
        self.replay_events_from(dict, Position::default())
    }

    /// The events after `from` (a position [`end`](Self::end) gave), as
    /// [`replay_events`](Self::replay_events) reads them: what a cached run has not
    /// seen yet.
    pub fn replay_events_from<'a>(&'a self, dict: &'a Dictionary, from: Position) -> ReplayEvents<'a> {
        ReplayEvents {
            r: Reader { bytes: &self.bytes, at: from.at, dict, reference: self.reference.as_ref() },
            index: from.index,
            len: self.len as i64,
            time: from.time,
            slot: Slot::default(),
        }
    }

    /// Where the next event will go: a reader can start there later.
    pub fn end(&self) -> Position {
        Position { at: self.bytes.len(), index: self.len as i64, time: self.last_time }
    }
}

/// A place between two events of a packed history, with what reading on from it
/// needs to know: the event's number and the time so far (times are deltas).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Position {
    at: usize,
    index: i64,
    time: i64,
}

/// The part of an event's record before its attributes.
struct Head {
    event_type: EventType,
    event_id: i64,
    version: i64,
    task_id: i64,
    /// The first event of a server transaction.
    new_batch: bool,
}

impl Head {
    /// Reads the head byte and the event type (the escape tag's real tag included).
    fn read_type(r: &mut Reader<'_>) -> Result<(u8, EventType), PackError> {
        let head = r.u8()?;
        let tag = if head & TAG_BITS == TAG_ESCAPE { r.u8()? } else { head & TAG_BITS };
        Ok((head, *EventType::ALL.get(usize::from(tag)).ok_or(r.error("unknown event type"))?))
    }

    /// Reads the head of the `index`th event, moving `time` on to the event's time.
    /// Always inlined: replay reads one per event and keeps only the type and ID, so
    /// the rest folds away; called, the whole head came back through a `Result`
    /// (a third of decoding for replay).
    #[inline(always)]
    fn read(r: &mut Reader<'_>, index: i64, time: &mut i64) -> Result<Head, PackError> {
        let (head, event_type) = Head::read_type(r)?;
        let explicit = if head & TAG_BITS == TAG_ESCAPE { r.u8()? } else { 0 };
        let event_id = if explicit & EXPLICIT_EVENT_ID != 0 { r.i64()? } else { index + 1 };
        let version = if explicit & EXPLICIT_VERSION != 0 { r.i64()? } else { DEFAULT_VERSION };
        let task_id = if explicit & EXPLICIT_TASK_ID != 0 { r.i64()? } else { TASK_ID_BASE + index };
        if head & HEAD_SAME_TIME == 0 {
            *time = time.wrapping_add(r.time_delta()?);
        }
        Ok(Head { event_type, event_id, version, task_id, new_batch: head & HEAD_NEW_BATCH != 0 || index == 0 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::replay::{ReplayAttributes, ReplayEvent};

    #[test]
    fn an_event_types_tag_is_its_place_in_the_list_the_decoder_reads() {
        for (i, ty) in EventType::ALL.iter().enumerate() {
            assert_eq!(usize::from(*ty as u8), i, "{}", ty.name());
        }
    }

    fn event(event_id: i64, attributes: EventAttributes) -> HistoryEvent {
        HistoryEvent {
            event_id,
            event_time: Timestamp(event_id * 1_000_000),
            version: DEFAULT_VERSION,
            task_id: TASK_ID_BASE + event_id - 1,
            attributes,
        }
    }

    /// A short workflow input goes to the dictionary, so no payload is the reference:
    /// the activity input replay jumps over and a signal much like it are both
    /// written in full, and the signal comes back whole. (Also the one event type
    /// whose fields replay reads are not its first: a timeout. And a signal name too
    /// long for the dictionary, which replay decodes instead of borrowing.)
    #[test]
    fn without_a_reference_payload_replay_reads_payloads_whole() {
        let long = |tail: &str| Payload::from_bytes(format!("{}{tail}", "o".repeat(100)).into_bytes());
        let long_name = "s".repeat(DICTIONARY_MAX_LEN + 1);
        let events = [
            event(
                1,
                EventAttributes::WorkflowExecutionStarted(Box::new(WorkflowExecutionStartedEventAttributes {
                    input: Some(Payload::from("1")),
                    ..Default::default()
                })),
            ),
            event(
                2,
                EventAttributes::ActivityTaskScheduled(Box::new(ActivityTaskScheduledEventAttributes {
                    activity_id: "0".into(),
                    input: Some(long("input")),
                    ..Default::default()
                })),
            ),
            event(
                3,
                EventAttributes::WorkflowExecutionSignaled(WorkflowExecutionSignaledEventAttributes {
                    signal_name: long_name.as_str().into(),
                    input: Some(long("signal")),
                    ..Default::default()
                }),
            ),
            event(
                4,
                EventAttributes::ActivityTaskTimedOut(ActivityTaskTimedOutEventAttributes {
                    details: Some(long("details")),
                    scheduled_event_id: 2,
                    started_event_id: 7,
                    timeout_type: TimeoutType::ScheduleToStart,
                    last_failure: Some(Failure { reason: "cadenceInternal:Generic".into(), details: b"down".to_vec() }),
                }),
            ),
            // Its failure's reason is read: the server's own failures replay differently.
            event(
                5,
                EventAttributes::WorkflowExecutionFailed(WorkflowExecutionFailedEventAttributes {
                    failure: Some(Failure { reason: "DECISION_BLOB_SIZE_EXCEEDS_LIMIT".into(), details: b"too long".to_vec() }),
                    decision_task_completed_event_id: 4,
                }),
            ),
        ];
        let mut dict = Dictionary::default();
        let mut packed = PackedHistory::default();
        for e in &events {
            packed.push(e, true, &mut dict);
        }
        let mut replay = packed.replay_events(&dict);
        for e in &events {
            let replayed = replay.next_event().unwrap().unwrap();
            assert_eq!(replayed, ReplayEvent::from(e));
            if let ReplayAttributes::WorkflowExecutionSignaled { signal_name, input } = replayed.attributes {
                assert_eq!((signal_name.as_str(), input), (long_name.as_str(), Some(&long("signal"))));
            }
            if let ReplayAttributes::WorkflowExecutionFailed { failure } = replayed.attributes {
                assert_eq!(failure.map(|f| f.reason.as_str()), Some("DECISION_BLOB_SIZE_EXCEEDS_LIMIT"));
            }
        }
        assert!(replay.next_event().is_none());
    }

    /// The length before an event's attributes is checked against them: a wrong one
    /// is an error for a decode and for a replay, never a misread event.
    #[test]
    fn an_attribute_length_that_does_not_fit_is_an_error() {
        let mut dict = Dictionary::default();
        let mut packed = PackedHistory::default();
        let signal = event(
            1,
            EventAttributes::WorkflowExecutionSignaled(WorkflowExecutionSignaledEventAttributes {
                signal_name: "scan".into(),
                input: Some(Payload::from("{}")),
                ..Default::default()
            }),
        );
        packed.push(&signal, true, &mut dict);
        // The one event's record ends the buffer: its length byte says how far.
        let at = (0..packed.bytes.len()).rev().find(|&i| usize::from(packed.bytes[i]) == packed.bytes.len() - i - 1).unwrap();
        let len = packed.bytes[at];
        packed.bytes[at] = len - 1;
        assert_eq!(packed.decode(&dict).unwrap_err().what, "attributes do not fill their length");
        packed.bytes[at] = 0;
        assert_eq!(packed.replay_events(&dict).next_event().unwrap().unwrap_err().what, "attributes longer than their length");
        packed.bytes[at] = len + 1;
        assert_eq!(packed.decode(&dict).unwrap_err().what, "length past the end");
        assert_eq!(packed.replay_events(&dict).next_event().unwrap().unwrap_err().what, "length past the end");
    }

    #[test]
    fn a_history_cut_short_ends_its_replay_with_an_error() {
        let mut dict = Dictionary::default();
        let mut packed = PackedHistory::default();
        let signal = |id| {
            event(
                id,
                EventAttributes::WorkflowExecutionSignaled(WorkflowExecutionSignaledEventAttributes {
                    // Past the dictionary's limit: written out, so the cut falls inside it.
                    signal_name: "s".repeat(80).into(),
                    ..Default::default()
                }),
            )
        };
        packed.push(&signal(1), true, &mut dict);
        packed.push(&signal(2), false, &mut dict);
        packed.bytes.truncate(packed.bytes.len() - 40);
        let mut replay = packed.replay_events(&dict);
        assert!(replay.next_event().unwrap().is_ok(), "the first event is whole");
        assert_eq!(replay.next_event().unwrap().unwrap_err().what, "length past the end");
        assert!(replay.next_event().is_none(), "nothing after the error");
    }
}

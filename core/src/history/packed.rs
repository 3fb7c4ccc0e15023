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

use std::collections::BTreeMap;
use std::time::Duration;

use rustc_hash::FxHashMap;

use super::replay::{ReplayAttributes, ReplayEvent};
use super::*;
use crate::payload::{Failure, Payload};
use crate::text::Str;
use crate::time::Timestamp;
use crate::uuid::Sequence;

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
    strings: Vec<Str>,
    string_index: FxHashMap<Str, u32>,
    payloads: Vec<Payload>,
    payload_index: FxHashMap<Payload, u32>,
    /// The UUIDs the engine makes, stored by their number.
    uuids: Option<Sequence>,
}

impl Dictionary {
    pub(crate) fn with_uuids(uuids: Sequence) -> Dictionary {
        Dictionary { uuids: Some(uuids), ..Dictionary::default() }
    }

    fn string(&mut self, s: &Str) -> Option<u32> {
        if s.len() > DICTIONARY_MAX_LEN {
            return None;
        }
        if let Some(&i) = self.string_index.get(s.as_str()) {
            return Some(i);
        }
        if self.strings.len() >= DICTIONARY_MAX_ENTRIES {
            return None;
        }
        let i = self.strings.len() as u32;
        self.strings.push(s.clone());
        self.string_index.insert(s.clone(), i);
        Some(i)
    }

    fn payload(&mut self, p: &Payload) -> Option<u32> {
        if p.as_bytes().len() > DICTIONARY_MAX_LEN {
            return None;
        }
        if let Some(&i) = self.payload_index.get(p) {
            return Some(i);
        }
        if self.payloads.len() >= DICTIONARY_MAX_ENTRIES {
            return None;
        }
        let i = self.payloads.len() as u32;
        self.payloads.push(p.clone());
        self.payload_index.insert(p.clone(), i);
        Some(i)
    }

    /// Entries and the bytes they hold (for memory accounting).
    pub fn size(&self) -> (usize, usize) {
        let bytes = self.strings.iter().map(|s| s.len()).sum::<usize>() + self.payloads.iter().map(|p| p.as_bytes().len()).sum::<usize>();
        (self.strings.len() + self.payloads.len(), bytes)
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

    /// Every event, in order, as replay reads it (see [`ReplayEvent`]), decoded as the
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

/// A packed history's events as replay reads them, one at a time
/// ([`PackedHistory::replay_events`]). Each event borrows from the reader's buffer, so
/// it lasts until the next is read. Ends after the first error.
pub struct ReplayEvents<'a> {
    r: Reader<'a>,
    index: i64,
    len: i64,
    time: i64,
    slot: Slot,
}

/// The values of the event being read that a [`ReplayEvent`] borrows, when they are
/// not dictionary entries.
#[derive(Default)]
struct Slot {
    strings: [Str; 2],
    payload: Option<Payload>,
    failure: Option<Failure>,
}

impl ReplayEvents<'_> {
    /// The next event, or `None` after the last (or after an error).
    pub fn next_event(&mut self) -> Option<Result<ReplayEvent<'_>, PackError>> {
        if self.index >= self.len {
            return None;
        }
        let event = Head::read(&mut self.r, self.index, &mut self.time).and_then(|head| {
            let end = self.r.attributes_end()?;
            let attributes = replay_attributes(head.event_type, &mut self.r, end, &mut self.slot)?;
            Ok(ReplayEvent { event_id: head.event_id, event_time: Timestamp(self.time), attributes })
        });
        self.index = if event.is_ok() { self.index + 1 } else { self.len };
        Some(event)
    }

    /// The type of the event `next_event` gives, without reading it.
    pub fn peek_type(&self) -> Result<Option<EventType>, PackError> {
        if self.index >= self.len {
            return Ok(None);
        }
        let mut r = self.r.clone();
        Head::read_type(&mut r).map(|(_, t)| Some(t))
    }
}

/// Reads what replay needs of an event's attributes and jumps over the rest: the
/// fields it reads come first in `pack_fields!` (below), and the record ends at `end`.
/// Dictionary entries are borrowed from the dictionary; only what is not one is
/// decoded into `slot`.
fn replay_attributes<'a: 's, 's>(
    t: EventType,
    r: &mut Reader<'a>,
    end: usize,
    slot: &'s mut Slot,
) -> Result<ReplayAttributes<'s>, PackError> {
    type A<'s> = ReplayAttributes<'s>;
    let [first, second] = &mut slot.strings;
    let attributes = match t {
        EventType::WorkflowExecutionStarted => {
            let workflow_type = r.str_in(first)?;
            let task_list = r.str_in(second)?;
            TaskListKind::unpack(r)?;
            A::WorkflowExecutionStarted { workflow_type, task_list, input: r.payload_in(&mut slot.payload)? }
        }
        EventType::ActivityTaskScheduled => A::ActivityTaskScheduled { activity_id: r.str_in(first)?, activity_type: r.str_in(second)? },
        EventType::ActivityTaskCompleted => {
            let result = r.payload_in(&mut slot.payload)?;
            A::ActivityTaskCompleted { scheduled_event_id: i64::unpack(r)?, result }
        }
        EventType::ActivityTaskFailed => {
            slot.failure = Option::<Failure>::unpack(r)?;
            A::ActivityTaskFailed { scheduled_event_id: i64::unpack(r)?, failure: slot.failure.as_ref() }
        }
        EventType::ActivityTaskTimedOut => {
            Option::<Payload>::unpack(r)?; // details
            let scheduled_event_id = i64::unpack(r)?;
            i64::unpack(r)?; // started_event_id
            let timeout_type = TimeoutType::unpack(r)?;
            slot.failure = Option::<Failure>::unpack(r)?;
            A::ActivityTaskTimedOut { scheduled_event_id, timeout_type, last_failure: slot.failure.as_ref() }
        }
        EventType::TimerStarted => A::TimerStarted { timer_id: r.str_in(first)? },
        EventType::TimerFired => A::TimerFired { timer_id: r.str_in(first)?, started_event_id: i64::unpack(r)? },
        EventType::TimerCanceled => A::TimerCanceled { timer_id: r.str_in(first)?, started_event_id: i64::unpack(r)? },
        EventType::CancelTimerFailed => A::CancelTimerFailed { timer_id: r.str_in(first)? },
        EventType::WorkflowExecutionSignaled => {
            A::WorkflowExecutionSignaled { signal_name: r.str_in(first)?, input: r.payload_in(&mut slot.payload)? }
        }
        EventType::DecisionTaskScheduled
        | EventType::DecisionTaskStarted
        | EventType::DecisionTaskCompleted
        | EventType::DecisionTaskTimedOut
        | EventType::DecisionTaskFailed
        | EventType::ActivityTaskStarted
        | EventType::WorkflowExecutionCompleted
        | EventType::WorkflowExecutionFailed
        | EventType::WorkflowExecutionTimedOut => A::Other(t),
    };
    r.jump_to(end)?;
    Ok(attributes)
}

pub(crate) struct Writer<'a> {
    out: &'a mut Vec<u8>,
    dict: &'a mut Dictionary,
    reference: &'a mut Option<Payload>,
    /// Whether a payload written in full becomes the reference: only in the first
    /// event (the workflow input), so that a reader meets the reference whatever it
    /// jumps over.
    sets_reference: bool,
}

#[derive(Clone)]
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    dict: &'a Dictionary,
    /// The history's reference payload, as its writer kept it: a reader that starts
    /// in the middle or jumps over fields needs it as much as one that reads all.
    reference: Option<&'a Payload>,
}

impl Writer<'_> {
    fn u64(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.out.push(v as u8 | 0x80);
            v >>= 7;
        }
        self.out.push(v as u8);
    }

    fn i64(&mut self, v: i64) {
        self.u64(zigzag(v));
    }

    fn bytes(&mut self, b: &[u8]) {
        self.u64(b.len() as u64);
        self.out.extend_from_slice(b);
    }

    /// A time delta in nanoseconds. Most of a simulated history's are whole
    /// milliseconds (task times): those go in milliseconds, a byte instead of four.
    /// The low bit says which; 0 (no delta is written so) escapes to a full i64 for
    /// a delta too large to shift.
    fn time_delta(&mut self, nanos: i64) {
        if nanos % MILLI == 0 {
            self.u64(zigzag(nanos / MILLI) << 1 | 1);
        } else if zigzag(nanos) < 1 << 63 {
            self.u64(zigzag(nanos) << 1);
        } else {
            self.u64(0);
            self.i64(nanos);
        }
    }
}

const MILLI: i64 = 1_000_000;

/// A signed number as an unsigned one whose varint is short when the number is near
/// zero either way: 0, -1, 1, -2, ... become 0, 1, 2, 3, ...
fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    (v >> 1) as i64 ^ -((v & 1) as i64)
}

impl<'a> Reader<'a> {
    fn error(&self, what: &'static str) -> PackError {
        PackError { at: self.at, what }
    }

    fn u8(&mut self) -> Result<u8, PackError> {
        let b = *self.bytes.get(self.at).ok_or(self.error("unexpected end"))?;
        self.at += 1;
        Ok(b)
    }

    /// Always inlined, the longer form never: a replayed event reads four or five
    /// varints, and as a call each cost more than reading it (1.3 % of a fleet run).
    #[inline(always)]
    fn u64(&mut self) -> Result<u64, PackError> {
        // Most values (lengths, tags, time deltas in milliseconds) fit one byte.
        if let Some(&b) = self.bytes.get(self.at).filter(|b| **b < 0x80) {
            self.at += 1;
            return Ok(u64::from(b));
        }
        self.u64_long()
    }

    #[inline(never)]
    fn u64_long(&mut self) -> Result<u64, PackError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Ok(v);
            }
        }
        Err(self.error("varint too long"))
    }

    fn i64(&mut self) -> Result<i64, PackError> {
        self.u64().map(unzigzag)
    }

    fn time_delta(&mut self) -> Result<i64, PackError> {
        Ok(match self.u64()? {
            0 => self.i64()?,
            v if v & 1 == 1 => unzigzag(v >> 1).wrapping_mul(MILLI),
            v => unzigzag(v >> 1),
        })
    }

    /// Where the next `n` bytes end.
    fn end_of(&self, n: usize) -> Result<usize, PackError> {
        self.at.checked_add(n).filter(|e| *e <= self.bytes.len()).ok_or(self.error("length past the end"))
    }

    /// The next `n` bytes.
    fn take(&mut self, n: usize) -> Result<&'a [u8], PackError> {
        let end = self.end_of(n)?;
        let b = &self.bytes[self.at..end];
        self.at = end;
        Ok(b)
    }

    /// A length written as a varint.
    fn length(&mut self) -> Result<usize, PackError> {
        usize::try_from(self.u64()?).map_err(|_| self.error("length out of range"))
    }

    /// Reads an event's attribute length: where its attributes end.
    fn attributes_end(&mut self) -> Result<usize, PackError> {
        let n = self.length()?;
        self.end_of(n)
    }

    /// Moves on to `end`, past fields nobody reads.
    fn jump_to(&mut self, end: usize) -> Result<(), PackError> {
        if self.at > end {
            return Err(self.error("attributes longer than their length"));
        }
        self.at = end;
        Ok(())
    }

    /// A length, then that many bytes.
    fn bytes(&mut self) -> Result<&'a [u8], PackError> {
        let n = self.length()?;
        self.take(n)
    }

    /// The dictionary entry a string's `tag` names, if it names one (even tags from 2).
    fn string_entry(&self, tag: u64) -> Option<Result<&'a Str, PackError>> {
        let dict: &'a Dictionary = self.dict;
        (tag >= 2 && tag % 2 == 0)
            .then(|| dict.strings.get(usize::try_from((tag - 2) / 2).unwrap_or(usize::MAX)).ok_or(self.error("unknown string")))
    }

    /// A string as replay reads it. Nearly every name and ID a replay meets is a
    /// dictionary entry: that is borrowed where it is instead of copied. Anything else is
    /// decoded into `slot`.
    fn str_in<'s>(&mut self, slot: &'s mut Str) -> Result<&'s Str, PackError>
    where
        'a: 's,
    {
        let tag = self.u64()?;
        if let Some(entry) = self.string_entry(tag) {
            return entry;
        }
        *slot = Str::unpack_tagged(self, tag)?;
        Ok(slot)
    }

    /// An optional payload as replay reads it: a dictionary entry (results and scans
    /// that repeat across workflows) borrowed, anything else decoded into `slot`.
    fn payload_in<'s>(&mut self, slot: &'s mut Option<Payload>) -> Result<Option<&'s Payload>, PackError>
    where
        'a: 's,
    {
        if self.u8()? == 0 {
            return Ok(None);
        }
        let tag = self.u64()?;
        if let Some(entry) = self.payload_entry(tag) {
            return entry.map(Some);
        }
        Ok(Some(slot.insert(Payload::unpack_tagged(self, tag)?)))
    }

    /// The dictionary entry a payload's `tag` names, if it names one (odd tags).
    fn payload_entry(&self, tag: u64) -> Option<Result<&'a Payload, PackError>> {
        let dict: &'a Dictionary = self.dict;
        (tag % 2 == 1).then(|| dict.payloads.get(usize::try_from(tag / 2).unwrap_or(usize::MAX)).ok_or(self.error("unknown payload")))
    }
}

/// A value that knows its packed form.
pub(crate) trait Pack: Sized {
    fn pack(&self, w: &mut Writer<'_>);
    fn unpack(r: &mut Reader<'_>) -> Result<Self, PackError>;
}

impl Pack for i64 {
    fn pack(&self, w: &mut Writer<'_>) {
        w.i64(*self);
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, PackError> {
        r.i64()
    }
}

impl Pack for i32 {
    fn pack(&self, w: &mut Writer<'_>) {
        w.i64(i64::from(*self));
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, PackError> {
        i32::try_from(r.i64()?).map_err(|_| r.error("i32 out of range"))
    }
}

impl Pack for f64 {
    fn pack(&self, w: &mut Writer<'_>) {
        w.out.extend_from_slice(&self.to_bits().to_le_bytes());
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, PackError> {
        let mut b = [0u8; 8];
        for x in &mut b {
            *x = r.u8()?;
        }
        Ok(f64::from_bits(u64::from_le_bytes(b)))
    }
}

impl Pack for Option<Duration> {
    fn pack(&self, w: &mut Writer<'_>) {
        match self {
            None => w.u64(0),
            Some(d) if d.subsec_nanos() == 0 => w.u64(1 + 2 * d.as_secs()),
            Some(d) => {
                w.u64(2 + 2 * d.as_secs());
                w.u64(u64::from(d.subsec_nanos()));
            }
        }
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, PackError> {
        Ok(match r.u64()? {
            0 => None,
            v if v % 2 == 1 => Some(Duration::from_secs((v - 1) / 2)),
            v => {
                let nanos = u32::try_from(r.u64()?).map_err(|_| r.error("nanoseconds out of range"))?;
                Some(Duration::new((v - 2) / 2, nanos))
            }
        })
    }
}

/// Strings: dictionary entry (even tags from 2), a UUID the engine made (its number,
/// odd tags from 3), another UUID (16 bytes), or written out.
impl Pack for Str {
    fn pack(&self, w: &mut Writer<'_>) {
        if let Some(bits) = crate::uuid::bits(self) {
            match w.dict.uuids.and_then(|u| u.position(bits)) {
                Some(n) => w.u64(3 + 2 * n),
                None => {
                    w.u64(1);
                    w.out.extend_from_slice(&bits.to_be_bytes());
                }
            }
        } else if let Some(i) = w.dict.string(self) {
            w.u64(2 + 2 * u64::from(i));
        } else {
            w.u64(0);
            w.bytes(self.as_bytes());
        }
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, PackError> {
        let tag = r.u64()?;
        r.string_entry(tag).map(|e| e.cloned()).unwrap_or_else(|| Str::unpack_tagged(r, tag))
    }
}

impl Str {
    /// The string after its `tag`, when it is not a dictionary entry.
    fn unpack_tagged(r: &mut Reader<'_>, tag: u64) -> Result<Str, PackError> {
        match tag {
            0 => {
                let b = r.bytes()?;
                std::str::from_utf8(b).map(Str::from).map_err(|_| r.error("string is not UTF-8"))
            }
            1 => {
                let mut b = [0u8; 16];
                for x in &mut b {
                    *x = r.u8()?;
                }
                Ok(crate::uuid::text(u128::from_be_bytes(b)))
            }
            v if v % 2 == 1 => {
                let uuids = r.dict.uuids.ok_or(r.error("a numbered UUID without the engine's sequence"))?;
                Ok(crate::uuid::text(uuids.nth((v - 3) / 2)))
            }
            // Even tags from 2: dictionary entries, which the callers look up first.
            _ => Err(r.error("unknown string")),
        }
    }
}

impl Pack for String {
    fn pack(&self, w: &mut Writer<'_>) {
        Str::from(self.as_str()).pack(w);
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, PackError> {
        Ok(Str::unpack(r)?.into())
    }
}

/// Payloads: dictionary entry (short ones), or the bytes after the prefix they
/// share with the workflow input.
impl Pack for Payload {
    fn pack(&self, w: &mut Writer<'_>) {
        if let Some(i) = w.dict.payload(self) {
            w.u64(1 + 2 * u64::from(i));
            return;
        }
        let bytes = self.as_bytes();
        let shared = match w.reference.as_ref() {
            Some(r) => common_prefix(r.as_bytes(), bytes),
            None if w.sets_reference => {
                *w.reference = Some(self.clone());
                0
            }
            None => 0,
        };
        w.u64(2 * shared as u64);
        w.bytes(&bytes[shared..]);
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, PackError> {
        let tag = r.u64()?;
        r.payload_entry(tag).map(|e| e.cloned()).unwrap_or_else(|| Payload::unpack_tagged(r, tag))
    }
}

impl Payload {
    /// The payload after its `tag`, when it is not a dictionary entry.
    fn unpack_tagged(r: &mut Reader<'_>, v: u64) -> Result<Payload, PackError> {
        let shared = usize::try_from(v / 2).map_err(|_| r.error("prefix out of range"))?;
        let rest = r.bytes()?;
        if shared == 0 {
            return Ok(Payload::from_bytes(rest));
        }
        let error = r.error("payload prefix");
        let prefix = r.reference.map(Payload::as_bytes).and_then(|b| b.get(..shared)).ok_or(error)?;
        // Joined on the stack, then copied once into the shared buffer: through a Vec
        // it was two allocations. (Activity inputs are the order and a location.)
        let mut joined = [0u8; 512];
        let len = shared + rest.len();
        Ok(match joined.get_mut(..len) {
            Some(buf) => {
                buf[..shared].copy_from_slice(prefix);
                buf[shared..].copy_from_slice(rest);
                Payload::from_bytes(&*buf)
            }
            None => Payload::from_bytes([prefix, rest].concat()),
        })
    }
}

impl<T: Pack> Pack for Option<T> {
    fn pack(&self, w: &mut Writer<'_>) {
        match self {
            None => w.out.push(0),
            Some(v) => {
                w.out.push(1);
                v.pack(w);
            }
        }
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, PackError> {
        Ok(match r.u8()? {
            0 => None,
            _ => Some(T::unpack(r)?),
        })
    }
}

impl<T: Pack> Pack for Box<T> {
    fn pack(&self, w: &mut Writer<'_>) {
        (**self).pack(w);
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, PackError> {
        T::unpack(r).map(Box::new)
    }
}

impl<T: Pack> Pack for Vec<T> {
    fn pack(&self, w: &mut Writer<'_>) {
        w.u64(self.len() as u64);
        for v in self {
            v.pack(w);
        }
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, PackError> {
        let n = r.u64()?;
        (0..n).map(|_| T::unpack(r)).collect()
    }
}

impl Pack for Failure {
    fn pack(&self, w: &mut Writer<'_>) {
        self.reason.pack(w);
        w.bytes(&self.details);
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, PackError> {
        Ok(Failure { reason: String::unpack(r)?, details: r.bytes()?.to_vec() })
    }
}

impl Pack for TimeoutType {
    fn pack(&self, w: &mut Writer<'_>) {
        w.out.push(*self as u8);
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, PackError> {
        Ok(match r.u8()? {
            0 => TimeoutType::Invalid,
            1 => TimeoutType::StartToClose,
            2 => TimeoutType::ScheduleToStart,
            3 => TimeoutType::ScheduleToClose,
            4 => TimeoutType::Heartbeat,
            _ => return Err(r.error("unknown timeout type")),
        })
    }
}

impl Pack for TaskListKind {
    fn pack(&self, w: &mut Writer<'_>) {
        w.out.push(*self as u8);
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, PackError> {
        Ok(match r.u8()? {
            0 => TaskListKind::Invalid,
            1 => TaskListKind::Normal,
            2 => TaskListKind::Sticky,
            3 => TaskListKind::Ephemeral,
            _ => return Err(r.error("unknown task list kind")),
        })
    }
}

impl Pack for Header {
    fn pack(&self, w: &mut Writer<'_>) {
        w.u64(self.fields.len() as u64);
        for (k, v) in &self.fields {
            k.pack(w);
            v.pack(w);
        }
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, PackError> {
        let n = r.u64()?;
        let mut fields = BTreeMap::new();
        for _ in 0..n {
            fields.insert(String::unpack(r)?, Payload::unpack(r)?);
        }
        Ok(Header { fields })
    }
}

/// Packs a struct field by field, in declaration order.
macro_rules! pack_fields {
    ($($ty:ident { $($field:ident),* $(,)? })+) => {
        $(impl Pack for $ty {
            fn pack(&self, w: &mut Writer<'_>) {
                $(self.$field.pack(w);)*
            }
            fn unpack(r: &mut Reader<'_>) -> Result<Self, PackError> {
                Ok($ty { $($field: Pack::unpack(r)?,)* })
            }
        })+
    };
}

pack_fields! {
    WorkflowType { name }
    ActivityType { name }
}
super::for_attribute_fields!(pack_fields);

/// How many leading bytes `a` and `b` share, compared a word at a time (an activity
/// input shares a hundred bytes or more with the workflow input).
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let mut n = 0;
    for (x, y) in a.chunks_exact(8).zip(b.chunks_exact(8)) {
        let diff = u64::from_le_bytes(x.try_into().expect("8 bytes")) ^ u64::from_le_bytes(y.try_into().expect("8 bytes"));
        if diff != 0 {
            return n + (diff.trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    n + a[n..].iter().zip(&b[n..]).take_while(|(x, y)| x == y).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_types_tag_is_its_place_in_the_list_the_decoder_reads() {
        for (i, ty) in EventType::ALL.iter().enumerate() {
            assert_eq!(usize::from(*ty as u8), i, "{}", ty.name());
        }
    }

    #[test]
    fn common_prefixes_are_counted_across_word_boundaries() {
        let a = b"{\"id\":\"Order123\",\"customer\":\"Cadence\"}\n\"Delft\"\n";
        for cut in 0..a.len() {
            let mut b = a.to_vec();
            b[cut] ^= 0x20;
            assert_eq!(common_prefix(a, &b), cut);
            assert_eq!(common_prefix(a, &a[..cut]), cut, "one is a prefix of the other");
        }
        assert_eq!(common_prefix(a, a), a.len());
    }

    /// The bytes `write` packs, with the dictionary it filled.
    fn written(write: impl FnOnce(&mut Writer<'_>)) -> (Vec<u8>, Dictionary) {
        let mut dict = Dictionary::default();
        let mut out = Vec::new();
        write(&mut Writer { out: &mut out, dict: &mut dict, reference: &mut None, sets_reference: true });
        (out, dict)
    }

    #[test]
    fn varints_and_durations_round_trip() {
        let values = [0i64, 1, -1, 63, -64, 1 << 40, i64::MIN, i64::MAX];
        let durations = [None, Some(Duration::ZERO), Some(Duration::from_secs(600)), Some(Duration::from_millis(1500))];
        let (out, dict) = written(|w| {
            for v in values {
                v.pack(w);
            }
            for d in durations {
                d.pack(w);
            }
        });
        let mut r = Reader { bytes: &out, at: 0, dict: &dict, reference: None };
        for v in values {
            assert_eq!(i64::unpack(&mut r).unwrap(), v);
        }
        for d in durations {
            assert_eq!(Option::<Duration>::unpack(&mut r).unwrap(), d);
        }
        assert!(i64::unpack(&mut r).is_err(), "reading past the end is an error, not a panic");
    }

    #[test]
    fn time_deltas_round_trip_and_whole_milliseconds_take_a_byte() {
        let deltas =
            [0, 1, -1, 2 * MILLI, -5 * MILLI, 1_000_000_007, 10_800_000_000_123, i64::MIN, i64::MAX, i64::MIN + 1, 1 << 62, -(1 << 62)];
        let (out, dict) = written(|w| {
            w.time_delta(2 * MILLI);
            assert_eq!(w.out.len(), 1, "a decision task's 2 ms");
            for d in deltas {
                w.time_delta(d);
            }
        });
        let mut r = Reader { bytes: &out, at: 0, dict: &dict, reference: None };
        assert_eq!(r.time_delta().unwrap(), 2 * MILLI);
        for d in deltas {
            assert_eq!(r.time_delta().unwrap(), d);
        }
        assert_eq!(r.at, out.len());
    }

    #[test]
    fn payloads_that_share_the_reference_come_back_whole_at_any_length() {
        // Past the dictionary's limit, so each is stored as its difference from the first.
        let reference = Payload::from_bytes(vec![b'o'; 700]);
        let payloads: Vec<Payload> = [70, 511, 512, 513, 1400]
            .into_iter()
            .map(|len| Payload::from_bytes((0..len).map(|i| if i < 650 { b'o' } else { b'x' }).collect::<Vec<u8>>()))
            .collect();
        let (out, dict) = written(|w| {
            reference.pack(w);
            for p in &payloads {
                p.pack(w);
            }
        });
        let mut r = Reader { bytes: &out, at: 0, dict: &dict, reference: Some(&reference) };
        assert_eq!(Payload::unpack(&mut r).unwrap(), reference);
        for p in &payloads {
            assert_eq!(Payload::unpack(&mut r).unwrap(), *p, "{} bytes", p.as_bytes().len());
        }
    }

    fn event(event_id: i64, attributes: EventAttributes) -> HistoryEvent {
        HistoryEvent {
            event_id,
            event_time: Timestamp(event_id * MILLI),
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

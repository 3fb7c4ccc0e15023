//! The bytes of a packed history: varints, zigzag numbers and time deltas, the
//! [`Writer`] and [`Reader`] over them, and [`Pack`], the packed form of every value
//! an event holds (strings and payloads through the engine's dictionary).

use std::collections::BTreeMap;
use std::time::Duration;

use super::{Dictionary, PackError};
use crate::history::*;
use crate::payload::{Failure, Payload};
use crate::text::Str;

pub(crate) struct Writer<'a> {
    pub(super) out: &'a mut Vec<u8>,
    pub(super) dict: &'a mut Dictionary,
    pub(super) reference: &'a mut Option<Payload>,
    /// Whether a payload written in full becomes the reference: only in the first
    /// event (the workflow input), so that a reader meets the reference whatever it
    /// jumps over.
    pub(super) sets_reference: bool,
}

#[derive(Clone)]
pub(crate) struct Reader<'a> {
    pub(super) bytes: &'a [u8],
    pub(super) at: usize,
    pub(super) dict: &'a Dictionary,
    /// The history's reference payload, as its writer kept it: a reader that starts
    /// in the middle or jumps over fields needs it as much as one that reads all.
    pub(super) reference: Option<&'a Payload>,
}

impl Writer<'_> {
    pub(super) fn u64(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.out.push(v as u8 | 0x80);
            v >>= 7;
        }
        self.out.push(v as u8);
    }

    pub(super) fn i64(&mut self, v: i64) {
        self.u64(zigzag(v));
    }

    pub(super) fn bytes(&mut self, b: &[u8]) {
        self.u64(b.len() as u64);
        self.out.extend_from_slice(b);
    }

    /// A time delta in nanoseconds. Most of a simulated history's are whole
    /// milliseconds (task times): those go in milliseconds, a byte instead of four.
    /// The low bit says which; 0 (no delta is written so) escapes to a full i64 for
    /// a delta too large to shift.
    pub(super) fn time_delta(&mut self, nanos: i64) {
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
    pub(super) fn error(&self, what: &'static str) -> PackError {
        PackError { at: self.at, what }
    }

    pub(super) fn u8(&mut self) -> Result<u8, PackError> {
        let b = *self.bytes.get(self.at).ok_or(self.error("unexpected end"))?;
        self.at += 1;
        Ok(b)
    }

    /// Always inlined, the longer form never: a replayed event reads four or five
    /// varints, and as a call each cost more than reading it (1.3 % of a fleet run).
    #[inline(always)]
    pub(super) fn u64(&mut self) -> Result<u64, PackError> {
        // Most values (lengths, tags, time deltas in milliseconds) fit one byte.
        if let Some(&b) = self.bytes.get(self.at).filter(|b| **b < 0x80) {
            self.at += 1;
            return Ok(u64::from(b));
        }
        self.u64_long()
    }

    #[inline(never)]
    pub(super) fn u64_long(&mut self) -> Result<u64, PackError> {
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

    pub(super) fn i64(&mut self) -> Result<i64, PackError> {
        self.u64().map(unzigzag)
    }

    pub(super) fn time_delta(&mut self) -> Result<i64, PackError> {
        Ok(match self.u64()? {
            0 => self.i64()?,
            v if v & 1 == 1 => unzigzag(v >> 1).wrapping_mul(MILLI),
            v => unzigzag(v >> 1),
        })
    }

    /// Where the next `n` bytes end.
    pub(super) fn end_of(&self, n: usize) -> Result<usize, PackError> {
        self.at.checked_add(n).filter(|e| *e <= self.bytes.len()).ok_or(self.error("length past the end"))
    }

    /// The next `n` bytes.
    pub(super) fn take(&mut self, n: usize) -> Result<&'a [u8], PackError> {
        let end = self.end_of(n)?;
        let b = &self.bytes[self.at..end];
        self.at = end;
        Ok(b)
    }

    /// A length written as a varint.
    pub(super) fn length(&mut self) -> Result<usize, PackError> {
        usize::try_from(self.u64()?).map_err(|_| self.error("length out of range"))
    }

    /// Reads an event's attribute length: where its attributes end.
    pub(super) fn attributes_end(&mut self) -> Result<usize, PackError> {
        let n = self.length()?;
        self.end_of(n)
    }

    /// Moves on to `end`, past fields nobody reads.
    pub(super) fn jump_to(&mut self, end: usize) -> Result<(), PackError> {
        if self.at > end {
            return Err(self.error("attributes longer than their length"));
        }
        self.at = end;
        Ok(())
    }

    /// A length, then that many bytes.
    pub(super) fn bytes(&mut self) -> Result<&'a [u8], PackError> {
        let n = self.length()?;
        self.take(n)
    }

    /// The dictionary entry a string's `tag` names, if it names one (even tags from 2).
    pub(super) fn string_entry(&self, tag: u64) -> Option<Result<&'a Str, PackError>> {
        let dict: &'a Dictionary = self.dict;
        (tag >= 2 && tag.is_multiple_of(2)).then(|| dict.strings.get((tag - 2) / 2).ok_or(self.error("unknown string")))
    }

    /// A string as replay reads it. Nearly every name and ID a replay meets is a
    /// dictionary entry: that is borrowed where it is instead of copied. Anything else is
    /// decoded into `slot`.
    pub(super) fn str_in<'s>(&mut self, slot: &'s mut Str) -> Result<&'s Str, PackError>
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
    pub(super) fn payload_in<'s>(&mut self, slot: &'s mut Option<Payload>) -> Result<Option<&'s Payload>, PackError>
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
    pub(super) fn payload_entry(&self, tag: u64) -> Option<Result<&'a Payload, PackError>> {
        let dict: &'a Dictionary = self.dict;
        (tag % 2 == 1).then(|| dict.payloads.get(tag / 2).ok_or(self.error("unknown payload")))
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
}

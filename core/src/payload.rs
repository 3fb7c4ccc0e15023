//! Payloads and failures, encoded the way the Cadence Go client encodes them.
//!
//! A payload is a byte string; the Go client's JSON data converter writes each argument
//! or result as `json.Encoder.Encode` would: JSON followed by `"\n"`, pieces
//! concatenated. Go's encoder differs from serde_json in two visible ways (whole floats
//! print without `.0`; `<`, `>`, `&`, U+2028 and U+2029 are escaped), so payloads that a
//! Go worker would write go through [`GoJsonFormatter`] to stay byte-identical.

use std::fmt;
use std::io;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};

#[cfg(not(target_arch = "wasm32"))]
mod plain;
mod swar;

/// Opaque payload bytes (`Payload{data}` in the proto API). Cheap to clone.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Payload(Arc<[u8]>);

impl Payload {
    pub fn from_bytes(bytes: impl Into<Arc<[u8]>>) -> Payload {
        Payload(bytes.into())
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The payload as text, for people: lossy where the bytes are not UTF-8.
    pub fn to_text(&self) -> String {
        String::from_utf8_lossy(&self.0).into_owned()
    }

    /// Encodes one value as the Go client would: JSON and a newline.
    pub fn encode<T: Serialize + ?Sized>(value: &T) -> Payload {
        let mut out = Vec::with_capacity(64);
        write_go_json(&mut out, value);
        Payload(out.into())
    }

    /// Decodes the first JSON value of the payload (the Go decoder reads values one by one).
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, DecodeError> {
        self.decode_args::<(T,)>().map(|(t,)| t)
    }

    /// Decodes the payload into what the code asked for, as the Go client's
    /// `decodeAndAssignValue` does: code that ignores the value (Go's `nil` pointer,
    /// [`IgnoredAny`](serde::de::IgnoredAny) here) never reads the payload, so any bytes
    /// do, even none; any other type decodes the first JSON value, and no bytes at all
    /// are an error (Go's EOF).
    pub fn decode_or_ignore<T: DeserializeOwned>(&self) -> Result<T, DecodeError> {
        match T::deserialize(Unread) {
            Ok(ignored) => Ok(ignored),
            Err(NeedsValue) => self.decode(),
        }
    }

    /// Decodes a multi-argument payload (one JSON value per argument).
    pub fn decode_args<A: DecodeArgs>(&self) -> Result<A, DecodeError> {
        // Nearly every payload is plain JSON that the quick reader takes; what it gives
        // up on, serde_json reads from the start.
        if let Some(args) = quick(&self.0) {
            return Ok(args);
        }
        // One UTF-8 check for the whole payload: read from bytes, serde_json checks
        // every string value again.
        let lossy;
        let text = match std::str::from_utf8(&self.0) {
            Ok(text) => text,
            Err(_) => {
                lossy = go_lossy_utf8(&self.0);
                &lossy
            }
        };
        let decode = |text: &str| A::decode_with(&mut serde_json::Deserializer::from_str(text)).map_err(decode_error);
        decode(text).or_else(|e| match without_lone_surrogates(text) {
            Some(fixed) => decode(&fixed),
            None => Err(e),
        })
    }
}

/// The arguments as [`plain`] reads them, if it takes the payload. Not in the browser:
/// the quick reader doubles the code of every type's decoder, which the playground's
/// download budget has no room for (docs/web.md), and the browser runs small fleets.
/// Both readers give the same values, so histories stay byte-identical in wasm.
#[cfg(not(target_arch = "wasm32"))]
fn quick<A: DecodeArgs>(bytes: &[u8]) -> Option<A> {
    A::decode_with(&mut plain::Plain::new(bytes)).ok()
}

#[cfg(target_arch = "wasm32")]
fn quick<A: DecodeArgs>(_: &[u8]) -> Option<A> {
    None
}

/// The text with each `\u` escape of a lone UTF-16 surrogate written as `\ufffd`, as
/// Go's decoder reads it (serde_json refuses it); `None` if there is none. Only asked
/// after a decode failed, so the common path never scans for it.
#[cold]
fn without_lone_surrogates(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let hex4 = |at: usize| b.get(at..at + 4).and_then(|h| u16::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
    let escape_at = |at: usize| (b.get(at) == Some(&b'\\') && b.get(at + 1) == Some(&b'u')).then(|| hex4(at + 2)).flatten();
    let (mut out, mut copied, mut i) = (String::new(), 0, 0);
    while i < b.len() {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        match escape_at(i) {
            // A pair: both kept.
            Some(0xD800..=0xDBFF) if matches!(escape_at(i + 6), Some(0xDC00..=0xDFFF)) => i += 12,
            Some(0xD800..=0xDFFF) => {
                out.push_str(&text[copied..i]);
                out.push_str("\\ufffd");
                i += 6;
                copied = i;
            }
            // Any other escape (`\\` included) is two characters or more: skip its first two.
            _ => i += 2,
        }
    }
    (copied > 0).then(|| out + &text[copied..])
}

/// The bytes as Go's JSON decoder reads them: every byte that is not part of valid
/// UTF-8 becomes U+FFFD, one per byte (inside a string; anywhere else it is a syntax
/// error either way). A payload sent through the API can carry any bytes.
#[cold]
fn go_lossy_utf8(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        out.extend(chunk.invalid().iter().map(|_| char::REPLACEMENT_CHARACTER));
    }
    out
}

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Payload({:?})", self.to_text())
    }
}

impl From<&str> for Payload {
    fn from(s: &str) -> Payload {
        Payload(s.as_bytes().into())
    }
}

/// A deserializer with no value in it: only a type that ignores its value comes out.
struct Unread;

/// What [`Unread`] says to every type but one that ignores its value. A unit, so that
/// asking costs nothing.
#[derive(Debug)]
struct NeedsValue;

impl fmt::Display for NeedsValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the value is read from the payload")
    }
}

impl std::error::Error for NeedsValue {}

impl serde::de::Error for NeedsValue {
    fn custom<M: fmt::Display>(_: M) -> NeedsValue {
        NeedsValue
    }
}

impl<'de> serde::Deserializer<'de> for Unread {
    type Error = NeedsValue;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, NeedsValue> {
        Err(NeedsValue)
    }

    fn deserialize_ignored_any<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, NeedsValue> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
    }
}

/// A payload that could not be decoded into the type the code asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DecodeError(pub String);

/// Argument lists that encode to one payload, one JSON value per argument.
// A participant's first slip is an activity's argument passed bare; rustc would
// otherwise point into this file with the trait's name.
#[diagnostic::on_unimplemented(
    message = "the arguments of an activity or a workflow are a tuple, not one value",
    label = "write the arguments as a tuple: `(&order,)` for one, `(&a, &b)` for two",
    note = "as in Go's ExecuteActivity(ctx, name, args...), each element of the tuple is one argument"
)]
pub trait EncodeArgs {
    fn encode_args(&self) -> Payload;
}

/// Argument lists decoded from one payload, value after value, as Go's streaming
/// decoder reads them.
pub trait DecodeArgs: Sized {
    /// Reads one value per argument from `de`, which stands before the first.
    fn decode_with<'de, D, E>(de: &mut D) -> Result<Self, E>
    where
        for<'a> &'a mut D: Deserializer<'de, Error = E>;
}

fn decode_error(e: serde_json::Error) -> DecodeError {
    match e.classify() {
        // The input ended: a value was cut short, or an argument is missing.
        serde_json::error::Category::Eof => DecodeError(format!("malformed JSON or a missing argument: {e}")),
        serde_json::error::Category::Syntax => DecodeError(format!("malformed JSON: {e}")),
        _ => DecodeError(e.to_string()),
    }
}

macro_rules! tuple_args {
    ($($name:ident),+) => {
        impl<$($name: Serialize),+> EncodeArgs for ($($name,)+) {
            #[allow(non_snake_case)]
            fn encode_args(&self) -> Payload {
                let ($($name,)+) = self;
                let mut out = Vec::with_capacity(128);
                $(write_go_json(&mut out, $name);)+
                Payload(out.into())
            }
        }
        impl<$($name: DeserializeOwned),+> DecodeArgs for ($($name,)+) {
            fn decode_with<'de, D, E>(de: &mut D) -> Result<Self, E>
            where
                for<'a> &'a mut D: Deserializer<'de, Error = E>,
            {
                Ok(($($name::deserialize(&mut *de)?,)+))
            }
        }
    };
}
tuple_args!(A);
tuple_args!(A, B);
tuple_args!(A, B, C);

fn write_go_json<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    let mut ser = serde_json::Serializer::with_formatter(&mut *out, GoJsonFormatter);
    // Serializing plain data into a Vec cannot fail: no I/O, and our types have string keys.
    value.serialize(&mut ser).expect("payload values serialize to JSON");
    out.push(b'\n');
}

/// A serde_json formatter that writes what Go's `encoding/json` writes.
pub struct GoJsonFormatter;

impl serde_json::ser::Formatter for GoJsonFormatter {
    fn write_f64<W: ?Sized + io::Write>(&mut self, w: &mut W, value: f64) -> io::Result<()> {
        // (Not -0: Go writes its sign, an integer has none.)
        if value.is_finite() && value.fract() == 0.0 && value.abs() < 1e15 && !(value == 0.0 && value.is_sign_negative()) {
            // The common case (an amount of 20): an integer, written as serde_json
            // writes one (through `fmt` it was a tenth of encoding an order).
            return self.write_i64(w, value as i64);
        }
        w.write_all(go_float(value).as_bytes())
    }

    fn write_f32<W: ?Sized + io::Write>(&mut self, w: &mut W, value: f32) -> io::Result<()> {
        w.write_all(go_float(f64::from(value)).as_bytes())
    }

    fn write_string_fragment<W: ?Sized + io::Write>(&mut self, w: &mut W, fragment: &str) -> io::Result<()> {
        // Most text has none of the characters Go escapes (U+2028/9 start with 0xE2).
        let go_escaped = |w| swar::equal(w, b'<') | swar::equal(w, b'>') | swar::equal(w, b'&') | swar::equal(w, 0xE2);
        if swar::position(fragment.as_bytes(), go_escaped).is_none() {
            return w.write_all(fragment.as_bytes());
        }
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            let esc = match c {
                '<' => "\\u003c",
                '>' => "\\u003e",
                '&' => "\\u0026",
                '\u{2028}' => "\\u2028",
                '\u{2029}' => "\\u2029",
                _ => continue,
            };
            w.write_all(&fragment.as_bytes()[start..i])?;
            w.write_all(esc.as_bytes())?;
            start = i + c.len_utf8();
        }
        w.write_all(&fragment.as_bytes()[start..])
    }
}

/// Go's float64 JSON form: shortest round-trip digits, exponent form outside [1e-6, 1e21).
fn go_float(v: f64) -> String {
    if !v.is_finite() {
        // Go refuses to encode these; JSON has no spelling for them.
        return "null".into();
    }
    let abs = v.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let s = format!("{v:e}");
        // Rust writes 1e21 and 1e-7; Go writes 1e+21 and 1e-07 cleaned to 1e-7.
        match s.split_once('e') {
            Some((m, e)) if !e.starts_with('-') => format!("{m}e+{e}"),
            _ => s,
        }
    } else {
        format!("{v}")
    }
}

/// `Failure{reason, details}`: an activity or workflow error as Cadence stores it.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Failure {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub reason: String,
    #[serde(skip_serializing_if = "Vec::is_empty", with = "crate::history::json::base64_bytes")]
    pub details: Vec<u8>,
}

/// The reason the Go client gives every plain `error` returned by an activity or workflow.
pub const GENERIC_REASON: &str = "cadenceInternal:Generic";

impl Failure {
    /// A plain Go `error`: reason `cadenceInternal:Generic`, details the message bytes (not JSON).
    pub fn generic(message: impl Into<String>) -> Failure {
        Failure { reason: GENERIC_REASON.into(), details: message.into().into_bytes() }
    }

    pub fn details_text(&self) -> String {
        String::from_utf8_lossy(&self.details).into_owned()
    }

    pub fn is_empty(&self) -> bool {
        self.reason.is_empty() && self.details.is_empty()
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.reason, self.details_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Order<'a> {
        id: &'a str,
        amount: f64,
    }

    /// Go's side of these cases: `cadence-dev/workshop/go_json_test.go`.
    #[test]
    fn bytes_that_are_not_utf8_read_as_gos_decoder_reads_them() {
        let location = |bytes: &[u8]| Payload::from_bytes(bytes).decode::<crate::postal::ScanSignal>().map(|s| s.location);
        assert_eq!(location(b"{\"location\":\"Delft\xff\"}").unwrap(), "Delft\u{FFFD}");
        assert_eq!(location(b"{\"location\":\"\xe2\x82A\"}").unwrap(), "\u{FFFD}\u{FFFD}A", "one per byte");
        assert_eq!(location(b"{\"location\":\"\xed\xa0\x80\"}").unwrap(), "\u{FFFD}\u{FFFD}\u{FFFD}", "an encoded surrogate");
        assert_eq!(location(b"{\"loc\xffation\":\"Delft\"}").unwrap(), "", "a key that is not a field's");
        assert!(location(b"{\"location\":\xff}").is_err(), "outside a string it is not JSON");
    }

    #[test]
    fn encodes_like_go_json_encoder() {
        assert_eq!(Payload::encode("Payment successful").as_bytes(), b"\"Payment successful\"\n");
        assert_eq!(Payload::encode(&2).as_bytes(), b"2\n");
        assert_eq!(
            Payload::encode(&Order { id: "A&B<c>", amount: 20.0 }).as_bytes(),
            b"{\"id\":\"A\\u0026B\\u003cc\\u003e\",\"amount\":20}\n"
        );
        assert_eq!(("x", 1.5).encode_args().as_bytes(), b"\"x\"\n1.5\n");
        assert_eq!(Payload::encode(&-0.0).as_bytes(), b"-0\n", "Go keeps the sign of a negative zero");
        assert_eq!(Payload::encode(&-20.0).as_bytes(), b"-20\n");
    }

    #[test]
    fn floats_follow_go_formatting() {
        assert_eq!(go_float(20.0), "20");
        assert_eq!(go_float(0.1), "0.1");
        assert_eq!(go_float(1e21), "1e+21");
        assert_eq!(go_float(1e-7), "1e-7");
        assert_eq!(go_float(123456789.0), "123456789");
    }

    #[test]
    fn decodes_multi_value_payloads() {
        let p = Payload::from("{\"a\":1}\n\"Delft\"\n");
        let (v, loc): (serde_json::Value, String) = p.decode_args().unwrap();
        assert_eq!(v["a"], 1);
        assert_eq!(loc, "Delft");
        assert!(Payload::from("1\n").decode_args::<(i32, String)>().is_err());
        assert!(Payload::from("{").decode::<i32>().is_err());
    }
}

//! A quick reader for the JSON that payloads nearly always hold: objects, arrays,
//! strings without escapes, whole numbers, `true`, `false` and `null`. An activity
//! attempt decodes its whole input and a replay every signal and result again; on
//! such values serde_json's reader, made for every JSON text, is the slower by an
//! eighth of an order's decoding (3,465 instructions against 3,046; the rest is
//! serde's visitors and the strings' allocations, the same for both).
//!
//! It reads through serde, so every type decodes with it, and it decides nothing of
//! its own: on anything outside that subset (an escape, a fraction, an exponent, `-0`)
//! and on any error at all it gives up, and [`Payload::decode_args`] decodes the
//! payload again with serde_json from the start. What it does read, it hands to the
//! visitor exactly as serde_json would (the same calls with the same values), which
//! `reads_what_serde_json_reads` (below) holds it to.
//!
//! [`Payload::decode_args`]: super::Payload::decode_args

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::swar;

/// A payload's bytes, read value after value. They need not be UTF-8: what stands
/// outside strings is read as ASCII, and a string is checked only when it holds more
/// than ASCII, so the payload is never checked as a whole (for the short payloads a
/// replay decodes, that check cost as much as reading them).
pub(super) struct Plain<'de> {
    bytes: &'de [u8],
    at: usize,
    depth: u8,
}

/// The value is outside what [`Plain`] reads, or not valid where it stands.
#[derive(Debug)]
pub(super) struct GiveUp;

impl fmt::Display for GiveUp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("left to serde_json")
    }
}

impl std::error::Error for GiveUp {}

impl de::Error for GiveUp {
    fn custom<M: fmt::Display>(_: M) -> GiveUp {
        GiveUp
    }
}

/// `hints! { number_for: deserialize_i8 ... }` reads those hints as whole numbers;
/// `give_up:` gives them up.
macro_rules! hints {
    ($how:ident: $($method:ident)+) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
            hints!(@$how self visitor)
        })+
    };
    (@number_for $p:ident $visitor:ident) => {
        $p.number_for($visitor)
    };
    (@give_up $p:ident $visitor:ident) => {{
        let _ = ($p, $visitor);
        Err(GiveUp)
    }};
}

/// Below serde_json's own nesting limit (128): deeper values are its to refuse.
const MAX_DEPTH: u8 = 127;

/// The name serde_json gives its `RawValue`, which only serde_json can fill.
const RAW_VALUE: &str = "$serde_json::private::RawValue";

enum Number {
    Unsigned(u64),
    Negative(i64),
}

impl<'de> Plain<'de> {
    pub(super) fn new(bytes: &'de [u8]) -> Plain<'de> {
        Plain { bytes, at: 0, depth: 0 }
    }

    fn bytes(&self) -> &'de [u8] {
        self.bytes
    }

    /// The next byte that is not JSON white space.
    fn peek(&mut self) -> Option<u8> {
        while let Some(&b) = self.bytes().get(self.at) {
            if !matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                return Some(b);
            }
            self.at += 1;
        }
        None
    }

    fn expect(&mut self, byte: u8) -> Result<(), GiveUp> {
        if self.peek() != Some(byte) {
            return Err(GiveUp);
        }
        self.at += 1;
        Ok(())
    }

    /// `word` (true, false, null), after white space.
    fn literal(&mut self, word: &[u8]) -> Result<(), GiveUp> {
        self.peek();
        if !self.bytes()[self.at..].starts_with(word) {
            return Err(GiveUp);
        }
        self.at += word.len();
        Ok(())
    }

    /// A string without escapes or control characters, after white space.
    fn string(&mut self) -> Result<&'de str, GiveUp> {
        self.expect(b'"')?;
        let rest = &self.bytes()[self.at..];
        let mut len = ascii_end(rest).ok_or(GiveUp)?;
        let ascii = rest[len] < 0x80;
        if !ascii {
            len += string_end(&rest[len..]).ok_or(GiveUp)?;
        }
        if rest[len] != b'"' {
            return Err(GiveUp);
        }
        self.at += len + 1;
        let text = &rest[..len];
        if ascii {
            // SAFETY: `ascii_end` stopped at the closing quote, before any byte of 0x80
            // or more: the bytes are ASCII, which is UTF-8.
            Ok(unsafe { std::str::from_utf8_unchecked(text) })
        } else {
            std::str::from_utf8(text).map_err(|_| GiveUp)
        }
    }

    /// A whole number as serde_json keeps one: non-negative as u64, negative as i64
    /// (`-0` it makes a float: given up).
    fn number(&mut self) -> Result<Number, GiveUp> {
        let negative = self.peek() == Some(b'-');
        let start = self.at + usize::from(negative);
        let (mut end, mut value) = (start, 0u64);
        while let Some(digit) = self.bytes().get(end).map(|b| b.wrapping_sub(b'0')).filter(|d| *d <= 9) {
            // Wraps only past 19 digits, which are given up below.
            value = value.wrapping_mul(10).wrapping_add(u64::from(digit));
            end += 1;
        }
        let digits = end - start;
        // 18 digits cannot overflow either type; a leading zero is only "0".
        let plain = (1..=18).contains(&digits)
            && !matches!(self.bytes().get(end), Some(b'.' | b'e' | b'E'))
            && (self.bytes()[start] != b'0' || (digits == 1 && !negative));
        if !plain {
            return Err(GiveUp);
        }
        self.at = end;
        // (u64 of at most 18 digits is below i64::MAX.)
        Ok(if negative { Number::Negative(-(value as i64)) } else { Number::Unsigned(value) })
    }

    /// An object's entries or an array's elements, between `open` and `close`, to
    /// `visit` (the visitor's `visit_map` or `visit_seq`).
    fn items<T>(&mut self, open: u8, close: u8, visit: impl FnOnce(&mut Items<'_, 'de>) -> Result<T, GiveUp>) -> Result<T, GiveUp> {
        self.expect(open)?;
        if self.depth == MAX_DEPTH {
            return Err(GiveUp);
        }
        self.depth += 1;
        let mut items = Items { p: self, close, first: true, done: false };
        let value = visit(&mut items);
        // serde_json refuses a visitor that stops before the end; so does this.
        let done = items.done;
        self.depth -= 1;
        value.and_then(|v| if done { Ok(v) } else { Err(GiveUp) })
    }

    fn object<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, GiveUp> {
        self.items(b'{', b'}', |entries| visitor.visit_map(entries))
    }

    fn array<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, GiveUp> {
        self.items(b'[', b']', |elements| visitor.visit_seq(elements))
    }

    fn number_for<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, GiveUp> {
        match self.number()? {
            Number::Unsigned(n) => visitor.visit_u64(n),
            Number::Negative(n) => visitor.visit_i64(n),
        }
    }

    fn bool_for<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, GiveUp> {
        match self.peek() {
            Some(b't') => self.literal(b"true").and_then(|()| visitor.visit_bool(true)),
            Some(b'f') => self.literal(b"false").and_then(|()| visitor.visit_bool(false)),
            _ => Err(GiveUp),
        }
    }
}

/// The bytes of a word that end a string's text: `"`, `\` or a control character.
fn stops_text(w: u64) -> u64 {
    swar::equal(w, b'"') | swar::equal(w, b'\\') | swar::below(w, 0x20)
}

/// Where a string's text stops: the first byte [`stops_text`] flags.
fn string_end(bytes: &[u8]) -> Option<usize> {
    swar::position(bytes, stops_text)
}

/// Where a string's ASCII text stops: where [`string_end`] does, or at a byte of 0x80
/// or more, the first of a longer character.
fn ascii_end(bytes: &[u8]) -> Option<usize> {
    swar::position(bytes, |w| stops_text(w) | swar::non_ascii(w))
}

impl<'de> Deserializer<'de> for &mut Plain<'de> {
    type Error = GiveUp;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        match self.peek().ok_or(GiveUp)? {
            b'"' => visitor.visit_borrowed_str(self.string()?),
            b'{' => self.object(visitor),
            b'[' => self.array(visitor),
            b't' | b'f' => self.bool_for(visitor),
            b'n' => self.literal(b"null").and_then(|()| visitor.visit_unit()),
            b'-' | b'0'..=b'9' => self.number_for(visitor),
            _ => Err(GiveUp),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        if self.peek() == Some(b'n') {
            self.literal(b"null")?;
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    // Each hint takes only the kind of value serde_json takes for it; for any other
    // serde_json calls no visitor, it fails.
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        visitor.visit_borrowed_str(self.string()?)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        self.deserialize_str(visitor)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        self.bool_for(visitor)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        self.literal(b"null")?;
        visitor.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, GiveUp> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, GiveUp> {
        if name == RAW_VALUE {
            return Err(GiveUp);
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        self.array(visitor)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, GiveUp> {
        self.array(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(self, _: &'static str, _: usize, visitor: V) -> Result<V::Value, GiveUp> {
        self.array(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        self.object(visitor)
    }

    // (serde_json also takes an array for a struct; that is left to it.)
    fn deserialize_struct<V: Visitor<'de>>(self, _: &'static str, _: &'static [&'static str], visitor: V) -> Result<V::Value, GiveUp> {
        self.object(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        self.deserialize_any(de::IgnoredAny)?;
        visitor.visit_unit()
    }

    // Whole numbers serde_json hands over as u64 or i64 whatever the hint, except the
    // 128-bit ones.
    hints! { number_for: deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_f32 deserialize_f64 }
    hints! { give_up: deserialize_i128 deserialize_u128 deserialize_bytes deserialize_byte_buf }

    fn deserialize_enum<V: Visitor<'de>>(self, _: &'static str, _: &'static [&'static str], _: V) -> Result<V::Value, GiveUp> {
        Err(GiveUp)
    }
}

/// An object's entries or an array's elements, the reader standing after the opening
/// bracket or after an item.
struct Items<'a, 'de> {
    p: &'a mut Plain<'de>,
    close: u8,
    first: bool,
    done: bool,
}

impl Items<'_, '_> {
    /// Steps over the separator before the next item: false at the closing bracket.
    /// (What stands after a comma is for the item's reader to take or give up on,
    /// a closing bracket among it.)
    fn next(&mut self) -> Result<bool, GiveUp> {
        match self.p.peek() {
            Some(b) if b == self.close && !self.done => {
                self.p.at += 1;
                self.done = true;
                return Ok(false);
            }
            Some(b',') if !self.first => self.p.at += 1,
            Some(_) if self.first => {}
            _ => return Err(GiveUp),
        }
        self.first = false;
        Ok(true)
    }
}

impl<'de> MapAccess<'de> for Items<'_, 'de> {
    type Error = GiveUp;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, GiveUp> {
        if !self.next()? {
            return Ok(None);
        }
        // serde_json reads a key as a string whatever the hint, and parses numbers in
        // it for numeric hints; only the string hints are taken here.
        seed.deserialize(Key(self.p)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, GiveUp> {
        self.p.expect(b':')?;
        seed.deserialize(&mut *self.p)
    }
}

impl<'de> SeqAccess<'de> for Items<'_, 'de> {
    type Error = GiveUp;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, GiveUp> {
        if !self.next()? {
            return Ok(None);
        }
        seed.deserialize(&mut *self.p).map(Some)
    }
}

/// An object's key.
struct Key<'a, 'de>(&'a mut Plain<'de>);

impl<'de> Deserializer<'de> for Key<'_, 'de> {
    type Error = GiveUp;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        visitor.visit_borrowed_str(self.0.string()?)
    }

    // serde_json reads booleans and numbers inside a key's quotes, and takes any key as
    // `Some`: left to it.
    hints! {
        give_up: deserialize_bool deserialize_option deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
        deserialize_f32 deserialize_f64 deserialize_bytes deserialize_byte_buf
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, _: V) -> Result<V::Value, GiveUp> {
        Err(GiveUp)
    }

    fn deserialize_enum<V: Visitor<'de>>(self, _: &'static str, _: &'static [&'static str], _: V) -> Result<V::Value, GiveUp> {
        Err(GiveUp)
    }

    serde::forward_to_deserialize_any! {
        char str string unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;
    use proptest::strategy::ValueTree;
    use serde::Deserialize;
    use serde::de::{DeserializeOwned, IgnoredAny};

    use super::*;
    use crate::payload::{DecodeArgs, Payload, decode_error};
    use crate::postal::{Order, ScanSignal};

    /// What the quick reader makes of `text`, if it takes it, and what serde_json makes.
    fn both<A: DecodeArgs>(text: &str) -> (Option<A>, Result<A, String>) {
        let quick = A::decode_with(&mut Plain::new(text.as_bytes())).ok();
        let slow = A::decode_with(&mut serde_json::Deserializer::from_str(text)).map_err(|e| decode_error(e).0);
        (quick, slow)
    }

    /// Whether the quick reader took `text`; what it took, it read as serde_json does.
    fn agrees<A: DecodeArgs + PartialEq + fmt::Debug>(text: &str) -> bool {
        match both::<A>(text) {
            (Some(quick), slow) => {
                assert_eq!(Ok(&quick), slow.as_ref(), "{text:?}");
                true
            }
            (None, _) => false,
        }
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(default)]
    struct Mixed {
        name: Option<String>,
        count: i64,
        ratio: f64,
        flags: Vec<bool>,
        nested: Option<Box<Mixed>>,
        unit: (),
        letter: Option<char>,
        small: u8,
    }

    impl Default for Mixed {
        fn default() -> Mixed {
            Mixed { name: None, count: -1, ratio: 0.5, flags: Vec::new(), nested: None, unit: (), letter: None, small: 0 }
        }
    }

    #[derive(Debug, PartialEq, Deserialize)]
    enum Kind {
        Scan,
        Delivered,
    }

    #[test]
    fn takes_the_payloads_a_package_carries() {
        let order = Payload::encode(&Order::workshop());
        let text = std::str::from_utf8(order.as_bytes()).unwrap();
        assert!(agrees::<(Order,)>(text), "the workshop's order");
        let args = format!("{text}\"Delft\"\n");
        assert!(agrees::<(Order, String)>(&args), "an activity's two arguments");
        assert!(agrees::<(ScanSignal,)>("{\"location\":\"Delft\"}\n"));
        assert!(agrees::<(ScanSignal,)>("{\"location\":\"Zürich, \u{1F4E6} 東京 Aarhus\"}"), "more than ASCII");
        assert!(agrees::<(i64,)>("2\n"), "a delivery estimate");
        assert!(agrees::<(IgnoredAny,)>("{\"location\":\"Delft\",\"at\":[1,2,{}]}"));
        assert!(agrees::<(Mixed,)>(
            r#" { "name" : "x" , "count": -12, "ratio": 3, "flags": [true,false], "nested": {"unit": null}, "letter": "ü" } "#
        ));
        assert!(agrees::<(BTreeMap<String, Vec<u32>>,)>(r#"{"a":[1,2],"b":[]}"#));
        assert!(agrees::<(serde_json::Value,)>(r#"{"a":[1,-2,true,null,"s"],"b":{}}"#));
    }

    #[test]
    fn leaves_the_rest_to_serde_json() {
        for text in [
            r#"{"location":"Del\"ft"}"#,          // an escape
            "{\"location\":\"Del\u{1}ft\"}",      // a control character
            r#"{"amount":20.5}"#,                 // a fraction
            r#"{"amount":2e1}"#,                  // an exponent
            r#"{"amount":-0}"#,                   // serde_json's float
            r#"{"amount":012}"#,                  // a leading zero
            r#"{"amount":12345678901234567890}"#, // too long
            r#"{"location":"Delft",}"#,           // a trailing comma
            r#"{"location":"Delft""#,             // cut short
        ] {
            assert!(!agrees::<(Order,)>(text) && !agrees::<(ScanSignal,)>(text), "{text}");
        }
        assert!(!agrees::<(Kind,)>("\"Scan\""), "enums are serde_json's");
        // Bytes that are not UTF-8 are left to the lossy reading of `decode_args`.
        for bytes in [&b"{\"location\":\"Z\xffrich\"}"[..], b"{\"location\":\"Z\xc3\"}", b"{\"location\":\xff}"] {
            assert!(<(ScanSignal,)>::decode_with(&mut Plain::new(bytes)).is_err(), "{bytes:?}");
        }
        assert!(!agrees::<(i128,)>("5"));
        // A key that matches a field only as Go folds case goes through go_json's own
        // rule, the same behind both readers.
        assert!(agrees::<(ScanSignal,)>(r#"{"LOCATION":"Delft"}"#));
    }

    /// JSON-ish text: valid values of every kind, some outside the quick subset, some
    /// cut or spoiled.
    fn text() -> impl Strategy<Value = String> {
        let key = prop_oneof![
            "location",
            "LOCATION",
            "id",
            "amount",
            "customer",
            "name",
            "count",
            "ratio",
            "flags",
            "nested",
            "unit",
            "letter",
            "small",
            "x",
            "a\\\"b",
            "ſendFrom",
        ];
        let string =
            prop_oneof!["[a-zA-Zü ]{0,12}", "[a-z\\\\\"\u{1}\u{2028}]{0,4}", Just("\\u00e9".to_owned()), Just("\\ud800".to_owned())];
        let number = prop_oneof![
            any::<i64>().prop_map(|n| n.to_string()),
            any::<u64>().prop_map(|n| n.to_string()),
            any::<u64>().prop_map(|n| format!("-{n}")),
            (0u8..3).prop_map(|n| n.to_string()),
            Just("-0".to_owned()),
            Just("01".to_owned()),
            any::<f64>().prop_map(|f| f.to_string()),
            Just("2e3".to_owned()),
            Just("-".to_owned()),
        ];
        let leaf = prop_oneof![
            string.prop_map(|s| format!("\"{s}\"")),
            number,
            Just("true".to_owned()),
            Just("false".to_owned()),
            Just("null".to_owned()),
            Just("nul".to_owned()),
        ];
        let value = leaf.prop_recursive(3, 24, 4, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(","))),
                prop::collection::vec((key.clone(), inner, " ?"), 0..5).prop_map(|entries| {
                    let body: Vec<String> = entries.into_iter().map(|(k, v, ws)| format!("{ws}\"{k}\"{ws}:{ws}{v}")).collect();
                    format!("{{{}}}", body.join(","))
                }),
            ]
        });
        (prop::collection::vec(value, 1..3), any::<prop::sample::Index>(), 0u8..4, "[ \t\n,\\]}{:x]").prop_map(
            |(values, at, spoil, junk)| {
                let mut text = values.join("\n");
                let cut = at.index(text.len() + 1);
                match spoil {
                    0 if text.is_char_boundary(cut) => text.truncate(cut),
                    1 if text.is_char_boundary(cut) => text.insert_str(cut, &junk),
                    _ => {}
                }
                text
            },
        )
    }

    /// What the quick reader takes from `bytes` is what serde_json reads from them as
    /// `decode_args` hands them over: read as Go reads them where they are not UTF-8.
    fn agrees_on_bytes<A: DecodeArgs + PartialEq + fmt::Debug>(bytes: &[u8]) {
        if let Ok(quick) = A::decode_with(&mut Plain::new(bytes)) {
            let text = crate::payload::go_lossy_utf8(bytes);
            let slow = A::decode_with(&mut serde_json::Deserializer::from_str(&text)).map_err(|e| decode_error(e).0);
            assert_eq!(Ok(&quick), slow.as_ref(), "{bytes:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        #[test]
        fn reads_bytes_that_are_not_utf8_as_decode_args_reads_them(
            text in text(),
            at in any::<prop::sample::Index>(),
            junk in prop::collection::vec(0x80u8..=0xFF, 1..3),
        ) {
            let mut bytes = text.into_bytes();
            let at = at.index(bytes.len() + 1);
            bytes.splice(at..at, junk);
            agrees_on_bytes::<(ScanSignal,)>(&bytes);
            agrees_on_bytes::<(Order, String)>(&bytes);
            agrees_on_bytes::<(Mixed,)>(&bytes);
            agrees_on_bytes::<(BTreeMap<String, bool>,)>(&bytes);
            agrees_on_bytes::<(serde_json::Value, serde_json::Value)>(&bytes);
            agrees_on_bytes::<(String, char, ())>(&bytes);
        }

        #[test]
        fn reads_what_serde_json_reads(text in text()) {
            // Whether a type takes the text does not matter here (cut or spoiled texts
            // are often taken by none); what one takes must be serde_json's value.
            agrees::<(Order,)>(&text);
            agrees::<(ScanSignal,)>(&text);
            agrees::<(Order, String)>(&text);
            agrees::<(Mixed,)>(&text);
            agrees::<(Option<Mixed>, i64)>(&text);
            agrees::<(Vec<Option<u16>>,)>(&text);
            agrees::<(BTreeMap<String, bool>,)>(&text);
            agrees::<(serde_json::Value, serde_json::Value)>(&text);
            agrees::<(f64, f32, i8)>(&text);
            agrees::<(String, char, ())>(&text);
        }
    }

    /// The generated texts do reach the quick reader: it takes a good share of them.
    #[test]
    fn the_property_sees_the_quick_reader_at_work() {
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let (mut taken, mut texts) = (0, 0);
        for _ in 0..500 {
            let text = text().new_tree(&mut runner).unwrap().current();
            taken += u32::from(agrees::<(serde_json::Value,)>(&text));
            texts += 1;
        }
        assert!(taken * 4 > texts, "the quick reader took {taken} of {texts} texts");
    }

    fn decoded<T: DeserializeOwned>(text: &str) -> Result<T, String> {
        Payload::from(text).decode::<T>().map_err(|e| e.0)
    }

    #[test]
    fn a_payload_it_gives_up_on_still_decodes_or_fails_as_before() {
        assert_eq!(decoded::<ScanSignal>(r#"{"location":"Del\u0066t"}"#).unwrap().location, "Delft");
        let err = decoded::<Order>(r#"{"id":7}"#).unwrap_err();
        assert!(err.contains("invalid type: integer `7`, expected a string"), "{err}");
        let err = decoded::<Order>(r#"{"id":"a""#).unwrap_err();
        assert!(err.starts_with("malformed JSON"), "{err}");
        // Nested past serde_json's limit: refused by it, not a stack overflow in either.
        let err = decoded::<serde_json::Value>(&"[".repeat(100_000)).unwrap_err();
        assert!(err.contains("recursion limit"), "{err}");
        assert_eq!(decoded::<Vec<Vec<u8>>>("[[1],[]]"), Ok(vec![vec![1], vec![]]));
    }
}

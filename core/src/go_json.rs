//! How Go's `encoding/json` fills a struct, for the types that workflow inputs and
//! signals decode into. A participant who types `{"Location":"Delft"}` (the Go field is
//! `Location`) must see what a Go worker would make of it.
//!
//! Go matches an object's keys to fields exactly, or else ignoring case (Unicode
//! simple folding); lets the last of repeated keys win; skips unknown keys; leaves
//! missing fields at their zero value; and takes nothing but an object for a struct.
//! A JSON `null` changes nothing, for the struct as for a field: `null` is an empty
//! struct, and `{"location":"Delft","location":null}` is Delft. serde's derive matches
//! keys exactly, refuses repeated keys and nulls, and also takes arrays.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};

/// A struct decoded the Go way; [`go_struct!`] implements it and `Deserialize`.
pub(crate) trait GoStruct: Default {
    /// The JSON key of each field, as the struct serializes (ASCII).
    const KEYS: &'static [&'static str];
    /// What the struct is, for errors ("an order").
    const EXPECTING: &'static str;
    /// Reads the value of the field whose key is exactly `key`; false if there is none
    /// (the value is then still to be read).
    fn read_field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error>;
}

/// `go_struct!(Order, "an order", { "id" => id, "sendFrom" => send_from, ... })`: the
/// struct decodes as Go decodes it, by the keys it serializes with.
macro_rules! go_struct {
    ($ty:ty, $expecting:literal, { $($key:literal => $field:ident),+ $(,)? }) => {
        impl $crate::go_json::GoStruct for $ty {
            const KEYS: &'static [&'static str] = &[$($key),+];
            const EXPECTING: &'static str = $expecting;
            #[inline]
            fn read_field<'de, A: serde::de::MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error> {
                match key {
                    // A null leaves the field as it was.
                    $($key => if let Some(v) = map.next_value::<Option<_>>()? { self.$field = v },)+
                    _ => return Ok(false),
                }
                Ok(true)
            }
        }
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $crate::go_json::deserialize(d)
            }
        }
    };
}
pub(crate) use go_struct;

pub(crate) fn deserialize<'de, T: GoStruct, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
    d.deserialize_option(StructVisitor(PhantomData))
}

struct StructVisitor<T>(PhantomData<T>);

impl<'de, T: GoStruct> Visitor<'de> for StructVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_none<E>(self) -> Result<T, E> {
        Ok(T::default())
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        d.deserialize_map(self)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut value = T::default();
        while let Some(Key(key)) = map.next_key()? {
            // The exact key first (a derived decoder's cost), then Go's folded match.
            if value.read_field(&key, &mut map)? {
                continue;
            }
            // Of several fields that fold alike, Go takes the first.
            match T::KEYS.iter().find(|k| fold_equal(k, &key)) {
                Some(k) => {
                    value.read_field(k, &mut map)?;
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(value)
    }
}

/// An object's key, borrowed from the input when it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    #[inline]
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_borrowed_str<E>(self, key: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(key)))
    }

    fn visit_str<E>(self, key: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(key.to_owned())))
    }
}

/// Go's `bytes.EqualFold` against an ASCII field name: besides ASCII case, the Kelvin
/// sign folds to `k` and the long s to `s` (no other character folds to ASCII).
fn fold_equal(field: &str, key: &str) -> bool {
    let mut chars = key.chars();
    field.bytes().all(|f| {
        let Some(c) = chars.next() else { return false };
        c.eq_ignore_ascii_case(&char::from(f))
            || match f.to_ascii_lowercase() {
                b'k' => c == '\u{212A}',
                b's' => c == '\u{17F}',
                _ => false,
            }
    }) && chars.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payload::Payload;

    #[test]
    fn keys_fold_as_go_folds_them() {
        assert!(fold_equal("sendFrom", "SENDFROM"));
        assert!(fold_equal("sendFrom", "\u{17F}endFrom"), "the long s folds to s");
        assert!(fold_equal("k", "\u{212A}"), "the Kelvin sign folds to k");
        assert!(!fold_equal("id", "\u{130}D"), "a dotted capital I does not fold to i");
        assert!(!fold_equal("sendFrom", "sendFro"));
        assert!(!fold_equal("sendFrom", "sendFromm"));
    }

    #[derive(Default, Debug, PartialEq)]
    struct TwoIds {
        upper: String,
        lower: String,
    }

    go_struct!(TwoIds, "two IDs", { "Id" => upper, "id" => lower });

    #[test]
    fn an_exact_key_wins_and_a_folded_one_takes_the_first_field() {
        let two: TwoIds = Payload::from(r#"{"id":"exact","ID":"folded"}"#).decode().unwrap();
        assert_eq!(two, TwoIds { upper: "folded".into(), lower: "exact".into() });
    }

    #[test]
    fn a_value_of_the_wrong_type_is_an_error_under_a_folded_key_too() {
        assert!(Payload::from(r#"{"ID":7}"#).decode::<TwoIds>().is_err());
    }
}

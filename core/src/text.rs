//! [`Str`]: the string type of history events, decisions and the engine's
//! identities. A history repeats the same few strings on every event (the worker's
//! identity, task list and activity type names, IDs like `"3"`), so cloning one must
//! not allocate: strings up to 38 bytes live inline, literals are borrowed for good, and the
//! rest is shared behind one reference count.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The longest string kept inline (40 bytes in all): long enough for every name
/// and identity the workshop uses and for request IDs (UUIDs, 36 characters), so
/// building and decoding history events allocates no strings. In WebAssembly (the
/// playground) every move of a 40-byte value is code in the download, and a page
/// shows one workflow at a time: there a `Str` is 12 bytes, like a `String`, and
/// keeps IDs up to 10 bytes inline.
const INLINE: usize = if cfg!(target_arch = "wasm32") { 10 } else { 38 };

/// An immutable string that is cheap to clone. Reads like a `&str`.
#[derive(Clone)]
pub struct Str(Repr);

#[derive(Clone)]
enum Repr {
    Static(&'static str),
    /// Invariant: `bytes[..len]` is valid UTF-8 (copied from a `&str`).
    Inline {
        len: u8,
        bytes: [u8; INLINE],
    },
    Shared(Arc<str>),
}

impl Str {
    /// A string literal, borrowed for the life of the program: cloning it is a copy.
    pub const fn from_static(s: &'static str) -> Str {
        Str(Repr::Static(s))
    }

    /// A number in decimal, as the Go client writes activity and timer IDs.
    pub fn from_u64(n: u64) -> Str {
        // Straight into the inline bytes, last digit first (every command of a
        // replay makes one of these).
        let len = n.checked_ilog10().unwrap_or(0) as usize + 1;
        if len > INLINE {
            return Str::from(n.to_string()); // past 10 digits in WebAssembly
        }
        let mut bytes = [0u8; INLINE];
        let mut rest = n;
        for at in (0..len).rev() {
            bytes[at] = b'0' + (rest % 10) as u8;
            rest /= 10;
        }
        Str(Repr::Inline { len: len as u8, bytes })
    }

    pub fn is_empty(&self) -> bool {
        self.as_str().is_empty()
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Static(s) => s,
            Repr::Inline { len, bytes } => {
                // SAFETY: inline bytes are only ever copied whole from a `&str` (see
                // `From<&str>`), so the first `len` bytes are valid UTF-8.
                unsafe { std::str::from_utf8_unchecked(&bytes[..usize::from(*len)]) }
            }
            Repr::Shared(s) => s,
        }
    }
}

impl Default for Str {
    fn default() -> Str {
        Str::from_static("")
    }
}

impl From<&str> for Str {
    fn from(s: &str) -> Str {
        if s.len() <= INLINE {
            let mut bytes = [0u8; INLINE];
            bytes[..s.len()].copy_from_slice(s.as_bytes());
            Str(Repr::Inline { len: s.len() as u8, bytes })
        } else {
            Str(Repr::Shared(s.into()))
        }
    }
}

impl From<&String> for Str {
    fn from(s: &String) -> Str {
        Str::from(s.as_str())
    }
}

impl From<String> for Str {
    fn from(s: String) -> Str {
        if s.len() <= INLINE { Str::from(s.as_str()) } else { Str(Repr::Shared(s.into())) }
    }
}

impl From<Arc<str>> for Str {
    fn from(s: Arc<str>) -> Str {
        Str(Repr::Shared(s))
    }
}

impl From<Str> for String {
    fn from(s: Str) -> String {
        s.as_str().to_owned()
    }
}

impl Deref for Str {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Str {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Str {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for Str {
    fn eq(&self, other: &Str) -> bool {
        match (&self.0, &other.0) {
            // Inline bytes past `len` are zero, so equal strings have equal arrays.
            (Repr::Inline { len: a, bytes: x }, Repr::Inline { len: b, bytes: y }) => a == b && inline_eq(x, y),
            _ => self.as_str() == other.as_str(),
        }
    }
}

impl Eq for Str {}

/// Two inline arrays compared eight bytes at a time, the last word ending at the end
/// (it may overlap the one before): a few word compares, where `==` on the arrays
/// calls `bcmp` (a signal's channel is found by this at every signal).
#[inline]
fn inline_eq(x: &[u8; INLINE], y: &[u8; INLINE]) -> bool {
    const { assert!(INLINE >= 8) };
    let word = |b: &[u8; INLINE], at: usize| u64::from_ne_bytes(b[at..at + 8].try_into().unwrap_or_default());
    let differ = (0..INLINE / 8).fold(0, |d, i| d | (word(x, 8 * i) ^ word(y, 8 * i)));
    differ | (word(x, INLINE - 8) ^ word(y, INLINE - 8)) == 0
}

impl PartialEq<str> for Str {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Str {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Str {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<Str> for str {
    fn eq(&self, other: &Str) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Str> for &str {
    fn eq(&self, other: &Str) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<Str> for String {
    fn eq(&self, other: &Str) -> bool {
        self == other.as_str()
    }
}

impl PartialOrd for Str {
    fn partial_cmp(&self, other: &Str) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Str {
    fn cmp(&self, other: &Str) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for Str {
    // As `str` hashes, so a map keyed by `Str` can be searched with a `&str`.
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Display for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl fmt::Debug for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl Serialize for Str {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Str {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Str, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Str;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Str, E> {
                Ok(Str::from(v))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Str, E> {
                Ok(Str::from(v))
            }
        }
        d.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_long_and_static_strings_read_the_same() {
        let long = "a-request-id-that-is-longer-than-thirty-eight-bytes";
        for s in ["", "3", "1@postflow-sim@tasklist", long] {
            let a = Str::from(s);
            assert_eq!(a, s);
            assert_eq!(a.len(), s.len());
            assert_eq!(a.clone().as_str(), s);
            assert_eq!(Str::from(s.to_owned()), a);
        }
        assert_eq!(Str::from_static("tasklist"), Str::from("tasklist"));
        for n in [0, 7, 9, 10, 42, 99, 100, 1 << 40, u64::MAX] {
            assert_eq!(Str::from_u64(n), n.to_string());
        }
        assert_eq!(std::mem::size_of::<Str>(), if cfg!(target_arch = "wasm32") { 12 } else { 40 });
    }

    /// Inline strings compare word by word: a difference in any byte, the last word's
    /// included, makes them unequal; a prefix is not equal either.
    #[test]
    fn inline_strings_differ_at_any_byte() {
        for len in [1, 7, 8, 9, 16, 31, 33, INLINE - 1, INLINE] {
            let same = "s".repeat(len);
            assert_eq!(Str::from(same.as_str()), Str::from(same.clone()), "{len} bytes");
            for at in 0..len {
                let mut other = same.clone().into_bytes();
                other[at] = b't';
                let other = String::from_utf8(other).unwrap();
                assert_ne!(Str::from(same.as_str()), Str::from(other.as_str()), "{len} bytes, byte {at}");
            }
            assert_ne!(Str::from(same.as_str()), Str::from(&same[1..]), "{len} bytes and one less");
        }
    }

    #[test]
    fn a_map_keyed_by_str_is_searched_with_a_str() {
        let mut m = std::collections::HashMap::new();
        m.insert(Str::from("timer-3"), 3);
        assert_eq!(m.get("timer-3"), Some(&3));
    }

    #[test]
    fn json_is_a_plain_string() {
        let s = Str::from("Delft ü");
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(json, "\"Delft ü\"");
        assert_eq!(serde_json::from_str::<Str>(&json).unwrap(), s);
    }
}

//! Finding the first of a few byte values in a text eight bytes at a time, with
//! plain integer arithmetic (SWAR), the same natively and in wasm: payload strings
//! are scanned for what ends them or needs escaping, and nearly always hold none.

const ONES: u64 = u64::from_ne_bytes([1; 8]);
const HIGH: u64 = ONES << 7;

/// The bytes of `w` that are zero, flagged in their top bit. The lowest flag is exact;
/// one above it may be a borrow's (which is why only the lowest is ever read).
const fn zero(w: u64) -> u64 {
    w.wrapping_sub(ONES) & !w & HIGH
}

/// The bytes of `w` equal to `byte`, flagged as [`zero`] flags.
pub(super) const fn equal(w: u64, byte: u8) -> u64 {
    zero(w ^ (ONES * byte as u64))
}

/// The bytes of `w` below `bound` (at most 0x80), flagged as [`zero`] flags. Only the
/// quick payload reader needs it, and the page leaves that reader out.
#[cfg(not(target_arch = "wasm32"))]
pub(super) const fn below(w: u64, bound: u8) -> u64 {
    w.wrapping_sub(ONES * bound as u64) & !w & HIGH
}

/// The bytes of `w` of 0x80 or more, flagged as [`zero`] flags (all of them exact).
#[cfg(not(target_arch = "wasm32"))]
pub(super) const fn non_ascii(w: u64) -> u64 {
    w & HIGH
}

/// The index of the first byte that `flags` flags in its word (little-endian), built
/// from [`equal`], [`below`] and [`non_ascii`]. The last few bytes are tested as a word too, padded
/// with zeros whose flags are masked off: flags only carry upward, so the padding
/// cannot move the lowest one.
pub(super) fn position(bytes: &[u8], flags: impl Fn(u64) -> u64) -> Option<usize> {
    let mut at = 0;
    while let Some(word) = bytes.get(at..at + 8) {
        let found = flags(u64::from_le_bytes(word.try_into().unwrap_or_default()));
        if found != 0 {
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    let tail = &bytes[at..];
    let mut word = [0; 8];
    word[..tail.len()].copy_from_slice(tail);
    let found = flags(u64::from_le_bytes(word)) & ((1 << (8 * tail.len())) - 1);
    (found != 0).then(|| at + (found.trailing_zeros() / 8) as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quote_or_control(bytes: &[u8]) -> Option<usize> {
        position(bytes, |w| equal(w, b'"') | below(w, 0x20))
    }

    #[test]
    fn finds_the_first_byte_it_looks_for_at_any_place() {
        let mut text = *b"abcdefghijklmnopqrstu\xc3\xbc";
        for at in 0..text.len() {
            for byte in [b'"', 0x00, 0x1f] {
                let before = text[at];
                text[at] = byte;
                assert_eq!(quote_or_control(&text), Some(at), "{byte:#x} at {at}");
                // A second one further on does not move the answer.
                if at + 3 < text.len() {
                    text[at + 3] = b'"';
                    assert_eq!(quote_or_control(&text), Some(at));
                    text[at + 3] = b"abcdefghijklmnopqrstu\xc3\xbc"[at + 3];
                }
                text[at] = before;
            }
        }
        assert_eq!(quote_or_control(&text), None, "no quote, no control character; bytes above 0x7f are neither");
        assert_eq!(position(b"\x01\x00 ", |w| equal(w, 0xE2)), None);
        assert_eq!(position("a\u{2028}".as_bytes(), |w| equal(w, 0xE2)), Some(1));
    }
}

//! UUIDs as Cadence writes them (lowercase, dashed 8-4-4-4-12): the text of 128 bits,
//! for the request and run IDs the simulated server makes, and back to the bits, for
//! packed histories, which store a UUID in 16 bytes.

use crate::text::Str;

/// Where the 32 hex digits are, between the dashes at 8, 13, 18 and 23.
const DIGITS: [u8; 32] = {
    let mut at = [0u8; 32];
    let (mut i, mut d) = (0, 0);
    while i < 36 {
        if !matches!(i, 8 | 13 | 18 | 23) {
            at[d] = i as u8;
            d += 1;
        }
        i += 1;
    }
    at
};

/// The UUID text of `v`, most significant digit first.
pub(crate) fn text(v: u128) -> Str {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = [b'-'; 36];
    // Two 64-bit halves: a u128 shifted by a varying amount costs several times more.
    for (half, digits) in [(v >> 64) as u64, v as u64].into_iter().zip(DIGITS.chunks_exact(16)) {
        for (n, &at) in digits.iter().enumerate() {
            out[usize::from(at)] = HEX[(half >> (60 - 4 * n)) as usize & 0xf];
        }
    }
    std::str::from_utf8(&out).expect("hex digits and dashes are ASCII").into()
}

/// The 128 bits of a lowercase, dashed UUID, if `s` is one.
#[cfg(feature = "packed")]
pub(crate) fn bits(s: &str) -> Option<u128> {
    /// Each byte's value as a lowercase hex digit, 0xff for anything else.
    const NIBBLE: [u8; 256] = {
        let mut t = [0xff; 256];
        let mut i = 0;
        while i < 16 {
            t[b"0123456789abcdef"[i] as usize] = i as u8;
            i += 1;
        }
        t
    };
    let b = s.as_bytes();
    if b.len() != 36 || b[8] != b'-' || b[13] != b'-' || b[18] != b'-' || b[23] != b'-' {
        return None;
    }
    // A table and two 64-bit halves: every string a packed history stores is checked
    // here, and a u128 shifted a nibble at a time cost a tenth of packing.
    let mut halves = [0u64; 2];
    let mut invalid = 0u8;
    for (half, digits) in halves.iter_mut().zip(DIGITS.chunks_exact(16)) {
        for &at in digits {
            let d = NIBBLE[usize::from(b[usize::from(at)])];
            invalid |= d;
            *half = *half << 4 | u64::from(d & 0xf);
        }
    }
    // Only an invalid byte has the high bits set.
    (invalid & 0xf0 == 0).then(|| u128::from(halves[0]) << 64 | u128::from(halves[1]))
}

#[cfg(all(test, feature = "packed"))]
mod tests {
    use super::*;

    #[test]
    fn uuids_go_to_their_bits_and_back() {
        let id = "0f6e1a3c-9d2b-4c4e-8a1f-5b7c9d0e1f23";
        assert_eq!(text(bits(id).unwrap()), id);
        assert_eq!(bits("0F6E1A3C-9D2B-4C4E-8A1F-5B7C9D0E1F23"), None, "upper case does not come back the same");
        assert_eq!(bits("request-from-RespondDecisionTaskCompleted"), None);
        assert_eq!(bits("0f6e1a3c-9d2b-4c4e-8a1f-5b7c9d0e1f2g"), None, "a letter past f");
        assert_eq!(bits("0f6e1a3c-9d2b-4c4e-8a1f-5b7c9d0e1f2\u{e9}"), None, "not ASCII");
        assert_eq!(bits("0f6e1a3c9-d2b-4c4e-8a1f-5b7c9d0e1f23"), None, "a dash out of place");
        assert_eq!(text(bits("00000000-0000-4000-8000-00000000000f").unwrap()), "00000000-0000-4000-8000-00000000000f");
    }
}

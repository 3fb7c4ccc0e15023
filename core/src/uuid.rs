//! UUIDs as Cadence writes them (lowercase, dashed 8-4-4-4-12): the text of 128 bits,
//! for the request and run IDs the simulated server makes, and back to the bits, for
//! packed histories, which store a UUID in 16 bytes, or one the server made by its
//! number in the [`Sequence`].

use crate::rng::{GOLDEN_GAMMA, mix};
use crate::text::Str;

/// The simulated server's request and run IDs: version-4-shaped UUIDs, each from two
/// outputs of a seeded SplitMix64. Numbered, so that a packed history can keep the
/// number of one instead of its 16 bytes: request IDs are a third of a fleet's
/// histories otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Sequence {
    seed: u64,
}

/// The version (4) and variant (10) bits every UUID of a sequence carries.
const VERSION_MASK: u64 = 0xf << 12;
const VERSION: u64 = 0x4 << 12;
const VARIANT_MASK: u64 = 0x3 << 62;
const VARIANT: u64 = 0x2 << 62;

impl Sequence {
    pub fn new(seed: u64) -> Sequence {
        Sequence { seed }
    }

    /// The bits of the `n`th UUID (from the generator's outputs `2n+1` and `2n+2`).
    pub fn nth(&self, n: u64) -> u128 {
        let state = self.seed.wrapping_add(n.wrapping_mul(2).wrapping_add(1).wrapping_mul(GOLDEN_GAMMA));
        let a = mix(state) & !VERSION_MASK | VERSION;
        let b = mix(state.wrapping_add(GOLDEN_GAMMA)) & !VARIANT_MASK | VARIANT;
        u128::from(a) << 64 | u128::from(b)
    }

    /// Which UUID of the sequence `bits` is, if it is one: the generator's mix can be
    /// undone, so the second half names the state behind it (but for the two bits
    /// the variant overwrote) and the first half confirms it.
    #[cfg(feature = "packed")]
    pub fn position(&self, bits: u128) -> Option<u64> {
        let (a, b) = ((bits >> 64) as u64, bits as u64);
        if a & VERSION_MASK != VERSION || b & VARIANT_MASK != VARIANT {
            return None;
        }
        (0..4u64).find_map(|top| {
            let state = crate::rng::unmix(b & !VARIANT_MASK | top << 62).wrapping_sub(GOLDEN_GAMMA);
            if mix(state) & !VERSION_MASK | VERSION != a {
                return None;
            }
            let output = state.wrapping_sub(self.seed).wrapping_mul(const { crate::rng::inverse(GOLDEN_GAMMA) });
            // UUIDs start at odd outputs; an even one is a pair straddling two UUIDs.
            (output % 2 == 1).then_some(output / 2)
        })
    }
}

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
    /// Each byte's two hex digits: a packed history's UUIDs are written out again on
    /// every replay after a cache miss, and a digit at a time was a twelfth of decoding.
    const PAIRS: [[u8; 2]; 256] = {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut t = [[0u8; 2]; 256];
        let mut i = 0;
        while i < 256 {
            t[i] = [HEX[i >> 4], HEX[i & 0xf]];
            i += 1;
        }
        t
    };
    let mut out = [b'-'; 36];
    for (byte, at) in v.to_be_bytes().into_iter().zip(DIGITS.chunks_exact(2)) {
        let [high, low] = PAIRS[usize::from(byte)];
        out[usize::from(at[0])] = high;
        out[usize::from(at[1])] = low;
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

    #[test]
    fn a_sequence_finds_its_own_uuids_and_no_others() {
        let ids = Sequence::new(42);
        for n in [0, 1, 2, 77, 1 << 40] {
            assert_eq!(ids.position(ids.nth(n)), Some(n));
        }
        assert_eq!(Sequence::new(43).position(ids.nth(5)), None, "another seed's");
        assert_eq!(ids.position(bits("0f6e1a3c-9d2b-4c4e-8a1f-5b7c9d0e1f23").unwrap()), None, "one from elsewhere");
        // Two outputs that follow each other but start at an even one: not a UUID made.
        let state = 42u64.wrapping_add(2u64.wrapping_mul(GOLDEN_GAMMA));
        let straddling = u128::from(mix(state) & !VERSION_MASK | VERSION) << 64
            | u128::from(mix(state.wrapping_add(GOLDEN_GAMMA)) & !VARIANT_MASK | VARIANT);
        assert_eq!(ids.position(straddling), None);
    }
}

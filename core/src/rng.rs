//! SplitMix64: the seeded generator behind `estimatedDeliveryTime`. Tiny, fast, and
//! specified in `docs/golden-format.md`, so golden files can be checked by hand.

/// What the state advances by per output.
pub(crate) const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;
const M1: u64 = 0xBF58_476D_1CE4_E5B9;
const M2: u64 = 0x94D0_49BB_1331_11EB;

/// The output for a state. A bijection (xor-shifts and odd multipliers), which is
/// what lets [`unmix`] find the state behind an output.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(M1);
    z = (z ^ (z >> 27)).wrapping_mul(M2);
    z ^ (z >> 31)
}

/// The state whose output is `z`.
#[cfg(feature = "packed")]
pub(crate) fn unmix(mut z: u64) -> u64 {
    // Computed when compiling: this runs up to four times for every UUID a packed
    // history stores.
    z = unshift(z, 31).wrapping_mul(const { inverse(M2) });
    z = unshift(z, 27).wrapping_mul(const { inverse(M1) });
    unshift(z, 30)
}

/// Undoes `x ^ (x >> k)`: each round recovers `k` more of the high bits.
#[cfg(feature = "packed")]
fn unshift(y: u64, k: u32) -> u64 {
    let mut x = y;
    let mut known = k;
    while known < 64 {
        x = y ^ (x >> k);
        known += k;
    }
    x
}

/// The multiplicative inverse of an odd number modulo 2^64 (Newton's iteration:
/// each step doubles the bits that are right).
#[cfg(feature = "packed")]
pub(crate) const fn inverse(odd: u64) -> u64 {
    let mut x = odd;
    let mut i = 0;
    while i < 6 {
        x = x.wrapping_mul(2u64.wrapping_sub(odd.wrapping_mul(x)));
        i += 1;
    }
    x
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN_GAMMA);
        mix(self.state)
    }

    /// A value in `1..=n`.
    pub fn one_to(&mut self, n: u64) -> u64 {
        1 + self.next_u64() % n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_reference_sequence() {
        // Reference values of SplitMix64 seeded with 0 (Vigna's splitmix64.c).
        let mut r = SplitMix64::new(0);
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(r.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }

    #[cfg(feature = "packed")]
    #[test]
    fn unmix_finds_the_state_behind_an_output() {
        for k in [M1, M2, GOLDEN_GAMMA] {
            assert_eq!(k.wrapping_mul(inverse(k)), 1);
        }
        let mut state = 0x1234_5678_9abc_def0u64;
        for _ in 0..1000 {
            state = state.wrapping_add(GOLDEN_GAMMA).rotate_left(17);
            assert_eq!(unmix(mix(state)), state);
        }
    }
}

//! Which history shard owns a workflow: Cadence's own function
//! (`common.WorkflowIDToHistoryShard`), the farmhash 32-bit fingerprint of the
//! workflow ID modulo the number of shards. Every event, timer and transfer task of
//! a workflow lives on its shard, and each shard is owned by one history host: the
//! shard count is how far a Cadence cluster can spread its load.
//!
//! The fingerprint is farmhash's `Fingerprint32` (Cadence calls it through
//! github.com/dgryski/go-farm), written here from the algorithm and checked against
//! vectors go-farm produced (`core/tests/fixtures/fingerprint32.txt`, also checked
//! by a Go test) and against a real server's shard IDs (`scripts/test-bridge.sh`).

/// The shard of `workflow_id` in a cluster of `shards` history shards.
pub fn shard_of(workflow_id: &str, shards: u32) -> u32 {
    fingerprint32(workflow_id.as_bytes()) % shards.max(1)
}

const C1: u32 = 0xcc9e_2d51;
const C2: u32 = 0x1b87_3593;

/// Murmur3's finalizer.
fn fmix(mut h: u32) -> u32 {
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

/// Murmur3's step that mixes `a` into `h`.
fn mur(a: u32, h: u32) -> u32 {
    let a = a.wrapping_mul(C1).rotate_right(17).wrapping_mul(C2);
    (h ^ a).rotate_right(19).wrapping_mul(5).wrapping_add(0xe654_6b64)
}

fn fetch(s: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([s[at], s[at + 1], s[at + 2], s[at + 3]])
}

/// farmhash's `Fingerprint32` (farmhashmk's `Hash32`, seed 0).
pub fn fingerprint32(s: &[u8]) -> u32 {
    let len = s.len();
    match len {
        0..=4 => hash_0_to_4(s),
        5..=12 => hash_5_to_12(s),
        13..=24 => hash_13_to_24(s),
        _ => hash_long(s),
    }
}

fn hash_0_to_4(s: &[u8]) -> u32 {
    let (mut b, mut c) = (0u32, 9u32);
    for &byte in s {
        // The bytes are signed chars in the reference implementation.
        b = b.wrapping_mul(C1).wrapping_add(byte as i8 as u32);
        c ^= b;
    }
    fmix(mur(b, mur(s.len() as u32, c)))
}

fn hash_5_to_12(s: &[u8]) -> u32 {
    let len = s.len();
    let mut a = len as u32;
    let mut b = (len as u32).wrapping_mul(5);
    let mut c = 9u32;
    let d = b;
    a = a.wrapping_add(fetch(s, 0));
    b = b.wrapping_add(fetch(s, len - 4));
    c = c.wrapping_add(fetch(s, (len >> 1) & 4));
    fmix(mur(c, mur(b, mur(a, d))))
}

fn hash_13_to_24(s: &[u8]) -> u32 {
    let len = s.len();
    let mut a = fetch(s, (len >> 1) - 4);
    let b = fetch(s, 4);
    let c = fetch(s, len - 8);
    let d = fetch(s, len >> 1);
    let e = fetch(s, 0);
    let f = fetch(s, len - 4);
    let mut h = d.wrapping_mul(C1).wrapping_add(len as u32);
    a = a.rotate_right(12).wrapping_add(f);
    h = mur(c, h).wrapping_add(a);
    a = a.rotate_right(3).wrapping_add(c);
    h = mur(e, h).wrapping_add(a);
    a = a.wrapping_add(f).rotate_right(12).wrapping_add(d);
    h = mur(b, h).wrapping_add(a);
    fmix(h)
}

fn hash_long(s: &[u8]) -> u32 {
    let len = s.len();
    let mut h = len as u32;
    let mut g = C1.wrapping_mul(len as u32);
    let mut f = g;
    let tail = |at: usize| fetch(s, len - at).wrapping_mul(C1).rotate_right(17).wrapping_mul(C2);
    let (a0, a1, a2, a3, a4) = (tail(4), tail(8), tail(16), tail(12), tail(20));
    h = (h ^ a0).rotate_right(19).wrapping_mul(5).wrapping_add(0xe654_6b64);
    h = (h ^ a2).rotate_right(19).wrapping_mul(5).wrapping_add(0xe654_6b64);
    g = (g ^ a1).rotate_right(19).wrapping_mul(5).wrapping_add(0xe654_6b64);
    g = (g ^ a3).rotate_right(19).wrapping_mul(5).wrapping_add(0xe654_6b64);
    f = f.wrapping_add(a4).rotate_right(19).wrapping_add(113);
    let mut rest = s;
    while rest.len() > 20 {
        let (a, b, c, d, e) = (fetch(rest, 0), fetch(rest, 4), fetch(rest, 8), fetch(rest, 12), fetch(rest, 16));
        h = h.wrapping_add(a);
        g = g.wrapping_add(b);
        f = f.wrapping_add(c);
        h = mur(d, h).wrapping_add(e);
        g = mur(c, g).wrapping_add(a);
        f = mur(b.wrapping_add(e.wrapping_mul(C1)), f).wrapping_add(d);
        f = f.wrapping_add(g);
        g = g.wrapping_add(f);
        rest = &rest[20..];
    }
    g = g.rotate_right(11).wrapping_mul(C1).rotate_right(17).wrapping_mul(C1);
    f = f.rotate_right(11).wrapping_mul(C1).rotate_right(17).wrapping_mul(C1);
    h = h.wrapping_add(g).rotate_right(19).wrapping_mul(5).wrapping_add(0xe654_6b64);
    h = h.rotate_right(17).wrapping_mul(C1);
    h = h.wrapping_add(f).rotate_right(19).wrapping_mul(5).wrapping_add(0xe654_6b64);
    h.rotate_right(17).wrapping_mul(C1)
}

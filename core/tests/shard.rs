//! Cadence's shard function, as postflow computes it, against vectors produced by
//! github.com/dgryski/go-farm and Cadence's own `WorkflowIDToHistoryShard`
//! (`fixtures/fingerprint32.txt`, checked against go-farm by `cadence-dev/farm`).

use postflow_core::fleet::shard::{fingerprint32, shard_of};

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

#[test]
fn fingerprints_and_shards_are_go_farms_and_cadences() {
    let text = include_str!("fixtures/fingerprint32.txt");
    let mut checked = 0;
    for line in text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        let fields: Vec<&str> = line.split(' ').collect();
        let input = unhex(fields[0]);
        let fingerprint: u32 = fields[1].parse().unwrap();
        assert_eq!(fingerprint32(&input), fingerprint, "fingerprint of {:?}", String::from_utf8_lossy(&input));
        if let Ok(id) = std::str::from_utf8(&input) {
            assert_eq!(shard_of(id, 16_384).to_string(), fields[2], "shard of {id:?} in 16,384");
            assert_eq!(shard_of(id, 4).to_string(), fields[3], "shard of {id:?} in 4");
        }
        checked += 1;
    }
    assert!(checked > 100, "{checked} vectors");
}

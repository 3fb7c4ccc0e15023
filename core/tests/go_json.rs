//! Inputs decode as the Go worker decodes them: the cases of
//! `tests/fixtures/go-json.tsv`, which `cadence-dev/workshop/go_json_test.go` checks
//! against Go's `encoding/json` with the workshop's own structs.

use postflow_core::payload::Payload;
use postflow_core::postal::{Order, ScanSignal};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The input decoded and encoded again, or "error".
fn round_trip<T: DeserializeOwned + Serialize>(input: &str) -> String {
    match Payload::from(input).decode::<T>() {
        Ok(v) => Payload::encode(&v).to_text().trim_end().to_owned(),
        Err(_) => "error".to_owned(),
    }
}

#[test]
fn signals_and_orders_decode_as_gos_encoding_json_decodes_them() {
    let cases = include_str!("fixtures/go-json.tsv");
    let mut checked = 0;
    for line in cases.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        let [ty, input, expected] = line.split('\t').collect::<Vec<_>>()[..] else { panic!("not TYPE<TAB>INPUT<TAB>ENCODED: {line}") };
        let got = match ty {
            "ScanSignal" => round_trip::<ScanSignal>(input),
            "Order" => round_trip::<Order>(input),
            other => panic!("no type {other} here"),
        };
        assert_eq!(got, expected, "{ty} {input}");
        checked += 1;
    }
    assert!(checked >= 32, "only {checked} cases");
}

#[test]
fn a_struct_that_is_not_an_object_is_refused_with_what_was_expected() {
    let err = Payload::from(r#"["Delft"]"#).decode::<ScanSignal>().unwrap_err().to_string();
    assert!(err.contains("expected a scan signal (a JSON object)"), "{err}");
}

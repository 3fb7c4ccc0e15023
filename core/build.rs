//! Turns the built-in scenarios (`scenarios/*.toml`) into JSON at build time, so a
//! program that only plays built-in scenarios (the web playground) can read them
//! without carrying a TOML parser.

use std::fmt::Write as _;

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut entries: Vec<_> = std::fs::read_dir(&dir).expect("scenarios/").filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    let mut out = String::from("static JSON: &[(&str, &str)] = &[\n");
    for path in entries.iter().filter(|p| p.extension().is_some_and(|e| e == "toml")) {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(path).unwrap();
        // A file that is not valid TOML stays out: parsing it at run time reports the error.
        let Ok(value) = toml::from_str::<toml::Value>(&text) else { continue };
        let json = serde_json::to_string(&value).expect("TOML values are JSON values");
        writeln!(out, "    ({name:?}, {json:?}),").unwrap();
    }
    out.push_str("];\n");
    std::fs::write(std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("builtin_json.rs"), out).unwrap();
}

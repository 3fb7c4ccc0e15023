//! Chapter 3's starting file, built on its own.
postflow_exercises::exercise!(3, "../../03_scan_once.rs");

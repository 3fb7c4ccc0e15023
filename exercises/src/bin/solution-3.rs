//! The reference solution of chapter 3, built on its own.
postflow_exercises::exercise!(3, "../../solutions/03_scan_once.rs");

//! The reference solution of chapter 2, built on its own.
postflow_exercises::exercise!(2, "../../solutions/02_retries.rs");

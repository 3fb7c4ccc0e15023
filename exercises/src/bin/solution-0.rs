//! The reference solution of chapter 0, built on its own.
postflow_exercises::exercise!(1, "../../solutions/00_begin.rs");

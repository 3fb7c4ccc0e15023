//! The reference solution of chapter 4, built on its own.
postflow_exercises::exercise!(4, "../../solutions/04_loop.rs");

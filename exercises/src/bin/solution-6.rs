//! The reference solution of chapter 6, built on its own.
postflow_exercises::exercise!(6, "../../solutions/06_query.rs");

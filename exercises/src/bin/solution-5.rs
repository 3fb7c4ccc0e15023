//! The reference solution of chapter 5, built on its own.
postflow_exercises::exercise!(5, "../../solutions/05_delivered.rs");

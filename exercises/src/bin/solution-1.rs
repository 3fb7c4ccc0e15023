//! The reference solution of chapter 1, built on its own.
postflow_exercises::exercise!(1, "../../solutions/01_activities.rs");

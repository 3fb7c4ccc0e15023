//! Chapter 2's starting file, built on its own.
postflow_exercises::exercise!(2, "../../02_retries.rs");

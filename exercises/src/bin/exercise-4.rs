//! Chapter 4's starting file, built on its own.
postflow_exercises::exercise!(4, "../../04_loop.rs");

//! Chapter 5's starting file, built on its own.
postflow_exercises::exercise!(5, "../../05_delivered.rs");

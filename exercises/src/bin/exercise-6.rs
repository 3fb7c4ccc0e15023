//! Chapter 6's starting file, built on its own.
postflow_exercises::exercise!(6, "../../06_query.rs");

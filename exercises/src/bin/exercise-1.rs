//! Chapter 1's starting file, built on its own.
postflow_exercises::exercise!(1, "../../01_activities.rs");

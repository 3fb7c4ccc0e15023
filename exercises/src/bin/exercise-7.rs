//! Chapter 7's starting file, built on its own.
postflow_exercises::exercise!(7, "../../07_notification.rs");

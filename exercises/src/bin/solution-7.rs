//! The reference solution of chapter 7, built on its own.
postflow_exercises::exercise!(7, "../../solutions/07_notification.rs");

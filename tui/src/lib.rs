//! postflow's terminal app: draws a `postflow_core` session and turns keys into
//! session actions, or, in bridge mode, into calls to a real Cadence server whose
//! history it draws the same way. It holds no workflow logic.

pub mod action;
pub mod app;
pub mod bridge;
pub mod export;
pub mod form;
pub mod keymap;
pub mod prompt;
pub mod run;
pub mod source;
pub mod teach;
pub mod ui;

pub use app::App;

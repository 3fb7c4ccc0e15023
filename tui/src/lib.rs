//! postflow's terminal app: draws a `postflow_core` session and turns keys into
//! session actions. It holds no workflow logic.

pub mod action;
pub mod app;
pub mod form;
pub mod keymap;
pub mod prompt;
pub mod source;
pub mod ui;

pub use app::App;

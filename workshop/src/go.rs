//! The Go track (in progress).

use std::process::ExitCode;
use std::time::Duration;

use postflow_core::workshop::ChapterGuide;

use crate::state::State;

pub enum Target {
    Http(String),
    Cli(String),
}

pub struct Options {
    pub target: Target,
    pub domain: String,
    pub timer_unit: Duration,
}

pub fn check(_list: &[&'static ChapterGuide], _o: &Options, _state: &State) -> Result<ExitCode, String> {
    Err("the Go track is not ready".into())
}

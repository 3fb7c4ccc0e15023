//! A session's recorded actions as a scenario file: what a participant did (by hand,
//! in play or in live time) becomes a scenario that replays to the same history, to
//! keep, share, or run on a real Cadence server with the bridge.

use std::fmt::Write as _;

use crate::session::{Action, Session};
use crate::time::format_duration;

/// The scenario TOML of the session's actions up to its cursor.
pub fn to_toml(session: &Session, name: &str) -> String {
    let config = session.config();
    let q = |s: &str| toml::Value::String(s.to_owned()).to_string();
    let mut out = format!(
        "name = {}\ndescription = {}\nseed = {}\nchapter = {}\ntimer_unit = {}\n",
        q(name),
        q("Recorded in a postflow session."),
        config.seed,
        q(config.postal.chapter.name()),
        q(&format_duration(config.postal.timer_unit)),
    );
    let actions: Vec<&Action> = session.timeline()[..session.cursor()].iter().map(|e| &e.action).collect();
    let mut i = 0;
    while i < actions.len() {
        out.push_str("\n[[steps]]\n");
        match actions[i] {
            Action::Start { workflow_id, input, execution_timeout } => {
                let _ = write!(
                    out,
                    "do = \"start\"\nworkflow_id = {}\ninput = {}\nexecution_timeout = {}\n",
                    q(workflow_id),
                    q(input),
                    q(&format_duration(*execution_timeout))
                );
            }
            Action::Signal { name, input } => {
                let _ = write!(out, "do = \"signal\"\nname = {}\n", q(name));
                if let Some(input) = input {
                    let _ = writeln!(out, "input = {}", q(input));
                }
            }
            Action::Query { name } => {
                let _ = write!(out, "do = \"query\"\nname = {}\n", q(name));
            }
            Action::Terminate { reason } => {
                out.push_str("do = \"terminate\"\n");
                if !reason.is_empty() {
                    let _ = writeln!(out, "reason = {}", q(reason));
                }
            }
            Action::Cancel { reason } => {
                out.push_str("do = \"cancel\"\n");
                if !reason.is_empty() {
                    let _ = writeln!(out, "reason = {}", q(reason));
                }
            }
            Action::Run => out.push_str("do = \"run\"\n"),
            Action::Step => {
                // Consecutive worker steps are one step with a count.
                let n = actions[i..].iter().take_while(|a| matches!(a, Action::Step)).count();
                out.push_str("do = \"step\"\n");
                if n > 1 {
                    let _ = writeln!(out, "count = {n}");
                }
                i += n;
                continue;
            }
            Action::AdvanceNext => out.push_str("do = \"advance\"\nto = \"next\"\n"),
            Action::AdvanceBy { by } => {
                let _ = write!(out, "do = \"advance\"\nby = {}\n", q(&format_duration(*by)));
            }
        }
        i += 1;
    }
    out
}

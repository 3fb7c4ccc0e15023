//! The session as a shell script of `cadence` commands that replays it on a real
//! server: every start, signal and query in order, and each move of the virtual
//! clock as a `sleep` of the same length, so timers and retries come due as they did
//! here. Both front ends export it (`controls::Export::Script`).

use super::{Action, Session, cli};
use crate::time::ceil_secs;

impl Session {
    /// The timeline up to the cursor as a POSIX shell script.
    pub fn replay_script(&self) -> String {
        // The worker that answers as this session's did: its chapter's code, the length
        // of its "day" and the seed its delivery estimates were drawn with.
        let postal = self.config.postal;
        let mut out = format!(
            "#!/bin/sh\n\
             # Replays a postflow session on a real Cadence server, command by command.\n\
             # Needs: the cadence CLI on PATH (CADENCE_CLI_ADDRESS=host:port picks the server),\n\
             # the domain cadence-workshop, and a worker on task list tasklist that runs\n\
             # this session's code, days and estimates:\n\
             #   cargo run --bin bridge -- worker --chapter {} --timer-unit {} --seed {}\n\
             # (the workshop's Go worker draws estimates of its own).\n\
             # Moves of the simulator's clock become sleeps of the same length.\n\
             set -eu\n",
            postal.chapter.name(),
            crate::time::format_duration(postal.timer_unit),
            self.config.seed
        );
        let mut sim = Session::new(self.config);
        sim.auto_run = false;
        for e in &self.timeline[..self.cursor] {
            let before = sim.engine.now();
            // Recorded actions succeeded before; re-running them cannot fail.
            let _ = sim.apply(e.action.clone());
            match &e.action {
                Action::AdvanceNext | Action::AdvanceBy { .. } => {
                    let moved = sim.engine.now().since(before);
                    // Whole seconds, rounded up, so what came due here is due there too.
                    let secs = ceil_secs(moved);
                    // The outcome says the move and what it made due: "clock moved 120s: timer 5 fired".
                    out.push_str(&format!("\n# {}\nsleep {secs}\n", e.outcome));
                }
                _ => {
                    if let Some(c) = &e.cli {
                        out.push_str(&format!("\n# {}\n{c}\n", e.action.label().replace('\n', " ")));
                    }
                }
            }
        }
        out
    }
}

/// Whether a script line is a command the script runs (not a comment or blank).
pub fn is_command(line: &str) -> bool {
    let t = line.trim_start();
    !t.is_empty() && !t.starts_with('#') && t != "set -eu"
}

/// The CLI commands of a session, oldest first, each with the step it belongs to
/// (1-based): what a "commands" view lists.
pub fn commands(s: &Session) -> Vec<(usize, String)> {
    s.timeline()[..s.cursor()].iter().enumerate().filter_map(|(i, e)| e.cli.clone().map(|c| (i + 1, c))).collect()
}

/// The command a front end shows as "the" command: the last one at or before the
/// cursor, and whether steps without a command came after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LastCommand {
    /// The step (1-based) the command belongs to.
    pub step: usize,
    pub label: String,
    pub command: String,
    /// The cursor is past `step`: the steps since (worker steps, clock moves) have no
    /// `cadence` command, so this one is older than the step shown.
    pub older_than_step: bool,
}

impl LastCommand {
    /// "from step 3 (signal ScanSignal …); steps 4–6 have no cadence command"
    pub fn provenance(&self, cursor: usize) -> String {
        if self.older_than_step {
            format!("from step {} ({}); the steps since (worker, clock) have no cadence command", self.step, self.label)
        } else {
            format!("step {} of {cursor}: {}", self.step, self.label)
        }
    }
}

pub fn last_command(s: &Session) -> Option<LastCommand> {
    let cursor = s.cursor();
    s.timeline()[..cursor].iter().enumerate().rev().find_map(|(i, e)| {
        e.cli.clone().map(|command| LastCommand { step: i + 1, label: e.action.label(), command, older_than_step: i + 1 < cursor })
    })
}

/// The `cadence wf show` command that fetches this session's history, if it has a workflow.
pub fn show_command(s: &Session) -> Option<String> {
    s.workflow_id().map(cli::show)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::SessionConfig;
    use std::time::Duration;

    #[test]
    fn the_script_runs_each_command_in_order_and_sleeps_for_the_clock() {
        let mut s = Session::new(SessionConfig::default());
        s.perform(Session::workshop_start()).unwrap();
        s.perform(Action::Signal { name: "ScanSignal".into(), input: Some(r#"{"location":"O'Hare"}"#.into()) }).unwrap();
        s.perform(Action::AdvanceNext).unwrap();
        s.perform(Action::AdvanceBy { by: Duration::from_millis(1500) }).unwrap();
        s.perform(Action::Query { name: "current_status".into() }).unwrap();
        let script = s.replay_script();
        assert!(script.starts_with("#!/bin/sh\n"));
        let lines: Vec<&str> = script.lines().filter(|l| is_command(l)).collect();
        assert_eq!(lines.len(), 5, "{script}");
        assert!(lines[0].starts_with("cadence --domain cadence-workshop wf start --tasklist tasklist"), "{}", lines[0]);
        assert_eq!(
            lines[1],
            r#"cadence --domain cadence-workshop wf signal --name ScanSignal --workflow_id Order123 --input '{"location":"O'\''Hare"}'"#
        );
        assert_eq!(lines[2], "sleep 1", "the payment retry came due after 1s");
        assert_eq!(lines[3], "sleep 2", "1.5s rounds up");
        // Each sleep says the move once, and what it made due.
        assert!(script.contains("\n# clock moved 1s\nsleep 1\n"), "{script}");
        assert!(script.contains("\n# clock moved 1.500s\nsleep 2\n"), "{script}");
        assert!(lines[4].contains("wf query --query_type current_status"));
        assert_eq!(commands(&s).len(), 3);
        let last = last_command(&s).unwrap();
        assert!(last.command.contains("wf query") && !last.older_than_step);
        s.perform(Action::AdvanceBy { by: Duration::from_secs(1) }).unwrap();
        let last = last_command(&s).unwrap();
        assert!(last.older_than_step, "a clock move has no command: the query's is older");
        assert!(last.provenance(s.cursor()).starts_with(&format!("from step {}", last.step)));
        // Rewound, the script stops at the cursor.
        s.seek(1);
        assert_eq!(s.replay_script().lines().filter(|l| is_command(l)).count(), 1);
    }

    #[test]
    fn the_script_names_the_worker_that_answers_as_the_session_did() {
        let config = SessionConfig {
            seed: 7,
            postal: crate::postal::PostalConfig { chapter: crate::postal::Chapter::Loop, timer_unit: Duration::from_secs(5) },
        };
        let script = Session::new(config).replay_script();
        assert!(script.contains("\n#   cargo run --bin bridge -- worker --chapter loop --timer-unit 5s --seed 7\n"), "{script}");
    }

    #[test]
    fn the_shell_hands_each_input_to_the_cli_byte_for_byte() {
        let tricky = r#"{"location":"a'b\"c $HOME `x` \\ ü"}"#;
        let mut s = Session::new(SessionConfig::default());
        s.perform(Session::workshop_start()).unwrap();
        s.perform(Action::Signal { name: "ScanSignal".into(), input: Some(tricky.into()) }).unwrap();
        s.perform(Action::AdvanceNext).unwrap();
        // A stand-in `cadence` that prints its arguments, one per line, and a `sleep` that records.
        let script =
            s.replay_script().replacen("set -eu\n", "set -eu\ncadence() { printf '%s\\n' \"$@\"; }\nsleep() { echo \"slept $1\"; }\n", 1);
        let out = std::process::Command::new("sh").arg("-c").arg(&script).output().expect("sh runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let args: Vec<String> = String::from_utf8(out.stdout).unwrap().lines().map(str::to_owned).collect();
        assert!(args.contains(&tricky.to_owned()), "{args:?}");
        assert!(args.contains(&"slept 1".to_owned()), "{args:?}");
    }
}

//! The `cadence` CLI command equivalent to each action, in the workshop's syntax, so a
//! participant can replay what they did here against a real server.

use super::action::Action;
use crate::postal::{DOMAIN, TASK_LIST};

/// Quotes a value for a POSIX shell (single quotes; `'` written as `'\''`).
pub fn shell_quote(s: &str) -> String {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_./:@%+=,".contains(&b)) {
        return s.to_owned();
    }
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The longest argument Linux passes to a program, in bytes (`MAX_ARG_STRLEN`, 128 KiB
/// with its closing NUL): a longer `--input` cannot be typed, only read from a file.
pub const MAX_ARGUMENT: usize = 128 * 1024 - 1;

/// `--input` with its value, or, for a value no command line takes, the CLI's
/// `--input_file` with a note saying what the file must hold.
fn input_flag(input: &str) -> String {
    if input.len() <= MAX_ARGUMENT {
        return format!(" --input {}", shell_quote(input));
    }
    format!(
        " --input_file input.json  # input.json holds the {}-byte input: a command line takes at most {} bytes in one argument",
        crate::count::grouped(input.len() as u64),
        crate::count::grouped(MAX_ARGUMENT as u64)
    )
}

/// The command for an action on workflow `workflow_id` of type `workflow_type`, or
/// `None` for actions only the simulator has (steps and clock moves).
pub fn command(action: &Action, workflow_type: &str, workflow_id: &str) -> Option<String> {
    let base = format!("cadence --domain {DOMAIN} wf");
    match action {
        Action::Start { workflow_id, input, execution_timeout } => Some(format!(
            "{base} start --tasklist {TASK_LIST} --execution_timeout {} --workflow_type {workflow_type} --workflow_id {}{}",
            execution_timeout.as_secs(),
            shell_quote(workflow_id),
            input_flag(input)
        )),
        Action::Signal { name, input } => {
            let mut c = format!("{base} signal --name {} --workflow_id {}", shell_quote(name), shell_quote(workflow_id));
            if let Some(i) = input {
                c.push_str(&input_flag(i));
            }
            Some(c)
        }
        Action::Query { name } => {
            Some(format!("{base} query --query_type {} --workflow_id {}", shell_quote(name), shell_quote(workflow_id)))
        }
        Action::Terminate { reason } => {
            let mut c = format!("{base} terminate --workflow_id {}", shell_quote(workflow_id));
            if !reason.is_empty() {
                c.push_str(&format!(" --reason {}", shell_quote(reason)));
            }
            Some(c)
        }
        Action::Cancel { reason } => {
            let mut c = format!("{base} cancel --workflow_id {}", shell_quote(workflow_id));
            if !reason.is_empty() {
                c.push_str(&format!(" --reason {}", shell_quote(reason)));
            }
            Some(c)
        }
        Action::Step | Action::Run | Action::AdvanceNext | Action::AdvanceBy { .. } => None,
    }
}

/// What the `cadence` CLI checks of an `--input` before it sends anything: one or more
/// JSON values, separated by white space. A server takes any bytes; the CLI refuses
/// the rest, so the simulator refuses them with the same reason.
pub fn check_input(input: &str) -> Result<(), String> {
    let mut values = serde_json::Deserializer::from_str(input).into_iter::<serde::de::IgnoredAny>();
    let mut count = 0;
    for v in &mut values {
        v.map_err(|e| format!("input is not valid JSON ({e}); the cadence CLI refuses it before it reaches the server"))?;
        count += 1;
    }
    if count == 0 && !input.trim().is_empty() {
        return Err("input is not valid JSON; the cadence CLI refuses it before it reaches the server".into());
    }
    Ok(())
}

/// `cadence wf show`: the history, as Cadence Web or the CLI would show it.
pub fn show(workflow_id: &str) -> String {
    format!("cadence --domain {DOMAIN} wf show --workflow_id {}", shell_quote(workflow_id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn commands_match_the_workshop_syntax() {
        let start = Action::Start {
            workflow_id: "Order123".into(),
            input: r#"{"id":"Order123", "customer": "Cadence"}"#.into(),
            execution_timeout: Duration::from_secs(600),
        };
        assert_eq!(
            command(&start, "OrderProcessingWorkflowComplete", "Order123").unwrap(),
            r#"cadence --domain cadence-workshop wf start --tasklist tasklist --execution_timeout 600 --workflow_type OrderProcessingWorkflowComplete --workflow_id Order123 --input '{"id":"Order123", "customer": "Cadence"}'"#
        );
        let scan = Action::Signal { name: "ScanSignal".into(), input: Some(r#"{"location":"delft"}"#.into()) };
        assert_eq!(
            command(&scan, "", "Order123").unwrap(),
            r#"cadence --domain cadence-workshop wf signal --name ScanSignal --workflow_id Order123 --input '{"location":"delft"}'"#
        );
        let delivered = Action::Signal { name: "DeliveredSignal".into(), input: None };
        assert_eq!(
            command(&delivered, "", "Order123").unwrap(),
            "cadence --domain cadence-workshop wf signal --name DeliveredSignal --workflow_id Order123"
        );
        let query = Action::Query { name: "current_status".into() };
        assert_eq!(
            command(&query, "", "Order123").unwrap(),
            "cadence --domain cadence-workshop wf query --query_type current_status --workflow_id Order123"
        );
        let terminate = Action::Terminate { reason: "lost in the post".into() };
        assert_eq!(
            command(&terminate, "", "Order123").unwrap(),
            "cadence --domain cadence-workshop wf terminate --workflow_id Order123 --reason 'lost in the post'"
        );
        assert_eq!(command(&Action::Step, "", "x"), None);
    }

    #[test]
    fn an_input_no_command_line_takes_is_given_as_a_file() {
        let signal = |n: usize| Action::Signal { name: "ScanSignal".into(), input: Some(format!("\"{}\"", "x".repeat(n - 2))) };
        let typed = command(&signal(MAX_ARGUMENT), "", "Order123").unwrap();
        assert!(typed.ends_with("xx\"'"), "{}", &typed[typed.len() - 20..]);
        let filed = command(&signal(MAX_ARGUMENT + 1), "", "Order123").unwrap();
        assert_eq!(
            filed,
            "cadence --domain cadence-workshop wf signal --name ScanSignal --workflow_id Order123 --input_file input.json  # \
             input.json holds the 131,072-byte input: a command line takes at most 131,071 bytes in one argument"
        );
    }

    #[test]
    fn input_is_checked_as_the_cli_checks_it() {
        for ok in [r#"{"location":"Delft"}"#, "[1,2,3]", r#""Delft""#, "{}", "1 2", ""] {
            assert_eq!(check_input(ok), Ok(()), "{ok}");
        }
        for bad in [r#"{"location":"#, "Delft", "{} ]"] {
            assert!(check_input(bad).unwrap_err().contains("not valid JSON"), "{bad}");
        }
    }

    #[test]
    fn quotes_survive_the_shell() {
        assert_eq!(shell_quote(r#"{"location":"O'Hare"}"#), r#"'{"location":"O'\''Hare"}'"#);
        assert_eq!(shell_quote("Order123"), "Order123");
        assert_eq!(shell_quote(""), "''");
    }
}

//! Chapter 6: the `current_status` query, compared answer by answer with the
//! reference's, and the refusals a misnamed or late handler gets.

use super::read::unread_count;
use super::{Ctx, Track};
use crate::workshop::checks::StepResult;

pub(super) fn query_chapter(c: &Ctx<'_>) -> Option<String> {
    let pairs: Vec<(usize, &StepResult, &StepResult)> =
        c.yours.steps.iter().zip(&c.reference.steps).enumerate().map(|(i, (y, r))| (i, y, r)).collect();
    let refused: Vec<&(usize, &StepResult, &StepResult)> =
        pairs.iter().filter(|(_, y, r)| matches!(r, StepResult::Answer(_)) && matches!(y, StepResult::Refused(_))).collect();
    let answered = pairs.iter().any(|(_, y, r)| matches!(r, StepResult::Answer(_)) && matches!(y, StepResult::Answer(_)));
    if !refused.is_empty() {
        let why = match refused[0].1 {
            StepResult::Refused(w) => w.clone(),
            _ => String::new(),
        };
        if answered && c.check.name == "status-while-paying" {
            return Some(format!(
                "the current_status query failed while the payment was being retried ({why}): register the query handler \
                 before the first activity, at the top of the workflow"
            ));
        }
        if !answered {
            let known = known_query_types(&why);
            if known.is_empty() {
                return Some(format!("the workflow does not answer current_status ({why}): register a query handler for it"));
            }
            let (handlers, one) = if known.len() == 1 { ("handler is", "it") } else { ("handlers are", "one") };
            return Some(format!(
                "the workflow does not answer current_status: its query {handlers} registered as {} (the workflow knows \
                 the query types {}). Register {one} as \"current_status\", exactly: the name a query asks for must \
                 match, case and underscore included",
                known.iter().map(|k| format!("\"{k}\"")).collect::<Vec<_>>().join(", "),
                known_list(&why)
            ));
        }
    }
    for (_, y, r) in &pairs {
        let (StepResult::Answer(y), StepResult::Answer(r)) = (y, r) else { continue };
        let (Ok(yv), Ok(rv)) = (serde_json::from_str::<serde_json::Value>(y), serde_json::from_str::<serde_json::Value>(r)) else {
            continue;
        };
        if yv == rv {
            continue;
        }
        let shape_ok = yv.get("delivered").is_some_and(serde_json::Value::is_boolean)
            && yv.get("locationHistory").is_some_and(serde_json::Value::is_array);
        if !shape_ok {
            return Some(format!(
                "current_status answered {yv}; the workshop's answer has the shape {{\"delivered\": false, \"locationHistory\": \
                 [\"Aarhus\", ...]}}"
            ));
        }
        if yv["locationHistory"] != rv["locationHistory"] {
            let answered =
                format!("current_status answered {} where the package had been at {}", yv["locationHistory"], rv["locationHistory"]);
            let unread_scans = c.yours.unread.as_deref().is_some_and(|u| unread_count(u, "ScanSignal") > 0);
            return Some(match c.track {
                Track::Rust if unread_scans => format!(
                    "{answered}: the scans were never read, they are still in the ScanSignal channel. Your code waits for \
                     them on a channel of another name: it must be \"ScanSignal\" exactly, case included"
                ),
                Track::Rust => format!(
                    "{answered}: the handler must read the workflow's current state (shared with the loop, e.g. in an \
                     Rc<RefCell<..>>), not a copy made when it was registered"
                ),
                // A real server's history cannot tell a scan read into a copy from one never read.
                Track::Go => format!(
                    "{answered}: either the handler returns a copy made when it was registered (it must read the \
                     variables the loop appends to, which its closure captures), or the code never reads the scans: \
                     the channel it waits on must be named \"ScanSignal\" exactly, case included (a Go worker logs \
                     \"Workflow has unhandled signals\" for signals it never read)"
                ),
            });
        }
        if yv["delivered"] != rv["delivered"] {
            return Some(format!(
                "current_status says delivered: {} after DeliveredSignal: set delivered in the state the handler reads",
                yv["delivered"]
            ));
        }
    }
    None
}

/// The query types an "unknown queryType" refusal lists (`KnownQueryTypes=[a b]`, as the
/// Go client and the simulator both write it).
pub(super) fn known_list(why: &str) -> String {
    let list = why.split_once("KnownQueryTypes=[").and_then(|(_, rest)| rest.split_once(']')).map_or("", |(l, _)| l);
    list.split_whitespace().collect::<Vec<_>>().join(", ")
}

/// The participant's own query types in such a refusal: not the SDK's built-in ones
/// (`__stack_trace`, `__open_sessions`, `__query_types`).
pub(super) fn known_query_types(why: &str) -> Vec<String> {
    if !why.contains("unknown queryType") {
        return Vec::new();
    }
    known_list(why).split(", ").filter(|k| !k.is_empty() && !k.starts_with("__")).map(str::to_owned).collect()
}

//! Chapters 3 to 5: one scan, scans in a loop, and the delivery that ends it; what a
//! workflow that does not wait, does not loop or does not read a channel looks like.

use super::read::{completed_or_failed_before, signals, status, unread_count};
use super::{Ctx, Track};
use crate::history::EventType;
use crate::workshop::checks::StepResult;

/// After shipping, the workflow closed though the reference waited for a signal.
pub(super) fn closed_without_waiting(c: &Ctx<'_>, signal: &str) -> bool {
    let h = c.mine();
    let closed = status(h) == "completed";
    let mine_signals = signals(h, signal);
    closed
        && (mine_signals.is_empty() || mine_signals.iter().all(|&i| completed_or_failed_before(h, i)))
        && status(&c.reference.history) != "completed"
        || closed
            && c.reference
                .steps
                .iter()
                .zip(&c.yours.steps)
                .any(|(r, y)| matches!(r, StepResult::Done) && matches!(y, StepResult::Refused(_)))
            && !signals(&c.reference.history, signal).is_empty()
            && signals(h, signal).len() < signals(&c.reference.history, signal).len()
}

pub(super) fn scan_once_chapter(c: &Ctx<'_>) -> Option<String> {
    let h = c.mine();
    if closed_without_waiting(c, "ScanSignal") || (status(h) == "completed" && signals(h, "ScanSignal").is_empty()) {
        let how = match c.track {
            Track::Rust => "receive().await waits; try_receive, Go's ReceiveAsync, does not",
            Track::Go => "Receive waits; ReceiveAsync does not",
        };
        return Some(format!(
            "the workflow completed right after shipping without waiting for a scan: it must wait until a ScanSignal arrives \
             ({how})"
        ));
    }
    if status(h) == "running" && status(&c.reference.history) == "completed" && !signals(h, "ScanSignal").is_empty() {
        if c.waits_on("ScanSignal") == Some(false) {
            return Some(format!(
                "the workflow is still waiting after the ScanSignal arrived, but not for a ScanSignal (it waits for {}): \
                 check the channel's name, the workshop's signal is \"ScanSignal\"",
                c.waiting_for()
            ));
        }
        if c.track == Track::Go {
            // No stack trace from a real server: whether the code read the signal
            // cannot be told, only that the signal reached the workflow.
            return Some(
                "the workflow is still running after the scan, though the ScanSignal reached it (the history shows \
                 WorkflowExecutionSignaled, signal ScanSignal). If your code waits on a signal channel of another name, \
                 it never gets this one: the name must match exactly, case included (\"ScanSignal\", not \"scanSignal\"). \
                 If it does read ScanSignal: add the location to the list and return"
                    .into(),
            );
        }
        return Some("the workflow is still running after the scan: read one ScanSignal, add its location to the list and return".into());
    }
    None
}

pub(super) fn loop_chapter(c: &Ctx<'_>) -> Option<String> {
    let h = c.mine();
    if status(h) == "completed" && status(&c.reference.history) == "running" {
        // The scans that reached the workflow before it closed, less those left unread.
        let sent = signals(h, "ScanSignal").into_iter().filter(|&i| !completed_or_failed_before(h, i)).count();
        let unread = c.yours.unread.as_deref().map_or(0, |u| unread_count(u, "ScanSignal"));
        let read = sent.saturating_sub(unread);
        return Some(if read <= 1 {
            "the workflow completed after the first scan: a package is scanned many times on its way. Keep calling select in \
             a loop"
                .into()
        } else {
            format!(
                "the workflow completed after reading {read} scans: a package is scanned any number of times on its way, so \
                 the loop must not stop after a count of scans. Keep calling select in a loop that does not end (from \
                 chapter 5 on, only DeliveredSignal ends it)"
            )
        });
    }
    if let Some(trace) = &c.yours.stack_trace
        && trace.contains("unread in the channel")
        && status(h) == "running"
    {
        return Some(format!(
            "scans are left unread in the ScanSignal channel while the workflow waits for {}: every select handles one \
                 signal, so the loop must come back to select",
            c.waiting_for()
        ));
    }
    None
}

pub(super) fn delivered_chapter(c: &Ctx<'_>) -> Option<String> {
    let h = c.mine();
    let delivered = signals(h, "DeliveredSignal");
    if status(h) == "running" && status(&c.reference.history) == "completed" && !delivered.is_empty() {
        return Some(match c.waits_on("DeliveredSignal") {
            Some(false) => format!(
                "the workflow does not read DeliveredSignal: it is still running and waits for {}. Add a receive case for \
                 the channel \"DeliveredSignal\" (named exactly so) to the selector",
                c.waiting_for()
            ),
            // Without a stack trace (a real server's run) the history cannot tell whether the code reads the channel.
            reads => format!(
                "the workflow is still running after DeliveredSignal: delivered must end the loop (loop while not \
                 delivered, then return the result){}",
                if reads.is_some() {
                    ""
                } else {
                    ". The signal did reach the workflow (WorkflowExecutionSignaled, signal DeliveredSignal): if your \
                     selector has no case for a channel named exactly \"DeliveredSignal\" (case included), your code \
                     never gets it"
                }
            ),
        });
    }
    if status(h) == "completed" && delivered.is_empty() {
        return Some("the workflow completed without a DeliveredSignal: only delivery ends the loop".into());
    }
    None
}

/// Scans that waited beside the delivery and were never read, though the workflow
/// completed as the reference's did: when both channels hold a signal, select takes
/// the case added first, and the selector has the DeliveredSignal case before the
/// ScanSignal case. The Rust track knows the signals left unread; the Go track sees
/// it in a query answered after completion that lacks the locations.
pub(super) fn scan_lost_to_the_delivery(c: &Ctx<'_>) -> Option<String> {
    let h = c.mine();
    if status(h) != "completed" || status(&c.reference.history) != "completed" {
        return None;
    }
    let delivered = *signals(h, "DeliveredSignal").first()?;
    let scans: Vec<usize> = signals(h, "ScanSignal").into_iter().filter(|&i| i < delivered).collect();
    if scans.is_empty() {
        return None;
    }
    let lost: Vec<usize> = match (&c.yours.unread, &c.reference.unread) {
        (Some(mine), Some(theirs)) => {
            let n = unread_count(mine, "ScanSignal").saturating_sub(unread_count(theirs, "ScanSignal"));
            // A channel is read in order: the scans left are the last ones.
            scans[scans.len().saturating_sub(n)..].to_vec()
        }
        _ => {
            let missing = missing_locations(c);
            scans.iter().copied().filter(|&i| missing.contains(&scan_location(&h[i]))).collect()
        }
    };
    if lost.is_empty() {
        return None;
    }
    let names = |scans: &[usize]| -> (String, &'static str) {
        let at: Vec<String> = scans.iter().map(|&i| scan_location(&h[i])).collect();
        if at.len() == 1 { (format!("the scan in {}", at[0]), "it") } else { (format!("{} scans ({})", at.len(), at.join(", ")), "they") }
    };
    // A scan a decision task saw in the loop, before the delivery came, was the only
    // thing to select then: whatever the cases' order, code reading that channel takes
    // it. Not read, it was never the channel the code waits on. (The loop starts once
    // shipProduct has completed: before that, the code waits on the activities.)
    let looping = shipped(h).unwrap_or(delivered);
    let alone: Vec<usize> = lost
        .iter()
        .copied()
        .filter(|&i| {
            h.get(i.max(looping)..delivered).is_some_and(|between| between.iter().any(|e| e.event_type() == EventType::DecisionTaskStarted))
        })
        .collect();
    if !alone.is_empty() {
        let (what, it) = names(&alone);
        // The Rust track knows the scans are still in the channel; a real server's history
        // cannot tell a scan never read from one read and not added to the list.
        let otherwise = match c.track {
            Track::Go => {
                " (a Go worker logs \"Workflow has unhandled signals\" with the names of the signals it never read). If it \
                 does read ScanSignal, it does not add the location to the list current_status returns"
            }
            Track::Rust => "",
        };
        return Some(format!(
            "the workflow never read {what}: a decision task ran after {it} arrived and before DeliveredSignal did, with \
             nothing else to select, and the location is still missing. The signal reached the workflow \
             (WorkflowExecutionSignaled, signal ScanSignal), so your code waits for scans on a channel of another name: it \
             must be \"ScanSignal\" exactly, case included{otherwise}"
        ));
    }
    let (what, it) = names(&lost);
    Some(format!(
        "the workflow completed without reading {what}: {it} waited in the ScanSignal channel next to the \
         DeliveredSignal, and the delivery ended the loop first. When both channels already hold a signal, select takes \
         the case that was added to the selector first: yours has the DeliveredSignal case before the ScanSignal case \
         (or reads DeliveredSignal before it selects). Add the ScanSignal case first, then the DeliveredSignal case: a scan waiting beside the delivery is then \
         read before the loop ends, and no location is lost"
    ))
}

/// Where shipProduct's completion is in the history: the workflow's loop starts after it.
fn shipped(h: &[crate::history::HistoryEvent]) -> Option<usize> {
    let ship = super::read::activities(h).into_iter().find(|a| a.activity_type == super::NAMES.ship_product)?;
    let scheduled = h[ship.at].event_id;
    h.iter().position(
        |e| matches!(&e.attributes, crate::history::EventAttributes::ActivityTaskCompleted(a) if a.scheduled_event_id == scheduled),
    )
}

/// The location a ScanSignal event carries, read as the workflow reads it, or "an
/// unreadable location".
fn scan_location(e: &crate::history::HistoryEvent) -> String {
    match &e.attributes {
        crate::history::EventAttributes::WorkflowExecutionSignaled(s) => s
            .input
            .as_ref()
            .and_then(|p| p.decode::<crate::postal::ScanSignal>().ok())
            .map_or_else(|| "an unreadable location".into(), |scan| scan.location),
        _ => String::new(),
    }
}

/// The locations the reference's answer to a query lists after delivery and yours
/// lacks at its end, where both say delivered and yours is the start of the
/// reference's list.
fn missing_locations(c: &Ctx<'_>) -> Vec<String> {
    let json = |s: &StepResult| match s {
        StepResult::Answer(a) => serde_json::from_str::<serde_json::Value>(a).ok(),
        _ => None,
    };
    let list = |v: &serde_json::Value| -> Option<Vec<String>> {
        v.get("locationHistory")?.as_array()?.iter().map(|l| l.as_str().map(str::to_owned)).collect()
    };
    for (y, r) in c.yours.steps.iter().zip(&c.reference.steps) {
        let (Some(y), Some(r)) = (json(y), json(r)) else { continue };
        let delivered = |v: &serde_json::Value| v.get("delivered").and_then(serde_json::Value::as_bool) == Some(true);
        let (Some(mine), Some(theirs)) = (list(&y), list(&r)) else { continue };
        if delivered(&y) && delivered(&r) && mine.len() < theirs.len() && theirs.starts_with(&mine) {
            return theirs[mine.len()..].to_vec();
        }
    }
    Vec::new()
}

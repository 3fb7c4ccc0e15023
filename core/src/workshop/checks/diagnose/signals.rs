//! Chapters 3 to 5: one scan, scans in a loop, and the delivery that ends it; what a
//! workflow that does not wait, does not loop or does not read a channel looks like.

use super::read::{completed_or_failed_before, signals, status};
use super::{Ctx, Track};
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
        let unread = c.yours.unread.as_ref().and_then(|u| u.iter().find(|(name, _)| name == "ScanSignal")).map_or(0, |(_, n)| *n);
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

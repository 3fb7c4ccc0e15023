//! Cadence's size limit on one payload (`limit.blobSize.error` in the server's dynamic
//! config, 2 MiB unless changed): a start's or a signal's input over it is refused at
//! the server's door, and a decision that carries one (an activity's input, the
//! workflow's result or failure) fails the whole workflow. (A query's answer never
//! meets it: the Go client fails an answer over 2,000,000 bytes itself,
//! [`QUERY_RESULT_SIZE_LIMIT`](crate::runtime::QUERY_RESULT_SIZE_LIMIT).) Checked as
//! the v1.4.1 server checks them (`common.CheckEventBlobSizeLimit`): a payload of
//! exactly the limit passes.
//!
//! Beside it, the server's limit on a workflow ID's and a signal name's length
//! (`limit.workflowIDLength`, `limit.signalNameLength`), counted in bytes: an ID typed
//! in a hurry or pasted whole is refused before anything is written.

use crate::decision::Decision;
use crate::payload::Payload;

/// The largest payload the server takes, in bytes.
pub const BLOB_SIZE_LIMIT: usize = 2 * 1024 * 1024;

/// The server's words for a refused request (a `BadRequestError`).
pub const BLOB_SIZE_EXCEEDS_LIMIT: &str = "Blob data size exceeds limit.";

/// The failure reason of a workflow the server failed for a decision's payload.
pub const DECISION_BLOB_SIZE_EXCEEDS_LIMIT: &str = "DECISION_BLOB_SIZE_EXCEEDS_LIMIT";

/// The longest workflow ID and signal name the server takes, in bytes (UTF-8).
pub const ID_LENGTH_LIMIT: usize = 1000;

/// The server's words for a workflow ID over [`ID_LENGTH_LIMIT`] (a `BadRequestError`).
pub const WORKFLOW_ID_TOO_LONG: &str = "WorkflowID length exceeds limit.";

/// The server's words for a signal name over [`ID_LENGTH_LIMIT`].
pub const SIGNAL_NAME_TOO_LONG: &str = "SignalName length exceeds limit.";

/// The length of `id` in bytes when it is over [`ID_LENGTH_LIMIT`]; the server counts
/// bytes, so 334 three-byte characters are too many.
pub fn too_long(id: &str) -> Option<usize> {
    Some(id.len()).filter(|&n| n > ID_LENGTH_LIMIT)
}

/// The size of `payload` when it is over the limit.
pub fn oversized(payload: Option<&Payload>) -> Option<usize> {
    payload.map(|p| p.as_bytes().len()).filter(|&n| n > BLOB_SIZE_LIMIT)
}

/// The server's words when `decision` carries a payload over the limit. It then writes
/// `WorkflowExecutionFailed` with them in the decision's place and applies no decision
/// after it; those before it stand.
pub fn decision_over_limit(decision: &Decision) -> Option<&'static str> {
    let (size, words) = match decision {
        Decision::ScheduleActivityTask(a) => {
            (a.input.as_ref().map(|p| p.as_bytes().len()), "ScheduleActivityTaskDecisionAttributes.Input exceeds size limit.")
        }
        Decision::CompleteWorkflowExecution(c) => {
            (c.result.as_ref().map(|p| p.as_bytes().len()), "CompleteWorkflowExecutionDecisionAttributes.Result exceeds size limit.")
        }
        Decision::FailWorkflowExecution(f) => {
            (f.failure.as_ref().map(|f| f.details.len()), "FailWorkflowExecutionDecisionAttributes.Details exceeds size limit.")
        }
        Decision::StartTimer(_) | Decision::CancelTimer(_) | Decision::RequestCancelActivityTask(_) => return None,
    };
    size.filter(|&n| n > BLOB_SIZE_LIMIT).map(|_| words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payload_of_exactly_the_limit_passes_and_one_byte_more_does_not() {
        assert_eq!(oversized(Some(&Payload::from_bytes(vec![b'x'; BLOB_SIZE_LIMIT]))), None);
        assert_eq!(oversized(Some(&Payload::from_bytes(vec![b'x'; BLOB_SIZE_LIMIT + 1]))), Some(BLOB_SIZE_LIMIT + 1));
        assert_eq!(oversized(None), None);
    }

    #[test]
    fn an_id_is_measured_in_bytes_as_the_server_measures_it() {
        assert_eq!(too_long(&"x".repeat(ID_LENGTH_LIMIT)), None);
        assert_eq!(too_long(&"é".repeat(500)), None);
        assert_eq!(too_long(&"東".repeat(334)), Some(1002));
    }
}

//! Cadence's size limit on one payload (`limit.blobSize.error` in the server's dynamic
//! config, 2 MiB unless changed): a start's or a signal's input over it is refused at
//! the server's door, and a decision that carries one (an activity's input, the
//! workflow's result or failure) fails the whole workflow. (A query's answer never
//! meets it: the Go client fails an answer over 2,000,000 bytes itself,
//! [`QUERY_RESULT_SIZE_LIMIT`](crate::runtime::QUERY_RESULT_SIZE_LIMIT).) Checked as
//! the v1.4.1 server checks them (`common.CheckEventBlobSizeLimit`): a payload of
//! exactly the limit passes.

use crate::decision::Decision;
use crate::payload::Payload;

/// The largest payload the server takes, in bytes.
pub const BLOB_SIZE_LIMIT: usize = 2 * 1024 * 1024;

/// The server's words for a refused request (a `BadRequestError`).
pub const BLOB_SIZE_EXCEEDS_LIMIT: &str = "Blob data size exceeds limit.";

/// The failure reason of a workflow the server failed for a decision's payload.
pub const DECISION_BLOB_SIZE_EXCEEDS_LIMIT: &str = "DECISION_BLOB_SIZE_EXCEEDS_LIMIT";

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
}

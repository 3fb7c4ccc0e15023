//! What can go wrong talking to a Cadence frontend, in words a user can act on.
//!
//! The HTTP API answers errors as `text/plain` with the yarpc code in the
//! `Rpc-Error-Code` header and the Cadence error type in `Rpc-Application-Error-Name`
//! (cadence-semantics.md §5.4); we map those to the cases people tell apart.

use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum BridgeError {
    /// Nothing listens, or the connection broke: the server is down or the URL is wrong.
    #[error("Cadence server not reachable at {url} ({reason}); is it running? (scripts/cadence-dev.sh up, or docker compose up -d)")]
    Unreachable { url: String, reason: String },
    /// Something answers at the URL, but not Cadence's HTTP API: another of the server's
    /// ports (gRPC, tchannel), or another program.
    #[error(
        "{url} answers, but not as Cadence's HTTP API ({reason}); on the dev server the HTTP API is \
         http://127.0.0.1:8800 (7833 is gRPC and 7933 tchannel, for the cadence CLI)"
    )]
    NotHttpApi { url: String, reason: String },
    /// The call did not finish within its deadline.
    #[error("{procedure}: no answer within {after:?} (deadline exceeded)")]
    Timeout { procedure: String, after: Duration },
    #[error("not found: {0}")]
    NotFound(String),
    /// The workflow exists but has closed (completed, failed, timed out, terminated):
    /// the server says "not found" with "Workflow execution already completed." for
    /// any of them, which reads as if the ID were wrong.
    #[error("the workflow has closed, it takes no more signals or changes: {0}")]
    Closed(String),
    /// The ID is taken: by a running workflow, or by a closed run the reuse policy
    /// keeps (the server's text says which), so not always "already started".
    #[error("workflow ID in use: {0}")]
    AlreadyStarted(String),
    #[error("already exists: {0}")]
    AlreadyExists(String),
    /// A cancel request to a running workflow that has one already (the server keeps the
    /// first): its words alone, "cancellation already requested for this workflow
    /// execution", which a generic "already exists:" before them would only blur.
    #[error("{0}")]
    CancelAlreadyRequested(String),
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The procedure is not on the server's HTTP allow-list (a plain Go 404 page).
    #[error("{0} is not served over HTTP by this server: add it to services.frontend.rpc.http.procedures")]
    NotAllowed(String),
    #[error("query failed: {0}")]
    QueryFailed(String),
    #[error("server busy (rate limited): {0}")]
    Busy(String),
    #[error("server error ({code}, HTTP {status}): {message}")]
    Server { code: String, status: u16, message: String },
    /// The server answered 200 with JSON we cannot read.
    #[error("{procedure}: unreadable response: {reason}")]
    Decode { procedure: String, reason: String },
    /// Anything the user gave us that cannot be sent.
    #[error("{0}")]
    Invalid(String),
}

impl BridgeError {
    /// Worth retrying later: the server is away or overloaded, not refusing the request.
    pub fn is_transient(&self) -> bool {
        matches!(self, BridgeError::Unreachable { .. } | BridgeError::Timeout { .. } | BridgeError::Busy(_))
            || matches!(self, BridgeError::Server { code, .. } if code == "unavailable" || code == "internal" || code == "unknown")
    }

    /// Why a workflow ID is in use, as the server's first sentence says it ("Workflow
    /// execution is already running", "... already finished successfully"), without
    /// the IDs and the reuse policy it appends: short enough for a form's error line.
    pub fn id_in_use_reason(&self) -> Option<&str> {
        let BridgeError::AlreadyStarted(m) = self else { return None };
        Some(m.split(". WorkflowId").next().unwrap_or(m).trim_end_matches('.'))
    }

    /// Maps one HTTP error answer from the frontend.
    pub fn from_response(procedure: &str, status: u16, code: Option<&str>, app_error: Option<&str>, body: &str) -> BridgeError {
        let message = body.trim().to_owned();
        match (code, app_error) {
            (None, _) if status == 404 => BridgeError::NotAllowed(procedure.to_owned()),
            (_, Some("WorkflowExecutionAlreadyStartedError")) => BridgeError::AlreadyStarted(message),
            (_, Some("QueryFailedError")) => BridgeError::QueryFailed(message),
            (_, Some("CancellationAlreadyRequestedError")) => BridgeError::CancelAlreadyRequested(message),
            (Some("not-found"), _) if message.contains("already completed") => BridgeError::Closed(message),
            (Some("not-found"), _) => BridgeError::NotFound(message),
            (Some("already-exists"), _) => BridgeError::AlreadyExists(message),
            (Some("invalid-argument") | Some("failed-precondition"), _) => BridgeError::BadRequest(message),
            (Some("resource-exhausted"), _) => BridgeError::Busy(message),
            (code, _) => BridgeError::Server { code: code.unwrap_or("none").to_owned(), status, message },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_errors_become_the_cases_users_tell_apart() {
        let e = BridgeError::from_response("P", 409, Some("already-exists"), Some("WorkflowExecutionAlreadyStartedError"), "started\n");
        assert!(matches!(e, BridgeError::AlreadyStarted(ref m) if m == "started"), "{e}");
        let e = BridgeError::AlreadyStarted(
            "Workflow execution already finished successfully. WorkflowId: Order123, RunId: 93fe. Workflow ID reuse policy: x.".into(),
        );
        assert_eq!(e.id_in_use_reason(), Some("Workflow execution already finished successfully"));
        let e = BridgeError::from_response("P", 404, Some("not-found"), Some("EntityNotExistsError"), "gone");
        assert!(e.to_string().starts_with("not found: gone"));
        let e =
            BridgeError::from_response("P", 404, Some("not-found"), Some("EntityNotExistsError"), "Workflow execution already completed.");
        assert!(matches!(e, BridgeError::Closed(_)) && !e.to_string().contains("not found"), "{e}");
        let e = BridgeError::from_response("uber.cadence.api.v1.X::Y", 404, None, None, "404 page not found");
        assert!(e.to_string().contains("allow-list") || e.to_string().contains("procedures"), "{e}");
        assert!(matches!(BridgeError::from_response("P", 400, Some("invalid-argument"), None, "x"), BridgeError::BadRequest(_)));
        // As the dev server answers a second cancel request (a new request ID) to a running workflow.
        let e = BridgeError::from_response(
            "P",
            409,
            Some("already-exists"),
            Some("CancellationAlreadyRequestedError"),
            "cancellation already requested for this workflow execution",
        );
        assert!(matches!(e, BridgeError::CancelAlreadyRequested(_)), "{e:?}");
        assert_eq!(e.to_string(), "cancellation already requested for this workflow execution");
        assert!(!e.is_transient());
        assert!(BridgeError::from_response("P", 503, Some("unavailable"), None, "x").is_transient());
        assert!(!BridgeError::BadRequest("x".into()).is_transient());
    }
}

//! Signal channels (Go's `workflow.GetSignalChannel`): FIFO buffers per signal name
//! that never drop a value, including values that arrived before the code asked for
//! the channel.

use crate::text::Str;
use std::future::Future;
use std::marker::PhantomData;
use std::panic::Location;
use std::pin::Pin;
use std::task::{Context, Poll};

use serde::de::DeserializeOwned;

use super::WorkflowContext;
use super::wait::WaitOn;
use crate::payload::Payload;

pub struct SignalChannel<T> {
    pub(crate) ctx: WorkflowContext,
    pub(crate) name: Str,
    /// Where the channel lives in the run's state.
    pub(crate) index: usize,
    _value: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> SignalChannel<T> {
    pub(crate) fn new(ctx: &WorkflowContext, name: &str) -> SignalChannel<T> {
        let name = Str::from(name);
        let index = ctx.state.borrow_mut().channel(&name);
        SignalChannel { ctx: ctx.clone(), name, index, _value: PhantomData }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Go's `c.Receive(ctx, &v)`: waits for the oldest value.
    #[track_caller]
    pub fn receive(&self) -> ReceiveFuture<'_, T> {
        ReceiveFuture { channel: self, at: Location::caller() }
    }

    /// Takes the oldest value the code can read, if there is one, without waiting
    /// (Go's `ReceiveAsync`): corrupt values on the way are dropped (see `decode`).
    pub fn try_receive(&self) -> Option<T> {
        loop {
            let payload = self.ctx.state.borrow_mut().pop_signal(self.index)?;
            if let Some(v) = self.decode(&payload) {
                return Some(v);
            }
        }
    }

    /// Decodes a received value. A payload the code cannot read is dropped with an
    /// error in the workflow's log, as the Go client does ("Corrupt signal received on
    /// channel"): the signal stays in history, the workflow goes on waiting for the
    /// next one. A server records any signal; what the code makes of it is the code's.
    /// (The Go client, v1.3.0, leaves the name out, "on channel . Error deserializing",
    /// as its signal channels are unnamed; the log here names it.)
    pub(crate) fn decode(&self, payload: &Payload) -> Option<T> {
        // A signal sent with no input has an empty payload: only code that ignores the
        // value (Go's `c.Receive(ctx, nil)`) takes it, as in Go.
        match payload.decode_or_ignore::<T>().map_err(|e| e.to_string()) {
            Ok(v) => Some(v),
            Err(e) => {
                let fields = serde_json::json!({ "error": e }).to_string();
                let message = format!("{CORRUPT_BEFORE}{}{CORRUPT_AFTER}", self.name);
                let mut s = self.ctx.state.borrow_mut();
                let line = crate::log::LogLine::workflow(s.now, crate::log::Level::Error, &message, &fields);
                s.log(line);
                None
            }
        }
    }
}

/// The log message of a signal dropped as corrupt, around its channel's name.
const CORRUPT_BEFORE: &str = "Corrupt signal received on channel ";
const CORRUPT_AFTER: &str = ". Error deserializing";

/// The channel a workflow log message says a signal was dropped on as corrupt, if it
/// is such a message (the checks name the mistake from it).
pub fn corrupt_signal_channel(message: &str) -> Option<&str> {
    message.strip_prefix(CORRUPT_BEFORE)?.strip_suffix(CORRUPT_AFTER)
}

impl<T> Clone for SignalChannel<T> {
    fn clone(&self) -> Self {
        SignalChannel { ctx: self.ctx.clone(), name: self.name.clone(), index: self.index, _value: PhantomData }
    }
}

#[must_use = "nothing is received unless you `.await` it"]
pub struct ReceiveFuture<'a, T> {
    channel: &'a SignalChannel<T>,
    at: &'static Location<'static>,
}

impl<T: DeserializeOwned> Future for ReceiveFuture<'_, T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<T> {
        let value = self.channel.try_receive();
        if value.is_none() {
            self.channel.ctx.state.borrow_mut().wait(self.at, WaitOn::Signal { channel: self.channel.name.clone() });
        }
        value.map_or(Poll::Pending, Poll::Ready)
    }
}

#[cfg(test)]
mod tests {
    use serde::de::IgnoredAny;

    use crate::payload::Payload;
    use crate::postal::ScanSignal;
    use crate::runtime::test_history::{replay_signals, workflow};

    /// A workflow that reads one scan and waits for delivery, ignoring its value (the
    /// workshop's `c.Receive(ctx, nil)`), after `signals`: the scan's location, if it
    /// came that far, and the log. The Go side of each case is in
    /// `cadence-dev/workshop/workshop_test.go`.
    fn scan_then_delivered(signals: &[(&str, &[u8])]) -> (Option<String>, Vec<String>) {
        let def = workflow("ScanThenDelivered", |ctx| async move {
            let scan = ctx.signal_channel::<ScanSignal>("ScanSignal").receive().await;
            ctx.signal_channel::<IgnoredAny>("DeliveredSignal").receive().await;
            Ok(Payload::encode(&scan.location))
        });
        let (result, logs) = replay_signals(&def, signals);
        (result.map(|r| r.decode::<String>().unwrap()), logs)
    }

    #[test]
    fn a_scan_sent_without_input_is_dropped_as_corrupt_and_the_next_is_read() {
        let (result, logs) =
            scan_then_delivered(&[("ScanSignal", b""), ("ScanSignal", b"{\"location\":\"Delft\"}\n"), ("DeliveredSignal", b"")]);
        assert_eq!(result.as_deref(), Some("Delft"));
        assert!(logs.iter().any(|m| m.starts_with("Corrupt signal received on channel ScanSignal")), "{logs:?}");
    }

    #[test]
    fn a_null_scan_is_a_scan_with_no_location() {
        let (result, logs) = scan_then_delivered(&[("ScanSignal", b"null"), ("DeliveredSignal", b"")]);
        assert_eq!(result.as_deref(), Some(""), "{logs:?}");
    }

    #[test]
    fn code_that_ignores_a_signals_value_takes_any_bytes() {
        let (result, logs) = scan_then_delivered(&[("ScanSignal", b"{}"), ("DeliveredSignal", b"not JSON at all")]);
        assert_eq!(result.as_deref(), Some(""), "{logs:?}");
        assert!(logs.iter().all(|m| !m.starts_with("Corrupt signal")), "{logs:?}");
    }
}

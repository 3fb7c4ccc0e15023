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
        let index = ctx.state.borrow_mut().channel(name);
        SignalChannel { ctx: ctx.clone(), name: name.into(), index, _value: PhantomData }
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
    /// (Go's `ReceiveAsync`): corrupt values on the way are dropped (see [`decode`]).
    ///
    /// [`decode`]: Self::decode
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
    pub(crate) fn decode(&self, payload: &Payload) -> Option<T> {
        // An empty payload is a signal sent with no input: decode it as JSON null.
        let decoded = if payload.is_empty() {
            serde_json::from_str("null").map_err(|e| e.to_string())
        } else {
            payload.decode::<T>().map_err(|e| e.to_string())
        };
        match decoded {
            Ok(v) => Some(v),
            Err(e) => {
                let fields = serde_json::json!({ "error": e }).to_string();
                let message = format!("Corrupt signal received on channel {}. Error deserializing", self.name);
                let mut s = self.ctx.state.borrow_mut();
                let line = crate::log::LogLine::workflow(s.now, crate::log::Level::Error, &message, &fields);
                s.log(line);
                None
            }
        }
    }
}

impl<T> Clone for SignalChannel<T> {
    fn clone(&self) -> Self {
        SignalChannel { ctx: self.ctx.clone(), name: self.name.clone(), index: self.index, _value: PhantomData }
    }
}

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

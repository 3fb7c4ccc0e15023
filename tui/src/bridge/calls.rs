//! The only place bridge mode blocks: each server call runs on a thread of its own
//! and sends its reply back over a channel, so a slow or dead server never freezes the
//! screen. The app drains the replies on every tick.

use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant};

use cadence_bridge::Client;

pub struct Calls<R> {
    client: Client,
    tx: Sender<R>,
    rx: Receiver<R>,
    /// Calls sent whose reply has not been taken yet.
    in_flight: usize,
}

impl<R: Send + 'static> Calls<R> {
    pub fn new(client: Client) -> Calls<R> {
        let (tx, rx) = mpsc::channel();
        Calls { client, tx, rx, in_flight: 0 }
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Runs `call` with the client on a background thread.
    pub fn spawn(&mut self, call: impl FnOnce(&Client) -> R + Send + 'static) {
        let (client, tx) = (self.client.clone(), self.tx.clone());
        self.in_flight += 1;
        // The receiver may be gone when the app quits mid-call; the reply is dropped then.
        std::thread::spawn(move || drop(tx.send(call(&client))));
    }

    /// A reply that has arrived, without waiting.
    pub fn try_recv(&mut self) -> Option<R> {
        let r = self.rx.try_recv().ok()?;
        self.in_flight -= 1;
        Some(r)
    }

    /// The next reply, waiting at most until `deadline`; `None` when nothing is in
    /// flight or the deadline passed.
    pub fn recv_until(&mut self, deadline: Instant) -> Option<R> {
        if self.in_flight == 0 {
            return None;
        }
        let r = self.rx.recv_timeout(deadline.saturating_duration_since(Instant::now()).max(Duration::from_millis(1))).ok()?;
        self.in_flight -= 1;
        Some(r)
    }

    pub fn in_flight(&self) -> usize {
        self.in_flight
    }
}

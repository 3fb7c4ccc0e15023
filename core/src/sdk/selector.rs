//! Go's `workflow.Selector`, with the Go client's exact semantics:
//! - a `select` runs exactly one case;
//! - if cases are ready when it is called, the first ready one in the order the cases
//!   were added wins;
//! - otherwise it waits, and the first case to become ready wins (history order, as
//!   the runtime stamps every result and signal when it applies the event);
//! - a future case fires once and is then disabled; a receive case takes one value;
//! - a receive case that took a value the code cannot decode waits for the next value
//!   on its own channel (Go's callback is blocked in `c.Receive`), other cases unread.
//!
//! Instead of Go's callbacks, each case maps its value into `T`, and the workflow
//! matches on what `select` returns: the same control flow, in plain Rust.

use std::cell::RefCell;
use std::future::Future;
use std::panic::Location;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use serde::de::DeserializeOwned;

use super::future::Selectable;
use super::wait::WaitOn;
use super::{SignalChannel, WorkflowContext};

/// One case of a selector: where its value comes from and what it maps into. Each
/// case is one allocation (the future or channel together with its map).
trait Case<T> {
    /// The readiness stamp of the value the case would take, if it has one.
    fn ready_seq(&self) -> Option<u64>;
    /// Takes the value and maps it; `None` when it cannot (a value that does not decode).
    fn take(&mut self) -> Option<T>;
    /// Whether the case is spent once it fired (futures) or may fire again (channels).
    fn one_shot(&self) -> bool;
}

struct FutureCase<F, M> {
    future: F,
    map: Option<M>,
}

impl<T, F: Selectable, M: FnOnce(F::Output) -> T> Case<T> for FutureCase<F, M> {
    fn ready_seq(&self) -> Option<u64> {
        self.future.ready_seq()
    }

    fn take(&mut self) -> Option<T> {
        let value = self.future.output()?;
        Some((self.map.take()?)(value))
    }

    fn one_shot(&self) -> bool {
        true
    }
}

struct ReceiveCase<V, M> {
    channel: SignalChannel<V>,
    map: M,
}

impl<T, V: DeserializeOwned, M: FnMut(V) -> T> Case<T> for ReceiveCase<V, M> {
    fn ready_seq(&self) -> Option<u64> {
        self.channel.ctx.state.borrow().signal_ready_seq(self.channel.index)
    }

    fn take(&mut self) -> Option<T> {
        let payload = self.channel.ctx.state.borrow_mut().pop_signal(self.channel.index)?;
        self.channel.decode(&payload).map(&mut self.map)
    }

    fn one_shot(&self) -> bool {
        false
    }
}

/// Cases that can still fire, in the order they were added. A one-shot case leaves
/// the list when it fires, so a `select` costs the same in a workflow's thousandth
/// loop turn as in its first (a scan adds a timer case every turn).
pub struct Selector<T> {
    ctx: WorkflowContext,
    cases: Vec<Box<dyn Case<T>>>,
    /// What each case waits for (`None`: nothing the server holds), parallel to
    /// `cases`: shared with the wait records, so a stack trace shows the cases as they
    /// are now.
    waits: Rc<RefCell<Vec<Option<WaitOn>>>>,
    /// The Go client's number for this selector (`selector-1`), in the order of creation.
    id: u32,
}

impl<T> Selector<T> {
    pub(crate) fn new(ctx: &WorkflowContext) -> Selector<T> {
        let id = {
            let mut s = ctx.state.borrow_mut();
            s.selectors += 1;
            s.selectors
        };
        Selector { ctx: ctx.clone(), cases: Vec::new(), waits: Rc::default(), id }
    }

    /// Go's `AddFuture`: the case is ready when the future is, and fires once.
    #[allow(private_bounds)]
    pub fn add_future<F>(&mut self, future: F, map: impl FnOnce(F::Output) -> T + 'static) -> &mut Self
    where
        F: Selectable + 'static,
    {
        self.waits.borrow_mut().push(future.wait_on());
        self.cases.push(Box::new(FutureCase { future, map: Some(map) }));
        self
    }

    /// Go's `AddReceive`: the case is ready while the channel holds a value; firing
    /// takes the oldest value out of the channel, whether or not the code reads it.
    pub fn add_receive<V: DeserializeOwned + 'static>(
        &mut self,
        channel: &SignalChannel<V>,
        map: impl FnMut(V) -> T + 'static,
    ) -> &mut Self {
        assert!(channel.ctx.same_run(&self.ctx.state), "a selector only waits on channels of its own workflow run");
        self.waits.borrow_mut().push(Some(WaitOn::Signal { channel: channel.name.clone() }));
        self.cases.push(Box::new(ReceiveCase { channel: channel.clone(), map }));
        self
    }

    /// Go's `Select`: waits until one case fires and returns what its map made.
    #[track_caller]
    pub fn select(&mut self) -> SelectFuture<'_, T> {
        SelectFuture { selector: self, waited: false, committed: None, at: Location::caller() }
    }

    /// True if some case could fire now (Go's `HasPending`).
    pub fn has_pending(&self) -> bool {
        self.cases.iter().any(|c| c.ready_seq().is_some())
    }
}

#[must_use = "no case runs unless you `.await` the select"]
pub struct SelectFuture<'a, T> {
    selector: &'a mut Selector<T>,
    waited: bool,
    /// The receive case that fired on a value that did not decode. Go runs the case's
    /// callback, whose `c.Receive` drops that value and waits for the next one on the
    /// same channel: the other cases stay unread until one decodes.
    committed: Option<usize>,
    at: &'static Location<'static>,
}

impl<T> Future for SelectFuture<'_, T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<T> {
        let this = self.get_mut();
        // On the first look the add order decides; once waiting, arrival order does.
        let by_arrival = this.waited;
        this.waited = true;
        loop {
            let pick = match this.committed {
                // Only the committed case's own channel can complete it.
                Some(i) => this.selector.cases[i].ready_seq().map(|_| i),
                None => {
                    let ready = this.selector.cases.iter().enumerate().filter_map(|(i, c)| Some((i, c.ready_seq()?)));
                    let first = if by_arrival { ready.min_by_key(|&(_, seq)| seq) } else { ready.into_iter().next() };
                    first.map(|(i, _)| i)
                }
            };
            let Some(i) = pick else {
                // Blocked on the committed case's channel, or else on the whole select.
                let on = this.committed.and_then(|i| this.selector.waits.borrow()[i].clone());
                let on = on.unwrap_or_else(|| WaitOn::Select(this.selector.id, this.selector.waits.clone()));
                this.selector.ctx.state.borrow_mut().wait(this.at, on);
                return Poll::Pending;
            };
            let case = &mut this.selector.cases[i];
            if let Some(v) = case.take() {
                if case.one_shot() {
                    this.selector.cases.remove(i);
                    this.selector.waits.borrow_mut().remove(i);
                }
                return Poll::Ready(v);
            }
            // A corrupt signal was dropped from that channel (only a receive case fails
            // to take a value it has): wait on that channel alone.
            this.committed = Some(i);
        }
    }
}

#[cfg(test)]
mod tests {
    use serde::de::IgnoredAny;

    use crate::payload::Payload;
    use crate::postal::ScanSignal;
    use crate::runtime::test_history::{replay_signals, workflow};

    enum Selected {
        Scanned(ScanSignal),
        Delivered,
    }

    /// The workshop's loop: scans until delivered; the locations read, once delivered.
    fn scans_until_delivered(signals: &[(&str, &[u8])]) -> (Option<String>, Vec<String>) {
        let def = workflow("ScansUntilDelivered", |ctx| async move {
            let mut s = ctx.new_selector();
            s.add_receive(&ctx.signal_channel::<ScanSignal>("ScanSignal"), Selected::Scanned);
            s.add_receive(&ctx.signal_channel::<IgnoredAny>("DeliveredSignal"), |_| Selected::Delivered);
            let mut locations = Vec::new();
            while let Selected::Scanned(scan) = s.select().await {
                locations.push(scan.location);
            }
            Ok(Payload::encode(&locations))
        });
        let (result, logs) = replay_signals(&def, signals);
        (result.map(|r| r.to_text().trim_end().to_owned()), logs)
    }

    #[test]
    fn a_receive_case_that_fired_on_a_corrupt_value_waits_for_its_own_channels_next() {
        // As in Go: the scan case fired, its `Receive` dropped the value and waits for
        // the next scan; the delivered signal that came meanwhile is not looked at.
        let (result, logs) = scans_until_delivered(&[("ScanSignal", b""), ("DeliveredSignal", b"")]);
        assert_eq!(result, None, "delivered was read while the scan case was still receiving");
        assert!(logs.iter().any(|m| m.starts_with("Corrupt signal received on channel ScanSignal")), "{logs:?}");
        // The next scan completes that case; the next select takes the delivery.
        let (result, _) =
            scans_until_delivered(&[("ScanSignal", b""), ("DeliveredSignal", b""), ("ScanSignal", b"{\"location\":\"Delft\"}")]);
        assert_eq!(result.as_deref(), Some(r#"["Delft"]"#));
    }
}

//! Chapter 7: the notification timer, started from an estimate, restarted on every
//! scan until it fires, and firing once.

use std::time::Duration;

use super::read::{activities, of_type, signals, timers};
use super::{Ctx, NAMES, Track};

/// "twice", "3 times".
pub(super) fn times(n: usize) -> String {
    match n {
        1 => "once".into(),
        2 => "twice".into(),
        n => format!("{n} times"),
    }
}

pub(super) fn notification_chapter(c: &Ctx<'_>) -> Option<String> {
    let h = c.mine();
    let acts = activities(h);
    let estimates = of_type(&acts, NAMES.estimated_delivery_time);
    let ts = timers(h);
    if estimates.is_empty() && !of_type(&activities(&c.reference.history), NAMES.estimated_delivery_time).is_empty() {
        return Some(if ts.is_empty() {
            "there is no notification timer: after shipping, ask estimatedDeliveryTime how many days are left and start a \
             timer for that long"
                .into()
        } else {
            "the timer was started without an estimate: ask estimatedDeliveryTime first (a random number in the workflow \
             itself would break replay)"
                .into()
        });
    }
    // A timer started while an older one is still pending: the scan did not cancel it.
    for (k, t) in ts.iter().enumerate() {
        let older_pending = ts[..k].iter().any(|o| o.fired.is_none_or(|f| f > t.started) && o.canceled.is_none_or(|x| x > t.started));
        if older_pending {
            // Every timer never canceled notifies when it fires: the ones that fired
            // did, the ones still running (or ended with the workflow) would have.
            let left_running = ts.iter().filter(|t| t.canceled.is_none()).count();
            let fired = c.notifications();
            return Some(if fired >= 2 {
                format!(
                    "the customer was notified {}: the old timer was not canceled when the package was scanned, so each \
                     timer started ran to its end and notified",
                    times(fired)
                )
            } else {
                format!(
                    "the customer would be notified {}: the old timer was not canceled when the package was scanned, so \
                     each timer started runs to its end and notifies ({} fired before the check ended)",
                    times(left_running.max(2)),
                    if fired == 0 { "none".to_owned() } else { format!("only {fired}") }
                )
            });
        }
    }
    let ref_timers = timers(&c.reference.history);
    // A scan canceled the last timer and started none, though none had fired: a
    // canceled timer was taken for the notification.
    if let Some(last) = ts.last()
        && let Some(x) = last.canceled
        && ts.iter().all(|t| t.fired.is_none())
        && !estimates.iter().any(|a| a.at > x)
        && ref_timers.len() > ts.len()
    {
        return Some(format!(
            "the customer is never notified: a scan canceled the timer but asked for no new estimate and started no \
                     new timer, as if the customer had been notified already, though no timer had fired. The timer an \
                     earlier scan canceled was taken for the notification: a canceled timer's {}",
            match c.track {
                Track::Go =>
                    "future is ready at once, with an error. In the timer's callback, return when f.Get \
                                      gives a *cadence.CanceledError (errors.As(err, &canceled)); only a timer that fired \
                                      sets notificationSent",
                Track::Rust =>
                    "case is ready at once, with Err(Canceled). Set notification_sent only when the \
                                        timer's result is Ok(()), for a timer that fired",
            }
        ));
    }
    // A scan, before any notification, that left the running timer as it was.
    let mine_scans = signals(h, "ScanSignal");
    let ref_scans = signals(&c.reference.history, "ScanSignal");
    for (n, &s) in mine_scans.iter().enumerate() {
        let until = |scans: &[usize], len: usize| scans.get(n + 1).copied().unwrap_or(len);
        let pending = ts.iter().any(|t| t.started < s && t.fired.is_none_or(|f| f > s) && t.canceled.is_none_or(|x| x > s));
        let fired_before = ts.iter().any(|t| t.fired.is_some_and(|f| f < s));
        let end = until(&mine_scans, h.len());
        let touched = ts.iter().any(|t| (s..end).contains(&t.started) || t.canceled.is_some_and(|x| (s..end).contains(&x)));
        let reference_cancels = ref_scans.get(n).is_some_and(|&r| {
            let end = until(&ref_scans, c.reference.history.len());
            ref_timers.iter().any(|t| t.canceled.is_some_and(|x| (r..end).contains(&x)))
        });
        if pending && !fired_before && !touched && reference_cancels {
            return Some(
                "a scan did not restart the notification timer: the old timer kept running, as first set from Aarhus. On \
                 every scan, until the customer is notified, cancel the old timer, ask estimatedDeliveryTime again from the \
                 new location and start a new timer for that many days"
                    .into(),
            );
        }
    }
    // A scan that asked for the new estimate first and canceled the old timer after it.
    let first_in = |scans: &[usize], n: usize, len: usize, timers: &[super::read::Timer], estimates: &[&super::read::Activity]| {
        let (from, to) = (scans[n], scans.get(n + 1).copied().unwrap_or(len));
        let canceled = timers.iter().filter_map(|t| t.canceled).filter(|x| (from..to).contains(x)).min();
        let asked = estimates.iter().map(|a| a.at).filter(|x| (from..to).contains(x)).min();
        (canceled, asked)
    };
    let ref_acts = activities(&c.reference.history);
    let ref_estimates = of_type(&ref_acts, NAMES.estimated_delivery_time);
    for n in 0..mine_scans.len().min(ref_scans.len()) {
        let (canceled, asked) = first_in(&mine_scans, n, h.len(), &ts, &estimates);
        let (ref_canceled, ref_asked) = first_in(&ref_scans, n, c.reference.history.len(), &ref_timers, &ref_estimates);
        let late = matches!((canceled, asked), (Some(x), Some(a)) if a < x);
        let cancel_first = matches!((ref_canceled, ref_asked), (Some(x), Some(a)) if x < a);
        if late && cancel_first {
            return Some(
                "a scan asked estimatedDeliveryTime for the new estimate before canceling the old timer: cancel the old \
                 timer first, as soon as the scan is read, then ask for the estimate and start the new timer. Until the \
                 CancelTimer decision is made the old timer keeps running, and the estimate takes an activity task of its \
                 own: if the old timer fires meanwhile, the customer is notified on an estimate the scan has replaced"
                    .into(),
            );
        }
    }
    if let Some(first_fired) = ts.iter().filter_map(|t| t.fired).min()
        && (ts.iter().any(|t| t.started > first_fired) || estimates.iter().any(|a| a.at > first_fired))
    {
        return Some(
            "the notification was sent again after a scan: once the customer has been notified, a scan asks for no \
                 estimate and starts no timer"
                .into(),
        );
    }
    let delivered_at = signals(h, "DeliveredSignal").first().copied();
    if let (Some(d), Some(f)) = (delivered_at, ts.iter().filter_map(|t| t.fired).min())
        && f > d
        && c.notifications() > 0
    {
        return Some("the customer was notified after the package was delivered: delivery must end the workflow first".into());
    }
    // Each estimate's location, and each timer's length against its estimate.
    for (mine, theirs) in estimates.iter().zip(&ref_estimates) {
        if mine.input != theirs.input {
            let location = |input: &str| input.lines().nth(1).unwrap_or("").to_owned();
            return Some(format!(
                "estimatedDeliveryTime was asked from {} where the package was last seen at {}: start the estimate from the \
                 last location in the list",
                location(&mine.input),
                location(&theirs.input)
            ));
        }
    }
    for (mine, theirs) in ts.iter().zip(&ref_timers) {
        if mine.after != theirs.after {
            return Some(timer_length(c, mine.after, theirs.after));
        }
    }
    None
}

/// A timer of `mine` where the estimate asks for `want`, in the track's words.
pub(super) fn timer_length(c: &Ctx<'_>, mine: Duration, want: Duration) -> String {
    let (m, w) = (mine.as_secs(), want.as_secs());
    if c.track == Track::Rust {
        return format!(
            "a timer waits {m}s where the estimate asks for {w}s: start it for the estimated days, a day being a minute here \
             (Duration::from_secs(60) * days)"
        );
    }
    let unit = c.timer_unit.as_secs().max(1);
    let days = (w / unit).max(1);
    let yours = if m % days == 0 && m > 0 {
        format!(
            " If your worker's day lasts {}s, run the check with --timer-unit {}s; if it is meant to last {unit}s, start the \
             timer for the estimated days times that (time.Duration(days) * time.Minute in the workshop)",
            m / days,
            m / days
        )
    } else {
        " Start the timer for the estimated days times your worker's day (time.Duration(days) * time.Minute in the workshop)".to_owned()
    };
    format!(
        "a timer waits {m}s where the estimate of {} asks for {w}s: the check counts a day as {unit}s (its \
         --timer-unit, 60s unless you give another), but your worker's timers count a day differently.{yours}",
        crate::count::many(days, "day")
    )
}

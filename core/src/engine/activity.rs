//! Server-side activity state: attempts, retries with backoff, and timeouts, as
//! Cadence's history service keeps them in mutable state (none of it is in history
//! until the activity closes).

use std::time::Duration;

use crate::history::{ActivityTaskScheduledEventAttributes, RetryPolicy, TimeoutType};
use crate::payload::{Failure, Payload};
use crate::text::Str;
use crate::time::Timestamp;

/// The server's cap on a retried activity's schedule-to-start timeout
/// (`history.activityMaxScheduleToStartTimeoutForRetry`).
const MAX_SCHEDULE_TO_START_FOR_RETRY: Duration = Duration::from_secs(30 * 60);

#[derive(Clone, Debug, PartialEq)]
pub enum AttemptState {
    /// Waiting for a worker: the attempt may start from `since`.
    Scheduled { since: Timestamp },
    /// A worker runs the attempt. `started_event_id` is set when `ActivityTaskStarted`
    /// is already in history (activities without a retry policy).
    Started { at: Timestamp, started_event_id: Option<i64> },
}

#[derive(Clone, Debug, PartialEq)]
pub struct PendingActivity {
    pub activity_id: Str,
    pub activity_type: Str,
    pub input: Payload,
    pub scheduled_event_id: i64,
    pub first_scheduled: Timestamp,
    pub retry_policy: Option<RetryPolicy>,
    pub schedule_to_start: Duration,
    pub schedule_to_close: Duration,
    pub start_to_close: Duration,
    /// 0-based, as `ActivityInfo.Attempt`.
    pub attempt: i32,
    pub state: AttemptState,
    pub last_failure: Option<Failure>,
    /// The workflow asked to cancel it (`ActivityTaskCancelRequested`): a failure
    /// closes it, as the server retries no activity it was asked to cancel.
    pub cancel_requested: bool,
}

/// What the server does after an attempt failed or timed out.
#[derive(Clone, Debug, PartialEq)]
pub enum AfterFailure {
    /// Nothing is written; the next attempt may start at this time.
    Retry { at: Timestamp },
    /// The activity closes with this failure.
    Close,
}

impl PendingActivity {
    pub fn from_scheduled(event_id: i64, now: Timestamp, a: &ActivityTaskScheduledEventAttributes) -> PendingActivity {
        PendingActivity {
            activity_id: a.activity_id.clone(),
            activity_type: a.activity_type.name.clone(),
            input: a.input.clone().unwrap_or_default(),
            scheduled_event_id: event_id,
            first_scheduled: now,
            retry_policy: a.retry_policy.clone(),
            schedule_to_start: a.schedule_to_start_timeout.unwrap_or_default(),
            schedule_to_close: a.schedule_to_close_timeout.unwrap_or_default(),
            start_to_close: a.start_to_close_timeout.unwrap_or_default(),
            attempt: 0,
            state: AttemptState::Scheduled { since: now },
            last_failure: None,
            cancel_requested: false,
        }
    }

    pub fn maximum_attempts(&self) -> i32 {
        self.retry_policy.as_ref().map_or(1, |r| r.maximum_attempts)
    }

    /// Cadence's `getBackoffInterval`: whether a failure of the current attempt is retried, and when.
    pub fn after_failure(&self, now: Timestamp, failure: &Failure) -> AfterFailure {
        let Some(policy) = &self.retry_policy else { return AfterFailure::Close };
        if policy.maximum_attempts > 0 && self.attempt >= policy.maximum_attempts - 1 {
            return AfterFailure::Close;
        }
        if policy.non_retryable_error_reasons.contains(&failure.reason) {
            return AfterFailure::Close;
        }
        let initial = policy.initial_interval.unwrap_or_default().as_secs_f64();
        let max = policy.maximum_interval.unwrap_or_default().as_secs_f64();
        let mut backoff = (initial * policy.backoff_coefficient.powi(self.attempt)).floor();
        if max > 0.0 && backoff > max {
            backoff = max;
        }
        let at = now.plus(Duration::from_secs(backoff as u64));
        let expiration = policy.expiration_interval.unwrap_or_default();
        if !expiration.is_zero() && at > self.first_scheduled.plus(expiration) {
            return AfterFailure::Close;
        }
        AfterFailure::Retry { at }
    }

    /// The earliest timeout that can fire in the current state, with its type.
    pub fn next_timeout(&self) -> (Timestamp, TimeoutType) {
        let close = (self.first_scheduled.plus(self.schedule_to_close), TimeoutType::ScheduleToClose);
        let attempt = match self.state {
            AttemptState::Scheduled { since } => (since.plus(self.schedule_to_start), TimeoutType::ScheduleToStart),
            AttemptState::Started { at, .. } => (at.plus(self.start_to_close), TimeoutType::StartToClose),
        };
        if close.0 <= attempt.0 { close } else { attempt }
    }
}

/// The server's rewrite of an activity's timeouts before it writes
/// `ActivityTaskScheduled` (`validateActivityScheduleAttributes`): every timeout is capped
/// at the workflow timeout, and an activity with a retry policy gets schedule-to-start
/// and schedule-to-close stretched to its expiration.
pub fn rewrite_timeouts(a: &mut ActivityTaskScheduledEventAttributes, workflow_timeout: Duration) {
    let cap = |d: &mut Option<Duration>| *d = Some(d.unwrap_or_default().min(workflow_timeout));
    cap(&mut a.schedule_to_start_timeout);
    cap(&mut a.schedule_to_close_timeout);
    cap(&mut a.start_to_close_timeout);
    cap(&mut a.heartbeat_timeout);
    if let Some(policy) = &a.retry_policy {
        let interval = policy.expiration_interval.unwrap_or_default();
        let expiration = if interval.is_zero() || interval > workflow_timeout { workflow_timeout } else { interval };
        let sts_for_retry = expiration.min(MAX_SCHEDULE_TO_START_FOR_RETRY);
        if a.schedule_to_start_timeout < Some(sts_for_retry) {
            a.schedule_to_start_timeout = Some(sts_for_retry);
        }
        if a.schedule_to_close_timeout < Some(expiration) {
            a.schedule_to_close_timeout = Some(expiration);
        }
    }
}

/// The failure reason Cadence records for an attempt that timed out.
pub fn timeout_failure(t: TimeoutType) -> Failure {
    Failure { reason: format!("cadenceInternal:Timeout {}", t.short_name()), details: Vec::new() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::EPOCH;

    fn payment(attempt: i32) -> PendingActivity {
        let mut a = ActivityTaskScheduledEventAttributes {
            schedule_to_start_timeout: Some(Duration::from_secs(60)),
            schedule_to_close_timeout: Some(Duration::from_secs(120)),
            start_to_close_timeout: Some(Duration::from_secs(60)),
            heartbeat_timeout: Some(Duration::ZERO),
            retry_policy: Some(RetryPolicy {
                initial_interval: Some(Duration::from_secs(1)),
                backoff_coefficient: 2.0,
                maximum_interval: Some(Duration::from_secs(10)),
                maximum_attempts: 3,
                expiration_interval: Some(Duration::ZERO),
                ..Default::default()
            }),
            ..Default::default()
        };
        rewrite_timeouts(&mut a, Duration::from_secs(600));
        let mut p = PendingActivity::from_scheduled(5, EPOCH, &a);
        p.attempt = attempt;
        p
    }

    #[test]
    fn the_workshop_policy_backs_off_one_then_two_seconds_and_stops_after_three_attempts() {
        let f = Failure::generic("temporary issue, please retry");
        assert_eq!(payment(0).after_failure(EPOCH, &f), AfterFailure::Retry { at: EPOCH.plus(Duration::from_secs(1)) });
        assert_eq!(payment(1).after_failure(EPOCH, &f), AfterFailure::Retry { at: EPOCH.plus(Duration::from_secs(2)) });
        assert_eq!(payment(2).after_failure(EPOCH, &f), AfterFailure::Close);
    }

    #[test]
    fn retry_policy_stretches_timeouts_to_the_workflow_timeout() {
        let p = payment(0);
        assert_eq!((p.schedule_to_start.as_secs(), p.schedule_to_close.as_secs(), p.start_to_close.as_secs()), (600, 600, 60));
    }

    #[test]
    fn backoff_is_capped_at_the_maximum_interval() {
        let mut p = payment(5);
        p.retry_policy.as_mut().unwrap().maximum_attempts = 10;
        assert_eq!(p.after_failure(EPOCH, &Failure::generic("x")), AfterFailure::Retry { at: EPOCH.plus(Duration::from_secs(10)) });
    }
}

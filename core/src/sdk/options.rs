//! Activity options and retry policies as a workflow author gives them, and their
//! conversion to what the Go client sends the server.

use std::time::Duration;

use crate::{history, time};

/// Go's `workflow.ActivityOptions`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ActivityOptions {
    /// Defaults to the workflow's task list.
    pub task_list: Option<String>,
    pub schedule_to_start_timeout: Duration,
    pub start_to_close_timeout: Duration,
    /// Zero means schedule-to-start plus start-to-close, as the Go client fills it in.
    pub schedule_to_close_timeout: Duration,
    pub heartbeat_timeout: Duration,
    pub retry_policy: Option<RetryPolicy>,
}

/// Go's `cadence.RetryPolicy`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RetryPolicy {
    pub initial_interval: Duration,
    /// Zero becomes 2.0.
    pub backoff_coefficient: f64,
    /// Zero becomes 100 x the initial interval.
    pub maximum_interval: Duration,
    /// Every attempt counts, the first included.
    pub maximum_attempts: i32,
    pub expiration_interval: Duration,
    pub non_retriable_error_reasons: Vec<String>,
}

/// Go's `Int32Ceil`: the server keeps whole seconds (int32) and the client rounds up.
/// Past int32 Go's conversion wraps (to a negative number on amd64, which the server
/// refuses for the whole decision task); this sends the longest the server keeps,
/// which it caps at the workflow timeout like any long timeout. No panic either way:
/// `Duration::MAX` is a timeout workflow code may well write.
fn int32_ceil(d: Duration) -> Duration {
    Duration::from_secs(time::ceil_secs(d).min(i32::MAX as u64))
}

impl ActivityOptions {
    /// The client-side checks of `getValidatedActivityOptions`.
    pub(crate) fn check(&self) -> Result<(), String> {
        if self.schedule_to_start_timeout.is_zero() {
            return Err("missing or negative ScheduleToStartTimeout".into());
        }
        if self.start_to_close_timeout.is_zero() {
            return Err("missing or negative StartToCloseTimeout".into());
        }
        if let Some(r) = &self.retry_policy {
            r.validate()?;
        }
        Ok(())
    }

    /// The timeouts a checked decision sends, with the Go client's defaults, in whole
    /// seconds: (schedule-to-start, schedule-to-close, start-to-close, heartbeat).
    /// Apart from [`check`](Self::check), since a replayed decision sends nothing.
    pub(crate) fn timeouts(&self) -> [Duration; 4] {
        let close = if self.schedule_to_close_timeout.is_zero() {
            self.schedule_to_start_timeout.saturating_add(self.start_to_close_timeout)
        } else {
            self.schedule_to_close_timeout
        };
        [self.schedule_to_start_timeout, close, self.start_to_close_timeout, self.heartbeat_timeout].map(int32_ceil)
    }
}

impl RetryPolicy {
    fn validate(&self) -> Result<(), String> {
        if self.initial_interval.is_zero() {
            return Err("retry policy: InitialInterval must be greater than 0".into());
        }
        if self.backoff_coefficient != 0.0 && self.backoff_coefficient < 1.0 {
            return Err("retry policy: BackoffCoefficient cannot be less than 1".into());
        }
        if self.maximum_attempts < 0 {
            return Err("retry policy: MaximumAttempts cannot be negative".into());
        }
        if self.maximum_attempts == 0 && self.expiration_interval.is_zero() {
            return Err("retry policy: either MaximumAttempts or ExpirationInterval is required".into());
        }
        Ok(())
    }

    /// Go's `convertRetryPolicy`: what goes on the wire.
    pub fn to_wire(&self) -> history::RetryPolicy {
        let initial = int32_ceil(self.initial_interval);
        history::RetryPolicy {
            initial_interval: Some(initial),
            backoff_coefficient: if self.backoff_coefficient == 0.0 { 2.0 } else { self.backoff_coefficient },
            maximum_interval: Some(if self.maximum_interval.is_zero() {
                int32_ceil(initial.saturating_mul(100))
            } else {
                int32_ceil(self.maximum_interval)
            }),
            maximum_attempts: self.maximum_attempts,
            non_retryable_error_reasons: self.non_retriable_error_reasons.clone(),
            expiration_interval: Some(int32_ceil(self.expiration_interval)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_client_defaults_are_filled_in() {
        let o = ActivityOptions {
            schedule_to_start_timeout: Duration::from_secs(60),
            start_to_close_timeout: Duration::from_millis(59_100),
            ..Default::default()
        };
        assert_eq!(o.check(), Ok(()));
        let [sts, stc_close, stc, hb] = o.timeouts();
        assert_eq!((sts.as_secs(), stc_close.as_secs(), stc.as_secs(), hb.as_secs()), (60, 120, 60, 0));
        let wire = RetryPolicy { initial_interval: Duration::from_secs(1), maximum_attempts: 3, ..Default::default() }.to_wire();
        assert_eq!(wire.backoff_coefficient, 2.0);
        assert_eq!(wire.maximum_interval, Some(Duration::from_secs(100)));
    }

    #[test]
    fn invalid_options_are_refused_with_a_reason() {
        assert!(ActivityOptions::default().check().unwrap_err().contains("ScheduleToStartTimeout"));
        let o = ActivityOptions {
            schedule_to_start_timeout: Duration::from_secs(1),
            start_to_close_timeout: Duration::from_secs(1),
            retry_policy: Some(RetryPolicy { initial_interval: Duration::from_secs(1), ..Default::default() }),
            ..Default::default()
        };
        assert!(o.check().unwrap_err().contains("MaximumAttempts"));
    }

    /// Durations past what the server keeps go out as the longest it keeps, int32
    /// seconds, and are no panic: `Duration::MAX`, a default schedule-to-close whose sum
    /// is too long, and a retry policy's intervals.
    #[test]
    fn timeouts_past_int32_seconds_go_out_as_the_longest_the_server_keeps() {
        let longest = Duration::from_secs(i32::MAX as u64);
        let o = ActivityOptions {
            schedule_to_start_timeout: Duration::from_secs(60),
            start_to_close_timeout: Duration::MAX,
            heartbeat_timeout: longest + Duration::from_millis(1),
            ..Default::default()
        };
        assert_eq!(o.check(), Ok(()));
        assert_eq!(o.timeouts(), [Duration::from_secs(60), longest, longest, longest]);
        let under = ActivityOptions { start_to_close_timeout: longest - Duration::from_secs(60), ..o };
        assert_eq!(under.timeouts()[1], longest, "60 s + (longest - 60 s)");
        let wire = RetryPolicy { initial_interval: Duration::MAX, maximum_attempts: 3, ..Default::default() }.to_wire();
        assert_eq!((wire.initial_interval, wire.maximum_interval), (Some(longest), Some(longest)));
    }
}

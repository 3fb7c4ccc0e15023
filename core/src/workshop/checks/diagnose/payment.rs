//! Chapters 1 and 2: the two activities called in order, and a payment that fails
//! twice and is retried by the server under the workshop's retry policy.

use super::read::{Activity, activities, of_type, status};
use super::{Ctx, NAMES, Track, retry_words};
use crate::history::EventAttributes;

pub(super) fn activities_chapter(c: &Ctx<'_>) -> Option<String> {
    let h = c.mine();
    let acts = activities(h);
    let pay = of_type(&acts, NAMES.validate_payment);
    let ship = of_type(&acts, NAMES.ship_product);
    if pay.is_empty() {
        return Some("the workflow never calls validatePayment: execute the activity first and wait for its result".into());
    }
    let ref_acts = activities(&c.reference.history);
    for (mine, theirs) in
        [(pay.first(), of_type(&ref_acts, NAMES.validate_payment).first()), (ship.first(), of_type(&ref_acts, NAMES.ship_product).first())]
    {
        if let (Some(Some(got)), Some(Some(want))) = (mine.map(|a| &a.result), theirs.map(|a| &a.result))
            && got != want
        {
            return Some(format!(
                "{} returns {} where the workshop's returns {}",
                mine.map(|a| a.activity_type.as_str()).unwrap_or_default(),
                got.to_text().trim(),
                want.to_text().trim()
            ));
        }
    }
    match c.check.name {
        "amount-over-25" => {
            if pay[0].result.is_some() {
                return Some(
                    "validatePayment accepted an order of 30: it must refuse an amount over 25 with an error \
                     (\"payment validation failed for order: <id>\")"
                        .into(),
                );
            }
            if pay[0].failure.is_some() && (!ship.is_empty() || status(h) == "completed") {
                return Some(
                    "the payment failed but the workflow went on: return the activity's error from the workflow \
                     (\"validate payment for order: ...\") instead of ignoring it"
                        .into(),
                );
            }
        }
        "no-customer" => {
            if ship.first().is_some_and(|s| s.result.is_some()) {
                return Some("shipProduct shipped an order without a customer: refuse it with the error \"customer is required\"".into());
            }
        }
        _ => {
            if pay[0].failure.is_some() && c.check.name != "amount-over-25" {
                return Some(format!("validatePayment refused a valid order: {}", pay[0].failure.clone().unwrap_or_default()));
            }
        }
    }
    if ship.is_empty() && !of_type(&ref_acts, NAMES.ship_product).is_empty() {
        return Some("the workflow never calls shipProduct: execute it once validatePayment has succeeded".into());
    }
    None
}

pub(super) fn retries_chapter(c: &Ctx<'_>) -> Option<String> {
    let acts = activities(c.mine());
    let pay = of_type(&acts, NAMES.validate_payment);
    if pay.len() > 1 {
        return Some(format!(
            "the workflow scheduled validatePayment {} times: retries are the server's job. Give the one activity a retry \
             policy instead of calling it again",
            pay.len()
        ));
    }
    let first = pay.first()?;
    match &first.retry_policy {
        None if first.failure.as_deref().is_some_and(|f| f.contains("temporary issue")) => {
            return Some(
                "validatePayment failed on its first attempt (\"temporary issue, please retry\") and the workflow failed with \
                 it: the activity has no retry policy"
                    .into(),
            );
        }
        None if first.result.is_some() && first.attempt == Some(0) => {
            return Some(
                "validatePayment succeeded on its first attempt: make it fail on attempts 0 and 1 with \"temporary issue, \
                 please retry\", as a flaky payment provider would, then give it a retry policy"
                    .into(),
            );
        }
        None => return Some("validatePayment has no retry policy: add the workshop's (1 s, x2, at most 10 s, 3 attempts)".into()),
        Some(p) => {
            let want = c.reference.history.iter().find_map(|e| match &e.attributes {
                EventAttributes::ActivityTaskScheduled(a) if a.activity_type.name == NAMES.validate_payment => a.retry_policy.clone(),
                _ => None,
            });
            if let Some(want) = want
                && *p != want
            {
                return Some(format!(
                    "validatePayment's retry policy has {}; the workshop's has {} (1 s before the first retry, each wait \
                         twice the last, at most 10 s between attempts, 3 attempts in all)",
                    retry_words(p),
                    retry_words(&want)
                ));
            }
        }
    }
    if first.result.is_some() && first.attempt == Some(0) {
        return Some(
            "validatePayment succeeded on its first attempt: make it fail on attempts 0 and 1 with \"temporary issue, please \
             retry\" (ctx.attempt), as a flaky payment provider would"
                .into(),
        );
    }
    // The flaky failures counted wrong: every attempt failed, or the right one was not the one that went through.
    let attempt = match c.track {
        Track::Rust => "ctx.attempt",
        Track::Go => "activity.GetInfo(ctx).Attempt",
    };
    let temporary = |a: &Activity| a.failure.as_deref().is_some_and(|f| f.contains("temporary issue"));
    let ref_acts = activities(&c.reference.history);
    if let Some(theirs) = of_type(&ref_acts, NAMES.validate_payment).first() {
        let their_attempt = theirs.attempt;
        if temporary(first) && !temporary(theirs) {
            let tries = first.attempt.map_or(String::new(), |a| format!(" {}", crate::count::many((a + 1).max(0) as u64, "attempt")));
            return Some(format!(
                "validatePayment failed on all{tries} with \"temporary issue, please retry\", so the payment failed for good \
                 (the retry policy allows 3 attempts, numbered 0, 1 and 2). Fail only on attempts 0 and 1 ({attempt} < 2, \
                 {attempt} counts from 0) and let attempt 2 go through"
            ));
        }
        if first.result.is_some() && first.attempt.is_some() && first.attempt != their_attempt {
            return Some(format!(
                "validatePayment succeeded on attempt {}: fail on attempts 0 and 1 ({attempt} < 2, {attempt} counts from 0), \
                 so that attempt 2, the third and last, goes through",
                first.attempt.unwrap_or_default()
            ));
        }
    }
    for a in of_type(&acts, NAMES.ship_product) {
        if a.retry_policy.is_some() {
            return Some("shipProduct got the retry policy too: the workshop gives it to validatePayment only".into());
        }
    }
    None
}

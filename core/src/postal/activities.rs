//! The workshop's three activities, as mock services with hard-coded behaviour and
//! the workshop's error texts.

use super::Order;
use crate::registry::ActivityContext;

/// Fails on attempts 0 and 1 (a "temporary issue") when the chapter has retries, then
/// refuses amounts over 25.
pub fn validate_payment(ctx: &mut ActivityContext<'_>, order: &Order, transient_failures: bool) -> Result<String, String> {
    if transient_failures && ctx.attempt < 2 {
        ctx.log_info("Temporary failure in payment processing", "");
        return Err("temporary issue, please retry".into());
    }
    if order.amount > 25.0 {
        return Err(format!("payment validation failed for order: {}", order.id));
    }
    ctx.log_info("Payment processed successfully", "");
    Ok("Payment successful".into())
}

pub fn ship_product(ctx: &mut ActivityContext<'_>, order: &Order) -> Result<String, String> {
    if order.customer.is_empty() {
        return Err("customer is required".into());
    }
    ctx.log_info("Shipping product", &format!(r#"{{"orderID":{}}}"#, crate::sdk::JsonString(&order.id)));
    Ok("Product shipped successfully".into())
}

/// Days until delivery, 1 to 3, from the worker's seeded generator.
pub fn estimated_delivery_time(ctx: &mut ActivityContext<'_>, _order: &Order, _current_location: &str) -> Result<i64, String> {
    Ok(ctx.rng.one_to(3) as i64)
}

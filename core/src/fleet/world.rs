//! The world outside Cadence: customers placing orders over the arrival window,
//! and the postal network scanning each package every few hours at a new place
//! until it is delivered. Every package's plan follows from the seed and its index
//! alone, so a fleet is the same on every run and a package's next scan is worked
//! out only when its previous one happens (nothing is planned ahead in memory).

use std::time::Duration;

use super::FleetConfig;
use crate::payload::Payload;
use crate::rng::SplitMix64;
use crate::time::Timestamp;

/// Where packages are scanned (and sent from).
pub const PLACES: [&str; 48] = [
    "Aarhus",
    "Amsterdam",
    "Antwerp",
    "Athens",
    "Barcelona",
    "Basel",
    "Berlin",
    "Bilbao",
    "Bologna",
    "Bordeaux",
    "Bratislava",
    "Bremen",
    "Brno",
    "Brussels",
    "Budapest",
    "Cologne",
    "Copenhagen",
    "Delft",
    "Dresden",
    "Dublin",
    "Edinburgh",
    "Frankfurt",
    "Gdansk",
    "Geneva",
    "Genoa",
    "Ghent",
    "Gothenburg",
    "Graz",
    "Hamburg",
    "Helsinki",
    "Krakow",
    "Leipzig",
    "Lisbon",
    "Ljubljana",
    "Lyon",
    "Madrid",
    "Malmo",
    "Milan",
    "Munich",
    "Nantes",
    "Odense",
    "Oslo",
    "Porto",
    "Prague",
    "Riga",
    "Rotterdam",
    "Tallinn",
    "Vienna",
];

/// What happens to one package in the world.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrderKind {
    /// Paid, shipped, scanned along the way, delivered.
    Delivered,
    /// Over 25: payment fails after its retries and the workflow fails.
    OverLimit,
    /// No customer: shipping fails and the workflow fails.
    NoCustomer,
}

/// One package's plan, drawn when its order arrives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    pub kind: OrderKind,
    pub sent_from: u8,
    /// When the DeliveredSignal comes (for packages that get delivered).
    pub delivered_at: Timestamp,
    /// The generator the package's scans are drawn from, from one scan to the next.
    pub scans: u64,
}

/// Arrivals: a Poisson process over the arrival window, `packages` orders in all.
pub struct Arrivals {
    rng: SplitMix64,
    mean_gap_nanos: f64,
    next: Option<(u64, Timestamp)>,
    total: u64,
}

impl Arrivals {
    pub fn new(config: &FleetConfig, start: Timestamp) -> Arrivals {
        let mean_gap_nanos = config.arrival_window.as_nanos() as f64 / config.packages as f64;
        let mut a = Arrivals { rng: SplitMix64::new(config.seed ^ 0xA771_7A15), mean_gap_nanos, next: None, total: config.packages };
        a.next = Some((0, start.plus(a.gap())));
        a
    }

    fn gap(&mut self) -> Duration {
        // Exponential gaps: uniform in (0, 1], then -ln(u) times the mean.
        let u = ((self.rng.next_u64() >> 11) as f64 + 1.0) / (1u64 << 53) as f64;
        Duration::from_nanos((-u.ln() * self.mean_gap_nanos) as u64)
    }

    /// The next order to arrive: its index and time.
    pub fn peek(&self) -> Option<(u64, Timestamp)> {
        self.next
    }

    pub fn advance(&mut self) {
        if let Some((i, at)) = self.next {
            self.next = (i + 1 < self.total).then(|| (i + 1, at.plus(self.gap())));
        }
    }
}

fn package_rng(seed: u64, index: u64) -> SplitMix64 {
    SplitMix64::new(seed ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17) ^ 0x0BAD_5EED)
}

fn uniform(rng: &mut SplitMix64, lo: Duration, hi: Duration) -> Duration {
    let span = hi.as_nanos().saturating_sub(lo.as_nanos()) as u64;
    lo + Duration::from_nanos(if span == 0 { 0 } else { rng.next_u64() % span })
}

fn chance(rng: &mut SplitMix64) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// The plan of package `index`, whose order arrives at `arrival`.
pub fn plan(config: &FleetConfig, index: u64, arrival: Timestamp) -> Plan {
    let mut rng = package_rng(config.seed, index);
    let p = chance(&mut rng);
    let kind = if p < config.over_limit_share {
        OrderKind::OverLimit
    } else if p < config.over_limit_share + config.no_customer_share {
        OrderKind::NoCustomer
    } else {
        OrderKind::Delivered
    };
    let day = Duration::from_secs(86_400);
    let (lo, hi) = config.delivery_days;
    let delivery = uniform(&mut rng, day * lo, day * hi);
    let sent_from = (rng.next_u64() % PLACES.len() as u64) as u8;
    Plan { kind, sent_from, delivered_at: arrival.plus(delivery), scans: rng.next_u64() }
}

/// The next scan after `after`, if it comes before the delivery, and where.
pub fn next_scan(config: &FleetConfig, plan: &mut Plan, after: Timestamp) -> Option<(Timestamp, u8)> {
    let mut rng = SplitMix64::new(plan.scans);
    let at = after.plus(uniform(&mut rng, config.scan_every.0, config.scan_every.1));
    let place = (rng.next_u64() % PLACES.len() as u64) as u8;
    plan.scans = rng.next_u64();
    (at < plan.delivered_at).then_some((at, place))
}

/// The order a package's workflow starts with.
pub fn order_input(index: u64, plan: &Plan) -> Payload {
    let (customer, amount) = match plan.kind {
        OrderKind::Delivered => ("Cadence", 20),
        OrderKind::OverLimit => ("Cadence", 30),
        OrderKind::NoCustomer => ("", 20),
    };
    let json = format!(
        r#"{{"id":"{}","customer":"{customer}","amount":{amount},"address":"Uber office","sendFrom":"{}"}}"#,
        workflow_id(index),
        PLACES[usize::from(plan.sent_from)]
    );
    Payload::from(json.as_str())
}

/// The workflow ID of package `index` (the workshop's are `Order123`).
pub fn workflow_id(index: u64) -> String {
    format!("Order{}", index + 1)
}

/// The `ScanSignal` input for each place, made once.
pub fn scan_inputs() -> Vec<Payload> {
    PLACES.iter().map(|p| Payload::from(format!(r#"{{"location":"{p}"}}"#).as_str())).collect()
}

//! The fleet: many packages through the workshop's workflow on one engine.
pub mod shard;

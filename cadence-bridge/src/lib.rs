//! cadence-bridge: postflow's workflow code on a real Cadence server.
//!
//! - [`client`]: the frontend's HTTP/JSON API (domains, workflows, worker calls);
//! - [`worker`]: decision, query and activity pollers running core's runtime;
//! - [`decider`]: the thread that owns the workflow runtimes and the sticky [`cache`];
//! - [`registry`]: what one worker serves (HelloWorld, the starter, the complete workflow);
//! - [`serve`]: `bridge worker`, for the reference chapters and for an exercise;
//! - [`scenario`]: a scenario played on the server and on the simulator in lockstep;
//! - [`load`]: full lifecycles through the server, for numbers;
//! - [`watch`]: what the server says about one workflow, read for a screen that shows it;
//! - [`away`]: a server that goes away and comes back, said once per process, and the
//!   calls sent again meanwhile (by the worker and by the drivers);
//! - [`shutdown`]: SIGINT/SIGTERM to a flag the worker watches; a second signal waits
//!   for a cleanup that would otherwise leave a workflow open on the server.

pub mod away;
pub mod cache;
pub mod client;
pub mod decider;
pub mod error;
pub mod load;
pub mod registry;
pub mod scenario;
pub mod serve;
pub mod shutdown;
pub mod watch;
pub mod worker;

pub use client::Client;
pub use error::BridgeError;

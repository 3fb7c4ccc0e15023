//! postflow-core: a faithful, deterministic model of Cadence running the postal
//! workshop's workflow.
//!
//! - [`history`]: Cadence history events and their proto3 JSON;
//! - [`sdk`]: what workflow code is written against;
//! - [`runtime`]: replays history through the code and returns decisions;
//! - [`engine`]: the simulated Cadence server with a virtual clock;
//! - [`fleet`]: many packages on one engine, with Cadence's shards, timer queues,
//!   task lists and the worker's cache made visible;
//! - [`postal`]: the workshop's domain, activities and workflow;
//! - [`scenario`]: scenario files and their runner;
//! - [`session`]: the view model the terminal and web front ends draw;
//! - [`workshop`]: the workshop's chapters as data, read by exercises and the guide;
//! - [`controls`]: the commands, keys and input rules both front ends share;
//! - [`count`]: whole numbers typed on a command line, read alike by every binary;
//! - [`wrap`]: words wrapped to a terminal's width, for the binaries that print text;
//! - [`cli`]: how the command-line programs end when their reader goes away.
//!
//! No I/O, no wall clock, no threads, no unseeded randomness: it builds for
//! `wasm32-unknown-unknown` and gives byte-identical histories everywhere.

pub mod cli;
pub mod controls;
pub mod count;
pub mod decision;
pub mod engine;
pub mod fleet;
pub(crate) mod go_json;
pub mod history;
pub(crate) mod keys;
pub mod log;
pub mod payload;
pub mod postal;
pub mod registry;
pub mod rng;
pub mod runtime;
pub mod scenario;
pub mod sdk;
pub mod session;
pub mod text;
pub mod time;
pub(crate) mod uuid;
pub(crate) mod vec_map;
pub mod workshop;
pub mod wrap;

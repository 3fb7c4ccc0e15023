//! Against a real Cadence server (`scripts/test-bridge.sh` starts one and runs these
//! with `-- --include-ignored --test-threads=1`). They share the workshop's task list,
//! so they must not run at the same time. The server's HTTP address comes from
//! POSTFLOW_CADENCE_HTTP (default http://127.0.0.1:8800).
//!
//! One test target (`--test real_server`), a module per topic. libtest runs the tests
//! in the order of their full names: those that stop and restart the server are in
//! [`zz_server_restart`], whose name sorts last.

mod blob_limit;
mod cancel;
mod cli;
mod common;
mod ctrl_c;
mod gate;
mod go_worker;
mod load;
mod scenario;
mod worker;
mod zz_server_restart;

//! The trunk entry point: mounts the playground.

fn main() {
    postflow_web::start();
}

//! Cadence's shard function against a real server: workflows started on the dev
//! server (`scripts/test-bridge.sh` starts it and runs this with `--ignored`) live
//! on the history shard postflow computes for their IDs, as the server's admin CLI
//! (`cadence admin workflow describe`) reports it. The dev server has 4 shards
//! (cadence-dev/config/base.yaml).

use std::process::Command;
use std::time::{Duration, SystemTime};

use cadence_bridge::client::{Client, StartOptions};
use postflow_core::fleet::shard::shard_of;
use postflow_core::fleet::world::workflow_id;

const DEV_SERVER_SHARDS: u32 = 4;

fn repo() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// Where the `cadence` CLI is (`scripts/cadence-dev.sh bin`).
fn cli() -> std::path::PathBuf {
    let out = Command::new(repo().join("scripts/cadence-dev.sh")).arg("bin").output().expect("scripts/cadence-dev.sh runs");
    std::path::PathBuf::from(String::from_utf8(out.stdout).unwrap().trim()).join("cadence")
}

/// The shard the server's admin CLI reports for a workflow.
fn server_shard(cli: &std::path::Path, workflow_id: &str) -> u32 {
    let out = Command::new(cli)
        .args(["--do", "cadence-workshop", "--transport", "grpc", "--address", "127.0.0.1:7833"])
        .args(["admin", "workflow", "describe", "--wid", workflow_id])
        .output()
        .expect("the cadence CLI runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let at = text
        .find("\"shardId\": \"")
        .unwrap_or_else(|| panic!("no shardId for {workflow_id}: {text} {}", String::from_utf8_lossy(&out.stderr)));
    let rest = &text[at + 12..];
    rest[..rest.find('"').unwrap()].parse().unwrap()
}

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn the_server_puts_each_workflow_on_the_shard_postflow_computes() {
    let address = std::env::var("POSTFLOW_CADENCE_HTTP").unwrap_or_else(|_| "http://127.0.0.1:8800".into());
    let client = Client::new(&address, "fleet-shard-test").unwrap();
    let cli = cli();
    let stamp = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs();
    // The fleet's own IDs and fresh ones; together they land on every shard.
    let ids: Vec<String> = (0..8).map(workflow_id).chain((0..12).map(|i| format!("fleet-shard-{stamp}-{i}"))).collect();
    let mut seen = [false; DEV_SERVER_SHARDS as usize];
    for id in &ids {
        let started = client.start_workflow(&StartOptions {
            domain: "cadence-workshop".into(),
            workflow_id: id.clone(),
            // A type no worker serves: the run only needs to exist, on a task list of its own.
            workflow_type: "ShardProbe".into(),
            task_list: "fleet-shard-probe".into(),
            input: None,
            execution_timeout: Duration::from_secs(60),
            task_timeout: Duration::from_secs(10),
            id_reuse_policy: Some("AllowDuplicate".into()),
        });
        if let Err(e) = started {
            // A rerun within the minute finds the run still open: it still has its shard.
            assert!(e.to_string().contains("already"), "{id}: {e}");
        }
        let expected = shard_of(id, DEV_SERVER_SHARDS);
        assert_eq!(server_shard(&cli, id), expected, "{id}");
        seen[expected as usize] = true;
    }
    assert!(seen.iter().all(|s| *s), "the IDs cover every shard: {seen:?}");
}

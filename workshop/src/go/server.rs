//! The two ways the Go track reaches a Cadence server: its HTTP API (this project's
//! dev server and compose file), or the participant's own `cadence` command (the
//! workshop's docker-compose serves only gRPC and tchannel). Both answer the same
//! few questions, and tell a refusal (the workflow said no) from a server or command
//! that cannot be used at all.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use cadence_bridge::{BridgeError, Client, client::StartOptions};
use postflow_core::history::HistoryEvent;
use postflow_core::postal::{ChapterNames, TASK_LIST};
use serde_json::{Value, json};

/// Why a call did not go through.
#[derive(Debug)]
pub enum Fail {
    /// The server (or the command) cannot be used: the checks stop.
    Down(String),
    /// The server refused this request (a signal to a closed workflow, a failing query).
    Refused(String),
}

/// What is pending on a workflow, as `DescribeWorkflowExecution` says.
#[derive(Debug, Default)]
pub struct Pending {
    pub closed: bool,
    /// A decision task waits for a worker (scheduled, not started).
    pub decision_waiting: bool,
    /// A decision task is scheduled or running.
    pub decision: bool,
    /// An activity is running or waits for its next attempt.
    pub activity: bool,
}

pub trait Server {
    /// Where the server is, for messages.
    fn describe(&self) -> String;
    /// Is the server there, with the domain, and does a worker poll the task list?
    fn preflight(&self, domain: &str) -> Result<(), String>;
    fn start(&self, workflow_id: &str, input: &str, timeout: Duration) -> Result<(), Fail>;
    fn signal(&self, workflow_id: &str, name: &str, input: Option<&str>) -> Result<(), Fail>;
    fn query(&self, workflow_id: &str, name: &str) -> Result<String, Fail>;
    fn history(&self, workflow_id: &str) -> Result<Vec<HistoryEvent>, Fail>;
    fn pending(&self, workflow_id: &str) -> Result<Pending, Fail>;
    fn terminate(&self, workflow_id: &str);
    /// `cadence wf cancel`: the request is recorded for the workflow code.
    fn cancel(&self, workflow_id: &str, reason: &str) -> Result<(), Fail>;
    /// How often it is worth asking again while waiting.
    fn poll_every(&self) -> Duration;
}

// ---- the HTTP API ----

pub struct Http {
    client: Client,
    domain: String,
}

impl Http {
    pub fn new(url: &str, domain: &str) -> Result<Http, String> {
        Ok(Http { client: Client::new(url, "postflow-workshop").map_err(|e| e.to_string())?, domain: domain.into() })
    }
}

fn fail(e: BridgeError) -> Fail {
    match e {
        BridgeError::Unreachable { .. } | BridgeError::NotHttpApi { .. } | BridgeError::Timeout { .. } | BridgeError::NotAllowed(_) => {
            Fail::Down(e.to_string())
        }
        BridgeError::Server { .. } if e.is_transient() => Fail::Down(e.to_string()),
        other => Fail::Refused(other.to_string()),
    }
}

impl Server for Http {
    fn describe(&self) -> String {
        format!("the HTTP API at {}", self.client.url().trim_end_matches('/'))
    }

    fn preflight(&self, domain: &str) -> Result<(), String> {
        match self.client.describe_domain(domain) {
            Ok(_) => {}
            Err(BridgeError::NotFound(_)) => {
                return Err(format!(
                    "the domain {domain} is not registered on this server: `cadence --domain {domain} domain register`, then start \
                     your worker"
                ));
            }
            Err(e) => return Err(e.to_string()),
        }
        let body = json!({ "domain": domain, "taskList": { "name": TASK_LIST }, "taskListType": "TASK_LIST_TYPE_DECISION" });
        let v = self.client.call("WorkflowAPI", "DescribeTaskList", &body, Duration::from_secs(10)).map_err(|e| e.to_string())?;
        if v["pollers"].as_array().is_none_or(|p| p.is_empty()) {
            return Err(no_worker(domain));
        }
        Ok(())
    }

    fn start(&self, workflow_id: &str, input: &str, timeout: Duration) -> Result<(), Fail> {
        self.client
            .start_workflow(&StartOptions {
                domain: self.domain.clone(),
                workflow_id: workflow_id.into(),
                workflow_type: ChapterNames::STARTER.workflow.into(),
                task_list: TASK_LIST.into(),
                input: Some(input.into()),
                execution_timeout: timeout,
                task_timeout: Duration::from_secs(10),
                id_reuse_policy: Some("AllowDuplicate".into()),
            })
            .map(|_| ())
            .map_err(fail)
    }

    fn signal(&self, workflow_id: &str, name: &str, input: Option<&str>) -> Result<(), Fail> {
        self.client.signal(&self.domain, workflow_id, "", name, input).map_err(fail)
    }

    fn query(&self, workflow_id: &str, name: &str) -> Result<String, Fail> {
        self.client.query(&self.domain, workflow_id, "", name, None).map_err(fail)
    }

    fn history(&self, workflow_id: &str) -> Result<Vec<HistoryEvent>, Fail> {
        self.client.history(&self.domain, workflow_id, "").map_err(fail)
    }

    fn pending(&self, workflow_id: &str) -> Result<Pending, Fail> {
        let d = self.client.describe(&self.domain, workflow_id, "").map_err(fail)?;
        let decision = &d["pendingDecision"];
        Ok(Pending {
            closed: d["workflowExecutionInfo"].get("closeStatus").is_some(),
            decision: decision.is_object(),
            decision_waiting: decision["state"].as_str().is_some_and(|s| s.ends_with("SCHEDULED")),
            activity: d["pendingActivities"].as_array().is_some_and(|a| !a.is_empty()),
        })
    }

    fn terminate(&self, workflow_id: &str) {
        let _ = self.client.terminate(&self.domain, workflow_id, "", "workshop check finished");
    }

    fn cancel(&self, workflow_id: &str, reason: &str) -> Result<(), Fail> {
        self.client.request_cancel(&self.domain, workflow_id, "", reason, &cadence_bridge::client::request_id()).map_err(fail)
    }

    fn poll_every(&self) -> Duration {
        Duration::from_millis(200)
    }
}

fn no_worker(domain: &str) -> String {
    format!(
        "no worker polls task list {TASK_LIST} in domain {domain}: start your Go worker (go run main.go in the workshop) and \
         check again"
    )
}

// ---- the participant's `cadence` command ----

pub struct Cli {
    program: String,
    args: Vec<String>,
    domain: String,
    scratch: PathBuf,
}

/// How long one `cadence` command may take.
const CLI_LIMIT: Duration = Duration::from_secs(30);

impl Cli {
    /// `command` is the command line that runs the CLI: `./cadence`, or
    /// `cadence --address 127.0.0.1:7833 --transport grpc` (split at spaces).
    pub fn new(command: &str, domain: &str) -> Result<Cli, String> {
        let mut words = command.split_whitespace().map(str::to_owned);
        let program = words.next().ok_or("--cli needs a command, e.g. --cli ./cadence")?;
        let scratch = std::env::temp_dir().join(format!("postflow-workshop-{}", std::process::id()));
        std::fs::create_dir_all(&scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
        Ok(Cli { program, args: words.collect(), domain: domain.into(), scratch })
    }

    /// Runs `cadence <args> --domain D <rest>`; stdout, or why not.
    fn run(&self, rest: &[&str]) -> Result<String, Fail> {
        let mut child = Command::new(&self.program)
            .args(&self.args)
            .args(["--domain", &self.domain])
            .args(rest)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| Fail::Down(format!("cannot run the cadence command {:?}: {e}", self.program)))?;
        let started = Instant::now();
        loop {
            match child.try_wait() {
                Ok(Some(_)) => break,
                Ok(None) if started.elapsed() > CLI_LIMIT => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(Fail::Down(format!(
                        "`{} {}` gave no answer within {}s",
                        self.program,
                        rest.join(" "),
                        CLI_LIMIT.as_secs()
                    )));
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(20)),
                Err(e) => return Err(Fail::Down(e.to_string())),
            }
        }
        let out = child.wait_with_output().map_err(|e| Fail::Down(e.to_string()))?;
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        if out.status.success() {
            return Ok(stdout);
        }
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        // The CLI says "Error: <what failed>\nError details:\n  <why>".
        let details = stderr
            .lines()
            .skip_while(|l| !l.starts_with("Error details"))
            .nth(1)
            .map(|l| l.trim().to_owned())
            .unwrap_or_else(|| stderr.lines().find(|l| !l.trim().is_empty()).unwrap_or("").trim().to_owned());
        if details.is_empty() {
            return Err(Fail::Down(format!("`{} {}` failed ({}) without saying why", self.program, rest.join(" "), out.status)));
        }
        let down = ["connection refused", "Unavailable", "deadline exceeded", "no such host", "connection error"];
        if down.iter().any(|d| stderr.contains(d)) {
            return Err(Fail::Down(format!("`{}` cannot reach the server: {details}", self.program)));
        }
        // Something answers at the address, but not as Cadence's frontend does over the
        // CLI's transport: its default (tchannel) sent to the gRPC port 7833 or to the
        // HTTP API, or gRPC sent to another service's port.
        let elsewhere = ["connection reset by peer", "unexpected EOF", "unrecognized service name"];
        if elsewhere.iter().any(|d| stderr.contains(d)) {
            return Err(Fail::Down(format!(
                "`{}` reached something at its address that does not answer as Cadence's frontend over the CLI's transport \
                 ({details}). The dev server's frontend takes the CLI at 127.0.0.1:7933 (the CLI's default) or, over gRPC, at \
                 127.0.0.1:7833 with --transport grpc: --cli 'cadence --address 127.0.0.1:7833 --transport grpc'",
                self.program
            )));
        }
        Err(Fail::Refused(details))
    }
}

fn down_only(e: Fail) -> String {
    match e {
        Fail::Down(m) | Fail::Refused(m) => m,
    }
}

impl Server for Cli {
    fn describe(&self) -> String {
        format!("your cadence command ({} {})", self.program, self.args.join(" ")).replace(" )", ")")
    }

    fn preflight(&self, domain: &str) -> Result<(), String> {
        match self.run(&["domain", "describe"]) {
            Ok(_) => {}
            Err(Fail::Refused(m)) if m.contains("not exist") || m.contains("EntityNotExists") => {
                return Err(format!("the domain {domain} is not registered on this server: `cadence --domain {domain} domain register`"));
            }
            Err(e) => return Err(down_only(e)),
        }
        let pollers = self.run(&["tasklist", "describe", "--tasklist", TASK_LIST]).map_err(down_only)?;
        // A table: a header line, then one line per poller.
        if pollers.lines().filter(|l| l.contains('|')).count() < 2 {
            return Err(no_worker(domain));
        }
        Ok(())
    }

    fn start(&self, workflow_id: &str, input: &str, timeout: Duration) -> Result<(), Fail> {
        let timeout = timeout.as_secs().to_string();
        self.run(&[
            "workflow",
            "start",
            "--tasklist",
            TASK_LIST,
            "--workflow_type",
            ChapterNames::STARTER.workflow,
            "--workflow_id",
            workflow_id,
            "--execution_timeout",
            &timeout,
            "--decision_timeout",
            "10",
            "--workflowidreusepolicy",
            "1",
            "--input",
            input,
        ])
        .map(|_| ())
    }

    fn signal(&self, workflow_id: &str, name: &str, input: Option<&str>) -> Result<(), Fail> {
        let mut args = vec!["workflow", "signal", "--workflow_id", workflow_id, "--name", name];
        if let Some(i) = input {
            args.extend(["--input", i]);
        }
        self.run(&args).map(|_| ())
    }

    fn query(&self, workflow_id: &str, name: &str) -> Result<String, Fail> {
        self.run(&["workflow", "query", "--workflow_id", workflow_id, "--query_type", name]).map(|s| s.trim().to_owned())
    }

    fn history(&self, workflow_id: &str) -> Result<Vec<HistoryEvent>, Fail> {
        let file = self.scratch.join(format!("{workflow_id}.json"));
        let path = file.to_string_lossy().into_owned();
        self.run(&["workflow", "show", "--workflow_id", workflow_id, "--output_filename", &path])?;
        let text = std::fs::read_to_string(&file).map_err(|e| Fail::Down(format!("{path}: {e}")))?;
        let _ = std::fs::remove_file(&file);
        postflow_core::history::json::history_from_json(&text)
            .map_err(|e| Fail::Down(format!("the history `cadence workflow show` wrote cannot be read: {e}")))
    }

    fn pending(&self, workflow_id: &str) -> Result<Pending, Fail> {
        let text = self.run(&["workflow", "describe", "--workflow_id", workflow_id])?;
        let d: Value = serde_json::from_str(&text).map_err(|e| Fail::Down(format!("`cadence workflow describe` answered no JSON: {e}")))?;
        let decision = &d["PendingDecision"];
        Ok(Pending {
            closed: d["WorkflowExecutionInfo"]["CloseStatus"].is_string(),
            decision: decision.is_object(),
            decision_waiting: decision["State"].as_str().or(decision["state"].as_str()).is_some_and(|s| s.ends_with("SCHEDULED")),
            activity: d["PendingActivities"].as_array().is_some_and(|a| !a.is_empty()),
        })
    }

    fn terminate(&self, workflow_id: &str) {
        let _ = self.run(&["workflow", "terminate", "--workflow_id", workflow_id, "--reason", "workshop check finished"]);
    }

    fn cancel(&self, workflow_id: &str, reason: &str) -> Result<(), Fail> {
        self.run(&["workflow", "cancel", "--workflow_id", workflow_id, "--reason", reason]).map(|_| ())
    }

    fn poll_every(&self) -> Duration {
        Duration::from_millis(500)
    }
}

impl Drop for Cli {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.scratch);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `cadence` command that fails as the real one does, with `stderr`.
    fn failing_cadence(name: &str, stderr: &str) -> String {
        let path = std::env::temp_dir().join(format!("workshop-go-cli-{}-{name}", std::process::id()));
        let script = format!("#!/bin/sh\ncat >&2 <<'EOF'\n{stderr}\nEOF\nexit 1\n");
        std::fs::write(&path, script).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        path.to_string_lossy().into_owned()
    }

    #[test]
    fn a_cli_talking_to_the_wrong_port_or_transport_is_told_how_to_reach_the_frontend() {
        // What the real CLI (v1.4.1) writes for each: `--address 127.0.0.1:7833` without
        // `--transport grpc`, the HTTP API's port, and gRPC to the history service.
        let cases = [
            ("grpc-port", "err: read tcp 127.0.0.1:36662->127.0.0.1:7833: read: connection reset by peer"),
            ("http-port", "err: unexpected EOF"),
            (
                "history",
                "code:unimplemented message:unrecognized service name \"cadence-frontend\", available services: \"cadence-history\"",
            ),
        ];
        for (name, why) in cases {
            let stderr = format!("Error: Operation DescribeDomain failed.\nError details:\n  code:unknown message:{why}");
            let cli = Cli::new(&failing_cadence(name, &stderr), "cadence-workshop").unwrap();
            let m = cli.preflight("cadence-workshop").unwrap_err();
            assert!(m.contains("does not answer as Cadence's frontend over the CLI's transport"), "{name}: {m}");
            assert!(m.contains("--cli 'cadence --address 127.0.0.1:7833 --transport grpc'"), "{name}: {m}");
            // Mid-check too, it stops the checks rather than passing for a refusal.
            assert!(matches!(cli.signal("w", "ScanSignal", None), Err(Fail::Down(_))), "{name}");
        }
    }
}

//! The HTTP API over real HTTP: start `dfs-api` on a free loopback port, POST a
//! run, GET it back, and check errors come back as JSON with the right status.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

#[path = "common/standings.rs"]
mod standings;
use standings::{standings_for, upload_names};

/// The server process; killed when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(root: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dfs-api"))
        .args(["--root", root.to_str().unwrap(), "--addr", "127.0.0.1:0"])
        .env_remove("DFS_HOME")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .expect("address line")
        .to_string();
    Server { child, addr }
}

/// One HTTP/1.1 request; returns (status, JSON body).
fn request(addr: &str, method: &str, path: &str, body: Option<&str>) -> (u16, serde_json::Value) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(300))).unwrap();
    let body = body.unwrap_or("");
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let (head, payload) = raw.split_once("\r\n\r\n").unwrap();
    let status: u16 = head.split(' ').nth(1).unwrap().parse().unwrap();
    (
        status,
        serde_json::from_str(payload).unwrap_or(serde_json::Value::Null),
    )
}

#[test]
fn post_a_run_then_get_it() {
    let root = tempfile::tempdir().unwrap();
    let cfg = |name: &str, text: &str| {
        let p = root.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    };
    let body = serde_json::json!({
        "slate": "nba-2025-01-12",
        "contest": "nba-20k-four-point-play",
        "seed": 7,
        "variants_config": cfg("v.yaml", "count: 4\n"),
        "optimizer_config": cfg("o.yaml", "lineups_per_variant: 2\n"),
        "sampler_config": cfg("f.yaml", "calibration_rounds: 2\n"),
        "sim_config": cfg("s.yaml", "iterations: 100\nentries: 5\n"),
        "tag": "api-test",
    })
    .to_string();
    let server = start(root.path());

    let (status, run) = request(&server.addr, "POST", "/api/runs", Some(&body));
    assert_eq!(status, 201, "{run}");
    let run_id = run["run_id"].as_str().unwrap().to_string();
    let path = Path::new(run["artifact_path"].as_str().unwrap());
    assert!(path.is_absolute() && path.join("manifest.json").is_file());
    assert!(run["metrics_head"]["roi_mean"].is_number());

    let (status, got) = request(&server.addr, "GET", &format!("/api/runs/{run_id}"), None);
    assert_eq!(status, 200);
    assert_eq!(got["status"], "succeeded");
    assert_eq!(got["tag"], "api-test");
    assert_eq!(got["metrics_head"], run["metrics_head"]);

    let (status, list) = request(&server.addr, "GET", "/api/runs", None);
    assert_eq!(status, 200);
    assert_eq!(list.as_array().unwrap().len(), 1);

    // Backtest the run's entries in a real contest of three entries.
    let ours = upload_names(&path.join("optimizer/dk_export.csv"));
    let standings = root.path().join("standings.csv");
    std::fs::write(&standings, standings_for(&ours, &[300.0, 250.0, 200.0])).unwrap();
    let body = serde_json::json!({"standings": standings}).to_string();
    let backtest = format!("/api/runs/{run_id}/backtest");
    let (status, b) = request(&server.addr, "POST", &backtest, Some(&body));
    assert_eq!(status, 200, "{b}");
    assert_eq!(b["entries"], ours.len());
    assert_eq!(b["real_entries"], 3);
    assert_eq!(b["simulated_roi_mean"], run["metrics_head"]["roi_mean"]);
    let body = serde_json::json!({"standings": root.path().join("missing.csv")}).to_string();
    let (status, e) = request(&server.addr, "POST", &backtest, Some(&body));
    assert_eq!(status, 422, "{e}");
    assert!(e["detail"].as_str().unwrap().contains("missing.csv"), "{e}");
    let (status, _) = request(
        &server.addr,
        "POST",
        "/api/runs/20250101-000000-deadbeef/backtest",
        Some(&body),
    );
    assert_eq!(status, 404);
}

#[test]
fn errors_are_json_with_the_right_status() {
    let root = tempfile::tempdir().unwrap();
    let server = start(root.path());

    let (status, e) = request(
        &server.addr,
        "GET",
        "/api/runs/20250101-000000-deadbeef",
        None,
    );
    assert_eq!(status, 404);
    assert_eq!(e["error"], "not_found");

    let (status, e) = request(
        &server.addr,
        "POST",
        "/api/runs",
        Some(r#"{"slate": "nope", "contest": "nba-20k-four-point-play"}"#),
    );
    assert_eq!(status, 404);
    assert!(
        e["detail"].as_str().unwrap().contains("unknown slate"),
        "{e}"
    );

    let (status, e) = request(&server.addr, "POST", "/api/runs", Some("{not json"));
    assert_eq!(status, 400);
    assert_eq!(e["error"], "bad_request");

    let (status, e) = request(
        &server.addr,
        "POST",
        "/api/runs",
        Some(
            r#"{"slate": "nba-2025-01-12", "contest": "nba-20k-four-point-play", "sim_config": "/nonexistent/sim.yaml"}"#,
        ),
    );
    assert_eq!(status, 422, "{e}");
    assert!(
        e["detail"]
            .as_str()
            .unwrap()
            .contains("/nonexistent/sim.yaml"),
        "{e}"
    );
}

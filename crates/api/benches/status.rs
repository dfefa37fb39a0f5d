//! `GET /api/runs/{id}` while two runs are in flight: starts `dfs-api` with
//! two workers on a fresh root, queues two long runs (every core busy), then
//! times 500 status requests over real HTTP, each on a new connection, and
//! prints their latency quantiles against the 10 ms target.
//!
//! `cargo bench -p api --bench status`

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Status requests timed.
const REQUESTS: usize = 500;
/// The target: a status answer in under this, at the 99th percentile.
const TARGET_MS: f64 = 10.0;

fn request(addr: &str, method: &str, path: &str, body: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(60)))
        .expect("timeout");
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("write");
    let mut raw = String::new();
    s.read_to_string(&mut raw).expect("read");
    let status = raw
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let text = raw
        .split_once("\r\n\r\n")
        .map(|x| x.1)
        .unwrap_or("")
        .to_string();
    (status, text)
}

fn run_id(text: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(text).expect("json");
    v["run_id"].as_str().expect("run_id").to_string()
}

fn main() {
    let root = tempfile::tempdir().expect("tempdir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_dfs-api"))
        .args([
            "--root",
            root.path().to_str().expect("utf-8"),
            "--addr",
            "127.0.0.1:0",
        ])
        .args(["--workers", "2"])
        .env_remove("DFS_HOME")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("dfs-api");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("address");
    let addr = line
        .trim()
        .trim_start_matches("listening on http://")
        .to_string();

    let body = |seed: u64| {
        serde_json::json!({
            "slate": "nba-2025-01-12", "contest": "nba-20k-four-point-play", "seed": seed,
            "sim": {"iterations": 2_000_000, "entries": 20},
        })
        .to_string()
    };
    let ids: Vec<String> = (1..=2)
        .map(|seed| {
            let (status, text) = request(&addr, "POST", "/api/runs", &body(seed));
            assert_eq!(status, 202, "{text}");
            run_id(&text)
        })
        .collect();
    // Both running, well into their work.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let running = ids.iter().all(|id| {
            let (_, text) = request(&addr, "GET", &format!("/api/runs/{id}"), "");
            text.contains("\"status\":\"running\"")
        });
        if running {
            break;
        }
        assert!(Instant::now() < deadline, "the runs did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_secs(2));

    let mut millis: Vec<f64> = (0..REQUESTS)
        .map(|i| {
            let id = &ids[i % 2];
            let t = Instant::now();
            let (status, text) = request(&addr, "GET", &format!("/api/runs/{id}"), "");
            let ms = t.elapsed().as_secs_f64() * 1e3;
            assert_eq!(status, 200, "{text}");
            assert!(
                text.contains("\"status\":\"running\""),
                "a run ended early: {text}"
            );
            ms
        })
        .collect();
    millis.sort_by(f64::total_cmp);
    let q = |p: f64| millis[((millis.len() - 1) as f64 * p).round() as usize];
    println!(
        "GET /api/runs/{{id}} with 2 runs in flight, {REQUESTS} requests: \
         p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms; p99 / target {:.2} (target {TARGET_MS} ms)",
        q(0.5),
        q(0.95),
        q(0.99),
        millis[millis.len() - 1],
        q(0.99) / TARGET_MS,
    );
    for id in &ids {
        request(&addr, "DELETE", &format!("/api/runs/{id}"), "");
    }
    let _ = child.kill();
    let _ = child.wait();
}

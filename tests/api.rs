//! The HTTP API over real HTTP: start `dfs-api` on a free loopback port, POST a
//! run, GET it back, and check errors come back as JSON with the right status,
//! files outside the data root are refused, concurrent runs stay apart, and
//! SIGTERM cancels the runs in flight and exits cleanly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

#[path = "common/standings.rs"]
mod standings;
use standings::{standings_for, upload_names};

const SLATE: &str = "nba-2025-01-12";
const CONTEST: &str = "nba-20k-four-point-play";

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

/// An HTTP answer: status, head, raw body and the body as JSON (Null when not JSON).
#[derive(Debug)]
struct Answer {
    status: u16,
    head: String,
    text: String,
    json: serde_json::Value,
}

/// One HTTP/1.1 request with a read timeout (so a server that never answers
/// fails the test instead of hanging it). The body is written from its own
/// thread, so a server that answers before reading it all (413) is still
/// heard. Err when the connection closes without an answer.
fn try_request(
    addr: &str,
    method: &str,
    path: &str,
    body: &[u8],
    timeout: Duration,
) -> std::io::Result<Answer> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(timeout))?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let mut writer = s.try_clone()?;
    let body = body.to_vec();
    let sender = std::thread::spawn(move || {
        // The server may close early (a body over the limit): ignore write errors.
        let _ = writer.write_all(head.as_bytes());
        let _ = writer.write_all(&body);
    });
    let mut raw = Vec::new();
    let mut buf = [0u8; 64 * 1024];
    loop {
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
            // A reset after the answer (the server did not read the whole body).
            Err(e) if !raw.is_empty() && e.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(e) => return Err(e),
        }
    }
    let _ = s.shutdown(std::net::Shutdown::Both);
    let _ = sender.join();
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let Some((head, text)) = raw.split_once("\r\n\r\n") else {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            format!("no HTTP answer: {raw:?}"),
        ));
    };
    let status: u16 = head.split(' ').nth(1).unwrap().parse().unwrap();
    Ok(Answer {
        status,
        head: head.to_string(),
        text: text.to_string(),
        json: serde_json::from_str(text).unwrap_or(serde_json::Value::Null),
    })
}

/// One HTTP/1.1 request; returns (status, JSON body).
fn request(addr: &str, method: &str, path: &str, body: Option<&str>) -> (u16, serde_json::Value) {
    let a = answer(addr, method, path, body.unwrap_or(""));
    (a.status, a.json)
}

/// One HTTP/1.1 request that must be answered.
fn answer(addr: &str, method: &str, path: &str, body: &str) -> Answer {
    try_request(
        addr,
        method,
        path,
        body.as_bytes(),
        Duration::from_secs(300),
    )
    .unwrap()
}

/// Writes a file into `dir` and returns its path as a string.
fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

/// A run body with tiny configs written inside the data root `root` (the
/// server reads only files there): a run takes well under a second.
fn tiny_run(root: &Path, seed: u64, sim: &str) -> serde_json::Value {
    serde_json::json!({
        "slate": SLATE,
        "contest": CONTEST,
        "seed": seed,
        "variants_config": write(root, "tiny-variants.yaml", "count: 2\n"),
        "optimizer_config": write(root, "tiny-optimizer.yaml", "lineups_per_variant: 2\n"),
        "sampler_config": write(root, "tiny-sampler.yaml", "calibration_rounds: 1\n"),
        "sim_config": write(root, "tiny-sim.yaml", sim),
    })
}

/// Every path under `dir` (files and folders), recursively.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        }
        out.push(p);
    }
    out
}

/// Staging folders and lock files left under `runs/`.
fn leftovers(root: &Path) -> Vec<PathBuf> {
    walk(&root.join("runs"))
        .into_iter()
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.ends_with(".partial") || name.ends_with(".lock")
        })
        .collect()
}

/// Asserts a 4xx JSON error that does not echo `/etc/passwd`'s bytes.
fn assert_refused(a: &Answer, what: &str) {
    assert!(
        (400..500).contains(&a.status),
        "{what}: {} {}",
        a.status,
        a.text
    );
    assert!(a.json["error"].is_string(), "{what}: {}", a.text);
    assert!(a.json["detail"].is_string(), "{what}: {}", a.text);
    assert!(
        !a.text.contains("root:"),
        "{what} leaked a file: {}",
        a.text
    );
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

#[test]
fn unknown_routes_wrong_methods_and_big_bodies_answer_json() {
    let root = tempfile::tempdir().unwrap();
    let server = start(root.path());

    let a = answer(&server.addr, "GET", "/api/nope", "");
    assert_eq!(a.status, 404, "{}", a.text);
    assert_eq!(a.json["error"], "not_found", "{}", a.text);
    assert!(a.json["detail"].as_str().unwrap().contains("/api/nope"));

    let a = answer(&server.addr, "DELETE", "/api/runs", "");
    assert_eq!(a.status, 405, "{}", a.text);
    assert_eq!(a.json["error"], "method_not_allowed", "{}", a.text);
    assert!(a.json["detail"].is_string(), "{}", a.text);
    assert!(
        a.head.to_ascii_lowercase().contains("allow: "),
        "{}",
        a.head
    );

    let a = answer(
        &server.addr,
        "PUT",
        "/api/runs/20250101-000000-deadbeef",
        "",
    );
    assert_eq!(a.status, 405, "{}", a.text);
    assert_eq!(a.json["error"], "method_not_allowed", "{}", a.text);

    // 50 MB against the default 2 MiB limit: refused as too large, not as bad JSON.
    let mut big = br#"{"slate": ""#.to_vec();
    big.resize(50 * 1024 * 1024, b'x');
    let a = try_request(
        &server.addr,
        "POST",
        "/api/runs",
        &big,
        Duration::from_secs(300),
    )
    .unwrap();
    assert_eq!(a.status, 413, "{}", a.text);
    assert_eq!(a.json["error"], "payload_too_large", "{}", a.text);
    assert!(a.json["detail"].is_string(), "{}", a.text);

    // A body with a missing field is well-formed JSON but an invalid request.
    let a = answer(&server.addr, "POST", "/api/runs", r#"{"slate": "x"}"#);
    assert_eq!(a.status, 422, "{}", a.text);
    assert_eq!(a.json["error"], "invalid_input", "{}", a.text);

    // The server still serves after all that.
    let (status, list) = request(&server.addr, "GET", "/api/runs", None);
    assert_eq!(status, 200);
    assert_eq!(list, serde_json::json!([]));
}

#[test]
fn files_outside_the_root_or_not_regular_are_refused() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path();
    let server = start(dir);
    let prompt = Duration::from_secs(60);
    let post_run = |body: &serde_json::Value| {
        try_request(
            &server.addr,
            "POST",
            "/api/runs",
            body.to_string().as_bytes(),
            prompt,
        )
        .expect("answered promptly")
    };
    let tiny = tiny_run(dir, 3, "iterations: 50\nentries: 3\n");
    let with_sim = |sim: &str| {
        let mut body = tiny.clone();
        body["sim_config"] = sim.into();
        body
    };

    let a = post_run(&with_sim("/etc/passwd"));
    assert_refused(&a, "sim_config /etc/passwd");
    assert_eq!(a.status, 422, "{}", a.text);
    assert!(a.json["detail"].as_str().unwrap().contains("/etc/passwd"));

    // A relative name is taken from the data root, and may not climb out of it.
    let a = post_run(&with_sim("../../../../../../../../etc/passwd"));
    assert_refused(&a, "sim_config ../../etc/passwd");

    let a = post_run(&with_sim("/dev/zero"));
    assert_refused(&a, "sim_config /dev/zero");

    let fifo = dir.join("fifo.yaml");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let a = post_run(&with_sim(fifo.to_str().unwrap()));
    assert_refused(&a, "sim_config a FIFO");

    let link = dir.join("link.yaml");
    std::os::unix::fs::symlink("/etc/passwd", &link).unwrap();
    let a = post_run(&with_sim(link.to_str().unwrap()));
    assert_refused(&a, "sim_config a symlink to /etc/passwd");

    let a = post_run(&with_sim(&write(
        dir,
        "corr.yaml",
        "iterations: 50\nentries: 3\ncorrelations: /etc/passwd\n",
    )));
    assert_refused(&a, "correlations: /etc/passwd");
    let a = post_run(&with_sim(&write(
        dir,
        "corr-rel.yaml",
        "iterations: 50\nentries: 3\ncorrelations: ../../../../../../../../etc/passwd\n",
    )));
    assert_refused(&a, "correlations: ../../etc/passwd");

    // Nothing was run, nothing was left behind.
    let (_, list) = request(&server.addr, "GET", "/api/runs", None);
    assert_eq!(list, serde_json::json!([]));

    // A real run, then backtests against standings outside the root.
    let a = post_run(&tiny);
    assert_eq!(a.status, 201, "{}", a.text);
    let backtest = format!("/api/runs/{}/backtest", a.json["run_id"].as_str().unwrap());
    for standings in [
        "/etc/shadow",
        "/etc/passwd",
        "../../../../../../../../etc/passwd",
        link.to_str().unwrap(),
        fifo.to_str().unwrap(),
        "/dev/zero",
    ] {
        let body = serde_json::json!({ "standings": standings }).to_string();
        let a = try_request(&server.addr, "POST", &backtest, body.as_bytes(), prompt)
            .expect("answered promptly");
        assert_refused(&a, &format!("standings {standings}"));
    }
    assert_eq!(leftovers(dir), Vec::<PathBuf>::new());
}

#[test]
fn concurrent_identical_runs_get_distinct_ids() {
    let root = tempfile::tempdir().unwrap();
    let server = start(root.path());
    let body = tiny_run(root.path(), 11, "iterations: 50\nentries: 3\n").to_string();
    let runs: Vec<Answer> = std::thread::scope(|s| {
        let posts: Vec<_> = (0..16)
            .map(|_| s.spawn(|| answer(&server.addr, "POST", "/api/runs", &body)))
            .collect();
        posts.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut ids = Vec::new();
    for a in &runs {
        assert_eq!(a.status, 201, "{}", a.text);
        ids.push(a.json["run_id"].as_str().unwrap().to_string());
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 16, "{ids:?}");
    for id in &ids {
        let a = answer(&server.addr, "GET", &format!("/api/runs/{id}"), "");
        assert_eq!(a.status, 200, "{}", a.text);
        assert_eq!(a.json["status"], "succeeded", "{}", a.text);
    }
    let (_, list) = request(&server.addr, "GET", "/api/runs", None);
    assert_eq!(list.as_array().unwrap().len(), 16);
    // Identical inputs: identical figures.
    assert!(
        runs.iter()
            .all(|a| a.json["metrics_head"] == runs[0].json["metrics_head"])
    );
    assert_eq!(leftovers(root.path()), Vec::<PathBuf>::new());
}

#[test]
fn sigterm_cancels_runs_in_flight_and_exits_cleanly() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().to_path_buf();
    let dfs = Path::new(env!("CARGO_BIN_EXE_dfs-api")).with_file_name("dfs");
    assert!(
        dfs.is_file(),
        "{} missing: build it with `cargo build --release -p cli`",
        dfs.display()
    );
    let mut server = start(&dir);
    // A million iterations: the run lasts far longer than the test needs.
    let body = tiny_run(&dir, 5, "iterations: 1000000\nentries: 5\n").to_string();
    let addr = server.addr.clone();
    let post = std::thread::spawn(move || {
        try_request(
            &addr,
            "POST",
            "/api/runs",
            body.as_bytes(),
            Duration::from_secs(300),
        )
    });

    // Wait until the registry shows the run running.
    let run_id = loop {
        assert!(
            !post.is_finished(),
            "the run ended before SIGTERM: {:?}",
            post.join()
        );
        let (status, list) = request(&server.addr, "GET", "/api/runs", None);
        assert_eq!(status, 200, "{list}");
        if let Some(run) = list.as_array().unwrap().first() {
            assert_eq!(run["status"], "running", "{run}");
            break run["run_id"].as_str().unwrap().to_string();
        }
        std::thread::sleep(Duration::from_millis(50));
    };

    let pid = server.child.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());

    // The POST is answered 503 `cancelled`, or its connection closes.
    match post.join().unwrap() {
        Ok(a) => {
            assert_eq!(a.status, 503, "{}", a.text);
            assert_eq!(a.json["error"], "cancelled", "{}", a.text);
            assert!(
                a.json["detail"].as_str().unwrap().contains(&run_id),
                "{}",
                a.text
            );
        }
        Err(e) => eprintln!("the POST's connection closed: {e}"),
    }
    let exit = server.child.wait().unwrap();
    assert!(exit.success(), "dfs-api exited with {exit}");

    let out = Command::new(&dfs)
        .arg("--root")
        .arg(&dir)
        .args(["runs", "list", "--json"])
        .env_remove("DFS_HOME")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let runs: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let runs = runs.as_array().unwrap();
    assert_eq!(runs.len(), 1, "{runs:?}");
    assert_eq!(runs[0]["run_id"], run_id.as_str());
    assert_eq!(runs[0]["status"], "cancelled", "{}", runs[0]);
    assert!(!dir.join("runs").join(SLATE).join(&run_id).exists());
    assert_eq!(leftovers(&dir), Vec::<PathBuf>::new());
}

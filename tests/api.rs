//! The HTTP API over real HTTP: start `dfs-api` on a free loopback port, queue
//! runs, follow them (status, `?wait`, server-sent events), cancel them, fetch
//! their files, and check errors come back as JSON with the right status,
//! files outside the data root are refused, 16 runs queued on one worker all
//! finish, the bearer token guards every route, and SIGTERM cancels the runs
//! in flight and exits cleanly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

#[path = "common/server.rs"]
mod server;
#[path = "common/standings.rs"]
mod standings;
use server::{start, start_with};
use standings::{standings_for, upload_names};

const SLATE: &str = "nba-2025-01-12";
const CONTEST: &str = "nba-20k-four-point-play";

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
    try_request_with(addr, method, path, "", body, timeout)
}

/// [`try_request`] with extra header lines (each ending in `\r\n`).
fn try_request_with(
    addr: &str,
    method: &str,
    path: &str,
    headers: &str,
    body: &[u8],
    timeout: Duration,
) -> std::io::Result<Answer> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(timeout))?;
    let json = if headers.to_ascii_lowercase().contains("content-type:") {
        ""
    } else {
        "Content-Type: application/json\r\n"
    };
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{json}{headers}Content-Length: {}\r\nConnection: close\r\n\r\n",
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

/// A run body with tiny configs given inline: a run takes well under a second.
fn tiny_run(seed: u64, sim: serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "slate": SLATE,
        "contest": CONTEST,
        "seed": seed,
        "variants": {"count": 2},
        "optimizer": {"lineups_per_variant": 2},
        "field_sampler": {"calibration_rounds": 1},
        "sim": sim,
    })
}

/// A run that lasts far longer than any test: a million iterations.
fn long_run(seed: u64) -> serde_json::Value {
    tiny_run(
        seed,
        serde_json::json!({"iterations": 1_000_000, "entries": 5}),
    )
}

/// POSTs a run: must be accepted (202); returns its id.
fn queue(addr: &str, body: &serde_json::Value) -> String {
    let a = answer(addr, "POST", "/api/runs", &body.to_string());
    assert_eq!(a.status, 202, "{}", a.text);
    assert_eq!(a.json["status"], "queued", "{}", a.text);
    let run_id = a.json["run_id"].as_str().unwrap().to_string();
    let url = format!("/api/runs/{run_id}");
    assert_eq!(a.json["status_url"], url.as_str(), "{}", a.text);
    assert!(
        a.head
            .to_ascii_lowercase()
            .contains(&format!("location: {url}")),
        "{}",
        a.head
    );
    run_id
}

/// Waits (`?wait`) until the run has ended; returns its state.
fn wait_end(addr: &str, run_id: &str) -> serde_json::Value {
    for _ in 0..20 {
        let (status, state) = request(addr, "GET", &format!("/api/runs/{run_id}?wait=30"), None);
        assert_eq!(status, 200, "{state}");
        if !matches!(state["status"].as_str(), Some("queued" | "running")) {
            return state;
        }
    }
    panic!("run {run_id} did not end in 10 minutes");
}

/// Polls until the run is running.
fn wait_running(addr: &str, run_id: &str) {
    for _ in 0..6000 {
        let (_, state) = request(addr, "GET", &format!("/api/runs/{run_id}"), None);
        match state["status"].as_str() {
            Some("running") => return,
            Some("queued") => std::thread::sleep(Duration::from_millis(20)),
            _ => panic!("run {run_id} ended before it was seen running: {state}"),
        }
    }
    panic!("run {run_id} never started");
}

/// A form part: its name, its file name (`None`: a text field), its content.
type Part<'a> = (&'a str, Option<&'a str>, &'a [u8]);

/// A `multipart/form-data` body of `parts`; returns the `Content-Type`
/// header line and the body.
fn multipart(parts: &[Part]) -> (String, Vec<u8>) {
    let boundary = "dfs-test-boundary-7d1f";
    let mut body = Vec::new();
    for (name, file, content) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file {
            Some(f) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: text/csv\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (
        format!("Content-Type: multipart/form-data; boundary={boundary}\r\n"),
        body,
    )
}

/// A DKEntries.csv with `rows` empty entries of one contest, as DraftKings
/// writes them before they are filled.
fn dk_entries(rows: usize) -> String {
    let mut text = String::from(
        "Entry ID,Contest Name,Contest ID,Entry Fee,PG,SG,SF,PF,C,G,F,UTIL,,Instructions\r\n",
    );
    for k in 0..rows {
        text.push_str(&format!(
            "{},NBA $20K,173036248,$4 ,,,,,,,,,,{k}. note\r\n",
            4_600_000_000u64 + k as u64
        ));
    }
    text
}

/// A DKEntries.csv after the first lock: one entry with Shai Gilgeous-Alexander
/// locked in PG, the other slots empty.
fn dk_entries_locked() -> String {
    dk_entries(1).replacen(
        "$4 ,,",
        "$4 ,Shai Gilgeous-Alexander (37302935) (LOCKED),",
        1,
    )
}

/// POSTs a form; the answer.
fn post_form(addr: &str, path: &str, parts: &[Part]) -> Answer {
    let (content_type, body) = multipart(parts);
    try_request_with(
        addr,
        "POST",
        path,
        &content_type,
        &body,
        Duration::from_secs(120),
    )
    .unwrap()
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

/// The server's events stream for a run, read until it closes: the JSON of
/// every `state` event.
fn events(addr: &str, run_id: &str) -> Vec<serde_json::Value> {
    let a = try_request(
        addr,
        "GET",
        &format!("/api/runs/{run_id}/events"),
        b"",
        Duration::from_secs(300),
    )
    .unwrap();
    assert_eq!(a.status, 200, "{}", a.text);
    assert!(
        a.head
            .to_ascii_lowercase()
            .contains("content-type: text/event-stream"),
        "{}",
        a.head
    );
    // The body is chunked: keep the `data:` lines, which hold whole events.
    a.text
        .lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .map(|d| serde_json::from_str(d).unwrap())
        .collect()
}

/// `dfs runs list --json` on the data root, once the server is gone.
fn runs_listed(dir: &Path) -> Vec<serde_json::Value> {
    let dfs = Path::new(env!("CARGO_BIN_EXE_dfs-api")).with_file_name("dfs");
    assert!(
        dfs.is_file(),
        "{} missing: build it with `cargo build -p cli`",
        dfs.display()
    );
    let out = Command::new(&dfs)
        .arg("--root")
        .arg(dir)
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
    runs.as_array().unwrap().clone()
}

#[test]
fn queue_a_run_then_follow_it_to_its_files() {
    let root = tempfile::tempdir().unwrap();
    let server = start(root.path());
    let mut body = tiny_run(7, serde_json::json!({"iterations": 100, "entries": 5}));
    body["variants"] = serde_json::json!({"count": 4});
    body["tag"] = "api-test".into();
    let run_id = queue(&server.addr, &body);

    let run = wait_end(&server.addr, &run_id);
    assert_eq!(run["status"], "succeeded", "{run}");
    assert_eq!(run["run_id"], run_id.as_str());
    assert_eq!(run["progress"]["percent"], 100.0, "{run}");
    let path = Path::new(run["artifact_path"].as_str().unwrap());
    assert!(path.is_absolute() && path.join("manifest.json").is_file());
    assert!(run["metrics_head"]["roi_mean"].is_number());
    // The inline configs are the run's configs.
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["configs"]["variants"]["count"], 4);
    assert_eq!(manifest["configs"]["sim"]["iterations"], 100);

    let (status, list) = request(&server.addr, "GET", "/api/runs", None);
    assert_eq!(status, 200);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["tag"], "api-test");
    assert_eq!(list[0]["status"], "succeeded");

    // The run's files, and nothing outside its folder.
    let export = format!("/api/runs/{run_id}/files/optimizer/dk_export.csv");
    let a = answer(&server.addr, "GET", &export, "");
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(
        a.text,
        std::fs::read_to_string(path.join("optimizer/dk_export.csv")).unwrap()
    );
    assert!(
        a.head
            .to_ascii_lowercase()
            .contains("content-disposition: attachment"),
        "{}",
        a.head
    );
    for bad in [
        "../../../dfs.sqlite",
        "optimizer",
        "nope.csv",
        "%2e%2e/%2e%2e/dfs.sqlite",
    ] {
        let a = answer(
            &server.addr,
            "GET",
            &format!("/api/runs/{run_id}/files/{bad}"),
            "",
        );
        assert_refused(&a, bad);
        assert_eq!(a.status, 404, "{bad}: {}", a.text);
    }

    // Its lineups into a DKEntries file, uploaded; the filled file comes back.
    let entries = dk_entries(5);
    let a = post_form(
        &server.addr,
        "/api/entries/fill",
        &[
            ("entries", Some("DKEntries.csv"), entries.as_bytes()),
            ("runs", None, run_id.as_bytes()),
        ],
    );
    assert_eq!(a.status, 200, "{}", a.text);
    assert!(
        a.head
            .to_ascii_lowercase()
            .contains("content-type: text/csv"),
        "{}",
        a.head
    );
    let export = std::fs::read_to_string(path.join("optimizer/dk_export.csv")).unwrap();
    for (k, (filled, lineup)) in a
        .text
        .lines()
        .skip(1)
        .zip(export.lines().skip(1))
        .enumerate()
    {
        let entry = 4_600_000_000u64 + k as u64;
        assert_eq!(filled, format!("{entry},NBA $20K,173036248,$4,{lineup}"));
    }
    assert_eq!(a.text.lines().count(), 6, "{}", a.text);
    let a = post_form(
        &server.addr,
        "/api/entries/fill",
        &[
            ("entries", Some("mine.csv"), dk_entries(6).as_bytes()),
            ("runs", None, run_id.as_bytes()),
        ],
    );
    assert_eq!(a.status, 422, "{}", a.text);
    let detail = a.json["detail"].as_str().unwrap();
    assert!(
        detail.contains("mine.csv") && detail.contains("6 entries"),
        "{detail}"
    );
    assert!(!a.text.contains(".uploads"), "{}", a.text);
    let a = post_form(
        &server.addr,
        "/api/entries/fill",
        &[
            ("entries", Some("mine.csv"), entries.as_bytes()),
            ("runs", None, b"20250101-000000-deadbeef"),
        ],
    );
    assert_eq!(a.status, 404, "{}", a.text);

    // A finished run's events: one, final.
    let evs = events(&server.addr, &run_id);
    assert_eq!(evs.len(), 1, "{evs:?}");
    assert_eq!(evs[0]["status"], "succeeded");

    // Backtest the run's entries in a real contest of three entries.
    let ours = upload_names(&path.join("optimizer/dk_export.csv"));
    let standings = standings_for(&ours, &[300.0, 250.0, 200.0]);
    let backtest = format!("/api/runs/{run_id}/backtest");
    let a = post_form(
        &server.addr,
        &backtest,
        &[(
            "standings",
            Some("contest-standings-1.csv"),
            standings.as_bytes(),
        )],
    );
    assert_eq!(a.status, 200, "{}", a.text);
    let b = &a.json;
    assert_eq!(b["entries"], ours.len());
    assert_eq!(b["real_entries"], 3);
    assert_eq!(b["standings"], "contest-standings-1.csv");
    assert_eq!(b["simulated_roi_mean"], run["metrics_head"]["roi_mean"]);
    // A bad file is named as the client named it; no server path is shown.
    let a = post_form(
        &server.addr,
        &backtest,
        &[("standings", Some("mine.csv"), b"Rank,EntryId\n1,2\n")],
    );
    assert_eq!(a.status, 422, "{}", a.text);
    assert!(
        a.json["detail"].as_str().unwrap().contains("mine.csv"),
        "{}",
        a.text
    );
    assert!(!a.text.contains(".uploads"), "{}", a.text);
    let a = post_form(
        &server.addr,
        &backtest,
        &[("standing", Some("x.csv"), b"x")],
    );
    assert_eq!(a.status, 422, "{}", a.text);
    assert!(
        a.json["detail"].as_str().unwrap().contains("standings"),
        "{}",
        a.text
    );
    let a = post_form(
        &server.addr,
        "/api/runs/20250101-000000-deadbeef/backtest",
        &[("standings", Some("s.csv"), standings.as_bytes())],
    );
    assert_eq!(a.status, 404, "{}", a.text);
    // Each request's uploads are gone once it is answered.
    let uploads = root.path().join(".uploads");
    assert!(walk(&uploads).is_empty(), "{:?}", walk(&uploads));
}

#[test]
fn slates_and_contests_are_uploaded_and_then_run() {
    let root = tempfile::tempdir().unwrap();
    let server = start(root.path());
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/nba-2025-01-12");
    let salaries = std::fs::read(data.join("DKSalaries.csv")).unwrap();
    let payouts = std::fs::read(data.join("payout_20K_Four_Point_Play.csv")).unwrap();
    // Projections for one player of the slate and one unknown to it.
    let text = String::from_utf8_lossy(&salaries).into_owned();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let first: Vec<&str> = lines.next().unwrap().split(',').collect();
    let id = first[header.iter().position(|h| h.trim() == "ID").unwrap()];
    let projections = format!("ID,Name,Proj\n{id},x,44.5\n999999,Nobody,3\n");

    let a = post_form(
        &server.addr,
        "/api/slates",
        &[
            ("id", None, b"my-slate"),
            ("salaries", Some("DKSalaries.csv"), &salaries),
            ("projections", Some("proj.csv"), projections.as_bytes()),
        ],
    );
    assert_eq!(a.status, 201, "{}", a.text);
    assert_eq!(a.json["slate"]["id"], "my-slate");
    assert_eq!(a.json["slate"]["players"], 209);
    assert_eq!(a.json["report"]["by_id"], 1, "{}", a.text);
    let unmatched = a.json["report"]["unmatched_projections"]
        .as_array()
        .unwrap();
    assert_eq!(unmatched.len(), 1, "{}", a.text);
    let a = post_form(
        &server.addr,
        "/api/contests",
        &[
            ("id", None, b"my-contest"),
            ("name", None, b"Mine"),
            ("max_entries", None, b"3"),
            ("payouts", Some("payouts.csv"), &payouts),
        ],
    );
    assert_eq!(a.status, 201, "{}", a.text);
    assert_eq!(a.json["id"], "my-contest");
    assert_eq!(a.json["max_entries"], 3);

    // Bad uploads: the field or file named, no server path, nothing imported.
    let not_salaries: &[u8] = b"not,a\nsalary,file\n";
    let cases: Vec<(Vec<Part>, &str)> = vec![
        (
            vec![
                ("id", None, b"bad"),
                ("salaries", Some("s.csv"), not_salaries),
            ],
            "s.csv",
        ),
        (vec![("id", None, b"bad")], "salaries"),
        (
            vec![
                ("id", None, b"../bad"),
                ("salaries", Some("s.csv"), &salaries),
            ],
            "bad",
        ),
        (
            vec![("id", None, b"bad"), ("colour", None, b"red")],
            "colour",
        ),
    ];
    for (parts, needle) in cases {
        let a = post_form(&server.addr, "/api/slates", &parts);
        assert_eq!(a.status, 422, "{needle}: {}", a.text);
        assert!(
            a.json["detail"].as_str().unwrap().contains(needle),
            "{}",
            a.text
        );
        assert!(!a.text.contains(".uploads"), "{}", a.text);
    }
    let a = post_form(
        &server.addr,
        "/api/contests",
        &[
            ("id", None, b"c2"),
            ("max_entries", None, b"many"),
            ("payouts", Some("p.csv"), &payouts),
        ],
    );
    assert_eq!(a.status, 422, "{}", a.text);
    assert!(
        a.json["detail"].as_str().unwrap().contains("max_entries"),
        "{}",
        a.text
    );
    let (_, slates) = request(&server.addr, "GET", "/api/slates", None);
    assert_eq!(slates.as_array().unwrap().len(), 2, "{slates}");

    // A JSON body where a form is expected.
    let a = answer(&server.addr, "POST", "/api/slates", r#"{"id": "x"}"#);
    assert_refused(&a, "JSON to /api/slates");

    // Uploads have their own limit: 3 MB is over the 2 MiB one of JSON bodies.
    let mut big = salaries.clone();
    big.resize(3 * 1024 * 1024, b'\n');
    let a = post_form(
        &server.addr,
        "/api/slates",
        &[("id", None, b"big"), ("salaries", Some("big.csv"), &big)],
    );
    assert_eq!(a.status, 201, "{}", a.text);

    // The uploaded slate and contest run.
    let mut body = tiny_run(5, serde_json::json!({"iterations": 50, "entries": 3}));
    body["slate"] = "my-slate".into();
    body["contest"] = "my-contest".into();
    let run_id = queue(&server.addr, &body);
    let run = wait_end(&server.addr, &run_id);
    assert_eq!(run["status"], "succeeded", "{run}");
    assert!(walk(&root.path().join(".uploads")).is_empty());

    // An upload over the limit: 413 in the error format, nothing imported.
    drop(server);
    let server = start_with(root.path(), &["--upload-limit", "100000"]);
    let a = post_form(
        &server.addr,
        "/api/slates",
        &[("id", None, b"huge"), ("salaries", Some("big.csv"), &big)],
    );
    assert_eq!(a.status, 413, "{}", a.text);
    assert_eq!(a.json["error"], "payload_too_large", "{}", a.text);
    assert!(a.json["detail"].is_string(), "{}", a.text);
    let (_, slates) = request(&server.addr, "GET", "/api/slates", None);
    assert!(!slates.as_array().unwrap().iter().any(|s| s["id"] == "huge"));
    assert!(walk(&root.path().join(".uploads")).is_empty());
}

#[test]
fn events_stream_the_progress_to_the_end() {
    let root = tempfile::tempdir().unwrap();
    let server = start(root.path());
    let body = tiny_run(3, serde_json::json!({"iterations": 3000, "entries": 3}));
    let run_id = queue(&server.addr, &body);
    let evs = events(&server.addr, &run_id);
    let last = evs.last().unwrap();
    assert_eq!(last["status"], "succeeded", "{evs:?}");
    assert_eq!(last["progress"]["percent"], 100.0);
    // States only move forward, and so does the progress.
    let rank = |s: &serde_json::Value| match s["status"].as_str() {
        Some("queued") => 0,
        Some("running") => 1,
        _ => 2,
    };
    let mut percent = 0.0;
    for pair in evs.windows(2) {
        assert!(rank(&pair[0]) <= rank(&pair[1]), "{evs:?}");
    }
    for e in &evs {
        if let Some(p) = e["progress"]["percent"].as_f64() {
            assert!(p >= percent, "{evs:?}");
            assert!((0.0..=100.0).contains(&p));
            percent = p;
        }
        if e["status"] == "running" && e["progress"].is_object() {
            let stage = e["progress"]["stage"].as_str().unwrap();
            assert!(
                ["variants", "optimizer", "field_sampler", "sim"].contains(&stage),
                "{e}"
            );
            assert!(e["progress"]["done"].as_u64() <= e["progress"]["total"].as_u64());
        }
    }
    // A run of 3,000 iterations reports several steps on its way.
    let running = evs.iter().filter(|e| e["status"] == "running").count();
    assert!(running >= 3, "{evs:?}");
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
        "DELETE",
        "/api/runs/20250101-000000-deadbeef",
        None,
    );
    assert_eq!(status, 404, "{e}");

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

    // Configs are objects checked against their schemas; never server paths.
    let mut body = tiny_run(1, serde_json::json!({"iterations": 10}));
    body["sim_config"] = "/nonexistent/sim.yaml".into();
    let (status, e) = request(&server.addr, "POST", "/api/runs", Some(&body.to_string()));
    assert_eq!(status, 422, "{e}");
    assert!(e["detail"].as_str().unwrap().contains("sim_config"), "{e}");
    for (sim, names) in [
        (serde_json::json!({"iteratons": 10}), "iteratons"),
        (serde_json::json!({"iterations": "many"}), "iterations"),
        (serde_json::json!({"iterations": -3}), "iterations"),
        (serde_json::json!("fast"), "sim_config"),
    ] {
        let body = tiny_run(1, sim.clone());
        let (status, e) = request(&server.addr, "POST", "/api/runs", Some(&body.to_string()));
        assert_eq!(status, 422, "{sim}: {e}");
        assert_eq!(e["error"], "invalid_input", "{e}");
        assert!(e["detail"].as_str().unwrap().contains(names), "{sim}: {e}");
    }
    // Nothing was queued.
    let (_, list) = request(&server.addr, "GET", "/api/runs", None);
    assert_eq!(list, serde_json::json!([]));

    let (status, e) = request(&server.addr, "GET", "/api/runs/x?wait=-1", None);
    assert_eq!(status, 400, "{e}");
    assert_eq!(e["error"], "bad_request");
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
    let (status, health) = request(&server.addr, "GET", "/healthz", None);
    assert_eq!(status, 200);
    assert_eq!(health["status"], "ok");
    let (status, slates) = request(&server.addr, "GET", "/api/slates", None);
    assert_eq!(status, 200);
    assert_eq!(slates[0]["id"], SLATE, "{slates}");
    let (status, contests) = request(&server.addr, "GET", "/api/contests", None);
    assert_eq!(status, 200);
    assert_eq!(contests[0]["id"], CONTEST, "{contests}");
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
    let link = dir.join("link.yaml");
    std::os::unix::fs::symlink("/etc/passwd", &link).unwrap();
    let fifo = dir.join("fifo.yaml");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    std::fs::create_dir(dir.join("tables")).unwrap();
    let table = write(
        dir,
        "tables/mine.yaml",
        "sport: NBA\npositions: [PG, SG]\nsame_team: {PG: {SG: 0.1}}\n",
    );

    // An inline config cannot name a file, inside the root or not.
    for file in [
        "/etc/passwd",
        "../../../../../../../../etc/passwd",
        "/dev/zero",
        link.to_str().unwrap(),
        fifo.to_str().unwrap(),
        &table,
    ] {
        let a = post_run(&tiny_run(
            3,
            serde_json::json!({"iterations": 50, "entries": 3, "correlations": file}),
        ));
        assert_refused(&a, &format!("correlations {file}"));
        assert_eq!(a.status, 422, "{}", a.text);
    }

    // Nothing was run, nothing was left behind.
    let (_, list) = request(&server.addr, "GET", "/api/runs", None);
    assert_eq!(list, serde_json::json!([]));

    // A real run; standings are uploaded, never named by path.
    let run_id = queue(
        &server.addr,
        &tiny_run(3, serde_json::json!({"iterations": 50, "entries": 3})),
    );
    assert_eq!(wait_end(&server.addr, &run_id)["status"], "succeeded");
    let backtest = format!("/api/runs/{run_id}/backtest");
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
    // A file named like a path is only a name.
    let a = post_form(
        &server.addr,
        &backtest,
        &[("standings", Some("../../../../etc/passwd"), b"Rank\n")],
    );
    assert_refused(&a, "an upload named ../../etc/passwd");
    assert_eq!(leftovers(dir), Vec::<PathBuf>::new());
}

#[test]
fn sixteen_runs_queued_on_one_worker_all_finish() {
    let root = tempfile::tempdir().unwrap();
    let server = start_with(root.path(), &["--workers", "1"]);
    let body = tiny_run(11, serde_json::json!({"iterations": 50, "entries": 3}));
    // Each POST is answered at once (queued), not when its run is done.
    let ids: Vec<String> = std::thread::scope(|s| {
        let posts: Vec<_> = (0..16)
            .map(|_| {
                s.spawn(|| {
                    let a = try_request(
                        &server.addr,
                        "POST",
                        "/api/runs",
                        body.to_string().as_bytes(),
                        Duration::from_secs(60),
                    )
                    .expect("answered promptly");
                    assert_eq!(a.status, 202, "{}", a.text);
                    a.json["run_id"].as_str().unwrap().to_string()
                })
            })
            .collect();
        posts.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut distinct = ids.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 16, "{ids:?}");
    let ended: Vec<serde_json::Value> = ids.iter().map(|id| wait_end(&server.addr, id)).collect();
    for run in &ended {
        assert_eq!(run["status"], "succeeded", "{run}");
    }
    let (_, list) = request(&server.addr, "GET", "/api/runs", None);
    assert_eq!(list.as_array().unwrap().len(), 16);
    // Identical inputs: identical figures.
    assert!(
        ended
            .iter()
            .all(|r| r["metrics_head"] == ended[0]["metrics_head"])
    );
    assert_eq!(leftovers(root.path()), Vec::<PathBuf>::new());
}

#[test]
fn cancelled_runs_end_cancelled_and_leave_nothing() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path();
    let server = start_with(dir, &["--workers", "1"]);
    let running = queue(&server.addr, &long_run(1));
    let waiting = queue(&server.addr, &long_run(2));
    wait_running(&server.addr, &running);

    // The queued one: ended at once, it never starts.
    let (status, state) = request(
        &server.addr,
        "DELETE",
        &format!("/api/runs/{waiting}"),
        None,
    );
    assert_eq!(status, 200, "{state}");
    assert_eq!(state["status"], "cancelled", "{state}");
    // The running one: asked to stop, it ends cancelled.
    let (status, state) = request(
        &server.addr,
        "POST",
        &format!("/api/runs/{running}/cancel"),
        None,
    );
    assert_eq!(status, 202, "{state}");
    let state = wait_end(&server.addr, &running);
    assert_eq!(state["status"], "cancelled", "{state}");
    assert_eq!(state["error"], "cancelled", "{state}");
    assert!(
        state["detail"].as_str().unwrap().contains(&running),
        "{state}"
    );
    assert_eq!(wait_end(&server.addr, &waiting)["status"], "cancelled");

    // Ended: a second cancel is a conflict.
    let (status, e) = request(
        &server.addr,
        "DELETE",
        &format!("/api/runs/{running}"),
        None,
    );
    assert_eq!(status, 409, "{e}");
    assert_eq!(e["error"], "conflict");

    // The worker is free again: a new run goes through.
    let next = queue(
        &server.addr,
        &tiny_run(4, serde_json::json!({"iterations": 50, "entries": 3})),
    );
    assert_eq!(wait_end(&server.addr, &next)["status"], "succeeded");

    let (_, list) = request(&server.addr, "GET", "/api/runs", None);
    let status_of = |id: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|r| r["run_id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(status_of(&running)["status"], "cancelled");
    let never = status_of(&waiting);
    assert_eq!(never["status"], "cancelled");
    assert!(
        never["error"]
            .as_str()
            .unwrap()
            .contains("before it started"),
        "{never}"
    );
    for id in [&running, &waiting] {
        assert!(!dir.join("runs").join(SLATE).join(id).exists());
    }
    assert_eq!(leftovers(dir), Vec::<PathBuf>::new());
}

#[test]
fn the_token_guards_every_route() {
    let root = tempfile::tempdir().unwrap();
    let server = start_with(root.path(), &["--token", "s3cret"]);
    for (method, path) in [
        ("GET", "/healthz"),
        ("GET", "/api/runs"),
        ("POST", "/api/runs"),
        ("GET", "/api/nope"),
    ] {
        let a = answer(&server.addr, method, path, "");
        assert_eq!(a.status, 401, "{method} {path}: {}", a.text);
        assert_eq!(a.json["error"], "unauthorized", "{}", a.text);
        assert!(
            a.head
                .to_ascii_lowercase()
                .contains("www-authenticate: bearer"),
            "{}",
            a.head
        );
        let wrong = try_request_with(
            &server.addr,
            method,
            path,
            "Authorization: Bearer s3cres\r\n",
            b"",
            Duration::from_secs(60),
        )
        .unwrap();
        assert_eq!(wrong.status, 401, "{}", wrong.text);
    }
    let a = try_request_with(
        &server.addr,
        "GET",
        "/healthz",
        "Authorization: Bearer s3cret\r\n",
        b"",
        Duration::from_secs(60),
    )
    .unwrap();
    assert_eq!(a.status, 200, "{}", a.text);
    // The page: a first visit with the token sets a cookie that carries it after.
    let a = answer(&server.addr, "GET", "/?token=s3cret", "");
    assert_eq!(a.status, 200, "{}", a.text);
    assert!(
        a.head
            .to_ascii_lowercase()
            .contains("set-cookie: dfs_token=s3cret; path=/; httponly; samesite=strict"),
        "{}",
        a.head
    );
    for (cookie, status) in [("dfs_token=s3cret", 200), ("dfs_token=s3cre", 401)] {
        let a = try_request_with(
            &server.addr,
            "GET",
            "/api/runs",
            &format!("Cookie: theme=dark; {cookie}\r\n"),
            b"",
            Duration::from_secs(60),
        )
        .unwrap();
        assert_eq!(a.status, status, "{cookie}: {}", a.text);
    }
    assert_eq!(answer(&server.addr, "GET", "/?token=nope", "").status, 401);

    // Beyond loopback only with a token.
    let out = Command::new(env!("CARGO_BIN_EXE_dfs-api"))
        .args([
            "--root",
            root.path().to_str().unwrap(),
            "--addr",
            "0.0.0.0:0",
        ])
        .env_remove("DFS_HOME")
        .env_remove("DFS_API_TOKEN")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("token"), "{err}");
}

#[test]
fn sigterm_cancels_runs_in_flight_and_exits_cleanly() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().to_path_buf();
    let mut server = start(&dir);
    let running = queue(&server.addr, &long_run(5));
    let waiting = queue(&server.addr, &long_run(6));
    wait_running(&server.addr, &running);
    // Someone follows the running one.
    let addr = server.addr.clone();
    let id = running.clone();
    let follower = std::thread::spawn(move || events(&addr, &id));

    let pid = server.child.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());
    let exit = server.child.wait().unwrap();
    assert!(exit.success(), "dfs-api exited with {exit}");
    let seen = follower.join().unwrap();
    assert_eq!(seen.last().unwrap()["status"], "cancelled", "{seen:?}");

    let runs = runs_listed(&dir);
    assert_eq!(runs.len(), 2, "{runs:?}");
    for r in &runs {
        assert_eq!(r["status"], "cancelled", "{r}");
        assert!(
            !dir.join("runs")
                .join(SLATE)
                .join(r["run_id"].as_str().unwrap())
                .exists()
        );
    }
    assert!(runs.iter().any(|r| r["run_id"] == running.as_str()));
    assert!(runs.iter().any(|r| r["run_id"] == waiting.as_str()));
    assert_eq!(leftovers(&dir), Vec::<PathBuf>::new());
}

#[test]
fn a_killed_server_leaves_no_run_queued_or_running() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().to_path_buf();
    let mut server = start(&dir);
    let running = queue(&server.addr, &long_run(5));
    let waiting = queue(&server.addr, &long_run(6));
    wait_running(&server.addr, &running);
    server.child.kill().unwrap();
    server.child.wait().unwrap();

    // The next process to open the root ends both.
    let runs = runs_listed(&dir);
    assert_eq!(runs.len(), 2, "{runs:?}");
    let by_id = |id: &str| runs.iter().find(|r| r["run_id"] == id).unwrap();
    assert_eq!(by_id(&running)["status"], "failed");
    assert_eq!(by_id(&waiting)["status"], "failed");
    assert!(
        by_id(&waiting)["error"]
            .as_str()
            .unwrap()
            .contains("before the run started"),
        "{runs:?}"
    );
    assert_eq!(leftovers(&dir), Vec::<PathBuf>::new());
}

/// The answer's body checked against the schema the document gives for its
/// status (`None`: the document has no JSON schema for it).
fn check_documented(doc: &serde_json::Value, op: &serde_json::Value, a: &Answer, what: &str) {
    let documented = &op["responses"][a.status.to_string()];
    assert!(
        documented.is_object(),
        "{what}: {} is not documented",
        a.status
    );
    let Some(schema) = documented["content"]["application/json"]["schema"].as_object() else {
        return;
    };
    let mut root = serde_json::Value::Object(schema.clone());
    root["components"] = doc["components"].clone();
    let validator = jsonschema::validator_for(&root).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&a.json)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:?}\n{}", a.text);
}

#[test]
fn the_openapi_document_matches_the_live_server() {
    let root = tempfile::tempdir().unwrap();
    let server = start(root.path());
    let (status, doc) = request(&server.addr, "GET", "/api/openapi.json", None);
    assert_eq!(status, 200, "{doc}");
    assert_eq!(doc["openapi"], "3.1.0");

    // A succeeded run for the routes that need one; long ones to cancel.
    let done = queue(
        &server.addr,
        &tiny_run(2, serde_json::json!({"iterations": 50, "entries": 3})),
    );
    assert_eq!(wait_end(&server.addr, &done)["status"], "succeeded");
    let ours = upload_names(
        &root
            .path()
            .join("runs")
            .join(SLATE)
            .join(&done)
            .join("optimizer/dk_export.csv"),
    );
    std::fs::write(
        root.path().join("standings.csv"),
        standings_for(&ours, &[300.0, 250.0, 200.0]),
    )
    .unwrap();

    let paths = doc["paths"].as_object().unwrap();
    let mut calls = 0;
    for (path, item) in paths {
        let documented: Vec<String> = item
            .as_object()
            .unwrap()
            .keys()
            .map(|m| m.to_ascii_uppercase())
            .collect();
        for (method, op) in item.as_object().unwrap() {
            let method = method.to_ascii_uppercase();
            let run = if method == "DELETE" || path.ends_with("/cancel") {
                // A run to cancel: queued behind nothing, it may be running.
                queue(&server.addr, &long_run(9))
            } else {
                done.clone()
            };
            let url = path
                .replace("{run_id}", &run)
                .replace("{path}", "optimizer/dk_export.csv");
            let body = match (method.as_str(), path.as_str()) {
                ("POST", "/api/runs") => {
                    tiny_run(3, serde_json::json!({"iterations": 50})).to_string()
                }
                _ => String::new(),
            };
            let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/nba-2025-01-12");
            let standings = std::fs::read(root.path().join("standings.csv")).unwrap();
            let salaries = std::fs::read(data.join("DKSalaries.csv")).unwrap();
            let payouts = std::fs::read(data.join("payout_20K_Four_Point_Play.csv")).unwrap();
            let fill_entries = dk_entries(3);
            let late_entries = dk_entries_locked();
            let form: Option<Vec<Part>> = match (method.as_str(), path.as_str()) {
                ("POST", p) if p.ends_with("/backtest") => {
                    Some(vec![("standings", Some("s.csv"), &standings)])
                }
                ("POST", "/api/slates") => Some(vec![
                    ("id", None, b"s2"),
                    ("salaries", Some("DKSalaries.csv"), &salaries),
                ]),
                ("POST", "/api/entries/fill") => Some(vec![
                    ("entries", Some("DKEntries.csv"), fill_entries.as_bytes()),
                    ("runs", None, done.as_bytes()),
                    ("allow_partial", None, b"true"),
                ]),
                ("POST", "/api/lateswap") => Some(vec![
                    ("entries", Some("DKEntries.csv"), late_entries.as_bytes()),
                    ("slate", None, SLATE.as_bytes()),
                    ("contest", None, CONTEST.as_bytes()),
                ]),
                ("POST", "/api/contests") => Some(vec![
                    ("id", None, b"c2"),
                    ("payouts", Some("p.csv"), &payouts),
                ]),
                _ => None,
            };
            let (content_type, payload) = match &form {
                Some(parts) => multipart(parts),
                None => (String::new(), body.clone().into_bytes()),
            };
            let a = try_request_with(
                &server.addr,
                &method,
                &url,
                &content_type,
                &payload,
                Duration::from_secs(120),
            )
            .unwrap();

            let what = format!("{method} {url}");
            assert!(a.status < 300, "{what}: {} {}", a.status, a.text);
            check_documented(&doc, op, &a, &what);
            if method == "DELETE" || path.ends_with("/cancel") {
                assert_eq!(wait_end(&server.addr, &run)["status"], "cancelled");
            }
            // The documented errors answer in the documented format.
            let missing = path
                .replace("{run_id}", "20250101-000000-deadbeef")
                .replace("{path}", "x");
            if path.contains("{run_id}") && !path.starts_with("/runs/") {
                let a = try_request_with(
                    &server.addr,
                    &method,
                    &missing,
                    &content_type,
                    &payload,
                    Duration::from_secs(60),
                )
                .unwrap();
                assert_eq!(a.status, 404, "{method} {missing}: {}", a.text);
                check_documented(&doc, op, &a, &format!("{method} {missing}"));
            }
            calls += 1;
        }
        // The live methods of the path are the documented ones.
        let url = path
            .replace("{run_id}", &done)
            .replace("{path}", "optimizer/dk_export.csv");
        let a = answer(&server.addr, "PATCH", &url, "");
        assert_eq!(a.status, 405, "PATCH {url}: {}", a.text);
        let allow = a
            .head
            .lines()
            .find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("allow: ")
                    .map(str::to_string)
            })
            .unwrap_or_else(|| panic!("{path}: no Allow header"));
        let mut live: Vec<String> = allow
            .split(',')
            .map(|m| m.trim().to_ascii_uppercase())
            .filter(|m| m != "HEAD")
            .collect();
        live.sort();
        let mut documented = documented;
        documented.sort();
        assert_eq!(live, documented, "{path}");
    }
    assert!(calls >= 14, "{calls} operations");
    // An unknown route's answer is documented too (the error format).
    let a = answer(&server.addr, "GET", "/api/nope", "");
    check_documented(&doc, &doc["paths"]["/healthz"]["get"], &a, "GET /api/nope");
}

#[test]
fn late_swap_over_http() {
    let root = tempfile::tempdir().unwrap();
    let server = start(root.path());
    let entries = dk_entries_locked();
    // By simulation (the default) and by projection: the same file's rules.
    for by in ["simulation", "projection"] {
        let a = post_form(
            &server.addr,
            "/api/lateswap",
            &[
                ("entries", Some("DKEntries.csv"), entries.as_bytes()),
                ("slate", None, SLATE.as_bytes()),
                ("contest", None, CONTEST.as_bytes()),
                ("seed", None, b"7"),
                ("by", None, by.as_bytes()),
                ("optimizer", None, br#"{"max_salary": 49000}"#),
                ("sim", None, br#"{"iterations": 200}"#),
            ],
        );
        assert_eq!(a.status, 200, "{by}: {}", a.text);
        let row: Vec<&str> = a.text.lines().nth(1).unwrap().split(',').collect();
        assert_eq!(row[0], "4600000000");
        assert_eq!(
            row[4], "Shai Gilgeous-Alexander (37302935)",
            "{by}: the locked player stays in PG"
        );
        assert_eq!(row.len(), 12);
        assert!(row[5..].iter().all(|c| c.ends_with(')')), "{by}: {row:?}");
    }
    // By simulation needs the contest; an unknown way is refused.
    for (by, contest, needle) in [("simulation", "", "contest"), ("magic", CONTEST, "by")] {
        let a = post_form(
            &server.addr,
            "/api/lateswap",
            &[
                ("entries", Some("DKEntries.csv"), entries.as_bytes()),
                ("slate", None, SLATE.as_bytes()),
                ("contest", None, contest.as_bytes()),
                ("by", None, by.as_bytes()),
            ],
        );
        assert_eq!(a.status, 422, "{by}: {}", a.text);
        assert!(
            a.json["detail"].as_str().unwrap().contains(needle),
            "{}",
            a.text
        );
    }
    // The optimizer config is checked against its schema; a bad slate is named.
    for (optimizer, slate, status, needle) in [
        (r#"{"max_salery": 1}"#, SLATE, 422, "max_salery"),
        ("not json", SLATE, 422, "optimizer"),
        ("", "nope", 404, "nope"),
    ] {
        let a = post_form(
            &server.addr,
            "/api/lateswap",
            &[
                ("entries", Some("DKEntries.csv"), entries.as_bytes()),
                ("slate", None, slate.as_bytes()),
                ("optimizer", None, optimizer.as_bytes()),
            ],
        );
        assert_eq!(a.status, status, "{optimizer}: {}", a.text);
        assert!(
            a.json["detail"].as_str().unwrap().contains(needle),
            "{}",
            a.text
        );
    }
}

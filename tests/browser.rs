//! The web page in a real browser: headless Chromium driven through
//! ChromeDriver (Debian's `chromium` and `chromium-driver`, which `.ci/run`
//! installs). Starts `dfs-api` on a fresh root, imports the sample slate and
//! contest under new ids by upload, starts a run on them from the page's form,
//! watches its progress reach 100%, opens its page, finds the plots, clicks
//! the download link and checks the downloaded upload CSV against the run's.
//! A screenshot of the run page is kept at `target/e2e/run-page.png`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

#[path = "common/server.rs"]
mod server;

/// A child process killed when dropped.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The ChromeDriver binary: on PATH or where Debian puts it.
fn chromedriver() -> PathBuf {
    let candidates = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"];
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("chromedriver"))
            .find(|p| p.is_file())
    });
    on_path
        .or_else(|| candidates.iter().map(PathBuf::from).find(|p| p.is_file()))
        .expect(
            "chromedriver not found: this test needs Debian's chromium and chromium-driver \
             (`apt-get install chromium chromium-driver`; `.ci/run` installs them)",
        )
}

/// Uploads a form to `dfs-api` (`(name, file name, content)`; no file name:
/// a text field); returns the status.
fn upload(addr: &str, path: &str, parts: &[(&str, Option<&str>, &[u8])]) -> u16 {
    let boundary = "dfs-browser-test";
    let mut body = Vec::new();
    for (name, file, content) in parts {
        let disposition = match file {
            Some(f) => format!("form-data; name=\"{name}\"; filename=\"{f}\""),
            None => format!("form-data; name=\"{name}\""),
        };
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    s.write_all(&body).unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    answer.split(' ').nth(1).unwrap().parse().unwrap()
}

/// One JSON request to ChromeDriver; returns its `value`.
fn wd(port: u16, method: &str, path: &str, body: Option<&Value>) -> Value {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    // Read the head, then exactly its body: the driver may keep the connection.
    let mut reader = BufReader::new(s);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "{method} {path}: closed"
        );
        if line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    let length = head.lines().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse::<usize>().unwrap())
    });
    let text = match length {
        Some(n) => {
            let mut body = vec![0u8; n];
            reader.read_exact(&mut body).unwrap();
            String::from_utf8(body).unwrap()
        }
        None => {
            // Chunked: size lines and chunks up to the empty one.
            let mut body = String::new();
            loop {
                let mut size = String::new();
                reader.read_line(&mut size).unwrap();
                let n = usize::from_str_radix(size.trim(), 16).unwrap();
                if n == 0 {
                    break;
                }
                let mut chunk = vec![0u8; n + 2];
                reader.read_exact(&mut chunk).unwrap();
                body.push_str(std::str::from_utf8(&chunk[..n]).unwrap());
            }
            body
        }
    };
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert!(
        head.starts_with("HTTP/1.1 200"),
        "{method} {path}: {head}\n{text}"
    );
    v["value"].clone()
}

/// A browser session; closed when dropped.
struct Browser {
    port: u16,
    session: String,
    _driver: Process,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = TcpStream::connect(("127.0.0.1", self.port)).map(|mut s| {
            let _ = write!(
                s,
                "DELETE /session/{} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                self.session
            );
        });
    }
}

impl Browser {
    fn start(downloads: &Path) -> Browser {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Process(
            Command::new(chromedriver())
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        );
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        let mut options = json!({
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--window-size=1280,2400"],
            "prefs": {
                "download.default_directory": downloads.to_str().unwrap(),
                "download.prompt_for_download": false,
            },
        });
        if Path::new("/usr/bin/chromium").is_file() {
            options["binary"] = "/usr/bin/chromium".into();
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": options,
        }}});
        let v = wd(port, "POST", "/session", Some(&caps));
        let session = v["sessionId"].as_str().unwrap().to_string();
        Browser {
            port,
            session,
            _driver: driver,
        }
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        wd(
            self.port,
            method,
            &format!("/session/{}{path}", self.session),
            body.as_ref(),
        )
    }

    fn go(&self, url: &str) {
        self.call("POST", "/url", Some(json!({"url": url})));
    }

    fn url(&self) -> String {
        self.call("GET", "/url", None).as_str().unwrap().to_string()
    }

    /// The elements matching a CSS selector, as WebDriver element ids.
    fn all(&self, css: &str) -> Vec<String> {
        let v = self.call(
            "POST",
            "/elements",
            Some(json!({"using": "css selector", "value": css})),
        );
        v.as_array()
            .unwrap()
            .iter()
            .map(|e| {
                e.as_object()
                    .unwrap()
                    .values()
                    .next()
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    }

    fn one(&self, css: &str) -> String {
        let found = self.all(css);
        assert_eq!(found.len(), 1, "{css}: {} elements", found.len());
        found.into_iter().next().unwrap()
    }

    fn text(&self, css: &str) -> String {
        let id = self.one(css);
        self.call("GET", &format!("/element/{id}/text"), None)
            .as_str()
            .unwrap()
            .to_string()
    }

    fn property(&self, css: &str, name: &str) -> Value {
        let id = self.one(css);
        self.call("GET", &format!("/element/{id}/property/{name}"), None)
    }

    fn click(&self, css: &str) {
        let id = self.one(css);
        self.call("POST", &format!("/element/{id}/click"), Some(json!({})));
    }

    fn type_into(&self, css: &str, text: &str) {
        let id = self.one(css);
        self.call("POST", &format!("/element/{id}/clear"), Some(json!({})));
        self.call(
            "POST",
            &format!("/element/{id}/value"),
            Some(json!({"text": text})),
        );
    }

    /// Runs `js` in the page (a function body) and returns what it returns:
    /// one round trip, safe while the page reloads.
    fn script(&self, js: &str) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({"script": js, "args": []})),
        )
    }

    fn screenshot(&self) -> Vec<u8> {
        let b64 = self.call("GET", "/screenshot", None);
        base64_decode(b64.as_str().unwrap())
    }
}

fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let digits: Vec<u8> = text
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
        .map(value)
        .collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let mut n = 0u32;
        for (i, d) in chunk.iter().enumerate() {
            n |= u32::from(*d) << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    out
}

/// Polls `check` every 50 ms until it is `Some`, for at most `secs`.
fn until<T>(secs: u64, what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = check() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn start_a_run_from_the_page_and_download_its_entries() {
    let root = tempfile::tempdir().unwrap();
    let downloads = tempfile::tempdir().unwrap();
    let api = server::start(root.path());
    let addr = api.addr.clone();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/nba-2025-01-12");
    let salaries = std::fs::read(data.join("DKSalaries.csv")).unwrap();
    let payouts = std::fs::read(data.join("payout_20K_Four_Point_Play.csv")).unwrap();
    let slate = [
        ("id", None, b"uploaded-slate".as_slice()),
        ("salaries", Some("DKSalaries.csv"), salaries.as_slice()),
    ];
    assert_eq!(upload(&addr, "/api/slates", &slate), 201);
    let contest = [
        ("id", None, b"uploaded-contest".as_slice()),
        ("max_entries", None, b"20".as_slice()),
        ("payouts", Some("payouts.csv"), payouts.as_slice()),
    ];
    assert_eq!(upload(&addr, "/api/contests", &contest), 201);
    let browser = Browser::start(downloads.path());

    // The runs page: no runs yet; pick the uploaded slate and contest.
    browser.go(&format!("http://{addr}/"));
    assert_eq!(browser.text("h1"), "Runs");
    assert_eq!(browser.text("#no-runs"), "No runs yet.");
    browser.click("#slate option[value='uploaded-slate']");
    browser.click("#contest option[value='uploaded-contest']");
    assert_eq!(
        browser.property("#slate", "value").as_str(),
        Some("uploaded-slate")
    );
    assert_eq!(
        browser.property("#contest", "value").as_str(),
        Some("uploaded-contest")
    );
    browser.type_into("#seed", "21");
    browser.type_into("#tag", "browser");
    browser.type_into("#variants-count", "6");
    browser.type_into("#lineups-per-variant", "3");
    browser.type_into("#sim-iterations", "3000");
    browser.type_into("#sim-entries", "5");
    browser.click("#start");

    // The run's page follows the run live, then shows it done.
    let run_id = until(60, "the run page", || {
        browser
            .url()
            .split_once("/runs/")
            .map(|(_, id)| id.to_string())
    });
    assert_eq!(browser.text("#run-id"), run_id);
    let mut seen = Vec::new();
    until(300, "the run to succeed", || {
        let state = browser.script(
            "const s = document.getElementById('status'); \
             const p = document.getElementById('progress'); \
             return [s ? s.textContent : '', p ? p.value : -1, \
                     document.getElementById('results') !== null, document.readyState];",
        );
        seen.push(state[1].as_f64().unwrap_or(-1.0));
        (state[0] == "succeeded" && state[2] == true && state[3] == "complete").then_some(())
    });
    assert!(seen.iter().all(|v| (0.0..=100.0).contains(v)), "{seen:?}");
    assert_eq!(browser.property("#progress", "value").as_f64(), Some(100.0));
    assert_eq!(browser.text("#percent"), "100%");
    assert!(
        browser.all("#cancel").is_empty(),
        "a finished run has no cancel"
    );

    // The plots.
    for id in ["plot-roi", "plot-finish", "plot-exposure", "plot-dups"] {
        let svgs = browser.all(&format!("#report figure#{id} svg"));
        assert_eq!(svgs.len(), 1, "{id}");
    }

    // The download link gives the run's upload file.
    let folder = root.path().join("runs/uploaded-slate").join(&run_id);
    let expected = std::fs::read_to_string(folder.join("optimizer/dk_export.csv")).unwrap();
    assert_eq!(expected.lines().count(), 6, "a header and 5 entries");
    // What the copy button copies (a text area's lines end in LF).
    assert_eq!(
        browser.property("#upload-csv", "value").as_str(),
        Some(expected.replace("\r\n", "\n").as_str())
    );
    browser.click("#download");
    let got = until(60, "the download", || {
        std::fs::read_to_string(downloads.path().join("dk_export.csv")).ok()
    });
    assert_eq!(got, expected);

    // The screenshot, kept for CI.
    let png = browser.screenshot();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/e2e");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("run-page.png"), &png).unwrap();

    // The runs page lists it.
    browser.go(&format!("http://{addr}/"));
    assert!(browser.all("#no-runs").is_empty());
    let row = browser.text("#runs tbody tr");
    assert!(
        row.contains(&run_id) && row.contains("succeeded") && row.contains("browser"),
        "{row}"
    );
}

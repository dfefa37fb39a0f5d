use registry::{ContestRecord, Registry, RegistryError, RunEnd, RunRecord, SlateRecord};
use schemas::{MetricsHead, RunStatus};

fn slate(id: &str) -> SlateRecord {
    SlateRecord {
        id: id.into(),
        sport: "nba_classic".into(),
        salaries_path: format!("slates/{id}/DKSalaries.csv"),
        salaries_sha256: "ab".repeat(32),
        projections_path: None,
        projections_sha256: None,
        players: 209,
        imported_at: "2026-11-29T00:00:00Z".into(),
    }
}

fn contest(id: &str) -> ContestRecord {
    ContestRecord {
        id: id.into(),
        name: "$20K Four Point Play".into(),
        payouts_path: format!("contests/{id}/payouts.csv"),
        payouts_sha256: "cd".repeat(32),
        entry_fee: 4.0,
        field_size: 5945,
        max_entries: 20,
        prize_pool: 20_000.0,
        imported_at: "2026-11-29T00:00:00Z".into(),
    }
}

fn run(id: &str, started: &str) -> RunRecord {
    RunRecord {
        run_id: id.into(),
        slate_id: "s1".into(),
        contest_id: "c1".into(),
        tag: Some("t".into()),
        seed: u64::MAX,
        status: RunStatus::Running,
        root: format!("/tmp/runs/s1/{id}"),
        metrics_head: None,
        started_at: started.into(),
        finished_at: None,
        error: None,
        pid: Some(4242),
        host: Some("box".into()),
    }
}

#[test]
fn migrates_once_and_reopens() {
    let dir = tempfile::tempdir().unwrap();
    let r = Registry::open_in(dir.path()).unwrap();
    assert_eq!(r.schema_version().unwrap(), 3);
    r.put_slate(&slate("s1")).unwrap();
    drop(r);
    let r = Registry::open_in(dir.path()).unwrap();
    assert_eq!(r.schema_version().unwrap(), 3);
    assert_eq!(r.slate("s1").unwrap(), Some(slate("s1")));
}

#[test]
fn resolve_names_what_is_known() {
    let dir = tempfile::tempdir().unwrap();
    let r = Registry::open_in(dir.path()).unwrap();
    r.put_slate(&slate("s1")).unwrap();
    r.put_slate(&slate("s2")).unwrap();
    r.put_contest(&contest("c1")).unwrap();
    let (s, c) = r.resolve("s2", "c1").unwrap();
    assert_eq!((s.id.as_str(), c.id.as_str()), ("s2", "c1"));
    let err = r.resolve("nope", "c1").unwrap_err();
    assert!(matches!(err, RegistryError::UnknownSlate { .. }));
    assert_eq!(
        err.to_string(),
        "unknown slate \"nope\"; known slates: s1, s2"
    );
    let err = r.resolve("s1", "nope").unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown contest \"nope\"; known contests: c1"
    );
}

#[test]
fn import_again_replaces() {
    let dir = tempfile::tempdir().unwrap();
    let r = Registry::open_in(dir.path()).unwrap();
    r.put_contest(&contest("c1")).unwrap();
    let mut c = contest("c1");
    c.max_entries = 150;
    r.put_contest(&c).unwrap();
    assert_eq!(r.contests().unwrap(), vec![c]);
}

#[test]
fn run_lifecycle_queued_running_then_succeeded_failed_or_cancelled() {
    let dir = tempfile::tempdir().unwrap();
    let r = Registry::open_in(dir.path()).unwrap();
    r.put_slate(&slate("s1")).unwrap();
    r.put_contest(&contest("c1")).unwrap();
    assert!(r.reserve_run(&run("a", "2026-11-29T00:00:01Z")).unwrap());
    assert!(r.reserve_run(&run("b", "2026-11-29T00:00:02Z")).unwrap());
    assert!(r.reserve_run(&run("c", "2026-11-29T00:00:03Z")).unwrap());
    assert!(
        !r.reserve_run(&run("a", "2026-11-29T00:00:04Z")).unwrap(),
        "a taken id is refused"
    );
    assert_eq!(r.run("a").unwrap().status, RunStatus::Queued);
    r.start_run("a", "2026-11-29T00:00:05Z").unwrap();
    r.start_run("b", "2026-11-29T00:00:05Z").unwrap();
    assert!(
        matches!(r.start_run("a", "x"), Err(RegistryError::RunEnded(_))),
        "only a queued run starts"
    );
    assert_eq!(r.run("a").unwrap().status, RunStatus::Running);
    assert_eq!(r.run("a").unwrap().started_at, "2026-11-29T00:00:05Z");
    assert_eq!(r.run("a").unwrap().pid, Some(4242));
    let running: Vec<String> = r
        .unfinished_runs()
        .unwrap()
        .into_iter()
        .map(|r| r.run_id)
        .collect();
    // Oldest first: c still waits from 00:00:03, a and b started at 00:00:05.
    assert_eq!(running, ["c", "a", "b"]);
    let head = MetricsHead {
        roi_mean: -0.12,
        roi_p50: -1.0,
        dup_p95: 3.0,
    };
    r.finish_run("a", RunEnd::Succeeded(&head), "2026-11-29T00:01:00Z")
        .unwrap();
    r.finish_run(
        "b",
        RunEnd::Failed("sim: invalid iterations"),
        "2026-11-29T00:01:00Z",
    )
    .unwrap();
    r.finish_run(
        "c",
        RunEnd::Cancelled("interrupted"),
        "2026-11-29T00:01:00Z",
    )
    .unwrap();
    assert_eq!(r.run("c").unwrap().status, RunStatus::Cancelled);
    assert!(
        matches!(r.start_run("c", "x"), Err(RegistryError::RunEnded(_))),
        "a run cancelled while queued never starts"
    );
    assert!(r.unfinished_runs().unwrap().is_empty());
    let a = r.run("a").unwrap();
    assert_eq!(a.status, RunStatus::Succeeded);
    assert_eq!(a.metrics_head, Some(head.clone()));
    assert_eq!(a.seed, u64::MAX, "seeds round-trip through SQLite's i64");
    let b = r.run("b").unwrap();
    assert_eq!(b.status, RunStatus::Failed);
    assert_eq!(b.error.as_deref(), Some("sim: invalid iterations"));
    // Newest start first (a queued run's start is when it was queued); a
    // finished run cannot be finished again.
    let ids: Vec<String> = r
        .runs(None)
        .unwrap()
        .into_iter()
        .map(|r| r.run_id)
        .collect();
    assert_eq!(ids, ["b", "a", "c"]);
    assert!(r.runs(Some("other")).unwrap().is_empty());
    assert!(matches!(
        r.finish_run("a", RunEnd::Succeeded(&head), "x"),
        Err(RegistryError::RunEnded(_))
    ));
    assert!(matches!(
        r.finish_run("zzz", RunEnd::Failed("x"), "x"),
        Err(RegistryError::UnknownRun(_))
    ));
    assert!(matches!(r.run("zzz"), Err(RegistryError::UnknownRun(_))));
}

#[test]
fn a_run_needs_a_known_slate() {
    let dir = tempfile::tempdir().unwrap();
    let r = Registry::open_in(dir.path()).unwrap();
    assert!(r.reserve_run(&run("a", "t")).is_err(), "foreign keys hold");
}

#[test]
fn concurrent_writers_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    {
        let r = Registry::open_in(dir.path()).unwrap();
        r.put_slate(&slate("s1")).unwrap();
        r.put_contest(&contest("c1")).unwrap();
    }
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let root = dir.path().to_path_buf();
            std::thread::spawn(move || {
                let r = Registry::open_in(&root).unwrap();
                for i in 0..25 {
                    let id = format!("{t}-{i}");
                    assert!(
                        r.reserve_run(&run(&id, &format!("2026-11-29T00:{t:02}:{i:02}Z")))
                            .unwrap()
                    );
                    r.finish_run(&id, RunEnd::Failed("x"), "2026-11-29T01:00:00Z")
                        .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let r = Registry::open_in(dir.path()).unwrap();
    let runs = r.runs(Some("s1")).unwrap();
    assert_eq!(runs.len(), 100);
    assert!(runs.iter().all(|r| r.status == RunStatus::Failed));
}

#[test]
fn a_version_1_database_migrates_keeping_its_runs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(registry::DB_FILE);
    {
        // The version-1 schema as it shipped, with one finished run.
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE slates (id TEXT PRIMARY KEY, sport TEXT NOT NULL,
                salaries_path TEXT NOT NULL, salaries_sha256 TEXT NOT NULL,
                projections_path TEXT, projections_sha256 TEXT, players INTEGER NOT NULL,
                imported_at TEXT NOT NULL);
             CREATE TABLE contests (id TEXT PRIMARY KEY, name TEXT NOT NULL,
                payouts_path TEXT NOT NULL, payouts_sha256 TEXT NOT NULL, entry_fee REAL NOT NULL,
                field_size INTEGER NOT NULL, max_entries INTEGER NOT NULL,
                prize_pool REAL NOT NULL, imported_at TEXT NOT NULL);
             CREATE TABLE runs (run_id TEXT PRIMARY KEY,
                slate_id TEXT NOT NULL REFERENCES slates(id),
                contest_id TEXT NOT NULL REFERENCES contests(id), tag TEXT,
                seed INTEGER NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
                root TEXT NOT NULL, metrics_head TEXT, started_at TEXT NOT NULL,
                finished_at TEXT, error TEXT);
             CREATE INDEX runs_by_slate ON runs(slate_id, started_at);
             INSERT INTO slates VALUES ('s1', 'nba_classic', 'a', 'b', NULL, NULL, 1, 't');
             INSERT INTO contests VALUES ('c1', 'n', 'p', 'h', 4.0, 10, 1, 20.0, 't');
             INSERT INTO runs VALUES ('old', 's1', 'c1', NULL, 7, 'failed', '/r', NULL, 't', 't', 'boom');
             PRAGMA user_version = 1;",
        )
        .unwrap();
    }
    let r = Registry::open(&path).unwrap();
    assert_eq!(r.schema_version().unwrap(), 3);
    let old = r.run("old").unwrap();
    assert_eq!(old.status, RunStatus::Failed);
    assert_eq!((old.error.as_deref(), old.pid), (Some("boom"), None));
    assert!(r.reserve_run(&run("new", "t2")).unwrap());
    r.finish_run("new", RunEnd::Cancelled("stopped"), "t3")
        .unwrap();
    assert_eq!(r.run("new").unwrap().status, RunStatus::Cancelled);
}

#[test]
fn a_rebuilt_run_is_put_once() {
    let dir = tempfile::tempdir().unwrap();
    let r = Registry::open_in(dir.path()).unwrap();
    r.put_slate(&slate("s1")).unwrap();
    r.put_contest(&contest("c1")).unwrap();
    let mut done = run("a", "t");
    done.status = RunStatus::Succeeded;
    done.metrics_head = Some(MetricsHead {
        roi_mean: 0.5,
        roi_p50: -1.0,
        dup_p95: 1.0,
    });
    done.finished_at = Some("t2".into());
    assert!(r.put_run(&done).unwrap());
    assert!(!r.put_run(&done).unwrap());
    assert_eq!(r.run("a").unwrap(), done);
}

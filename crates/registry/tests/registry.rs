use registry::{ContestRecord, Registry, RegistryError, RunRecord, SlateRecord};
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
    }
}

#[test]
fn migrates_once_and_reopens() {
    let dir = tempfile::tempdir().unwrap();
    let r = Registry::open_in(dir.path()).unwrap();
    assert_eq!(r.schema_version().unwrap(), 1);
    r.put_slate(&slate("s1")).unwrap();
    drop(r);
    let r = Registry::open_in(dir.path()).unwrap();
    assert_eq!(r.schema_version().unwrap(), 1);
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
fn run_lifecycle_running_then_succeeded_or_failed() {
    let dir = tempfile::tempdir().unwrap();
    let r = Registry::open_in(dir.path()).unwrap();
    r.put_slate(&slate("s1")).unwrap();
    r.put_contest(&contest("c1")).unwrap();
    r.start_run(&run("a", "2026-11-29T00:00:01Z")).unwrap();
    r.start_run(&run("b", "2026-11-29T00:00:02Z")).unwrap();
    assert_eq!(r.run("a").unwrap().status, RunStatus::Running);
    let head = MetricsHead {
        roi_mean: -0.12,
        roi_p50: -1.0,
        dup_p95: 3.0,
    };
    r.finish_run("a", Ok(&head), "2026-11-29T00:01:00Z")
        .unwrap();
    r.finish_run("b", Err("sim: invalid iterations"), "2026-11-29T00:01:00Z")
        .unwrap();
    let a = r.run("a").unwrap();
    assert_eq!(a.status, RunStatus::Succeeded);
    assert_eq!(a.metrics_head, Some(head.clone()));
    assert_eq!(a.seed, u64::MAX, "seeds round-trip through SQLite's i64");
    let b = r.run("b").unwrap();
    assert_eq!(b.status, RunStatus::Failed);
    assert_eq!(b.error.as_deref(), Some("sim: invalid iterations"));
    // Newest first; a finished run cannot be finished again.
    let ids: Vec<String> = r
        .runs(None)
        .unwrap()
        .into_iter()
        .map(|r| r.run_id)
        .collect();
    assert_eq!(ids, ["b", "a"]);
    assert!(r.runs(Some("other")).unwrap().is_empty());
    assert!(matches!(
        r.finish_run("a", Ok(&head), "x"),
        Err(RegistryError::UnknownRun(_))
    ));
    assert!(matches!(r.run("zzz"), Err(RegistryError::UnknownRun(_))));
}

#[test]
fn a_run_needs_a_known_slate() {
    let dir = tempfile::tempdir().unwrap();
    let r = Registry::open_in(dir.path()).unwrap();
    assert!(r.start_run(&run("a", "t")).is_err(), "foreign keys hold");
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
                    r.start_run(&run(&id, &format!("2026-11-29T00:{t:02}:{i:02}Z")))
                        .unwrap();
                    r.finish_run(&id, Err("x"), "2026-11-29T01:00:00Z").unwrap();
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

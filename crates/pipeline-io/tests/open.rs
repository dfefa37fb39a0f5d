//! The one guarded read of user-named files (`read_input`): scope, file type and
//! size checks, and that every reader goes through it.

// Test helpers may unwrap: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use pipeline_io::IoError;
use pipeline_io::config::{read_config, read_config_in};
use pipeline_io::inputs::{
    FileRole, PathScope, load_correlations, load_correlations_in, load_sport_rules, read_dk_upload,
    read_input, read_payouts, read_projections, read_salaries, read_standings, read_standings_in,
};
use tempfile::TempDir;

const SECRET: &str = "SECRET-CONTENT";

/// A temp dir holding `root/` (the data root, with `root/in.csv`) and, outside
/// it, `outside.yaml` holding the secret.
struct Fixture {
    _dir: TempDir,
    base: PathBuf,
    root: PathBuf,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = TempDir::new().unwrap();
        let base = dir.path().to_owned();
        let root = base.join("root");
        std::fs::create_dir(&root).unwrap();
        std::fs::write(root.join("in.csv"), "a,b\n1,2\n").unwrap();
        std::fs::write(base.join("outside.yaml"), format!("{SECRET}: 1\n")).unwrap();
        Fixture {
            _dir: dir,
            base,
            root,
        }
    }

    fn within(&self) -> PathScope {
        PathScope::Within(self.root.clone())
    }
}

fn message(r: Result<impl Sized, IoError>) -> String {
    match r {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string(),
    }
}

/// Runs `f` on another thread and fails the test instead of hanging if it blocks.
fn without_blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(20))
        .expect("the read blocked")
}

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success(), "mkfifo failed");
}

#[test]
fn a_file_in_the_root_reads_under_either_scope() {
    let f = Fixture::new();
    let path = f.root.join("in.csv");
    assert_eq!(
        read_input(&path, FileRole::Salaries, &f.within()).unwrap(),
        b"a,b\n1,2\n"
    );
    assert_eq!(
        read_input(&path, FileRole::Salaries, &PathScope::Anywhere).unwrap(),
        b"a,b\n1,2\n"
    );
    // A root named through `..` is canonicalised too.
    let scope = PathScope::Within(f.root.join("../root"));
    assert!(read_input(&path, FileRole::Salaries, &scope).is_ok());
    // `..` that stays inside the root is fine.
    std::fs::create_dir(f.root.join("sub")).unwrap();
    let inside = f.root.join("sub/../in.csv");
    assert!(read_input(&inside, FileRole::Salaries, &f.within()).is_ok());
}

#[test]
fn dot_dot_out_of_the_root_is_refused_within_and_read_anywhere() {
    let f = Fixture::new();
    let escape = f.root.join("../outside.yaml");
    let err = message(read_input(&escape, FileRole::Config, &f.within()));
    assert!(err.contains("outside the data root"), "{err}");
    assert!(
        err.contains("outside.yaml") && err.contains("config"),
        "{err}"
    );
    assert!(!err.contains(SECRET), "{err}");
    assert!(read_input(&escape, FileRole::Config, &PathScope::Anywhere).is_ok());
    // A sibling whose name starts with the root's name is outside too.
    std::fs::create_dir(f.base.join("root2")).unwrap();
    std::fs::write(f.base.join("root2/x.csv"), "x").unwrap();
    let sibling = f.base.join("root2/x.csv");
    let err = message(read_input(&sibling, FileRole::Salaries, &f.within()));
    assert!(err.contains("outside the data root"), "{err}");
}

#[cfg(unix)]
#[test]
fn a_symlink_out_of_the_root_is_refused_within_and_read_anywhere() {
    use std::os::unix::fs::symlink;
    let f = Fixture::new();
    let link = f.root.join("link.yaml");
    symlink(f.base.join("outside.yaml"), &link).unwrap();
    let err = message(read_input(&link, FileRole::Config, &f.within()));
    assert!(err.contains("outside the data root"), "{err}");
    assert!(!err.contains(SECRET), "{err}");
    assert!(read_input(&link, FileRole::Config, &PathScope::Anywhere).is_ok());

    // A directory symlink out of the root is refused as well.
    std::fs::create_dir(f.base.join("elsewhere")).unwrap();
    std::fs::write(f.base.join("elsewhere/in.csv"), "x").unwrap();
    symlink(f.base.join("elsewhere"), f.root.join("door")).unwrap();
    let through = f.root.join("door/in.csv");
    let err = message(read_input(&through, FileRole::Salaries, &f.within()));
    assert!(err.contains("outside the data root"), "{err}");

    // A symlink inside the root to a file inside it reads, and so does a root
    // named through a symlink.
    symlink(f.root.join("in.csv"), f.root.join("alias.csv")).unwrap();
    assert!(read_input(&f.root.join("alias.csv"), FileRole::Salaries, &f.within()).is_ok());
    symlink(&f.root, f.base.join("root-link")).unwrap();
    let scope = PathScope::Within(f.base.join("root-link"));
    assert!(read_input(&f.base.join("root-link/in.csv"), FileRole::Salaries, &scope).is_ok());
    assert!(read_input(&f.root.join("in.csv"), FileRole::Salaries, &scope).is_ok());
}

#[test]
fn a_missing_file_says_so_naming_path_and_role() {
    let f = Fixture::new();
    let path = f.root.join("nope.csv");
    let err = message(read_input(
        &path,
        FileRole::Projections,
        &PathScope::Anywhere,
    ));
    assert!(err.contains("nope.csv"), "{err}");
    assert!(err.contains("no such file"), "{err}");
    assert!(err.contains("projections"), "{err}");
}

#[test]
fn a_directory_is_refused() {
    let f = Fixture::new();
    let err = message(read_input(
        &f.root,
        FileRole::Salaries,
        &PathScope::Anywhere,
    ));
    assert!(err.contains("a directory, not a regular file"), "{err}");
    let err = message(read_salaries(&f.root));
    assert!(err.contains("not a regular file"), "{err}");
}

#[cfg(unix)]
#[test]
fn dev_zero_is_refused() {
    let zero = Path::new("/dev/zero");
    if !zero.exists() {
        return;
    }
    let err = message(without_blocking(|| {
        read_input(
            Path::new("/dev/zero"),
            FileRole::Config,
            &PathScope::Anywhere,
        )
    }));
    assert!(
        err.contains("/dev/zero") && err.contains("a device"),
        "{err}"
    );
    // Every reader goes through the check.
    let errors = without_blocking(|| {
        let z = Path::new("/dev/zero");
        vec![
            message(read_salaries(z)),
            message(read_projections(z)),
            message(read_payouts(z, "c", None, None)),
            message(read_standings(z)),
            message(read_config::<BTreeMap<String, u32>>(z)),
            message(load_correlations(z)),
            message(load_sport_rules(z)),
            message(read_dk_upload(z)),
        ]
    });
    for err in errors {
        assert!(err.contains("not a regular file"), "{err}");
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_without_blocking() {
    let f = Fixture::new();
    let fifo = f.root.join("pipe.csv");
    mkfifo(&fifo);
    let path = fifo.clone();
    let err = message(without_blocking(move || {
        read_input(&path, FileRole::Standings, &PathScope::Anywhere)
    }));
    assert!(err.contains("a FIFO"), "{err}");
    assert!(
        err.contains("pipe.csv") && err.contains("standings"),
        "{err}"
    );
    let path = fifo.clone();
    let scope = f.within();
    let errors = without_blocking(move || {
        vec![
            message(read_salaries(&path)),
            message(read_standings_in(&path, &scope)),
            message(read_config_in::<BTreeMap<String, u32>>(&path, &scope)),
            message(load_correlations_in(&path, &scope)),
            message(read_dk_upload(&path)),
        ]
    });
    for err in errors {
        assert!(
            err.contains("a FIFO (named pipe), not a regular file"),
            "{err}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_socket_is_refused() {
    let f = Fixture::new();
    let path = f.root.join("s.sock");
    let _listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
    let err = message(read_input(&path, FileRole::Upload, &f.within()));
    assert!(err.contains("a socket, not a regular file"), "{err}");
}

#[test]
fn a_file_over_the_cap_is_refused_naming_the_cap() {
    let f = Fixture::new();
    let cap = FileRole::Config.max_bytes();
    assert_eq!(cap, 1 << 20);
    let path = f.root.join("big.yaml");
    std::fs::write(&path, vec![b'#'; cap as usize]).unwrap();
    assert_eq!(
        read_input(&path, FileRole::Config, &f.within())
            .unwrap()
            .len() as u64,
        cap
    );
    std::fs::write(&path, vec![b'#'; cap as usize + 1]).unwrap();
    let err = message(read_input(&path, FileRole::Config, &f.within()));
    assert!(err.contains("big.yaml"), "{err}");
    assert!(err.contains("larger than the 1 MiB"), "{err}");
    assert!(err.contains("config"), "{err}");

    // The readers pass their role: a payout table is capped at 4 MiB.
    let payouts = FileRole::Payouts.max_bytes();
    assert_eq!(payouts, 4 << 20);
    let path = f.root.join("payouts.csv");
    std::fs::write(&path, vec![b'1'; payouts as usize + 1]).unwrap();
    let err = message(read_payouts(&path, "c", None, None));
    assert!(err.contains("larger than the 4 MiB"), "{err}");
    assert!(err.contains("payouts"), "{err}");
}

#[test]
fn caps_per_role() {
    let mib = 1u64 << 20;
    for (role, cap, name) in [
        (FileRole::Config, mib, "config"),
        (FileRole::Correlations, mib, "correlations"),
        (FileRole::SportRules, mib, "sport rules"),
        (FileRole::Salaries, 32 * mib, "salaries"),
        (FileRole::Projections, 32 * mib, "projections"),
        (FileRole::Upload, 32 * mib, "upload"),
        (FileRole::Payouts, 4 * mib, "payouts"),
        (FileRole::Standings, 512 * mib, "standings"),
    ] {
        assert_eq!((role.max_bytes(), role.name()), (cap, name));
    }
}

#[test]
fn errors_never_show_the_files_bytes() {
    let f = Fixture::new();
    let outside = f.root.join("../outside.yaml");
    let err = message(read_config_in::<BTreeMap<String, u32>>(
        &outside,
        &f.within(),
    ));
    assert!(err.contains("outside the data root"), "{err}");
    assert!(!err.contains(SECRET), "{err}");
    // Anywhere, the same file reads.
    let ok: BTreeMap<String, u32> = read_config_in(&outside, &PathScope::Anywhere).unwrap();
    assert_eq!(ok.get(SECRET), Some(&1));

    let secret_line = format!("{SECRET}\n");
    // Too large, not UTF-8, a standings file outside: none quotes the content.
    let big = f.root.join("big.yaml");
    std::fs::write(&big, secret_line.repeat(100_000)).unwrap();
    let not_utf8 = f.root.join("latin1.yaml");
    let mut bytes = secret_line.clone().into_bytes();
    bytes.extend_from_slice(b"\xff\xfe");
    bytes.extend_from_slice(secret_line.as_bytes());
    std::fs::write(&not_utf8, bytes).unwrap();
    std::fs::write(f.base.join("standings.csv"), &secret_line).unwrap();
    let errors = [
        message(read_config_in::<BTreeMap<String, u32>>(&big, &f.within())),
        message(read_config_in::<BTreeMap<String, u32>>(
            &not_utf8,
            &f.within(),
        )),
        message(load_correlations_in(&not_utf8, &f.within())),
        message(load_correlations_in(&outside, &f.within())),
        message(read_standings_in(
            &f.root.join("../standings.csv"),
            &f.within(),
        )),
    ];
    for err in errors {
        assert!(!err.contains(SECRET), "{err}");
    }
}

#[test]
fn a_relative_path_is_taken_from_the_root_when_confined() {
    let f = Fixture::new();
    let bytes = read_input(Path::new("in.csv"), FileRole::Salaries, &f.within()).unwrap();
    assert_eq!(bytes, b"a,b\n1,2\n");
    let err = message(read_input(
        Path::new("../outside.yaml"),
        FileRole::Config,
        &f.within(),
    ));
    assert!(err.contains("outside the data root"), "{err}");
    assert!(!err.contains(SECRET), "{err}");
}

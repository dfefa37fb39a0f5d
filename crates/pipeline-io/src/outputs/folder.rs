//! Atomic files and run folders: a run's artifacts go into a staging folder
//! that only its owner ever deletes, held under a lock file whose lock the
//! operating system drops when the owner dies, and renamed into place whole.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use schemas::ArtifactFile;

use crate::IoError;
use crate::inputs::sha256_file;

/// Per-process counter that makes temporary names unique between threads.
static TMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Writes `bytes` to `path` through a temporary sibling and a rename, so a
/// reader never sees a half-written file. Creates parent folders. The
/// temporary name holds the process id and a counter, so concurrent writers
/// of one path, in one process or several, never share a temporary file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), IoError> {
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(|e| IoError::write(parent, e))?;
    let name = path
        .file_name()
        .ok_or_else(|| IoError::file(path, "not a file path"))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(
        ".{}-{}.tmp",
        std::process::id(),
        TMP_COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let tmp = parent.join(tmp_name);
    fs::write(&tmp, bytes).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        IoError::write(&tmp, e)
    })?;
    fs::rename(&tmp, path).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        IoError::write(path, e)
    })
}

/// The lock of one run id: `runs/{slate}/.{run_id}.lock`, locked exclusively
/// for as long as its owner lives. A process that can take the lock knows the
/// run's owner is gone (the operating system drops a dead process's locks,
/// `kill -9` included), so a `running` record whose lock is free is stale.
/// Dropping it removes the lock file, then releases the lock.
#[derive(Debug)]
pub struct RunLock {
    file: Option<File>,
    path: PathBuf,
    staging: PathBuf,
    target: PathBuf,
}

impl RunLock {
    /// Takes the lock of `run_id`, or `None` when a live process holds it.
    pub fn try_acquire(
        runs_root: &Path,
        slate_id: &str,
        run_id: &str,
    ) -> Result<Option<RunLock>, IoError> {
        let parent = runs_root.join(slate_id);
        fs::create_dir_all(&parent).map_err(|e| IoError::write(&parent, e))?;
        let path = parent.join(format!(".{run_id}.lock"));
        // A lock file is unlinked only by a holder of its lock. Having locked
        // one, check the name still points at it: if a holder removed it in
        // between, this lock guards nothing, and we try again on a new file.
        let mut attempts = 0;
        let file = loop {
            attempts += 1;
            let file = fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
                .map_err(|e| IoError::write(&path, e))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) => return Ok(None),
                Err(fs::TryLockError::Error(e)) => return Err(IoError::write(&path, e)),
            }
            if same_file(&file, &path) {
                break file;
            }
            if attempts >= 16 {
                return Ok(None);
            }
        };
        Ok(Some(RunLock {
            file: Some(file),
            path,
            staging: parent.join(format!(".{run_id}.partial")),
            target: parent.join(run_id),
        }))
    }

    /// The run's staging folder (`.{run_id}.partial`).
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    /// The run's final folder.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Removes the staging folder a dead owner left; only a lock holder may.
    pub fn clear_staging(&self) -> Result<(), IoError> {
        match fs::remove_dir_all(&self.staging) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(IoError::write(&self.staging, e)),
        }
    }
}

impl Drop for RunLock {
    fn drop(&mut self) {
        // Remove the file while still holding its lock, so nobody takes a
        // lock on a file that is about to vanish; closing then releases it.
        let _ = fs::remove_file(&self.path);
        drop(self.file.take());
    }
}

/// True when `path` names the open `file` (not a file created after it was unlinked).
#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    path.exists()
}

/// Every staging folder under `runs_root`, as `(slate_id, run_id)`: what a
/// sweep for dead owners looks at (each is cleared only under its lock).
pub fn staged_runs(runs_root: &Path) -> Result<Vec<(String, String)>, IoError> {
    let mut found = Vec::new();
    let slates = match fs::read_dir(runs_root) {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(found),
        Err(e) => return Err(IoError::io(runs_root, e)),
    };
    for slate in slates {
        let slate = slate.map_err(|e| IoError::io(runs_root, e))?;
        if !slate.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let slate_id = slate.file_name().to_string_lossy().into_owned();
        let dir = slate.path();
        for entry in fs::read_dir(&dir).map_err(|e| IoError::io(&dir, e))? {
            let entry = entry.map_err(|e| IoError::io(&dir, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(run_id) = name
                .strip_prefix('.')
                .and_then(|n| n.strip_suffix(".partial"))
            {
                found.push((slate_id.clone(), run_id.to_string()));
            }
        }
    }
    found.sort();
    Ok(found)
}

/// A run folder under construction: artifacts go into the hidden staging
/// folder of a locked run id, which is renamed to `runs/{slate_id}/{run_id}`
/// by [`RunFolder::commit`]. Dropped without a commit (an error, a
/// cancellation, a panic), the staging folder is removed, so a failed run never
/// leaves a folder that looks finished. The lock is held until the drop.
#[derive(Debug)]
pub struct RunFolder {
    lock: RunLock,
    committed: bool,
}

impl RunFolder {
    /// Starts the staging folder of a run id whose lock the caller holds (and
    /// whose id it has reserved). A staging folder or a final folder already
    /// there belongs to someone else: an error, never deleted.
    pub fn create(lock: RunLock) -> Result<RunFolder, IoError> {
        if lock.target.exists() {
            return Err(IoError::file(&lock.target, "run folder already exists"));
        }
        fs::create_dir(&lock.staging).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                IoError::file(&lock.staging, "staging folder already exists")
            } else {
                IoError::write(&lock.staging, e)
            }
        })?;
        Ok(RunFolder {
            lock,
            committed: false,
        })
    }

    /// Where an artifact goes while the run is being written (`rel` like `sim/metrics.json`).
    pub fn path(&self, rel: &str) -> PathBuf {
        self.lock.staging.join(rel)
    }

    /// The staging folder itself.
    pub fn staging(&self) -> &Path {
        &self.lock.staging
    }

    /// The folder's final location.
    pub fn target(&self) -> &Path {
        &self.lock.target
    }

    /// Renames the finished folder into place and returns its path. The lock
    /// stays held until the folder is dropped.
    pub fn commit(&mut self) -> Result<PathBuf, IoError> {
        if self.lock.target.exists() {
            return Err(IoError::file(
                &self.lock.target,
                "run folder already exists",
            ));
        }
        fs::rename(&self.lock.staging, &self.lock.target)
            .map_err(|e| IoError::write(&self.lock.target, e))?;
        self.committed = true;
        Ok(self.lock.target.clone())
    }
}

impl Drop for RunFolder {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.lock.staging);
        }
    }
}

/// Size and SHA-256 of every file under `dir` except `skip` (a path relative
/// to `dir`, e.g. `manifest.json`), sorted by path.
pub fn hash_artifacts(dir: &Path, skip: &str) -> Result<Vec<ArtifactFile>, IoError> {
    let mut files = Vec::new();
    walk(dir, dir, &mut files)?;
    files.retain(|rel| rel != skip);
    files.sort();
    files
        .into_iter()
        .map(|rel| {
            let path = dir.join(&rel);
            let size = fs::metadata(&path)
                .map_err(|e| IoError::io(&path, e))?
                .len();
            Ok(ArtifactFile {
                sha256: sha256_file(&path)?,
                path: rel,
                size,
            })
        })
        .collect()
}

/// Checks a run folder against its manifest's artifacts: every file is there
/// with its size and hash. The error names the first file that is missing or
/// changed.
pub fn verify_artifacts(dir: &Path, artifacts: &[ArtifactFile]) -> Result<(), IoError> {
    for a in artifacts {
        let path = dir.join(&a.path);
        let meta = match fs::metadata(&path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(IoError::file(&path, "artifact missing"));
            }
            Err(e) => return Err(IoError::io(&path, e)),
        };
        if !meta.is_file() {
            return Err(IoError::file(&path, "artifact is not a regular file"));
        }
        if meta.len() != a.size {
            return Err(IoError::file(
                &path,
                format!(
                    "artifact changed: {} bytes, the manifest records {}",
                    meta.len(),
                    a.size
                ),
            ));
        }
        let sha256 = sha256_file(&path)?;
        if sha256 != a.sha256 {
            return Err(IoError::file(
                &path,
                format!(
                    "artifact changed: sha256 {sha256}, the manifest records {}",
                    a.sha256
                ),
            ));
        }
    }
    Ok(())
}

fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) -> Result<(), IoError> {
    for entry in fs::read_dir(dir).map_err(|e| IoError::io(dir, e))? {
        let entry = entry.map_err(|e| IoError::io(dir, e))?;
        let path = entry.path();
        let kind = entry.file_type().map_err(|e| IoError::io(&path, e))?;
        if kind.is_dir() {
            walk(base, &path, out)?;
        } else {
            let rel = path.strip_prefix(base).unwrap_or(&path);
            let parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.push(parts.join("/"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn folder(root: &Path, id: &str) -> RunFolder {
        RunFolder::create(RunLock::try_acquire(root, "s", id).unwrap().unwrap()).unwrap()
    }

    #[test]
    fn uncommitted_folder_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let f = folder(dir.path(), "r1");
        write_atomic(&f.path("sim/metrics.json"), b"{}").unwrap();
        drop(f);
        let left: Vec<_> = fs::read_dir(dir.path().join("s")).unwrap().collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn committed_folder_appears_whole() {
        let dir = tempfile::tempdir().unwrap();
        let mut f = folder(dir.path(), "r1");
        write_atomic(&f.path("a/b.txt"), b"x").unwrap();
        assert!(!f.target().exists());
        let done = f.commit().unwrap();
        drop(f);
        assert_eq!(fs::read(done.join("a/b.txt")).unwrap(), b"x");
        let lock = RunLock::try_acquire(dir.path(), "s", "r1")
            .unwrap()
            .unwrap();
        assert!(RunFolder::create(lock).is_err(), "the final folder exists");
    }

    #[test]
    fn a_held_lock_is_refused_and_another_staging_folder_is_never_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let f = folder(dir.path(), "r1");
        write_atomic(&f.path("x.txt"), b"mine").unwrap();
        // The same id again: its lock is held, even from this process.
        assert!(
            RunLock::try_acquire(dir.path(), "s", "r1")
                .unwrap()
                .is_none()
        );
        assert_eq!(
            staged_runs(dir.path()).unwrap(),
            vec![("s".to_string(), "r1".to_string())]
        );
        assert_eq!(fs::read(f.path("x.txt")).unwrap(), b"mine");
        drop(f);
        // Freed: the lock can be taken, and a staging folder left there is refused, not cleared.
        fs::create_dir(dir.path().join("s/.r2.partial")).unwrap();
        let lock = RunLock::try_acquire(dir.path(), "s", "r2")
            .unwrap()
            .unwrap();
        let err = RunFolder::create(lock).unwrap_err().to_string();
        assert!(err.contains("staging folder already exists"), "{err}");
        assert!(dir.path().join("s/.r2.partial").exists());
        let lock = RunLock::try_acquire(dir.path(), "s", "r2")
            .unwrap()
            .unwrap();
        lock.clear_staging().unwrap();
        assert!(!dir.path().join("s/.r2.partial").exists());
    }

    #[test]
    fn artifacts_verify_until_a_byte_changes_or_a_file_goes() {
        let dir = tempfile::tempdir().unwrap();
        write_atomic(&dir.path().join("a/b.csv"), b"1,2\n").unwrap();
        write_atomic(&dir.path().join("c.json"), b"{}").unwrap();
        write_atomic(&dir.path().join("manifest.json"), b"{}").unwrap();
        let files = hash_artifacts(dir.path(), "manifest.json").unwrap();
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["a/b.csv", "c.json"]);
        assert_eq!(files[0].size, 4);
        verify_artifacts(dir.path(), &files).unwrap();

        fs::write(dir.path().join("a/b.csv"), b"1,3\n").unwrap();
        let err = verify_artifacts(dir.path(), &files)
            .unwrap_err()
            .to_string();
        assert!(err.contains("b.csv") && err.contains("sha256"), "{err}");
        fs::write(dir.path().join("a/b.csv"), b"1\n").unwrap();
        let err = verify_artifacts(dir.path(), &files)
            .unwrap_err()
            .to_string();
        assert!(err.contains("b.csv") && err.contains("2 bytes"), "{err}");
        fs::remove_file(dir.path().join("c.json")).unwrap();
        fs::write(dir.path().join("a/b.csv"), b"1,2\n").unwrap();
        let err = verify_artifacts(dir.path(), &files)
            .unwrap_err()
            .to_string();
        assert!(err.contains("c.json") && err.contains("missing"), "{err}");
    }
}

use std::fs;
use std::path::{Path, PathBuf};

use crate::IoError;

/// Writes `bytes` to `path` through a temporary sibling and a rename, so a
/// reader never sees a half-written file. Creates parent folders.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), IoError> {
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(|e| IoError::io(parent, e))?;
    let name = path
        .file_name()
        .ok_or_else(|| IoError::file(path, "not a file path"))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".{}.tmp", std::process::id()));
    let tmp = parent.join(tmp_name);
    fs::write(&tmp, bytes).map_err(|e| IoError::io(&tmp, e))?;
    fs::rename(&tmp, path).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        IoError::io(path, e)
    })
}

/// A run folder under construction: artifacts go into a hidden temporary
/// sibling, which is renamed to `runs/{slate_id}/{run_id}` by [`RunFolder::commit`].
/// Dropped without a commit (an error, a panic), the temporary folder is removed,
/// so a failed run never leaves a folder that looks finished.
#[derive(Debug)]
pub struct RunFolder {
    staging: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl RunFolder {
    /// Starts `runs_root/{slate_id}/{run_id}`; fails if it already exists.
    pub fn create(runs_root: &Path, slate_id: &str, run_id: &str) -> Result<RunFolder, IoError> {
        let parent = runs_root.join(slate_id);
        fs::create_dir_all(&parent).map_err(|e| IoError::io(&parent, e))?;
        let target = parent.join(run_id);
        if target.exists() {
            return Err(IoError::file(&target, "run folder already exists"));
        }
        let staging = parent.join(format!(".{run_id}.partial"));
        if staging.exists() {
            // A crashed earlier attempt of the same run id: never finished, safe to clear.
            fs::remove_dir_all(&staging).map_err(|e| IoError::io(&staging, e))?;
        }
        fs::create_dir_all(&staging).map_err(|e| IoError::io(&staging, e))?;
        Ok(RunFolder {
            staging,
            target,
            committed: false,
        })
    }

    /// Where an artifact goes while the run is being written (`rel` like `sim/metrics.json`).
    pub fn path(&self, rel: &str) -> PathBuf {
        self.staging.join(rel)
    }

    /// The folder's final location.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Renames the finished folder into place and returns its path.
    pub fn commit(mut self) -> Result<PathBuf, IoError> {
        fs::rename(&self.staging, &self.target).map_err(|e| IoError::io(&self.target, e))?;
        self.committed = true;
        Ok(self.target.clone())
    }
}

impl Drop for RunFolder {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uncommitted_folder_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let f = RunFolder::create(dir.path(), "s", "r1").unwrap();
        write_atomic(&f.path("sim/metrics.json"), b"{}").unwrap();
        drop(f);
        let left: Vec<_> = fs::read_dir(dir.path().join("s")).unwrap().collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn committed_folder_appears_whole() {
        let dir = tempfile::tempdir().unwrap();
        let f = RunFolder::create(dir.path(), "s", "r1").unwrap();
        write_atomic(&f.path("a/b.txt"), b"x").unwrap();
        assert!(!f.target().exists());
        let done = f.commit().unwrap();
        assert_eq!(fs::read(done.join("a/b.txt")).unwrap(), b"x");
        assert!(RunFolder::create(dir.path(), "s", "r1").is_err());
    }
}

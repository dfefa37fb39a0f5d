//! Opening the files users name: one guarded read for every input, so that no
//! reader can be pointed at a directory, a device, a FIFO, a huge file, or (on the
//! HTTP server) a file outside the data root.

use std::fs::{File, FileType};
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::IoError;

const MIB: u64 = 1 << 20;

/// Cap for YAML configs, correlation tables and sport rules: the shipped ones are
/// 1-3 KB, so 1 MiB is only ever reached by a file that is not one of them.
const YAML_MAX_BYTES: u64 = MIB;

/// Cap for salary files (`DKSalaries.csv`, `DKEntries.csv`), projections and upload
/// files. The real ones are under 100 KB (720 NFL players, 22 KB; 387-player pools
/// with entries, 50 KB); 32 MiB leaves room for any slate and many entries.
const TABLE_MAX_BYTES: u64 = 32 * MIB;

/// Cap for payout tables: real ones are under 1 KB (one row per prize tier);
/// 4 MiB allows a row per place of a contest of 100,000 entries.
const PAYOUTS_MAX_BYTES: u64 = 4 * MIB;

/// Cap for DraftKings contest-standings exports: one row per entry, about 180
/// bytes each; the real ones are 1.7-4 MB for 9,000-21,000 entries, and the
/// largest contests (hundreds of thousands of entries) reach tens of MB.
const STANDINGS_MAX_BYTES: u64 = 512 * MIB;

/// What a user-named file is for; each role has its own size cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRole {
    /// A DraftKings salary file, or the pool inside `DKEntries.csv`.
    Salaries,
    /// A provider projection file.
    Projections,
    /// A payout table.
    Payouts,
    /// A DraftKings contest-standings export.
    Standings,
    /// A YAML stage config.
    Config,
    /// A correlation table (YAML).
    Correlations,
    /// Sport rules (YAML).
    SportRules,
    /// A DraftKings upload file of entries.
    Upload,
}

impl FileRole {
    /// The largest file accepted in this role, in bytes.
    pub fn max_bytes(self) -> u64 {
        match self {
            FileRole::Config | FileRole::Correlations | FileRole::SportRules => YAML_MAX_BYTES,
            FileRole::Salaries | FileRole::Projections | FileRole::Upload => TABLE_MAX_BYTES,
            FileRole::Payouts => PAYOUTS_MAX_BYTES,
            FileRole::Standings => STANDINGS_MAX_BYTES,
        }
    }

    /// The role as error messages name it: `salaries`, `projections`, ...
    pub fn name(self) -> &'static str {
        match self {
            FileRole::Salaries => "salaries",
            FileRole::Projections => "projections",
            FileRole::Payouts => "payouts",
            FileRole::Standings => "standings",
            FileRole::Config => "config",
            FileRole::Correlations => "correlations",
            FileRole::SportRules => "sport rules",
            FileRole::Upload => "upload",
        }
    }
}

/// Where user-named files may be read from: anywhere (the CLI, whose user names their
/// own files), or only inside a data root (the HTTP server, whose callers must not
/// reach the server's other files).
#[derive(Debug, Clone)]
pub enum PathScope {
    /// Any path the process can read.
    Anywhere,
    /// Only files whose canonical path lies inside this directory's canonical path.
    Within(PathBuf),
}

/// Reads a user-named file: regular files only, no bigger than the role's cap, and
/// under `Within(root)` only when its canonical path (symlinks resolved) lies inside
/// the canonical root.
///
/// Under `Anywhere` a relative path is relative to the working directory; under
/// `Within(root)` it is relative to the root, which is where a server's callers
/// name files from. The file type is checked
/// before the file is opened, so a FIFO or a device never blocks or streams, and again
/// on the opened handle. Errors name the path, the role and the problem, never any of
/// the file's bytes.
pub fn read_input(path: &Path, role: FileRole, scope: &PathScope) -> Result<Vec<u8>, IoError> {
    let what = role.name();
    let joined;
    let path = match scope {
        PathScope::Within(root) if path.is_relative() => {
            joined = root.join(path);
            joined.as_path()
        }
        _ => path,
    };
    let real = std::fs::canonicalize(path).map_err(|e| cannot_open(path, role, &e))?;
    if let PathScope::Within(root) = scope {
        let root = std::fs::canonicalize(root).map_err(|e| {
            IoError::file(
                path,
                format!("cannot open the {what} file: the data root is unusable ({e})"),
            )
        })?;
        if !real.starts_with(&root) {
            return Err(IoError::file(
                path,
                format!("refused: the {what} file is outside the data root"),
            ));
        }
    }
    let meta = std::fs::metadata(&real).map_err(|e| cannot_open(path, role, &e))?;
    check_regular(path, role, meta.file_type())?;
    let cap = role.max_bytes();
    check_size(path, role, meta.len())?;

    let file = File::open(&real).map_err(|e| cannot_open(path, role, &e))?;
    let meta = file.metadata().map_err(|e| cannot_open(path, role, &e))?;
    check_regular(path, role, meta.file_type())?;
    check_size(path, role, meta.len())?;
    let capacity = usize::try_from(meta.len().min(cap)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(capacity);
    file.take(cap.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| IoError::file(path, format!("cannot read the {what} file: {e}")))?;
    check_size(path, role, bytes.len() as u64)?;
    Ok(bytes)
}

/// An error opening the file, with `no such file` for the common case.
fn cannot_open(path: &Path, role: FileRole, e: &std::io::Error) -> IoError {
    let what = role.name();
    let why = match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => e.to_string(),
    };
    IoError::file(path, format!("cannot open the {what} file: {why}"))
}

/// Refuses anything but a regular file, saying what it is instead.
fn check_regular(path: &Path, role: FileRole, kind: FileType) -> Result<(), IoError> {
    if kind.is_file() {
        return Ok(());
    }
    Err(IoError::file(
        path,
        format!(
            "refused: the {} file is {}, not a regular file",
            role.name(),
            describe(kind)
        ),
    ))
}

fn describe(kind: FileType) -> &'static str {
    if kind.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
    }
    "a special file"
}

/// Refuses a file over the role's cap, saying the cap.
fn check_size(path: &Path, role: FileRole, len: u64) -> Result<(), IoError> {
    let cap = role.max_bytes();
    if len <= cap {
        return Ok(());
    }
    let cap_text = if cap.is_multiple_of(MIB) {
        format!("{} MiB", cap / MIB)
    } else {
        format!("{cap} bytes")
    };
    Err(IoError::file(
        path,
        format!(
            "refused: the {} file is larger than the {cap_text} ({cap} bytes) allowed for {} files",
            role.name(),
            role.name()
        ),
    ))
}

/// [`read_input`] of a text input (YAML, upload CSV), decoded as UTF-8; the
/// error names the file and the offset of the first bad byte, not the bytes.
pub(crate) fn read_text(path: &Path, role: FileRole, scope: &PathScope) -> Result<String, IoError> {
    let bytes = read_input(path, role, scope)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        IoError::file(
            path,
            format!(
                "the {} file is not UTF-8 text (invalid byte at offset {})",
                role.name(),
                e.utf8_error().valid_up_to()
            ),
        )
    })?;
    Ok(text)
}

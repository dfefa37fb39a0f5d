//! Content hashes of input files, recorded in run manifests.

use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::IoError;

/// SHA-256 of a file's bytes, as 64 lowercase hex digits. Streams the file, so
/// large inputs are not held in memory.
pub fn sha256_file(path: impl AsRef<Path>) -> Result<String, IoError> {
    let path = path.as_ref();
    let mut file = std::fs::File::open(path).map_err(|e| IoError::io(path, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buf).map_err(|e| IoError::io(path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

/// SHA-256 of bytes in memory, as 64 lowercase hex digits (config and run fingerprints).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

//! `dfs-api` started for a test on a free loopback port of a data root.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// The server process; killed when dropped.
pub struct Server {
    pub child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `dfs-api` on `root` with `flags`; returns once it listens.
pub fn start_with(root: &Path, flags: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dfs-api"))
        .args(["--root", root.to_str().unwrap(), "--addr", "127.0.0.1:0"])
        .args(flags)
        .env_remove("DFS_HOME")
        .env_remove("DFS_API_TOKEN")
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

/// Starts `dfs-api` on `root` with its defaults.
pub fn start(root: &Path) -> Server {
    start_with(root, &[])
}

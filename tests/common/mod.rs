//! Helpers shared by the integration tests: the real notes, a private index per test, and the
//! built `shiori` binary.

#![allow(dead_code)] // each test binary uses a different subset of these helpers

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub fn notes_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

pub fn notes_lines() -> Vec<String> {
    std::fs::read_to_string(notes_dir().join("aws-notes.txt")).unwrap().lines().map(str::to_owned).collect()
}

/// Runs `shiori` with the real notes and a fresh index directory inside `scratch`.
pub fn shiori(scratch: &Path, args: &[&str]) -> Output {
    shiori_with(scratch, &notes_dir(), args, None)
}

/// Runs `shiori` on a given notes directory, optionally feeding `stdin`.
pub fn shiori_with(scratch: &Path, notes: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_shiori"));
    cmd.arg("--corpus").arg(notes).arg("--index").arg(scratch.join("index")).args(args);
    cmd.current_dir(scratch).env_remove("SHIORI_LOG");
    for secret in [
        "SHIORI_API_TOKEN",
        "SHIORI_DISCORD_TOKEN",
        "SHIORI_SLACK_BOT_TOKEN",
        "SHIORI_SLACK_APP_TOKEN",
        "SHIORI_SLACK_SIGNING_SECRET",
    ] {
        cmd.env_remove(secret);
    }
    cmd.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn shiori");
    if let Some(input) = stdin {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    }
    child.wait_with_output().expect("wait for shiori")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn json(o: &Output) -> serde_json::Value {
    assert!(o.status.success(), "shiori failed: {}", stderr(o));
    serde_json::from_slice(&o.stdout).expect("valid JSON on stdout")
}

/// A `shiori serve` child process, killed when dropped (a failing test leaves nothing running).
pub struct Server {
    pub child: std::process::Child,
    /// `http://127.0.0.1:<port>`, from the "listening on" line.
    pub base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

//! Helpers of the end-to-end tests: real `wastetrail` processes.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The binary under test.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_wastetrail"))
}

/// Runs `wastetrail ARGS` to completion.
pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

/// A child process that is killed (by its own id) when dropped.
pub struct Proc {
    pub child: Child,
    /// The URL it printed.
    pub url: String,
    /// Standard output lines after the one with the URL (read by a thread).
    pub lines: mpsc::Receiver<String>,
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Spawns `cmd` with piped standard output and waits (up to `timeout`) for a line that
/// contains `marker` followed by an `http://` URL; standard error goes to `stderr_file`.
pub fn spawn_until_url(
    mut cmd: Command,
    marker: &str,
    stderr_file: &Path,
    timeout: Duration,
) -> Proc {
    let err = std::fs::File::create(stderr_file).unwrap();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(err))
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = std::time::Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => {
                if let Some(pos) = line.find(marker) {
                    let rest = &line[pos + marker.len()..];
                    if let Some(start) = rest.find("http://") {
                        let url = rest[start..].split_whitespace().next().unwrap().to_owned();
                        return Proc {
                            child,
                            url,
                            lines: rx,
                        };
                    }
                }
            }
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                let err = std::fs::read_to_string(stderr_file).unwrap_or_default();
                panic!("no line with {marker:?} within {timeout:?}; stderr:\n{err}");
            }
        }
    }
}

/// Writes `text` to `dir/name` and returns the path as a string.
pub fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_owned()
}

/// Standard output and error of a finished command, for assertion messages.
pub fn show(o: &Output) -> String {
    format!(
        "status {:?}\n--- stdout\n{}\n--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// `wastetrail demo --listen 127.0.0.1:0 --dir DIR`, serving (stderr in `DIR/../demo.err`).
pub fn spawn_demo(demo_dir: &Path) -> Proc {
    let mut cmd = bin();
    cmd.args(["demo", "--listen", "127.0.0.1:0", "--dir"])
        .arg(demo_dir);
    spawn_until_url(
        cmd,
        "serving at ",
        &demo_dir.with_extension("err"),
        Duration::from_secs(120),
    )
}

//! Real `wastetrail` processes for the end-to-end tests: the binary, processes that are killed
//! when dropped, and waiting for the URL a server prints.
//!
//! **Which binary.** `env!("CARGO_BIN_EXE_wastetrail")` exists only in the integration tests of
//! the package that owns the binary (`crates/cli`), and a dev-dependency on that package gives
//! its library, not its binary. So [`binary`] asks Cargo for it: it runs `cargo build -p
//! wastetrail --bin wastetrail` once per test process (with `--release` when the tests are
//! built without debug assertions), with the Cargo that runs the tests (`$CARGO`), and takes the
//! path from Cargo's JSON messages (`executable` of the `wastetrail` binary artifact) — the
//! same binary `cargo build` makes, up to date with the sources, in the workspace's target
//! directory. Cargo's build lock is free while tests run, so this does not wait on the outer
//! `cargo test`. `WASTETRAIL_BIN=/path/to/wastetrail` skips the build and tests that binary.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Mutex, MutexGuard, OnceLock, mpsc};
use std::time::{Duration, Instant};

/// The environment variable that names a prebuilt `wastetrail` binary to test instead.
pub const BIN_ENV: &str = "WASTETRAIL_BIN";

/// The path of the `wastetrail` binary under test (built on first use; see the module doc).
///
/// # Panics
/// When Cargo cannot build it.
pub fn binary() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(
        || match std::env::var_os(BIN_ENV).filter(|p| !p.is_empty()) {
            Some(p) => PathBuf::from(p),
            None => build_binary(),
        },
    )
}

fn build_binary() -> PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(env!("CARGO_MANIFEST_DIR")).args([
        "build",
        "--package",
        "wastetrail",
        "--bin",
        "wastetrail",
        "--message-format=json-render-diagnostics",
    ]);
    if !cfg!(debug_assertions) {
        cmd.arg("--release");
    }
    let out = cmd.output().expect("cannot run cargo to build wastetrail");
    assert!(
        out.status.success(),
        "cargo build -p wastetrail failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "wastetrail")
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .expect("cargo reported no executable for the wastetrail binary")
}

/// A command for the binary under test.
pub fn bin() -> Command {
    Command::new(binary())
}

/// Runs `wastetrail ARGS` to completion.
pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
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

/// Writes `text` to `dir/name` and returns the path as a string.
pub fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_owned()
}

/// Holds off the other heavy scenarios of the same test binary (several server processes and
/// concurrent clients each) while the guard lives: on a small machine, running them side by side
/// only makes each slower and their time-outs flaky.
pub fn one_heavy_scenario_at_a_time() -> MutexGuard<'static, ()> {
    static HEAVY: Mutex<()> = Mutex::new(());
    HEAVY
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A child process that is killed (by its own id) when dropped.
pub struct Proc {
    /// The process.
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
    let deadline = Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => {
                if let Some(url) = url_after(&line, marker) {
                    return Proc {
                        child,
                        url,
                        lines: rx,
                    };
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

/// The `http://` URL after `marker` in `line`, if any.
fn url_after(line: &str, marker: &str) -> Option<String> {
    let rest = line.get(line.find(marker)? + marker.len()..)?;
    let url = rest
        .get(rest.find("http://")?..)?
        .split_whitespace()
        .next()?;
    Some(url.to_owned())
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

//! Crash test: a child process (this test binary re-executed, role chosen by environment
//! variables) appends in a loop from several tasks and prints every acknowledged index and
//! leaf hash; the parent kills it with SIGKILL at random moments, 20 times per backend, and
//! after each kill checks that every acknowledged entry is there with the same hash, that the
//! stored root is the root recomputed from the stored leaves, that the latest checkpoint
//! verifies, and that appends continue.

// Test helpers outside #[test] functions may unwrap and panic too: a panic is a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader, Write as _};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use rand::Rng as _;
use wastetrail_ledger::checkpoint::Checkpoint;
use wastetrail_ledger::merkle::{self, Hash, leaf_hash};
use wastetrail_ledger::note::NoteSigner;
use wastetrail_store::LedgerStore;

const CHILD_URL: &str = "WASTETRAIL_CRASH_CHILD_URL";
const CHILD_SKEY: &str = "WASTETRAIL_CRASH_CHILD_SKEY";
const CHILD_TAG: &str = "WASTETRAIL_CRASH_CHILD_TAG";
const RUNS: usize = 20;

/// The child role: appends until killed. Only runs when re-executed by a parent.
#[test]
#[ignore = "child role of the crash tests; runs only when re-executed by them"]
fn crash_child() {
    let (Ok(url), Ok(skey), Ok(tag)) = (
        std::env::var(CHILD_URL),
        std::env::var(CHILD_SKEY),
        std::env::var(CHILD_TAG),
    ) else {
        return;
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let signer = NoteSigner::parse(&skey).unwrap();
        let store = std::sync::Arc::new(
            wastetrail_store::open(
                &url,
                signer,
                wastetrail_store::StoreConfig::new(common::ORIGIN),
            )
            .await
            .unwrap(),
        );
        let mut tasks = tokio::task::JoinSet::new();
        for t in 0..8 {
            let store = std::sync::Arc::clone(&store);
            let tag = tag.clone();
            tasks.spawn(async move {
                for i in 0u64.. {
                    let entry = format!("{{\"crash\":\"{tag}\",\"task\":{t},\"n\":{i}}}");
                    let r = store.append(entry.into_bytes()).await.unwrap();
                    let hex: String = r.leaf_hash.iter().map(|b| format!("{b:02x}")).collect();
                    let mut out = std::io::stdout().lock();
                    writeln!(out, "ACK {} {hex}", r.index).unwrap();
                    out.flush().unwrap();
                }
            });
        }
        while tasks.join_next().await.is_some() {}
    });
}

fn parse_hex(s: &str) -> Hash {
    let mut h = [0u8; 32];
    for (i, b) in h.iter_mut().enumerate() {
        *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
    }
    h
}

/// Runs the child once, kills it at a random moment after its first acknowledgement, and
/// returns every complete acknowledgement line it printed.
fn run_and_kill_child(db: &common::TestDb, run: usize) -> Vec<(u64, Hash)> {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            "crash_child",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_URL, &db.url)
        .env(CHILD_SKEY, &db.skey)
        .env(CHILD_TAG, format!("run{run}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut acks = Vec::new();
        let mut r = BufReader::new(stdout);
        let mut line = String::new();
        loop {
            line.clear();
            match r.read_line(&mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            // A line cut by the kill has no newline: not a complete acknowledgement.
            let Some(rest) = line.strip_suffix('\n').and_then(|l| l.strip_prefix("ACK ")) else {
                continue;
            };
            let (idx, hash) = rest.split_once(' ').unwrap();
            acks.push((idx.parse::<u64>().unwrap(), parse_hex(hash)));
            let _ = tx.send(());
        }
        acks
    });
    // Wait for the first acknowledgement, then let it run a random while.
    rx.recv_timeout(Duration::from_secs(30))
        .expect("child acknowledged nothing within 30 s");
    std::thread::sleep(Duration::from_millis(rand::thread_rng().gen_range(0..250)));
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    reader.join().unwrap()
}

async fn crash_and_recover(db: common::TestDb) {
    let started = Instant::now();
    let mut acked: BTreeMap<u64, Hash> = BTreeMap::new();
    for run in 0..RUNS {
        let acks = tokio::task::block_in_place(|| run_and_kill_child(&db, run));
        assert!(!acks.is_empty());
        for (idx, hash) in acks {
            let previous = acked.insert(idx, hash);
            assert!(previous.is_none(), "index {idx} acknowledged twice");
        }
        // Restart and check.
        let store = db.open().await;
        let size = store.tree_size().await.unwrap();
        let stored = store
            .entries(0, u32::try_from(size).unwrap())
            .await
            .unwrap();
        assert_eq!(stored.len() as u64, size);
        let leaves: Vec<Hash> = stored
            .iter()
            .enumerate()
            .map(|(i, e)| {
                assert_eq!(e.index, i as u64);
                assert_eq!(e.leaf_hash, leaf_hash(&e.data));
                e.leaf_hash
            })
            .collect();
        for (idx, hash) in &acked {
            assert_eq!(
                leaves.get(*idx as usize),
                Some(hash),
                "acknowledged entry {idx} lost"
            );
        }
        let latest = store.latest_checkpoint().await.unwrap();
        let cp = Checkpoint::open(latest.note.as_bytes(), &db.verifier()).unwrap();
        assert_eq!((cp.size, cp.root), (size, merkle::root(&leaves)));
        assert_eq!(store.root_at(size).await.unwrap(), cp.root);
        // Appends continue where the log ends.
        let r = store
            .append(format!("after crash {run}").into_bytes())
            .await
            .unwrap();
        assert_eq!(r.index, size);
        acked.insert(r.index, r.leaf_hash);
        store.close().await;
    }
    eprintln!(
        "crash test: {RUNS} kills, {} acknowledged entries, {:?}",
        acked.len(),
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_survives_sigkill() {
    crash_and_recover(common::TestDb::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_survives_sigkill() {
    let Some(db) = common::TestDb::postgres() else {
        return;
    };
    crash_and_recover(db).await;
}

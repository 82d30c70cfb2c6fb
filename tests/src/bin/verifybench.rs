//! `verifybench DIR [ROUNDS]`: the verifier benchmark of docs/performance.md ("Verifier").
//! `DIR` is written by `genmirror`. Each round measures, one after the other in the same run:
//!
//! - **limit**: SHA-256 of every leaf's bytes plus `ed25519_dalek::verify_batch` over every
//!   statement signature (signing input `"wastetrail/statement/v2\n" ‖ JCS(statement)`), on
//!   all cores (rayon, batches of 256). The leaves are read, parsed and their signing inputs
//!   built outside the timed part, 65,536 entries at a time.
//! - **public**: `verify_with` on `DIR/public` (registry disclosed, no case bodies: tree,
//!   signatures, key windows, chains) in a child process, timed inside it, with its peak RSS
//!   (`VmHWM` from `/proc/self/status`).
//! - **full**: the same on `DIR/full` (every body disclosed: the rules replayed).
//!
//! Not a test: run it in release (`cargo run --release -p wastetrail-e2e --bin verifybench --
//! DIR 3`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use ed25519_dalek::{Signature, VerifyingKey};
use rayon::prelude::*;
use serde_json::{Value, json};
use wastetrail_e2e::stream::{Written, mirror_trust, participant_keys};
use wastetrail_ledger::merkle;
use wastetrail_ledger::statement::Leaf;
use wastetrail_ledger::tiles;
use wastetrail_verify::{DirSource, LogSource, Options, verify_with};

/// One round: limit (batch), limit (strict), public and full seconds, their peak RSS in KiB.
type Row = (f64, f64, f64, f64, f64, f64);

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--child") {
        child(Path::new(&args[2]));
        return;
    }
    let Some(dir) = args.get(1).map(PathBuf::from) else {
        eprintln!("usage: verifybench DIR [ROUNDS]");
        std::process::exit(2);
    };
    let rounds: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(3);
    let meta: Written =
        serde_json::from_slice(&std::fs::read(dir.join("meta.json")).unwrap()).unwrap();
    let cores = rayon::current_num_threads();
    println!(
        "{} entries, {} cases ({} open), {cores} threads",
        meta.entries, meta.cases, meta.open_cases
    );
    let mut rows = Vec::new();
    for round in 1..=rounds {
        let (limit, strict) = limit(&dir.join("full"));
        let public = run_child(&dir.join("public"));
        let full = run_child(&dir.join("full"));
        let secs = |v: &Value| v["secs"].as_f64().unwrap();
        let kib = |v: &Value| v["vmhwm_kib"].as_f64().unwrap();
        println!(
            "round {round}: limit {:.2} s (strict {:.2} s) | public {:.2} s ({:.2}x, {:.1} MiB, level {}, {} signatures) | full {:.2} s ({:.2}x, {:.1} MiB, level {}, {} disclosures) | fault {} / {}",
            limit.as_secs_f64(),
            strict.as_secs_f64(),
            secs(&public),
            secs(&public) / limit.as_secs_f64(),
            kib(&public) / 1024.0,
            public["level"],
            public["signatures"],
            secs(&full),
            secs(&full) / limit.as_secs_f64(),
            kib(&full) / 1024.0,
            full["level"],
            full["disclosures"],
            public["fault"],
            full["fault"],
        );
        rows.push((
            limit.as_secs_f64(),
            strict.as_secs_f64(),
            secs(&public),
            secs(&full),
            kib(&public),
            kib(&full),
        ));
    }
    let med = |f: &dyn Fn(&Row) -> f64| {
        let mut v: Vec<f64> = rows.iter().map(f).collect();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let n = meta.entries as f64;
    let (l, ls, p, f) = (med(&|r| r.0), med(&|r| r.1), med(&|r| r.2), med(&|r| r.3));
    let (rp, rf) = (med(&|r| r.2 / r.0), med(&|r| r.3 / r.0));
    let (rps, rfs) = (med(&|r| r.2 / r.1), med(&|r| r.3 / r.1));
    let (mp, mf) = (med(&|r| r.4), med(&|r| r.5));
    println!("median of {rounds} rounds (ratios: median of the per-round ratios):");
    println!(
        "| entries | limit (batch) | limit (strict) | public | public/limit | public/strict | full | full/limit | full/strict | public entries/s | full entries/s | peak RSS public | peak RSS full | full − public per case |"
    );
    println!(
        "| {} | {l:.2} s | {ls:.2} s | {p:.2} s | {rp:.2}× | {rps:.2}× | {f:.2} s | {rf:.2}× | {rfs:.2}× | {:.0} | {:.0} | {:.1} MiB | {:.1} MiB | {:.2} KiB |",
        meta.entries,
        n / p,
        n / f,
        mp / 1024.0,
        mf / 1024.0,
        (mf - mp) / meta.cases.max(1) as f64
    );
}

/// The machine's limit over the leaves of the mirror at `dir` (the timed parts only): with
/// batch verification, and with one strict verification per signature.
fn limit(dir: &Path) -> (Duration, Duration) {
    let keys: HashMap<String, VerifyingKey> = participant_keys()
        .into_iter()
        .map(|k| {
            (
                k.key_id().as_str().to_owned(),
                VerifyingKey::from_bytes(&k.to_bytes()).unwrap(),
            )
        })
        .collect();
    let source = DirSource::new(dir);
    let size = wastetrail_ledger::checkpoint::Checkpoint::open(
        &source.checkpoint().unwrap(),
        &mirror_trust().log_key,
    )
    .unwrap()
    .size;
    let bundles = tiles::entry_bundles_for_size(size);
    let mut timed = (Duration::ZERO, Duration::ZERO);
    for chunk in bundles.chunks(256) {
        // Untimed: read and parse the leaves, build the signing inputs.
        let items: Vec<(Vec<u8>, Vec<u8>, Signature, VerifyingKey)> = chunk
            .par_iter()
            .flat_map_iter(|id| {
                let bytes = source.entry_bundle(*id).unwrap().unwrap();
                let entries: Vec<Vec<u8>> = tiles::parse_entry_bundle(&bytes)
                    .unwrap()
                    .into_iter()
                    .take(usize::from(id.width))
                    .map(<[u8]>::to_vec)
                    .collect();
                entries.into_iter().map(|leaf| {
                    let l = Leaf::parse(&leaf).unwrap();
                    let msg = l.statement.signing_input().unwrap();
                    let key = keys[l.statement.key().as_str()];
                    (leaf, msg, Signature::from_bytes(&l.sig), key)
                })
            })
            .collect();
        let t = Instant::now();
        let ok = items.par_chunks(256).all(|batch| {
            let mut acc = 0u8;
            for (leaf, ..) in batch {
                acc ^= merkle::leaf_hash(leaf)[0];
            }
            std::hint::black_box(acc);
            let msgs: Vec<&[u8]> = batch.iter().map(|b| b.1.as_slice()).collect();
            let sigs: Vec<Signature> = batch.iter().map(|b| b.2).collect();
            let keys: Vec<VerifyingKey> = batch.iter().map(|b| b.3).collect();
            ed25519_dalek::verify_batch(&msgs, &sigs, &keys).is_ok()
        });
        timed.0 += t.elapsed();
        assert!(ok, "a batch did not verify");
        // The same with one strict verification per signature (what the admission path
        // asks for: `verify_strict`), for reference.
        let t = Instant::now();
        let ok = items.par_iter().all(|(leaf, msg, sig, key)| {
            std::hint::black_box(merkle::leaf_hash(leaf));
            key.verify_strict(msg, sig).is_ok()
        });
        timed.1 += t.elapsed();
        assert!(ok, "a signature did not verify");
    }
    timed
}

/// Runs `verifybench --child MIRROR` and returns its JSON line.
fn run_child(mirror: &Path) -> Value {
    let out = Command::new(std::env::current_exe().unwrap())
        .arg("--child")
        .arg(mirror)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The child: verifies the mirror at `dir` as `wastetrail verify DIR` does (without the
/// progress bar) and prints its time and peak RSS.
fn child(dir: &Path) {
    let trust = mirror_trust();
    let facts = wastetrail_basel::Facts::try_builtin().unwrap();
    let source = DirSource::new(dir);
    let t = Instant::now();
    let r = verify_with(&source, &trust, &facts, &Options::default()).unwrap();
    let secs = t.elapsed().as_secs_f64();
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let hwm = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .unwrap_or(0);
    println!(
        "{}",
        json!({"secs": secs, "vmhwm_kib": hwm, "leaves": r.leaves, "signatures": r.signatures,
            "disclosures": r.disclosures, "level": r.level, "findings": r.findings.len(),
            "fault": r.fault.map(|f| f.to_string())})
    );
}

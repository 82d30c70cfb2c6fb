//! The tamper harness: a generated log of 2,000+ entries over 100+ cases with every statement
//! type, held as a tiles mirror, then seeded random mutations, one at a time, each verified:
//! every one must be detected at the right place. Prints the detection rate by kind.
//!
//! `WASTETRAIL_TAMPER_MUTATIONS` (default 1000) and `WASTETRAIL_TAMPER_SEED` change the run.
//! "The right place": the fault names the mutated file, or for a mutation of entries a leaf
//! index in the 256-entry bundle of the first mutated entry (or that bundle's files): the
//! verifier checks a bundle's entries before its tile.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::time::Instant;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use wastetrail_basel::Facts;
use wastetrail_e2e::{GeneratedLog, Mirror, generate, trust};
use wastetrail_ledger::checkpoint::Checkpoint;
use wastetrail_ledger::disclosure::Disclosure;
use wastetrail_ledger::jcs;
use wastetrail_ledger::statement::{Leaf, ParticipantSigner, Statement};
use wastetrail_verify::{Fault, verify};

#[test]
fn a_generated_log_verifies_at_the_full_level() {
    let log = generate(280);
    assert!(log.leaves.len() >= 2000, "{}", log.leaves.len());
    assert!(log.cases.len() >= 100);
    assert_eq!(log.kinds.len(), 24, "{:?}", log.kinds);
    let m = Mirror::of(&log.log, &log.leaves, &log.disclosures);
    let facts = Facts::try_builtin().unwrap();
    let r = verify(&m, &trust(&log), &facts, None).unwrap();
    assert!(r.fault.is_none(), "{:?}", r.fault);
    assert_eq!(r.signatures, log.leaves.len() as u64);
    assert!(
        r.cases
            .values()
            .all(|l| *l == wastetrail_verify::Level::Full)
    );
}

/// One mutated copy: the mirror, an optional checkpoint saved earlier, and where the fault
/// must be found.
struct Case {
    kind: &'static str,
    mirror: Mirror,
    since: Option<Checkpoint>,
    place: Place,
}

enum Place {
    /// The fault names this file.
    File(String),
    /// The fault is in the bundle of this leaf index (an index in it, or one of its files).
    Bundle(u64),
    /// A consistency fault.
    Consistency,
}

fn flip(bytes: &mut [u8], rng: &mut StdRng) {
    let at = rng.gen_range(0..bytes.len());
    bytes[at] ^= 1 << rng.gen_range(0..8);
}

fn resign(
    leaf: &[u8],
    signer: &ParticipantSigner,
    key_override: Option<&ParticipantSigner>,
) -> Vec<u8> {
    let l = Leaf::parse(leaf).unwrap();
    let st = &l.statement;
    let key = key_override.unwrap_or(signer).key_id();
    let s2 = Statement::new(
        st.kind(),
        st.case(),
        st.actor(),
        key,
        st.issued_at(),
        st.prev().copied(),
        *st.commitment(),
    )
    .unwrap();
    Leaf::new(signer.sign(s2).unwrap(), l.integrated_at)
        .to_bytes()
        .unwrap()
}

fn mutate(kind: &'static str, log: &GeneratedLog, base: &Mirror, rng: &mut StdRng) -> Option<Case> {
    let n = log.leaves.len();
    let mut leaves = log.leaves.clone();
    let mut disc = log.disclosures.clone();
    let entries = |leaves: &[Vec<u8>], disc: &[Value], at: usize| Case {
        kind,
        mirror: base.with_entries(leaves, disc),
        since: None,
        place: Place::Bundle(at as u64),
    };
    let file = |rel: String, rng: &mut StdRng| {
        let mut m = base.clone();
        flip(m.files.get_mut(&rel).unwrap(), rng);
        Case {
            kind,
            mirror: m,
            since: None,
            place: Place::File(rel),
        }
    };
    Some(match kind {
        "leaf byte" => {
            let i = rng.gen_range(0..n);
            flip(&mut leaves[i], rng);
            entries(&leaves, &disc, i)
        }
        "hash tile byte" => {
            let mut tiles: Vec<&String> = base
                .files
                .keys()
                .filter(|k| k.starts_with("tile/") && !k.starts_with("tile/entries/"))
                .collect();
            tiles.sort();
            let rel = tiles[rng.gen_range(0..tiles.len())].clone();
            file(rel, rng)
        }
        "checkpoint body" => {
            let mut m = base.clone();
            let cp = m.files.get_mut("checkpoint").unwrap();
            let body_len = cp.windows(2).position(|w| w == b"\n\n").unwrap();
            let at = rng.gen_range(0..body_len);
            cp[at] ^= 1 << rng.gen_range(0..7);
            Case {
                kind,
                mirror: m,
                since: None,
                place: Place::File("checkpoint".into()),
            }
        }
        "checkpoint signature" => {
            let mut m = base.clone();
            let cp = m.files.get_mut("checkpoint").unwrap();
            let start = cp.windows(2).position(|w| w == b"\n\n").unwrap() + 2;
            // A base64 character of the signature line (after "— name ").
            let line = &cp[start..];
            let sig_start = start + line.iter().rposition(|b| *b == b' ').unwrap() + 1;
            let at = rng.gen_range(sig_start..cp.len() - 2);
            cp[at] = if cp[at] == b'A' { b'B' } else { b'A' };
            Case {
                kind,
                mirror: m,
                since: None,
                place: Place::File("checkpoint".into()),
            }
        }
        "entry deleted" => {
            let i = rng.gen_range(0..n);
            leaves.remove(i);
            disc.remove(i);
            entries(&leaves, &disc, i)
        }
        "entry duplicated" => {
            let i = rng.gen_range(0..n);
            leaves.insert(i + 1, leaves[i].clone());
            disc.insert(i + 1, disc[i].clone());
            entries(&leaves, &disc, i)
        }
        "entries reordered" => {
            let i = rng.gen_range(0..n - 1);
            leaves.swap(i, i + 1);
            disc.swap(i, i + 1);
            entries(&leaves, &disc, i)
        }
        "entry inserted" => {
            // A statement by a key nobody registered, claiming to be the exporter.
            let i = rng.gen_range(0..n);
            let forger = ParticipantSigner::from_seed(&[rng.r#gen(); 32]);
            leaves.insert(i, resign(&leaves[i], &forger, None));
            disc.insert(i, disc[i].clone());
            entries(&leaves, &disc, i)
        }
        "signatures swapped" => {
            let i = rng.gen_range(0..n);
            let j = (i + 1 + rng.gen_range(0..n - 1)) % n;
            let (a, b) = (
                Leaf::parse(&leaves[i]).unwrap(),
                Leaf::parse(&leaves[j]).unwrap(),
            );
            let mut a2 = a.clone();
            a2.sig = b.sig;
            let mut b2 = b.clone();
            b2.sig = a.sig;
            leaves[i] = a2.to_bytes().unwrap();
            leaves[j] = b2.to_bytes().unwrap();
            entries(&leaves, &disc, i.min(j))
        }
        "body field changed" => {
            // Another valid value for a field of the body, re-canonicalized.
            let i = rng.gen_range(0..n);
            let mut d = disc[i].clone();
            let body = d["body"].as_object_mut().unwrap();
            let keys: Vec<String> = body.keys().filter(|k| *k != "contact").cloned().collect();
            let k = &keys[rng.gen_range(0..keys.len())];
            let v = body.get_mut(k).unwrap();
            let new = match &*v {
                Value::String(s) => json!(format!("{s} ")),
                Value::Number(x) => json!(x.as_u64().unwrap_or(0) + 1),
                Value::Bool(b) => json!(!*b),
                other => json!([other.clone()]),
            };
            *v = new;
            let parsed = Disclosure::from_value(&d).unwrap();
            disc[i] =
                serde_json::from_slice(&jcs::canonicalize(&parsed.to_value()).unwrap()).unwrap();
            entries(&leaves, &disc, i)
        }
        "re-signed by another participant" => {
            let i = rng.gen_range(0..n);
            let actor = Leaf::parse(&leaves[i])
                .unwrap()
                .statement
                .actor()
                .to_owned();
            let mut others: Vec<&String> = log.keys.keys().filter(|k| **k != actor).collect();
            others.sort();
            let other = &log.keys[others[rng.gen_range(0..others.len())]];
            leaves[i] = resign(&leaves[i], other, None);
            entries(&leaves, &disc, i)
        }
        "re-signed with a revoked key" => {
            let (who, old) = &log.revoked[0];
            let after: Vec<usize> = (0..n)
                .filter(|i| {
                    let l = Leaf::parse(&leaves[*i]).unwrap();
                    l.statement.actor() == who && l.statement.key() == &log.keys[who].key_id()
                })
                .collect();
            let i = after[rng.gen_range(0..after.len())];
            leaves[i] = resign(&leaves[i], old, None);
            entries(&leaves, &disc, i)
        }
        "registry entry dropped" => {
            let regs: Vec<usize> = (0..n)
                .filter(|i| {
                    Leaf::parse(&leaves[*i]).unwrap().statement.case()
                        == wastetrail_basel::REGISTRY_CASE
                })
                .collect();
            let i = regs[rng.gen_range(0..regs.len())];
            leaves.remove(i);
            disc.remove(i);
            entries(&leaves, &disc, i)
        }
        "truncated, older checkpoint as newer" => {
            let k = rng.gen_range(1..n);
            let newer = Checkpoint::open(&base.files["checkpoint"], &log.log.verifier()).unwrap();
            let old = Mirror::of(&log.log, &log.leaves[..k], &log.disclosures[..k]);
            Case {
                kind,
                mirror: old,
                since: Some(newer),
                place: Place::Consistency,
            }
        }
        _ => return None,
    })
}

const KINDS: [&str; 14] = [
    "leaf byte",
    "hash tile byte",
    "checkpoint body",
    "checkpoint signature",
    "entry deleted",
    "entry duplicated",
    "entries reordered",
    "entry inserted",
    "signatures swapped",
    "body field changed",
    "re-signed by another participant",
    "re-signed with a revoked key",
    "registry entry dropped",
    "truncated, older checkpoint as newer",
];

fn at_place(f: &Fault, place: &Place) -> bool {
    match place {
        Place::File(rel) => f.file.as_deref() == Some(rel.as_str()),
        Place::Consistency => f.check == "consistency",
        Place::Bundle(i) => {
            let b = i / 256;
            f.index.is_some_and(|x| x / 256 == b)
                || f.file.as_deref().is_some_and(|p| {
                    let n = format!("{b:03}");
                    p.contains(&format!("/{n}")) || p.ends_with(&n)
                })
        }
    }
}

#[test]
fn every_mutation_is_detected_at_its_place() {
    let count: usize = std::env::var("WASTETRAIL_TAMPER_MUTATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let seed: u64 = std::env::var("WASTETRAIL_TAMPER_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_261_202);
    let log = generate(280);
    let base = Mirror::of(&log.log, &log.leaves, &log.disclosures);
    let facts = Facts::try_builtin().unwrap();
    let t = trust(&log);
    let started = Instant::now();
    let results: Vec<(&'static str, bool, String)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..2)
            .map(|w| {
                let (log, base, facts, t) = (&log, &base, &facts, &t);
                s.spawn(move || {
                    let mut rng = StdRng::seed_from_u64(seed ^ (w as u64) << 32);
                    let mut out = Vec::new();
                    for m in (0..count).filter(|m| m % 2 == w) {
                        let kind = KINDS[m % KINDS.len()];
                        let case = mutate(kind, log, base, &mut rng).unwrap();
                        let r = verify(&case.mirror, t, facts, case.since.as_ref()).unwrap();
                        let (ok, what) = match &r.fault {
                            Some(f) => (at_place(f, &case.place), f.to_string()),
                            None => (false, "not detected".to_owned()),
                        };
                        out.push((case.kind, ok, what));
                    }
                    out
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    let mut by_kind: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut misses = Vec::new();
    for (kind, ok, what) in &results {
        let e = by_kind.entry(kind).or_default();
        e.1 += 1;
        if *ok {
            e.0 += 1;
        } else {
            misses.push(format!("{kind}: {what}"));
        }
    }
    let mut report = format!(
        "tamper harness: {} mutations of a log of {} entries ({} cases), seed {seed}, {:.1} s\n",
        results.len(),
        log.leaves.len(),
        log.cases.len(),
        started.elapsed().as_secs_f64()
    );
    for (kind, (hit, all)) in &by_kind {
        report.push_str(&format!(
            "  {kind:<40} {hit:>4}/{all:<4} {:.1} %\n",
            100.0 * *hit as f64 / *all as f64
        ));
    }
    let hits: usize = by_kind.values().map(|v| v.0).sum();
    report.push_str(&format!(
        "  detected at the right place: {hits}/{} ({:.2} %)\n",
        results.len(),
        100.0 * hits as f64 / results.len() as f64
    ));
    eprint!("{report}");
    // Kept for CI's log (test output is captured): .ci/run prints it.
    let _ = std::fs::write(
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("tamper-report.txt"),
        &report,
    );
    assert!(results.len() >= count);
    assert!(
        misses.is_empty(),
        "{} missed, e.g.:\n{}",
        misses.len(),
        misses
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

//! End-to-end, PostgreSQL: three `wastetrail serve` processes on one fresh database accept
//! filings concurrently and build ONE log: indices gap-free and unique, the root recomputed
//! from all leaves (fetched through the public entry bundles) equals the latest checkpoint's,
//! every receipt's checkpoint is a prefix of that log (no fork), and every case's hash chain
//! (`prev`) is linear, the registry's included.
//!
//! Gated on WASTETRAIL_TEST_PG_URL (e.g. postgres://postgres@127.0.0.1:5432/wastetrail_test);
//! without it the test returns at once and says so (`wastetrail_e2e::pg`).

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use serde_json::{Value, json};
use wastetrail::client::{Client, Receipt};
use wastetrail::filing::{Draft, file_draft};
use wastetrail_basel::REGISTRY_CASE;
use wastetrail_e2e::pg::FreshDatabase;
use wastetrail_e2e::process::*;
use wastetrail_e2e::{registration, typed};
use wastetrail_ledger::checkpoint::Checkpoint;
use wastetrail_ledger::merkle::{self, Hash};
use wastetrail_ledger::statement::{Leaf, ParticipantSigner};

const INSTANCES: usize = 3;
/// New cases filed through each instance.
const CASES_PER_INSTANCE: usize = 12;
/// Carriers registered through each instance (contention on the one registry chain).
const CARRIERS_PER_INSTANCE: usize = 4;

fn today(days: i64) -> String {
    let d = time::OffsetDateTime::now_utc().date() + time::Duration::days(days);
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

fn notification() -> Value {
    json!({
        "kind": "single", "reason": "recovery of metals", "justification": "raw_material_for_recovery",
        "exporter": "exporter-de",
        "generators": [{"participant": "generator-de", "site": "Essen", "process": "dismantling"}],
        "importer": "importer-nl", "disposer": "disposer-nl",
        "facility": {"name": "Metals Recovery BV", "site": "Rotterdam"},
        "export": {"country": "DE", "authority": "ca-de", "customs_office": "customs-de"},
        "import": {"country": "NL", "authority": "ca-nl", "customs_office": "customs-nl"},
        "period": {"first_departure": today(0), "last_departure": today(90)},
        "planned_shipments": 1, "transport": ["road"],
        "waste": {"description": "printed circuit boards", "codes": ["A1181"], "composition": "copper, epoxy", "handling": "keep dry"},
        "packaging": ["palletised"], "quantity": {"total_kg": 10000}, "operation": "R4",
        "esm_assessment": "certified facility", "contract": {"reference": "C-1", "concluded_on": today(0)},
        "declaration_correct": true
    })
}

struct Actor {
    id: String,
    kind: &'static str,
    country: &'static str,
    signer: ParticipantSigner,
}

impl Actor {
    fn new(id: &str, kind: &'static str, country: &'static str) -> Actor {
        Actor {
            id: id.into(),
            kind,
            country,
            signer: ParticipantSigner::generate(),
        }
    }
    /// The registration of this actor, filed by `by`.
    fn registered_by(&self, by: &str) -> Draft {
        let body = registration(&self.id, self.kind, self.country, &self.signer.public_key());
        Draft::new("participant.registered", REGISTRY_CASE, by, typed(&body))
    }
}

async fn logged_in(base: &Client, a: &Actor) -> Client {
    let mut c = base.anonymous();
    c.login(&a.id, &a.signer).await.unwrap();
    c
}

/// What the scenario produced.
struct Outcome {
    receipts: Vec<Receipt>,
    leaves: Vec<Vec<u8>>,
    hashes: Vec<Hash>,
    latest: Checkpoint,
    /// The latest checkpoint of each instance, read after the filings.
    per_instance: Vec<Checkpoint>,
    verifier: wastetrail_ledger::note::NoteVerifier,
}

/// Starts three instances on a fresh database, files through all of them at once and reads
/// the log back; `None` when WASTETRAIL_TEST_PG_URL is not set.
fn scenario() -> Option<Outcome> {
    // Dropped last (after the server processes): the database outlives them.
    let db = FreshDatabase::create("the multi-instance test")?;
    let _heavy = one_heavy_scenario_at_a_time();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let registrar = Actor::new("registrar", "registrar", "ZZ");
    // Reads the whole log at the end (entry bundles are for auditors only).
    let auditor = Actor::new("auditor", "auditor", "DE");

    // One data directory (the shared log key) for all three; the first creates the key.
    let spawn = |i: usize| {
        let mut cmd = bin();
        cmd.args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(dir.path().join("data"))
            .args(["--database-url", db.url()])
            .env(
                "WASTETRAIL_REGISTRAR_PUBLIC_KEY",
                registrar.signer.public_key().to_base64(),
            )
            .env("WASTETRAIL_ORIGIN", "multi.wastetrail.example/log")
            .env("WASTETRAIL_RATE_LIMIT_PER_MINUTE", "600000")
            .env("WASTETRAIL_RATE_LIMIT_BURST", "100000")
            .env("WASTETRAIL_WORKERS", "2");
        spawn_until_url(
            cmd,
            "listening on ",
            &dir.path().join(format!("serve{i}.err")),
            Duration::from_secs(60),
        )
    };
    let mut procs = vec![spawn(0)];
    for i in 1..INSTANCES {
        procs.push(spawn(i));
    }
    let urls: Vec<String> = procs.iter().map(|p| p.url.clone()).collect();

    let outcome = rt.block_on(async move {
        let mut bases = Vec::new();
        for u in &urls {
            bases.push(Client::connect(u, None).await.unwrap());
        }
        let vkey = bases[0].log_key().to_vkey();
        for b in &bases {
            assert_eq!(
                b.log_key().to_vkey(),
                vkey,
                "all instances sign with the one log key"
            );
        }
        let mut receipts: Vec<Receipt> = Vec::new();

        // The registry, through instance 0.
        let ca_de = Actor::new("ca-de", "competent_authority", "DE");
        let ca_nl = Actor::new("ca-nl", "competent_authority", "NL");
        let de = ["exporter-de", "generator-de", "customs-de"];
        let de_kinds = ["exporter", "generator", "customs_office"];
        let nl = ["importer-nl", "disposer-nl", "customs-nl"];
        let nl_kinds = ["importer", "disposer", "customs_office"];
        let r = logged_in(&bases[0], &registrar).await;
        for a in [&ca_de, &ca_nl, &auditor] {
            receipts.push(
                file_draft(
                    &r,
                    "registrar",
                    &registrar.signer,
                    &a.registered_by("registrar"),
                )
                .await
                .unwrap(),
            );
        }
        let c_de = logged_in(&bases[0], &ca_de).await;
        let c_nl = logged_in(&bases[0], &ca_nl).await;
        let mut others = Vec::new();
        for (id, kind) in de.iter().zip(de_kinds) {
            let a = Actor::new(id, kind, "DE");
            receipts.push(
                file_draft(&c_de, "ca-de", &ca_de.signer, &a.registered_by("ca-de"))
                    .await
                    .unwrap(),
            );
            others.push(a);
        }
        for (id, kind) in nl.iter().zip(nl_kinds) {
            let a = Actor::new(id, kind, "NL");
            receipts.push(
                file_draft(&c_nl, "ca-nl", &ca_nl.signer, &a.registered_by("ca-nl"))
                    .await
                    .unwrap(),
            );
            others.push(a);
        }
        let exporter = others.into_iter().find(|a| a.id == "exporter-de").unwrap();

        // Concurrently through all three instances: new cases by the exporter, and carrier
        // registrations by ca-de (every one of them extends the same registry chain).
        let mut tasks = Vec::new();
        for (i, base) in bases.iter().enumerate() {
            let exp = logged_in(base, &exporter).await;
            let ca = logged_in(base, &ca_de).await;
            for k in 0..CASES_PER_INSTANCE {
                let exp = exp.clone();
                let signer = exporter.signer.clone();
                tasks.push(tokio::spawn(async move {
                    let case = format!("DE-2026-{i}M{k:03}");
                    file_draft(
                        &exp,
                        "exporter-de",
                        &signer,
                        &Draft::new(
                            "notification.submitted",
                            &case,
                            "exporter-de",
                            notification(),
                        ),
                    )
                    .await
                }));
            }
            for k in 0..CARRIERS_PER_INSTANCE {
                let ca = ca.clone();
                let signer = ca_de.signer.clone();
                tasks.push(tokio::spawn(async move {
                    let a = Actor::new(&format!("carrier-{i}-{k}"), "carrier", "DE");
                    file_draft(&ca, "ca-de", &signer, &a.registered_by("ca-de")).await
                }));
            }
        }
        let mut failures = Vec::new();
        for t in tasks {
            match t.await.unwrap() {
                Ok(r) => receipts.push(r),
                Err(e) => failures.push(e.to_string()),
            }
        }
        // Contention may legitimately exhaust the retries of a registry filing (503
        // contention / 409 after 4 attempts); anything else is a failure.
        for f in &failures {
            assert!(
                f.contains("stale_prev") || f.contains("contention"),
                "filing failed: {f}"
            );
        }
        assert!(
            failures.len() <= INSTANCES * CARRIERS_PER_INSTANCE,
            "{failures:#?}"
        );
        assert_eq!(
            receipts.len() + failures.len(),
            9 + INSTANCES * (CASES_PER_INSTANCE + CARRIERS_PER_INSTANCE)
        );

        // The log, through instance 2's entry bundles (as the auditor); Client::leaves checks
        // the root recomputed from them against the latest signed checkpoint.
        let (_, latest) = bases[2].checkpoint().await.unwrap();
        let leaves = logged_in(&bases[2], &auditor)
            .await
            .leaves(&latest)
            .await
            .unwrap();
        let hashes: Vec<Hash> = leaves.iter().map(|l| merkle::leaf_hash(l)).collect();
        let mut per_instance = Vec::new();
        for b in &bases {
            per_instance.push(b.checkpoint().await.unwrap().1);
        }
        Outcome {
            receipts,
            leaves,
            hashes,
            latest,
            per_instance,
            verifier: bases[0].log_key().clone(),
        }
    });
    drop(procs);
    Some(outcome)
}

#[test]
fn three_instances_on_one_postgres_build_one_log() {
    let Some(o) = scenario() else { return };
    let size = o.latest.size;
    assert_eq!(
        size,
        o.receipts.len() as u64,
        "the log holds exactly the accepted filings"
    );
    assert_eq!(o.leaves.len() as u64, size);
    assert_eq!(merkle::root(&o.hashes), o.latest.root);

    // Indices: unique and gap-free (0..size), each with the leaf the receipt named.
    let mut seen = BTreeMap::new();
    for r in &o.receipts {
        assert!(
            seen.insert(r.index, r.leaf_hash.clone()).is_none(),
            "index {} twice",
            r.index
        );
        assert_eq!(
            hex::encode(o.hashes[r.index as usize]),
            r.leaf_hash,
            "leaf at {}",
            r.index
        );
    }
    assert_eq!(
        seen.keys().copied().collect::<Vec<_>>(),
        (0..size).collect::<Vec<_>>()
    );
    // No two leaves are the same statement.
    let mut distinct: Vec<&Hash> = o.hashes.iter().collect();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len() as u64, size);

    // No fork: every receipt's checkpoint, and every instance's latest one, is signed by the
    // log key and is the root of a prefix of this log.
    for r in &o.receipts {
        let c = Checkpoint::open(r.checkpoint.as_bytes(), &o.verifier).unwrap();
        assert!(c.size <= size);
        assert_eq!(
            merkle::root(&o.hashes[..c.size as usize]),
            c.root,
            "checkpoint of size {}",
            c.size
        );
    }
    for c in &o.per_instance {
        assert_eq!(merkle::root(&o.hashes[..c.size as usize]), c.root);
    }
}

#[test]
fn three_instances_keep_every_case_chain_linear() {
    let Some(o) = scenario() else { return };
    // Every case's hash chain is linear: each entry's prev is the case's previous entry.
    let mut heads: HashMap<String, Option<Hash>> = HashMap::new();
    for (i, l) in o.leaves.iter().enumerate() {
        let leaf = Leaf::parse(l).unwrap();
        let case = leaf.statement.case().to_owned();
        let head = heads.get(&case).copied().flatten();
        assert_eq!(
            leaf.statement.prev().copied(),
            head,
            "entry {i} of case {case} forks its chain"
        );
        heads.insert(case, Some(o.hashes[i]));
    }
    assert_eq!(heads.len(), 1 + INSTANCES * CASES_PER_INSTANCE);
}

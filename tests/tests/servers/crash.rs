//! The crash harness at server level: `wastetrail serve` is killed with SIGKILL at random
//! moments while clients file concurrently, then restarted. After each cycle every receipt a
//! client was given is in the log (same index and leaf hash), and filing goes on; at the end
//! `wastetrail mirror` + `verify` find the log sound. 10 cycles per backend
//! (`WASTETRAIL_CRASH_CYCLES` for more); PostgreSQL when `WASTETRAIL_TEST_PG_URL` is set.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::{Rng, SeedableRng};
use wastetrail::client::Client;
use wastetrail::filing::{Draft, file_draft};
use wastetrail_basel::REGISTRY_CASE;
use wastetrail_e2e::pg::FreshDatabase;
use wastetrail_e2e::process::*;
use wastetrail_e2e::typed;
use wastetrail_ledger::statement::ParticipantSigner;

const CLIENTS: usize = 4;

/// The registrar registers `id`, a participant of `kind` in DE with `key`.
fn registration(id: &str, kind: &str, key: &ParticipantSigner) -> Draft {
    let body = wastetrail_e2e::registration(id, kind, "DE", &key.public_key());
    Draft::new(
        "participant.registered",
        REGISTRY_CASE,
        "registrar",
        typed(&body),
    )
}

/// Every receipt acknowledged so far is in the log at its index.
async fn all_in_the_log(base: &Client, acknowledged: &Mutex<Vec<(u64, String)>>, cycle: usize) {
    let receipts = acknowledged.lock().unwrap().clone();
    for (index, leaf_hash) in receipts {
        let p = base
            .get_json(&format!("/api/v1/proof/inclusion?leaf_hash={leaf_hash}"))
            .await
            .unwrap_or_else(|e| panic!("cycle {cycle}: receipt {index} lost: {e}"));
        assert_eq!(p["index"].as_u64(), Some(index), "cycle {cycle}");
    }
}

fn scenario(database_url: Option<&str>) {
    let _heavy = one_heavy_scenario_at_a_time();
    let cycles: usize = std::env::var("WASTETRAIL_CRASH_CYCLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let dir = tempfile::tempdir().unwrap();
    let registrar = ParticipantSigner::generate();
    let auditor = ParticipantSigner::generate();
    let spawn = |cycle: usize| {
        let mut cmd = bin();
        cmd.args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(dir.path().join("data"))
            .env(
                "WASTETRAIL_REGISTRAR_PUBLIC_KEY",
                registrar.public_key().to_base64(),
            )
            .env("WASTETRAIL_ORIGIN", "crash.wastetrail.example/log")
            .env("WASTETRAIL_RATE_LIMIT_PER_MINUTE", "600000")
            .env("WASTETRAIL_RATE_LIMIT_BURST", "100000")
            .env("WASTETRAIL_CHALLENGE_RATE_PER_MINUTE", "600000")
            .env("WASTETRAIL_CHALLENGE_RATE_BURST", "100000");
        if let Some(db) = database_url {
            cmd.args(["--database-url", db]);
        }
        spawn_until_url(
            cmd,
            "listening on ",
            &dir.path().join(format!("serve{cycle}.err")),
            Duration::from_secs(60),
        )
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(20_261_202);
    let acknowledged: Arc<Mutex<Vec<(u64, String)>>> = Arc::default();
    let mut vkey: Option<String> = None;
    for cycle in 0..cycles {
        let mut proc = spawn(cycle);
        let url = proc.url.clone();
        rt.block_on(async {
            let base = Client::connect(&url, vkey.as_deref()).await.unwrap();
            vkey.get_or_insert_with(|| base.log_key().to_vkey());
            // Every receipt acknowledged before any crash is still in the log, at its index.
            all_in_the_log(&base, &acknowledged, cycle).await;
            let mut reg = base.anonymous();
            reg.login("registrar", &registrar).await.unwrap();
            if cycle == 0 {
                let draft = registration("auditor", "auditor", &auditor);
                let r = file_draft(&reg, "registrar", &registrar, &draft)
                    .await
                    .unwrap();
                acknowledged.lock().unwrap().push((r.index, r.leaf_hash));
            }
            // Concurrent filers, killed in the middle of their work.
            let mut tasks = Vec::new();
            for c in 0..CLIENTS {
                let (reg, registrar, acknowledged) =
                    (reg.clone(), registrar.clone(), Arc::clone(&acknowledged));
                tasks.push(tokio::spawn(async move {
                    for n in 0.. {
                        let id = format!("ca-{cycle}-{c}-{n}");
                        let key = ParticipantSigner::generate();
                        let draft = registration(&id, "competent_authority", &key);
                        match file_draft(&reg, "registrar", &registrar, &draft).await {
                            Ok(r) => acknowledged.lock().unwrap().push((r.index, r.leaf_hash)),
                            Err(_) => break, // the server is gone
                        }
                    }
                }));
            }
            tokio::time::sleep(Duration::from_millis(rng.gen_range(150..900))).await;
            // SIGKILL, mid-flight.
            proc.child.kill().unwrap();
            let _ = proc.child.wait();
            for t in tasks {
                let _ = t.await;
            }
        });
        drop(proc);
    }
    // After the last crash: restart, everything acknowledged is there, filing continues,
    // and the auditor's mirror verifies.
    let proc = spawn(cycles);
    let n = acknowledged.lock().unwrap().len();
    assert!(n > cycles, "only {n} receipts in {cycles} cycles");
    let vkey = vkey.unwrap();
    let mirror = dir.path().join("mirror");
    let report = rt.block_on(async {
        let base = Client::connect(&proc.url, Some(&vkey)).await.unwrap();
        all_in_the_log(&base, &acknowledged, cycles).await;
        let mut reg = base.anonymous();
        reg.login("registrar", &registrar).await.unwrap();
        let key = ParticipantSigner::generate();
        let draft = registration("ca-after", "competent_authority", &key);
        file_draft(&reg, "registrar", &registrar, &draft)
            .await
            .unwrap();
        let mut aud = base.anonymous();
        aud.login("auditor", &auditor).await.unwrap();
        wastetrail::audit::mirror(&aud, &mirror).await.unwrap();
        let trust = wastetrail::audit::trust(&wastetrail::audit::TrustArgs {
            log_key: &vkey,
            registrar_key: Some(&registrar.public_key().to_base64()),
            registrar_id: "registrar",
            registrar_country: "ZZ",
            witnesses: &[],
            quorum: None,
        })
        .unwrap();
        wastetrail::audit::verify_dir(&mirror, &trust, None).unwrap()
    });
    assert!(report.fault.is_none(), "{:?}", report.fault);
    assert_eq!(report.leaves, report.size);
    assert_eq!(report.signatures, report.size);
    eprintln!(
        "crash harness ({}): {cycles} SIGKILLs, {n} acknowledged receipts all in the log, {} entries verified",
        if database_url.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        report.size
    );
}

#[test]
fn sigkill_under_load_loses_no_acknowledged_filing_sqlite() {
    scenario(None);
}

#[test]
fn sigkill_under_load_loses_no_acknowledged_filing_postgres() {
    let Some(db) = FreshDatabase::create("the crash harness") else {
        return;
    };
    scenario(Some(db.url()));
}

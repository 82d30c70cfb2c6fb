//! End-to-end: `wastetrail demo` on SQLite creates its participants' keys, files its cases
//! through the real API and serves them; the cases exist, the checkpoint verifies with the
//! published log key (the one in the demo's data directory), and `export` produces bundles
//! whose proofs verify.

use serde_json::Value;
use wastetrail::client::Client;
use wastetrail::keys::read_signer;
use wastetrail_basel::REGISTRY_CASE;
use wastetrail_e2e::process::*;
use wastetrail_ledger::checkpoint::Checkpoint;
use wastetrail_ledger::disclosure::Disclosure;
use wastetrail_ledger::jcs;
use wastetrail_ledger::merkle::{self, Hash};
use wastetrail_ledger::note::NoteSigner;

/// `wastetrail demo --no-serve` on `dir`, to completion.
fn demo_without_serving(dir: &std::path::Path) -> std::process::Output {
    run(&[
        "demo",
        "--no-serve",
        "--listen",
        "127.0.0.1:0",
        "--dir",
        dir.to_str().unwrap(),
    ])
}

fn hash(v: &Value) -> Hash {
    merkle::hash_from_hex(v.as_str().unwrap()).unwrap()
}

#[test]
fn demo_files_its_cases_and_serves_a_verifiable_log() {
    let dir = tempfile::tempdir().unwrap();
    let demo_dir = dir.path().join("demo");
    let proc = spawn_demo(&demo_dir);
    let url = proc.url.clone();

    // Every participant has a private PEM key; the registrar's public key is in the config.
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(demo_dir.join("demo.json")).unwrap())
            .unwrap();
    let participants = manifest["participants"].as_array().unwrap();
    assert!(participants.len() >= 12, "{manifest:#}");
    for p in participants {
        let key = read_signer(&demo_dir.join(p["key_file"].as_str().unwrap())).unwrap();
        assert_eq!(key.key_id().to_string(), p["key_id"].as_str().unwrap());
    }
    let config = std::fs::read_to_string(demo_dir.join("wastetrail.toml")).unwrap();
    let registrar = read_signer(&demo_dir.join("keys/registrar.pem")).unwrap();
    assert!(
        config.contains(&registrar.public_key().to_base64()),
        "{config}"
    );

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        // The published log key is the key in the data directory, and the checkpoint verifies.
        let log_key = std::fs::read_to_string(demo_dir.join("data/log.key")).unwrap();
        let vkey = NoteSigner::parse(log_key.trim())
            .unwrap()
            .verifier()
            .to_vkey();
        let mut client = Client::connect(&url, Some(&vkey)).await.unwrap();
        let (note, cp) = client.checkpoint().await.unwrap();
        let cp2 = Checkpoint::open(
            note.as_bytes(),
            &NoteSigner::parse(log_key.trim()).unwrap().verifier(),
        )
        .unwrap();
        assert_eq!(cp, cp2);
        assert_eq!(cp.origin, "demo.wastetrail.example/log");
        // Leaves are not public (docs/privacy.md): the entry bundles need an auditor.
        let anonymous = client.leaves(&cp).await.unwrap_err();
        assert_eq!(
            anonymous.problem().map(|p| p.status),
            Some(401),
            "{anonymous}"
        );
        client
            .login(
                "auditor",
                &read_signer(&demo_dir.join("keys/auditor.pem")).unwrap(),
            )
            .await
            .unwrap();
        let leaves = client.leaves(&cp).await.unwrap();
        let registrations = participants.len() as u64 - 1;
        let filed: u64 = manifest["cases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["statements"].as_u64().unwrap())
            .sum();
        assert_eq!(cp.size, registrations + filed);
        assert_eq!(leaves.len() as u64, cp.size);

        // The auditor sees the three cases in the states the demo describes.
        let cases = client.get_json("/api/v1/cases").await.unwrap();
        let mut by_id = std::collections::BTreeMap::new();
        for c in cases.as_array().unwrap() {
            by_id.insert(c["id"].as_str().unwrap().to_owned(), c.clone());
        }
        let wanted = manifest["cases"].as_array().unwrap();
        assert_eq!(wanted.len(), 3);
        for w in wanted {
            let id = w["case"].as_str().unwrap();
            let c = by_id
                .get(id)
                .unwrap_or_else(|| panic!("case {id} missing: {cases:#}"));
            assert_eq!(c["statements"], w["statements"], "{c:#}");
        }
        let statuses: Vec<&str> = wanted
            .iter()
            .map(|w| {
                by_id[w["case"].as_str().unwrap()]["status"]
                    .as_str()
                    .unwrap()
            })
            .collect();
        assert_eq!(statuses[0], "completed");
        // The completed case is lawful by the project's own rules: the weighing difference
        // at receipt is within the demo's tolerance, noted, and nothing is due.
        let case1_detail = client
            .get_json(&format!(
                "/api/v1/cases/{}",
                wanted[0]["case"].as_str().unwrap()
            ))
            .await
            .unwrap();
        let obligations = case1_detail["obligations"].as_array().unwrap();
        assert!(obligations.is_empty(), "{obligations:#?}");
        let shipment = &case1_detail["case"]["shipments"]["1"];
        assert!(
            shipment["weighing_difference"]
                .as_str()
                .is_some_and(|n| n.contains("within the weighing tolerance")),
            "{shipment:#}"
        );
        assert_eq!(shipment["irregularities"], serde_json::json!([]));
        assert_ne!(statuses[1], "completed");
        assert_ne!(statuses[2], "completed");

        // Export of case 1 over HTTP: every entry's proof verifies against the checkpoint.
        let case1 = wanted[0]["case"].as_str().unwrap().to_owned();
        let out = dir.path().join("case1.json");
        let o = run(&[
            "export",
            "--server",
            &url,
            "--log-key",
            &vkey,
            "--case",
            &case1,
            "--key",
            demo_dir.join("keys/auditor.pem").to_str().unwrap(),
            "--participant",
            "auditor",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", show(&o));
        let b: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        assert_eq!(b["format"], "wastetrail-export/1");
        assert_eq!(
            b["registrar"]["public_key"],
            registrar.public_key().to_base64()
        );
        let bcp = Checkpoint::open(
            b["checkpoint"].as_str().unwrap().as_bytes(),
            &wastetrail_ledger::note::NoteVerifier::parse(b["log_key"].as_str().unwrap()).unwrap(),
        )
        .unwrap();
        let entries = b["entries"].as_array().unwrap();
        assert_eq!(
            entries.len() as u64,
            registrations + wanted[0]["statements"].as_u64().unwrap()
        );
        for e in entries {
            let bytes = jcs::canonicalize(&e["leaf"]).unwrap();
            let lh = merkle::leaf_hash(&bytes);
            assert_eq!(lh, hash(&e["leaf_hash"]));
            let proof: Vec<Hash> = e["proof"].as_array().unwrap().iter().map(hash).collect();
            merkle::verify_inclusion(
                &lh,
                e["index"].as_u64().unwrap(),
                bcp.size,
                &proof,
                &bcp.root,
            )
            .unwrap();
            let case = e["leaf"]["statement"]["case"].as_str().unwrap();
            assert!(case == REGISTRY_CASE || case == case1, "{case}");
            // Each entry carries its disclosure, which matches the signed commitment.
            let d = Disclosure::from_value(&e["disclosure"]).unwrap();
            d.check(&hash(&e["leaf"]["statement"]["commitment"]))
                .unwrap();
        }
    });
    drop(proc);

    // Run again on the same directory: nothing new is filed, the deployment is served again.
    let o = demo_without_serving(&demo_dir);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("existing demo deployment"),
        "{}",
        show(&o)
    );
}

#[test]
fn a_failed_first_run_leaves_nothing_behind_and_the_next_run_starts_clean() {
    let dir = tempfile::tempdir().unwrap();
    let demo_dir = dir.path().join("demo");
    // The port is taken: the first run fails and removes what it created.
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = busy.local_addr().unwrap().to_string();
    let o = run(&[
        "demo",
        "--no-serve",
        "--listen",
        &addr,
        "--dir",
        demo_dir.to_str().unwrap(),
    ]);
    assert_ne!(o.status.code(), Some(0), "{}", show(&o));
    for leftover in ["wastetrail.toml", "facts.json", "keys", "data", "demo.json"] {
        assert!(!demo_dir.join(leftover).exists(), "{leftover} left behind");
    }
    drop(busy);
    // A run killed half-way leaves a deployment without its manifest: the next run discards
    // it and files the demo anew instead of serving an empty log.
    std::fs::create_dir_all(demo_dir.join("keys")).unwrap();
    std::fs::write(
        demo_dir.join("wastetrail.toml"),
        "# wastetrail demo deployment (written by `wastetrail demo`).\nlisten = \"127.0.0.1:1\"\n",
    )
    .unwrap();
    let o = demo_without_serving(&demo_dir);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("unfinished demo deployment"), "{out}");
    assert!(out.contains("case DE-"), "{out}");
    assert!(demo_dir.join("demo.json").exists());
    // A directory whose configuration is not a demo's is never touched.
    let other = dir.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("wastetrail.toml"), "listen = \"x\"\n").unwrap();
    let o = run(&["demo", "--no-serve", "--dir", other.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    assert!(other.join("wastetrail.toml").exists());
}

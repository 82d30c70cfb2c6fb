//! Public read paths: checkpoint, log info, tiles, proofs, movement check, health, metrics,
//! problem answers for bad input.

use reqwest::StatusCode;
use serde_json::{Value, json};
use wastetrail_ledger::checkpoint::Checkpoint;
use wastetrail_ledger::merkle;

use wastetrail_basel::REGISTRY_CASE;

use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checkpoint_log_info_tiles_and_proofs() {
    for backend in backends() {
        let mut app = TestApp::spawn(&backend).await;
        // An empty log has a signed size-0 checkpoint.
        let r = app.get("/checkpoint").await;
        assert_eq!(r.status(), StatusCode::OK);
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/plain")
        );
        let cp = Checkpoint::open(r.text().await.unwrap().as_bytes(), &app.log_key).unwrap();
        assert_eq!((cp.origin.as_str(), cp.size), (ORIGIN, 0));

        let c = Cast::new();
        app.register(&c.all()).await;
        let m = app
            .ok(
                &c.exporter,
                "notification.submitted",
                "DE-2026-1",
                c.notification(),
            )
            .await;
        let info: Value = app.get("/api/v1/log").await.json().await.unwrap();
        let size = info["size"].as_u64().unwrap();
        assert_eq!(info["origin"], ORIGIN);
        assert_eq!(size, 16);
        let cp = Checkpoint::open(
            app.get("/checkpoint")
                .await
                .text()
                .await
                .unwrap()
                .as_bytes(),
            &app.log_key,
        )
        .unwrap();
        assert_eq!(info["root"], hex::encode(cp.root));
        assert_eq!(cp.size, size);

        // The partial level-0 tile holds every leaf hash; its root is the checkpoint's.
        let r = app.get(&format!("/tile/0/000.p/{size}")).await;
        assert_eq!(r.status(), StatusCode::OK);
        let bytes = r.bytes().await.unwrap();
        assert_eq!(bytes.len() as u64, 32 * size);
        let leaves: Vec<merkle::Hash> = bytes.chunks(32).map(|c| c.try_into().unwrap()).collect();
        assert_eq!(merkle::root(&leaves), cp.root);
        assert_eq!(hex::encode(leaves[15]), m["leaf_hash"].as_str().unwrap());
        // Entry bundles are not public: 401 without a session, 403 for a party, 200 for an
        // auditor, whose bundle holds exactly the leaves the hash tile names.
        let path = format!("/tile/entries/000.p/{size}");
        assert_eq!(app.get(&path).await.status(), StatusCode::UNAUTHORIZED);
        app.login(&c.exporter).await;
        app.login(&c.auditor).await;
        let r = app.get_as(&c.exporter.id, &path).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let r = app.get_as(&c.auditor.id, &path).await;
        assert_eq!(r.status(), StatusCode::OK);
        let bundle = r.bytes().await.unwrap();
        let leaf_bytes = wastetrail_ledger::tiles::parse_entry_bundle(&bundle).unwrap();
        let again: Vec<merkle::Hash> = leaf_bytes.iter().map(|l| merkle::leaf_hash(l)).collect();
        assert_eq!(again, leaves);
        // A tile beyond the tree.
        let r = app.get("/tile/0/001").await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        assert_eq!(r.headers()["content-type"], "application/problem+json");

        // Inclusion by leaf hash and by index.
        for q in [
            format!("leaf_hash={}", m["leaf_hash"].as_str().unwrap()),
            "index=15".to_owned(),
        ] {
            let p: Value = app
                .get(&format!("/api/v1/proof/inclusion?{q}&size={size}"))
                .await
                .json()
                .await
                .unwrap();
            assert_eq!(p["index"], 15);
            assert_eq!(p["size"], size);
            assert_eq!(p["leaf_hash"], m["leaf_hash"]);
            let proof: Vec<merkle::Hash> = p["proof"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| merkle::hash_from_hex(h.as_str().unwrap()).unwrap())
                .collect();
            merkle::verify_inclusion(&leaves[15], 15, size, &proof, &cp.root).unwrap();
        }
        // Consistency.
        let p: Value = app
            .get(&format!("/api/v1/proof/consistency?from=5&to={size}"))
            .await
            .json()
            .await
            .unwrap();
        let proof = hashes(&p["proof"]);
        merkle::verify_consistency(5, size, &proof, &merkle::root(&leaves[..5]), &cp.root).unwrap();

        // Bad queries are problems, not crashes.
        for (q, status, want) in [
            (
                "/api/v1/proof/inclusion?leaf_hash=zz",
                StatusCode::BAD_REQUEST,
                "invalid_parameter",
            ),
            (
                "/api/v1/proof/inclusion?index=1&leaf_hash=00",
                StatusCode::BAD_REQUEST,
                "invalid_parameter",
            ),
            (
                "/api/v1/proof/inclusion?index=99",
                StatusCode::BAD_REQUEST,
                "invalid_range",
            ),
            (
                "/api/v1/proof/inclusion?index=1&size=9999",
                StatusCode::BAD_REQUEST,
                "invalid_range",
            ),
            (
                "/api/v1/proof/inclusion?leaf_hash=0000000000000000000000000000000000000000000000000000000000000000",
                StatusCode::NOT_FOUND,
                "not_found",
            ),
            (
                "/api/v1/proof/consistency?from=9&to=3",
                StatusCode::BAD_REQUEST,
                "invalid_range",
            ),
            (
                "/api/v1/proof/consistency?from=1&to=99999",
                StatusCode::BAD_REQUEST,
                "invalid_range",
            ),
            (
                "/api/v1/proof/consistency?from=x&to=3",
                StatusCode::BAD_REQUEST,
                "invalid_parameter",
            ),
            (
                "/api/v1/movements/1234",
                StatusCode::BAD_REQUEST,
                "invalid_parameter",
            ),
            ("/no/such/thing", StatusCode::NOT_FOUND, "not_found"),
        ] {
            let r = app.get(q).await;
            assert_eq!(r.status(), status, "{q}");
            assert_eq!(
                r.headers()["content-type"],
                "application/problem+json",
                "{q}"
            );
            let v: Value = r.json().await.unwrap();
            assert_eq!(code(&v), want, "{q}: {v}");
        }
        // A notification is in the log but is not a movement document.
        let r = app
            .get(&format!(
                "/api/v1/movements/{}",
                m["leaf_hash"].as_str().unwrap()
            ))
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        assert_eq!(code(&r.json().await.unwrap()), "not_a_movement");
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_and_metrics() {
    for backend in backends() {
        let mut app = TestApp::spawn(&backend).await;
        let h: Value = app.get("/healthz").await.json().await.unwrap();
        assert_eq!(h, json!({"status": "ok", "size": 0}));
        let reg = app.registrar.clone();
        app.login(&reg).await;
        app.ok(
            &reg,
            "participant.registered",
            REGISTRY_CASE,
            Actor::new("ca-de", "competent_authority", "DE").registration(),
        )
        .await;
        let r = app.get("/metrics").await;
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/plain")
        );
        let m = r.text().await.unwrap();
        assert!(m.contains("wastetrail_filings_accepted_total 1\n"), "{m}");
        assert!(m.contains("wastetrail_append_seconds_count 1\n"), "{m}");
        assert!(m.contains("wastetrail_tree_size 1\n"), "{m}");
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn view_survives_a_restart() {
    // The server's view is replayed from the log: a new process over the same data directory
    // continues the chains.
    let dir = tempfile::tempdir().unwrap();
    let registrar = Actor::new("registrar", "registrar", "ZZ");
    let config = |dir: &std::path::Path| {
        let mut c = wastetrail_server::Config::for_data_dir(dir);
        c.listen = "127.0.0.1:0".into();
        c.origin = ORIGIN.into();
        c.registrar_public_key = Some(registrar.signer.public_key().to_base64());
        c
    };
    let ca = Actor::new("ca-de", "competent_authority", "DE");
    let head;
    {
        let app = wastetrail_server::Application::build(config(dir.path()))
            .await
            .unwrap();
        let port = app.port();
        let handle = app.handle();
        tokio::spawn(app.run_until_stopped());
        let mut t = TestApp::attach(port, registrar.clone()).await;
        t.login(&registrar).await;
        head = t
            .ok(
                &registrar,
                "participant.registered",
                REGISTRY_CASE,
                ca.registration(),
            )
            .await["leaf_hash"]
            .clone();
        handle.stop(true).await;
    }
    let app = wastetrail_server::Application::build(config(dir.path()))
        .await
        .unwrap();
    let port = app.port();
    let handle = app.handle();
    tokio::spawn(app.run_until_stopped());
    let mut t = TestApp::attach(port, registrar.clone()).await;
    t.login(&ca).await;
    t.heads.insert(
        REGISTRY_CASE.into(),
        Some(head.as_str().unwrap().to_owned()),
    );
    let exp = Actor::new("exporter-de", "exporter", "DE");
    t.ok(
        &ca,
        "participant.registered",
        REGISTRY_CASE,
        exp.registration(),
    )
    .await;
    assert_eq!(t.tree_size().await, 2);
    handle.stop(true).await;
}

//! Filing statements: idempotency, stale prev, and every refusal path, each leaving the log
//! and the projections unchanged.

use reqwest::StatusCode;
use serde_json::{Value, json};
use wastetrail_ledger::statement::{ParticipantSigner, Timestamp};

use wastetrail_basel::REGISTRY_CASE;

use crate::common::*;

/// Tree size, the case as its exporter sees it, and the participant directory.
async fn snapshot(app: &TestApp, case: &str) -> (u64, Value, Value) {
    let size = app.tree_size().await;
    let c: Value = app
        .get_as("exporter-de", &format!("/api/v1/cases/{case}"))
        .await
        .json()
        .await
        .unwrap();
    let dir: Value = app
        .get_as("exporter-de", "/api/v1/participants")
        .await
        .json()
        .await
        .unwrap();
    (size, c, dir)
}

async fn setup(
    backend: &Backend,
    tweak: impl FnOnce(&mut wastetrail_server::Config),
) -> (TestApp, Cast) {
    let mut app = TestApp::spawn_with(backend, tweak).await;
    let cast = Cast::new();
    app.register(&cast.all()).await;
    app.ok(
        &cast.exporter,
        "notification.submitted",
        "DE-2026-1",
        cast.notification(),
    )
    .await;
    (app, cast)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identical_statement_again_returns_same_answer_and_appends_nothing() {
    for backend in backends() {
        let (app, c) = setup(&backend, |_| {}).await;
        let prev = app.heads["DE-2026-1"].clone();
        let signed = TestApp::sign(
            &c.ca_de,
            "notification.transmitted",
            "DE-2026-1",
            prev.as_deref(),
            json!({"sent_on": today()}),
        );
        let bytes = serde_json::to_vec(&signed).unwrap();
        let r = app.post_statement_raw(&c.ca_de.id, bytes.clone()).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let first: Value = r.json().await.unwrap();
        app.verify_receipt(&first);
        assert_eq!(first["duplicate"], false);
        let size = app.tree_size().await;
        // Same bytes, and the same statement with its members in another order.
        let mut reordered = serde_json::Map::new();
        reordered.insert("sig".into(), signed["sig"].clone());
        reordered.insert("disclosure".into(), signed["disclosure"].clone());
        reordered.insert("statement".into(), signed["statement"].clone());
        for body in [
            bytes,
            serde_json::to_vec(&Value::Object(reordered)).unwrap(),
        ] {
            let r = app.post_statement_raw(&c.ca_de.id, body).await;
            assert_eq!(r.status(), StatusCode::OK);
            let again: Value = r.json().await.unwrap();
            assert_eq!(again["index"], first["index"]);
            assert_eq!(again["leaf_hash"], first["leaf_hash"]);
            assert_eq!(again["integrated_at"], first["integrated_at"]);
            assert_eq!(again["duplicate"], true);
            app.verify_receipt(&again);
            assert_eq!(app.tree_size().await, size);
        }
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_prev_gets_409_with_the_current_head() {
    for backend in backends() {
        let (mut app, c) = setup(&backend, |_| {}).await;
        let first_head = app.heads["DE-2026-1"].clone();
        app.ok(
            &c.ca_de,
            "notification.transmitted",
            "DE-2026-1",
            json!({"sent_on": today()}),
        )
        .await;
        let before = snapshot(&app, "DE-2026-1").await;
        // Signed on the old head.
        let signed = TestApp::sign(
            &c.ca_nl,
            "consent.granted",
            "DE-2026-1",
            first_head.as_deref(),
            c.consent(),
        );
        let r = app
            .post_statement_raw(&c.ca_nl.id, serde_json::to_vec(&signed).unwrap())
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        let v: Value = r.json().await.unwrap();
        assert_eq!(code(&v), "stale_prev");
        assert_eq!(v["head"], json!(app.heads["DE-2026-1"].clone().unwrap()));
        // A first statement for an existing case (prev null) conflicts too.
        let signed = TestApp::sign(&c.ca_nl, "consent.granted", "DE-2026-1", None, c.consent());
        let r = app
            .post_statement_raw(&c.ca_nl.id, serde_json::to_vec(&signed).unwrap())
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        // A prev for a case that does not exist: head null.
        let signed = TestApp::sign(
            &c.exporter,
            "notification.submitted",
            "C-NEW",
            first_head.as_deref(),
            c.notification(),
        );
        let r = app
            .post_statement_raw(&c.exporter.id, serde_json::to_vec(&signed).unwrap())
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["head"], Value::Null);
        assert_eq!(snapshot(&app, "DE-2026-1").await, before);
        // Re-signed on the head it is accepted.
        app.ok(&c.ca_nl, "consent.granted", "DE-2026-1", c.consent())
            .await;
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_refusal_has_its_status_and_code_and_changes_nothing() {
    for backend in backends() {
        let (mut app, c) = setup(&backend, |_| {}).await;
        let head = app.heads["DE-2026-1"].clone();
        let before = snapshot(&app, "DE-2026-1").await;
        let good = || {
            TestApp::sign(
                &c.ca_de,
                "notification.transmitted",
                "DE-2026-1",
                head.as_deref(),
                json!({"sent_on": today()}),
            )
        };
        let mut cases: Vec<(&str, String, Vec<u8>, StatusCode, &str)> = Vec::new();

        cases.push((
            "not JSON",
            c.ca_de.id.clone(),
            b"{\"statement\": ".to_vec(),
            StatusCode::BAD_REQUEST,
            "malformed_statement",
        ));
        cases.push((
            "JSON, not a statement",
            c.ca_de.id.clone(),
            b"[1,2,3]".to_vec(),
            StatusCode::BAD_REQUEST,
            "malformed_statement",
        ));
        let mut extra = good();
        extra["colour"] = json!("red");
        cases.push((
            "unknown member",
            c.ca_de.id.clone(),
            serde_json::to_vec(&extra).unwrap(),
            StatusCode::BAD_REQUEST,
            "malformed_statement",
        ));
        let mut huge = good();
        huge["disclosure"]["body"]["pad"] = json!("x".repeat(130 * 1024));
        cases.push((
            "oversized",
            c.ca_de.id.clone(),
            serde_json::to_vec(&huge).unwrap(),
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ));
        cases.push((
            "actor is not the session",
            c.ca_nl.id.clone(),
            serde_json::to_vec(&good()).unwrap(),
            StatusCode::FORBIDDEN,
            "actor_mismatch",
        ));
        let mut tampered = good();
        tampered["disclosure"]["body"]["sent_on"] = json!("2026-01-01");
        cases.push((
            "disclosed body is not the committed one",
            c.ca_de.id.clone(),
            serde_json::to_vec(&tampered).unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "disclosure_mismatch",
        ));
        let mut contact_in_clear = good();
        contact_in_clear["disclosure"]["body"]["contact"] = json!({"name": "A. Person"});
        cases.push((
            "contact person in clear",
            c.ca_de.id.clone(),
            serde_json::to_vec(&contact_in_clear).unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "disclosure_mismatch",
        ));
        let bad_contact = TestApp::sign(
            &c.ca_de,
            "notification.transmitted",
            "DE-2026-1",
            head.as_deref(),
            json!({"sent_on": today(), "contact": {"phone": 5}}),
        );
        cases.push((
            "malformed contact person",
            c.ca_de.id.clone(),
            serde_json::to_vec(&bad_contact).unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_personal_data",
        ));
        let mut altered = good();
        let t = Timestamp::parse(altered["statement"]["issued_at"].as_str().unwrap()).unwrap();
        altered["statement"]["issued_at"] =
            json!(Timestamp::from_unix(t.unix() - 1).unwrap().to_string());
        cases.push((
            "statement altered after signing",
            c.ca_de.id.clone(),
            serde_json::to_vec(&altered).unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_signature",
        ));
        let mut recommitted = good();
        recommitted["statement"]["commitment"] = json!("00".repeat(32));
        cases.push((
            "commitment changed after signing",
            c.ca_de.id.clone(),
            serde_json::to_vec(&recommitted).unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "disclosure_mismatch",
        ));
        let other = Actor {
            id: c.ca_de.id.clone(),
            kind: c.ca_de.kind.clone(),
            country: c.ca_de.country.clone(),
            signer: ParticipantSigner::generate(),
        };
        cases.push((
            "unregistered key",
            c.ca_de.id.clone(),
            serde_json::to_vec(&TestApp::sign(
                &other,
                "notification.transmitted",
                "DE-2026-1",
                head.as_deref(),
                json!({"sent_on": today()}),
            ))
            .unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_key",
        ));
        let hour_ago = TestApp::sign_at(
            &c.ca_de,
            "notification.transmitted",
            "DE-2026-1",
            head.as_deref(),
            json!({"sent_on": today()}),
            Timestamp::from_unix(Timestamp::now().unix() - 3600).unwrap(),
        );
        cases.push((
            "issued an hour ago",
            c.ca_de.id.clone(),
            serde_json::to_vec(&hour_ago).unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "clock_skew",
        ));
        let unknown_type = TestApp::sign(
            &c.ca_de,
            "notification.teleported",
            "DE-2026-1",
            head.as_deref(),
            json!({}),
        );
        cases.push((
            "unknown type",
            c.ca_de.id.clone(),
            serde_json::to_vec(&unknown_type).unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "rule_violation",
        ));
        let wrong_case = TestApp::sign(
            &c.ca_de,
            "participant.registered",
            "DE-2026-1",
            head.as_deref(),
            Actor::new("x", "exporter", "DE").registration(),
        );
        cases.push((
            "registry statement in a case",
            c.ca_de.id.clone(),
            serde_json::to_vec(&wrong_case).unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "rule_violation",
        ));
        let bad_body = TestApp::sign(
            &c.ca_de,
            "notification.transmitted",
            "DE-2026-1",
            head.as_deref(),
            json!({"sent_on": "yesterday", "colour": 1}),
        );
        cases.push((
            "bad body",
            c.ca_de.id.clone(),
            serde_json::to_vec(&bad_body).unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "rule_violation",
        ));
        let by_exporter = TestApp::sign(
            &c.exporter,
            "notification.transmitted",
            "DE-2026-1",
            head.as_deref(),
            json!({"sent_on": today()}),
        );
        cases.push((
            "transmitted by the exporter",
            c.exporter.id.clone(),
            serde_json::to_vec(&by_exporter).unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "rule_violation",
        ));

        for (what, who, body, status, want) in cases {
            let r = app.post_statement_raw(&who, body).await;
            assert_eq!(r.status(), status, "{what}");
            assert_eq!(
                r.headers()["content-type"],
                "application/problem+json",
                "{what}"
            );
            let v: Value = r.json().await.unwrap();
            assert_eq!(code(&v), want, "{what}: {v:#}");
            assert_eq!(v["status"], status.as_u16(), "{what}");
            assert!(
                v["detail"].as_str().is_some_and(|d| !d.is_empty()),
                "{what}"
            );
            assert!(v["type"].as_str().unwrap().ends_with(want), "{what}");
            if want == "rule_violation" {
                assert!(
                    v["rule_id"].is_string() && v["citation"].is_string(),
                    "{what}: {v:#}"
                );
            }
            if what == "bad body" {
                let paths: Vec<&str> = v["errors"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| e["path"].as_str().unwrap())
                    .collect();
                assert!(paths.iter().any(|p| p.contains("sent_on")), "{paths:?}");
                assert!(paths.iter().any(|p| p.contains("colour")), "{paths:?}");
            }
            if what == "transmitted by the exporter" {
                assert_eq!(v["rule_id"], "PIC-01");
                assert!(v["citation"].as_str().unwrap().contains("Art. 6"), "{v:#}");
            }
            assert_eq!(
                snapshot(&app, "DE-2026-1").await,
                before,
                "{what} changed something"
            );
        }
        // The refusals are counted by code.
        let m = app.get("/metrics").await.text().await.unwrap();
        assert!(
            m.contains("wastetrail_filings_refused_total{code=\"rule_violation\"} 4"),
            "{m}"
        );
        assert!(
            m.contains("wastetrail_filings_refused_total{code=\"bad_signature\"} 1"),
            "{m}"
        );
        // And the good statement is still accepted.
        app.ok(
            &c.ca_de,
            "notification.transmitted",
            "DE-2026-1",
            json!({"sent_on": today()}),
        )
        .await;
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoked_key_and_oversized_declared_length_are_refused() {
    for backend in backends() {
        let (mut app, c) = setup(&backend, |_| {}).await;
        let second = ParticipantSigner::generate();
        app.ok(
            &c.ca_de,
            "key.added",
            REGISTRY_CASE,
            c.ca_de.key_added(&second),
        )
        .await;
        app.ok(
            &c.ca_de,
            "key.revoked",
            REGISTRY_CASE,
            c.ca_de.key_revoked(&c.ca_de.signer, "rotated"),
        )
        .await;
        // The revocation ended the session opened with the old key: log in with the new one.
        let mut rotated = c.ca_de.clone();
        rotated.signer = second.clone();
        app.login(&rotated).await;
        let before = snapshot(&app, "DE-2026-1").await;
        let (s, v) = app
            .file(
                &c.ca_de,
                "notification.transmitted",
                "DE-2026-1",
                json!({"sent_on": today()}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(code(&v), "key_not_valid");
        assert_eq!(snapshot(&app, "DE-2026-1").await, before);
        // With the new key it works.
        app.ok(
            &rotated,
            "notification.transmitted",
            "DE-2026-1",
            json!({"sent_on": today()}),
        )
        .await;
        // A body larger than the limit is refused from its declared length.
        let r = app
            .client
            .post(app.url("/api/v1/statements"))
            .bearer_auth(&app.tokens[&c.ca_de.id])
            .header("content-type", "application/json")
            .body(vec![b' '; 129 * 1024])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(code(&r.json().await.unwrap()), "payload_too_large");
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filings_beyond_the_rate_limit_get_429() {
    for backend in backends() {
        let mut app2 = TestApp::spawn_with(&backend, |cfg| {
            cfg.rate_limit_burst = 2;
            cfg.rate_limit_per_minute = 1;
        })
        .await;
        let reg = app2.registrar.clone();
        app2.login(&reg).await;
        let ca1 = Actor::new("ca-de", "competent_authority", "DE");
        let ca2 = Actor::new("ca-nl", "competent_authority", "NL");
        let ca3 = Actor::new("ca-be", "competent_authority", "BE");
        app2.ok(
            &reg,
            "participant.registered",
            REGISTRY_CASE,
            ca1.registration(),
        )
        .await;
        app2.ok(
            &reg,
            "participant.registered",
            REGISTRY_CASE,
            ca2.registration(),
        )
        .await;
        let size = app2.tree_size().await;
        let (s, v) = app2
            .file(
                &reg,
                "participant.registered",
                REGISTRY_CASE,
                ca3.registration(),
            )
            .await;
        assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{v}");
        assert_eq!(code(&v), "rate_limited");
        assert!(v["retry_after"].as_u64().unwrap() >= 1);
        assert_eq!(app2.tree_size().await, size);
        // Logins are limited per participant too (one of the two was used above).
        let c = app2.challenge().await;
        let r = app2
            .post_login(&TestApp::login_body(&reg, &reg.signer, &c))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let c = app2.challenge().await;
        let r = app2
            .post_login(&TestApp::login_body(&reg, &reg.signer, &c))
            .await;
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(r.headers().get("retry-after").is_some());
        assert_eq!(code(&r.json().await.unwrap()), "rate_limited");
        app2.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_filings_on_one_head_accept_exactly_one() {
    for backend in backends() {
        let (mut app, c) = setup(&backend, |_| {}).await;
        app.ok(
            &c.ca_de,
            "notification.transmitted",
            "DE-2026-1",
            json!({"sent_on": today()}),
        )
        .await;
        let head = app.heads["DE-2026-1"].clone();
        let size = app.tree_size().await;
        // Three authorities answer at once, all on the same head.
        let filings = [
            (
                c.ca_nl.clone(),
                TestApp::sign(
                    &c.ca_nl,
                    "consent.granted",
                    "DE-2026-1",
                    head.as_deref(),
                    c.consent(),
                ),
            ),
            (
                c.ca_be.clone(),
                TestApp::sign(
                    &c.ca_be,
                    "transit.consented",
                    "DE-2026-1",
                    head.as_deref(),
                    json!({"valid_from": today(), "valid_until": in_days(200)}),
                ),
            ),
            (
                c.ca_nl.clone(),
                TestApp::sign(
                    &c.ca_nl,
                    "contract.confirmed",
                    "DE-2026-1",
                    head.as_deref(),
                    json!({"reference": "C-2026-001"}),
                ),
            ),
        ];
        let mut tasks = Vec::new();
        for (who, signed) in filings {
            let client = app.client.clone();
            let url = app.url("/api/v1/statements");
            let token = app.tokens[&who.id].clone();
            tasks.push(tokio::spawn(async move {
                client
                    .post(url)
                    .bearer_auth(token)
                    .json(&signed)
                    .send()
                    .await
                    .unwrap()
                    .status()
            }));
        }
        let mut statuses = Vec::new();
        for t in tasks {
            statuses.push(t.await.unwrap());
        }
        statuses.sort();
        assert_eq!(
            statuses,
            vec![
                StatusCode::CREATED,
                StatusCode::CONFLICT,
                StatusCode::CONFLICT
            ]
        );
        assert_eq!(app.tree_size().await, size + 1);
        app.stop().await;
    }
}

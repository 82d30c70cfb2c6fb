//! Who sees what (docs/privacy.md): an anonymous client, a participant of another case and the
//! customs office of an unrelated State learn nothing of a case's content through any
//! endpoint; the entitled do; personal data is erased after its retention period and every
//! commitment, signature and proof still verifies.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use wastetrail_ledger::disclosure::Disclosure;
use wastetrail_ledger::merkle;
use wastetrail_ledger::statement::Leaf;

use crate::common::*;

/// Strings of case DE-2026-A's bodies that appear nowhere else (the other case uses other values).
const SECRETS: [&str; 9] = [
    "Metals Recovery BV",
    "Haven 5, Rotterdam",
    "Assur AG",
    "P-77",
    "C-2026-001",
    "brominated flame retardants",
    "Hanna Kontakt",
    "+49 201 555 0101",
    "hanna@exporter.example",
];

fn contact() -> Value {
    json!({"name": "Hanna Kontakt", "phone": "+49 201 555 0101", "email": "hanna@exporter.example"})
}

/// The outsider's own case, with values of its own.
fn other_notification(c: &Cast) -> Value {
    let mut n = c.notification();
    n["exporter"] = json!(c.outsider.id);
    n["facility"] = json!({"name": "Other Plant", "site": "Elsewhere 1"});
    n["insurance"] = json!({"insurer": "Other Insurer", "policy": "Q-1", "coverage": "EUR 1"});
    n["contract"] = json!({"reference": "K-9", "concluded_on": today()});
    n["waste"]["composition"] = json!("copper and plastics");
    n
}

/// Every path a client without rights over DE-2026-A might try, given the tree size and leaf hashes.
fn paths(size: u64, leaf_hashes: &[String]) -> Vec<String> {
    let mut p: Vec<String> = [
        "/checkpoint",
        "/api/v1/log",
        "/healthz",
        "/metrics",
        "/api/v1/cases",
        "/api/v1/cases/DE-2026-A",
        "/api/v1/cases/registry",
        "/api/v1/registry",
        "/api/v1/participants",
        "/api/v1/events?after=0&limit=500",
        "/api/v1/disclosures?start=0&limit=1000",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    p.push(format!("/tile/0/000.p/{size}"));
    p.push(format!("/tile/entries/000.p/{size}"));
    p.push(format!("/api/v1/proof/consistency?from=1&to={size}"));
    for (i, h) in leaf_hashes.iter().enumerate() {
        p.push(format!("/api/v1/proof/inclusion?index={i}&size={size}"));
        p.push(format!("/api/v1/proof/inclusion?leaf_hash={h}"));
        p.push(format!("/api/v1/movements/{h}"));
    }
    p
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn strangers_learn_nothing_of_a_case_through_any_endpoint() {
    for backend in backends() {
        let mut app = TestApp::spawn(&backend).await;
        let c = Cast::new();
        let customs_fr = Actor::new("customs-fr", "customs_office", "FR");
        let ca_fr = Actor::new("ca-fr", "competent_authority", "FR");
        let mut all = c.all();
        all.push(&ca_fr);
        all.push(&customs_fr);
        app.register(&all).await;
        let mut n = c.notification();
        n["contact"] = contact();
        app.ok(&c.exporter, "notification.submitted", "DE-2026-A", n)
            .await;
        app.ok(
            &c.ca_de,
            "notification.transmitted",
            "DE-2026-A",
            json!({"sent_on": today()}),
        )
        .await;
        app.ok(&c.ca_nl, "consent.granted", "DE-2026-A", c.consent())
            .await;
        app.ok(
            &c.ca_be,
            "transit.consented",
            "DE-2026-A",
            json!({"valid_from": today(), "valid_until": in_days(200)}),
        )
        .await;
        app.ok(
            &c.ca_nl,
            "contract.confirmed",
            "DE-2026-A",
            json!({"reference": "C-2026-001"}),
        )
        .await;
        let mut m = c.movement(1);
        m["contact"] = contact();
        app.ok(&c.exporter, "movement.started", "DE-2026-A", m)
            .await;
        app.ok(
            &c.outsider,
            "notification.submitted",
            "DE-2026-B",
            other_notification(&c),
        )
        .await;

        // Positive control: the parties and the auditor read the content, contact included.
        for who in [
            &c.exporter.id,
            &c.ca_nl.id,
            &c.customs_be_in.id,
            &c.auditor.id,
        ] {
            let text = app
                .get_as(who, "/api/v1/cases/DE-2026-A")
                .await
                .text()
                .await
                .unwrap();
            for s in SECRETS {
                assert!(text.contains(s), "{who} does not see {s}");
            }
        }

        let size = app.tree_size().await;
        let tile = app
            .get(&format!("/tile/0/000.p/{size}"))
            .await
            .bytes()
            .await
            .unwrap();
        let hashes: Vec<String> = tile.chunks(32).map(hex::encode).collect();
        let head_a = {
            let v: Value = app
                .get_as(&c.exporter.id, "/api/v1/cases/DE-2026-A")
                .await
                .json()
                .await
                .unwrap();
            v["summary"]["head"].as_str().unwrap().to_owned()
        };
        let mut requests = 0;
        for who in [None, Some(&c.outsider), Some(&customs_fr)] {
            for path in paths(size, &hashes) {
                let r = match who {
                    None => app.get(&path).await,
                    Some(a) => app.get_as(&a.id, &path).await,
                };
                assert!(!r.status().is_server_error(), "{path}: {}", r.status());
                let body = String::from_utf8_lossy(&r.bytes().await.unwrap()).into_owned();
                requests += 1;
                for s in SECRETS {
                    assert!(
                        !body.contains(s),
                        "{s:?} readable by {:?} at {path}",
                        who.map(|a| &a.id)
                    );
                }
                if path.contains("/api/v1/cases/DE-2026-A") {
                    assert!(!body.contains(&head_a), "DE-2026-A's head at {path}");
                }
                // The feed lists no entry of the case. (Leaf hashes are public in the hash
                // tiles and appear as siblings in proofs; what must not leak is which case
                // an entry belongs to.)
                if path.contains("/api/v1/events") && who.is_some() {
                    let page: Value = serde_json::from_str(&body).unwrap();
                    for e in page["entries"].as_array().unwrap() {
                        assert_ne!(e["case"], "DE-2026-A", "{path}");
                        assert_ne!(e["leaf_hash"], head_a.as_str(), "{path}");
                    }
                }
            }
            // A filing on DE-2026-A with a wrong prev names no head of a case the filer may not see.
            if let Some(a) = who {
                let v = TestApp::sign(
                    a,
                    "notification.withdrawn",
                    "DE-2026-A",
                    Some(&"ab".repeat(32)),
                    json!({"reason": "probe"}),
                );
                let r = app
                    .post_statement_raw(&a.id, serde_json::to_vec(&v).unwrap())
                    .await;
                assert_eq!(r.status(), StatusCode::CONFLICT);
                let text = r.text().await.unwrap();
                assert!(!text.contains(&head_a), "{text}");
                assert!(!text.contains("\"head\""), "{text}");
            }
        }
        // The exporter of DE-2026-A, who may see it, is told the head.
        let v = TestApp::sign(
            &c.exporter,
            "notification.withdrawn",
            "DE-2026-A",
            Some(&"ab".repeat(32)),
            json!({"reason": "probe"}),
        );
        let r = app
            .post_statement_raw(&c.exporter.id, serde_json::to_vec(&v).unwrap())
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["head"], head_a.as_str());
        assert!(requests > 3 * 40, "{requests} requests");
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn personal_data_is_erased_after_retention_and_everything_still_verifies() {
    for backend in backends() {
        // Retention 0 days: every contact person is past retention at the next erasure pass.
        let mut app = TestApp::spawn_with(&backend, |c| {
            c.personal_data_retention = Duration::ZERO;
            c.erasure_interval = Duration::from_millis(200);
        })
        .await;
        let c = Cast::new();
        app.register(&c.all()).await;
        let mut n = c.notification();
        n["contact"] = contact();
        let receipt = app
            .ok(&c.exporter, "notification.submitted", "DE-2026-E", n)
            .await;

        // Wait (bounded) until the erasure pass has run.
        let mut detail = Value::Null;
        for _ in 0..50 {
            detail = app
                .get_as(&c.exporter.id, "/api/v1/cases/DE-2026-E")
                .await
                .json()
                .await
                .unwrap();
            if !detail["statements"][0]["erased_at"].is_null() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let st = &detail["statements"][0];
        assert!(!st["erased_at"].is_null(), "not erased: {st:#}");
        let text = st.to_string();
        for s in [
            "Hanna Kontakt",
            "+49 201 555 0101",
            "hanna@exporter.example",
        ] {
            assert!(!text.contains(s), "{s} still stored: {text}");
        }
        // The rest of the body is still there, and the disclosure still matches the signed
        // commitment; the signature verifies with the exporter's key; the leaf is the
        // receipt's and its inclusion proof verifies against the signed checkpoint.
        assert!(text.contains("Metals Recovery BV"));
        let leaf = Leaf::parse(
            &wastetrail_ledger::jcs::canonicalize(&json!({
                "statement": st["statement"], "sig": st["sig"], "integrated_at": st["integrated_at"]
            }))
            .unwrap(),
        )
        .unwrap();
        let d = Disclosure::from_value(&st["disclosure"]).unwrap();
        assert!(d.personal().is_empty());
        d.check(leaf.statement.commitment()).unwrap();
        assert!(d.body()["contact"]["digest"].is_string());
        leaf.signed_statement()
            .verify(&c.exporter.signer.public_key())
            .unwrap();
        let lh = leaf.leaf_hash().unwrap();
        assert_eq!(hex::encode(lh), receipt["leaf_hash"].as_str().unwrap());
        app.verify_receipt(&receipt);
        let size = app.tree_size().await;
        let p: Value = app
            .get(&format!(
                "/api/v1/proof/inclusion?leaf_hash={}&size={size}",
                hex::encode(lh)
            ))
            .await
            .json()
            .await
            .unwrap();
        let proof = hashes(&p["proof"]);
        let info: Value = app.get("/api/v1/log").await.json().await.unwrap();
        let root = merkle::hash_from_hex(info["root"].as_str().unwrap()).unwrap();
        merkle::verify_inclusion(&lh, p["index"].as_u64().unwrap(), size, &proof, &root).unwrap();
        // The case still decides as before: the next filing is accepted.
        app.ok(
            &c.ca_de,
            "notification.transmitted",
            "DE-2026-E",
            json!({"sent_on": today()}),
        )
        .await;
        let m = app.get("/metrics").await.text().await.unwrap();
        assert!(
            m.lines()
                .any(|l| l.starts_with("wastetrail_personal_data_erased_total ")
                    && !l.ends_with(" 0")),
            "{m}"
        );
        app.stop().await;
    }
}

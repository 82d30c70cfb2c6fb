//! A whole case through the HTTP API, every receipt verified against the log key.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whole_case_from_notification_to_completion() {
    for backend in backends() {
        let mut app = TestApp::spawn(&backend).await;
        let cast = Cast::new();
        app.register(&cast.all()).await;
        let case = "DE-2026-0001";
        let c = &cast;
        app.ok(
            &c.exporter,
            "notification.submitted",
            case,
            c.notification(),
        )
        .await;
        app.ok(
            &c.ca_de,
            "notification.transmitted",
            case,
            json!({"sent_on": today()}),
        )
        .await;
        app.ok(
            &c.ca_be,
            "notification.acknowledged",
            case,
            json!({"received_on": today()}),
        )
        .await;
        app.ok(
            &c.ca_nl,
            "information.requested",
            case,
            json!({"questions": "Which permit covers R4 at the facility?"}),
        )
        .await;
        app.ok(
            &c.exporter,
            "information.provided",
            case,
            json!({"to": "NL", "answer": "Permit 2024/17, enclosed."}),
        )
        .await;
        app.ok(&c.ca_nl, "consent.granted", case, c.consent()).await;
        app.ok(
            &c.ca_be,
            "transit.consented",
            case,
            json!({"valid_from": today(), "valid_until": in_days(200)}),
        )
        .await;
        app.ok(
            &c.ca_nl,
            "contract.confirmed",
            case,
            json!({"reference": "C-2026-001"}),
        )
        .await;
        let m1 = app
            .ok(&c.exporter, "movement.started", case, c.movement(1))
            .await;
        let m2 = app
            .ok(&c.exporter, "movement.started", case, c.movement(2))
            .await;
        for no in [1, 2] {
            app.ok(
                &c.customs_de,
                "border.exited",
                case,
                json!({"shipment_no": no, "on": today()}),
            )
            .await;
            app.ok(
                &c.carrier_nl,
                "custody.transferred",
                case,
                json!({"shipment_no": no, "from": c.exporter.id, "on": today()}),
            )
            .await;
            app.ok(
                &c.customs_be_in,
                "border.entered",
                case,
                json!({"shipment_no": no, "on": today()}),
            )
            .await;
            app.ok(
                &c.customs_be_out,
                "border.exited",
                case,
                json!({"shipment_no": no, "on": today()}),
            )
            .await;
            app.ok(
                &c.customs_nl,
                "border.entered",
                case,
                json!({"shipment_no": no, "on": today()}),
            )
            .await;
            app.ok(
                &c.disposer,
                "receipt.confirmed",
                case,
                json!({"shipment_no": no, "received_on": today(), "quantity_kg": 20000}),
            )
            .await;
            app.ok(
                &c.disposer,
                "disposal.completed",
                case,
                json!({"shipment_no": no, "completed_on": today(), "operation": "R4"}),
            )
            .await;
        }

        // The case is completed, and its parties see it with its whole timeline.
        let r = app
            .get_as(&c.exporter.id, &format!("/api/v1/cases/{case}"))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let d: Value = r.json().await.unwrap();
        assert_eq!(d["summary"]["status"], "completed", "{d:#}");
        assert_eq!(d["timeline"].as_array().unwrap().len(), 8 + 2 + 14);
        assert_eq!(d["statements"].as_array().unwrap().len(), 24);
        assert_eq!(d["summary"]["head"], app.heads[case].clone().unwrap());
        let verdicts = d["verdicts"].as_array().unwrap();
        assert_eq!(verdicts.len(), 2, "{verdicts:#?}");
        for v in verdicts {
            assert_eq!(v["started"], true);
            assert_eq!(v["verdict"]["decision"], "may_start", "{v:#}");
        }

        // The border check of a movement document, public, with a proof.
        for m in [&m1, &m2] {
            let r = app
                .get(&format!(
                    "/api/v1/movements/{}",
                    m["leaf_hash"].as_str().unwrap()
                ))
                .await;
            assert_eq!(r.status(), StatusCode::OK);
            let v: Value = r.json().await.unwrap();
            assert_eq!(v["consented"], true, "{v:#}");
            assert_eq!(v["decision"], "may_start", "{v:#}");
            assert_eq!(v["index"], m["index"]);
            app.verify_receipt(&v);
            // It discloses nothing of the case to whoever holds only the hash.
            let text = v.to_string();
            for secret in [case, "20000", "A1181", "disposer"] {
                assert!(!text.contains(secret), "{secret} in {text}");
            }
        }

        // Consistency between the first filing's checkpoint and the current one.
        let size = app.tree_size().await;
        let r: Value = app
            .get(&format!(
                "/api/v1/proof/consistency?from={}&to={size}",
                m1["size"]
            ))
            .await
            .json()
            .await
            .unwrap();
        let proof: Vec<_> = r["proof"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| wastetrail_ledger::merkle::hash_from_hex(h.as_str().unwrap()).unwrap())
            .collect();
        let old = wastetrail_ledger::checkpoint::Checkpoint::open(
            m1["checkpoint"].as_str().unwrap().as_bytes(),
            &app.log_key,
        )
        .unwrap();
        let now_cp: String = app.get("/checkpoint").await.text().await.unwrap();
        let new = wastetrail_ledger::checkpoint::Checkpoint::open(now_cp.as_bytes(), &app.log_key)
            .unwrap();
        assert_eq!(new.size, size);
        wastetrail_ledger::merkle::verify_consistency(
            old.size, new.size, &proof, &old.root, &new.root,
        )
        .unwrap();
        app.stop().await;
    }
}

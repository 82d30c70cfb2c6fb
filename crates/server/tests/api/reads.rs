//! Reads for logged-in participants: visibility, filters, directory, event feed.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::*;

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn list(app: &TestApp, q: &str) -> Vec<String> {
    let r = app.get_as("auditor-1", &format!("/api/v1/cases?{q}")).await;
    assert_eq!(r.status(), StatusCode::OK, "{q}");
    ids(&r.json().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cases_are_visible_to_parties_authorities_customs_and_auditors_only() {
    for backend in backends() {
        let mut app = TestApp::spawn(&backend).await;
        let c = Cast::new();
        let ca_fr = Actor::new("ca-fr", "competent_authority", "FR");
        let customs_fr = Actor::new("customs-fr", "customs_office", "FR");
        let mut all = c.all();
        all.push(&ca_fr);
        all.push(&customs_fr);
        app.register(&all).await;
        case_ready_to_ship(&mut app, &c, "DE-2026-A").await;
        app.ok(
            &c.exporter,
            "notification.submitted",
            "DE-2026-B",
            c.notification(),
        )
        .await;

        let may = [
            &c.exporter,
            &c.generator,
            &c.importer,
            &c.disposer,
            &c.carrier_de,
            &c.ca_de,
            &c.ca_be,
            &c.ca_nl,
            &c.customs_de,
            &c.customs_be_in,
            &c.customs_nl,
            &c.auditor,
        ];
        for p in may {
            let v: Value = app
                .get_as(&p.id, "/api/v1/cases")
                .await
                .json()
                .await
                .unwrap();
            assert_eq!(
                ids(&v),
                vec!["DE-2026-A", "DE-2026-B"],
                "{} sees {v:#}",
                p.id
            );
            assert_eq!(
                app.get_as(&p.id, "/api/v1/cases/DE-2026-A").await.status(),
                StatusCode::OK,
                "{}",
                p.id
            );
        }
        for p in [&c.outsider, &ca_fr, &customs_fr] {
            let v: Value = app
                .get_as(&p.id, "/api/v1/cases")
                .await
                .json()
                .await
                .unwrap();
            assert!(ids(&v).is_empty(), "{} sees {v:#}", p.id);
            let r = app.get_as(&p.id, "/api/v1/cases/DE-2026-A").await;
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{}", p.id);
            assert_eq!(code(&r.json().await.unwrap()), "not_found");
        }
        // Roles.
        let v: Value = app
            .get_as(&c.exporter.id, "/api/v1/cases")
            .await
            .json()
            .await
            .unwrap();
        let roles: Vec<&str> = v[0]["roles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        assert_eq!(roles, vec!["notifier", "exporter"]);

        // Filters.
        assert_eq!(list(&app, "status=transmitted").await, vec!["DE-2026-A"]);
        assert_eq!(list(&app, "status=submitted").await, vec!["DE-2026-B"]);
        assert_eq!(list(&app, "state=BE").await, vec!["DE-2026-A", "DE-2026-B"]);
        assert!(list(&app, "state=FR").await.is_empty());
        assert_eq!(
            list(&app, "role=auditor").await,
            vec!["DE-2026-A", "DE-2026-B"]
        );
        assert!(list(&app, "role=exporter").await.is_empty());
        let v: Value = app
            .get_as(
                &c.ca_be.id,
                "/api/v1/cases?role=authority_of_transit&status=transmitted",
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(ids(&v), vec!["DE-2026-A"]);
        // No shipment yet: nothing is due.
        assert!(
            list(&app, &format!("due_before={}", in_days(400)))
                .await
                .is_empty()
        );
        let r = app
            .get_as("auditor-1", "/api/v1/cases?due_before=soon")
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert_eq!(code(&r.json().await.unwrap()), "invalid_parameter");
        // After a movement starts, receipt is due within days.
        app.ok(&c.exporter, "movement.started", "DE-2026-A", c.movement(1))
            .await;
        assert_eq!(
            list(&app, &format!("due_before={}", in_days(400))).await,
            vec!["DE-2026-A"]
        );
        assert!(
            list(&app, &format!("due_before={}", in_days(-1)))
                .await
                .is_empty()
        );

        // The case detail.
        let d: Value = app
            .get_as(&c.ca_nl.id, "/api/v1/cases/DE-2026-A")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(d["case"]["phase"], "transmitted");
        assert_eq!(d["timeline"][0]["type"], "notification.submitted");
        assert_eq!(d["statements"][0]["statement"]["actor"], c.exporter.id);
        assert!(
            d["obligations"]
                .as_array()
                .unwrap()
                .iter()
                .any(|o| o["kind"] == "confirm_receipt"),
            "{:#}",
            d["obligations"]
        );
        let next = d["verdicts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["started"] == false)
            .unwrap();
        assert_eq!(next["shipment_no"], 2);
        assert_eq!(next["verdict"]["decision"], "may_start", "{next:#}");
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_illegal_traffic_report_is_seen_by_the_states_it_names_with_its_duty() {
    for backend in backends() {
        let mut app = TestApp::spawn(&backend).await;
        let c = Cast::new();
        let ca_fr = Actor::new("ca-fr", "competent_authority", "FR");
        let mut all = c.all();
        all.push(&ca_fr);
        app.register(&all).await;
        // Customs of NL finds A1181 from DE that the log never saw (Art. 9(1)(a)).
        let report = json!({
            "shipment_no": 1, "point": "a",
            "export": {"country": "DE", "authority": c.ca_de.id},
            "import": {"country": "NL", "authority": c.ca_nl.id},
            "found_in": "NL", "found_at": "Port of Rotterdam", "found_on": today(),
            "waste": {"codes": ["A1181"], "quantity_kg": 12000},
            "grounds": "declared as scrap metal"
        });
        app.ok(
            &c.customs_nl,
            "illegal_traffic.reported",
            "NL-2026-T1",
            report,
        )
        .await;
        for p in [&c.ca_de, &c.ca_nl, &c.customs_de, &c.customs_nl] {
            let r = app.get_as(&p.id, "/api/v1/cases/NL-2026-T1").await;
            assert_eq!(r.status(), StatusCode::OK, "{}", p.id);
            let d: Value = r.json().await.unwrap();
            let duty = d["obligations"]
                .as_array()
                .unwrap()
                .iter()
                .find(|o| o["rule_id"] == "ART9-02")
                .unwrap_or_else(|| panic!("no ART9-02 duty: {:#}", d["obligations"]));
            assert_eq!(duty["party"], c.ca_de.id.as_str());
            assert_eq!(duty["due"], in_days(30).as_str());
        }
        for p in [&ca_fr, &c.exporter] {
            let r = app.get_as(&p.id, "/api/v1/cases/NL-2026-T1").await;
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{}", p.id);
        }
        // DE's authority finds that the disposer caused it: the duty moves to NL.
        app.ok(
            &c.ca_de,
            "responsibility.determined",
            "NL-2026-T1",
            json!({"shipment_no": 1, "caused_by": "disposer", "grounds": "ordered without contract"}),
        )
        .await;
        let d: Value = app
            .get_as(&c.ca_nl.id, "/api/v1/cases/NL-2026-T1")
            .await
            .json()
            .await
            .unwrap();
        let rules: Vec<&str> = d["obligations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["rule_id"].as_str().unwrap())
            .collect();
        assert_eq!(rules, vec!["ART9-03"], "{:#}", d["obligations"]);
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn participant_directory() {
    for backend in backends() {
        let mut app = TestApp::spawn(&backend).await;
        let ca = Actor::new("ca-de", "competent_authority", "DE");
        let exp = Actor::new("exporter-de", "exporter", "DE");
        app.register(&[&ca, &exp]).await;
        let v: Value = app
            .get_as(&exp.id, "/api/v1/participants")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(ids(&v), vec!["ca-de", "exporter-de", "registrar"]);
        let p: Value = app
            .get_as(&exp.id, "/api/v1/participants/exporter-de")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(p["registered_by"], "ca-de");
        assert_eq!(p["kind"], "exporter");
        assert_eq!(p["keys"][0]["key_id"], exp.signer.key_id().to_string());
        assert_eq!(
            app.get_as(&exp.id, "/api/v1/participants/nobody")
                .await
                .status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.get("/api/v1/participants").await.status(),
            StatusCode::UNAUTHORIZED
        );
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn event_feed_pages_filters_and_long_polls() {
    for backend in backends() {
        let mut app = TestApp::spawn(&backend).await;
        let c = Cast::new();
        app.register(&c.all()).await;
        let n = app.tree_size().await;
        app.ok(
            &c.exporter,
            "notification.submitted",
            "DE-2026-A",
            c.notification(),
        )
        .await;
        let mut other = c.notification();
        other["exporter"] = json!(c.outsider.id);
        app.ok(&c.outsider, "notification.submitted", "DE-2026-X", other)
            .await;

        let page: Value = app
            .get_as(&c.exporter.id, "/api/v1/events?after=0&limit=500")
            .await
            .json()
            .await
            .unwrap();
        let entries = page["entries"].as_array().unwrap();
        assert_eq!(
            entries.len() as u64,
            n + 1,
            "registry entries and DE-2026-A, not DE-2026-X"
        );
        assert!(entries.iter().all(|e| e["case"] != "DE-2026-X"));
        assert_eq!(entries.last().unwrap()["case"], "DE-2026-A");
        assert_eq!(page["next"], n + 2);
        assert_eq!(page["size"], n + 2);
        // Every entry comes with its inclusion proof in the tree of the page's checkpoint.
        let cp = wastetrail_ledger::checkpoint::Checkpoint::open(
            page["checkpoint"].as_str().unwrap().as_bytes(),
            &app.log_key,
        )
        .unwrap();
        for e in entries {
            let lh =
                wastetrail_ledger::merkle::hash_from_hex(e["leaf_hash"].as_str().unwrap()).unwrap();
            let proof = hashes(&e["proof"]);
            wastetrail_ledger::merkle::verify_inclusion(
                &lh,
                e["index"].as_u64().unwrap(),
                cp.size,
                &proof,
                &cp.root,
            )
            .unwrap();
        }
        // The auditor sees both cases.
        let page: Value = app
            .get_as(&c.auditor.id, &format!("/api/v1/events?after={n}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(page["entries"].as_array().unwrap().len(), 2);
        // Paging.
        let page: Value = app
            .get_as(&c.exporter.id, "/api/v1/events?after=3&limit=5")
            .await
            .json()
            .await
            .unwrap();
        let idx: Vec<u64> = page["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["index"].as_u64().unwrap())
            .collect();
        assert_eq!(idx, vec![3, 4, 5, 6, 7]);
        assert_eq!(page["next"], 8);
        // Nothing new: an immediate empty answer.
        let page: Value = app
            .get_as(&c.exporter.id, &format!("/api/v1/events?after={}", n + 2))
            .await
            .json()
            .await
            .unwrap();
        assert!(page["entries"].as_array().unwrap().is_empty());
        assert_eq!(page["next"], n + 2);

        // Long poll: the answer comes when a visible entry is appended.
        let client = app.client.clone();
        let url = app.url(&format!("/api/v1/events?after={}&wait=20", n + 2));
        let token = app.tokens[&c.exporter.id].clone();
        let started = std::time::Instant::now();
        let poll = tokio::spawn(async move {
            let v: Value = client
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            (v, started.elapsed())
        });
        tokio::time::sleep(Duration::from_millis(300)).await;
        // An entry the exporter may not see does not end the poll...
        app.ok(
            &c.ca_de,
            "notification.transmitted",
            "DE-2026-X",
            json!({"sent_on": today()}),
        )
        .await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(!poll.is_finished());
        // ... one it may see does.
        app.ok(
            &c.ca_de,
            "notification.transmitted",
            "DE-2026-A",
            json!({"sent_on": today()}),
        )
        .await;
        let (v, took) = poll.await.unwrap();
        let entries = v["entries"].as_array().unwrap();
        assert_eq!(entries.len(), 1, "{v:#}");
        assert_eq!(entries[0]["case"], "DE-2026-A");
        assert_eq!(entries[0]["type"], "notification.transmitted");
        assert_eq!(v["next"], n + 4);
        assert!(
            took >= Duration::from_millis(600) && took < Duration::from_secs(15),
            "{took:?}"
        );
        app.stop().await;
    }
}

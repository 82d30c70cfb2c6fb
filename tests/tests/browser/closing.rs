//! The rest of the chain of custody through the pages, after the customs and custody
//! scenarios: an unconsented movement is red at the border with its citation; then the last
//! steps of the general case (an entry with discrepancies, a receipt with a partial
//! rejection, the third shipment) close it, and its timeline shows every step with its entry.

use std::sync::Arc;

use base64::Engine as _;

use crate::custody::as_participant;
use crate::support::{Browser, World};

async fn review_and_sign(b: &Browser, fields: &[(&str, &str)]) -> u64 {
    b.wait_text("Check and review").await;
    b.fill(fields).await;
    b.click_text("Check and review").await;
    b.wait_text("Sign and file").await;
    b.sign_and_file().await
}

/// A public JSON answer of the demo, fetched by the page's browser.
async fn json_of(b: &Browser, path: &str) -> serde_json::Value {
    b.c.execute(
        "return fetch(arguments[0]).then((r) => r.json());",
        vec![serde_json::json!(path)],
    )
    .await
    .unwrap_or_else(|e| panic!("{path}: {e}"))
}

async fn border_check(b: &Browser, code: &str) -> String {
    b.open("/border").await;
    b.fill(&[("code", code)]).await;
    b.click_text("Check").await;
    b.wait_text("Stop: not cleared").await
}

pub async fn customs_sees_an_unconsented_movement_red_with_its_citation(w: Arc<World>) {
    let year = time::OffsetDateTime::now_utc().year();
    let b = as_participant(&w, "customs-de").await;
    let log = json_of(&b, "/api/v1/log").await;
    let size = log["size"].as_u64().unwrap();
    let origin = log["origin"].as_str().unwrap();
    // Case 3 has no consent: no movement document of it can be filed, so a printed one is
    // forged — its code names this ledger but no entry of it.
    let forged = format!(
        "wt1:{size}:{}:{}:{origin}",
        size + 1,
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode([7u8; 32])
    );
    let red = border_check(&b, &forged).await;
    assert!(
        red.contains("the shipment has no consented document"),
        "{red}"
    );
    assert!(
        red.contains("ART9-01") && red.contains("Basel Art. 9(1)-(3)"),
        "{red}"
    );
    assert!(!red.contains("Record the exit"), "{red}");
    // The code of case 3's notification: in the ledger, but no movement document.
    let first = {
        let e = as_participant(&w, "exporter-de").await;
        e.open(&format!("/cases/DE-{year}-0003")).await;
        let i =
            e.c.execute(
                "return document.querySelector('#timeline li').dataset.index;",
                vec![],
            )
            .await
            .unwrap();
        e.close().await;
        i.as_str().unwrap().to_owned()
    };
    let proof = json_of(&b, &format!("/api/v1/proof/inclusion?index={first}")).await;
    let red = border_check(&b, proof["leaf_hash"].as_str().unwrap()).await;
    assert!(red.contains("not a movement document"), "{red}");
    assert!(
        red.contains("ART9-01") && red.contains("Basel Art. 9(1)-(3)"),
        "{red}"
    );
    b.close().await;
}

pub async fn the_general_case_is_walked_to_its_close(w: Arc<World>) {
    let year = time::OffsetDateTime::now_utc().year();
    let case = format!("DE-{year}-0002");
    // Shipment 2 (started and exited in the customs scenario) enters NL with discrepancies.
    let b = as_participant(&w, "customs-nl").await;
    b.open(&format!("/cases/{case}/file/border.entered?shipment=2"))
        .await;
    let entered = review_and_sign(
        &b,
        &[
            ("discrepancies.packages", "9"),
            ("discrepancies.seals", "seal 2 broken"),
        ],
    )
    .await;
    b.close().await;
    let b = as_participant(&w, "carrier-nl").await;
    b.open(&format!(
        "/cases/{case}/file/custody.transferred?shipment=2"
    ))
    .await;
    let custody = review_and_sign(&b, &[]).await;
    b.close().await;
    // The exporter starts the third and last shipment.
    let b = as_participant(&w, "exporter-de").await;
    b.open(&format!("/cases/{case}/file/movement.started"))
        .await;
    let started = review_and_sign(
        &b,
        &[
            ("packages.count", "10"),
            ("declaration_correct", "on"),
            ("declaration_no_objection", "on"),
        ],
    )
    .await;
    b.close().await;
    // The disposer receives shipment 2 with a partial rejection, and shipment 3; completes both.
    let b = as_participant(&w, "disposer-nl").await;
    b.open(&format!("/cases/{case}/file/receipt.confirmed?shipment=2"))
        .await;
    let received = review_and_sign(
        &b,
        &[
            ("rejected_kg", "400"),
            ("rejection_reasons", "wet boards\nmixed with batteries"),
        ],
    )
    .await;
    let mut steps = vec![
        ("Border entry", entered),
        ("Custody transferred", custody),
        ("Movement started", started),
        ("Receipt confirmed", received),
    ];
    b.open(&format!("/cases/{case}/file/disposal.completed?shipment=2"))
        .await;
    steps.push(("Disposal completed", review_and_sign(&b, &[]).await));
    b.open(&format!("/cases/{case}/file/receipt.confirmed?shipment=3"))
        .await;
    steps.push(("Receipt confirmed", review_and_sign(&b, &[]).await));
    b.open(&format!("/cases/{case}/file/disposal.completed?shipment=3"))
        .await;
    steps.push(("Disposal completed", review_and_sign(&b, &[]).await));
    b.close().await;

    // The auditor reads the closed case: every step on the timeline with its entry.
    let b = as_participant(&w, "auditor").await;
    b.open("/cases?status=completed&code=A1181").await;
    b.click_text(&case).await;
    let page = b.wait_text("Chain of custody").await;
    assert!(page.contains("Completed"), "{page}");
    assert!(
        page.contains("Discrepancies: 9 packages counted; seals: seal 2 broken"),
        "{page}"
    );
    assert!(
        page.contains("Rejected 400 kg: wet boards; mixed with batteries"),
        "{page}"
    );
    let timeline = b
        .c
        .execute(
            "return Array.from(document.querySelectorAll('#timeline li')).map(li => [li.dataset.index, li.innerText]);",
            vec![],
        )
        .await
        .unwrap();
    let rows: Vec<(u64, String)> = timeline
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r[0].as_str().unwrap().parse().unwrap(),
                r[1].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for (step, index) in steps {
        let row = rows
            .iter()
            .find(|(i, _)| *i == index)
            .unwrap_or_else(|| panic!("entry {index} not on the timeline: {rows:?}"));
        assert!(row.1.contains(step), "{step}: {row:?}");
        assert!(row.1.contains(&format!("entry {index}")), "{row:?}");
    }
    // Every statement of the case, in log order, each admitted or with its verdict.
    assert!(rows.windows(2).all(|p| p[0].0 < p[1].0), "{rows:?}");
    assert!(rows.len() >= 17, "{}", rows.len());
    crate::screenshots::shoot_at(&b, "chain", "auditor-closed-case", "desktop").await;
    b.close().await;
}

//! The chain of custody through the pages, with the demo keys: the customs office of export
//! checks a movement document at the border (green) and records its exit, an unknown code is
//! red with its rule and citation; a carrier takes custody, the disposer confirms receipt and
//! completion, and the case's timeline shows every step with its ledger entry.

use std::sync::Arc;

use fantoccini::Locator;

use crate::support::{Browser, World};

pub async fn as_participant(w: &World, id: &str) -> Browser {
    let b = w.browser(1280, 1000).await;
    b.sign_in(&w.key(id)).await;
    b
}

/// From a filing page opened by a link or button: check, review, sign; returns the index.
async fn review_and_sign(b: &Browser, fields: &[(&str, &str)]) -> u64 {
    b.wait_text("Check and review").await;
    b.fill(fields).await;
    b.click_text("Check and review").await;
    b.wait_text("Sign and file").await;
    b.sign_and_file().await
}

/// The QR payload of shipment `no` as the case page shows it.
pub async fn document_code(b: &Browser, case: &str, no: u32) -> String {
    b.open(&format!("/cases/{case}")).await;
    let el =
        b.c.wait()
            .at_most(std::time::Duration::from_secs(20))
            .for_element(Locator::Id(&format!("qr-{no}")))
            .await
            .expect("the document code");
    el.text().await.expect("its text")
}

pub async fn customs_checks_a_movement_at_the_border_and_records_its_exit(w: Arc<World>) {
    let year = time::OffsetDateTime::now_utc().year();
    let case = format!("DE-{year}-0002");
    // The exporter starts shipment 2 of the general notification.
    let b = as_participant(&w, "exporter-de").await;
    b.open(&format!("/cases/{case}")).await;
    b.click_text("Start a movement").await;
    let started = review_and_sign(
        &b,
        &[
            ("packages.count", "10"),
            ("declaration_correct", "on"),
            ("declaration_no_objection", "on"),
        ],
    )
    .await;
    let code = document_code(&b, &case, 2).await;
    assert!(
        code.starts_with(&format!("wt1:{started}:")),
        "{code} for {started}"
    );
    b.close().await;

    // The customs office of export types the code: green, and it may record the exit.
    let b = as_participant(&w, "customs-de").await;
    b.click_text("Border check").await;
    b.wait_text("Code of the movement document").await;
    b.fill(&[("code", code.as_str())]).await;
    b.click_text("Check").await;
    let answer = b.wait_text("In the ledger and consented").await;
    assert!(
        answer.contains(&format!("Ledger entry {started}")),
        "{answer}"
    );
    assert!(answer.contains(&case), "{answer}");
    b.click_text("Record the exit").await;
    let exited = review_and_sign(&b, &[]).await;
    assert!(exited > started);
    b.click("#receipt-link").await;
    let page = b
        .wait_text(&format!("Filed: entry {exited} of the ledger"))
        .await;
    assert!(page.contains("Border exit"), "{page}");

    // The same code again: still green, the exit is shown and no longer offered.
    b.open("/border").await;
    b.fill(&[("code", code.as_str())]).await;
    b.click_text("Check").await;
    let again = b.wait_text("In the ledger and consented").await;
    assert!(again.contains("Exit recorded"), "{again}");
    assert!(!again.contains("Record the exit"), "{again}");

    // An unknown code: red, with the rule and its citation.
    b.open("/border").await;
    let unknown = "0".repeat(64);
    b.fill(&[("code", unknown.as_str())]).await;
    b.click_text("Check").await;
    let red = b.wait_text("Stop: not cleared").await;
    assert!(
        red.contains("No movement document of this ledger has this code"),
        "{red}"
    );
    assert!(
        red.contains("ART9-01") && red.contains("Basel Art. 9(1)-(3)"),
        "{red}"
    );
    b.close().await;
}

pub async fn a_carrier_and_the_disposer_walk_a_shipment_to_completion(w: Arc<World>) {
    let year = time::OffsetDateTime::now_utc().year();
    let case = format!("DE-{year}-0002");
    // The second carrier takes custody of shipment 1 from the first.
    let b = as_participant(&w, "carrier-de").await;
    b.click_text("My shipments").await;
    let list = b.wait_text("Take custody").await;
    assert!(list.contains(&case), "{list}");
    b.open(&format!(
        "/cases/{case}/file/custody.transferred?shipment=1"
    ))
    .await;
    let custody = review_and_sign(&b, &[("from", "carrier-nl")]).await;
    b.close().await;

    // The disposer confirms receipt (a weighing difference within the tolerance) and completion.
    let b = as_participant(&w, "disposer-nl").await;
    b.click_text("My shipments").await;
    b.wait_text("Confirm receipt").await;
    b.open(&format!("/cases/{case}/file/receipt.confirmed?shipment=1"))
        .await;
    let received = review_and_sign(&b, &[("quantity_kg", "19450")]).await;
    b.open(&format!("/cases/{case}/file/disposal.completed?shipment=1"))
        .await;
    let completed = review_and_sign(&b, &[]).await;
    assert!(custody < received && received < completed);
    b.open("/shipments").await;
    let list = b.wait_text("Disposal completed").await;
    assert!(list.contains(&case), "{list}");

    // The case's timeline shows every step of shipment 1 with its ledger entry.
    b.open(&format!("/cases/{case}")).await;
    let page = b.wait_text("Disposal completed").await;
    for (step, index) in [
        ("Custody transferred", custody),
        ("Receipt confirmed", received),
        ("Disposal completed", completed),
    ] {
        assert!(page.contains(step), "{step}: {page}");
        assert!(page.contains(&format!("entry {index}")), "{index}: {page}");
    }
    for step in ["Movement started", "Border exit"] {
        assert!(page.contains(step), "{step}: {page}");
    }
    b.close().await;
}

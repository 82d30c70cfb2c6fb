//! One whole case walked through the pages by each role in turn, with the demo keys: the
//! exporter notifies, the authority of export transmits, the transit authority acknowledges
//! and consents, the authority of import consents and confirms the contract, and the
//! exporter starts the first movement; every filing is signed in the browser.

use std::sync::Arc;

use crate::support::{Browser, World};

/// The fields of the demo exporter's new notification (DE → BE → NL, A1181, R4).
pub fn notification_fields(today: &str) -> Vec<(&'static str, String)> {
    [
        ("reason", "recovery of copper and precious metals"),
        ("justification", "raw_material_for_recovery"),
        ("generators.0.participant", "generator-de"),
        ("generators.0.site", "Werk 1, Essen"),
        (
            "generators.0.process",
            "dismantling of collected IT equipment",
        ),
        ("importer", "importer-nl"),
        ("disposer", "disposer-nl"),
        ("facility.name", "Metals Recovery BV"),
        ("facility.site", "Haven 5, Rotterdam"),
        ("carriers", "carrier-de|carrier-nl"),
        ("import.country", "NL"),
        ("import.authority", "ca-nl"),
        ("import.customs_office", "customs-nl"),
        ("transit.0.country", "BE"),
        ("transit.0.authority", "ca-be"),
        ("transit.0.entry_office", "customs-be-in"),
        ("transit.0.exit_office", "customs-be-out"),
        ("waste.description", "waste printed circuit boards"),
        ("waste.codes", "A1181"),
        ("waste.composition", "copper, gold, epoxy"),
        ("waste.handling", "keep dry"),
        ("packaging", "palletised"),
        ("quantity.total_kg", "15000"),
        ("operation", "R4"),
        ("insurance.insurer", "Rhein Versicherung AG"),
        ("insurance.policy", "P-2026-77"),
        ("insurance.coverage", "EUR 5 000 000"),
        ("contract.reference", "C-0004"),
        (
            "esm_assessment",
            "ISO 14001 certified facility, permit 2024/17",
        ),
        ("contact.name", "Jana Beispiel"),
        ("contact.phone", "+49 201 555 0100"),
        ("declaration_correct", "on"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .chain([("contract.concluded_on", today.to_owned())])
    .collect()
}

pub async fn fill_owned(b: &Browser, fields: &[(&'static str, String)]) {
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    b.fill(&borrowed).await;
}

pub fn today() -> String {
    let d = time::OffsetDateTime::now_utc().date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Opens a case, follows the action button `action`, reviews and signs; returns the index.
async fn file_action(b: &Browser, case: &str, action: &str, fields: &[(&str, &str)]) -> u64 {
    b.open(&format!("/cases/{case}")).await;
    b.click_text(action).await;
    let form = b.wait_text("Check and review").await;
    if action == "Start a movement" {
        // The movement document's page says, before signing, whether it may start.
        assert!(form.contains("Yes, it may start"), "{form}");
    }
    b.fill(fields).await;
    b.click_text("Check and review").await;
    b.wait_text("Sign and file").await;
    b.sign_and_file().await
}

async fn as_participant(w: &World, id: &str) -> Browser {
    let b = w.browser(1280, 1000).await;
    b.sign_in(&w.key(id)).await;
    b
}

pub async fn one_case_walked_through_by_each_role(w: Arc<World>) {
    let year = time::OffsetDateTime::now_utc().year();
    let case = format!("DE-{year}-0004");
    // The exporter notifies.
    let b = as_participant(&w, "exporter-de").await;
    b.click_text("New notification").await;
    b.wait_text("Notification number").await;
    fill_owned(&b, &notification_fields(&today())).await;
    b.fill(&[("_case", case.as_str())]).await;
    b.click_text("Check and review").await;
    let review = b.wait_text("Sign and file").await;
    assert!(review.contains("A1181"), "{review}");
    assert!(
        review.contains("R4 — Recycling or reclamation of metals"),
        "{review}"
    );
    // The exact bytes are shown on request, before signing.
    b.click("#bytes-button").await;
    let bytes = b.wait_text("wastetrail/statement/v2").await;
    assert!(
        bytes.contains("\"type\":\"notification.submitted\""),
        "{bytes}"
    );
    let submitted = b.sign_and_file().await;
    b.click("#receipt-link").await;
    b.wait_text(&format!("Filed: entry {submitted} of the ledger"))
        .await;
    b.wait_text("Transmission by the competent authority of DE")
        .await;
    b.close().await;

    // The authority of export finds it in its inbox and transmits it.
    let b = as_participant(&w, "ca-de").await;
    let inbox = b.wait_text(&case).await;
    assert!(inbox.contains("Waiting for you"), "{inbox}");
    let transmitted = file_action(&b, &case, "Transmit the notification", &[]).await;
    assert!(transmitted > submitted);
    b.close().await;

    // The transit authority acknowledges receipt and consents.
    let b = as_participant(&w, "ca-be").await;
    file_action(&b, &case, "Acknowledge receipt", &[]).await;
    file_action(&b, &case, "Consent to transit", &[]).await;
    b.close().await;

    // The authority of import consents with conditions and confirms the contract.
    let b = as_participant(&w, "ca-nl").await;
    file_action(
        &b,
        &case,
        "Consent",
        &[
            ("conditions.max_shipments", "1"),
            ("conditions.insurance_required", "on"),
        ],
    )
    .await;
    file_action(&b, &case, "Confirm the contract", &[]).await;
    b.close().await;

    // The exporter sees that the shipment may start, and starts it.
    let b = as_participant(&w, "exporter-de").await;
    b.open(&format!("/cases/{case}")).await;
    let page = b.wait_text("Yes, it may start").await;
    assert!(page.contains("15000 kg left of 15000 kg"), "{page}");
    let started = file_action(
        &b,
        &case,
        "Start a movement",
        &[
            ("packages.count", "12"),
            ("contact.name", "Jana Beispiel"),
            ("declaration_correct", "on"),
            ("declaration_no_objection", "on"),
        ],
    )
    .await;
    b.click("#receipt-link").await;
    let page = b
        .wait_text(&format!("Filed: entry {started} of the ledger"))
        .await;
    // The shipment's row shows its ledger entry; the consent is used up.
    assert!(page.contains(&started.to_string()), "{page}");
    assert!(page.contains("0 shipments left of 1"), "{page}");
    b.close().await;
}

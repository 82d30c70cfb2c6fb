//! Refusals in plain words: the rule ID, its citation and the rule's sentence in the user's
//! language, next to the field concerned, with everything typed kept. Both a refusal found
//! before signing (the server checks the form with the ledger's rules) and one the ledger
//! gives after signing (the case moved on meanwhile) come back to the form.

use std::sync::Arc;

use fantoccini::Locator;

use crate::support::World;
use crate::whole_case::{fill_owned, notification_fields, today};

async fn value_of(b: &crate::support::Browser, name: &str) -> String {
    b.c.find(Locator::Css(&format!("[name='{name}']")))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

pub async fn a_refusal_is_shown_with_its_citation_and_the_form_is_kept(w: Arc<World>) {
    let year = time::OffsetDateTime::now_utc().year();
    let b = w.browser(1280, 1000).await;
    b.sign_in(&w.key("exporter-de")).await;
    // A notification number under another State's prefix (CASE-03).
    for (lang, sentence) in [
        ("en", "The notification number must read"),
        ("fr", "Le numéro de notification doit s'écrire"),
    ] {
        b.open(&format!("/lang/{lang}?next=/notifications/new"))
            .await;
        b.wait_path("/notifications/new").await;
        fill_owned(&b, &notification_fields(&today())).await;
        let wrong = format!("NL-{year}-0009");
        b.fill(&[("_case", wrong.as_str())]).await;
        b.click("#filing-form button[type=submit]").await;
        let page = b.wait_text("CASE-03").await;
        assert!(
            page.contains("Basel Annex V A (notification number)"),
            "{page}"
        );
        assert!(page.contains(sentence), "{page}");
        // Next to its field.
        let next_to =
            b.c.find(Locator::Css("#f-_case-field .field-error"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
        assert!(
            next_to.contains("CASE-03") && next_to.contains(sentence),
            "{next_to}"
        );
        // Nothing typed is lost.
        assert_eq!(value_of(&b, "_case").await, wrong);
        assert_eq!(
            value_of(&b, "reason").await,
            "recovery of copper and precious metals"
        );
        assert_eq!(value_of(&b, "contact.name").await, "Jana Beispiel");
        assert_eq!(value_of(&b, "quantity.total_kg").await, "15000");
    }
    b.open("/lang/en?next=/cases").await;

    // A refusal of the ledger itself, after signing: the case moved on between review and
    // signature (another authority filed), so the statement's prev is stale.
    let case = format!("DE-{year}-0003");
    b.open(&format!("/cases/{case}")).await;
    b.click_text("Answer the questions").await;
    b.fill(&[
        ("to", "NL"),
        (
            "answer",
            "Permit 2024/17 of the province covers R4 for A1181.",
        ),
    ])
    .await;
    b.click_text("Check and review").await;
    b.wait_text("Sign and file").await;
    let other = w.browser(1280, 900).await;
    other.sign_in(&w.key("ca-be")).await;
    other.open(&format!("/cases/{case}")).await;
    other.click_text("Acknowledge receipt").await;
    other.click_text("Check and review").await;
    other.wait_text("Sign and file").await;
    other.sign_and_file().await;
    other.close().await;
    b.click("#sign-button").await;
    let page = b.wait_text("The case changed while you were filing").await;
    assert!(page.contains("Answer the questions"), "{page}");
    assert_eq!(
        value_of(&b, "answer").await,
        "Permit 2024/17 of the province covers R4 for A1181."
    );
    // Reviewed again on the new head, it is filed.
    b.click_text("Check and review").await;
    b.wait_text("Sign and file").await;
    b.sign_and_file().await;
    b.close().await;
}

//! Registration through the pages: the registrar registers a competent authority; a
//! competent authority registers an exporter of its State, who can then sign in with its own
//! key, and revokes that key, after which the key is refused.

use std::sync::Arc;

use wastetrail_ledger::statement::ParticipantSigner;

use crate::support::World;

pub async fn authorities_register_participants_and_revoke_keys(w: Arc<World>) {
    // The registrar registers a competent authority of France.
    let b = w.browser(1280, 1000).await;
    b.sign_in(&w.key("registrar")).await;
    b.open("/registry").await;
    b.click_text("Register a participant").await;
    let ca = ParticipantSigner::from_seed(&[21u8; 32]);
    b.fill(&[
        ("id", "ca-fr"),
        ("kind", "competent_authority"),
        ("country", "FR"),
        ("name", "Ministère de la Transition écologique (demo)"),
        ("address", "Tour Séquoia, La Défense"),
        ("key.public_key", &ca.public_key().to_base64()),
    ])
    .await;
    b.click_text("Check and review").await;
    b.wait_text("Sign and file").await;
    b.sign_and_file().await;
    b.click("#receipt-link").await;
    b.wait_text("ca-fr").await;
    b.close().await;

    // The German authority registers a second exporter of its State.
    let b = w.browser(1280, 1000).await;
    b.sign_in(&w.key("ca-de")).await;
    b.click_text("Registry").await;
    b.click_text("Register a participant").await;
    let exporter = ParticipantSigner::from_seed(&[22u8; 32]);
    b.fill(&[
        ("id", "exporter-de-2"),
        ("kind", "exporter"),
        ("name", "Rhein Schrott Export GmbH"),
        ("address", "Hafen 3, Duisburg"),
        ("key.public_key", &exporter.public_key().to_base64()),
    ])
    .await;
    b.click_text("Check and review").await;
    b.wait_text("Sign and file").await;
    b.sign_and_file().await;
    b.click("#receipt-link").await;
    let page = b.wait_text("exporter-de-2").await;
    assert!(page.contains("Rhein Schrott Export GmbH"), "{page}");
    // An id already in use is refused (REG-01) before anything is signed.
    b.click_text("Register a participant").await;
    b.fill(&[
        ("id", "exporter-de"),
        ("kind", "exporter"),
        ("name", "Not allowed"),
        ("address", "Nowhere"),
        ("key.public_key", &exporter.public_key().to_base64()),
    ])
    .await;
    b.click_text("Check and review").await;
    b.wait_text("REG-01").await;

    // The new exporter signs in with its own key.
    let key_file = w.dir.join("exporter-de-2.pem");
    std::fs::write(&key_file, exporter.to_pkcs8_pem().unwrap()).unwrap();
    let other = w.browser(1280, 900).await;
    other.sign_in(&key_file).await;
    other.wait_text("Rhein Schrott Export GmbH").await;
    other.close().await;

    // The authority revokes that key; signing in with it is refused from then on.
    b.open("/registry/file/key.revoked").await;
    b.fill(&[
        ("_key", &format!("exporter-de-2|{}", exporter.key_id())),
        ("reason", "the key file was lost"),
    ])
    .await;
    b.click_text("Check and review").await;
    b.wait_text("Sign and file").await;
    b.sign_and_file().await;
    b.click("#receipt-link").await;
    b.wait_text("revoked").await;
    b.close().await;
    let other = w.browser(1280, 900).await;
    other.open("/signin").await;
    let input = other
        .c
        .find(fantoccini::Locator::Id("keyfile"))
        .await
        .unwrap();
    input
        .send_keys(&key_file.display().to_string())
        .await
        .unwrap();
    other.click("#signin-button").await;
    other.wait_text("Sign-in refused").await;
    other.close().await;
}

//! Signing in with a key file, in the browser.

use std::sync::Arc;

use crate::support::World;

pub async fn sign_in_with_a_demo_key_file(w: Arc<World>) {
    let b = w.browser(1280, 900).await;
    b.sign_in(&w.key("exporter-de")).await;
    let text = b.wait_text("Elektro Recycling Export GmbH").await;
    assert!(text.contains("My cases"), "{text}");
    // The demo's cases of this exporter are listed.
    let year = time::OffsetDateTime::now_utc().year();
    assert!(text.contains(&format!("DE-{year}-0003")), "{text}");
    // The key is kept in IndexedDB, non-extractable.
    let kept = b
        .c
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               const r = indexedDB.open("wastetrail");
               r.onsuccess = () => {
                 const t = r.result.transaction("keys").objectStore("keys").get("session");
                 t.onsuccess = () => done(t.result ? [t.result.participant, t.result.key.extractable, t.result.key.algorithm.name] : null);
               };
               r.onerror = () => done(null);"#,
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(kept, serde_json::json!(["exporter-de", false, "Ed25519"]));
    b.close().await;
}

pub async fn a_wrong_key_is_refused(w: Arc<World>) {
    let b = w.browser(1280, 900).await;
    // A well-formed Ed25519 key that nobody registered.
    let stranger = wastetrail_ledger::statement::ParticipantSigner::from_seed(&[7u8; 32]);
    let pem = stranger.to_pkcs8_pem().expect("PKCS#8 PEM");
    let file = w.dir.join("stranger.pem");
    std::fs::write(&file, pem.as_bytes()).unwrap();
    b.open("/signin").await;
    let input = b.c.find(fantoccini::Locator::Id("keyfile")).await.unwrap();
    input.send_keys(&file.display().to_string()).await.unwrap();
    b.click("#signin-button").await;
    b.wait_text("Sign-in refused").await;
    assert_eq!(b.path().await, "/signin");
    // Not a key at all.
    let junk = w.dir.join("junk.pem");
    std::fs::write(&junk, "hello").unwrap();
    b.open("/signin").await;
    let input = b.c.find(fantoccini::Locator::Id("keyfile")).await.unwrap();
    input.send_keys(&junk.display().to_string()).await.unwrap();
    b.click("#signin-button").await;
    b.wait_text("not an Ed25519 private key").await;
    // Pages that need a session send the browser to the sign-in page.
    b.open("/cases").await;
    b.wait_path("/signin").await;
    b.close().await;
}

pub async fn sign_out_deletes_the_key_from_the_browser(w: Arc<World>) {
    let b = w.browser(1280, 900).await;
    b.sign_in(&w.key("ca-de")).await;
    b.wait_text("Umweltbundesamt").await;
    b.sign_out().await;
    b.wait_text("You are signed out").await;
    let dbs =
        b.c.execute_async(
            r#"const done = arguments[arguments.length - 1];
               indexedDB.databases().then(l => done(l.map(d => d.name)));"#,
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(dbs, serde_json::json!([]));
    b.open("/cases").await;
    b.wait_path("/signin").await;
    b.close().await;
}

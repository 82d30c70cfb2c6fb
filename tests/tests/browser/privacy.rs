//! The private key never leaves the browser: every byte the browser sent while signing in
//! and filing passed through a recording proxy, and none of the key's encodings is in it.

use std::sync::Arc;

use base64::Engine as _;
use wastetrail_ledger::statement::ParticipantSigner;

use crate::support::World;
use crate::whole_case::{fill_owned, notification_fields, today};

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

pub async fn the_private_key_never_appears_in_any_request(w: Arc<World>) {
    let key_file = w.key("exporter-de");
    let pem = std::fs::read_to_string(&key_file).unwrap();
    let seed = ParticipantSigner::from_pkcs8_pem(&pem).unwrap().seed();
    w.clear_sent();
    let b = w.browser(1280, 1000).await;
    b.sign_in(&key_file).await;
    b.click_text("New notification").await;
    b.wait_text("Notification number").await;
    fill_owned(&b, &notification_fields(&today())).await;
    b.click_text("Check and review").await;
    b.wait_text("Sign and file").await;
    b.click("#bytes-button").await;
    b.sign_and_file().await;
    b.close().await;

    let sent = w.sent();
    // The recording saw the sign-in and the filing...
    for marker in [
        "POST /api/v1/login ",
        "POST /api/v1/statements ",
        "\"sig\":",
    ] {
        assert!(contains(&sent, marker.as_bytes()), "{marker} not recorded");
    }
    // ...and no encoding of the private key.
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let std = base64::engine::general_purpose::STANDARD;
    let url = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut secrets = vec![
        body.clone(),
        hex::encode(seed),
        hex::encode_upper(seed),
        std.encode(seed),
        url.encode(seed),
        std.encode(seed).trim_end_matches('=').to_owned(),
    ];
    secrets.extend(
        pem.lines()
            .filter(|l| !l.starts_with("-----"))
            .map(str::to_owned),
    );
    // URL-encoded forms (a form post would carry `+`, `/`, `=` encoded).
    let encoded: Vec<String> = secrets
        .iter()
        .map(|s| {
            s.replace('+', "%2B")
                .replace('/', "%2F")
                .replace('=', "%3D")
        })
        .collect();
    secrets.extend(encoded);
    for s in &secrets {
        assert!(
            !contains(&sent, s.as_bytes()),
            "the key appeared in a request: {s}"
        );
    }
    assert!(
        !contains(&sent, &seed),
        "the raw seed appeared in a request"
    );
}

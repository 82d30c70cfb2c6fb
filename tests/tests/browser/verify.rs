//! Verify in the browser: the QR payload of a real demo movement document is proven by the
//! page's own script (inclusion proof and checkpoint signature with WebCrypto) and turns
//! green; a tampered code, a tampered inclusion proof and a tampered checkpoint signature
//! turn it red, each with its reason; the movement's evidence file (as `wastetrail export
//! --movement` writes it), opened as a file, is green, and with one proof hash changed, red.

use std::sync::Arc;

use serde_json::json;

use crate::custody::{as_participant, document_code};
use crate::support::{Browser, World};

/// Pastes `code` into the verify page and returns the result's colour and text.
async fn verify(b: &Browser, code: &str) -> (String, String) {
    b.fill(&[("code", code)]).await;
    b.click("#verify-button").await;
    wait_result(b).await
}

/// Waits for the page's answer: its colour and text.
async fn wait_result(b: &Browser) -> (String, String) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let r = b
            .c
            .execute(
                "const r = document.getElementById('verify-result'); return [r.dataset.result || '', r.innerText];",
                vec![],
            )
            .await
            .expect("the result");
        let colour = r[0].as_str().unwrap_or_default().to_owned();
        if colour == "green" || colour == "red" {
            return (colour, r[1].as_str().unwrap_or_default().to_owned());
        }
        assert!(std::time::Instant::now() < deadline, "no result");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Makes the page's `fetch` alter the answers of `path_part` with `edit` (a JS function body
/// over the answer text `t`), as a lying server or a tampered proof would.
async fn tamper(b: &Browser, path_part: &str, edit: &str) {
    b.c.execute(
        r#"const [part, edit] = arguments;
           const change = new Function("t", edit);
           const original = window.__fetch || window.fetch;
           window.__fetch = original;
           window.fetch = async (u, o) => {
             const r = await original(u, o);
             if (!String(u).includes(part)) return r;
             return new Response(change(await r.text()), { status: r.status, headers: r.headers });
           };"#,
        vec![json!(path_part), json!(edit)],
    )
    .await
    .expect("tamper");
}

pub async fn a_movement_code_verifies_green_in_the_browser_and_tampering_turns_it_red(
    w: Arc<World>,
) {
    let year = time::OffsetDateTime::now_utc().year();
    let case = format!("DE-{year}-0002");
    let b = as_participant(&w, "exporter-de").await;
    let code = document_code(&b, &case, 1).await;
    b.close().await;

    // Anyone, signed in or not.
    let b = w.browser(1280, 1000).await;
    b.open("/verify").await;
    b.wait_text("Verify in the browser").await;
    let (colour, text) = verify(&b, &code).await;
    assert_eq!(colour, "green", "{text}");
    assert!(text.contains("Proven: in the ledger"), "{text}");
    let index = code.split(':').nth(1).unwrap();
    assert!(
        text.contains(&format!("is entry {index} of a tree")),
        "{text}"
    );
    assert!(text.contains("signed with the log key"), "{text}");
    assert!(text.contains("Not proven here"), "{text}");

    // The leaf hash alone verifies too.
    let hash_b64 = code.split(':').nth(3).unwrap();
    let (colour, _) = verify(&b, &b64url_to_hex(hash_b64)).await;
    assert_eq!(colour, "green");

    // A code with one character of its leaf hash changed: no such entry.
    let mut forged: Vec<char> = code.chars().collect();
    let at = code.find(hash_b64).unwrap() + 5;
    forged[at] = if forged[at] == 'A' { 'B' } else { 'A' };
    let forged: String = forged.into_iter().collect();
    let (colour, text) = verify(&b, &forged).await;
    assert_eq!(colour, "red", "{text}");
    assert!(text.contains("No entry with this leaf hash"), "{text}");

    // A code of another ledger.
    let origin = code.splitn(5, ':').nth(4).unwrap();
    let other = format!(
        "{}elsewhere.example/log",
        &code[..code.len() - origin.len()]
    );
    let (colour, text) = verify(&b, &other).await;
    assert_eq!(colour, "red", "{text}");
    assert!(text.contains("belongs to the ledger"), "{text}");

    // A tampered inclusion proof: one hash of the path changed on its way to the browser.
    tamper(
        &b,
        "/api/v1/proof/inclusion",
        r#"const j = JSON.parse(t); const h = j.proof[0]; j.proof[0] = (h[0] === "0" ? "1" : "0") + h.slice(1); return JSON.stringify(j);"#,
    )
    .await;
    let (colour, text) = verify(&b, &code).await;
    assert_eq!(colour, "red", "{text}");
    assert!(text.contains("does not lead to the signed root"), "{text}");

    // A checkpoint whose signature does not match the log key (this replaces the tampering
    // of the proof).
    tamper(
        &b,
        "/checkpoint",
        r#"const lines = t.split("\n"); lines[1] = String(Number(lines[1]) + 1); return lines.join("\n");"#,
    )
    .await;
    let (colour, text) = verify(&b, &code).await;
    assert_eq!(colour, "red", "{text}");
    assert!(text.contains("does not carry a valid signature"), "{text}");
    b.close().await;

    // An evidence file of the movement, made as `wastetrail export --movement` makes it.
    let evidence = evidence_of(&w, hash_b64).await;
    let b = w.browser(1280, 1000).await;
    b.open("/verify").await;
    let file = tempfile::NamedTempFile::with_suffix(".json").expect("temp file");
    std::fs::write(file.path(), evidence.to_string()).expect("write the evidence");
    b.c.find(fantoccini::Locator::Id("verify-file"))
        .await
        .expect("the file input")
        .send_keys(&file.path().display().to_string())
        .await
        .expect("open the file");
    let (colour, text) = wait_result(&b).await;
    assert_eq!(colour, "green", "{text}");
    let count = evidence["proofs"].as_array().unwrap().len();
    assert!(
        text.contains(&format!(
            "All {count} entries of the evidence file for case {case}"
        )),
        "{text}"
    );
    assert!(text.contains("Not checked in the browser"), "{text}");
    // One hash of one inclusion proof changed: red.
    let mut tampered = evidence.clone();
    let proof = tampered["proofs"][count - 1].as_str().unwrap().to_owned();
    let mut lines: Vec<String> = proof.lines().map(str::to_owned).collect();
    let at = lines.iter().position(|l| l.starts_with("index ")).unwrap() + 1;
    assert!(
        lines[at].len() == 44,
        "a proof hash after the index: {proof}"
    );
    let first = if lines[at].starts_with('A') { "B" } else { "A" };
    lines[at] = format!("{first}{}", &lines[at][1..]);
    tampered["proofs"][count - 1] =
        serde_json::Value::String(lines.join("\n") + if proof.ends_with('\n') { "\n" } else { "" });
    let (colour, text) = verify(&b, &tampered.to_string()).await;
    assert_eq!(colour, "red", "{text}");
    assert!(text.contains("does not lead to the signed root"), "{text}");
    b.close().await;
}

/// The evidence file of the movement with leaf hash `hash_b64` (base64url), exported by the
/// exporter through the CLI's library, verified by it before it is returned.
async fn evidence_of(w: &World, hash_b64: &str) -> serde_json::Value {
    use base64::Engine as _;
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(hash_b64)
        .expect("base64url");
    let hash: [u8; 32] = raw.try_into().expect("32 bytes");
    let mut client = wastetrail::client::Client::connect(&w.url, None)
        .await
        .expect("connect");
    let signer = wastetrail::keys::read_signer(&w.key("exporter-de")).expect("the key");
    client.login("exporter-de", &signer).await.expect("login");
    wastetrail::export::evidence(&client, None, Some(hash), None, "ZZ")
        .await
        .expect("the evidence file")
}

fn b64url_to_hex(s: &str) -> String {
    use base64::Engine as _;
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s)
        .expect("base64url");
    hex::encode(raw)
}

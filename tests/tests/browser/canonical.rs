//! The browser's canonical JSON, sealing and statement signing input are those of
//! `wastetrail-ledger`: the same bodies and salts give the same bytes.

use std::sync::Arc;

use base64::Engine as _;
use serde_json::{Value, json};
use wastetrail_ledger::disclosure::{Disclosure, Salt};
use wastetrail_ledger::statement::Statement;

use crate::support::World;

fn bodies() -> Vec<Value> {
    vec![
        json!({"sent_on": "2026-12-02"}),
        json!({
            "kind": "single", "reason": "récupération — «métaux» \u{1F4BB} \"quoted\" \\ back\nslash\ttab \u{0001}\u{2028}",
            "quantity": {"total_kg": 9_007_199_254_740_991_u64, "per_shipment_kg": 1},
            "waste": {"codes": ["A1181", "Y49"], "description": "printed circuit boards"},
            "carriers": ["carrier-de", "carrier-nl"],
            "transit": [{"country": "BE", "authority": "ca-be"}],
            "declaration_correct": true, "empty": {}, "none": [], "z": null,
            "\u{e9}t\u{e9}": 1, "B": 2, "a": 3, "\u{1F600}": 4, "\u{FB33}": 5,
            "contact": {"name": "Jana Beispiel", "phone": "+49 201 555 0100"},
        }),
        json!({"generators": [{"participant": "g", "contact": {"name": "A"}}], "contact": {"name": "B", "email": "b@example.org"}}),
    ]
}

fn salts(n: usize) -> Vec<Salt> {
    (0..n)
        .map(|i| Salt::from_bytes([u8::try_from(i).unwrap().wrapping_mul(37).wrapping_add(1); 32]))
        .collect()
}

pub async fn javascript_sealing_and_signing_input_match_rust(w: Arc<World>) {
    let b = w.browser(1024, 768).await;
    b.open("/signin").await;
    for body in bodies() {
        let given = salts(4);
        let b64: Vec<String> = given.iter().map(Salt::to_base64).collect();
        let js = b
            .c
            .execute_async(
                r#"const [body, salts, done] = arguments;
                   const wt = window.wastetrail;
                   wt.seal(body, salts.map(wt.unb64)).then(s => {
                     const st = {type: "notification.submitted", case: "DE-2026-0001", actor: "exporter-de",
                       key: "ed25519:0011223344556677", issued_at: "2026-12-02T10:00:00Z", prev: null,
                       commitment: s.commitment};
                     done({jcs: wt.jcs(body), commitment: s.commitment, disclosure: s.disclosure,
                           input: new TextDecoder().decode(wt.signingInput(st))});
                   }).catch(e => done({error: String(e)}));"#,
                vec![body.clone(), json!(b64)],
            )
            .await
            .unwrap();
        assert!(js.get("error").is_none(), "{js}");
        // Canonical JSON.
        let rust_jcs = wastetrail_ledger::jcs::canonicalize(&body).unwrap();
        assert_eq!(
            js["jcs"].as_str().unwrap().as_bytes(),
            rust_jcs.as_slice(),
            "{body}"
        );
        // Sealing with the same salts.
        let mut it = given.clone().into_iter();
        let sealed = Disclosure::seal_with(body.clone(), &mut || it.next().unwrap()).unwrap();
        let commitment = hex::encode(sealed.commitment().unwrap());
        assert_eq!(js["commitment"], json!(commitment), "{body}");
        assert_eq!(js["disclosure"], sealed.to_value(), "{body}");
        // The statement's signing input.
        let st = Statement::from_value(&json!({
            "type": "notification.submitted", "case": "DE-2026-0001", "actor": "exporter-de",
            "key": "ed25519:0011223344556677", "issued_at": "2026-12-02T10:00:00Z", "prev": null,
            "commitment": commitment,
        }))
        .unwrap();
        let input = st.signing_input().unwrap();
        assert_eq!(js["input"].as_str().unwrap().as_bytes(), input.as_slice());
    }
    // The browser signs those bytes with Ed25519 exactly as the ledger verifies them.
    let seed = [9u8; 32];
    let signer = wastetrail_ledger::statement::ParticipantSigner::from_seed(&seed);
    let pem = signer.to_pkcs8_pem().unwrap();
    let sig = b
        .c
        .execute_async(
            r#"const [pem, done] = arguments;
               const wt = window.wastetrail;
               wt.importPem(pem).then(k => crypto.subtle.sign("Ed25519", k.key, new TextEncoder().encode("wastetrail/statement/v2\n{}"))
                 .then(s => done({sig: wt.b64(s), keyId: k.keyId, extractable: k.key.extractable})))
                 .catch(e => done({error: String(e)}));"#,
            vec![json!(pem)],
        )
        .await
        .unwrap();
    assert_eq!(sig["keyId"], json!(signer.key_id().to_string()));
    assert_eq!(sig["extractable"], json!(false));
    let raw = base64::engine::general_purpose::STANDARD
        .decode(sig["sig"].as_str().unwrap())
        .unwrap();
    let vk = ed25519_dalek::VerifyingKey::from_bytes(&signer.public_key().to_bytes()).unwrap();
    vk.verify_strict(
        b"wastetrail/statement/v2\n{}",
        &ed25519_dalek::Signature::from_slice(&raw).unwrap(),
    )
    .expect("the browser's signature verifies");
    b.close().await;
}

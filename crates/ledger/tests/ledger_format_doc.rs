//! Keeps the worked example of docs/ledger-format.md true: every value the document shows
//! in a block marked `<!-- example:NAME -->` is recomputed here from the example's inputs
//! and compared with the document. Run with `WASTETRAIL_PRINT_EXAMPLE=1 ... --nocapture`
//! to print the values.

// Test code: a panic is a failing test (clippy.toml allows this in #[test] fns; the
// helpers here are test code too).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::json;
use std::collections::BTreeMap;
use std::path::Path;
use wastetrail_ledger::checkpoint::Checkpoint;
use wastetrail_ledger::cosignature::CosignatureSigner;
use wastetrail_ledger::disclosure::{Disclosure, Salt};
use wastetrail_ledger::merkle::{
    consistency_proof, inclusion_proof, leaf_hash, root, verify_consistency, verify_inclusion,
};
use wastetrail_ledger::note::{NoteSigner, open_note};
use wastetrail_ledger::statement::{Leaf, ParticipantSigner, Statement, Timestamp};
use wastetrail_ledger::tiles::{TileId, entry_bundle_bytes, tile_bytes, tiles_for_size};

fn seed(start: u8) -> [u8; 32] {
    std::array::from_fn(|i| start + i as u8)
}

/// Every example value, by name.
fn example() -> BTreeMap<&'static str, String> {
    let mut out = BTreeMap::new();
    let p = ParticipantSigner::from_seed(&seed(0x00));
    out.insert("participant_seed_hex", hex::encode(p.seed()));
    out.insert("participant_public_key_b64", p.public_key().to_base64());
    out.insert("participant_key_id", p.key_id().to_string());

    // Salts: the body's from bytes 60..7f, the contact's from 80..9f.
    let mut salts = [Salt::from_bytes(seed(0x60)), Salt::from_bytes(seed(0x80))].into_iter();
    let body1 = json!({
        "waste_code": "A1181", "quantity_kg": 12500, "state_of_import": "XB",
        "contact": {"name": "Ana Example", "email": "ana@exporter.example"}
    });
    out.insert(
        "body1",
        String::from_utf8(wastetrail_ledger::jcs::canonicalize(&body1).unwrap()).unwrap(),
    );
    let d1 = Disclosure::seal_with(body1.clone(), &mut || salts.next().unwrap()).unwrap();
    out.insert(
        "disclosure1",
        String::from_utf8(d1.to_bytes().unwrap()).unwrap(),
    );
    let c1 = d1.commitment().unwrap();
    out.insert("commitment1_hex", hex::encode(c1));
    d1.check(&c1).unwrap();
    assert_eq!(d1.full_body(), body1);
    let mut erased = d1.clone();
    erased.erase_personal();
    erased.check(&c1).unwrap();
    out.insert(
        "disclosure1_erased",
        String::from_utf8(erased.to_bytes().unwrap()).unwrap(),
    );
    let s1 = Statement::new(
        "notification.submitted",
        "XA-2026-0001",
        "exporter-xa-1",
        p.key_id(),
        Timestamp::parse("2026-03-01T09:30:00Z").unwrap(),
        None,
        c1,
    )
    .unwrap();
    let signing_input = s1.signing_input().unwrap();
    out.insert(
        "signing_input",
        String::from_utf8(signing_input.clone()).unwrap(),
    );
    out.insert("signing_input_sha256_hex", {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(&signing_input))
    });
    let signed1 = p.sign(s1).unwrap();
    signed1.verify(&p.public_key()).unwrap();
    out.insert("sig_b64", {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(signed1.sig)
    });
    let leaf1 = Leaf::new(signed1, Timestamp::parse("2026-03-01T09:30:02Z").unwrap());
    let lb1 = leaf1.to_bytes().unwrap();
    out.insert("leaf1", String::from_utf8(lb1.clone()).unwrap());
    let h1 = leaf_hash(&lb1);
    out.insert("leaf1_hash_hex", hex::encode(h1));

    let d2 = Disclosure::seal_with(json!({"reason": "contract cancelled"}), &mut || {
        Salt::from_bytes(seed(0xa0))
    })
    .unwrap();
    out.insert(
        "disclosure2",
        String::from_utf8(d2.to_bytes().unwrap()).unwrap(),
    );
    let s2 = Statement::new(
        "notification.withdrawn",
        "XA-2026-0001",
        "exporter-xa-1",
        p.key_id(),
        Timestamp::parse("2026-03-02T08:00:00Z").unwrap(),
        Some(h1),
        d2.commitment().unwrap(),
    )
    .unwrap();
    let leaf2 = Leaf::new(
        p.sign(s2).unwrap(),
        Timestamp::parse("2026-03-02T08:00:01Z").unwrap(),
    );
    let lb2 = leaf2.to_bytes().unwrap();
    out.insert("leaf2", String::from_utf8(lb2.clone()).unwrap());
    let h2 = leaf_hash(&lb2);
    out.insert("leaf2_hash_hex", hex::encode(h2));
    out.insert(
        "qr_payload",
        wastetrail_ledger::qr::MovementRef {
            origin: "wastetrail.example/log".into(),
            index: 1,
            size: 2,
            leaf_hash: h2,
        }
        .to_string(),
    );
    let leaves = [h1, h2];
    let r2 = root(&leaves);
    out.insert("root2_hex", hex::encode(r2));
    let incl = inclusion_proof(0, &leaves).unwrap();
    verify_inclusion(&h1, 0, 2, &incl, &r2).unwrap();
    out.insert(
        "inclusion_0_of_2_hex",
        incl.iter().map(hex::encode).collect::<Vec<_>>().join("\n"),
    );
    let cons = consistency_proof(1, &leaves).unwrap();
    verify_consistency(1, 2, &cons, &h1, &r2).unwrap();
    out.insert(
        "consistency_1_to_2_hex",
        cons.iter().map(hex::encode).collect::<Vec<_>>().join("\n"),
    );

    let log = NoteSigner::from_seed("wastetrail.example/log", &seed(0x20)).unwrap();
    out.insert("log_skey", log.to_skey());
    out.insert("log_vkey", log.verifier().to_vkey());
    out.insert(
        "log_key_pem",
        log.to_pkcs8_pem().unwrap().trim_end().to_owned(),
    );
    let cp = Checkpoint::new("wastetrail.example/log", 2, r2).unwrap();
    let note = cp.sign(&log).unwrap();
    out.insert("checkpoint_note", note.trim_end().to_owned());
    let w = CosignatureSigner::from_seed("witness.example/w1", &seed(0x40)).unwrap();
    out.insert("witness_vkey", w.verifier().to_vkey());
    let ts = Timestamp::parse("2026-03-02T08:00:05Z").unwrap().unix() as u64;
    out.insert("cosignature_timestamp", ts.to_string());
    let line = w.cosign(&cp, ts).to_line();
    out.insert("cosignature_line", line.trim_end().to_owned());
    let cosigned = format!("{note}{line}");
    let n = open_note(cosigned.as_bytes(), &[log.verifier(), w.verifier()]).unwrap();
    assert_eq!(n.signatures.len(), 2);

    let tiles = tiles_for_size(2);
    assert_eq!(
        tiles,
        vec![TileId {
            level: 0,
            index: 0,
            width: 2
        }]
    );
    out.insert("tile_path", tiles[0].path());
    out.insert("tile_hex", hex::encode(tile_bytes(&leaves)));
    let bundle = entry_bundle_bytes(&[&lb1, &lb2]).unwrap();
    out.insert("bundle_len", bundle.len().to_string());
    out.insert("bundle_head_hex", hex::encode(&bundle[..8]));
    out
}

/// Reads `<!-- example:NAME -->` + fenced block pairs from the document.
fn doc_blocks(doc: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut lines = doc.lines();
    while let Some(l) = lines.next() {
        let Some(name) = l
            .trim()
            .strip_prefix("<!-- example:")
            .and_then(|r| r.strip_suffix(" -->"))
        else {
            continue;
        };
        let fence = lines.next().unwrap_or_default();
        assert!(
            fence.starts_with("```"),
            "example:{name} must be followed by a fenced block"
        );
        let mut body = Vec::new();
        for l in lines.by_ref() {
            if l.starts_with("```") {
                break;
            }
            body.push(l);
        }
        out.insert(name.to_owned(), body.join("\n"));
    }
    out
}

#[test]
fn doc_example_values_are_true() {
    let ex = example();
    if std::env::var_os("WASTETRAIL_PRINT_EXAMPLE").is_some() {
        for (k, v) in &ex {
            println!("<!-- example:{k} -->\n```text\n{v}\n```\n");
        }
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/ledger-format.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let blocks = doc_blocks(&doc);
    assert!(
        blocks.len() >= 20,
        "the document shows only {} example blocks",
        blocks.len()
    );
    for (name, shown) in &blocks {
        let want = ex
            .get(name.as_str())
            .unwrap_or_else(|| panic!("docs/ledger-format.md shows unknown example:{name}"));
        assert_eq!(
            shown, want,
            "docs/ledger-format.md example:{name} is out of date"
        );
    }
    for name in ex.keys() {
        assert!(
            blocks.contains_key(*name),
            "docs/ledger-format.md lacks example:{name}"
        );
    }
    println!(
        "docs/ledger-format.md: {} example values checked",
        blocks.len()
    );
}

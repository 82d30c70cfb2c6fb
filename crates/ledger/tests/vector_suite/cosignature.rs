//! cosignature.json: real tlog-cosignature/v1 (type 0x04) cosignatures, timestamp decoding,
//! the C2SP example (parse only: its keys are unpublished).

use super::{Ctx, R, arr, b64, get, s, sha256, u};
use serde_json::Value;
use wastetrail_ledger::checkpoint::Checkpoint;
use wastetrail_ledger::cosignature::{
    CosignatureSigner, cosignature_message, cosignature_timestamp, verify_cosignature,
};
use wastetrail_ledger::note::{
    NoteSignature, NoteVerifier, SIG_TYPE_COSIGNATURE_V1, SIG_TYPE_ED25519, open_note, parse_note,
};

fn vectors(v: &Value, ctx: &mut Ctx) -> R<()> {
    for vec in arr(v, "vectors")? {
        ctx.vector();
        let id = s(vec, "id")?.to_owned();
        let vkey = s(vec, "vkey")?;
        let ver = NoteVerifier::parse(vkey).map_err(|e| format!("{id}: {e}"))?;
        ctx.eq(
            ver.sig_type(),
            SIG_TYPE_COSIGNATURE_V1,
            &format!("{id}: type"),
        );
        ctx.eq(
            ver.to_vkey(),
            vkey.to_owned(),
            &format!("{id}: vkey round trip"),
        );
        let seed = sha256(s(vec, "seed_preimage")?.as_bytes());
        let signer = CosignatureSigner::from_seed(ver.name(), &seed).map_err(|e| e.to_string())?;
        ctx.eq(
            signer.verifier(),
            ver.clone(),
            &format!("{id}: seed derives vkey"),
        );
        let note = s(vec, "note")?;
        let ts = u(vec, "expected_timestamp")?;
        match open_note(note.as_bytes(), std::slice::from_ref(&ver)) {
            Ok(n) => {
                ctx.eq(
                    n.signatures.len(),
                    1,
                    &format!("{id}: one verified cosignature"),
                );
                ctx.eq(
                    n.signatures.first().and_then(|s| s.timestamp),
                    Some(ts),
                    &format!("{id}: timestamp"),
                );
                let cp = Checkpoint::parse_text(&n.text).map_err(|e| e.to_string())?;
                // Ed25519 is deterministic: re-cosigning reproduces the line.
                let line = signer.cosign(&cp, ts).to_line();
                ctx.check(note.contains(&line), || {
                    format!("{id}: cosignature reproduced")
                });
                ctx.eq(
                    verify_cosignature(&ver, &n.text, &line).ok(),
                    Some(ts),
                    &format!("{id}: verify_cosignature"),
                );
                // The same bytes are not a plain signature over the bare text.
                let plain = NoteVerifier::new(ver.name(), SIG_TYPE_ED25519, &ver.public_key())
                    .map_err(|e| e.to_string())?;
                let sig = NoteSignature::parse_line(&line).map_err(|e| e.to_string())?;
                let raw_sig = sig.signature.get(8..).ok_or("short")?;
                ctx.check(plain.verify(&n.text, raw_sig).is_err(), || {
                    format!("{id}: cosignature verified as plain signature")
                });
                // Another timestamp does not verify.
                let moved = signer.cosign(&cp, ts + 1);
                let mut forged = sig.clone();
                forged.signature[..8].copy_from_slice(&(ts + 1).to_be_bytes());
                ctx.check(
                    verify_cosignature(&ver, &n.text, &forged.to_line()).is_err()
                        && moved.signature != sig.signature,
                    || format!("{id}: timestamp not bound"),
                );
            }
            Err(e) => ctx.check(false, || format!("{id}: {e}")),
        }
    }
    Ok(())
}

fn timestamp_only(v: &Value, ctx: &mut Ctx) -> R<()> {
    let t = get(v, "timestamp_only")?;
    ctx.vectors += 3; // cosignature, non-cosignature, vkey
    let raw = b64(s(t, "signature_b64")?)?;
    ctx.eq(
        raw.get(4..).and_then(cosignature_timestamp),
        Some(u(t, "expected_unix_time")?),
        "timestamp decoding",
    );
    let not = b64(s(t, "not_a_cosignature_b64")?)?;
    ctx.eq(
        not.get(4..).and_then(cosignature_timestamp),
        None,
        "64-byte signature has no timestamp",
    );
    let ver = NoteVerifier::parse(s(t, "valid_cosigv1_vkey")?).map_err(|e| e.to_string())?;
    ctx.eq(ver.sig_type(), SIG_TYPE_COSIGNATURE_V1, "cosigv1 vkey type");
    Ok(())
}

fn spec_example(v: &Value, ctx: &mut Ctx) -> R<()> {
    let ex = get(v, "c2sp_spec_example")?;
    ctx.vector();
    let note = parse_note(s(ex, "note")?.as_bytes()).map_err(|e| e.to_string())?;
    let expect = s(ex, "expect")?;
    let want_kid = expect
        .split("keyID ")
        .nth(1)
        .and_then(|r| r.get(..8))
        .and_then(|h| u32::from_str_radix(h, 16).ok())
        .ok_or("no keyID in expect")?;
    let want_ts: u64 = expect
        .split("timestamp ")
        .nth(1)
        .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|d| d.parse().ok())
        .ok_or("no timestamp in expect")?;
    let w = note.signatures.get(1).ok_or("no witness line")?;
    ctx.eq(w.key_id, want_kid, "C2SP witness key ID");
    ctx.eq(
        cosignature_timestamp(&w.signature),
        Some(want_ts),
        "C2SP witness timestamp",
    );
    ctx.eq(
        cosignature_message(&note.text, want_ts),
        s(ex, "signed_message_example")?.as_bytes().to_vec(),
        "C2SP signed message",
    );
    Ok(())
}

pub fn check(v: &Value, ctx: &mut Ctx) {
    ctx.run("cosignatures", |ctx| vectors(v, ctx));
    ctx.run("timestamp only", |ctx| timestamp_only(v, ctx));
    ctx.run("C2SP example", |ctx| spec_example(v, ctx));
}

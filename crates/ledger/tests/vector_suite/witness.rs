//! witness-add-checkpoint.json: replays litewitness's add-checkpoint sequence through
//! `wastetrail_ledger::witness::Witness`.
//!
//! Rule (documented, counted): this litewitness snapshot answers 403 "unknown log" for an
//! unknown origin where current C2SP text says 404; our witness answers 404, and an expected
//! 403 whose assertion mentions "unknown log" is matched against 404.

use super::{Ctx, R, arr, between, get, hexd, s, sha256, u};
use serde_json::Value;
use wastetrail_ledger::checkpoint::Checkpoint;
use wastetrail_ledger::cosignature::CosignatureSigner;
use wastetrail_ledger::merkle::{Hash, root};
use wastetrail_ledger::note::{NoteSignature, NoteVerifier, SIG_TYPE_ED25519, parse_note};
use wastetrail_ledger::witness::{AddCheckpointRequest, Witness};

fn replay(v: &Value, ctx: &mut Ctx) -> R<()> {
    let pk: [u8; 32] = hexd(s(v, "log_public_key_hex")?)?
        .try_into()
        .map_err(|_| "key length")?;
    // A Sigsum-style origin, as the file says: the Sigsum specification's formula.
    let origin = format!("sigsum.org/v1/tree/{}", hex::encode(sha256(&pk)));
    let log_key = NoteVerifier::new(&origin, SIG_TYPE_ED25519, &pk).map_err(|e| e.to_string())?;
    let name = s(v, "witness_name")?;
    let cosigner = CosignatureSigner::from_seed(name, &sha256(b"vector replay witness"))
        .map_err(|e| e.to_string())?;
    let mut w = Witness::new(cosigner.clone());
    w.add_log(origin.clone(), log_key);
    let leaves = synthetic_leaves(s(v, "leaf_hashes_rule")?)?;
    for (i, r) in arr(v, "requests")?.iter().enumerate() {
        ctx.vector();
        let body = s(r, "request_body")?;
        let want = u(r, "expected_status")?;
        let assert = s(r, "assert")?;
        let got = w.add_checkpoint(body.as_bytes(), 1_767_139_200);
        match got {
            Ok(resp) => {
                ctx.eq(200, want, &format!("request {i} status"));
                let needle = assert.split('"').nth(1).ok_or("no quoted text in assert")?;
                ctx.check(resp.contains(needle), || {
                    format!("request {i}: {resp:?} lacks {needle:?}")
                });
                // The accepted checkpoint's root is the MTH of the synthetic leaves, and our
                // cosignature verifies.
                let req =
                    AddCheckpointRequest::parse(body.as_bytes()).map_err(|e| e.to_string())?;
                let note = parse_note(req.note.as_bytes()).map_err(|e| e.to_string())?;
                let cp = Checkpoint::parse_text(&note.text).map_err(|e| e.to_string())?;
                let slice = leaves.get(..cp.size as usize).ok_or("size")?;
                ctx.eq(
                    cp.root,
                    root(slice),
                    &format!("request {i}: root = MTH(synthetic)"),
                );
                ctx.eq(
                    wastetrail_ledger::cosignature::verify_cosignature(
                        &cosigner.verifier(),
                        &note.text,
                        &resp,
                    )
                    .ok(),
                    Some(1_767_139_200),
                    &format!("request {i}: cosignature"),
                );
            }
            Err(e) => {
                let status = u64::from(e.status());
                if want == 403 && assert.contains("unknown log") {
                    ctx.rule("unknown origin: litewitness 403, C2SP/ours 404");
                    ctx.eq(status, 404, &format!("request {i} status (unknown origin)"));
                } else {
                    ctx.eq(status, want, &format!("request {i} status ({e})"));
                }
                if let Some(body) = assert.strip_prefix("body == ") {
                    let body: String = serde_json::from_str(body).map_err(|e| e.to_string())?;
                    ctx.eq(e.response_body(), body, &format!("request {i} body"));
                }
            }
        }
    }
    Ok(())
}

/// The synthetic leaf hashes of `leaf_hashes_rule`, `leaf i hash = bytes([42, i]) + 30 zero
/// bytes`: the listed bytes (numbers, or `i` for the leaf index) padded with zeros to 32, for
/// leaf indices 0..=255.
fn synthetic_leaves(rule: &str) -> R<Vec<Hash>> {
    let listed = between(rule, "bytes([", "])")?;
    let zeros: usize = between(rule, "+ ", " zero bytes")?
        .parse()
        .map_err(|_| format!("no zero-byte count in {rule:?}"))?;
    let items: Vec<&str> = listed.split(',').map(str::trim).collect();
    if items.len() + zeros != 32 {
        return Err(format!("{rule:?} does not make 32 bytes"));
    }
    (0..=255u8)
        .map(|i| {
            let mut h = [0u8; 32];
            for (slot, item) in h.iter_mut().zip(&items) {
                *slot = match *item {
                    "i" => i,
                    n => n.parse().map_err(|_| format!("byte {n:?} in {rule:?}"))?,
                };
            }
            Ok(h)
        })
        .collect()
}

fn spec_example(v: &Value, ctx: &mut Ctx) -> R<()> {
    let ex = get(v, "c2sp_spec_example")?;
    ctx.vector();
    let req = AddCheckpointRequest::parse(s(ex, "request_body")?.as_bytes())
        .map_err(|e| e.to_string())?;
    ctx.eq(
        req.to_body(),
        s(ex, "request_body")?.to_owned(),
        "request round trip",
    );
    let note = parse_note(req.note.as_bytes()).map_err(|e| e.to_string())?;
    let cp = Checkpoint::parse_text(&note.text).map_err(|e| e.to_string())?;
    ctx.check(req.old_size < cp.size && !req.proof.is_empty(), || {
        "C2SP request fields".into()
    });
    for line in s(ex, "response_body")?.lines() {
        ctx.check(NoteSignature::parse_line(line).is_ok(), || {
            format!("response line {line}")
        });
    }
    Ok(())
}

pub fn check(v: &Value, ctx: &mut Ctx) {
    ctx.run("replay", |ctx| replay(v, ctx));
    ctx.run("C2SP example", |ctx| spec_example(v, ctx));
}

//! signed-note.json: Ed25519 notes, vkeys/skeys, multi-signer notes, invalid vkeys.

use super::{Ctx, R, arr, as_str, get, hexd, s, sha256};
use serde_json::Value;
use wastetrail_ledger::note::{
    NoteError, NoteSigner, NoteVerifier, SIG_TYPE_ED25519, key_id, open_note, sign_note,
};

fn vkey_checks(ctx: &mut Ctx, vkey: &str) -> R<NoteVerifier> {
    let v = NoteVerifier::parse(vkey).map_err(|e| format!("vkey {vkey}: {e}"))?;
    ctx.eq(v.to_vkey(), vkey.to_owned(), "vkey round trip");
    ctx.eq(
        key_id(v.name(), v.sig_type(), &v.public_key()),
        v.key_id(),
        "key ID formula",
    );
    Ok(v)
}

/// Opens `note` with `verifiers`, expecting success; also checks that a tampered text fails.
fn open_ok(ctx: &mut Ctx, id: &str, note: &str, verifiers: &[NoteVerifier], want_sigs: usize) {
    match open_note(note.as_bytes(), verifiers) {
        Ok(n) => {
            ctx.eq(
                n.signatures.len(),
                want_sigs,
                &format!("{id}: verified signatures"),
            );
            ctx.check(note.starts_with(&n.text), || format!("{id}: text"));
            let mut tampered = note.as_bytes().to_vec();
            tampered[0] ^= 0x20;
            ctx.check(open_note(&tampered, verifiers).is_err(), || {
                format!("{id}: tampered note accepted")
            });
        }
        Err(e) => ctx.check(false, || format!("{id}: note rejected: {e}")),
    }
}

/// The signer whose key an `expect` text says comes from an all-zero seed, e.g. `EnochRoot key =
/// note.GenerateKey with an all-zero rand reader (seed = 32 zero bytes)` -> `EnochRoot`.
fn zero_seed_signer(expect: &str) -> Option<&str> {
    expect
        .split(';')
        .find(|clause| clause.contains("seed = 32 zero bytes"))
        .and_then(|clause| clause.split(" key").next())
        .map(str::trim)
        .filter(|name| !name.is_empty())
}

pub fn check(v: &Value, ctx: &mut Ctx) {
    ctx.run("vectors", |ctx| {
        for vec in arr(v, "vectors")? {
            ctx.vector();
            let id = s(vec, "id")?.to_owned();
            if let (Ok(vkey), Ok(note)) = (s(vec, "vkey"), s(vec, "note")) {
                let ver = vkey_checks(ctx, vkey)?;
                open_ok(ctx, &id, note, std::slice::from_ref(&ver), 1);
                if let (Ok(skey), Ok(text)) = (s(vec, "skey"), s(vec, "text")) {
                    let signer = NoteSigner::parse(skey).map_err(|e| e.to_string())?;
                    ctx.eq(
                        signer.to_skey(),
                        skey.to_owned(),
                        &format!("{id}: skey round trip"),
                    );
                    ctx.eq(
                        signer.verifier(),
                        ver.clone(),
                        &format!("{id}: skey derives vkey"),
                    );
                    ctx.eq(
                        sign_note(text, &[&signer]).ok(),
                        Some(note.to_owned()),
                        &format!("{id}: signing reproduces the note"),
                    );
                }
            }
            if let (Ok(vkeys), Ok(note)) = (arr(vec, "vkeys"), s(vec, "note")) {
                let vers: Vec<NoteVerifier> = vkeys
                    .iter()
                    .map(|k| vkey_checks(ctx, as_str(k)?))
                    .collect::<R<_>>()?;
                open_ok(ctx, &id, note, &vers, vers.len());
                // Each key alone opens it too (the other signature is then unknown).
                for ver in &vers {
                    open_ok(ctx, &id, note, std::slice::from_ref(ver), 1);
                }
                // A signer whose key the vector says comes from an all-zero seed.
                if let Some(name) = s(vec, "expect").ok().and_then(zero_seed_signer) {
                    let z = NoteSigner::from_seed(name, &[0; 32]).map_err(|e| e.to_string())?;
                    ctx.check(vers.contains(&z.verifier()), || {
                        format!("{id}: {name}'s key is not the all-zero seed's")
                    });
                }
            }
            if let Ok(signers) = get(vec, "signers") {
                let text = s(vec, "note_text")?;
                let signers = signers.as_object().ok_or("signers is not an object")?;
                let mut vers = Vec::new();
                let mut lines = String::new();
                for (name, sv) in signers {
                    ctx.vector();
                    let ver = vkey_checks(ctx, s(sv, "vkey")?)?;
                    ctx.eq(ver.name(), name.as_str(), "signer name");
                    let line = s(sv, "signature_line")?;
                    let single = format!("{text}\n{line}\n");
                    open_ok(
                        ctx,
                        &format!("{id}/{name}"),
                        &single,
                        std::slice::from_ref(&ver),
                        1,
                    );
                    lines.push_str(line);
                    lines.push('\n');
                    vers.push(ver);
                }
                for line in arr(vec, "unknown_signature_lines_to_ignore")? {
                    ctx.vector();
                    lines.push_str(as_str(line)?);
                    lines.push('\n');
                }
                let all = format!("{text}\n{lines}");
                open_ok(ctx, &format!("{id}/all"), &all, &vers, vers.len());
                ctx.eq(
                    open_note(all.as_bytes(), &[]).err(),
                    Some(NoteError::NoKnownSignature),
                    &format!("{id}: only unknown signers"),
                );
            }
            if let Ok(pk_hex) = s(vec, "log_public_key_hex") {
                let pk: [u8; 32] = hexd(pk_hex)?.try_into().map_err(|_| "key length")?;
                // The origin as the vector's rule gives it, e.g.
                // `sigsum.org/v1/tree/<hex SHA-256(pubkey)>`.
                let rule = s(vec, "origin_rule")?;
                let (prefix, _) = rule
                    .split_once("<hex SHA-256(pubkey)>")
                    .ok_or_else(|| format!("{id}: unknown origin_rule {rule:?}"))?;
                let origin = format!("{prefix}{}", hex::encode(sha256(&pk)));
                let ver =
                    NoteVerifier::new(&origin, SIG_TYPE_ED25519, &pk).map_err(|e| e.to_string())?;
                let note = s(vec, "note")?;
                ctx.check(note.starts_with(&format!("{origin}\n")), || {
                    format!("{id}: origin rule")
                });
                open_ok(ctx, &id, note, &[ver], 1);
            }
        }
        Ok(())
    });
    ctx.run("key pairs", |ctx| {
        for kp in arr(v, "key_pairs")? {
            ctx.vector();
            let vkey = s(kp, "vkey")?;
            let ver = vkey_checks(ctx, vkey)?;
            let signer = NoteSigner::parse(s(kp, "skey")?).map_err(|e| e.to_string())?;
            ctx.eq(
                signer.to_skey(),
                s(kp, "skey")?.to_owned(),
                "skey round trip",
            );
            ctx.eq(
                signer.verifier(),
                ver.clone(),
                &format!("{vkey}: skey derives vkey"),
            );
            // Sign and open with the pair.
            let note = sign_note("pair check\n", &[&signer]).map_err(|e| e.to_string())?;
            open_ok(ctx, vkey, &note, &[ver], 1);
        }
        Ok(())
    });
    ctx.run("invalid vkeys", |ctx| {
        for k in arr(v, "invalid_vkeys")? {
            ctx.vector();
            let vkey = s(k, "vkey")?;
            ctx.check(NoteVerifier::parse(vkey).is_err(), || {
                format!("invalid vkey accepted: {vkey}")
            });
        }
        Ok(())
    });
}

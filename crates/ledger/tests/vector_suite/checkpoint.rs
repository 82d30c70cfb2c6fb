//! checkpoint.json: tessera's 15-entry log (checkpoints, tiles, bundles), the C2SP example,
//! Go's FormatTree golden, and a static-ct-api type-0x05 signature.
//!
//! Every expected value comes from the file: tile and bundle coordinates from the tlog-tiles
//! part of each fixture's path (wherever the source kept its log), their contents from the
//! log's entries, the FormatTree root from the record its `root_is` names.
//!
//! Rule for the type-0x05 (RFC 6962 ECDSA) signature: the ledger implements Ed25519 only, so
//! the ECDSA signature itself is not verified. Checked instead: the note opens with no known
//! key as "no known signature" (type 0x05 lines are ignored as unknown), LogID =
//! SHA-256(SPKI), key ID = SHA-256(origin || 0x0A || 0x05 || LogID)[:4], and the signature
//! body's structure (timestamp = the tree head's, hash/signature algorithm bytes 4/3, length
//! prefix = length of the DER ECDSA signature).

use super::{
    Ctx, R, arr, as_str, b64, expected_bundle, expected_tile_hashes, fixture, get, quoted_after, s,
    sha256, tile_suffix, u,
};
use serde_json::Value;
use wastetrail_ledger::checkpoint::Checkpoint;
use wastetrail_ledger::merkle::{Hash, leaf_hash, root};
use wastetrail_ledger::note::{NoteError, NoteSigner, NoteVerifier, open_note, parse_note};
use wastetrail_ledger::tiles::{EntryBundleId, TileId, parse_entry_bundle, parse_tile};

fn tessera(v: &Value, ctx: &mut Ctx) -> R<()> {
    let log = get(v, "tessera_log")?;
    let ver = NoteVerifier::parse(s(log, "vkey")?).map_err(|e| e.to_string())?;
    let signer = NoteSigner::parse(s(log, "skey")?).map_err(|e| e.to_string())?;
    ctx.eq(signer.verifier(), ver.clone(), "skey derives vkey");
    let origin = s(log, "origin")?;
    let entries: Vec<Vec<u8>> = arr(log, "entries_ascii")?
        .iter()
        .map(|e| as_str(e).map(|s| s.as_bytes().to_vec()))
        .collect::<R<_>>()?;
    let leaves: Vec<Hash> = entries.iter().map(|e| leaf_hash(e)).collect();
    for c in arr(log, "checkpoints")? {
        ctx.vector();
        let file = s(c, "file")?;
        let note = s(c, "note")?;
        match Checkpoint::open(note.as_bytes(), &ver) {
            Ok(cp) => {
                ctx.eq(cp.origin.as_str(), origin, &format!("{file} origin"));
                if let Some(n) = file
                    .rsplit_once("checkpoint.")
                    .and_then(|(_, n)| n.parse::<u64>().ok())
                {
                    ctx.eq(cp.size, n, &format!("{file} size"));
                }
                let slice = leaves
                    .get(..cp.size as usize)
                    .ok_or("size beyond entries")?;
                ctx.eq(cp.root, root(slice), &format!("{file} root = MTH(entries)"));
                ctx.eq(
                    cp.sign(&signer).ok(),
                    Some(note.to_owned()),
                    &format!("{file} signature reproduced"),
                );
                ctx.eq(
                    Checkpoint::parse_text(&cp.to_text()).ok(),
                    Some(cp.clone()),
                    &format!("{file} text round trip"),
                );
            }
            Err(e) => ctx.check(false, || format!("{file}: {e}")),
        }
    }
    for t in arr(log, "level0_partial_tiles")? {
        ctx.vector();
        let content = fixture(ctx, t)?;
        let rel = tile_suffix(s(t, "path")?)?;
        let id = TileId::parse_path(rel).map_err(|e| format!("{rel}: {e}"))?;
        ctx.eq(id.path(), rel.to_owned(), "tile path round trip");
        let hashes = parse_tile(&content, id.width).map_err(|e| e.to_string())?;
        ctx.eq(
            hashes,
            expected_tile_hashes(&id, &leaves)?,
            &format!("{rel} = hashes of the entries"),
        );
    }
    for t in arr(log, "entry_bundles")? {
        ctx.vector();
        let content = fixture(ctx, t)?;
        let rel = tile_suffix(s(t, "path")?)?;
        let id = EntryBundleId::parse_path(rel).map_err(|e| format!("{rel}: {e}"))?;
        ctx.eq(id.path(), rel.to_owned(), "bundle path round trip");
        let got = parse_entry_bundle(&content).map_err(|e| e.to_string())?;
        ctx.eq(
            got,
            expected_bundle(&id, &entries)?,
            &format!("{rel} = entries"),
        );
    }
    Ok(())
}

/// Reads "origin X, size N" from an `expect` text.
fn expected_origin_size(expect: &str) -> R<(String, u64)> {
    let origin = expect
        .split("origin ")
        .nth(1)
        .and_then(|r| r.split(',').next())
        .ok_or("no origin in expect")?;
    let size = expect
        .split("size ")
        .nth(1)
        .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|d| d.parse().ok())
        .ok_or("no size in expect")?;
    Ok((origin.to_owned(), size))
}

fn others(v: &Value, ctx: &mut Ctx) -> R<()> {
    ctx.vectors += 3; // C2SP example, Go golden, type-0x05 checkpoint
    let ex = get(v, "c2sp_spec_example")?;
    let note = parse_note(s(ex, "note")?.as_bytes()).map_err(|e| e.to_string())?;
    let cp = Checkpoint::parse_text(&note.text).map_err(|e| e.to_string())?;
    let (origin, size) = expected_origin_size(s(ex, "expect")?)?;
    ctx.eq((cp.origin.clone(), cp.size), (origin, size), "C2SP example");
    ctx.eq(
        cp.to_text(),
        note.text.clone(),
        "C2SP example text round trip",
    );

    let golden = get(v, "go_sumdb_tree_golden")?;
    let cp = Checkpoint::parse_text(s(golden, "text")?).map_err(|e| e.to_string())?;
    ctx.eq(cp.size, u(golden, "tree_size")?, "FormatTree size");
    // The record whose hash the root is, as the vector names it: `RecordHash("...")`.
    let record = quoted_after(s(golden, "root_is")?, "RecordHash(")?;
    ctx.eq(
        cp.root,
        leaf_hash(record.as_bytes()),
        &format!("FormatTree root = RecordHash({record:?})"),
    );
    ctx.eq(
        cp.to_text(),
        s(golden, "text")?.to_owned(),
        "FormatTree text",
    );

    let sct = get(v, "static_ct_rfc6962_note_signature")?;
    let note_s = s(sct, "note")?;
    ctx.eq(
        open_note(note_s.as_bytes(), &[]).err(),
        Some(NoteError::NoKnownSignature),
        "type 0x05 line is an unknown signature",
    );
    let note = parse_note(note_s.as_bytes()).map_err(|e| e.to_string())?;
    let cp = Checkpoint::parse_text(&note.text).map_err(|e| e.to_string())?;
    let head = get(sct, "final_tree_head")?;
    ctx.eq(cp.size, u(head, "tree_size")?, "0x05 tree size");
    ctx.eq(
        cp.root.to_vec(),
        b64(s(head, "sha256_root_hash")?)?,
        "0x05 root",
    );
    let log_id = sha256(&b64(s(sct, "log_key_spki_b64")?)?);
    ctx.eq(
        log_id.to_vec(),
        b64(s(sct, "log_id_b64")?)?,
        "LogID = SHA-256(SPKI)",
    );
    let sig = note.signatures.first().ok_or("no signature")?;
    let mut pre = cp.origin.as_bytes().to_vec();
    pre.extend_from_slice(&[b'\n', 0x05]);
    pre.extend_from_slice(&log_id);
    let kid = sha256(&pre);
    ctx.eq(
        sig.key_id,
        u32::from_be_bytes([kid[0], kid[1], kid[2], kid[3]]),
        "0x05 key ID",
    );
    ctx.eq(
        sig.name.as_str(),
        cp.origin.as_str(),
        "0x05 key name = origin",
    );
    ctx.rule("type 0x05 ECDSA signature not verified (structure, LogID and key ID checked)");
    let body = &sig.signature;
    let ts = body.get(..8).ok_or("short")?;
    ctx.eq(
        u64::from_be_bytes(ts.try_into().map_err(|_| "ts")?),
        u(head, "timestamp")?,
        "0x05 timestamp",
    );
    ctx.eq(
        body.get(8..10),
        Some(&[4u8, 3][..]),
        "DigitallySigned sha256/ecdsa",
    );
    let len = body.get(10..12).ok_or("short")?;
    let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
    ctx.eq(body.len(), 12 + len, "DigitallySigned length");
    ctx.eq(body.get(12).copied(), Some(0x30), "DER SEQUENCE");
    Ok(())
}

pub fn check(v: &Value, ctx: &mut Ctx) {
    ctx.run("tessera log", |ctx| tessera(v, ctx));
    ctx.run("other checkpoints", |ctx| others(v, ctx));
}

//! rfc6962-ct-argon2020.json: a real CT log's leaf, audit path and consistency proof.
//! (The STH's ECDSA signature is not checked: the log key is not in the fixture.)

use super::{Ctx, arr, b64, b64_list, b64h, get, s, u};
use serde_json::Value;
use wastetrail_ledger::merkle::{leaf_hash, verify_consistency, verify_inclusion};

fn percent_decode(s: &str) -> Result<String, String> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let h = s.get(i + 1..i + 3).ok_or("truncated escape")?;
            out.push(u8::from_str_radix(h, 16).map_err(|e| e.to_string())?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|e| e.to_string())
}

pub fn check(v: &Value, ctx: &mut Ctx) {
    ctx.run("argon2020", |ctx| {
        ctx.vectors += 3; // the leaf, its audit path, the consistency proof
        let sth = get(v, "get_sth")?;
        let size = u(sth, "tree_size")?;
        let root = b64h(s(sth, "sha256_root_hash")?)?;
        let entries = arr(get(v, "get_entries_10000")?, "entries")?;
        let entry = entries.first().ok_or("no entry")?;
        let lh = leaf_hash(&b64(s(entry, "leaf_input")?)?);
        let want = b64h(&percent_decode(s(
            v,
            "get_proof_by_hash_request_hash_urlencoded",
        )?)?)?;
        ctx.eq(
            lh,
            want,
            "leaf hash of leaf_input equals the requested hash",
        );
        let idx = u(v, "leaf_index")?;
        ctx.eq(
            u(get(v, "get_proof_by_hash")?, "leaf_index")?,
            idx,
            "leaf index",
        );
        let path = b64_list(get(v, "get_proof_by_hash")?, "audit_path")?;
        ctx.check(
            verify_inclusion(&lh, idx, size, &path, &root).is_ok(),
            || "inclusion of leaf 10000 in the STH".into(),
        );
        let old_size = u(v, "old_tree_size")?;
        let old_root = b64h(s(v, "old_root_b64")?)?;
        let cons = b64_list(get(v, "get_sth_consistency")?, "consistency")?;
        ctx.check(
            verify_consistency(old_size, size, &cons, &old_root, &root).is_ok(),
            || "consistency old -> STH".into(),
        );
        // Every single-bit flip of the first proof hashes, the size and index is rejected.
        for (j, _) in path.iter().enumerate() {
            let mut p = path.clone();
            p[j][j % 32] ^= 1 << (j % 8);
            ctx.check(verify_inclusion(&lh, idx, size, &p, &root).is_err(), || {
                format!("flipped audit path element {j} accepted")
            });
        }
        for (j, _) in cons.iter().enumerate() {
            let mut p = cons.clone();
            p[j][31 - j % 32] ^= 1;
            ctx.check(
                verify_consistency(old_size, size, &p, &old_root, &root).is_err(),
                || format!("flipped consistency element {j} accepted"),
            );
        }
        ctx.check(
            verify_inclusion(&lh, idx ^ 1, size, &path, &root).is_err(),
            || "index flip accepted".into(),
        );
        Ok(())
    });
}

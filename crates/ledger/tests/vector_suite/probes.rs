//! rfc6962-proof-probes.json: positive and negative inclusion/consistency probes.
//!
//! Rules (documented, counted):
//! * Hashes are `[u8; 32]`: a probe whose hash or root does not decode to 32 bytes is
//!   rejected when parsed. That is the expected outcome for every such probe except one:
//!   transparency-dev/merkle does not length-check roots when `size1 == size2`, so a probe
//!   with 12-byte equal "roots" is positive there. Rule "non-32-byte root with equal sizes,
//!   upstream accepts, we reject at parse": allowed only when sizes are equal and a root is
//!   not 32 bytes.
//! * Consistency probes run with `verify_consistency_strict` (transparency-dev's
//!   conventions, where the probes come from). They are also run with the default
//!   `verify_consistency` (tlog-witness convention for size1 == 0); the outcomes must agree
//!   except where size1 == 0 (rule "size1 == 0: witness convention differs"), and there the
//!   default verifier must accept only an empty proof with the empty-tree root.

use super::{Ctx, arr, b, b64, b64_list, s, u};
use serde_json::Value;
use wastetrail_ledger::merkle::{
    EMPTY_ROOT, Hash, verify_consistency, verify_consistency_strict, verify_inclusion,
};

fn h(bytes: Vec<u8>) -> Option<Hash> {
    Hash::try_from(bytes.as_slice()).ok()
}

pub fn check(v: &Value, ctx: &mut Ctx) {
    ctx.run("inclusion probes", |ctx| {
        for p in arr(v, "inclusion")? {
            ctx.vector();
            let file = s(p, "file")?.to_owned();
            let (i, n) = (u(p, "leafIdx")?, u(p, "treeSize")?);
            let want_err = b(p, "wantErr")?;
            let proof = b64_list(p, "proof");
            let parsed = (h(b64(s(p, "leafHash")?)?), h(b64(s(p, "root")?)?));
            let got_err = match (parsed, &proof) {
                ((Some(lh), Some(rt)), Ok(proof)) => {
                    verify_inclusion(&lh, i, n, proof, &rt).is_err()
                }
                _ => {
                    ctx.rule("inclusion: hash not 32 bytes, rejected at parse");
                    true
                }
            };
            ctx.eq(got_err, want_err, &format!("{file} wantErr"));
        }
        Ok(())
    });
    ctx.run("consistency probes", |ctx| {
        for p in arr(v, "consistency")? {
            ctx.vector();
            let file = s(p, "file")?.to_owned();
            let (m, n) = (u(p, "size1")?, u(p, "size2")?);
            let want_err = b(p, "wantErr")?;
            let proof = b64_list(p, "proof");
            let parsed = (h(b64(s(p, "root1")?)?), h(b64(s(p, "root2")?)?));
            match (parsed, &proof) {
                ((Some(r1), Some(r2)), Ok(proof)) => {
                    let strict = verify_consistency_strict(m, n, proof, &r1, &r2);
                    ctx.eq(strict.is_err(), want_err, &format!("{file} wantErr"));
                    let default = verify_consistency(m, n, proof, &r1, &r2);
                    if m == 0 {
                        ctx.rule("size1 == 0: witness convention differs");
                        let expect_ok = proof.is_empty() && r1 == EMPTY_ROOT && (n > 0 || r2 == EMPTY_ROOT);
                        ctx.eq(default.is_ok(), expect_ok, &format!("{file} default convention"));
                    } else {
                        ctx.eq(default.is_err(), want_err, &format!("{file} default convention"));
                    }
                }
                _ => {
                    if want_err {
                        ctx.rule("consistency: hash not 32 bytes, rejected at parse");
                        ctx.eq(true, want_err, &format!("{file} wantErr"));
                    } else {
                        // The one documented exception: upstream accepts equal sizes without
                        // looking at the (non-32-byte) roots.
                        ctx.rule("non-32-byte root with equal sizes, upstream accepts, we reject at parse");
                        ctx.check(m == n && proof.as_ref().is_ok_and(|p| p.is_empty()), || {
                            format!("{file}: positive probe rejected at parse without the equal-size rule")
                        });
                    }
                }
            }
        }
        Ok(())
    });
}

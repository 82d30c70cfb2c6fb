//! rfc6962-merkle.json: leaf and node hashes, roots 0..8, happy-path proofs.

use super::{Ctx, R, arr, as_str, b, b64_list, b64h, hexd, hexh, s, u};
use serde_json::Value;
use wastetrail_ledger::merkle::{
    self, CompactRange, EMPTY_ROOT, Hash, InMemoryReader, consistency_proof, inclusion_proof,
    leaf_hash, node_hash, root, verify_consistency, verify_consistency_strict, verify_inclusion,
};

pub fn check(v: &Value, ctx: &mut Ctx) {
    let mut leaves: Vec<Hash> = Vec::new();
    ctx.run("leaves and nodes", |ctx| {
        for x in arr(v, "leaf_inputs_hex")? {
            ctx.vector();
            leaves.push(leaf_hash(&hexd(as_str(x)?)?));
        }
        let levels = arr(v, "node_hashes_hex_by_level")?;
        let mut below: Vec<Hash> = leaves.clone();
        for (lvl, row) in levels.iter().enumerate() {
            let row = row.as_array().ok_or("level is not a list")?;
            ctx.vectors += row.len();
            let want: Vec<Hash> = row.iter().map(|x| hexh(as_str(x)?)).collect::<R<_>>()?;
            let got: Vec<Hash> = if lvl == 0 {
                below.clone()
            } else {
                below
                    .chunks_exact(2)
                    .map(|p| node_hash(&p[0], &p[1]))
                    .collect()
            };
            ctx.eq(got.len(), want.len(), &format!("level {lvl} width"));
            for (i, (g, w)) in got.iter().zip(&want).enumerate() {
                ctx.eq(g, w, &format!("node level {lvl} index {i}"));
            }
            below = want;
        }
        Ok(())
    });
    ctx.run("roots", |ctx| {
        ctx.eq(hexh(s(v, "empty_root_hex")?)?, EMPTY_ROOT, "empty root");
        for (n, r) in arr(v, "root_hashes_hex_by_tree_size")?.iter().enumerate() {
            ctx.vector();
            let want = hexh(as_str(r)?)?;
            let slice = leaves.get(..n).ok_or("more roots than leaves")?;
            ctx.eq(root(slice), want, &format!("root({n})"));
            ctx.eq(
                CompactRange::from_leaf_hashes(slice).root(),
                want,
                &format!("compact range root({n})"),
            );
            ctx.eq(
                merkle::root_from(n as u64, &InMemoryReader(slice)).ok(),
                Some(want),
                &format!("root_from({n})"),
            );
        }
        Ok(())
    });
    ctx.run("inclusion proofs", |ctx| {
        for p in arr(v, "inclusion_proofs")? {
            ctx.vector();
            let (i, n) = (u(p, "leafIdx")?, u(p, "treeSize")?);
            let (lh, rt, proof) = (
                b64h(s(p, "leafHash")?)?,
                b64h(s(p, "root")?)?,
                b64_list(p, "proof")?,
            );
            let want_err = b(p, "wantErr")?;
            ctx.eq(
                verify_inclusion(&lh, i, n, &proof, &rt).is_err(),
                want_err,
                &format!("inclusion {i}/{n} verification"),
            );
            if let Some(slice) = leaves.get(..n as usize) {
                ctx.eq(
                    inclusion_proof(i, slice).ok(),
                    Some(proof.clone()),
                    &format!("inclusion {i}/{n} regenerated"),
                );
            }
        }
        Ok(())
    });
    ctx.run("consistency proofs", |ctx| {
        for p in arr(v, "consistency_proofs")? {
            ctx.vector();
            let (m, n) = (u(p, "size1")?, u(p, "size2")?);
            let (r1, r2, proof) = (
                b64h(s(p, "root1")?)?,
                b64h(s(p, "root2")?)?,
                b64_list(p, "proof")?,
            );
            let want_err = b(p, "wantErr")?;
            ctx.eq(
                verify_consistency_strict(m, n, &proof, &r1, &r2).is_err(),
                want_err,
                &format!("consistency {m}->{n} verification"),
            );
            if let Some(slice) = leaves.get(..n as usize) {
                ctx.eq(
                    consistency_proof(m, slice).ok(),
                    Some(proof.clone()),
                    &format!("consistency {m}->{n} regenerated"),
                );
            }
        }
        Ok(())
    });
    // Exhaustive generate -> verify on the vector's leaves.
    let n = leaves.len() as u64;
    for size in 1..=n {
        let slice = &leaves[..size as usize];
        let r = root(slice);
        for i in 0..size {
            let ok = inclusion_proof(i, slice)
                .map(|p| verify_inclusion(&slice[i as usize], i, size, &p, &r).is_ok())
                .unwrap_or(false);
            ctx.check(ok, || format!("generated inclusion {i}/{size}"));
        }
        for m in 0..=size {
            let ok = consistency_proof(m, slice)
                .map(|p| verify_consistency(m, size, &p, &root(&slice[..m as usize]), &r).is_ok())
                .unwrap_or(false);
            ctx.check(ok, || format!("generated consistency {m}->{size}"));
        }
    }
}

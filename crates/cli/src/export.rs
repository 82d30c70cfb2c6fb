//! `wastetrail export`: the whole log, or one case, as a self-contained bundle for the offline
//! verifier (format `wastetrail-export/1`, documented in `docs/export-bundle.md`).
//!
//! The data comes over HTTP from the server's **public** read paths: `GET /api/v1/log`
//! (origin, log key), `GET /checkpoint` (the signed checkpoint) and the C2SP tlog-tiles entry
//! bundles `GET /tile/entries/...` (every leaf). Before anything is written, the exporter checks
//! what it received exactly as an auditor would: the checkpoint signature with the log key
//! (pinned with `--log-key`, else as the server announces it) and the root recomputed from all
//! leaves against the checkpoint's root. A case bundle holds the case's leaves and the registry
//! leaves, each with its RFC 9162 inclusion proof against the checkpoint.

use std::collections::BTreeSet;

use anyhow::Context as _;
use serde_json::{Value, json};
use wastetrail_ledger::jcs;
use wastetrail_ledger::merkle::{self, Hash};
use wastetrail_ledger::statement::{Leaf, Timestamp};

use crate::client::Client;

/// The bundle format identifier.
pub const FORMAT: &str = "wastetrail-export/1";
/// The case id of registry statements.
pub const REGISTRY_CASE: &str = "registry";

/// What to export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every leaf of the log.
    Log,
    /// One case, with the registry leaves.
    Case(String),
}

/// The registrar (root of trust) as put into a bundle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registrar {
    /// Participant id.
    pub id: String,
    /// Ed25519 public key, standard base64.
    pub public_key: String,
    /// Where it came from: `operator` (given with --registrar-key) or `server` (read from the
    /// participant directory of the server, to be compared with a trusted copy).
    pub source: &'static str,
}

/// Builds the bundle from leaves that were checked against `checkpoint` (`leaves[i]` is the
/// leaf at index `i` of a tree of `leaves.len()` entries).
pub fn build_bundle(
    source: &str,
    log_key: &str,
    checkpoint_note: &str,
    checkpoint: &wastetrail_ledger::checkpoint::Checkpoint,
    leaves: &[Vec<u8>],
    scope: &Scope,
    registrar: Option<&Registrar>,
) -> anyhow::Result<Value> {
    anyhow::ensure!(
        leaves.len() as u64 == checkpoint.size,
        "{} leaves for a checkpoint of size {}",
        leaves.len(),
        checkpoint.size
    );
    let hashes: Vec<Hash> = leaves.iter().map(|l| merkle::leaf_hash(l)).collect();
    anyhow::ensure!(
        merkle::root(&hashes) == checkpoint.root,
        "the leaves do not match the checkpoint's root"
    );
    let mut entries = Vec::new();
    let mut cases = BTreeSet::new();
    for (i, bytes) in leaves.iter().enumerate() {
        let index = i as u64;
        let leaf = Leaf::parse(bytes)
            .with_context(|| format!("entry {index} is not a wastetrail leaf"))?;
        let case = leaf.statement.case().to_owned();
        let wanted = match scope {
            Scope::Log => true,
            Scope::Case(c) => case == *c || case == REGISTRY_CASE,
        };
        if !wanted {
            continue;
        }
        if case != REGISTRY_CASE {
            cases.insert(case);
        }
        let value: Value =
            serde_json::from_slice(bytes).with_context(|| format!("entry {index} is not JSON"))?;
        // The bundle carries the leaf as a JSON object; its bytes are its RFC 8785 form.
        let again = jcs::canonicalize(&value)
            .with_context(|| format!("entry {index} cannot be canonicalized"))?;
        anyhow::ensure!(again == *bytes, "entry {index} is not in canonical form");
        let mut e = json!({
            "index": index,
            "leaf_hash": hex::encode(hashes.get(i).copied().unwrap_or_default()),
            "leaf": value,
        });
        if matches!(scope, Scope::Case(_)) {
            let proof = merkle::inclusion_proof(index, &hashes)
                .with_context(|| format!("inclusion proof of entry {index}"))?;
            e["proof"] = json!(proof.iter().map(hex::encode).collect::<Vec<_>>());
        }
        entries.push(e);
    }
    if let Scope::Case(c) = scope {
        anyhow::ensure!(
            cases.contains(c),
            "the log (size {}) has no entry of case {c}",
            checkpoint.size
        );
    }
    let scope_json = match scope {
        Scope::Log => json!({"kind": "log"}),
        Scope::Case(c) => json!({"kind": "case", "case": c}),
    };
    Ok(json!({
        "format": FORMAT,
        "exported_at": Timestamp::now().to_string(),
        "source": source,
        "origin": checkpoint.origin,
        "log_key": log_key,
        "checkpoint": checkpoint_note,
        "size": checkpoint.size,
        "root": hex::encode(checkpoint.root),
        "scope": scope_json,
        "registrar": registrar.map(|r| json!({"id": r.id, "public_key": r.public_key, "source": r.source})),
        "cases": cases.into_iter().collect::<Vec<_>>(),
        "entries": entries,
    }))
}

/// Fetches, checks and builds the bundle from the server of `client`.
pub async fn export(
    client: &Client,
    scope: &Scope,
    registrar: Option<Registrar>,
) -> anyhow::Result<Value> {
    let (note, cp) = client.checkpoint().await.context("the checkpoint")?;
    let leaves = client
        .leaves(&cp)
        .await
        .with_context(|| format!("the {} leaves of the checkpoint", cp.size))?;
    let registrar = match registrar {
        Some(r) => Some(r),
        None if client.token().is_some() => registrar_from_server(client).await?,
        None => None,
    };
    build_bundle(
        client.base(),
        &client.log_key().to_vkey(),
        &note,
        &cp,
        &leaves,
        scope,
        registrar.as_ref(),
    )
}

async fn registrar_from_server(client: &Client) -> anyhow::Result<Option<Registrar>> {
    let list = client
        .get_json("/api/v1/participants")
        .await
        .context("the participant directory")?;
    let found = list.as_array().and_then(|a| {
        a.iter().find(|p| p["kind"] == "registrar").and_then(|p| {
            let id = p["id"].as_str()?;
            let key = p["keys"].as_array()?.first()?["public_key"].as_str()?;
            Some(Registrar {
                id: id.to_owned(),
                public_key: key.to_owned(),
                source: "server",
            })
        })
    });
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wastetrail_ledger::note::NoteSigner;
    use wastetrail_ledger::statement::{ParticipantSigner, Statement};

    fn leaf(case: &str, n: u64) -> Vec<u8> {
        let s = ParticipantSigner::from_seed(&[3; 32]);
        let st = Statement::new(
            "notification.submitted",
            case,
            "exporter",
            s.key_id(),
            Timestamp::parse("2026-01-01T00:00:00Z").unwrap(),
            None,
            json!({"n": n, "text": "caf\u{e9} \"quoted\""}),
        )
        .unwrap();
        Leaf::new(
            s.sign(st).unwrap(),
            Timestamp::parse("2026-01-01T00:00:01Z").unwrap(),
        )
        .to_bytes()
        .unwrap()
    }

    #[test]
    fn case_bundle_has_proofs_that_verify_and_leaves_that_reproduce_their_bytes() {
        let leaves: Vec<Vec<u8>> = (0..7)
            .map(|i| leaf(["registry", "A", "B"][(i % 3) as usize], i))
            .collect();
        let hashes: Vec<Hash> = leaves.iter().map(|l| merkle::leaf_hash(l)).collect();
        let (signer, _) = NoteSigner::generate("test/log");
        let cp =
            wastetrail_ledger::checkpoint::Checkpoint::new("test/log", 7, merkle::root(&hashes))
                .unwrap();
        let note = cp.sign(&signer).unwrap();
        let b = build_bundle(
            "x",
            &signer.verifier().to_vkey(),
            &note,
            &cp,
            &leaves,
            &Scope::Case("A".into()),
            None,
        )
        .unwrap();
        let entries = b["entries"].as_array().unwrap();
        let idx: Vec<u64> = entries
            .iter()
            .map(|e| e["index"].as_u64().unwrap())
            .collect();
        assert_eq!(idx, vec![0, 1, 3, 4, 6]);
        for e in entries {
            let i = e["index"].as_u64().unwrap();
            let bytes = jcs::canonicalize(&e["leaf"]).unwrap();
            assert_eq!(bytes, leaves[i as usize]);
            let lh = merkle::leaf_hash(&bytes);
            assert_eq!(e["leaf_hash"], hex::encode(lh));
            let proof: Vec<Hash> = e["proof"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| merkle::hash_from_hex(h.as_str().unwrap()).unwrap())
                .collect();
            merkle::verify_inclusion(&lh, i, 7, &proof, &cp.root).unwrap();
        }
        assert_eq!(b["cases"], json!(["A"]));

        let all = build_bundle("x", "k", &note, &cp, &leaves, &Scope::Log, None).unwrap();
        assert_eq!(all["entries"].as_array().unwrap().len(), 7);
        assert!(all["entries"][0].get("proof").is_none());
        assert_eq!(all["cases"], json!(["A", "B"]));

        assert!(
            build_bundle(
                "x",
                "k",
                &note,
                &cp,
                &leaves,
                &Scope::Case("Z".into()),
                None
            )
            .is_err()
        );
        let mut wrong = leaves.clone();
        wrong.swap(1, 2);
        assert!(build_bundle("x", "k", &note, &cp, &wrong, &Scope::Log, None).is_err());
    }
}

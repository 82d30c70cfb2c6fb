//! `wastetrail export`: the whole log, or one case, as a self-contained bundle for the offline
//! verifier (format `wastetrail-export/1`, documented in `docs/export-bundle.md`).
//!
//! The data comes over HTTP, with the exporter's session (statements are disclosed only to
//! those entitled, docs/privacy.md): `GET /api/v1/log` (origin, log key), `GET /checkpoint`
//! (the signed checkpoint), then for the whole log (auditors) the C2SP tlog-tiles entry
//! bundles `GET /tile/entries/...` and `GET /api/v1/disclosures`, for one case
//! `GET /api/v1/cases/{id}`, `GET /api/v1/registry` and a public inclusion proof per entry.
//! Before anything is written, the exporter checks what it received exactly as an auditor
//! would: the checkpoint signature with the log key (pinned with `--log-key`, else as the
//! server announces it), the root recomputed from all leaves (whole log) or every inclusion
//! proof (case), and every disclosure against its statement's commitment.

use std::collections::BTreeSet;

use anyhow::Context as _;
use serde_json::{Value, json};
use wastetrail_ledger::disclosure::Disclosure;
use wastetrail_ledger::jcs;
use wastetrail_ledger::merkle::{self, Hash};
use wastetrail_ledger::statement::{Leaf, Timestamp};

use crate::client::{Client, path_segment};

/// The bundle format identifier.
pub const FORMAT: &str = "wastetrail-export/1";
/// The case id of registry statements.
use wastetrail_basel::REGISTRY_CASE;

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

/// One entry as exported: the leaf bytes (checked), its proof for a case bundle, and the
/// disclosure of its body when the exporter is entitled to it.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportEntry {
    /// Leaf index.
    pub index: u64,
    /// The leaf bytes.
    pub leaf: Vec<u8>,
    /// Inclusion proof against the checkpoint (case bundles).
    pub proof: Option<Vec<Hash>>,
    /// `{salt, body, personal}`, checked against the statement's commitment.
    pub disclosure: Option<Value>,
}

/// Builds the bundle from entries already checked against `checkpoint`: for [`Scope::Log`]
/// every leaf of the tree (their root is checked again here), for [`Scope::Case`] the
/// entries of the case and of the registry, each with a proof that is checked here.
pub fn build_bundle(
    source: &str,
    log_key: &str,
    checkpoint_note: &str,
    checkpoint: &wastetrail_ledger::checkpoint::Checkpoint,
    items: &[ExportEntry],
    scope: &Scope,
    registrar: Option<&Registrar>,
) -> anyhow::Result<Value> {
    if matches!(scope, Scope::Log) {
        anyhow::ensure!(
            items.len() as u64 == checkpoint.size,
            "{} leaves for a checkpoint of size {}",
            items.len(),
            checkpoint.size
        );
        let hashes: Vec<Hash> = items.iter().map(|e| merkle::leaf_hash(&e.leaf)).collect();
        anyhow::ensure!(
            merkle::root(&hashes) == checkpoint.root,
            "the leaves do not match the checkpoint's root"
        );
    }
    let mut entries = Vec::new();
    let mut cases = BTreeSet::new();
    for item in items {
        let index = item.index;
        let leaf = Leaf::parse(&item.leaf)
            .with_context(|| format!("entry {index} is not a wastetrail leaf"))?;
        let case = leaf.statement.case().to_owned();
        if let Scope::Case(c) = scope {
            anyhow::ensure!(
                case == *c || case == REGISTRY_CASE,
                "entry {index} belongs to case {case}, not {c}"
            );
        }
        if case != REGISTRY_CASE {
            cases.insert(case);
        }
        let lh = merkle::leaf_hash(&item.leaf);
        // The bundle carries the leaf as a JSON object; its bytes are its RFC 8785 form.
        let value: Value = serde_json::from_slice(&item.leaf)
            .with_context(|| format!("entry {index} is not JSON"))?;
        let again = jcs::canonicalize(&value)
            .with_context(|| format!("entry {index} cannot be canonicalized"))?;
        anyhow::ensure!(again == item.leaf, "entry {index} is not in canonical form");
        let mut e = json!({"index": index, "leaf_hash": hex::encode(lh), "leaf": value});
        if let Some(proof) = &item.proof {
            merkle::verify_inclusion(&lh, index, checkpoint.size, proof, &checkpoint.root)
                .with_context(|| format!("the inclusion proof of entry {index}"))?;
            e["proof"] = json!(proof.iter().map(hex::encode).collect::<Vec<_>>());
        } else {
            anyhow::ensure!(
                matches!(scope, Scope::Log),
                "entry {index} of a case bundle has no proof"
            );
        }
        if let Some(d) = &item.disclosure {
            let parsed = Disclosure::from_value(d)
                .and_then(|p| p.check(leaf.statement.commitment()).map(|()| p))
                .with_context(|| format!("the disclosure of entry {index}"))?;
            e["disclosure"] = parsed.to_value();
        }
        entries.push(e);
    }
    if let Scope::Case(c) = scope {
        anyhow::ensure!(
            cases.contains(c),
            "the log (size {}) has no entry of case {c} that you may see",
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

/// Fetches, checks and builds the bundle from the server of `client`, which must be logged
/// in: the whole log is an auditor's (entry bundles and every disclosure), a case any
/// participant's who may see it (its statements and the registry's, with proofs).
pub async fn export(
    client: &Client,
    scope: &Scope,
    registrar: Option<Registrar>,
) -> anyhow::Result<Value> {
    anyhow::ensure!(
        client.token().is_some(),
        "statements are disclosed only to those entitled: give --key and --participant \
         (an auditor for the whole log, a participant of the case for --case)"
    );
    let (note, cp) = client.checkpoint().await.context("the checkpoint")?;
    let items = match scope {
        Scope::Log => log_entries(client, &cp).await?,
        Scope::Case(c) => case_entries(client, &cp, c).await?,
    };
    let registrar = match registrar {
        Some(r) => Some(r),
        None => registrar_from_server(client).await?,
    };
    build_bundle(
        client.base(),
        &client.log_key().to_vkey(),
        &note,
        &cp,
        &items,
        scope,
        registrar.as_ref(),
    )
}

/// Every leaf (entry bundles, auditors only) with the disclosures the caller may see.
async fn log_entries(
    client: &Client,
    cp: &wastetrail_ledger::checkpoint::Checkpoint,
) -> anyhow::Result<Vec<ExportEntry>> {
    let leaves = client
        .leaves(cp)
        .await
        .with_context(|| format!("the {} leaves of the checkpoint", cp.size))?;
    let mut disclosures = std::collections::HashMap::new();
    let mut start = 0u64;
    while start < cp.size {
        let page = client
            .get_json(&format!("/api/v1/disclosures?start={start}&limit=1000"))
            .await
            .context("the disclosures")?;
        for d in page.as_array().into_iter().flatten() {
            if let Some(i) = d["index"].as_u64() {
                disclosures.insert(i, d["disclosure"].clone());
            }
        }
        start += 1000;
    }
    Ok(leaves
        .into_iter()
        .enumerate()
        .map(|(i, leaf)| ExportEntry {
            index: i as u64,
            leaf,
            proof: None,
            disclosure: disclosures.remove(&(i as u64)),
        })
        .collect())
}

/// The statements of the case and of the registry, each with an inclusion proof.
async fn case_entries(
    client: &Client,
    cp: &wastetrail_ledger::checkpoint::Checkpoint,
    case: &str,
) -> anyhow::Result<Vec<ExportEntry>> {
    let detail = client
        .get_json(&format!("/api/v1/cases/{}", path_segment(case)))
        .await
        .with_context(|| format!("case {case}"))?;
    let registry = client
        .get_json("/api/v1/registry")
        .await
        .context("the registry")?;
    let mut statements: Vec<Value> = registry["statements"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    statements.extend(detail["statements"].as_array().cloned().unwrap_or_default());
    let mut out = Vec::with_capacity(statements.len());
    for s in statements {
        let index = s["index"]
            .as_u64()
            .context("a statement without an index")?;
        if index >= cp.size {
            continue; // integrated after the checkpoint read at the start
        }
        let leaf = json!({"statement": s["statement"], "sig": s["sig"], "integrated_at": s["integrated_at"]});
        let leaf = jcs::canonicalize(&leaf).with_context(|| format!("entry {index}"))?;
        let p = client
            .get_json(&format!(
                "/api/v1/proof/inclusion?index={index}&size={}",
                cp.size
            ))
            .await
            .with_context(|| format!("the inclusion proof of entry {index}"))?;
        let proof = p["proof"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|h| merkle::hash_from_hex(h.as_str().unwrap_or_default()))
            .collect::<Result<Vec<Hash>, _>>()
            .map_err(|_| anyhow::anyhow!("the inclusion proof of entry {index} is not hex"))?;
        out.push(ExportEntry {
            index,
            leaf,
            proof: Some(proof),
            disclosure: Some(s["disclosure"].clone()).filter(|d| !d.is_null()),
        });
    }
    out.sort_by_key(|e| e.index);
    Ok(out)
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

/// Writes the evidence file (`wastetrail-evidence/1`, see `wastetrail_verify::proven`) of a
/// case, or of one movement (`movement`: the leaf hash of its `movement.started`; the case is
/// found among those the caller may see when `case` is not given): every registry statement
/// and the case's statements up to the movement, each as a C2SP tlog-proof against the
/// latest checkpoint, with the disclosures the caller may read. It is verified with the
/// offline verifier before it is returned (log key of the client, the registrar given or
/// announced by the server): a file that would not verify is never written.
pub async fn evidence(
    client: &Client,
    case: Option<&str>,
    movement: Option<Hash>,
    registrar: Option<Registrar>,
    registrar_country: &str,
) -> anyhow::Result<Value> {
    anyhow::ensure!(
        client.token().is_some(),
        "statements are disclosed only to those entitled: give --key and --participant"
    );
    let (note, cp) = client.checkpoint().await.context("the checkpoint")?;
    let case = match (case, movement) {
        (Some(c), _) => c.to_owned(),
        (None, Some(m)) => case_of_movement(client, &m).await?,
        (None, None) => anyhow::bail!("give --case or --movement"),
    };
    let mut items = case_entries(client, &cp, &case).await?;
    if let Some(m) = movement {
        let index = items
            .iter()
            .find(|e| merkle::leaf_hash(&e.leaf) == m)
            .map(|e| e.index)
            .with_context(|| {
                format!(
                    "movement {} is not an entry of case {case} in the log of size {}",
                    hex::encode(m),
                    cp.size
                )
            })?;
        items.retain(|e| e.index <= index || is_registry_leaf(&e.leaf));
    }
    let evidence = wastetrail_verify::Evidence {
        case: case.clone(),
        movement,
        entries: items
            .into_iter()
            .map(|e| wastetrail_verify::ProvenEntry {
                index: e.index,
                leaf: e.leaf,
                proof: e.proof.unwrap_or_default(),
                checkpoint: note.clone(),
                disclosure: e.disclosure.and_then(|d| serde_json::to_vec(&d).ok()),
            })
            .collect(),
    };
    let registrar = match registrar {
        Some(r) => Some(r),
        None => registrar_from_server(client).await?,
    };
    let trust = wastetrail_verify::Trust {
        log_key: client.log_key().clone(),
        registrar: registrar
            .map(|r| -> anyhow::Result<wastetrail_verify::Registrar> {
                Ok(wastetrail_verify::Registrar {
                    id: r.id,
                    key: wastetrail_ledger::statement::ParticipantPublicKey::parse_base64(
                        &r.public_key,
                    )
                    .context("the registrar's key")?,
                    country: wastetrail_basel::CountryCode::parse(registrar_country)
                        .map_err(|e| anyhow::anyhow!("--registrar-country: {e}"))?,
                })
            })
            .transpose()?,
        witnesses: Vec::new(),
        quorum: 0,
    };
    let facts =
        wastetrail_basel::Facts::try_builtin().map_err(|e| anyhow::anyhow!("law data: {e}"))?;
    let (report, _) = wastetrail_verify::verify_proven(&evidence, &trust, &facts);
    if let Some(f) = report.fault {
        return Err(crate::client::ClientError::Verification(format!(
            "the evidence the server gave does not verify: {f}"
        ))
        .into());
    }
    Ok(evidence.to_json())
}

fn is_registry_leaf(leaf: &[u8]) -> bool {
    Leaf::parse(leaf).is_ok_and(|l| l.statement.case() == REGISTRY_CASE)
}

/// The case (among those the caller may see) whose movement has leaf hash `m`.
async fn case_of_movement(client: &Client, m: &Hash) -> anyhow::Result<String> {
    let want = hex::encode(m);
    let cases = client
        .get_json("/api/v1/cases?limit=500")
        .await
        .context("the cases you may see")?;
    for c in cases.as_array().into_iter().flatten() {
        let Some(id) = c["id"].as_str() else { continue };
        let detail = client
            .get_json(&format!("/api/v1/cases/{}", path_segment(id)))
            .await
            .with_context(|| format!("case {id}"))?;
        let found = detail["statements"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|st| st["leaf_hash"] == want.as_str());
        if found {
            return Ok(id.to_owned());
        }
    }
    anyhow::bail!(
        "no case you may see has a movement with leaf hash {want} (give --case if it is older than your first 500 cases)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use wastetrail_ledger::note::NoteSigner;
    use wastetrail_ledger::statement::{ParticipantSigner, Submission};

    /// A leaf of `case` and its disclosure.
    fn leaf(case: &str, n: u64) -> (Vec<u8>, Value) {
        let s = ParticipantSigner::from_seed(&[3; 32]);
        let sub = Submission::seal(
            &s,
            "notification.submitted",
            case,
            "exporter",
            Timestamp::parse("2026-01-01T00:00:00Z").unwrap(),
            None,
            json!({"n": n, "text": "caf\u{e9} \"quoted\""}),
        )
        .unwrap();
        let leaf = Leaf::new(
            sub.signed,
            Timestamp::parse("2026-01-01T00:00:01Z").unwrap(),
        );
        (leaf.to_bytes().unwrap(), sub.disclosure.to_value())
    }

    #[test]
    fn bundles_check_proofs_disclosures_and_reproduce_leaf_bytes() {
        let made: Vec<(Vec<u8>, Value)> = (0..7)
            .map(|i| leaf(["registry", "A", "B"][(i % 3) as usize], i))
            .collect();
        let hashes: Vec<Hash> = made.iter().map(|(l, _)| merkle::leaf_hash(l)).collect();
        let (signer, _) = NoteSigner::generate("test/log");
        let cp =
            wastetrail_ledger::checkpoint::Checkpoint::new("test/log", 7, merkle::root(&hashes))
                .unwrap();
        let note = cp.sign(&signer).unwrap();
        let item = |i: usize, proof: bool| ExportEntry {
            index: i as u64,
            leaf: made[i].0.clone(),
            proof: proof.then(|| merkle::inclusion_proof(i as u64, &hashes).unwrap()),
            disclosure: Some(made[i].1.clone()),
        };
        let case_items: Vec<_> = [0, 1, 3, 4, 6].into_iter().map(|i| item(i, true)).collect();
        let b = build_bundle(
            "x",
            &signer.verifier().to_vkey(),
            &note,
            &cp,
            &case_items,
            &Scope::Case("A".into()),
            None,
        )
        .unwrap();
        let entries = b["entries"].as_array().unwrap();
        assert_eq!(entries.len(), 5);
        for e in entries {
            let i = e["index"].as_u64().unwrap();
            let bytes = jcs::canonicalize(&e["leaf"]).unwrap();
            assert_eq!(bytes, made[i as usize].0);
            assert_eq!(e["leaf_hash"], hex::encode(merkle::leaf_hash(&bytes)));
            assert_eq!(e["disclosure"], made[i as usize].1);
        }
        assert_eq!(b["cases"], json!(["A"]));

        let all: Vec<_> = (0..7).map(|i| item(i, false)).collect();
        let b = build_bundle("x", "k", &note, &cp, &all, &Scope::Log, None).unwrap();
        assert_eq!(b["entries"].as_array().unwrap().len(), 7);
        assert!(b["entries"][0].get("proof").is_none());
        assert_eq!(b["cases"], json!(["A", "B"]));

        // A case with no entry, an entry of another case, a wrong proof, a disclosure of
        // another body, leaves out of order: all refused.
        let scope_a = Scope::Case("A".into());
        assert!(
            build_bundle(
                "x",
                "k",
                &note,
                &cp,
                &case_items,
                &Scope::Case("Z".into()),
                None
            )
            .is_err()
        );
        assert!(build_bundle("x", "k", &note, &cp, &[item(2, true)], &scope_a, None).is_err());
        let mut bad = case_items.clone();
        bad[1].proof = Some(vec![[0; 32]; 3]);
        assert!(build_bundle("x", "k", &note, &cp, &bad, &scope_a, None).is_err());
        let mut bad = case_items.clone();
        bad[1].disclosure = Some(made[4].1.clone());
        assert!(build_bundle("x", "k", &note, &cp, &bad, &scope_a, None).is_err());
        let mut wrong = all.clone();
        wrong.swap(1, 2);
        assert!(build_bundle("x", "k", &note, &cp, &wrong, &Scope::Log, None).is_err());
    }
}

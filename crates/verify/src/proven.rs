//! Entries that carry their own proofs: the evidence file of one shipment or case
//! (`wastetrail-evidence/1`, each entry a C2SP tlog-proof) and the export bundle
//! (`wastetrail-export/1`: a case with inclusion proofs, or the whole log), checked as an
//! auditor would without the rest of the log.
//!
//! An evidence file is a JSON object:
//!
//! ```json
//! { "format": "wastetrail-evidence/1", "case": "DE-2026-0001",
//!   "movement": "<leaf hash of the movement.started entry, hex>",
//!   "proofs": ["c2sp.org/tlog-proof@v1\nextra <leaf bytes, base64>\nindex 7\n…\n\n<checkpoint>", …],
//!   "disclosures": [{"index": 7, "disclosure": {"salt": …, "body": …, "personal": […]}}] }
//! ```
//!
//! `proofs` holds the registry's statements and the case's, up to the movement (or the whole
//! case), each with the leaf bytes in its `extra` line, all against one checkpoint. The check
//! ([`verify_proven`]): the checkpoint opens with the trusted log key (and the witness quorum),
//! every leaf is included in it, then the registry and the case are replayed in index order
//! through the one admission path — the `prev` chains prove that no statement of either was
//! left out before the last one given. What an evidence file cannot prove is the absence of
//! registry statements after the last one it holds (a key revoked just before the movement,
//! say): the exporter puts in every registry statement of the checkpoint, and an auditor with
//! the whole log checks the rest.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;
use wastetrail_basel::Facts;
use wastetrail_ledger::jcs;
use wastetrail_ledger::merkle::{self, Hash};
use wastetrail_ledger::proof::TlogProof;
use wastetrail_ledger::statement::Leaf;
use wastetrail_ledger::tiles::{self, EntryBundleId, TileId};

use crate::log::{Fault, LogSource, Report, SourceError, Trust, fault, finish, open_checkpoint};
use crate::replay::Replay;
use wastetrail_basel::REGISTRY_CASE;

/// The evidence file format identifier.
pub const EVIDENCE_FORMAT: &str = "wastetrail-evidence/1";
/// The export bundle format identifier (`docs/export-bundle.md`).
pub const EXPORT_FORMAT: &str = "wastetrail-export/1";
/// Largest evidence or case bundle read (a case of a few hundred statements).
pub const MAX_PROVEN_BYTES: usize = 64 * 1024 * 1024;

/// One entry with its inclusion proof against a checkpoint note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProvenEntry {
    /// Leaf index.
    pub index: u64,
    /// The leaf bytes.
    pub leaf: Vec<u8>,
    /// Inclusion proof, leaf's sibling first.
    pub proof: Vec<Hash>,
    /// The signed checkpoint note the proof is for.
    pub checkpoint: String,
    /// The disclosure of its body (JSON bytes), when given.
    pub disclosure: Option<Vec<u8>>,
}

/// A parsed evidence file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evidence {
    /// The case.
    pub case: String,
    /// The movement it is for (leaf hash of its `movement.started`), if one.
    pub movement: Option<Hash>,
    /// The registry's and the case's entries.
    pub entries: Vec<ProvenEntry>,
}

/// Why a file is not an evidence file or export bundle (the input, not a fault of the log).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ProvenError(String);

fn bad(s: impl Into<String>) -> ProvenError {
    ProvenError(s.into())
}

impl Evidence {
    /// The evidence file as JSON.
    pub fn to_json(&self) -> Value {
        let proofs: Vec<String> = self
            .entries
            .iter()
            .map(|e| {
                TlogProof {
                    extra: Some(e.leaf.clone()),
                    index: e.index,
                    hashes: e.proof.clone(),
                    checkpoint: e.checkpoint.clone(),
                }
                .to_text()
            })
            .collect();
        let disclosures: Vec<Value> = self
            .entries
            .iter()
            .filter_map(|e| {
                let d: Value = serde_json::from_slice(e.disclosure.as_deref()?).ok()?;
                Some(serde_json::json!({"index": e.index, "disclosure": d}))
            })
            .collect();
        serde_json::json!({
            "format": EVIDENCE_FORMAT,
            "case": self.case,
            "movement": self.movement.map(hex::encode),
            "proofs": proofs,
            "disclosures": disclosures,
        })
    }

    /// Parses an evidence file from untrusted bytes.
    pub fn parse(bytes: &[u8]) -> Result<Self, ProvenError> {
        let v = parse_json(bytes)?;
        if v["format"] != EVIDENCE_FORMAT {
            return Err(bad(format!("not a {EVIDENCE_FORMAT} file")));
        }
        let case = v["case"]
            .as_str()
            .ok_or_else(|| bad("the evidence names no case"))?
            .to_owned();
        let movement = match &v["movement"] {
            Value::Null => None,
            Value::String(h) => {
                Some(merkle::hash_from_hex(h).map_err(|_| bad("movement is not a hex leaf hash"))?)
            }
            _ => return Err(bad("movement is not a hex leaf hash")),
        };
        let mut disclosures = disclosures_by_index(&v["disclosures"])?;
        let entries = v["proofs"]
            .as_array()
            .ok_or_else(|| bad("proofs is not an array"))?
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let text = p
                    .as_str()
                    .ok_or_else(|| bad(format!("proof {i} is not a string")))?;
                let proof = TlogProof::parse(text).map_err(|e| bad(format!("proof {i}: {e}")))?;
                Ok(ProvenEntry {
                    index: proof.index,
                    leaf: proof
                        .extra
                        .ok_or_else(|| bad(format!("proof {i} carries no leaf (extra line)")))?,
                    proof: proof.hashes,
                    checkpoint: proof.checkpoint,
                    disclosure: disclosures.remove(&proof.index),
                })
            })
            .collect::<Result<Vec<_>, ProvenError>>()?;
        Ok(Self {
            case,
            movement,
            entries,
        })
    }
}

fn parse_json(bytes: &[u8]) -> Result<Value, ProvenError> {
    if bytes.len() > MAX_PROVEN_BYTES {
        return Err(bad(format!(
            "larger than {} MiB",
            MAX_PROVEN_BYTES / 1024 / 1024
        )));
    }
    serde_json::from_slice(bytes).map_err(|e| bad(format!("not JSON: {e}")))
}

fn disclosures_by_index(v: &Value) -> Result<HashMap<u64, Vec<u8>>, ProvenError> {
    match v {
        Value::Null => Ok(HashMap::new()),
        Value::Array(items) => {
            let mut out = HashMap::with_capacity(items.len());
            for d in items {
                let index = d["index"]
                    .as_u64()
                    .ok_or_else(|| bad("a disclosure has no index"))?;
                let data = serde_json::to_vec(&d["disclosure"]).map_err(|e| bad(e.to_string()))?;
                if out.insert(index, data).is_some() {
                    return Err(bad(format!("two disclosures for entry {index}")));
                }
            }
            Ok(out)
        }
        _ => Err(bad("disclosures is not an array")),
    }
}

/// An export bundle, parsed: a case with proofs, or the whole log (a [`LogSource`]).
#[derive(Debug)]
pub enum ExportFile {
    /// `scope.kind == "case"`: the case's and the registry's entries with inclusion proofs.
    Case(Evidence),
    /// `scope.kind == "log"`: every leaf of the checkpoint.
    Log(MemorySource),
}

impl ExportFile {
    /// Parses a `wastetrail-export/1` bundle from untrusted bytes. Its leaves are the
    /// canonical (RFC 8785) bytes of the JSON objects it carries.
    pub fn parse(bytes: &[u8]) -> Result<Self, ProvenError> {
        let v = parse_json(bytes)?;
        if v["format"] != EXPORT_FORMAT {
            return Err(bad(format!("not a {EXPORT_FORMAT} bundle")));
        }
        let note = v["checkpoint"]
            .as_str()
            .ok_or_else(|| bad("the bundle has no checkpoint"))?
            .to_owned();
        let items = v["entries"]
            .as_array()
            .ok_or_else(|| bad("entries is not an array"))?;
        let mut entries = Vec::with_capacity(items.len());
        for (i, e) in items.iter().enumerate() {
            let index = e["index"]
                .as_u64()
                .ok_or_else(|| bad(format!("entry {i} has no index")))?;
            let leaf = jcs::canonicalize(&e["leaf"])
                .map_err(|err| bad(format!("entry {index}: {err}")))?;
            let proof = e["proof"]
                .as_array()
                .map(|p| {
                    p.iter()
                        .map(|h| merkle::hash_from_hex(h.as_str().unwrap_or_default()))
                        .collect::<Result<Vec<Hash>, _>>()
                })
                .transpose()
                .map_err(|_| bad(format!("the proof of entry {index} is not hex")))?
                .unwrap_or_default();
            let disclosure = match &e["disclosure"] {
                Value::Null => None,
                d => Some(serde_json::to_vec(d).map_err(|err| bad(err.to_string()))?),
            };
            entries.push(ProvenEntry {
                index,
                leaf,
                proof,
                checkpoint: note.clone(),
                disclosure,
            });
        }
        match v["scope"]["kind"].as_str() {
            Some("case") => Ok(ExportFile::Case(Evidence {
                case: v["scope"]["case"]
                    .as_str()
                    .ok_or_else(|| bad("the case bundle names no case"))?
                    .to_owned(),
                movement: None,
                entries,
            })),
            Some("log") => Ok(ExportFile::Log(MemorySource::new(note, entries)?)),
            _ => Err(bad("scope.kind is neither case nor log")),
        }
    }
}

/// A whole log held in memory (a `log` export bundle), read like a tiles mirror: the
/// checkpoint, entry bundles made from the leaves, no hash tiles.
#[derive(Debug)]
pub struct MemorySource {
    note: String,
    leaves: Vec<Vec<u8>>,
    disclosures: HashMap<u64, Vec<u8>>,
}

impl MemorySource {
    /// The log of `entries`, which must be indices 0, 1, 2, … in order.
    pub fn new(note: String, entries: Vec<ProvenEntry>) -> Result<Self, ProvenError> {
        let mut leaves = Vec::with_capacity(entries.len());
        let mut disclosures = HashMap::new();
        for (i, e) in entries.into_iter().enumerate() {
            if e.index != i as u64 {
                return Err(bad(format!(
                    "entry {i} of the log bundle has index {}",
                    e.index
                )));
            }
            if let Some(d) = e.disclosure {
                disclosures.insert(e.index, d);
            }
            leaves.push(e.leaf);
        }
        Ok(Self {
            note,
            leaves,
            disclosures,
        })
    }
}

impl LogSource for MemorySource {
    fn checkpoint(&self) -> Result<Vec<u8>, SourceError> {
        Ok(self.note.as_bytes().to_vec())
    }
    fn tile(&self, _: TileId) -> Result<Option<Vec<u8>>, SourceError> {
        Ok(None)
    }
    fn entry_bundle(&self, id: EntryBundleId) -> Result<Option<Vec<u8>>, SourceError> {
        let start = usize::try_from(id.index * tiles::TILE_WIDTH).unwrap_or(usize::MAX);
        let end = start.saturating_add(usize::from(id.width));
        let Some(leaves) = self.leaves.get(start..end) else {
            return Ok(None);
        };
        tiles::entry_bundle_bytes(leaves)
            .map(Some)
            .map_err(|e| SourceError {
                path: id.path(),
                reason: e.to_string(),
            })
    }
    fn disclosures(&self, id: EntryBundleId) -> Result<Vec<(u64, Vec<u8>)>, SourceError> {
        let start = id.index * tiles::TILE_WIDTH;
        Ok((start..start + u64::from(id.width))
            .filter_map(|i| Some((i, self.disclosures.get(&i)?.clone())))
            .collect())
    }
}

/// The border question answered from proven entries.
#[derive(Clone, Debug, serde::Serialize)]
pub struct MovementAnswer {
    /// Leaf index of the movement document.
    pub index: u64,
    /// Its leaf hash, hex.
    pub leaf_hash: String,
    /// The shipment number.
    pub shipment_no: u32,
    /// True when `may_start` allowed the movement when it started.
    pub consented: bool,
    /// `may_start`, `may_not_start` or `prohibited`.
    pub decision: String,
    /// The rule the decision rests on.
    pub rule_id: String,
    /// Its legal citation.
    pub citation: String,
    /// The rules not met (or resting on an unknown fact).
    pub failed_rules: Vec<String>,
}

/// Verifies proven entries of `case` against `trust`: one checkpoint for all, opened with
/// the trusted log key and witness quorum; every inclusion proof; then the registry and the
/// case replayed in index order. The report's trail is the case's; with `movement`, the
/// answer for that movement (`None` when it is not among the entries, or not checkable
/// without its body).
pub fn verify_proven(
    evidence: &Evidence,
    trust: &Trust,
    facts: &Facts,
) -> (Report, Option<MovementAnswer>) {
    let mut report = Report::empty();
    let mut replay = Replay::new(facts, trust.registrar.as_ref(), Some(&evidence.case));
    if let Err(f) = check_entries(evidence, trust, &mut replay, &mut report) {
        report.fault = Some(*f);
    }
    finish(&mut report, replay);
    let answer = evidence
        .movement
        .and_then(|m| movement_answer(&report, &hex::encode(m)));
    (report, answer)
}

/// The answer for the movement whose leaf hash is `leaf_hash` (hex), from the report's trail.
pub fn movement_answer(report: &Report, leaf_hash: &str) -> Option<MovementAnswer> {
    let step = report
        .trail
        .as_ref()?
        .steps
        .iter()
        .find(|s| s.leaf_hash == leaf_hash)?;
    let m = step.movement.as_ref()?;
    let v = &m.verdict;
    Some(MovementAnswer {
        index: step.index,
        leaf_hash: step.leaf_hash.clone(),
        shipment_no: m.shipment_no,
        consented: m.consented(),
        decision: serde_json::to_value(v.decision)
            .ok()
            .and_then(|d| d.as_str().map(str::to_owned))
            .unwrap_or_default(),
        rule_id: v.rule_id.as_str().to_owned(),
        citation: v.citation.to_owned(),
        failed_rules: crate::admission::failed_rules(v),
    })
}

fn check_entries(
    evidence: &Evidence,
    trust: &Trust,
    replay: &mut Replay<'_>,
    report: &mut Report,
) -> Result<(), Box<Fault>> {
    let first = evidence
        .entries
        .first()
        .ok_or_else(|| Box::new(fault("leaf", "the file holds no entry")))?;
    let cp = open_checkpoint(first.checkpoint.as_bytes(), trust, report)?;
    let mut sorted: Vec<&ProvenEntry> = evidence.entries.iter().collect();
    sorted.sort_by_key(|e| e.index);
    let mut seen: BTreeMap<u64, ()> = BTreeMap::new();
    for e in sorted {
        let at = |mut f: Fault| {
            f.index = Some(e.index);
            Box::new(f)
        };
        if seen.insert(e.index, ()).is_some() {
            return Err(at(fault("leaf", "the entry is given twice")));
        }
        if e.checkpoint != first.checkpoint {
            return Err(at(fault(
                "checkpoint",
                "the entry's proof is for another checkpoint than the first entry's",
            )));
        }
        let lh = merkle::leaf_hash(&e.leaf);
        merkle::verify_inclusion(&lh, e.index, cp.size, &e.proof, &cp.root)
            .map_err(|err| at(fault("inclusion", err.to_string())))?;
        let case = Leaf::parse(&e.leaf)
            .map(|l| l.statement.case().to_owned())
            .map_err(|err| at(fault("leaf", err.to_string())))?;
        if case != evidence.case && case != REGISTRY_CASE {
            return Err(at(fault(
                "leaf",
                format!("the entry belongs to case {case}, not {}", evidence.case),
            )));
        }
        replay.entry(e.index, &e.leaf, e.disclosure.as_deref())?;
        report.leaves += 1;
    }
    Ok(())
}

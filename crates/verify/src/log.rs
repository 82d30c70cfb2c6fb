//! Verification of a whole log read through a [`LogSource`] (a C2SP tlog-tiles mirror
//! directory: [`DirSource`]), streaming once through its entry bundles.
//!
//! Checks, each named in a [`Fault`] when it fails (the first fault stops the run):
//! `checkpoint` (signed note opened with the log key the auditor trusts, never one taken from
//! the input), `witness` (at least a quorum of the trusted witnesses cosigned it, C2SP
//! tlog-cosignature), `consistency` (the log extends a checkpoint saved earlier: the root of
//! its first leaves is that checkpoint's root), `leaf` (canonical RFC 8785 bytes of a wastetrail leaf), `tile` (every hash
//! tile equals the hashes recomputed from the leaves), `root` (the Merkle root of all leaves is
//! the checkpoint's), `disclosure` (a disclosed body matches its statement's commitment),
//! `admission` (the one admission path: signature, key window, `prev`, registry and Basel
//! rules — at the **full** level, with the bodies) or `signature`/`prev` (at the **public**
//! level, without a case's bodies: the signature with the actor's key valid at the time, and
//! the case's hash chain).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use wastetrail_basel::{CountryCode, Facts};
use wastetrail_ledger::checkpoint::Checkpoint;
use wastetrail_ledger::merkle::{self, CompactRange, Hash};
use wastetrail_ledger::note::NoteVerifier;
use wastetrail_ledger::statement::ParticipantPublicKey;
use wastetrail_ledger::tiles::{self, EntryBundleId, TileId};

use rayon::prelude::*;

use crate::admission::KeySnapshot;
use crate::replay::{CaseTrail, Finding, Prepared, Replay};

/// Reading a log failed (not a fault of the log: the input is missing or unreadable).
#[derive(Debug, thiserror::Error)]
#[error("{path}: {reason}")]
pub struct SourceError {
    /// What could not be read.
    pub path: String,
    /// Why.
    pub reason: String,
}

/// Where a log is read from: the C2SP tlog-tiles paths of one log, plus the disclosures a
/// participant or auditor was given beside them.
pub trait LogSource {
    /// The signed checkpoint note (`checkpoint`).
    fn checkpoint(&self) -> Result<Vec<u8>, SourceError>;
    /// A hash tile (`tile/<L>/<N>[.p/<W>]`), `None` when the source does not hold it.
    fn tile(&self, id: TileId) -> Result<Option<Vec<u8>>, SourceError>;
    /// An entry bundle (`tile/entries/<N>[.p/<W>]`), `None` when the source does not hold it.
    fn entry_bundle(&self, id: EntryBundleId) -> Result<Option<Vec<u8>>, SourceError>;
    /// The disclosures of the bundle's entries (`disclosures/<N>[.p/<W>]`: a JSON array of
    /// `{"index", "disclosure"}`), empty when the source holds none.
    fn disclosures(&self, id: EntryBundleId) -> Result<Vec<(u64, Vec<u8>)>, SourceError>;
}

/// A tiles mirror in a directory (what `wastetrail mirror` writes).
#[derive(Clone, Debug)]
pub struct DirSource {
    root: PathBuf,
}

impl DirSource {
    /// The mirror at `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// Path of the disclosures file of a bundle, relative to the mirror.
    pub fn disclosures_path(id: EntryBundleId) -> String {
        id.path().replacen("tile/entries/", "disclosures/", 1)
    }

    fn read_opt(&self, rel: &str) -> Result<Option<Vec<u8>>, SourceError> {
        match std::fs::read(self.root.join(rel)) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(SourceError {
                path: rel.to_owned(),
                reason: e.to_string(),
            }),
        }
    }

    /// The mirror's directory.
    pub fn root(&self) -> &Path {
        &self.root
    }
}

impl LogSource for DirSource {
    fn checkpoint(&self) -> Result<Vec<u8>, SourceError> {
        self.read_opt("checkpoint")?.ok_or_else(|| SourceError {
            path: "checkpoint".into(),
            reason: "missing".into(),
        })
    }
    fn tile(&self, id: TileId) -> Result<Option<Vec<u8>>, SourceError> {
        self.read_opt(&id.path())
    }
    fn entry_bundle(&self, id: EntryBundleId) -> Result<Option<Vec<u8>>, SourceError> {
        self.read_opt(&id.path())
    }
    fn disclosures(&self, id: EntryBundleId) -> Result<Vec<(u64, Vec<u8>)>, SourceError> {
        let rel = Self::disclosures_path(id);
        match self.read_opt(&rel)? {
            Some(bytes) => parse_disclosures(&bytes, &rel),
            None => Ok(Vec::new()),
        }
    }
}

/// Reads a disclosures file (`disclosures/<N>[.p/<W>]`, or the answer of
/// `GET /api/v1/disclosures`): a JSON array of `{"index", "disclosure"}`; `path` names it in
/// errors.
pub fn parse_disclosures(bytes: &[u8], path: &str) -> Result<Vec<(u64, Vec<u8>)>, SourceError> {
    let bad = |reason: String| SourceError {
        path: path.to_owned(),
        reason,
    };
    let v: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| bad(e.to_string()))?;
    let items = v.as_array().ok_or_else(|| bad("not a JSON array".into()))?;
    items
        .iter()
        .map(|d| {
            let index = d["index"]
                .as_u64()
                .ok_or_else(|| bad("an item has no index".into()))?;
            let data = serde_json::to_vec(&d["disclosure"]).map_err(|e| bad(e.to_string()))?;
            Ok((index, data))
        })
        .collect()
}

/// What the auditor trusts, given on the command line, never taken from the input.
#[derive(Clone, Debug)]
pub struct Trust {
    /// The log's note verifier key.
    pub log_key: NoteVerifier,
    /// The registrar (root of the registry). Without it, signatures and rules cannot be
    /// checked (integrity only).
    pub registrar: Option<Registrar>,
    /// Witness keys (C2SP tlog-cosignature, `vkey` with type 0x04).
    pub witnesses: Vec<NoteVerifier>,
    /// How many of `witnesses` must have cosigned the checkpoint.
    pub quorum: usize,
}

/// The deployment's registrar as the auditor knows it (the server's bootstrap configuration).
#[derive(Clone, Debug)]
pub struct Registrar {
    /// Participant id.
    pub id: String,
    /// Its Ed25519 public key.
    pub key: ParticipantPublicKey,
    /// Its country (`registrar_country`, default `ZZ`).
    pub country: CountryCode,
}

/// The first fault found, located exactly.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Fault {
    /// Which check failed (`checkpoint`, `leaf`, `tile`, `root`, `disclosure`, `admission`,
    /// `signature`, `prev`).
    pub check: &'static str,
    /// The file it was found in, when it is one file of the mirror.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Leaf index.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<u64>,
    /// Case of the statement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case: Option<String>,
    /// Statement type.
    #[serde(skip_serializing_if = "Option::is_none", rename = "type")]
    pub kind: Option<String>,
    /// Rule ID of a refusal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_id: Option<String>,
    /// What is wrong.
    pub detail: String,
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} check failed", self.check)?;
        if let Some(i) = self.index {
            write!(f, " at leaf {i}")?;
        }
        if let Some(c) = &self.case {
            write!(f, " (case {c}")?;
            if let Some(k) = &self.kind {
                write!(f, ", {k}")?;
            }
            write!(f, ")")?;
        }
        if let Some(p) = &self.file {
            write!(f, " in {p}")?;
        }
        if let Some(r) = &self.rule_id {
            write!(f, " [{r}]")?;
        }
        write!(f, ": {}", self.detail)
    }
}

pub(crate) fn fault(check: &'static str, detail: impl Into<String>) -> Fault {
    Fault {
        check,
        file: None,
        index: None,
        case: None,
        kind: None,
        rule_id: None,
        detail: detail.into(),
    }
}

/// How far a case could be verified.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Bodies disclosed: the one admission path replayed (rules included).
    Full,
    /// No bodies: signatures, key windows and the hash chain only.
    Public,
    /// No leaves (hash tiles only) or no trusted registrar: the tree only.
    Integrity,
}

/// The outcome of a verification.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Report {
    /// The checkpoint's tree size.
    pub size: u64,
    /// Its root, hex.
    pub root: String,
    /// Leaves read and checked (0 when the source holds no entry bundles).
    pub leaves: u64,
    /// Hash tiles compared with the recomputed hashes.
    pub tiles: u64,
    /// Statement signatures verified.
    pub signatures: u64,
    /// Disclosures checked against their commitments.
    pub disclosures: u64,
    /// Trusted witnesses whose cosignature on the checkpoint verified.
    pub cosignatures: usize,
    /// The level each case was verified at.
    pub cases: BTreeMap<String, Level>,
    /// The level of the log as a whole.
    pub level: Level,
    /// The first fault, if any.
    pub fault: Option<Fault>,
    /// The log's time (the last entry's `integrated_at`), at which findings are computed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// Duties gone wrong or about to (cases verified in full only): overdue confirmations,
    /// illegal traffic, re-imports, consents about to lapse. Not faults unless `--strict`.
    pub findings: Vec<Finding>,
    /// The chain of custody of the case asked for ([`Options::case`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trail: Option<CaseTrail>,
}

impl Report {
    pub(crate) fn empty() -> Self {
        Report {
            size: 0,
            root: String::new(),
            leaves: 0,
            tiles: 0,
            signatures: 0,
            disclosures: 0,
            cosignatures: 0,
            cases: BTreeMap::new(),
            level: Level::Integrity,
            fault: None,
            at: None,
            findings: Vec::new(),
            trail: None,
        }
    }
}

/// What to verify beyond the log itself.
#[derive(Clone, Copy, Default)]
pub struct Options<'a> {
    /// A checkpoint verified earlier, which the log must extend (monitoring mode).
    pub since: Option<&'a Checkpoint>,
    /// The case whose chain of custody to keep in [`Report::trail`].
    pub case: Option<&'a str>,
    /// Called with the number of leaves checked so far, after each entry bundle.
    pub progress: Option<&'a dyn Fn(u64)>,
}

/// Verifies the log of `source` against `trust`, and, with `since` (a checkpoint verified
/// earlier), that the log extends it: the root of its first `since.size` leaves is
/// `since.root` (check `consistency`). `Err` only when the source cannot be read; a fault of
/// the log is in [`Report::fault`].
pub fn verify(
    source: &dyn LogSource,
    trust: &Trust,
    facts: &Facts,
    since: Option<&Checkpoint>,
) -> Result<Report, SourceError> {
    verify_with(
        source,
        trust,
        facts,
        &Options {
            since,
            ..Options::default()
        },
    )
}

/// [`verify`] with [`Options`]: a saved checkpoint, a case to trace, a progress callback.
pub fn verify_with(
    source: &dyn LogSource,
    trust: &Trust,
    facts: &Facts,
    opts: &Options<'_>,
) -> Result<Report, SourceError> {
    let since = opts.since;
    let note = source.checkpoint()?;
    let mut report = Report::empty();
    let cp = match open_checkpoint(&note, trust, &mut report) {
        Ok(cp) => cp,
        Err(mut f) => {
            f.file = Some("checkpoint".into());
            report.fault = Some(*f);
            return Ok(report);
        }
    };
    if let Some(old) = since
        && (old.origin != cp.origin || old.size > cp.size)
    {
        let mut f = fault(
            "consistency",
            format!(
                "the saved checkpoint ({} entries of {}) is not an earlier state of this log ({} entries of {})",
                old.size, old.origin, cp.size, cp.origin
            ),
        );
        f.file = Some("checkpoint".into());
        report.fault = Some(f);
        return Ok(report);
    }
    let mut replay = Replay::new(facts, trust.registrar.as_ref(), opts.case);
    if let Err(f) = check_tree(source, &cp, opts, &mut replay, &mut report)? {
        report.fault = Some(*f);
    }
    finish(&mut report, replay);
    Ok(report)
}

/// Opens the checkpoint note with the trusted log key, counts the trusted witnesses that
/// cosigned it (into `report`, with its size and root) and checks their quorum.
pub(crate) fn open_checkpoint(
    note: &[u8],
    trust: &Trust,
    report: &mut Report,
) -> Result<Checkpoint, Box<Fault>> {
    let (cp, opened) = Checkpoint::open_with(note, &trust.log_key, &trust.witnesses)
        .map_err(|e| Box::new(fault("checkpoint", e.to_string())))?;
    report.size = cp.size;
    report.root = hex::encode(cp.root);
    report.cosignatures = trust
        .witnesses
        .iter()
        .filter(|w| {
            opened
                .signatures
                .iter()
                .any(|s| s.name == w.name() && s.key_id == w.key_id())
        })
        .count();
    if report.cosignatures < trust.quorum {
        return Err(Box::new(fault(
            "witness",
            format!(
                "{} of the {} trusted witnesses cosigned the checkpoint; the quorum is {}",
                report.cosignatures,
                trust.witnesses.len(),
                trust.quorum
            ),
        )));
    }
    Ok(cp)
}

/// Fills the report from the finished replay: counts, levels, findings, the watched trail.
pub(crate) fn finish(report: &mut Report, replay: Replay<'_>) {
    report.signatures = replay.signatures;
    report.disclosures = replay.disclosures;
    report.level = replay.level(report.leaves);
    report.findings = replay.findings();
    report.at = replay.last_time.and_then(|t| {
        t.format(&time::format_description::well_known::Rfc3339)
            .ok()
    });
    report.trail = replay.case_trail();
    report.cases = replay.levels;
}

/// Streams the bundles (or, without them, the level-0 tiles), compares every tile and the
/// root. The outer `Result` is the source, the inner one a fault of the log.
fn check_tree(
    source: &dyn LogSource,
    cp: &Checkpoint,
    opts: &Options<'_>,
    replay: &mut Replay<'_>,
    report: &mut Report,
) -> Result<Result<(), Box<Fault>>, SourceError> {
    let since = opts.since;
    let mut range = CompactRange::new();
    let consistent = |range: &CompactRange| match since {
        Some(old) if range.size() == old.size && range.root() != old.root => {
            let mut f = fault(
                "consistency",
                format!(
                    "the first {} leaves do not hash to the saved checkpoint's root: the log was rewritten",
                    old.size
                ),
            );
            f.index = old.size.checked_sub(1);
            Err(Box::new(f))
        }
        _ => Ok(()),
    };
    if let Err(f) = consistent(&range) {
        return Ok(Err(f));
    }
    // Complete subtree hashes at tree levels 8, 16, …: what the upper tiles hold.
    let mut upper: Vec<Vec<Hash>> = Vec::new();
    // A mirror holds every entry bundle or none (a public mirror of hash tiles): one that
    // holds the first and lacks another is incomplete, never silently checked less.
    let mut with_entries = None;
    // Bundle n + 1 is read and prepared (parsed, hashed, disclosures and signatures checked on
    // all cores) while bundle n is replayed on this thread; its faults and read errors are
    // kept for its turn, so they come out in the order of a bundle-by-bundle run.
    let ids = tiles::entry_bundles_for_size(cp.size);
    let mut ahead: Option<(Ahead, Option<Vec<Prepared>>)> = None;
    for (n, &id) in ids.iter().enumerate() {
        let (cur, prepared) = match ahead.take() {
            Some(a) => a,
            None => {
                let a = Ahead::read(source, id);
                let keys = replay.registry.as_ref().map(KeySnapshot::of);
                let p = a.prepare(keys.as_ref());
                (a, p)
            }
        };
        let next = ids.get(n + 1).map(|&next| Ahead::read(source, next));
        // The keys as this bundle starts: a key the bundle changes is verified again in the
        // replay (`Prepared` keeps the key it used).
        let keys = next
            .as_ref()
            .and_then(|_| replay.registry.as_ref().map(KeySnapshot::of));
        let mut next_prepared = None;
        let step = rayon::in_place_scope(|s| {
            if let Some(next) = &next {
                let (keys, out) = (keys.as_ref(), &mut next_prepared);
                s.spawn(move |_| *out = next.prepare(keys));
            }
            bundle_turn(source, cur, prepared, &mut with_entries, replay, report)
        });
        ahead = next.map(|a| (a, next_prepared));
        let hashes = match step? {
            Ok(h) => h,
            Err(f) => return Ok(Err(f)),
        };
        if let Err(f) = compare_tile(source, 0, id.index, &hashes, report)? {
            return Ok(Err(f));
        }
        for h in &hashes {
            range.append(*h);
            if let Err(f) = consistent(&range) {
                return Ok(Err(f));
            }
        }
        if let Some(progress) = opts.progress {
            progress(range.size());
        }
        if hashes.len() == 256 {
            push_upper(&mut upper, 0, merkle::root(&hashes));
        }
    }
    for (i, level) in upper.iter().enumerate() {
        let tile_level = u8::try_from(i + 1).unwrap_or(u8::MAX);
        for (n, chunk) in level.chunks(256).enumerate() {
            if let Err(f) = compare_tile(source, tile_level, n as u64, chunk, report)? {
                return Ok(Err(f));
            }
        }
    }
    if range.root() != cp.root {
        let mut f = fault(
            "root",
            "the Merkle root of the leaves is not the signed checkpoint's root",
        );
        f.file = Some("checkpoint".into());
        return Ok(Err(Box::new(f)));
    }
    Ok(Ok(()))
}

/// Adds a complete subtree hash at tile level `from + 1` and carries full groups upwards.
fn push_upper(upper: &mut Vec<Vec<Hash>>, from: usize, h: Hash) {
    if upper.len() <= from {
        upper.push(Vec::new());
    }
    let Some(level) = upper.get_mut(from) else {
        return;
    };
    level.push(h);
    if level.len().is_multiple_of(256) {
        let start = level.len() - 256;
        let group = merkle::root(level.get(start..).unwrap_or_default());
        push_upper(upper, from + 1, group);
    }
}

/// An entry bundle read ahead of its turn, with its disclosures, or why they could not be
/// read (reported at its turn only, where a bundle-by-bundle run reads them).
struct Ahead {
    id: EntryBundleId,
    bundle: Result<Option<Vec<u8>>, SourceError>,
    disclosures: Result<HashMap<u64, Vec<u8>>, SourceError>,
}

impl Ahead {
    fn read(source: &dyn LogSource, id: EntryBundleId) -> Ahead {
        let bundle = source.entry_bundle(id);
        let disclosures = match &bundle {
            Ok(Some(_)) => source.disclosures(id).map(|d| d.into_iter().collect()),
            _ => Ok(HashMap::new()),
        };
        Ahead {
            id,
            bundle,
            disclosures,
        }
    }

    /// The bundle's entries prepared on all cores, signatures verified with `keys`; `None`
    /// when the bundle or its disclosures are missing or malformed (its turn reports it).
    fn prepare(&self, keys: Option<&KeySnapshot>) -> Option<Vec<Prepared>> {
        let (Ok(Some(bytes)), Ok(disclosures)) = (&self.bundle, &self.disclosures) else {
            return None;
        };
        let entries = tiles::parse_entry_bundle(bytes).ok()?;
        let entries = entries.get(..usize::from(self.id.width))?;
        Some(
            entries
                .par_iter()
                .enumerate()
                .map(|(i, leaf)| {
                    let index = self.id.index * 256 + i as u64;
                    Prepared::new(leaf, disclosures.get(&index).map(Vec::as_slice), keys)
                })
                .collect(),
        )
    }
}

/// The turn of one bundle: its leaf hashes, from its entries replayed in order (or, without
/// entries, from its level-0 tile). The outer `Result` is the source, the inner one a fault of
/// the log.
fn bundle_turn(
    source: &dyn LogSource,
    cur: Ahead,
    prepared: Option<Vec<Prepared>>,
    with_entries: &mut Option<bool>,
    replay: &mut Replay<'_>,
    report: &mut Report,
) -> Result<Result<Vec<Hash>, Box<Fault>>, SourceError> {
    let id = cur.id;
    let bundle = cur.bundle?;
    // A mirror holds every entry bundle or none (a public mirror of hash tiles): one that
    // holds the first and lacks another is incomplete, never silently checked less.
    let expected = *with_entries.get_or_insert(bundle.is_some());
    if expected != bundle.is_some() {
        let mut f = fault(
            "leaf",
            if expected {
                "the entry bundle is missing although the mirror holds the earlier ones"
            } else {
                "the mirror holds this entry bundle but not the first ones"
            },
        );
        f.file = Some(id.path());
        return Ok(Err(Box::new(f)));
    }
    if let Some(bytes) = bundle {
        return bundle_hashes(id, &bytes, cur.disclosures, prepared, replay, report);
    }
    // No leaves (a public mirror): the level-0 tile gives the leaf hashes.
    let tid = TileId {
        level: 0,
        index: id.index,
        width: id.width,
    };
    let Some(t) = source.tile(tid)? else {
        let mut f = fault(
            "tile",
            "neither the entry bundle nor the level-0 tile is there",
        );
        f.file = Some(tid.path());
        return Ok(Err(Box::new(f)));
    };
    Ok(tiles::parse_tile(&t, id.width).map_err(|e| {
        let mut f = fault("tile", e.to_string());
        f.file = Some(tid.path());
        Box::new(f)
    }))
}

/// The leaf hashes of one bundle, each leaf replayed with its disclosure (`prepared` ahead,
/// else here).
fn bundle_hashes(
    id: EntryBundleId,
    bytes: &[u8],
    disclosures: Result<HashMap<u64, Vec<u8>>, SourceError>,
    prepared: Option<Vec<Prepared>>,
    replay: &mut Replay<'_>,
    report: &mut Report,
) -> Result<Result<Vec<Hash>, Box<Fault>>, SourceError> {
    let entries = match tiles::parse_entry_bundle(bytes) {
        Ok(e) if e.len() >= usize::from(id.width) => e,
        Ok(e) => {
            let mut f = fault(
                "leaf",
                format!("the bundle holds {} entries, not {}", e.len(), id.width),
            );
            f.file = Some(id.path());
            return Ok(Err(Box::new(f)));
        }
        Err(e) => {
            let mut f = fault("leaf", e.to_string());
            f.file = Some(id.path());
            return Ok(Err(Box::new(f)));
        }
    };
    let disclosures = disclosures?;
    let prepared = match prepared {
        Some(p) => p,
        None => {
            let keys = replay.registry.as_ref().map(KeySnapshot::of);
            entries
                .iter()
                .take(usize::from(id.width))
                .enumerate()
                .map(|(i, leaf)| {
                    let index = id.index * 256 + i as u64;
                    Prepared::new(
                        leaf,
                        disclosures.get(&index).map(Vec::as_slice),
                        keys.as_ref(),
                    )
                })
                .collect()
        }
    };
    let mut hashes = Vec::with_capacity(usize::from(id.width));
    for (i, p) in prepared.into_iter().enumerate() {
        let index = id.index * 256 + i as u64;
        match replay.apply(index, p) {
            Ok(h) => hashes.push(h),
            Err(mut f) => {
                if f.check == "leaf" {
                    f.file = Some(id.path());
                } else if f.check == "disclosure" {
                    f.file = Some(DirSource::disclosures_path(id));
                }
                return Ok(Err(f));
            }
        }
        report.leaves += 1;
    }
    Ok(Ok(hashes))
}

/// Compares the tile `(level, index)` of the source, if it holds it, with `hashes`.
fn compare_tile(
    source: &dyn LogSource,
    level: u8,
    index: u64,
    hashes: &[Hash],
    report: &mut Report,
) -> Result<Result<(), Box<Fault>>, SourceError> {
    let Ok(width) = u16::try_from(hashes.len()) else {
        return Ok(Ok(()));
    };
    let id = TileId {
        level,
        index,
        width,
    };
    let Some(bytes) = source.tile(id)? else {
        return Ok(Ok(()));
    };
    report.tiles += 1;
    if bytes != tiles::tile_bytes(hashes) {
        let mut f = fault(
            "tile",
            "the tile is not the hashes recomputed from the leaves",
        );
        f.file = Some(id.path());
        return Ok(Err(Box::new(f)));
    }
    Ok(Ok(()))
}

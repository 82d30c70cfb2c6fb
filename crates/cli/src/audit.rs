//! `wastetrail mirror` and `wastetrail verify`: the auditor's copy of a log and its offline
//! check.
//!
//! A **mirror** is a static C2SP tlog-tiles directory — `checkpoint`, `tile/<L>/<N>[.p/<W>]`,
//! `tile/entries/<N>[.p/<W>]` — that any web server can serve and any tlog-tiles client can
//! read, plus `disclosures/<N>[.p/<W>]` (JSON arrays of `{"index", "disclosure"}`) with the
//! bodies the mirroring key is entitled to. It is written one tile at a time (constant
//! memory), full tiles are never fetched twice (a second run fetches only what is new), and
//! the checkpoint is written last, so a mirror never names a tree it does not hold.
//! `wastetrail verify DIR` checks it with `wastetrail_verify::log::verify`.

use std::path::Path;

use anyhow::Context as _;
use wastetrail_basel::{CountryCode, Facts};
use wastetrail_ledger::checkpoint::Checkpoint;
use wastetrail_ledger::note::NoteVerifier;
use wastetrail_ledger::statement::ParticipantPublicKey;
use wastetrail_ledger::tiles::{self, EntryBundleId, TileId};
use wastetrail_verify::log::SourceError;
use wastetrail_verify::{DirSource, Level, LogSource, Registrar, Report, Trust};

use crate::client::{Client, ClientError};

/// What a mirror run wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MirrorSummary {
    /// Tree size of the mirrored checkpoint.
    pub size: u64,
    /// Hash tiles fetched (full tiles already present are not fetched again).
    pub tiles_fetched: u64,
    /// Entry bundles fetched.
    pub bundles_fetched: u64,
    /// Whether entry bundles could be read (auditors only).
    pub entries: bool,
    /// Disclosures written.
    pub disclosures: u64,
}

fn write_file(dir: &Path, rel: &str, bytes: &[u8]) -> anyhow::Result<()> {
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    // Written beside, then renamed: a crash never leaves half a tile under its name.
    let tmp = path.with_extension("part");
    std::fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, &path).with_context(|| format!("cannot write {}", path.display()))
}

/// Mirrors the log of `client` (logged in or not) into `out`.
pub async fn mirror(client: &Client, out: &Path) -> anyhow::Result<MirrorSummary> {
    let (note, cp) = client.checkpoint().await.context("the checkpoint")?;
    let mut summary = MirrorSummary {
        size: cp.size,
        entries: true,
        ..MirrorSummary::default()
    };
    for id in tiles::tiles_for_size(cp.size) {
        let rel = id.path();
        if id.is_full() && out.join(&rel).is_file() {
            continue;
        }
        let bytes = fetch(client, &rel).await?;
        write_file(out, &rel, &bytes)?;
        summary.tiles_fetched += 1;
    }
    for id in tiles::entry_bundles_for_size(cp.size) {
        let rel = id.path();
        let have = id.width == 256 && out.join(&rel).is_file();
        if summary.entries && !have {
            match client.get_raw(&format!("/{rel}")).await? {
                (200, bytes) => {
                    write_file(out, &rel, &bytes)?;
                    summary.bundles_fetched += 1;
                }
                (401 | 403, _) => summary.entries = false,
                (status, _) => anyhow::bail!("GET /{rel} answered {status}"),
            }
        }
        if client.token().is_some() {
            summary.disclosures += mirror_disclosures(client, out, id).await?;
        }
    }
    write_file(out, "checkpoint", note.as_bytes())?;
    Ok(summary)
}

async fn fetch(client: &Client, rel: &str) -> anyhow::Result<Vec<u8>> {
    match client.get_raw(&format!("/{rel}")).await? {
        (200, bytes) => Ok(bytes),
        (status, _) => anyhow::bail!("GET /{rel} answered {status}"),
    }
}

async fn mirror_disclosures(client: &Client, out: &Path, id: EntryBundleId) -> anyhow::Result<u64> {
    let page = client
        .get_json(&format!(
            "/api/v1/disclosures?start={}&limit={}",
            id.index * 256,
            id.width
        ))
        .await
        .with_context(|| format!("the disclosures of {}", id.path()))?;
    let items = page.as_array().cloned().unwrap_or_default();
    let n = items.len() as u64;
    if n > 0 {
        let bytes = serde_json::to_vec(&serde_json::Value::Array(items))?;
        write_file(out, &DirSource::disclosures_path(id), &bytes)?;
    }
    Ok(n)
}

/// What `wastetrail verify` trusts, from its options.
pub struct TrustArgs<'a> {
    /// The log's verifier key (vkey).
    pub log_key: &'a str,
    /// The registrar's public key (base64, or a file holding it).
    pub registrar_key: Option<&'a str>,
    /// The registrar's participant id.
    pub registrar_id: &'a str,
    /// The registrar's country.
    pub registrar_country: &'a str,
    /// Witness keys (vkeys).
    pub witnesses: &'a [String],
    /// Cosignatures required (default: every witness given).
    pub quorum: Option<usize>,
}

/// Builds the trust anchors; an error is a missing or unreadable trusted key (exit 2).
pub fn trust(args: &TrustArgs<'_>) -> anyhow::Result<Trust> {
    let log_key = NoteVerifier::parse(args.log_key.trim())
        .context("--log-key is not a note verifier key (name+hex8+base64)")?;
    let registrar = match args.registrar_key {
        None => None,
        Some(k) => {
            let text = if Path::new(k).is_file() {
                std::fs::read_to_string(k).with_context(|| format!("cannot read {k}"))?
            } else {
                k.to_owned()
            };
            Some(Registrar {
                id: args.registrar_id.to_owned(),
                key: ParticipantPublicKey::parse_base64(text.trim()).context(
                    "--registrar-key is not a base64 Ed25519 public key (or a file holding one)",
                )?,
                country: CountryCode::parse(args.registrar_country)
                    .map_err(|e| anyhow::anyhow!("--registrar-country: {e}"))?,
            })
        }
    };
    let witnesses = args
        .witnesses
        .iter()
        .map(|w| {
            NoteVerifier::parse(w.trim())
                .with_context(|| format!("--witness {w} is not a witness verifier key"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let quorum = args.quorum.unwrap_or(witnesses.len());
    anyhow::ensure!(
        quorum <= witnesses.len(),
        "--quorum {quorum} exceeds the {} witnesses given",
        witnesses.len()
    );
    Ok(Trust {
        log_key,
        registrar,
        witnesses,
        quorum,
    })
}

/// The checkpoint saved by an earlier run (`--since FILE`), if the file exists: opened with
/// the trusted log key (a file that does not open cannot be trusted: exit 2).
pub fn saved_checkpoint(path: &Path, trust: &Trust) -> anyhow::Result<Option<Checkpoint>> {
    match std::fs::read(path) {
        Ok(note) => Ok(Some(Checkpoint::open(&note, &trust.log_key).with_context(
            || {
                format!(
                    "{} is not a checkpoint signed by the trusted log key",
                    path.display()
                )
            },
        )?)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(anyhow::Error::from(e).context(format!("cannot read {}", path.display()))),
    }
}

/// Saves the checkpoint the mirror in `dir` was verified at to `path` (monitoring mode).
pub fn save_checkpoint(dir: &Path, path: &Path) -> anyhow::Result<()> {
    let note = std::fs::read(dir.join("checkpoint")).context("the mirror's checkpoint")?;
    let tmp = path.with_extension("part");
    std::fs::write(&tmp, note).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))
}

/// Verifies the mirror in `dir` (and that it extends `since`, if given).
pub fn verify_dir(dir: &Path, trust: &Trust, since: Option<&Checkpoint>) -> anyhow::Result<Report> {
    anyhow::ensure!(dir.is_dir(), "{} is not a directory", dir.display());
    let facts = Facts::try_builtin().map_err(|e| anyhow::anyhow!("law data: {e}"))?;
    Ok(wastetrail_verify::verify(
        &DirSource::new(dir),
        trust,
        &facts,
        since,
    )?)
}

/// The plain-words summary of a report.
pub fn summary(source: &str, r: &Report) -> String {
    let count = |l: Level| r.cases.values().filter(|x| **x == l).count();
    let mut s = format!(
        "{}: log of {} entries, root {}\n  checked: {} leaves, {} hash tiles, {} signatures, {} disclosures, {} witness cosignatures\n  cases: {} at the full level (rules replayed), {} public (signatures and chains), {} integrity only\n",
        source,
        r.size,
        r.root,
        r.leaves,
        r.tiles,
        r.signatures,
        r.disclosures,
        r.cosignatures,
        count(Level::Full),
        count(Level::Public),
        count(Level::Integrity),
    );
    s.push_str(match r.level {
        Level::Full => "  level: full (tree, signatures, chains and the Basel rules replayed)\n",
        Level::Public => "  level: public for some cases (their bodies were not disclosed to this mirror)\n",
        Level::Integrity => "  level: integrity (the tree and its signed root; no leaves, bodies or registrar key)\n",
    });
    if !r.findings.is_empty() {
        s.push_str(&format!(
            "  findings at {} ({}; not faults unless --strict):\n",
            r.at.as_deref().unwrap_or("the log's time"),
            r.findings.len()
        ));
        for f in &r.findings {
            s.push_str(&format!("    {}: {}\n", f.case, f.obligation));
        }
    }
    match &r.fault {
        None => s.push_str("verified: no fault\n"),
        Some(f) => s.push_str(&format!("FAULT: {f}\n")),
    }
    s
}

/// True when an error came from the server side (exit 3) rather than from this machine.
pub fn is_unavailable(e: &anyhow::Error) -> bool {
    matches!(
        e.downcast_ref::<ClientError>(),
        Some(ClientError::Transport(_))
            | Some(ClientError::Problem(_))
            | Some(ClientError::Unexpected { .. })
    )
}

/// The customs officer's answer for a scanned movement document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BorderAnswer {
    /// In the log and consented when it started.
    Consented,
    /// In the log, but the movement was not consented when it started.
    NotConsented,
    /// Not in this log (or not a movement document).
    NotInLog,
}

/// Checks a QR payload against the log of `client` (whose log key is pinned): the leaf must be
/// a movement document in a checkpoint signed by that key, proven by its inclusion proof, and
/// the log's answer says whether it was consented. Returns the answer and one sentence why.
pub async fn check_qr(
    client: &Client,
    qr: &wastetrail_ledger::qr::MovementRef,
) -> anyhow::Result<(BorderAnswer, String)> {
    let (_, cp) = client.checkpoint().await.context("the log's checkpoint")?;
    if cp.origin != qr.origin {
        return Ok((
            BorderAnswer::NotInLog,
            format!(
                "the document names the log {}, this server is {}",
                qr.origin, cp.origin
            ),
        ));
    }
    if cp.size < qr.size {
        return Ok((
            BorderAnswer::NotInLog,
            format!(
                "the log holds {} entries, fewer than the {} printed on the document: it does not extend the printed checkpoint",
                cp.size, qr.size
            ),
        ));
    }
    let hex_hash = hex::encode(qr.leaf_hash);
    let (status, body) = client
        .get_raw(&format!("/api/v1/movements/{hex_hash}"))
        .await?;
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    if status == 404 {
        let why = if v["code"] == "not_a_movement" {
            "the entry is in the log but is not an accepted movement document"
        } else {
            "no entry of the log has this leaf hash"
        };
        return Ok((BorderAnswer::NotInLog, why.to_owned()));
    }
    anyhow::ensure!(status == 200, "the movement check answered {status}");
    let index = v["index"].as_u64().context("the answer has no index")?;
    anyhow::ensure!(
        index == qr.index,
        "the log puts the document at leaf {index}, the code says {}",
        qr.index
    );
    let note = v["checkpoint"]
        .as_str()
        .context("the answer has no checkpoint")?;
    let answer_cp = Checkpoint::open(note.as_bytes(), client.log_key())
        .context("the answer's checkpoint is not signed by the trusted log key")?;
    let proof = v["proof"]
        .as_array()
        .context("the answer has no proof")?
        .iter()
        .map(|h| wastetrail_ledger::merkle::hash_from_hex(h.as_str().unwrap_or_default()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| anyhow::anyhow!("the proof is not hex"))?;
    wastetrail_ledger::merkle::verify_inclusion(
        &qr.leaf_hash,
        index,
        answer_cp.size,
        &proof,
        &answer_cp.root,
    )
    .map_err(|e| anyhow::anyhow!("the inclusion proof does not verify: {e}"))?;
    let rule = format!(
        "{} ({})",
        v["rule_id"].as_str().unwrap_or("?"),
        v["citation"].as_str().unwrap_or("?")
    );
    Ok(if v["consented"] == true {
        (
            BorderAnswer::Consented,
            format!(
                "leaf {index} of {} is in the log (proof verified against a checkpoint of {} entries) and the movement was consented when it started: {rule}",
                cp.origin, answer_cp.size
            ),
        )
    } else {
        let failed: Vec<&str> = v["failed_rules"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r.as_str())
            .collect();
        (
            BorderAnswer::NotConsented,
            format!(
                "leaf {index} is in the log, but the movement was not consented when it started: {rule}; checks not met: {}",
                failed.join(", ")
            ),
        )
    })
}

/// A running server read as a [`LogSource`] (`wastetrail verify URL`): its public read paths —
/// `checkpoint`, hash tiles — and, when the client is logged in, the entry bundles (auditors)
/// and the disclosures the session may read. One request per tile, never the whole log in
/// memory. The checkpoint is read once, so that every tile is read for the same tree.
///
/// The verifier is synchronous (it has no async runtime in its build graph), so each read
/// blocks on `runtime`: call [`wastetrail_verify::verify_with`] outside the runtime's threads.
pub struct HttpSource<'a> {
    client: &'a Client,
    runtime: &'a tokio::runtime::Runtime,
    note: std::sync::OnceLock<Vec<u8>>,
}

impl<'a> HttpSource<'a> {
    /// The log of `client`, read through `runtime`.
    pub fn new(client: &'a Client, runtime: &'a tokio::runtime::Runtime) -> Self {
        Self {
            client,
            runtime,
            note: std::sync::OnceLock::new(),
        }
    }

    fn get(&self, rel: &str) -> Result<(u16, Vec<u8>), SourceError> {
        self.runtime
            .block_on(self.client.get_raw(&format!("/{rel}")))
            .map_err(|e| SourceError {
                path: format!("{}/{rel}", self.client.base()),
                reason: e.to_string(),
            })
    }

    fn optional(&self, rel: &str) -> Result<Option<Vec<u8>>, SourceError> {
        match self.get(rel)? {
            (200, bytes) => Ok(Some(bytes)),
            (401 | 403 | 404, _) => Ok(None),
            (status, _) => Err(SourceError {
                path: format!("{}/{rel}", self.client.base()),
                reason: format!("answered {status}"),
            }),
        }
    }
}

impl LogSource for HttpSource<'_> {
    fn checkpoint(&self) -> Result<Vec<u8>, SourceError> {
        if let Some(n) = self.note.get() {
            return Ok(n.clone());
        }
        let note = self.optional("checkpoint")?.ok_or_else(|| SourceError {
            path: format!("{}/checkpoint", self.client.base()),
            reason: "no checkpoint".into(),
        })?;
        Ok(self.note.get_or_init(|| note).clone())
    }
    fn tile(&self, id: TileId) -> Result<Option<Vec<u8>>, SourceError> {
        self.optional(&id.path())
    }
    fn entry_bundle(&self, id: EntryBundleId) -> Result<Option<Vec<u8>>, SourceError> {
        if self.client.token().is_none() {
            return Ok(None);
        }
        self.optional(&id.path())
    }
    fn disclosures(&self, id: EntryBundleId) -> Result<Vec<(u64, Vec<u8>)>, SourceError> {
        if self.client.token().is_none() {
            return Ok(Vec::new());
        }
        let rel = format!(
            "api/v1/disclosures?start={}&limit={}",
            id.index * 256,
            id.width
        );
        match self.optional(&rel)? {
            Some(bytes) => wastetrail_verify::log::parse_disclosures(
                &bytes,
                &format!("{}/{rel}", self.client.base()),
            ),
            None => Ok(Vec::new()),
        }
    }
}

//! A generated log written straight into a tiles mirror directory in bounded memory, for the
//! verifier benchmark (`genmirror`, `verifybench`): the registry and complete cases of every
//! statement type as [`crate::generate`] builds them (each statement signed and admitted by
//! the one admission path, each case in a 100-second slot), generated case by case on all cores and written in
//! log order, each 256-entry bundle (with its disclosures and level-0 tile) as it fills. Only
//! the open bundle, the compact range and the upper tile levels (one hash per 256 leaves) stay
//! in memory.
//!
//! Layout of `DIR`: `full/` is the mirror with every disclosure (verified at the full level);
//! `public/` shares its checkpoint and tiles (symbolic links) but holds only the registry's
//! disclosures, as a mirror published without the case bodies (the public level: tree,
//! signatures, key windows and chains); `meta.json` says what was written.

use std::path::Path;

use rayon::prelude::*;
use serde_json::{Value, json};
use wastetrail_basel::CountryCode;
use wastetrail_ledger::checkpoint::Checkpoint;
use wastetrail_ledger::merkle::{self, CompactRange, Hash};
use wastetrail_ledger::note::NoteSigner;
use wastetrail_ledger::statement::ParticipantPublicKey;
use wastetrail_ledger::tiles::{self, EntryBundleId, TileId};
use wastetrail_verify::{DirSource, Registrar, Trust};

use crate::{Builder, CASE_ENTRIES, DAY0, ORIGIN};

/// What [`write_mirror`] wrote.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Written {
    /// Entries in the log (the checkpoint's size).
    pub entries: u64,
    /// Registry entries (the first ones, the only ones disclosed in `public/`).
    pub registry_entries: u64,
    /// Cases begun (the last one may be cut short by the size).
    pub cases: u64,
    /// Cases whose last statement is not a final one (illegal traffic found, consent
    /// withdrawn, re-import required, or cut short by the size); the replay keeps the state of
    /// every case.
    pub open_cases: u64,
}

/// The log key of a written mirror (the same as [`crate::generate`]'s).
pub fn log_signer() -> NoteSigner {
    NoteSigner::from_seed(ORIGIN, &[2; 32]).expect("log key")
}

/// What the auditor trusts for a written mirror.
pub fn mirror_trust() -> Trust {
    let b = Builder::registry();
    Trust {
        log_key: log_signer().verifier(),
        registrar: Some(Registrar {
            id: "registrar".into(),
            key: b.out.keys["registrar"].public_key(),
            country: CountryCode::parse("ZZ").expect("ZZ"),
        }),
        witnesses: Vec::new(),
        quorum: 0,
    }
}

/// Every key that signs in a written mirror (the revoked one included).
pub fn participant_keys() -> Vec<ParticipantPublicKey> {
    let b = Builder::registry();
    b.out
        .keys
        .values()
        .chain(b.out.revoked.iter().map(|(_, k)| k))
        .map(|k| k.public_key())
        .collect()
}

/// Writes a generated log of exactly `entries` entries (the last case cut short if needed)
/// into `dir` (`full/`, `public/`, `meta.json`), in bounded memory.
pub fn write_mirror(dir: &Path, entries: u64) -> std::io::Result<Written> {
    let full = dir.join("full");
    let mut w = MirrorWriter::new(&full);
    let mut template = Builder::registry();
    let setup: Vec<(Vec<u8>, Value)> = template
        .out
        .leaves
        .drain(..)
        .zip(template.out.disclosures.drain(..))
        .collect();
    let registry_entries = setup.len() as u64;
    let mut registry_disclosures = Vec::new();
    for (i, (leaf, d)) in setup.into_iter().enumerate() {
        if (i as u64) < entries {
            registry_disclosures.push(json!({"index": i, "disclosure": d}));
            w.push(leaf, d)?;
        }
    }
    template.out.cases.clear();
    // Each case in its own 100-second slot (at most 14 statements, 7 s apart), 800 slots a
    // day from 01:06:40 on, so that no case straddles midnight (its dates are the day it
    // begins) and every case can be built on its own, on any core.
    let start = |i: u64| {
        let (d, slot) = (i / 800, i % 800);
        DAY0 + i64::try_from(d * 86_400 + 4_000 + 100 * slot).expect("clock")
    };
    debug_assert!(CASE_ENTRIES.iter().all(|n| 7 * n < 100) && template.clock < DAY0 + 4_000);
    let (mut cases, mut open_cases, mut next) = (0u64, 0u64, 0u64);
    const CHUNK: u64 = 4096;
    while w.size < entries {
        let built: Vec<Vec<(Vec<u8>, Value)>> = (next..next + CHUNK)
            .into_par_iter()
            .map_init(
                || template.clone(),
                |b, i| {
                    b.clock = start(i);
                    b.cases.clear();
                    b.case(usize::try_from(i).expect("case number"));
                    b.out.cases.clear();
                    b.out
                        .leaves
                        .drain(..)
                        .zip(b.out.disclosures.drain(..))
                        .collect()
                },
            )
            .collect();
        for (i, case) in (next..).zip(built) {
            if w.size >= entries {
                break;
            }
            let n = case.len() as u64;
            cases += 1;
            if matches!(i % 7, 0 | 3 | 4) || w.size + n > entries {
                open_cases += 1;
            }
            for (leaf, d) in case {
                if w.size < entries {
                    w.push(leaf, d)?;
                }
            }
        }
        next += CHUNK;
    }
    w.finish(&log_signer())?;
    // The public mirror: the same checkpoint and tiles, the registry's disclosures only.
    let public = dir.join("public");
    std::fs::create_dir_all(public.join("disclosures"))?;
    for name in ["checkpoint", "tile"] {
        let link = public.join(name);
        if std::fs::symlink_metadata(&link).is_err() {
            std::os::unix::fs::symlink(Path::new("../full").join(name), &link)?;
        }
    }
    if let Some(id) = tiles::entry_bundles_for_size(entries).first() {
        std::fs::write(
            public.join(DirSource::disclosures_path(*id)),
            serde_json::to_vec(&registry_disclosures)?,
        )?;
    }
    let written = Written {
        entries,
        registry_entries: registry_entries.min(entries),
        cases,
        open_cases,
    };
    std::fs::write(dir.join("meta.json"), serde_json::to_vec_pretty(&written)?)?;
    Ok(written)
}

/// Writes a tiles mirror entry by entry: entry bundles, disclosures and level-0 tiles as each
/// bundle fills, upper tiles and the checkpoint at the end.
struct MirrorWriter {
    dir: std::path::PathBuf,
    size: u64,
    leaves: Vec<Vec<u8>>,
    disclosures: Vec<Value>,
    hashes: Vec<Hash>,
    range: CompactRange,
    /// Complete subtree hashes at tile levels 1, 2, …
    upper: Vec<Vec<Hash>>,
}

impl MirrorWriter {
    fn new(dir: &Path) -> Self {
        Self {
            dir: dir.to_owned(),
            size: 0,
            leaves: Vec::with_capacity(256),
            disclosures: Vec::with_capacity(256),
            hashes: Vec::with_capacity(256),
            range: CompactRange::new(),
            upper: Vec::new(),
        }
    }

    fn put(&self, rel: &str, bytes: &[u8]) -> std::io::Result<()> {
        let p = self.dir.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(p, bytes)
    }

    fn push(&mut self, leaf: Vec<u8>, disclosure: Value) -> std::io::Result<()> {
        let h = merkle::leaf_hash(&leaf);
        self.range.append(h);
        self.hashes.push(h);
        self.leaves.push(leaf);
        self.disclosures.push(disclosure);
        self.size += 1;
        if self.leaves.len() == 256 {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes the open bundle (full or, at the end, partial) and its level-0 tile.
    fn flush(&mut self) -> std::io::Result<()> {
        let width = self.leaves.len() as u16;
        if width == 0 {
            return Ok(());
        }
        let first = self.size - u64::from(width);
        let id = EntryBundleId {
            index: first / 256,
            width,
        };
        let bundle = tiles::entry_bundle_bytes(&self.leaves).map_err(std::io::Error::other)?;
        self.put(&id.path(), &bundle)?;
        let items: Vec<Value> = self
            .disclosures
            .drain(..)
            .enumerate()
            .map(|(i, d)| json!({"index": first + i as u64, "disclosure": d}))
            .collect();
        self.put(
            &DirSource::disclosures_path(id),
            &serde_json::to_vec(&items)?,
        )?;
        let tile = TileId {
            level: 0,
            index: id.index,
            width,
        };
        self.put(&tile.path(), &tiles::tile_bytes(&self.hashes))?;
        if width == 256 {
            push_upper(&mut self.upper, 0, merkle::root(&self.hashes));
        }
        self.leaves.clear();
        self.hashes.clear();
        Ok(())
    }

    fn finish(mut self, log: &NoteSigner) -> std::io::Result<()> {
        self.flush()?;
        for id in tiles::tiles_for_size(self.size) {
            if id.level == 0 {
                continue;
            }
            let start = usize::try_from(id.index * 256).expect("index");
            let level = &self.upper[usize::from(id.level) - 1];
            self.put(
                &id.path(),
                &tiles::tile_bytes(&level[start..start + usize::from(id.width)]),
            )?;
        }
        let cp = Checkpoint::new(ORIGIN, self.size, self.range.root()).expect("checkpoint");
        self.put("checkpoint", cp.sign(log).expect("signed").as_bytes())
    }
}

/// Adds a complete subtree hash at tile level `from + 1` and carries full groups upwards.
fn push_upper(upper: &mut Vec<Vec<Hash>>, from: usize, h: Hash) {
    if upper.len() <= from {
        upper.push(Vec::new());
    }
    upper[from].push(h);
    if upper[from].len().is_multiple_of(256) {
        let start = upper[from].len() - 256;
        let group = merkle::root(&upper[from][start..]);
        push_upper(upper, from + 1, group);
    }
}

//! The vector checkers: one module per vector file, a counting context, and JSON helpers
//! that turn malformed vector data into failures (never panics), so that a corrupted vector
//! is reported like a wrong result.
//!
//! Every expected value is read from the vector files, never from this code: paths, sizes,
//! records and leaf data come from the data (or from the rules the files state in words, such
//! as `leaves_rule`), so that another vector set in the same format, with other data, passes
//! when the implementation is right and fails when it is wrong. What stays in code is the
//! specifications' own formulas (RFC 9162 hashing, C2SP key IDs, Sigsum origins).

mod checkpoint;
mod cosignature;
mod ct_argon;
mod jcs;
mod merkle;
pub mod other_data;
mod probes;
mod signed_note;
mod tiles;
mod witness;

use base64::Engine as _;
use serde_json::Value;
use std::path::Path;
use wastetrail_ledger::merkle::{Hash, root};
use wastetrail_ledger::tiles::{EntryBundleId, TileId};

pub type R<T> = Result<T, String>;

/// Per-file counting context.
pub struct Ctx {
    pub file: String,
    /// Vectors (items of the file) looked at.
    pub vectors: usize,
    /// Checks made on them.
    pub checked: usize,
    pub failures: Vec<String>,
    /// Counters of documented special rules (name, count).
    pub rules: Vec<(String, usize)>,
}

impl Ctx {
    fn new(file: &str) -> Self {
        Self {
            file: file.to_owned(),
            vectors: 0,
            checked: 0,
            failures: Vec::new(),
            rules: Vec::new(),
        }
    }

    /// Counts one vector (an item of the file).
    pub fn vector(&mut self) {
        self.vectors += 1;
    }

    /// Counts one check; records a failure if `ok` is false.
    pub fn check(&mut self, ok: bool, what: impl FnOnce() -> String) {
        self.checked += 1;
        if !ok {
            let w = what();
            self.failures.push(format!("{}: {w}", self.file));
        }
    }

    /// Checks `a == b`.
    pub fn eq<T: PartialEq + std::fmt::Debug>(&mut self, a: T, b: T, what: &str) {
        let ok = a == b;
        self.check(ok, || format!("{what}: {a:?} != {b:?}"));
    }

    /// Runs a fallible block; an error (malformed vector data or unexpected error) is a
    /// failure.
    pub fn run(&mut self, what: &str, f: impl FnOnce(&mut Ctx) -> R<()>) {
        if let Err(e) = f(self) {
            self.failures.push(format!("{}: {what}: {e}", self.file));
        }
    }

    /// Counts a documented special rule.
    pub fn rule(&mut self, name: &str) {
        match self.rules.iter_mut().find(|(n, _)| n == name) {
            Some((_, c)) => *c += 1,
            None => self.rules.push((name.to_owned(), 1)),
        }
    }
}

/// Per file: name, number of vectors, number of checks, counters of documented rules.
pub type FileReport = (String, usize, usize, Vec<(String, usize)>);

/// Result of a whole directory.
pub struct Report {
    pub files: Vec<FileReport>,
    pub failures: Vec<String>,
    /// Known files absent from a non-default directory.
    pub absent: Vec<String>,
}

impl Report {
    pub fn total_checked(&self) -> usize {
        self.files.iter().map(|f| f.2).sum()
    }

    pub fn summary(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (f, v, n, rules) in &self.files {
            out.push(format!("  {f}: {v} vectors, {n} checks"));
            for (r, c) in rules {
                out.push(format!("    rule: {r}: {c}"));
            }
        }
        for f in &self.absent {
            out.push(format!("  {f}: absent from this directory"));
        }
        out.push(format!(
            "  total: {} vectors, {} checks in {} files, {} failures",
            self.files.iter().map(|f| f.1).sum::<usize>(),
            self.total_checked(),
            self.files.len(),
            self.failures.len()
        ));
        out
    }
}

type Checker = fn(&Value, &mut Ctx);

const CHECKERS: &[(&str, Checker)] = &[
    ("rfc6962-merkle.json", merkle::check),
    ("rfc6962-proof-probes.json", probes::check),
    ("rfc6962-ct-argon2020.json", ct_argon::check),
    ("signed-note.json", signed_note::check),
    ("checkpoint.json", checkpoint::check),
    ("cosignature.json", cosignature::check),
    ("tlog-tiles.json", tiles::check),
    ("witness-add-checkpoint.json", witness::check),
    ("rfc8785-jcs.json", jcs::check),
];

/// Checks every file of `dir`. With `require_all`, every known file must be present (the
/// crate's own set); otherwise (another set via `WASTETRAIL_VECTORS_DIR`) absent known files
/// are listed in the summary, but at least one must be present.
pub fn check_dir(dir: &Path, require_all: bool) -> Report {
    let mut report = Report {
        files: Vec::new(),
        failures: Vec::new(),
        absent: Vec::new(),
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            report
                .failures
                .push(format!("cannot read {}: {e}", dir.display()));
            return report;
        }
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for n in &names {
        if n.ends_with(".json") && !CHECKERS.iter().any(|(f, _)| f == n) {
            report
                .failures
                .push(format!("{n}: no checker for this vector file"));
        }
    }
    for (file, checker) in CHECKERS {
        if !names.iter().any(|n| n == file) {
            if require_all {
                report.failures.push(format!("{file}: missing"));
            } else {
                report.absent.push(file.to_string());
            }
            continue;
        }
        let mut ctx = Ctx::new(file);
        match std::fs::read(dir.join(file))
            .map_err(|e| e.to_string())
            .and_then(|b| serde_json::from_slice::<Value>(&b).map_err(|e| e.to_string()))
        {
            Ok(v) => checker(&v, &mut ctx),
            Err(e) => ctx.failures.push(format!("{file}: unreadable: {e}")),
        }
        if ctx.checked == 0 || ctx.vectors == 0 {
            ctx.failures.push(format!("{file}: nothing was checked"));
        }
        report.files.push((
            file.to_string(),
            ctx.vectors,
            ctx.checked,
            ctx.rules.clone(),
        ));
        report.failures.extend(ctx.failures);
    }
    if report.files.is_empty() {
        report
            .failures
            .push(format!("{}: no known vector file", dir.display()));
    }
    report
}

// ---- JSON helpers -------------------------------------------------------------------------

pub fn get<'a>(v: &'a Value, k: &str) -> R<&'a Value> {
    v.get(k).ok_or_else(|| format!("missing {k:?}"))
}

pub fn s<'a>(v: &'a Value, k: &str) -> R<&'a str> {
    get(v, k)?
        .as_str()
        .ok_or_else(|| format!("{k:?} is not a string"))
}

pub fn u(v: &Value, k: &str) -> R<u64> {
    get(v, k)?
        .as_u64()
        .ok_or_else(|| format!("{k:?} is not a u64"))
}

pub fn b(v: &Value, k: &str) -> R<bool> {
    get(v, k)?
        .as_bool()
        .ok_or_else(|| format!("{k:?} is not a bool"))
}

pub fn arr<'a>(v: &'a Value, k: &str) -> R<&'a Vec<Value>> {
    get(v, k)?
        .as_array()
        .ok_or_else(|| format!("{k:?} is not an array"))
}

pub fn as_str(v: &Value) -> R<&str> {
    v.as_str().ok_or_else(|| "not a string".to_owned())
}

pub fn b64(s: &str) -> R<Vec<u8>> {
    base64::engine::general_purpose::STANDARD
        .decode(s)
        .map_err(|e| format!("bad base64 {s:?}: {e}"))
}

pub fn hexd(s: &str) -> R<Vec<u8>> {
    hex::decode(s).map_err(|e| format!("bad hex {s:?}: {e}"))
}

pub fn h32(bytes: Vec<u8>) -> R<Hash> {
    Hash::try_from(bytes.as_slice()).map_err(|_| format!("hash of {} bytes", bytes.len()))
}

pub fn b64h(s: &str) -> R<Hash> {
    h32(b64(s)?)
}

pub fn hexh(s: &str) -> R<Hash> {
    h32(hexd(s)?)
}

/// A list of base64 hashes; `null` is the empty list (as in the Go JSON vectors).
pub fn b64_list(v: &Value, k: &str) -> R<Vec<Hash>> {
    match get(v, k)? {
        Value::Null => Ok(Vec::new()),
        Value::Array(a) => a.iter().map(|x| b64h(as_str(x)?)).collect(),
        _ => Err(format!("{k:?} is not a list")),
    }
}

pub fn sha256(b: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(b).into()
}

/// Decodes a binary fixture `{size, sha256_hex, content_b64}` and checks size and digest.
pub fn fixture(ctx: &mut Ctx, f: &Value) -> R<Vec<u8>> {
    let content = b64(s(f, "content_b64")?)?;
    let size = u(f, "size")?;
    let path = s(f, "path").unwrap_or("?").to_owned();
    ctx.eq(content.len() as u64, size, &format!("size of {path}"));
    ctx.eq(
        hex::encode(sha256(&content)),
        s(f, "sha256_hex")?.to_owned(),
        &format!("sha256 of {path}"),
    );
    Ok(content)
}

// ---- Expected values derived from the vector data ------------------------------------------

/// The C2SP tlog-tiles path inside a fixture's path: the part from its last `tile/` segment on
/// (`testdata/log/tile/0/000.p/1` -> `tile/0/000.p/1`), wherever the source kept its log.
pub fn tile_suffix(path: &str) -> R<&str> {
    path.rmatch_indices("tile/")
        .map(|(i, _)| i)
        .find(|&i| i == 0 || path.as_bytes().get(i - 1) == Some(&b'/'))
        .and_then(|i| path.get(i..))
        .ok_or_else(|| format!("no tile/ segment in {path:?}"))
}

/// The hashes a tile must hold for a tree with these leaf hashes: at tile level L, the roots
/// of the complete subtrees of 256^L leaves from the tile's first index on.
pub fn expected_tile_hashes(id: &TileId, leaves: &[Hash]) -> R<Vec<Hash>> {
    let span = 1usize
        .checked_shl(id.tree_level())
        .ok_or("tile level too high")?;
    (0..usize::from(id.width))
        .map(|k| {
            let first = (id.first_hash_index() as usize + k) * span;
            leaves
                .get(first..first + span)
                .map(root)
                .ok_or_else(|| format!("{} reaches beyond the {} leaves", id.path(), leaves.len()))
        })
        .collect()
}

/// The entries an entry bundle must hold: `width` entries from the bundle's first index on.
pub fn expected_bundle<'a>(id: &EntryBundleId, entries: &'a [Vec<u8>]) -> R<Vec<&'a [u8]>> {
    let first = id.index as usize * 256;
    entries
        .get(first..first + usize::from(id.width))
        .map(|e| e.iter().map(Vec::as_slice).collect())
        .ok_or_else(|| format!("{} reaches beyond the {} entries", id.path(), entries.len()))
}

/// The JSON string literal that follows `marker` in a vector's description of a value
/// (`RecordHash("hello world") = ...` -> `hello world`).
pub fn quoted_after(text: &str, marker: &str) -> R<String> {
    let rest = text
        .split_once(marker)
        .map(|(_, r)| r)
        .ok_or_else(|| format!("no {marker:?} in {text:?}"))?;
    serde_json::Deserializer::from_str(rest)
        .into_iter::<String>()
        .next()
        .ok_or_else(|| format!("no string after {marker:?} in {text:?}"))?
        .map_err(|e| format!("no string after {marker:?} in {text:?}: {e}"))
}

/// The text between `open` and the next `close` after it.
pub fn between<'a>(text: &'a str, open: &str, close: &str) -> R<&'a str> {
    text.split_once(open)
        .and_then(|(_, r)| r.split_once(close))
        .map(|(inner, _)| inner)
        .ok_or_else(|| format!("no {open:?}...{close:?} in {text:?}"))
}

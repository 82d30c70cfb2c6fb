//! Runs every test-vector file through the ledger.
//!
//! The directory is `$WASTETRAIL_VECTORS_DIR` if set, else `tests/vectors/` of this crate.
//! Each known file has a checker (module `vector_suite::<file>`); each check is counted and
//! the counts are printed per file (run with `--nocapture` to see them). A `.json` file
//! without a checker, a known file missing from the crate's own directory (another
//! directory may hold a subset, listed as absent), a checker that checked nothing, or any
//! failed check fails the test. Vectors deliberately treated differently are handled by explicit,
//! documented rules inside the checkers and counted separately ("rule:" lines).

// Test code: a panic is a failing test (clippy.toml allows this in #[test] fns; the
// helpers here are test code too).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "vector_suite/mod.rs"]
mod vector_suite;

use std::path::{Path, PathBuf};
use vector_suite::check_dir;

/// The crate's own vector directory.
fn own_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

/// The directory to check and whether every known file must be in it (only for our own).
fn vectors_dir() -> (PathBuf, bool) {
    match std::env::var_os("WASTETRAIL_VECTORS_DIR") {
        Some(d) => (PathBuf::from(d), false),
        None => (own_dir(), true),
    }
}

#[test]
fn every_vector_file_passes() {
    let (dir, require_all) = vectors_dir();
    println!("test vectors from {}", dir.display());
    let report = check_dir(&dir, require_all);
    assert_passes(&report);
    if require_all {
        assert!(report.total_checked() > 1000, "suspiciously few checks");
    }
}

/// Copies the vector directory, changes one hex or base64 value in one file, and checks that
/// the same checking function now reports a failure: the suite cannot pass on wrong data.
#[test]
fn a_mutated_vector_is_detected() {
    let src = own_dir();
    // (file, JSON pointer of a string value, byte position in that string to change)
    let mutations: &[(&str, &str, usize)] = &[
        ("rfc6962-merkle.json", "/node_hashes_hex_by_level/1/2", 10),
        ("rfc6962-merkle.json", "/inclusion_proofs/2/proof/1", 5),
        ("rfc6962-proof-probes.json", "/consistency/0/root2", 3),
        (
            "rfc6962-ct-argon2020.json",
            "/get_sth_consistency/consistency/7",
            8,
        ),
        ("signed-note.json", "/vectors/1/note", 150),
        ("signed-note.json", "/key_pairs/2/vkey", 30),
        ("checkpoint.json", "/tessera_log/checkpoints/5/note", 40),
        (
            "checkpoint.json",
            "/tessera_log/level0_partial_tiles/3/content_b64",
            20,
        ),
        ("cosignature.json", "/vectors/1/note", 100),
        (
            "tlog-tiles.json",
            "/sunlight_mirror/tiles/1/content_b64",
            400,
        ),
        (
            "witness-add-checkpoint.json",
            "/requests/5/request_body",
            10,
        ),
        ("rfc8785-jcs.json", "/cases/5/outhex", 7),
        // The values the checkers derive their expectations from are data too.
        ("checkpoint.json", "/go_sumdb_tree_golden/root_is", 12),
        ("tlog-tiles.json", "/sunlight_mirror/leaves_rule", 36),
        ("witness-add-checkpoint.json", "/leaf_hashes_rule", 20),
    ];
    let baseline = check_dir(&src, true);
    assert!(baseline.failures.is_empty(), "baseline must pass");
    for (file, pointer, pos) in mutations {
        assert_mutation_detected(&src, file, pointer, *pos);
    }
}

/// Another vector set in the same format, with other data (other origin, key, entries, paths,
/// tile indices, FormatTree record, tiling size and mirror leaves), passes: no checker
/// hard-codes an upstream value. A wrong value in it is found like one in the upstream set.
#[test]
fn a_conforming_set_with_other_data_passes() {
    let other = tempfile::tempdir().unwrap();
    vector_suite::other_data::write_other_set(&own_dir(), other.path());
    println!("test vectors with other data (made by vector_suite::other_data)");
    assert_passes(&check_dir(other.path(), true));
    let own = std::fs::read(own_dir().join("checkpoint.json")).unwrap();
    assert_ne!(
        std::fs::read(other.path().join("checkpoint.json")).unwrap(),
        own
    );
    for (file, pointer, pos) in [
        (
            "checkpoint.json",
            "/tessera_log/entry_bundles/1/content_b64",
            8,
        ),
        (
            "checkpoint.json",
            "/tessera_log/level0_partial_tiles/2/content_b64",
            30,
        ),
        ("checkpoint.json", "/go_sumdb_tree_golden/root_is", 14),
        (
            "tlog-tiles.json",
            "/sunlight_mirror/tiles/3/content_b64",
            60,
        ),
        ("tlog-tiles.json", "/sunlight_mirror/leaves_rule", 36),
    ] {
        assert_mutation_detected(other.path(), file, pointer, pos);
    }
}

/// Prints the summary of `report` and asserts that no check failed.
fn assert_passes(report: &vector_suite::Report) {
    for line in report.summary() {
        println!("{line}");
    }
    assert!(
        report.failures.is_empty(),
        "{} failing checks:\n{}",
        report.failures.len(),
        report.failures.join("\n")
    );
}

/// Copies `src`, changes the string at `pointer` of `file` at byte `pos`, and asserts that
/// checking the copy fails.
fn assert_mutation_detected(src: &Path, file: &str, pointer: &str, pos: usize) {
    use serde_json::Value;
    let tmp = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(src).unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, tmp.path().join(p.file_name().unwrap())).unwrap();
    }
    let path = tmp.path().join(file);
    let mut v: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let s = v.pointer_mut(pointer).unwrap();
    let old = s.as_str().unwrap().to_owned();
    let new = mutate_char(&old, pos);
    assert_ne!(old, new);
    *s = Value::String(new);
    std::fs::write(&path, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    let report = check_dir(tmp.path(), true);
    assert!(
        !report.failures.is_empty(),
        "changing {file} {pointer} at {pos} was not detected"
    );
    println!(
        "mutation {file} {pointer}@{pos}: detected ({} failing checks, e.g. {})",
        report.failures.len(),
        report.failures[0].chars().take(160).collect::<String>()
    );
}

/// Replaces the character at byte `pos` (or the next hex/base64 character after it) by
/// another character of the same alphabet.
fn mutate_char(s: &str, pos: usize) -> String {
    let b = s.as_bytes();
    let mut i = pos.min(b.len() - 1);
    while !b[i].is_ascii_alphanumeric() {
        i += 1;
    }
    let c = b[i];
    let repl = match c {
        b'0'..=b'8' | b'a'..=b'e' | b'A'..=b'Y' => c + 1,
        b'9' => b'0',
        b'f' => b'a',
        b'Z' => b'A',
        _ => b'a',
    };
    let mut out = b.to_vec();
    out[i] = repl;
    String::from_utf8(out).unwrap()
}

//! Another vector set in the same format, with other data: the crate's own set with the data
//! of `checkpoint.json` (the tessera-style log, the FormatTree golden) and `tlog-tiles.json`
//! (the tiling example, the mirror) replaced by data made here — another origin and key, other
//! entries, tiles and bundles at other indices and under another directory, another record,
//! another tree size, other mirror leaves.
//!
//! The checkers must pass it, because they read every expected value from the files. The data
//! is made with this crate's own functions, so this set tests the checkers' independence of
//! the upstream data, not the implementation (that is what the upstream set is for).

use std::path::Path;

use base64::Engine as _;
use serde_json::{Value, json};
use wastetrail_ledger::checkpoint::Checkpoint;
use wastetrail_ledger::merkle::{Hash, leaf_hash, root};
use wastetrail_ledger::note::NoteSigner;
use wastetrail_ledger::tiles::{
    EntryBundleId, TileId, entry_bundle_bytes, tile_bytes, tiles_for_size,
};

use super::sha256;

/// Copies the vector set of `from` to `to`, with other data in `checkpoint.json` and
/// `tlog-tiles.json`.
pub fn write_other_set(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
    }
    edit(&to.join("checkpoint.json"), |v| {
        v["tessera_log"] = other_log(&v["tessera_log"]);
        v["go_sumdb_tree_golden"] = other_golden(&v["go_sumdb_tree_golden"]);
    });
    edit(&to.join("tlog-tiles.json"), |v| {
        other_tiling(&mut v["paths"]);
        v["sunlight_mirror"] = other_mirror(&v["sunlight_mirror"]);
    });
}

fn edit(path: &Path, f: impl FnOnce(&mut Value)) {
    let mut v: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    f(&mut v);
    std::fs::write(path, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
}

/// A binary fixture as the vector files hold one.
fn fixture(path: String, content: &[u8]) -> Value {
    json!({
        "path": path,
        "size": content.len(),
        "sha256_hex": hex::encode(sha256(content)),
        "content_b64": base64::engine::general_purpose::STANDARD.encode(content),
    })
}

/// A 300-entry log kept under `elsewhere/v2/log/`, with checkpoints of some sizes, and the
/// partial tiles and entry bundles of its second tile (index 1).
fn other_log(upstream: &Value) -> Value {
    let origin = "other.example/vector-log";
    let dir = "elsewhere/v2/log/";
    let (signer, skey) = NoteSigner::generate(origin);
    let entries: Vec<String> = (0..300).map(|i| format!("entry number {i}")).collect();
    let hashes: Vec<Hash> = entries.iter().map(|e| leaf_hash(e.as_bytes())).collect();
    let note = |n: usize| {
        Checkpoint::new(origin, n as u64, root(&hashes[..n]))
            .unwrap()
            .sign(&signer)
            .unwrap()
    };
    let mut checkpoints: Vec<Value> = [0, 1, 2, 255, 256, 257, 299, 300]
        .iter()
        .map(|&n| json!({"file": format!("{dir}checkpoint.{n}"), "note": note(n)}))
        .collect();
    checkpoints.push(json!({"file": format!("{dir}checkpoint"), "note": note(300)}));
    let widths = [1u16, 2, 44];
    let tiles: Vec<Value> = widths
        .iter()
        .map(|&w| {
            let id = TileId::new(0, 1, w).unwrap();
            let content = tile_bytes(&hashes[256..256 + usize::from(w)]);
            fixture(format!("{dir}{}", id.path()), &content)
        })
        .collect();
    let bundles: Vec<Value> = widths
        .iter()
        .map(|&w| {
            let id = EntryBundleId { index: 1, width: w };
            let content = entry_bundle_bytes(&entries[256..256 + usize::from(w)]).unwrap();
            fixture(format!("{dir}{}", id.path()), &content)
        })
        .collect();
    json!({
        "description": "made by the vector tests: another log in the format of tessera's",
        "source": upstream["source"],
        "vkey": signer.verifier().to_vkey(),
        "skey": skey,
        "origin": origin,
        "entries_ascii": entries,
        "checkpoints": checkpoints,
        "level0_partial_tiles": tiles,
        "entry_bundles": bundles,
    })
}

/// A FormatTree golden over another record and size.
fn other_golden(upstream: &Value) -> Value {
    let record = "another \"record\"";
    let text = Checkpoint::new("other tree", 42, leaf_hash(record.as_bytes()))
        .unwrap()
        .to_text();
    json!({
        "source": upstream["source"],
        "text": text,
        "tree_size": 42,
        "root_is": format!("RecordHash({}) = SHA-256(0x00||record)", json!(record)),
        "expect": "unsigned checkpoint body; root line equals base64(SHA-256(0x00||record))",
    })
}

/// The tiling example of a 1,000,000-leaf tree instead of the 70,000-leaf one.
fn other_tiling(paths: &mut Value) {
    let obj = paths.as_object_mut().unwrap();
    obj.retain(|k, _| !k.starts_with("tree_"));
    let size: u64 = 1_000_000;
    let (level1, level2) = (size / 256, size / 256 / 256);
    obj.insert(
        format!("tree_{size}"),
        json!({
            "source": "computed for this test",
            "full_level0": size / 256,
            "partial_level0_width": size % 256,
            "full_level1": level1 / 256,
            "partial_level1_width": level1 % 256,
            "partial_level2_width": level2 % 256,
        }),
    );
}

/// A 600-leaf mirror with other leaf data, kept under `mirrors/other/`.
fn other_mirror(upstream: &Value) -> Value {
    let size: u64 = 600;
    let (signer, _) = NoteSigner::generate("mirror.other.example/log");
    let leaves: Vec<Hash> = (0..size)
        .map(|i| leaf_hash(format!("leaf-{i}-data").as_bytes()))
        .collect();
    let checkpoint = Checkpoint::new("mirror.other.example/log", size, root(&leaves))
        .unwrap()
        .sign(&signer)
        .unwrap();
    let tiles: Vec<Value> = tiles_for_size(size)
        .iter()
        .map(|id| {
            // Hash k of a level-L tile: the root of 256^L leaves from (first index + k)·256^L.
            let span = 1usize << (8 * u32::from(id.level));
            let first = id.index as usize * 256;
            let hashes: Vec<Hash> = (first..first + usize::from(id.width))
                .map(|n| root(&leaves[n * span..(n + 1) * span]))
                .collect();
            let content = tile_bytes(&hashes);
            fixture(format!("mirrors/other/{}", id.path()), &content)
        })
        .collect();
    json!({
        "source": upstream["source"],
        "leaves_rule": format!(
            "leaf i (0..{}) data = ASCII 'leaf-%d-data' (e.g. 'leaf-0-data'); leaf hash = SHA-256(0x00||data)",
            size - 1
        ),
        "tree_size": size,
        "checkpoint": checkpoint,
        "tiles": tiles,
    })
}

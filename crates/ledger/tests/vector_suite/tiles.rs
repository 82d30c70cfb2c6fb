//! tlog-tiles.json: path encoding, the 70,000-leaf tiling, and a 300-leaf tree served as tiles.
//!
//! Every expected value comes from the file: the tree size of a tiling from its `tree_<N>`
//! key, the mirror's leaves from its `leaves_rule`, tile coordinates from the tlog-tiles part
//! of each fixture's path.

use super::{Ctx, R, arr, between, expected_tile_hashes, fixture, get, s, tile_suffix, u};
use serde_json::Value;
use std::collections::HashMap;
use wastetrail_ledger::checkpoint::Checkpoint;
use wastetrail_ledger::merkle::{Hash, HashReader, NodeId, leaf_hash, root, root_from};
use wastetrail_ledger::note::parse_note;
use wastetrail_ledger::tiles::{
    EntryBundleId, TileId, hash_up, parse_tile, stored_range_for_node, tiles_for_size,
};

fn paths(v: &Value, ctx: &mut Ctx) -> R<()> {
    let p = get(v, "paths")?;
    for t in arr(p, "tile")? {
        ctx.vector();
        let id = TileId {
            level: u8::try_from(u(t, "level")?).map_err(|e| e.to_string())?,
            index: u(t, "index")?,
            width: u16::try_from(u(t, "width")?).map_err(|e| e.to_string())?,
        };
        let path = s(t, "path")?;
        ctx.eq(id.path(), path.to_owned(), "tile path");
        ctx.eq(TileId::parse_path(path).ok(), Some(id), "tile path parse");
    }
    for t in arr(p, "entries")? {
        ctx.vector();
        let id = EntryBundleId {
            index: u(t, "index")?,
            width: u16::try_from(u(t, "width")?).map_err(|e| e.to_string())?,
        };
        let path = s(t, "path")?;
        ctx.eq(id.path(), path.to_owned(), "bundle path");
        ctx.eq(
            EntryBundleId::parse_path(path).ok(),
            Some(id),
            "bundle path parse",
        );
    }
    // `tree_<N>`: the tiling of an N-leaf tree (C2SP's example is N = 70,000).
    let trees = p.as_object().ok_or("paths is not an object")?;
    let mut tilings = 0;
    for (key, t) in trees {
        let Some(n) = key.strip_prefix("tree_") else {
            continue;
        };
        ctx.vector();
        tilings += 1;
        let size: u64 = n.parse().map_err(|_| format!("{key}: no tree size"))?;
        tiling(ctx, size, t)?;
    }
    ctx.check(tilings > 0, || "no tree_<size> tiling example".into());
    Ok(())
}

/// Checks the tile counts of a `size`-leaf tree against the example's.
fn tiling(ctx: &mut Ctx, size: u64, t: &Value) -> R<()> {
    let tiles = tiles_for_size(size);
    let full = |l: u8| tiles.iter().filter(|t| t.level == l && t.is_full()).count() as u64;
    let partial = |l: u8| {
        tiles
            .iter()
            .find(|t| t.level == l && !t.is_full())
            .map_or(0, |t| u64::from(t.width))
    };
    ctx.eq(
        full(0),
        u(t, "full_level0")?,
        &format!("{size}: full level 0"),
    );
    ctx.eq(
        partial(0),
        u(t, "partial_level0_width")?,
        &format!("{size}: partial level 0"),
    );
    ctx.eq(
        full(1),
        u(t, "full_level1")?,
        &format!("{size}: full level 1"),
    );
    ctx.eq(
        partial(1),
        u(t, "partial_level1_width")?,
        &format!("{size}: partial level 1"),
    );
    ctx.eq(
        partial(2),
        u(t, "partial_level2_width")?,
        &format!("{size}: partial level 2"),
    );
    Ok(())
}

/// The leaf data the mirror's `leaves_rule` describes: `leaf i (0..N-1) data = ASCII
/// '<template with %d>' ...`; the range must be that of the tree.
fn mirror_leaves(rule: &str, size: u64) -> R<Vec<Vec<u8>>> {
    let template = between(rule, "ASCII '", "'")?;
    if !template.contains("%d") {
        return Err(format!("leaves_rule template {template:?} has no %d"));
    }
    let range = between(rule, "(", ")")?;
    if range != format!("0..{}", size.saturating_sub(1)) {
        return Err(format!(
            "leaves_rule range {range:?} is not that of {size} leaves"
        ));
    }
    Ok((0..size)
        .map(|i| template.replace("%d", &i.to_string()).into_bytes())
        .collect())
}

/// Answers node reads from tile contents only (tile rows at levels 0, 8, ...).
struct Tiles(HashMap<(u8, u64), Hash>);

impl HashReader for Tiles {
    type Error = String;
    fn read_hashes(&self, ids: &[NodeId]) -> Result<Vec<Hash>, String> {
        ids.iter()
            .map(|id| {
                let (lvl, start, end) = stored_range_for_node(*id);
                let run = (start..end)
                    .map(|i| {
                        self.0
                            .get(&(lvl, i))
                            .copied()
                            .ok_or(format!("no tile hash {lvl}/{i}"))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                hash_up(&run).map_err(|e| e.to_string())
            })
            .collect()
    }
}

fn mirror(v: &Value, ctx: &mut Ctx) -> R<()> {
    let m = get(v, "sunlight_mirror")?;
    let size = u(m, "tree_size")?;
    ctx.vector(); // the checkpoint
    let leaves: Vec<Hash> = mirror_leaves(s(m, "leaves_rule")?, size)?
        .iter()
        .map(|d| leaf_hash(d))
        .collect();
    let note = parse_note(s(m, "checkpoint")?.as_bytes()).map_err(|e| e.to_string())?;
    let cp = Checkpoint::parse_text(&note.text).map_err(|e| e.to_string())?;
    ctx.eq(cp.size, size, "mirror checkpoint size");
    ctx.eq(root(&leaves), cp.root, "mirror root = MTH(records)");
    let mut rows = HashMap::new();
    let mut seen = Vec::new();
    for t in arr(m, "tiles")? {
        ctx.vector();
        let path = s(t, "path")?;
        let content = fixture(ctx, t)?;
        let rel = tile_suffix(path)?;
        let id = TileId::parse_path(rel).map_err(|e| format!("{rel}: {e}"))?;
        let hashes = parse_tile(&content, id.width).map_err(|e| e.to_string())?;
        let want = expected_tile_hashes(&id, &leaves)?;
        ctx.eq(hashes.len(), want.len(), &format!("{rel} width"));
        for (k, (h, w)) in hashes.iter().zip(&want).enumerate() {
            ctx.eq(h, w, &format!("{rel} hash {k}"));
            rows.insert((id.level * 8, id.first_hash_index() + k as u64), *h);
        }
        seen.push(id);
    }
    // The tiles are exactly those of a tree of this size.
    seen.sort();
    let mut want = tiles_for_size(size);
    want.sort();
    ctx.eq(
        seen,
        want,
        &format!("mirror tiles = tiles_for_size({size})"),
    );
    ctx.eq(
        root_from(size, &Tiles(rows)).ok(),
        Some(cp.root),
        "root from tiles only",
    );
    Ok(())
}

pub fn check(v: &Value, ctx: &mut Ctx) {
    ctx.run("paths", |ctx| paths(v, ctx));
    ctx.run("mirror", |ctx| mirror(v, ctx));
}

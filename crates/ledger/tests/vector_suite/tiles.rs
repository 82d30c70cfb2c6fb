//! tlog-tiles.json: path encoding, the 70,000-leaf tiling, and a 300-leaf tree served as tiles.

use super::{Ctx, R, arr, fixture, get, s, u};
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
    let t7 = get(p, "tree_70000")?;
    ctx.vector();
    let tiles = tiles_for_size(70_000);
    let full = |l: u8| tiles.iter().filter(|t| t.level == l && t.is_full()).count() as u64;
    let partial = |l: u8| {
        tiles
            .iter()
            .find(|t| t.level == l && !t.is_full())
            .map_or(0, |t| u64::from(t.width))
    };
    ctx.eq(full(0), u(t7, "full_level0")?, "70000: full level 0");
    ctx.eq(
        partial(0),
        u(t7, "partial_level0_width")?,
        "70000: partial level 0",
    );
    ctx.eq(full(1), u(t7, "full_level1")?, "70000: full level 1");
    ctx.eq(
        partial(1),
        u(t7, "partial_level1_width")?,
        "70000: partial level 1",
    );
    ctx.eq(
        partial(2),
        u(t7, "partial_level2_width")?,
        "70000: partial level 2",
    );
    Ok(())
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
    let leaves: Vec<Hash> = (0..size)
        .map(|i| leaf_hash(format!("record {i}").as_bytes()))
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
        let rel = path
            .find("tile/")
            .and_then(|i| path.get(i..))
            .ok_or("no tile/ in path")?;
        let id = TileId::parse_path(rel).map_err(|e| format!("{rel}: {e}"))?;
        let hashes = parse_tile(&content, id.width).map_err(|e| e.to_string())?;
        let level = id.level * 8;
        for (k, h) in hashes.iter().enumerate() {
            let idx = id.first_hash_index() + k as u64;
            // Expected hash: the node at tree level 8·L, index idx.
            let span = 1u64 << level;
            let (b, e) = (idx * span, (idx + 1) * span);
            let want = leaves
                .get(b as usize..e as usize)
                .map(root)
                .ok_or(format!("{rel} beyond the tree"))?;
            ctx.eq(*h, want, &format!("{rel} hash {k}"));
            rows.insert((level, idx), *h);
        }
        seen.push(id);
    }
    // The tiles are exactly those of a 300-leaf tree.
    seen.sort();
    let mut want = tiles_for_size(size);
    want.sort();
    ctx.eq(seen, want, "mirror tiles = tiles_for_size(300)");
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

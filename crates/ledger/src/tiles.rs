//! c2sp.org/tlog-tiles: tile and entry-bundle paths, tile contents, entry bundles, and the
//! storage model of the store (only the "tile rows" at levels 0, 8, 16, … are stored).
//!
//! * A tile `(L, N, W)` holds the hashes of the tree at level `8·L`, indices
//!   `[256·N, 256·N + W)`, concatenated (32 bytes each). `W = 256` is a full tile; a partial
//!   tile (`1 ≤ W ≤ 255`) exists only at the right edge of a tree.
//! * Paths: `tile/<L>/<N>[.p/<W>]` and `tile/entries/<N>[.p/<W>]`, where `<N>` is written in
//!   groups of three decimal digits, every group but the last prefixed with `x`
//!   (1234067 → `x001/x234/067`). Parsing accepts exactly the canonical form: any input whose
//!   re-encoding differs (leading zero groups, `.p/256`, `.p/0`, …) is rejected.
//! * Entry bundle: the concatenation of `u16 big-endian length || entry` for each entry.

use crate::merkle::{Hash, NodeId, ProofError};

/// Tile height (levels of the tree per tile row).
pub const TILE_HEIGHT: u8 = 8;
/// Number of hashes in a full tile.
pub const TILE_WIDTH: u64 = 256;
/// Largest tile level accepted in a path (C2SP allows at most 63).
pub const MAX_TILE_LEVEL: u8 = 63;
/// Largest entry in an entry bundle (u16 length prefix).
pub const MAX_ENTRY_SIZE: usize = 65535;

/// Errors of parsing a tile or entry-bundle path.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TilePathError {
    /// The path does not start with `tile/`.
    #[error("path does not start with tile/")]
    Prefix,
    /// The level is not a canonical decimal number in `0..=63`.
    #[error("invalid tile level")]
    Level,
    /// The index is not in canonical `x123/x456/789` form or overflows u64.
    #[error("invalid tile index")]
    Index,
    /// The `.p/<W>` width is not a canonical decimal in `1..=255`.
    #[error("invalid partial tile width")]
    Width,
    /// The path is too long to be a tile path.
    #[error("tile path too long")]
    TooLong,
}

/// Errors of parsing tile contents or entry bundles.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TileDataError {
    /// A tile's length is not `32 · width` bytes.
    #[error("tile has {got} bytes, expected {expected}")]
    TileLength {
        /// Expected length.
        expected: usize,
        /// Actual length.
        got: usize,
    },
    /// An entry bundle ended in the middle of a length prefix or an entry.
    #[error("entry bundle truncated at byte {0}")]
    Truncated(usize),
    /// An entry bundle holds more entries than allowed.
    #[error("entry bundle holds more than {0} entries")]
    TooManyEntries(usize),
    /// An entry is larger than 65535 bytes and cannot be put into a bundle.
    #[error("entry of {0} bytes is too large for an entry bundle")]
    EntryTooLarge(usize),
}

/// A tile: level `level`, index `index`, `width` hashes (256 = full).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TileId {
    /// Tile level (tree level `8 · level`).
    pub level: u8,
    /// Tile index at that level.
    pub index: u64,
    /// Number of hashes, `1..=256`; 256 = full tile.
    pub width: u16,
}

/// An entry bundle: entries `[256 · index, 256 · index + width)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntryBundleId {
    /// Bundle index.
    pub index: u64,
    /// Number of entries, `1..=256`; 256 = full bundle.
    pub width: u16,
}

const MAX_PATH_LEN: usize = 64;

fn encode_index(mut n: u64) -> String {
    let mut groups = Vec::new();
    loop {
        groups.push(n % 1000);
        n /= 1000;
        if n == 0 {
            break;
        }
    }
    let mut s = String::new();
    for (i, g) in groups.iter().rev().enumerate() {
        if i + 1 < groups.len() {
            s.push_str(&format!("x{g:03}/"));
        } else {
            s.push_str(&format!("{g:03}"));
        }
    }
    s
}

fn width_suffix(width: u16) -> String {
    if u64::from(width) >= TILE_WIDTH {
        String::new()
    } else {
        format!(".p/{width}")
    }
}

/// Parses a canonical decimal (no sign, no leading zeros except "0").
fn parse_decimal(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || (s.len() > 1 && s.starts_with('0'))
    {
        return None;
    }
    s.parse().ok()
}

/// Parses `<N>[.p/<W>]` (the part after `tile/<L>/` or `tile/entries/`).
fn parse_index_width(rest: &str) -> Result<(u64, u16), TilePathError> {
    let (idx, width) = match rest.split_once(".p/") {
        Some((idx, w)) => {
            let w = parse_decimal(w).ok_or(TilePathError::Width)?;
            if !(1..TILE_WIDTH).contains(&w) {
                return Err(TilePathError::Width);
            }
            (idx, w as u16)
        }
        None => (rest, TILE_WIDTH as u16),
    };
    let mut n: u64 = 0;
    let groups: Vec<&str> = idx.split('/').collect();
    let last = groups.len().saturating_sub(1);
    for (i, g) in groups.iter().enumerate() {
        let digits = if i < last {
            g.strip_prefix('x').ok_or(TilePathError::Index)?
        } else {
            g
        };
        if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(TilePathError::Index);
        }
        let v: u64 = digits.parse().map_err(|_| TilePathError::Index)?;
        n = n
            .checked_mul(1000)
            .and_then(|n| n.checked_add(v))
            .ok_or(TilePathError::Index)?;
    }
    // Canonical form only (no leading zero groups).
    if encode_index(n) != idx {
        return Err(TilePathError::Index);
    }
    Ok((n, width))
}

impl TileId {
    /// A checked tile id: level at most [`MAX_TILE_LEVEL`], width `1..=256`.
    pub fn new(level: u8, index: u64, width: u16) -> Result<TileId, TilePathError> {
        if level > MAX_TILE_LEVEL {
            return Err(TilePathError::Level);
        }
        if width == 0 || u64::from(width) > TILE_WIDTH {
            return Err(TilePathError::Width);
        }
        Ok(TileId {
            level,
            index,
            width,
        })
    }

    /// Path of the tile: `tile/<L>/<N>[.p/<W>]` (for a valid id, see [`Self::new`]; a width
    /// above 256 is written as a full tile).
    pub fn path(&self) -> String {
        format!(
            "tile/{}/{}{}",
            self.level,
            encode_index(self.index),
            width_suffix(self.width)
        )
    }

    /// Parses a tile path (without any URL prefix), e.g. `tile/0/x001/234.p/7`.
    pub fn parse_path(p: &str) -> Result<TileId, TilePathError> {
        if p.len() > MAX_PATH_LEN {
            return Err(TilePathError::TooLong);
        }
        let rest = p.strip_prefix("tile/").ok_or(TilePathError::Prefix)?;
        let (level, rest) = rest.split_once('/').ok_or(TilePathError::Level)?;
        let level = parse_decimal(level)
            .filter(|l| *l <= u64::from(MAX_TILE_LEVEL))
            .ok_or(TilePathError::Level)? as u8;
        let (index, width) = parse_index_width(rest)?;
        Ok(TileId {
            level,
            index,
            width,
        })
    }

    /// True for a full tile (256 hashes).
    pub fn is_full(&self) -> bool {
        u64::from(self.width) >= TILE_WIDTH
    }

    /// The tree level of the hashes in this tile (`8 · level`).
    pub fn tree_level(&self) -> u32 {
        u32::from(self.level) * u32::from(TILE_HEIGHT)
    }

    /// First index (at the tree level of the tile) of the hashes it holds.
    pub fn first_hash_index(&self) -> u64 {
        self.index.saturating_mul(TILE_WIDTH)
    }
}

impl EntryBundleId {
    /// Path of the bundle: `tile/entries/<N>[.p/<W>]`.
    pub fn path(&self) -> String {
        format!(
            "tile/entries/{}{}",
            encode_index(self.index),
            width_suffix(self.width)
        )
    }

    /// Parses an entry-bundle path such as `tile/entries/x123/456.p/8`.
    pub fn parse_path(p: &str) -> Result<EntryBundleId, TilePathError> {
        if p.len() > MAX_PATH_LEN {
            return Err(TilePathError::TooLong);
        }
        let rest = p
            .strip_prefix("tile/entries/")
            .ok_or(TilePathError::Prefix)?;
        let (index, width) = parse_index_width(rest)?;
        Ok(EntryBundleId { index, width })
    }
}

/// Every tile of a tree of `size` leaves (full tiles and the right-edge partial ones), level
/// 0 first, then by index.
pub fn tiles_for_size(size: u64) -> Vec<TileId> {
    let mut out = Vec::new();
    let mut level: u8 = 0;
    loop {
        let shift = u32::from(level) * u32::from(TILE_HEIGHT);
        if shift >= 64 {
            break;
        }
        let n = size >> shift;
        if n == 0 {
            break;
        }
        for index in 0..n / TILE_WIDTH {
            out.push(TileId {
                level,
                index,
                width: TILE_WIDTH as u16,
            });
        }
        let w = n % TILE_WIDTH;
        if w > 0 {
            out.push(TileId {
                level,
                index: n / TILE_WIDTH,
                width: w as u16,
            });
        }
        level += 1;
    }
    out
}

/// Entry bundles of a tree of `size` leaves (full ones, then the partial one if any).
pub fn entry_bundles_for_size(size: u64) -> Vec<EntryBundleId> {
    let mut out: Vec<EntryBundleId> = (0..size / TILE_WIDTH)
        .map(|index| EntryBundleId {
            index,
            width: TILE_WIDTH as u16,
        })
        .collect();
    if !size.is_multiple_of(TILE_WIDTH) {
        out.push(EntryBundleId {
            index: size / TILE_WIDTH,
            width: (size % TILE_WIDTH) as u16,
        });
    }
    out
}

/// For a node, the stored run whose MTH is the node: `(stored level, start, end)` where the
/// stored level is `8 · floor(level / 8)` and `[start, end)` are indices at that level
/// (at most 128 of them). Saturates at `u64::MAX` for ids beyond any u64-sized tree.
pub fn stored_range_for_node(id: NodeId) -> (u8, u64, u64) {
    let stored = id.level - id.level % TILE_HEIGHT;
    let d = id.level - stored;
    let start = u64::try_from(u128::from(id.index) << d).unwrap_or(u64::MAX);
    let end = u64::try_from((u128::from(id.index) + 1) << d).unwrap_or(u64::MAX);
    (stored, start, end)
}

/// The tile that holds the stored hash `index` of tree level `stored_level` (a multiple of
/// 8) in a tree with `count` hashes at that level, and the offset inside the tile. The tile
/// is full if the tree has 256 hashes in it, else partial with the tree's width.
pub fn tile_for_stored_hash(stored_level: u8, index: u64, count: u64) -> (TileId, usize) {
    let tile_index = index / TILE_WIDTH;
    let start = tile_index * TILE_WIDTH;
    let width = count.saturating_sub(start).min(TILE_WIDTH) as u16;
    (
        TileId {
            level: stored_level / TILE_HEIGHT,
            index: tile_index,
            width,
        },
        (index % TILE_WIDTH) as usize,
    )
}

/// MTH of a power-of-two run of stored hashes (a node up to 7 levels above the stored row).
pub fn hash_up(stored: &[Hash]) -> Result<Hash, ProofError> {
    if !stored.len().is_power_of_two() {
        return Err(ProofError::NotPowerOfTwo { len: stored.len() });
    }
    Ok(crate::merkle::root(stored))
}

/// Splits tile bytes into hashes; the length must be exactly `32 · width`.
pub fn parse_tile(bytes: &[u8], width: u16) -> Result<Vec<Hash>, TileDataError> {
    let expected = 32 * usize::from(width);
    if bytes.len() != expected || width == 0 || u64::from(width) > TILE_WIDTH {
        return Err(TileDataError::TileLength {
            expected,
            got: bytes.len(),
        });
    }
    Ok(bytes
        .chunks_exact(32)
        .filter_map(|c| Hash::try_from(c).ok())
        .collect())
}

/// Tile bytes: the hashes concatenated.
pub fn tile_bytes(hashes: &[Hash]) -> Vec<u8> {
    hashes.concat()
}

/// Splits an entry bundle (`u16be length || entry`, repeated) into entries; at most 256.
pub fn parse_entry_bundle(bytes: &[u8]) -> Result<Vec<&[u8]>, TileDataError> {
    let mut out = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let pos = bytes.len() - rest.len();
        let (len, tail) = rest
            .split_first_chunk::<2>()
            .ok_or(TileDataError::Truncated(pos))?;
        let len = usize::from(u16::from_be_bytes(*len));
        if tail.len() < len {
            return Err(TileDataError::Truncated(pos));
        }
        let (entry, tail) = tail.split_at(len);
        if out.len() as u64 >= TILE_WIDTH {
            return Err(TileDataError::TooManyEntries(TILE_WIDTH as usize));
        }
        out.push(entry);
        rest = tail;
    }
    Ok(out)
}

/// Encodes entries as an entry bundle.
pub fn entry_bundle_bytes<E: AsRef<[u8]>>(entries: &[E]) -> Result<Vec<u8>, TileDataError> {
    let mut out = Vec::new();
    for e in entries {
        let e = e.as_ref();
        let len = u16::try_from(e.len()).map_err(|_| TileDataError::EntryTooLarge(e.len()))?;
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(e);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merkle::{CompactRange, HashReader, leaf_hash, root, root_from};
    use proptest::prelude::*;
    use std::collections::HashMap;

    #[test]
    fn paths_round_trip_and_reject_non_canonical() {
        let t = TileId {
            level: 0,
            index: 1234067,
            width: 256,
        };
        assert_eq!(t.path(), "tile/0/x001/x234/067");
        assert_eq!(TileId::parse_path("tile/0/x001/x234/067").unwrap(), t);
        for bad in [
            "tile/0/x000/067",
            "tile/0/67",
            "tile/0/0067",
            "tile/00/000",
            "tile/64/000",
            "tile/0/000.p/256",
            "tile/0/000.p/0",
            "tile/0/000.p/07",
            "tile/0/000.p/",
            "tile/0/x001",
            "tile/0/001/002",
            "tile/0/x18446744073709551/615",
            "tile/0/x018/x446/x744/x073/x709/x551/616",
            "tile/0/x99999/000",
            "tiles/0/000",
            "tile/0/",
            "tile//000",
            "tile/+1/000",
            "tile/0/-00",
            "tile/entries/000",
        ] {
            assert!(TileId::parse_path(bad).is_err(), "{bad}");
        }
        let max = TileId {
            level: 63,
            index: u64::MAX,
            width: 255,
        };
        assert_eq!(TileId::parse_path(&max.path()).unwrap(), max);
        assert_eq!(TileId::new(63, u64::MAX, 255), Ok(max));
        assert_eq!(TileId::new(64, 0, 1), Err(TilePathError::Level));
        assert_eq!(TileId::new(0, 0, 0), Err(TilePathError::Width));
        assert_eq!(TileId::new(0, 0, 257), Err(TilePathError::Width));
        let e = EntryBundleId {
            index: 255,
            width: 253,
        };
        assert_eq!(e.path(), "tile/entries/255.p/253");
        assert_eq!(EntryBundleId::parse_path(&e.path()).unwrap(), e);
        assert!(EntryBundleId::parse_path("tile/0/000").is_err());
    }

    #[test]
    fn tiling_of_70000_and_256() {
        let t = tiles_for_size(70000);
        let count = |l: u8, full: bool| {
            t.iter()
                .filter(|x| x.level == l && x.is_full() == full)
                .count()
        };
        assert_eq!(count(0, true), 273);
        assert_eq!(count(1, true), 1);
        assert_eq!(count(2, true), 0);
        let partial: Vec<(u8, u16)> = t
            .iter()
            .filter(|x| !x.is_full())
            .map(|x| (x.level, x.width))
            .collect();
        assert_eq!(partial, vec![(0, 112), (1, 17), (2, 1)]);
        let t = tiles_for_size(256);
        assert_eq!(
            t,
            vec![
                TileId {
                    level: 0,
                    index: 0,
                    width: 256
                },
                TileId {
                    level: 1,
                    index: 0,
                    width: 1
                }
            ]
        );
        assert!(tiles_for_size(0).is_empty());
        assert_eq!(entry_bundles_for_size(257).len(), 2);
    }

    /// A reader that holds only tile rows (levels 0, 8, 16, …) and hashes up the rest.
    struct TileRows(HashMap<(u8, u64), Hash>);
    impl HashReader for TileRows {
        type Error = NodeId;
        fn read_hashes(&self, ids: &[NodeId]) -> Result<Vec<Hash>, NodeId> {
            ids.iter()
                .map(|id| {
                    let (lvl, s, e) = stored_range_for_node(*id);
                    assert!(e - s <= 128 || id.level % 8 == 0);
                    let run: Option<Vec<Hash>> =
                        (s..e).map(|i| self.0.get(&(lvl, i)).copied()).collect();
                    hash_up(&run.ok_or(*id)?).map_err(|_| *id)
                })
                .collect()
        }
    }

    #[test]
    fn tile_rows_answer_every_proof() {
        let n = 70_000u64;
        let mut rows = HashMap::new();
        let mut cr = CompactRange::new();
        let mut leaves = Vec::new();
        for i in 0..n {
            let h = leaf_hash(format!("record {i}").as_bytes());
            leaves.push(h);
            for (id, h) in cr.append(h) {
                if id.level % 8 == 0 {
                    rows.insert((id.level, id.index), h);
                }
            }
        }
        let r = TileRows(rows);
        assert_eq!(root_from(n, &r).unwrap(), root(&leaves));
        for size in [1u64, 255, 256, 257, 65537] {
            assert_eq!(root_from(size, &r).unwrap(), root(&leaves[..size as usize]));
            let i = size / 3;
            assert_eq!(
                crate::merkle::inclusion_proof_from(i, size, &r).unwrap(),
                crate::merkle::inclusion_proof(i, &leaves[..size as usize]).unwrap()
            );
            assert_eq!(
                crate::merkle::consistency_proof_from(size / 2 + 1, size, &r).unwrap(),
                crate::merkle::consistency_proof(size / 2 + 1, &leaves[..size as usize]).unwrap()
            );
        }
        // Every tile of the tree is exactly the stored row slice.
        for t in tiles_for_size(n) {
            let lvl = t.level * 8;
            for k in 0..u64::from(t.width) {
                assert!(r.0.contains_key(&(lvl, t.first_hash_index() + k)), "{t:?}");
            }
            let (tile, off) = tile_for_stored_hash(lvl, t.first_hash_index(), n >> lvl);
            assert_eq!((tile, off), (t, 0));
        }
    }

    #[test]
    fn hash_up_and_ranges() {
        assert_eq!(
            stored_range_for_node(NodeId {
                level: 11,
                index: 5
            }),
            (8, 40, 48)
        );
        assert_eq!(
            stored_range_for_node(NodeId { level: 8, index: 5 }),
            (8, 5, 6)
        );
        assert_eq!(
            stored_range_for_node(NodeId {
                level: 63,
                index: 1
            }),
            (56, 128, 256)
        );
        assert_eq!(hash_up(&[]), Err(ProofError::NotPowerOfTwo { len: 0 }));
        assert_eq!(
            hash_up(&[[0; 32]; 3]),
            Err(ProofError::NotPowerOfTwo { len: 3 })
        );
        let h = [leaf_hash(b"a"), leaf_hash(b"b")];
        assert_eq!(hash_up(&h).unwrap(), root(&h));
    }

    #[test]
    fn tile_and_bundle_data() {
        let h = [leaf_hash(b"a"), leaf_hash(b"b")];
        let b = tile_bytes(&h);
        assert_eq!(parse_tile(&b, 2).unwrap(), h.to_vec());
        assert!(parse_tile(&b, 3).is_err());
        assert!(parse_tile(&b[..63], 2).is_err());
        assert!(parse_tile(&[], 0).is_err());
        let bundle = entry_bundle_bytes(&[b"ab".as_slice(), b"", b"c"]).unwrap();
        assert_eq!(bundle, b"\x00\x02ab\x00\x00\x00\x01c");
        assert_eq!(
            parse_entry_bundle(&bundle).unwrap(),
            vec![b"ab".as_slice(), b"", b"c"]
        );
        assert_eq!(
            parse_entry_bundle(&bundle[..bundle.len() - 1]),
            Err(TileDataError::Truncated(6))
        );
        assert_eq!(
            parse_entry_bundle(b"\x00"),
            Err(TileDataError::Truncated(0))
        );
        assert!(entry_bundle_bytes(&[vec![0u8; 65536]]).is_err());
        let many = entry_bundle_bytes(&vec![b"".as_slice(); 257]).unwrap();
        assert_eq!(
            parse_entry_bundle(&many),
            Err(TileDataError::TooManyEntries(256))
        );
    }

    proptest! {
        #[test]
        fn tile_path_round_trip(level in 0u8..=63, index in any::<u64>(), width in 1u16..=256) {
            let t = TileId { level, index, width };
            prop_assert_eq!(TileId::parse_path(&t.path()).unwrap(), t);
            let e = EntryBundleId { index, width };
            prop_assert_eq!(EntryBundleId::parse_path(&e.path()).unwrap(), e);
        }

        #[test]
        fn tile_path_parser_never_panics(s in "[tile/entrsx0-9.p]{0,40}") {
            if let Ok(t) = TileId::parse_path(&s) {
                prop_assert_eq!(t.path(), s.clone());
            }
            if let Ok(e) = EntryBundleId::parse_path(&s) {
                prop_assert_eq!(e.path(), s);
            }
        }
    }
}

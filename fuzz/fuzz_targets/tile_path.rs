//! Tile and entry-bundle paths, tiles and entry bundles from arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wastetrail_ledger::tiles::{EntryBundleId, TileId, parse_entry_bundle, parse_tile};

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        // Only canonical paths parse, so parse -> path is the identity.
        if let Ok(t) = TileId::parse_path(s) {
            assert_eq!(t.path(), s);
        }
        if let Ok(e) = EntryBundleId::parse_path(s) {
            assert_eq!(e.path(), s);
        }
    }
    if let Some((&w, rest)) = data.split_first() {
        let _ = parse_tile(rest, u16::from(w) + 1);
    }
    let _ = parse_entry_bundle(data);
});

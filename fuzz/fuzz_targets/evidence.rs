//! Evidence files and export bundles (what an auditor or a customs officer is handed) from
//! arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wastetrail_verify::{Evidence, ExportFile};

fuzz_target!(|data: &[u8]| {
    if let Ok(e) = Evidence::parse(data) {
        // An evidence file written back reads as the same evidence.
        let again = serde_json::to_vec(&e.to_json()).unwrap_or_default();
        assert_eq!(Evidence::parse(&again).ok(), Some(e));
    }
    let _ = ExportFile::parse(data);
});

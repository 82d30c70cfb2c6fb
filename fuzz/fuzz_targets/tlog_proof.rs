//! C2SP tlog-proof texts (the entries of evidence files) from arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wastetrail_ledger::proof::TlogProof;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(p) = TlogProof::parse(s) {
            // A parsed proof prints back to a text that parses to the same proof.
            assert_eq!(TlogProof::parse(&p.to_text()).ok(), Some(p));
        }
    }
});

//! Checkpoint text and signed checkpoints from arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wastetrail_ledger::checkpoint::Checkpoint;
use wastetrail_ledger::note::NoteSigner;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(cp) = Checkpoint::parse_text(s) {
            // Parsing is canonical: the text round-trips exactly.
            assert_eq!(cp.to_text(), s);
        }
    }
    if let Ok(signer) = NoteSigner::from_seed("fuzz.example/log", &[7; 32]) {
        let _ = Checkpoint::open(data, &signer.verifier());
    }
});

//! tlog-witness add-checkpoint request bodies from arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wastetrail_ledger::cosignature::CosignatureSigner;
use wastetrail_ledger::note::NoteSigner;
use wastetrail_ledger::witness::{AddCheckpointRequest, Witness};

fuzz_target!(|data: &[u8]| {
    if let Ok(r) = AddCheckpointRequest::parse(data) {
        assert_eq!(
            AddCheckpointRequest::parse(r.to_body().as_bytes()).ok(),
            Some(r)
        );
    }
    let (Ok(log), Ok(w)) = (
        NoteSigner::from_seed("fuzz.example/log", &[7; 32]),
        CosignatureSigner::from_seed("fuzz.example/witness", &[8; 32]),
    ) else {
        return;
    };
    let mut witness = Witness::new(w);
    witness.add_log("fuzz.example/log", log.verifier());
    let _ = witness.add_checkpoint(data, 1);
});

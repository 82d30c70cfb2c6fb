//! QR payloads of movement documents from arbitrary text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wastetrail_ledger::qr::MovementRef;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(r) = MovementRef::parse(s) {
            // A parsed payload prints back to a payload that parses to the same reference.
            assert_eq!(MovementRef::parse(&r.to_string()).ok(), Some(r));
        }
    }
});

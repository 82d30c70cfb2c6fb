//! Signed notes and key strings from arbitrary bytes: parsing and opening must never panic,
//! and what opens must re-serialize consistently.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wastetrail_ledger::note::{NoteSigner, NoteVerifier, open_note, parse_note};

fuzz_target!(|data: &[u8]| {
    // A fixed known key so that the verifying path is exercised too.
    let Ok(signer) = NoteSigner::from_seed("fuzz.example/log", &[7; 32]) else {
        return;
    };
    let verifier = signer.verifier();
    if let Ok(n) = parse_note(data) {
        for s in &n.signatures {
            let line = s.to_line();
            assert!(line.starts_with("\u{2014} "));
        }
    }
    if let Ok(n) = open_note(data, std::slice::from_ref(&verifier)) {
        assert!(!n.signatures.is_empty());
        assert!(data.starts_with(n.text.as_bytes()));
    }
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(v) = NoteVerifier::parse(s) {
            assert_eq!(NoteVerifier::parse(&v.to_vkey()).ok(), Some(v));
        }
        if let Ok(k) = NoteSigner::parse(s) {
            assert_eq!(
                NoteSigner::parse(&k.to_skey()).map(|x| x.to_skey()).ok(),
                Some(k.to_skey())
            );
        }
    }
});

//! Disclosures and submissions (statement, signature and disclosure) from arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wastetrail_ledger::disclosure::Disclosure;
use wastetrail_ledger::statement::Submission;

fuzz_target!(|data: &[u8]| {
    if let Ok(d) = Disclosure::parse(data) {
        // A parsed disclosure round-trips through its canonical bytes, matches its own
        // commitment unless a personal member is in clear, and erasure keeps the commitment.
        if let Ok(bytes) = d.to_bytes() {
            assert_eq!(Disclosure::parse(&bytes).ok().as_ref(), Some(&d));
        }
        if let Ok(c) = d.commitment() {
            if d.check(&c).is_ok() {
                let mut erased = d.clone();
                erased.erase_personal();
                assert!(erased.check(&c).is_ok());
            }
        }
    }
    if let Ok(s) = Submission::parse(data) {
        // Parsing checked the disclosure against the commitment.
        assert!(s.disclosure.check(s.signed.statement.commitment()).is_ok());
    }
});

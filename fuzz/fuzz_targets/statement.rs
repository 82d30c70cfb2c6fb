//! Statements, signed statements, leaves and canonical JSON from arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wastetrail_ledger::jcs;
use wastetrail_ledger::statement::{Leaf, SignedStatement, Statement, Timestamp};

fuzz_target!(|data: &[u8]| {
    if let Ok(st) = Statement::parse(data) {
        // A parsed statement re-parses from its canonical bytes to the same value.
        if let Ok(c) = st.canonical_bytes() {
            assert_eq!(Statement::parse(&c).ok(), Some(st));
        }
    }
    let _ = SignedStatement::parse(data);
    if let Ok(leaf) = Leaf::parse(data) {
        assert_eq!(leaf.to_bytes().ok().as_deref(), Some(data));
    }
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(c) = jcs::canonicalize_str(s) {
            // Canonicalization is idempotent.
            let again = std::str::from_utf8(&c)
                .ok()
                .and_then(|t| jcs::canonicalize_str(t).ok());
            assert_eq!(again.as_deref(), Some(c.as_slice()));
        }
        if let Ok(t) = Timestamp::parse(s) {
            assert_eq!(t.to_string(), s);
        }
    }
});

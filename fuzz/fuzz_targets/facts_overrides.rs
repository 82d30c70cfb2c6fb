//! Deployment country-fact overrides (a facts file or the `facts` of a case file).
#![no_main]

use libfuzzer_sys::fuzz_target;
use wastetrail_basel::Facts;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    if let Err(e) = Facts::builtin().with_overrides(&value) {
        // Every refusal of a document names where in it the fault is.
        assert!(e.path().is_some_and(|p| !p.is_empty()), "no path in {e}");
    }
});

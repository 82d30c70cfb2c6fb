//! Statement bodies (the JSON inside a filed statement) for every statement type.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wastetrail_basel::{Body, StatementType};

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    for kind in StatementType::ALL {
        match Body::parse(kind, &value) {
            // An accepted body re-parses from its own JSON to the same body.
            Ok(body) => assert_eq!(Body::parse(kind, &body.to_json()).ok(), Some(body)),
            // A refusal always names at least one field.
            Err(errors) => assert!(!errors.is_empty()),
        }
    }
});

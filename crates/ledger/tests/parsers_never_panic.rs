//! Every parser of untrusted bytes returns a typed result and never panics: random bytes
//! and single-byte corruptions of valid inputs (the cargo-fuzz targets in `fuzz/` do the
//! same at scale; this runs in every `cargo test`). Corrupted valid inputs must also never
//! be accepted with a different meaning: a corrupted signed object either fails or (when
//! the byte was not covered by a signature, e.g. in an ignored part) still verifies.

// Test code: a panic is a failing test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;
use wastetrail_ledger::checkpoint::Checkpoint;
use wastetrail_ledger::disclosure::Disclosure;
use wastetrail_ledger::jcs;
use wastetrail_ledger::merkle::{hash_from_base64, hash_from_hex, leaf_hash};
use wastetrail_ledger::note::{NoteSigner, NoteVerifier, open_note, parse_note};
use wastetrail_ledger::statement::{
    Leaf, ParticipantKeyId, ParticipantPublicKey, ParticipantSigner, SignedStatement, Statement,
    Submission, Timestamp,
};
use wastetrail_ledger::tiles::{EntryBundleId, TileId, parse_entry_bundle};
use wastetrail_ledger::witness::AddCheckpointRequest;

fn log() -> NoteSigner {
    NoteSigner::from_seed("example.com/log", &[1; 32]).unwrap()
}

fn valid_checkpoint_note() -> String {
    Checkpoint::new("example.com/log", 7, leaf_hash(b"r"))
        .unwrap()
        .sign(&log())
        .unwrap()
}

fn valid_leaf() -> (Vec<u8>, ParticipantSigner) {
    let p = ParticipantSigner::from_seed(&[2; 32]);
    let st = Statement::new(
        "movement.started",
        "XA-1",
        "carrier-1",
        p.key_id(),
        Timestamp::from_unix(1_770_000_000).unwrap(),
        Some([7; 32]),
        [8; 32],
    )
    .unwrap();
    let leaf = Leaf::new(
        p.sign(st).unwrap(),
        Timestamp::from_unix(1_770_000_001).unwrap(),
    );
    (leaf.to_bytes().unwrap(), p)
}

fn all_parsers(data: &[u8]) {
    let _ = parse_note(data);
    let _ = open_note(data, &[log().verifier()]);
    let _ = Checkpoint::open(data, &log().verifier());
    let _ = Statement::parse(data);
    let _ = SignedStatement::parse(data);
    let _ = Leaf::parse(data);
    let _ = Submission::parse(data);
    let _ = Disclosure::parse(data);
    let _ = jcs::parse_strict(data);
    let _ = AddCheckpointRequest::parse(data);
    let _ = parse_entry_bundle(data);
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = Checkpoint::parse_text(s);
        let _ = jcs::canonicalize_str(s);
        let _ = NoteVerifier::parse(s);
        let _ = NoteSigner::parse(s);
        let _ = TileId::parse_path(s);
        let _ = EntryBundleId::parse_path(s);
        let _ = Timestamp::parse(s);
        let _ = ParticipantKeyId::parse(s);
        let _ = ParticipantPublicKey::parse_base64(s);
        let _ = hash_from_base64(s);
        let _ = hash_from_hex(s);
        let _ = wastetrail_ledger::proof::TlogProof::parse(s);
    }
}

proptest! {
    #[test]
    fn random_bytes(data in proptest::collection::vec(any::<u8>(), 0..600)) {
        all_parsers(&data);
    }

    #[test]
    fn random_text(s in "[ -~\n\u{2014}]{0,300}") {
        all_parsers(s.as_bytes());
    }

    #[test]
    fn corrupted_checkpoint_note(pos in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let note = valid_checkpoint_note();
        let mut b = note.clone().into_bytes();
        let i = pos.index(b.len());
        prop_assume!(b[i] != byte);
        b[i] = byte;
        all_parsers(&b);
        // The text and signature are fully covered: any change is rejected.
        prop_assert!(Checkpoint::open(&b, &log().verifier()).is_err());
    }

    #[test]
    fn corrupted_leaf(pos in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let (leaf, p) = valid_leaf();
        let mut b = leaf.clone();
        let i = pos.index(b.len());
        prop_assume!(b[i] != byte);
        b[i] = byte;
        all_parsers(&b);
        // A changed leaf either does not parse, or its statement signature fails, or only
        // integrated_at changed (which the participant does not sign).
        if let Ok(l) = Leaf::parse(&b) {
            let sig_ok = l.signed_statement().verify(&p.public_key()).is_ok();
            let orig = Leaf::parse(&leaf).unwrap();
            prop_assert!(!sig_ok || (l.statement == orig.statement && l.sig == orig.sig));
        }
    }
}

//! `log::verify` over a tiles mirror in a directory: a log built here verifies at the full
//! level, and each kind of damage is found at its place.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use serde_json::{Value, json};
use wastetrail_basel::body::{KeyAdded, KeyRevoked, ParticipantRegistered};
use wastetrail_basel::{CountryCode, Facts, ParticipantKind, REGISTRY_CASE};
use wastetrail_ledger::checkpoint::Checkpoint;
use wastetrail_ledger::merkle::{self, Hash};
use wastetrail_ledger::note::NoteSigner;
use wastetrail_ledger::statement::{Leaf, ParticipantSigner, Submission, Timestamp};
use wastetrail_ledger::tiles::{self, EntryBundleId, TileId};
use wastetrail_verify::{DirSource, Level, Registrar, Trust, key_info, verify};

const ORIGIN: &str = "test.example/log";

fn registration(
    id: &str,
    kind: ParticipantKind,
    name: &str,
    address: &str,
    key: &ParticipantSigner,
) -> Value {
    let body = ParticipantRegistered {
        id: id.into(),
        kind,
        country: CountryCode::parse("DE").unwrap(),
        name: name.into(),
        address: address.into(),
        key: key_info(&key.public_key()),
    };
    serde_json::to_value(body).unwrap()
}

/// A registry log: the registrar registers a competent authority and an auditor, the
/// authority registers an exporter, adds and revokes a key of it. Returns the leaves and
/// disclosures.
fn build() -> (ParticipantSigner, Vec<Vec<u8>>, Vec<Value>) {
    let registrar = ParticipantSigner::from_seed(&[1; 32]);
    let ca = ParticipantSigner::from_seed(&[2; 32]);
    let exp = ParticipantSigner::from_seed(&[3; 32]);
    let exp2 = ParticipantSigner::from_seed(&[4; 32]);
    let aud = ParticipantSigner::from_seed(&[5; 32]);
    let steps: Vec<(&ParticipantSigner, &str, &str, Value)> = vec![
        (
            &registrar,
            "registrar",
            "participant.registered",
            registration(
                "ca-de",
                ParticipantKind::CompetentAuthority,
                "UBA",
                "Dessau",
                &ca,
            ),
        ),
        (
            &registrar,
            "registrar",
            "participant.registered",
            registration("aud", ParticipantKind::Auditor, "Audit", "Bonn", &aud),
        ),
        (
            &ca,
            "ca-de",
            "participant.registered",
            registration("exp-de", ParticipantKind::Exporter, "Exp", "Duisburg", &exp),
        ),
        (
            &ca,
            "ca-de",
            "key.added",
            serde_json::to_value(KeyAdded {
                participant: "exp-de".into(),
                key: key_info(&exp2.public_key()),
            })
            .unwrap(),
        ),
        (
            &ca,
            "ca-de",
            "key.revoked",
            serde_json::to_value(KeyRevoked {
                participant: "exp-de".into(),
                key_id: exp.key_id().to_string(),
                reason: "lost".into(),
            })
            .unwrap(),
        ),
    ];
    let mut leaves = Vec::new();
    let mut disclosures = Vec::new();
    let mut prev: Option<Hash> = None;
    for (i, (who, actor, kind, body)) in steps.into_iter().enumerate() {
        let t = Timestamp::from_unix(1_772_000_000 + i as i64 * 60).unwrap();
        let s = Submission::seal(who, kind, REGISTRY_CASE, actor, t, prev, body).unwrap();
        let leaf = Leaf::new(s.signed, Timestamp::from_unix(t.unix() + 1).unwrap())
            .to_bytes()
            .unwrap();
        prev = Some(merkle::leaf_hash(&leaf));
        leaves.push(leaf);
        disclosures.push(s.disclosure.to_value());
    }
    (registrar, leaves, disclosures)
}

fn write_mirror(dir: &Path, log: &NoteSigner, leaves: &[Vec<u8>], disclosures: &[Value]) {
    let size = leaves.len() as u64;
    let hashes: Vec<Hash> = leaves.iter().map(|l| merkle::leaf_hash(l)).collect();
    let cp = Checkpoint::new(ORIGIN, size, merkle::root(&hashes)).unwrap();
    std::fs::write(dir.join("checkpoint"), cp.sign(log).unwrap()).unwrap();
    let put = |rel: String, bytes: Vec<u8>| {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    };
    let tile = TileId {
        level: 0,
        index: 0,
        width: size as u16,
    };
    put(tile.path(), tiles::tile_bytes(&hashes));
    let bundle = EntryBundleId {
        index: 0,
        width: size as u16,
    };
    put(bundle.path(), tiles::entry_bundle_bytes(leaves).unwrap());
    let items: Vec<Value> = disclosures
        .iter()
        .enumerate()
        .map(|(i, d)| json!({"index": i, "disclosure": d}))
        .collect();
    put(
        DirSource::disclosures_path(bundle),
        serde_json::to_vec(&items).unwrap(),
    );
}

fn trust(log: &NoteSigner, registrar: &ParticipantSigner) -> Trust {
    Trust {
        log_key: log.verifier(),
        registrar: Some(Registrar {
            id: "registrar".into(),
            key: registrar.public_key(),
            country: CountryCode::parse("ZZ").unwrap(),
        }),
        witnesses: Vec::new(),
        quorum: 0,
    }
}

#[test]
fn a_good_mirror_verifies_and_each_damage_is_found_at_its_place() {
    let facts = Facts::try_builtin().unwrap();
    let (registrar, leaves, disclosures) = build();
    let log = NoteSigner::from_seed(ORIGIN, &[9; 32]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    write_mirror(dir.path(), &log, &leaves, &disclosures);
    let t = trust(&log, &registrar);
    let r = verify(&DirSource::new(dir.path()), &t, &facts, None).unwrap();
    assert!(r.fault.is_none(), "{:?}", r.fault);
    assert_eq!(
        (r.size, r.leaves, r.tiles, r.signatures, r.disclosures),
        (5, 5, 1, 5, 5)
    );

    let check = |leaves: &[Vec<u8>], disclosures: &[Value], want: &str| {
        let d = tempfile::tempdir().unwrap();
        write_mirror(d.path(), &log, leaves, disclosures);
        let r = verify(&DirSource::new(d.path()), &t, &facts, None).unwrap();
        let f = r.fault.unwrap_or_else(|| panic!("{want}: not detected"));
        assert_eq!(f.check, want, "{f}");
        f
    };
    // Two entries reordered (with their disclosures): the chain breaks at the first of them.
    let mut swapped = leaves.clone();
    swapped.swap(3, 4);
    let mut sd = disclosures.clone();
    sd.swap(3, 4);
    let f = check(&swapped, &sd, "admission");
    assert_eq!(
        (f.index, f.rule_id.as_deref()),
        (Some(3), Some("stale_prev"))
    );
    // Reordered leaves with the disclosures in place: the bodies no longer match.
    let f = check(&swapped, &disclosures, "disclosure");
    assert_eq!(f.index, Some(3));
    // A body field changed to another valid value: the disclosure no longer matches.
    let mut d = disclosures.clone();
    d[1]["body"]["name"] = json!("Other Audit");
    let f = check(&leaves, &d, "disclosure");
    assert_eq!(
        (f.index, f.kind.as_deref()),
        (Some(1), Some("participant.registered"))
    );
    // A flipped byte in a leaf: not canonical, or not a leaf.
    let mut flipped = leaves.clone();
    flipped[2][10] ^= 0x01;
    let f = check(&flipped, &disclosures, "leaf");
    assert_eq!(f.index, Some(2));
    // A registry entry dropped: the next one's prev no longer follows.
    let mut dropped = leaves.clone();
    dropped.remove(1);
    let mut dd = disclosures.clone();
    dd.remove(1);
    let f = check(&dropped, &dd, "admission");
    assert_eq!(f.rule_id.as_deref(), Some("stale_prev"));

    // Damage to the files of a good mirror.
    let damage = |rel: &str, at: usize, want: &str| {
        let d = tempfile::tempdir().unwrap();
        write_mirror(d.path(), &log, &leaves, &disclosures);
        let p = d.path().join(rel);
        let mut b = std::fs::read(&p).unwrap();
        b[at] ^= 0x01;
        std::fs::write(&p, b).unwrap();
        let r = verify(&DirSource::new(d.path()), &t, &facts, None).unwrap();
        let f = r.fault.unwrap_or_else(|| panic!("{rel}: not detected"));
        assert_eq!(f.check, want, "{f}");
        assert_eq!(f.file.as_deref(), Some(rel), "{f}");
    };
    damage("tile/0/000.p/5", 40, "tile");
    damage("checkpoint", 30, "checkpoint");

    // Without the disclosures: signatures and chains only (public level), no fault.
    let d = tempfile::tempdir().unwrap();
    write_mirror(d.path(), &log, &leaves, &[]);
    std::fs::remove_file(d.path().join("disclosures/000.p/5")).unwrap();
    let r = verify(&DirSource::new(d.path()), &t, &facts, None).unwrap();
    assert!(r.fault.is_none(), "{:?}", r.fault);
    assert_eq!(r.level, Level::Integrity);
    // A wrong trusted log key: the checkpoint does not open.
    let other = NoteSigner::from_seed(ORIGIN, &[8; 32]).unwrap();
    let r = verify(
        &DirSource::new(dir.path()),
        &trust(&other, &registrar),
        &facts,
        None,
    )
    .unwrap();
    assert_eq!(r.fault.unwrap().check, "checkpoint");
}

#[test]
fn witnesses_and_a_saved_checkpoint_are_checked() {
    use wastetrail_ledger::cosignature::CosignatureSigner;
    let facts = Facts::try_builtin().unwrap();
    let (registrar, leaves, disclosures) = build();
    let log = NoteSigner::from_seed(ORIGIN, &[9; 32]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    write_mirror(dir.path(), &log, &leaves, &disclosures);
    let src = DirSource::new(dir.path());
    let w = CosignatureSigner::from_seed("witness.example/w1", &[7; 32]).unwrap();
    let mut t = trust(&log, &registrar);
    t.witnesses = vec![w.verifier()];
    t.quorum = 1;
    // Not cosigned: below the quorum.
    let r = verify(&src, &t, &facts, None).unwrap();
    assert_eq!(r.fault.unwrap().check, "witness");
    // Cosigned by the witness: verified, one cosignature counted.
    let note = std::fs::read_to_string(dir.path().join("checkpoint")).unwrap();
    let cp = Checkpoint::open(note.as_bytes(), &log.verifier()).unwrap();
    let line = w.cosign(&cp, 1_772_000_000).to_line();
    std::fs::write(dir.path().join("checkpoint"), format!("{note}{line}")).unwrap();
    let r = verify(&src, &t, &facts, None).unwrap();
    assert!(r.fault.is_none(), "{:?}", r.fault);
    assert_eq!(r.cosignatures, 1);

    // A checkpoint saved earlier at size 3: the log extends it.
    let hashes: Vec<Hash> = leaves.iter().map(|l| merkle::leaf_hash(l)).collect();
    let old = Checkpoint::new(ORIGIN, 3, merkle::root(&hashes[..3])).unwrap();
    let r = verify(&src, &t, &facts, Some(&old)).unwrap();
    assert!(r.fault.is_none(), "{:?}", r.fault);
    // A saved checkpoint of another history, or of a longer log: not consistent.
    let forked = Checkpoint::new(ORIGIN, 3, merkle::root(&hashes[1..4])).unwrap();
    let f = verify(&src, &t, &facts, Some(&forked))
        .unwrap()
        .fault
        .unwrap();
    assert_eq!((f.check, f.index), ("consistency", Some(2)));
    let longer = Checkpoint::new(ORIGIN, 9, merkle::root(&hashes)).unwrap();
    let f = verify(&src, &t, &facts, Some(&longer))
        .unwrap()
        .fault
        .unwrap();
    assert_eq!(f.check, "consistency");
    let empty = Checkpoint::new(ORIGIN, 0, merkle::root(&[])).unwrap();
    assert!(
        verify(&src, &t, &facts, Some(&empty))
            .unwrap()
            .fault
            .is_none()
    );
}

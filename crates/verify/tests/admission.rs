//! The one admission path: every way a statement is refused, and that an admitted one changes
//! the registry or the case as the rules say.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{Value, json};
use time::OffsetDateTime;
use wastetrail_basel::body::{KeyRevoked, ParticipantRegistered};
use wastetrail_basel::{CountryCode, Facts, ParticipantKind, REGISTRY_CASE, Registry, RuleId};
use wastetrail_ledger::merkle::Hash;
use wastetrail_ledger::statement::{ParticipantSigner, Submission, Timestamp};
use wastetrail_verify::{Effect, Refusal, admit, key_info};

const T: &str = "2026-03-01T10:00:00Z";

fn at() -> OffsetDateTime {
    Timestamp::parse(T).unwrap().datetime()
}

struct World {
    registrar: ParticipantSigner,
    registry: Registry,
    facts: Facts,
}

fn world() -> World {
    let registrar = ParticipantSigner::from_seed(&[1; 32]);
    let registry = Registry::bootstrap(
        "registrar",
        CountryCode::parse("ZZ").unwrap(),
        "Registrar",
        key_info(&registrar.public_key()),
        OffsetDateTime::UNIX_EPOCH,
    );
    World {
        registrar,
        registry,
        facts: Facts::try_builtin().unwrap(),
    }
}

fn registration(id: &str, kind: &str, country: &str, key: &ParticipantSigner) -> Value {
    let body = ParticipantRegistered {
        id: id.into(),
        kind: ParticipantKind::parse(kind).unwrap(),
        country: CountryCode::parse(country).unwrap(),
        name: id.into(),
        address: "a".into(),
        key: key_info(&key.public_key()),
    };
    serde_json::to_value(body).unwrap()
}

fn sealed(
    who: &ParticipantSigner,
    actor: &str,
    kind: &str,
    case: &str,
    prev: Option<Hash>,
    body: Value,
) -> Submission {
    Submission::seal(
        who,
        kind,
        case,
        actor,
        Timestamp::parse(T).unwrap(),
        prev,
        body,
    )
    .unwrap()
}

fn try_admit(w: &World, s: &Submission, head: Option<Hash>) -> Result<Effect, Refusal> {
    admit(
        &w.registry,
        None,
        head,
        &s.signed,
        s.disclosure.body_value(),
        &w.facts,
        at(),
    )
    .map(|a| a.effect)
}

#[test]
fn a_registration_by_the_registrar_is_admitted_and_changes_the_registry() {
    let w = world();
    let ca = ParticipantSigner::from_seed(&[2; 32]);
    let s = sealed(
        &w.registrar,
        "registrar",
        "participant.registered",
        REGISTRY_CASE,
        None,
        registration("ca-de", "competent_authority", "DE", &ca),
    );
    let Effect::Registry { registry, target } = try_admit(&w, &s, None).unwrap() else {
        panic!("not a registry effect")
    };
    assert_eq!(target.as_deref(), Some("ca-de"));
    assert!(registry.get("ca-de").is_some());
}

#[test]
fn every_refusal_has_its_code() {
    let w = world();
    let ca = ParticipantSigner::from_seed(&[2; 32]);
    let body = registration("ca-de", "competent_authority", "DE", &ca);
    let good = sealed(
        &w.registrar,
        "registrar",
        "participant.registered",
        REGISTRY_CASE,
        None,
        body.clone(),
    );

    let unknown = sealed(
        &ca,
        "ca-de",
        "participant.registered",
        REGISTRY_CASE,
        None,
        body.clone(),
    );
    assert_eq!(
        try_admit(&w, &unknown, None).unwrap_err().code(),
        "unknown_participant"
    );

    let other_key = sealed(
        &ca,
        "registrar",
        "participant.registered",
        REGISTRY_CASE,
        None,
        body.clone(),
    );
    assert_eq!(
        try_admit(&w, &other_key, None).unwrap_err().code(),
        "unknown_key"
    );

    let mut forged = good.clone();
    forged.signed.sig[0] ^= 1;
    assert_eq!(
        try_admit(&w, &forged, None).unwrap_err().code(),
        "bad_signature"
    );

    let e = try_admit(&w, &good, Some([9; 32])).unwrap_err();
    assert_eq!(
        e,
        Refusal::StalePrev {
            head: Some([9; 32])
        }
    );

    let in_a_case = sealed(
        &w.registrar,
        "registrar",
        "participant.registered",
        "DE-2026-1",
        None,
        body.clone(),
    );
    match try_admit(&w, &in_a_case, None).unwrap_err() {
        Refusal::Rule(r) => assert_eq!(r.rule_id, RuleId::Case02),
        other => panic!("{other:?}"),
    }

    let exporter = sealed(
        &w.registrar,
        "registrar",
        "participant.registered",
        REGISTRY_CASE,
        None,
        registration("exp-de", "exporter", "DE", &ca),
    );
    match try_admit(&w, &exporter, None).unwrap_err() {
        Refusal::Rule(r) => assert_eq!(r.rule_id, RuleId::Reg01),
        other => panic!("{other:?}"),
    }

    let unknown_type = sealed(
        &w.registrar,
        "registrar",
        "participant.teleported",
        REGISTRY_CASE,
        None,
        json!({}),
    );
    match try_admit(&w, &unknown_type, None).unwrap_err() {
        Refusal::Rule(r) => assert_eq!(r.rule_id, RuleId::Case02),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_revoked_key_is_not_valid_after_its_revocation() {
    let w = world();
    let ca = ParticipantSigner::from_seed(&[2; 32]);
    let reg = sealed(
        &w.registrar,
        "registrar",
        "participant.registered",
        REGISTRY_CASE,
        None,
        registration("ca-de", "competent_authority", "DE", &ca),
    );
    let Effect::Registry { registry, .. } = try_admit(&w, &reg, None).unwrap() else {
        panic!()
    };
    let revoke = sealed(
        &w.registrar,
        "registrar",
        "key.revoked",
        REGISTRY_CASE,
        None,
        serde_json::to_value(KeyRevoked {
            participant: "ca-de".into(),
            key_id: ca.key_id().to_string(),
            reason: "lost".into(),
        })
        .unwrap(),
    );
    let w2 = World {
        registry,
        ..world()
    };
    let Effect::Registry { registry, .. } = try_admit(&w2, &revoke, None).unwrap() else {
        panic!()
    };
    let w3 = World {
        registry,
        ..world()
    };
    let by_ca = sealed(
        &ca,
        "ca-de",
        "participant.registered",
        REGISTRY_CASE,
        None,
        registration(
            "exp-de",
            "exporter",
            "DE",
            &ParticipantSigner::from_seed(&[3; 32]),
        ),
    );
    // Revoked at T: a statement integrated later is refused.
    let later = Timestamp::parse("2026-03-01T10:00:01Z").unwrap().datetime();
    let e = admit(
        &w3.registry,
        None,
        None,
        &by_ca.signed,
        by_ca.disclosure.body_value(),
        &w3.facts,
        later,
    )
    .unwrap_err();
    assert_eq!(e.code(), "key_not_valid", "{e}");
}

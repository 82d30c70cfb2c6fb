//! The registry of participants: who registers whom, keys and their validity.
// Test helpers may unwrap and panic: a panic there is a failing test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use serde_json::json;
use time::Duration;
use wastetrail_basel::body::{KeyAdded, KeyInfo, ParticipantRegistered};
use wastetrail_basel::{ParticipantKind, REGISTRY_CASE, RuleId};

fn register(
    actor: &str,
    id: &str,
    kind: &str,
    country: &str,
) -> Result<wastetrail_basel::Registry, wastetrail_basel::Refusal> {
    let body = registration(id, kind, country, "a");
    registry().apply(
        &filing("participant.registered", REGISTRY_CASE, actor, T0, body),
        T0,
    )
}

#[test]
fn the_registrar_registers_competent_authorities_and_auditors_only() {
    let r = register("reg", "ca2-xb", "competent_authority", "XB").unwrap();
    assert_eq!(
        r.get("ca2-xb").unwrap().kind,
        ParticipantKind::CompetentAuthority
    );
    assert_eq!(r.get("ca2-xb").unwrap().registered_by, "reg");
    assert_eq!(r.authorities_of(&cc("XB")).count(), 2);
    assert!(register("reg", "aud2", "auditor", "XC").is_ok());
    for kind in ["exporter", "carrier", "customs_office", "registrar"] {
        assert_eq!(
            register("reg", "p", kind, "XA").unwrap_err().rule_id,
            RuleId::Reg01,
            "{kind}"
        );
    }
}

#[test]
fn a_competent_authority_registers_only_operators_of_its_own_country() {
    for kind in [
        "customs_office",
        "exporter",
        "generator",
        "importer",
        "carrier",
        "disposer",
    ] {
        assert!(register("ca-xb", "p-xb", kind, "XB").is_ok(), "{kind}");
    }
    for kind in ["competent_authority", "auditor", "registrar"] {
        assert_eq!(
            register("ca-xb", "p-xb", kind, "XB").unwrap_err().rule_id,
            RuleId::Reg01,
            "{kind}"
        );
    }
    assert_eq!(
        register("ca-xb", "p-xc", "exporter", "XC")
            .unwrap_err()
            .rule_id,
        RuleId::Reg01
    );
}

#[test]
fn operators_and_auditors_register_nobody() {
    assert_eq!(
        register("exp-xa", "p", "carrier", "XA")
            .unwrap_err()
            .rule_id,
        RuleId::Reg01
    );
    assert_eq!(
        register("aud", "p", "carrier", "XA").unwrap_err().rule_id,
        RuleId::Reg01
    );
    assert_eq!(
        register("ghost", "p", "carrier", "XA").unwrap_err().rule_id,
        RuleId::Reg03
    );
}

#[test]
fn participant_ids_are_unique() {
    assert_eq!(
        register("ca-xa", "exp-xa", "exporter", "XA")
            .unwrap_err()
            .rule_id,
        RuleId::Reg01
    );
}

#[test]
fn a_registration_body_with_faults_reports_each_field() {
    let body = json!({ "id": "has space", "kind": "pilot", "country": "xa", "name": "", "address": "a", "key": { "key_id": "k" } });
    let e = registry()
        .apply(
            &filing("participant.registered", REGISTRY_CASE, "reg", T0, body),
            T0,
        )
        .unwrap_err();
    assert_eq!(e.rule_id, RuleId::Case02);
    let paths: Vec<&str> = e.errors.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        vec!["$.id", "$.kind", "$.country", "$.name", "$.key.public_key"]
    );
}

#[test]
fn keys_are_valid_from_their_addition_until_revoked() {
    let reg = registry();
    let added_at = T0 + Duration::hours(1);
    let reg = reg
        .apply(
            &filing(
                "key.added",
                REGISTRY_CASE,
                "exp-xa",
                added_at,
                key_added("exp-xa", "exp-xa-2"),
            ),
            added_at,
        )
        .unwrap();
    assert!(!reg.key_valid("exp-xa", "exp-xa-2", T0));
    assert!(reg.key_valid("exp-xa", "exp-xa-2", added_at));
    // The registering authority revokes the old key.
    let revoked_at = T0 + Duration::hours(2);
    let reg = reg
        .apply(
            &filing(
                "key.revoked",
                REGISTRY_CASE,
                "ca-xa",
                revoked_at,
                key_revoked("exp-xa", "exp-xa-1", "lost"),
            ),
            revoked_at,
        )
        .unwrap();
    assert!(reg.key_valid("exp-xa", "exp-xa-1", T0));
    assert!(!reg.key_valid("exp-xa", "exp-xa-1", revoked_at));
    assert!(reg.key_valid("exp-xa", "exp-xa-2", revoked_at));
    // Revoking twice, or an unknown key, is refused.
    let again = filing(
        "key.revoked",
        REGISTRY_CASE,
        "exp-xa",
        revoked_at,
        key_revoked("exp-xa", "exp-xa-1", "x"),
    );
    assert_eq!(
        reg.apply(&again, revoked_at).unwrap_err().rule_id,
        RuleId::Reg02
    );
    let unknown = filing(
        "key.revoked",
        REGISTRY_CASE,
        "exp-xa",
        revoked_at,
        key_revoked("exp-xa", "nope", "x"),
    );
    assert_eq!(
        reg.apply(&unknown, revoked_at).unwrap_err().rule_id,
        RuleId::Reg02
    );
    let dup = filing(
        "key.added",
        REGISTRY_CASE,
        "exp-xa",
        revoked_at,
        key_added("exp-xa", "exp-xa-2"),
    );
    assert_eq!(
        reg.apply(&dup, revoked_at).unwrap_err().rule_id,
        RuleId::Reg02
    );
}

#[test]
fn a_key_with_an_end_of_validity_expires() {
    let until = T0 + Duration::days(1);
    let key = KeyInfo {
        valid_until: Some(until),
        ..KeyInfo::new("short", "pk")
    };
    let body = serde_json::to_value(KeyAdded {
        participant: "exp-xa".into(),
        key,
    })
    .unwrap();
    let reg = registry()
        .apply(&filing("key.added", REGISTRY_CASE, "exp-xa", T0, body), T0)
        .unwrap();
    assert!(reg.key_valid("exp-xa", "short", T0));
    assert!(!reg.key_valid("exp-xa", "short", until));
}

#[test]
fn case_statements_do_not_change_the_registry_and_registry_statements_do_not_change_a_case() {
    let reg = registry();
    let f = filing(
        "notification.transmitted",
        "XA-2026-0001",
        "ca-xa",
        T0,
        json!({ "sent_on": "2026-03-02" }),
    );
    assert_eq!(reg.apply(&f, T0).unwrap_err().rule_id, RuleId::Case01);
    let r = Run::new(notification("XA", &[], "XC"));
    let body = key_added("exp-xa", "k");
    assert_eq!(
        r.try_file("key.added", "exp-xa", body).unwrap_err().rule_id,
        RuleId::Case01
    );
}

#[test]
fn a_registry_made_from_participants_needs_its_registrar_and_unique_ids() {
    let reg = registry();
    let all: Vec<_> = reg.participants().cloned().collect();
    let again = wastetrail_basel::Registry::from_participants("reg", all.clone()).unwrap();
    assert_eq!(again, reg);
    assert_eq!(
        wastetrail_basel::Registry::from_participants("ca-xa", all.clone())
            .unwrap_err()
            .rule_id,
        RuleId::Reg01
    );
    let mut dup = all;
    dup.push(dup[1].clone());
    assert_eq!(
        wastetrail_basel::Registry::from_participants("reg", dup)
            .unwrap_err()
            .rule_id,
        RuleId::Reg01
    );
}

#[test]
fn one_key_belongs_to_one_participant() {
    // exp-xa holds key "exp-xa-1" (public key "pk-exp-xa-1").
    let stolen = KeyInfo::new("exp-xa-1", "pk-exp-xa-1");
    let same_public_key = KeyInfo::new("other-id", "pk-exp-xa-1");
    for key in [stolen, same_public_key] {
        let body = ParticipantRegistered {
            id: "exp2-xa".into(),
            kind: ParticipantKind::Exporter,
            country: cc("XA"),
            name: "n".into(),
            address: "a".into(),
            key: key.clone(),
        };
        let body = serde_json::to_value(body).unwrap();
        let e = registry()
            .apply(
                &filing("participant.registered", REGISTRY_CASE, "ca-xa", T0, body),
                T0,
            )
            .unwrap_err();
        assert_eq!(e.rule_id, RuleId::Reg02, "{e:?}");
        assert!(e.message.contains("exp-xa"), "{}", e.message);
        // Nor as a second key of another participant.
        let body = serde_json::to_value(KeyAdded {
            participant: "gen-xa".into(),
            key,
        })
        .unwrap();
        let e = registry()
            .apply(&filing("key.added", REGISTRY_CASE, "ca-xa", T0, body), T0)
            .unwrap_err();
        assert_eq!(e.rule_id, RuleId::Reg02);
    }
    // A fresh key is accepted.
    let body = key_added("gen-xa", "gen-xa-2");
    assert!(
        registry()
            .apply(&filing("key.added", REGISTRY_CASE, "ca-xa", T0, body), T0)
            .is_ok()
    );
}

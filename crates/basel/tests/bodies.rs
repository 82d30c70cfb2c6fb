//! Statement bodies: every wrong field is reported with its JSON path; whole kilograms only;
//! bodies round-trip through their JSON form.
// Test helpers may unwrap and panic: a panic there is a failing test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use serde_json::{Value, json};
use wastetrail_basel::body::{Body, StatementType};
use wastetrail_basel::{FieldError, RuleId};

fn paths(errs: &[FieldError]) -> Vec<&str> {
    errs.iter().map(|e| e.path.as_str()).collect()
}

fn parse_err(kind: StatementType, v: &Value) -> Vec<FieldError> {
    match Body::parse(kind, v) {
        Ok(b) => panic!("expected errors, parsed {b:?}"),
        Err(e) => e,
    }
}

#[test]
fn a_notification_with_many_faults_reports_every_one_with_its_path() {
    let mut n = notification("XA", &["XB"], "XC");
    let o = n.as_object_mut().unwrap();
    o.remove("exporter");
    o.insert("colour".into(), json!("green"));
    n["quantity"]["total_kg"] = json!(1.5);
    n["waste"]["codes"] = json!(["A1181", "QQ1"]);
    n["period"]["last_departure"] = json!("2026-02-30");
    n["transit"][0]["country"] = json!("xb");
    n["carriers"][1] = json!("has space");
    n["operation"] = json!("R99");
    let errs = parse_err(StatementType::NotificationSubmitted, &n);
    let p = paths(&errs);
    for want in [
        "$.exporter",
        "$.colour",
        "$.quantity.total_kg",
        "$.waste.codes[1]",
        "$.period.last_departure",
        "$.transit[0].country",
        "$.carriers[1]",
        "$.operation",
    ] {
        assert!(p.contains(&want), "missing error at {want}; got {errs:#?}");
    }
    assert_eq!(errs.len(), 8, "{errs:#?}");
}

#[test]
fn fractional_string_zero_and_negative_kilograms_are_refused() {
    for bad in [json!(1.5), json!("1000"), json!(0), json!(-5), json!(1e3)] {
        let mut n = notification("XA", &[], "XC");
        n["quantity"]["total_kg"] = bad.clone();
        let errs = parse_err(StatementType::NotificationSubmitted, &n);
        assert_eq!(
            paths(&errs),
            vec!["$.quantity.total_kg"],
            "for {bad}: {errs:#?}"
        );
    }
}

#[test]
fn a_movement_document_with_a_fractional_quantity_is_refused_with_its_path_in_the_refusal() {
    let mut r = Run::new(notification("XA", &["XB"], "XC"));
    r.ready();
    let mut doc = movement(&r.n, 1, 10, &r.today());
    doc["quantity_kg"] = json!(10.25);
    doc["packages"]["count"] = json!(0);
    let refusal = r.try_file("movement.started", "exp-xa", doc).unwrap_err();
    assert_eq!(refusal.rule_id, RuleId::Pic17);
    assert_eq!(
        paths(&refusal.errors),
        vec!["$.packages.count", "$.quantity_kg"]
    );
}

#[test]
fn a_single_notification_must_plan_exactly_one_shipment() {
    let mut n = notification("XA", &[], "XC");
    n["planned_shipments"] = json!(2);
    assert_eq!(
        paths(&parse_err(StatementType::NotificationSubmitted, &n)),
        vec!["$.planned_shipments"]
    );
}

#[test]
fn a_general_notification_needs_the_quantity_per_shipment() {
    let mut n = general("XA", &[], "XC", 3);
    n["quantity"] = json!({ "total_kg": 15000 });
    assert_eq!(
        paths(&parse_err(StatementType::NotificationSubmitted, &n)),
        vec!["$.quantity.per_shipment_kg"]
    );
}

#[test]
fn an_interim_operation_needs_the_final_operation() {
    let mut n = notification("XA", &[], "XC");
    n["operation"] = json!("R13");
    assert_eq!(
        paths(&parse_err(StatementType::NotificationSubmitted, &n)),
        vec!["$.final_operation"]
    );
    n["final_operation"] = json!("R4");
    assert!(Body::parse(StatementType::NotificationSubmitted, &n).is_ok());
}

#[test]
fn export_and_import_in_the_same_state_is_not_a_transboundary_movement() {
    let n = notification("XA", &[], "XA");
    assert_eq!(
        paths(&parse_err(StatementType::NotificationSubmitted, &n)),
        vec!["$.import.country"]
    );
}

#[test]
fn a_body_that_is_not_an_object_is_refused_at_the_root() {
    for kind in StatementType::ALL {
        let errs = parse_err(kind, &json!([1, 2]));
        assert_eq!(paths(&errs), vec!["$"], "{kind}");
    }
}

#[test]
fn a_consent_that_ends_before_it_begins_is_refused() {
    let errs = parse_err(
        StatementType::ConsentGranted,
        &consent("2026-05-01", "2026-04-01"),
    );
    assert_eq!(paths(&errs), vec!["$.valid_until"]);
}

#[test]
fn declarations_must_be_true() {
    let mut n = notification("XA", &[], "XC");
    n["declaration_correct"] = json!(false);
    assert_eq!(
        paths(&parse_err(StatementType::NotificationSubmitted, &n)),
        vec!["$.declaration_correct"]
    );
    let mut d = movement(&n, 1, 5, "2026-03-02");
    d["declaration_no_objection"] = json!(false);
    assert_eq!(
        paths(&parse_err(StatementType::MovementStarted, &d)),
        vec!["$.declaration_no_objection"]
    );
}

fn samples() -> Vec<(StatementType, Value)> {
    let n = notification("XA", &["XB"], "XC");
    let mut n2 = general("XA", &[], "XC", 2);
    n2["insurance"] = json!({ "insurer": "I", "policy": "P", "coverage": "C" });
    n2["national_hazardous_in"] = json!(["XC"]);
    n2["operation"] = json!("R13");
    n2["final_operation"] = json!("R4");
    vec![
        (
            StatementType::ParticipantRegistered,
            json!({ "id": "p", "kind": "carrier", "country": "XA", "name": "P", "address": "A", "key": { "key_id": "k", "public_key": "pk", "valid_until": "2027-01-01T00:00:00Z" } }),
        ),
        (
            StatementType::KeyAdded,
            json!({ "participant": "p", "key": key("k2") }),
        ),
        (
            StatementType::KeyRevoked,
            json!({ "participant": "p", "key_id": "k", "reason": "lost" }),
        ),
        (StatementType::NotificationSubmitted, n.clone()),
        (StatementType::NotificationSubmitted, n2),
        (
            StatementType::NotificationTransmitted,
            json!({ "sent_on": "2026-03-02" }),
        ),
        (
            StatementType::NotificationAcknowledged,
            json!({ "received_on": "2026-03-03" }),
        ),
        (
            StatementType::NotificationWithdrawn,
            json!({ "reason": "r" }),
        ),
        (
            StatementType::InformationRequested,
            json!({ "questions": "q" }),
        ),
        (
            StatementType::InformationProvided,
            json!({ "to": "XC", "answer": "a" }),
        ),
        (
            StatementType::ConsentGranted,
            json!({ "valid_from": "2026-03-01", "valid_until": "2026-12-31", "conditions": { "max_total_kg": 10, "max_kg_per_shipment": 5, "max_shipments": 2, "carriers": ["c"], "customs_offices": ["o"], "insurance_required": true, "other": ["x"] } }),
        ),
        (StatementType::ConsentDenied, json!({ "reason": "r" })),
        (
            StatementType::TransitConsented,
            json!({ "valid_from": "2026-03-01", "valid_until": "2026-12-31", "conditions": { "insurance_required": false, "other": [] } }),
        ),
        (StatementType::TransitObjected, json!({ "reason": "r" })),
        (
            StatementType::ContractConfirmed,
            json!({ "reference": "C" }),
        ),
        (StatementType::ConsentWithdrawn, json!({ "reason": "r" })),
        (
            StatementType::MovementStarted,
            movement(&n, 1, 7, "2026-03-02"),
        ),
        (
            StatementType::CustodyTransferred,
            json!({ "shipment_no": 1, "from": "a", "on": "2026-03-02" }),
        ),
        (
            StatementType::BorderExited,
            json!({ "shipment_no": 1, "on": "2026-03-02" }),
        ),
        (
            StatementType::BorderEntered,
            json!({ "shipment_no": 1, "on": "2026-03-02" }),
        ),
        (
            StatementType::ReceiptConfirmed,
            json!({ "shipment_no": 1, "received_on": "2026-03-02", "quantity_kg": 7 }),
        ),
        (
            StatementType::BorderEntered,
            json!({ "shipment_no": 1, "on": "2026-03-02", "discrepancies": { "quantity_kg": 6, "packages": 3, "seals": "seal 2 broken", "vehicle": "AB-123-CD", "note": "n" } }),
        ),
        (
            StatementType::ReceiptConfirmed,
            json!({ "shipment_no": 1, "received_on": "2026-03-02", "quantity_kg": 7, "rejected_kg": 2, "rejection_reasons": ["wet", "mixed"] }),
        ),
        (
            StatementType::DisposalCompleted,
            json!({ "shipment_no": 1, "completed_on": "2026-03-02", "operation": "R4" }),
        ),
        (
            StatementType::ReimportRequired,
            json!({ "shipment_no": 1, "ground": "illegal_traffic", "informed_on": "2026-03-02", "agreed_days": 45, "reason": "r" }),
        ),
        (
            StatementType::BorderEntered,
            json!({ "shipment_no": 1, "on": "2026-03-02", "waste": { "codes": ["A1181"], "quantity_kg": 7, "description": "boards" } }),
        ),
        (
            StatementType::IllegalTrafficReported,
            json!({ "shipment_no": 1, "point": "a", "export": { "country": "XA", "authority": "ca-xa" }, "import": { "country": "XC", "authority": "ca-xc" }, "transit": ["XB"], "found_in": "XB", "found_at": "Port of Xb", "found_on": "2026-03-02", "waste": { "codes": ["A1181"], "quantity_kg": 7 }, "national_hazardous_in": ["XC"], "informed_on": "2026-03-03", "agreed_days": 45, "grounds": "g" }),
        ),
        (
            StatementType::IllegalTrafficReported,
            json!({ "shipment_no": 2, "point": "d", "export": { "country": "XA", "authority": "ca-xa" }, "found_in": "XA", "found_at": "Exit", "found_on": "2026-03-02", "waste": { "codes": ["Y49"], "quantity_kg": 1 }, "grounds": "g" }),
        ),
        (
            StatementType::ResponsibilityDetermined,
            json!({ "shipment_no": 1, "caused_by": "not_assignable", "grounds": "g", "informed_on": "2026-03-02", "agreed_days": 10 }),
        ),
        (
            StatementType::ResponsibilityDetermined,
            json!({ "shipment_no": 1, "caused_by": "disposer", "grounds": "g" }),
        ),
    ]
}

#[test]
fn every_statement_type_has_a_body_that_round_trips_through_json() {
    let s = samples();
    for kind in StatementType::ALL {
        assert!(s.iter().any(|(k, _)| *k == kind), "no sample for {kind}");
        assert_eq!(StatementType::parse(kind.as_str()), Some(kind));
    }
    for (kind, v) in s {
        let body = Body::parse(kind, &v).unwrap_or_else(|e| panic!("{kind}: {e:#?}"));
        let again =
            Body::parse(kind, &body.to_json()).unwrap_or_else(|e| panic!("{kind} re-read: {e:#?}"));
        assert_eq!(body, again, "{kind}");
    }
}

#[test]
fn unknown_fields_are_refused_in_every_body() {
    for (kind, mut v) in samples() {
        v["extra_field"] = json!(1);
        let errs = parse_err(kind, &v);
        assert_eq!(paths(&errs), vec!["$.extra_field"], "{kind}");
    }
}

#[test]
fn a_missing_required_field_is_named() {
    for (kind, v) in samples() {
        let obj = v.as_object().unwrap();
        for key in obj.keys() {
            let mut w = v.clone();
            w.as_object_mut().unwrap().remove(key);
            if let Err(errs) = Body::parse(kind, &w) {
                let want = format!("$.{key}");
                assert!(
                    paths(&errs).contains(&want.as_str()),
                    "{kind} without {key}: {errs:#?}"
                );
            }
        }
    }
}

#[test]
fn border_discrepancies_must_name_something_and_use_whole_numbers() {
    let errs = parse_err(
        StatementType::BorderExited,
        &json!({ "shipment_no": 1, "on": "2026-03-02", "discrepancies": {} }),
    );
    assert_eq!(paths(&errs), vec!["$.discrepancies"]);
    assert!(errs[0].message.contains("at least one"), "{errs:#?}");
    let errs = parse_err(
        StatementType::BorderExited,
        &json!({ "shipment_no": 1, "on": "2026-03-02", "discrepancies": { "quantity_kg": 1.5, "packages": 0, "colour": "red" } }),
    );
    assert_eq!(
        paths(&errs),
        vec![
            "$.discrepancies.quantity_kg",
            "$.discrepancies.packages",
            "$.discrepancies.colour"
        ]
    );
}

#[test]
fn a_rejection_needs_its_reasons_and_cannot_exceed_what_was_received() {
    let receipt = |extra: Value| {
        let mut v = json!({ "shipment_no": 1, "received_on": "2026-03-02", "quantity_kg": 7 });
        for (k, x) in extra.as_object().unwrap() {
            v[k] = x.clone();
        }
        v
    };
    let errs = parse_err(
        StatementType::ReceiptConfirmed,
        &receipt(json!({ "rejected_kg": 8, "rejection_reasons": ["wet"] })),
    );
    assert_eq!(paths(&errs), vec!["$.rejected_kg"]);
    assert!(errs[0].message.contains("7 kg"), "{errs:#?}");
    let errs = parse_err(
        StatementType::ReceiptConfirmed,
        &receipt(json!({ "rejected_kg": 7 })),
    );
    assert_eq!(paths(&errs), vec!["$.rejection_reasons"]);
    let errs = parse_err(
        StatementType::ReceiptConfirmed,
        &receipt(json!({ "rejection_reasons": ["wet"] })),
    );
    assert_eq!(paths(&errs), vec!["$.rejected_kg"]);
    let errs = parse_err(
        StatementType::ReceiptConfirmed,
        &receipt(json!({ "rejected_kg": 1, "rejection_reasons": [] })),
    );
    assert_eq!(paths(&errs), vec!["$.rejection_reasons"]);
    let full = Body::parse(
        StatementType::ReceiptConfirmed,
        &receipt(json!({ "rejected_kg": 7, "rejection_reasons": ["not as notified"] })),
    )
    .unwrap();
    let Body::ReceiptConfirmed(r) = full else {
        panic!("{full:?}")
    };
    assert!(r.fully_rejected());
}

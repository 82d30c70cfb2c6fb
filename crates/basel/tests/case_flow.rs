//! The case state machine beyond the rule table: requests for information, withdrawals, the
//! chain of custody, irregular receipts and completions, transit clocks, obligations.
// Test helpers may unwrap and panic: a panic there is a failing test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use serde_json::json;
use time::Duration;
use wastetrail_basel::case::AnswerStatus;
use wastetrail_basel::verdict::ObligationKind;
use wastetrail_basel::{Decision, Outcome, Phase, RuleId};

#[test]
fn a_request_for_information_holds_the_import_consent_until_it_is_answered() {
    let mut r = Run::new(notification("XA", &[], "XC"));
    r.transmitted();
    r.ok(
        "information.requested",
        "ca-xc",
        json!({ "questions": "Which line?" }),
    );
    assert!(matches!(
        r.case.answer_of(&cc("XC")).unwrap().answer,
        AnswerStatus::InformationRequested { .. }
    ));
    let v = r.may_start(1);
    assert!(v.failures().any(|f| f.rule_id == RuleId::Pic04), "{v}");
    // Only the notifier answers, and only an open request.
    assert_eq!(
        r.try_file(
            "information.provided",
            "ca-xa",
            json!({ "to": "XC", "answer": "Line 2" })
        )
        .unwrap_err()
        .rule_id,
        RuleId::Pic01
    );
    r.ok(
        "information.provided",
        "exp-xa",
        json!({ "to": "XC", "answer": "Line 2" }),
    );
    assert_eq!(
        r.try_file(
            "information.provided",
            "exp-xa",
            json!({ "to": "XC", "answer": "again" })
        )
        .unwrap_err()
        .rule_id,
        RuleId::Case01
    );
    r.import_consented();
    assert_eq!(
        r.may_start(1).decision,
        Decision::MayStart,
        "{}",
        r.may_start(1)
    );
}

#[test]
fn an_answer_to_a_transit_request_restarts_the_sixty_days_by_default() {
    let mut r = Run::new(notification("XA", &["XB"], "XC"));
    r.transmitted().import_consented();
    r.ok(
        "notification.acknowledged",
        "ca-xb",
        json!({ "received_on": "2026-03-02" }),
    );
    r.days(5);
    r.ok(
        "information.requested",
        "ca-xb",
        json!({ "questions": "Route?" }),
    );
    r.days(5);
    r.ok(
        "information.provided",
        "exp-xa",
        json!({ "to": "XB", "answer": "Motorway" }),
    );
    let t = r.case.answer_of(&cc("XB")).unwrap();
    assert_eq!(t.clock_from, Some(time::macros::date!(2026 - 03 - 12)));
    r.days(55); // 65 days after receipt, 55 after the answer
    assert!(
        r.may_start(1)
            .failures()
            .any(|f| f.rule_id == RuleId::Pic08)
    );
    r.days(6);
    assert_eq!(
        r.may_start(1).decision,
        Decision::MayStart,
        "{}",
        r.may_start(1)
    );
}

#[test]
fn a_transit_state_whose_waiver_is_unknown_must_consent_and_the_verdict_says_so() {
    let mut r = Run::new(notification("XA", &["XU"], "XC"));
    r.transmitted().import_consented();
    r.ok(
        "notification.acknowledged",
        "ca-xu",
        json!({ "received_on": "2026-03-02" }),
    );
    r.days(90);
    let v = r.may_start(1);
    let f: Vec<_> = v
        .failures()
        .filter(|f| f.rule_id == RuleId::Pic07)
        .collect();
    assert_eq!(f.len(), 1, "{v}");
    assert!(f[0].unknown_fact && f[0].message.contains("unknown"), "{v}");
}

#[test]
fn a_withdrawn_import_consent_blocks_new_shipments_but_not_the_one_under_way() {
    let mut r = Run::new(general("XA", &[], "XC", 2));
    r.ready();
    r.start(1, 5000).unwrap();
    r.ok(
        "consent.withdrawn",
        "ca-xc",
        json!({ "reason": "Permit suspended" }),
    );
    assert!(r.start(2, 5000).is_err());
    assert!(
        r.may_start(2)
            .failures()
            .any(|f| f.rule_id == RuleId::Pic04)
    );
    r.ok(
        "receipt.confirmed",
        "dis-xc",
        json!({ "shipment_no": 1, "received_on": "2026-03-02", "quantity_kg": 5000 }),
    );
    // A consent is given again after a withdrawal.
    r.ok(
        "consent.granted",
        "ca-xc",
        consent("2026-03-01", "2026-12-31"),
    );
    r.start(2, 5000).unwrap();
}

#[test]
fn a_consent_cannot_be_denied_after_it_was_given_nor_given_twice() {
    let mut r = Run::new(notification("XA", &[], "XC"));
    r.ready();
    assert_eq!(
        r.try_file("consent.denied", "ca-xc", json!({ "reason": "x" }))
            .unwrap_err()
            .rule_id,
        RuleId::Case01
    );
    assert_eq!(
        r.try_file(
            "consent.granted",
            "ca-xc",
            consent("2026-03-01", "2026-12-31")
        )
        .unwrap_err()
        .rule_id,
        RuleId::Case01
    );
    assert_eq!(
        r.try_file(
            "contract.confirmed",
            "ca-xc",
            json!({ "reference": "C-2026-1" })
        )
        .unwrap_err()
        .rule_id,
        RuleId::Case01
    );
}

#[test]
fn a_consent_filed_after_the_departure_date_does_not_cover_that_departure() {
    let mut r = Run::new(notification("XA", &[], "XC"));
    r.transmitted();
    r.days(3);
    r.import_consented();
    let doc = movement(&r.n, 1, 100, "2026-03-02");
    let refusal = r.try_file("movement.started", "exp-xa", doc).unwrap_err();
    assert_eq!(refusal.rule_id, RuleId::Ban02, "{refusal}");
}

#[test]
fn the_chain_of_custody_follows_the_holders_in_order() {
    let mut r = Run::new(notification("XA", &[], "XC"));
    r.ready();
    let mut doc = movement(&r.n, 1, 100, "2026-03-02");
    doc["carriers"] = json!(["car-xa", "car2-xa"]);
    r.ok("movement.started", "exp-xa", doc);
    r.ok(
        "custody.transferred",
        "car-xa",
        json!({ "shipment_no": 1, "from": "exp-xa", "on": "2026-03-02" }),
    );
    // The exporter no longer holds it.
    assert_eq!(
        r.try_file(
            "custody.transferred",
            "car2-xa",
            json!({ "shipment_no": 1, "from": "exp-xa", "on": "2026-03-02" })
        )
        .unwrap_err()
        .rule_id,
        RuleId::Pic13
    );
    r.ok(
        "custody.transferred",
        "car2-xa",
        json!({ "shipment_no": 1, "from": "car-xa", "on": "2026-03-02" }),
    );
    let s = &r.case.shipments[&1];
    assert_eq!(s.holder.as_deref(), Some("car2-xa"));
    assert_eq!(s.custody.len(), 2);
    // Custody of a shipment that never started is refused.
    assert_eq!(
        r.try_file(
            "custody.transferred",
            "car-xa",
            json!({ "shipment_no": 9, "from": "exp-xa", "on": "2026-03-02" })
        )
        .unwrap_err()
        .rule_id,
        RuleId::Pic17
    );
}

#[test]
fn a_received_quantity_that_differs_from_the_document_is_illegal_traffic_under_the_strict_default()
{
    let mut r = Run::new(notification("XA", &[], "XC"));
    r.ready();
    r.start(1, 10000).unwrap();
    r.ok(
        "receipt.confirmed",
        "dis-xc",
        json!({ "shipment_no": 1, "received_on": "2026-03-02", "quantity_kg": 9990 }),
    );
    let s = &r.case.shipments[&1];
    assert!(s.is_illegal_traffic());
    assert!(s.irregularities[0].message.contains("9(1)(d)"));
    let obs = wastetrail_basel::obligations(&r.case, &r.facts, r.at);
    assert!(obs.iter().any(|o| o.kind == ObligationKind::IllegalTraffic));
}

#[test]
fn a_tolerance_setting_accepts_small_deviations() {
    let mut r = Run::new(notification("XA", &[], "XC"));
    r.facts = r
        .facts
        .clone()
        .with_overrides(&json!({ "format": "wastetrail-facts/1", "settings": { "quantity_tolerance_percent": 1 } }))
        .unwrap();
    r.ready();
    r.start(1, 10000).unwrap();
    r.ok(
        "receipt.confirmed",
        "dis-xc",
        json!({ "shipment_no": 1, "received_on": "2026-03-02", "quantity_kg": 9900 }),
    );
    let s = &r.case.shipments[&1];
    assert!(!s.is_illegal_traffic());
    // Noted in plain words, and no review is due for it.
    let note = s.weighing_difference.as_deref().unwrap();
    assert!(
        note.contains("100 kg less") && note.contains("1%"),
        "{note}"
    );
    assert!(s.irregularities.is_empty());
    let obs = wastetrail_basel::obligations(&r.case, &r.facts, r.at);
    assert!(
        obs.iter()
            .all(|o| o.kind != ObligationKind::IllegalTraffic && o.kind != ObligationKind::Review),
        "{obs:?}"
    );
}

#[test]
fn a_completion_by_another_operation_than_notified_is_recorded_as_illegal_traffic() {
    let mut r = Run::new(notification("XA", &[], "XC"));
    r.ready();
    r.start(1, 100).unwrap();
    assert_eq!(
        r.try_file(
            "disposal.completed",
            "dis-xc",
            json!({ "shipment_no": 1, "completed_on": "2026-03-02", "operation": "R4" })
        )
        .unwrap_err()
        .rule_id,
        RuleId::Pic14,
        "completion before receipt"
    );
    r.ok(
        "receipt.confirmed",
        "dis-xc",
        json!({ "shipment_no": 1, "received_on": "2026-03-02", "quantity_kg": 100 }),
    );
    r.ok(
        "disposal.completed",
        "dis-xc",
        json!({ "shipment_no": 1, "completed_on": "2026-03-02", "operation": "D10" }),
    );
    assert!(r.case.shipments[&1].is_illegal_traffic());
    assert_eq!(r.case.phase, Phase::Completed);
}

#[test]
fn a_crossing_in_a_state_off_the_notified_route_is_illegal_traffic_under_9_1_d() {
    // Customs of a State the notification does not name saw the shipment: it took another
    // route than notified, which is illegal traffic in the strict reading (ART9-05).
    let mut r = Run::new(notification("XA", &[], "XC"));
    r.ready();
    r.start(1, 100).unwrap();
    r.ok(
        "border.entered",
        "cus-xh",
        json!({ "shipment_no": 1, "on": "2026-03-02" }),
    );
    let s = &r.case.shipments[&1];
    assert_eq!(s.irregularities.len(), 1, "{:#?}", s.irregularities);
    assert_eq!(s.irregularities[0].rule_id, RuleId::Art905);
    assert!(
        s.irregularities[0]
            .message
            .contains("XH, a State that is not on the notified route"),
        "{}",
        s.irregularities[0].message
    );
    assert!(s.is_illegal_traffic());
}

#[test]
fn a_crossing_of_a_movement_the_log_has_not_seen_is_refused() {
    // No movement document for shipment 2; and a case without a notification at all.
    let mut r = Run::new(notification("XA", &[], "XC"));
    r.ready();
    r.start(1, 100).unwrap();
    for (shipment, why) in [(2, "shipment 2 of case"), (1, "has no notification")] {
        if why == "has no notification" {
            r.case = wastetrail_basel::Case::new("XA-2026-0002");
        }
        let e = r
            .try_file(
                "border.exited",
                "cus-xa",
                json!({ "shipment_no": shipment, "on": "2026-03-02" }),
            )
            .unwrap_err();
        assert_eq!(e.rule_id, RuleId::Case01);
        assert!(e.message.contains(why), "{}", e.message);
    }
}

#[test]
fn a_crossing_at_another_office_of_a_state_concerned_is_illegal_traffic_in_the_strict_reading() {
    let mut r = Run::new(notification("XA", &[], "XC"));
    r.ready();
    r.start(1, 100).unwrap();
    r.ok(
        "border.exited",
        "cus2-xa",
        json!({ "shipment_no": 1, "on": "2026-03-02" }),
    );
    let s = &r.case.shipments[&1];
    assert_eq!(s.irregularities.len(), 1);
    assert_eq!(s.irregularities[0].rule_id, RuleId::Art905);
    assert!(s.is_illegal_traffic());
    // The same office cannot record the same crossing twice.
    assert_eq!(
        r.try_file(
            "border.exited",
            "cus2-xa",
            json!({ "shipment_no": 1, "on": "2026-03-02" })
        )
        .unwrap_err()
        .rule_id,
        RuleId::Case01
    );
    // Only customs offices record crossings.
    assert_eq!(
        r.try_file(
            "border.exited",
            "car-xa",
            json!({ "shipment_no": 1, "on": "2026-03-02" })
        )
        .unwrap_err()
        .rule_id,
        RuleId::Pic17
    );
}

#[test]
fn reimport_due_dates_follow_art_8_and_art_9_or_the_agreed_period() {
    let mut r = Run::new(general("XA", &[], "XC", 3));
    r.ready();
    r.start(1, 5000).unwrap();
    r.start(2, 5000).unwrap();
    r.ok("reimport.required", "ca-xc", json!({ "shipment_no": 1, "ground": "cannot_be_completed", "informed_on": "2026-03-02", "reason": "r" }));
    r.ok("reimport.required", "ca-xa", json!({ "shipment_no": 2, "ground": "illegal_traffic", "informed_on": "2026-03-02", "agreed_days": 45, "reason": "Fraudulent declaration" }));
    assert_eq!(
        r.case.shipments[&1].reimport.as_ref().unwrap().due,
        time::macros::date!(2026 - 05 - 31)
    );
    assert_eq!(
        r.case.shipments[&2].reimport.as_ref().unwrap().due,
        time::macros::date!(2026 - 04 - 16)
    );
    assert!(r.case.shipments[&2].is_illegal_traffic());
    assert_eq!(r.try_file("reimport.required", "ca-xa", json!({ "shipment_no": 1, "ground": "cannot_be_completed", "informed_on": "2026-03-02", "reason": "r" })).unwrap_err().rule_id, RuleId::Art801);
}

#[test]
fn obligations_warn_of_a_lapsing_consent_and_an_open_transit_window() {
    let mut r = Run::new(notification("XA", &["XB"], "XC"));
    r.transmitted();
    r.ok(
        "consent.granted",
        "ca-xc",
        consent("2026-03-01", "2026-03-20"),
    );
    r.ok(
        "notification.acknowledged",
        "ca-xb",
        json!({ "received_on": "2026-03-02" }),
    );
    let obs = wastetrail_basel::obligations(&r.case, &r.facts, r.at);
    let kinds: Vec<_> = obs.iter().map(|o| o.kind).collect();
    assert_eq!(
        kinds,
        vec![
            ObligationKind::ConsentExpiring,
            ObligationKind::TransitWindowOpen
        ],
        "{obs:#?}"
    );
    assert_eq!(obs[1].due, Some(time::macros::date!(2026 - 05 - 01)));
}

#[test]
fn a_withdrawn_notification_is_closed_and_prohibits_new_shipments() {
    let mut r = Run::new(notification("XA", &[], "XC"));
    r.transmitted();
    assert_eq!(
        r.try_file("notification.withdrawn", "ca-xc", json!({ "reason": "x" }))
            .unwrap_err()
            .rule_id,
        RuleId::Pic01
    );
    r.ok(
        "notification.withdrawn",
        "exp-xa",
        json!({ "reason": "Contract cancelled" }),
    );
    assert!(r.case.is_closed());
    assert_eq!(r.may_start(1).decision, Decision::Prohibited);
    assert_eq!(
        r.try_file("notification.submitted", "exp-xa", r.n.clone())
            .unwrap_err()
            .rule_id,
        RuleId::Case01
    );
}

#[test]
fn a_classification_change_after_submission_blocks_the_start() {
    // A1180 was deleted on 2025-01-01: a notification for late 2024 may not start in 2025.
    let mut n = notification("XA", &[], "XC");
    n["waste"]["codes"] = json!(["A1180"]);
    n["period"] = json!({ "first_departure": "2024-12-01", "last_departure": "2025-06-30" });
    let mut r = Run::new(n);
    r.at = time::macros::datetime!(2024-12-02 10:00 UTC);
    r.transmitted();
    r.ok(
        "consent.granted",
        "ca-xc",
        consent("2024-12-01", "2025-06-30"),
    );
    r.ok(
        "contract.confirmed",
        "ca-xc",
        json!({ "reference": "C-2026-1" }),
    );
    assert_eq!(
        r.may_start(1).decision,
        Decision::MayStart,
        "{}",
        r.may_start(1)
    );
    r.at += Duration::days(40);
    let v = r.may_start(1);
    assert_eq!(v.decision, Decision::Blocked);
    assert_eq!(v.rule_id, RuleId::Cls01, "{v}");
}

#[test]
fn an_annex_ix_only_shipment_is_not_subject_to_pic() {
    let mut n = notification("XA", &[], "XD");
    n["waste"]["codes"] = json!(["B1010"]);
    let mut r = Run::new(n);
    r.ok("notification.submitted", "exp-xa", r.n.clone());
    let v = r.may_start(1);
    assert_eq!(v.decision, Decision::MayStart, "{v}");
    assert_eq!(v.reasons.len(), 1);
    assert_eq!(v.reasons[0].outcome, Outcome::Met);
}

#[test]
fn verdicts_and_refusals_name_rule_citation_and_message_in_json() {
    let mut r = Run::new(notification("XA", &[], "XC"));
    r.transmitted();
    let v = serde_json::to_value(r.may_start(1)).unwrap();
    assert_eq!(v["decision"], "blocked");
    assert_eq!(v["rule_id"], "BAN-02");
    assert!(
        v["citation"]
            .as_str()
            .unwrap()
            .starts_with("Basel Art. 4(1)(c)")
    );
    assert!(v["message"].as_str().unwrap().ends_with('.'));
    let refusal = r
        .try_file(
            "consent.granted",
            "exp-xa",
            consent("2026-03-01", "2026-12-31"),
        )
        .unwrap_err();
    let j = serde_json::to_value(&refusal).unwrap();
    assert_eq!(j["rule_id"], "PIC-04");
    assert!(j.get("errors").is_none());
}

fn with_settings(r: &mut Run, settings: serde_json::Value) {
    r.facts = r
        .facts
        .clone()
        .with_overrides(&json!({ "format": "wastetrail-facts/1", "settings": settings }))
        .unwrap();
}

#[test]
fn y49_listed_with_an_annex_ix_entry_yields_to_it_only_when_the_setting_says_so() {
    let mut n = notification("XA", &[], "XD");
    n["waste"]["codes"] = json!(["Y49", "B1010"]);
    let mut r = Run::new(n);
    r.ok("notification.submitted", "exp-xa", r.n.clone());
    // Default: Y49 is other waste, so PIC applies and the shipment waits for consents.
    assert_eq!(r.may_start(1).decision, Decision::Blocked);
    with_settings(&mut r, json!({ "y49_yields_to_annex_ix_entries": true }));
    let v = r.may_start(1);
    assert_eq!(v.decision, Decision::MayStart, "{v}");
    assert!(
        v.reasons[0]
            .message
            .contains("not subject to the Basel PIC procedure"),
        "{v}"
    );
}

#[test]
fn e_waste_codes_block_when_the_data_does_not_say_who_is_bound_by_the_amendments() {
    let mut r = Run::new(notification("XA", &[], "XC"));
    r.ready();
    with_settings(
        &mut r,
        json!({ "ewaste_amendments_bind_all_parties": false }),
    );
    let v = r.may_start(1);
    assert_eq!(v.decision, Decision::Blocked);
    assert_eq!(v.rule_id, RuleId::Cls01);
    assert!(v.reasons.iter().any(|x| x.unknown_fact), "{v}");
}

#[test]
fn a_movement_spanning_the_e_waste_amendments_is_flagged_for_review() {
    let mut n = notification("XA", &[], "XC");
    n["waste"]["codes"] = json!(["A1180"]);
    n["period"] = json!({ "first_departure": "2024-12-01", "last_departure": "2024-12-31" });
    let mut r = Run::new(n);
    r.at = time::macros::datetime!(2024-12-20 10:00 UTC);
    r.transmitted();
    r.ok(
        "consent.granted",
        "ca-xc",
        consent("2024-12-01", "2024-12-31"),
    );
    r.ok(
        "contract.confirmed",
        "ca-xc",
        json!({ "reference": "C-2026-1" }),
    );
    r.start(1, 100).unwrap();
    r.days(16);
    r.ok(
        "receipt.confirmed",
        "dis-xc",
        json!({ "shipment_no": 1, "received_on": "2025-01-05", "quantity_kg": 100 }),
    );
    let s = &r.case.shipments[&1];
    assert_eq!(s.irregularities.len(), 1);
    assert_eq!(s.irregularities[0].rule_id, RuleId::Cls01);
    let obs = wastetrail_basel::obligations(&r.case, &r.facts, r.at);
    assert!(
        obs.iter()
            .any(|o| o.kind == ObligationKind::Review && o.rule_id == RuleId::Cls01),
        "{obs:#?}"
    );
    assert!(!s.is_illegal_traffic());
}

#[test]
fn a_tolerated_office_deviation_asks_the_authorities_for_review() {
    let mut r = Run::new(notification("XA", &[], "XC"));
    r.facts = r
        .facts
        .clone()
        .with_overrides(&json!({
            "format": "wastetrail-facts/1",
            "settings": { "deviation_customs_office_tolerated": [
                { "from": "2026-01-01", "until": null, "value": true, "source": "TEST" }
            ] }
        }))
        .unwrap();
    r.ready();
    r.start(1, 100).unwrap();
    r.ok(
        "border.entered",
        "cus2-xc",
        json!({ "shipment_no": 1, "on": "2026-03-02" }),
    );
    let obs = wastetrail_basel::obligations(&r.case, &r.facts, r.at);
    let review: Vec<_> = obs
        .iter()
        .filter(|o| o.kind == ObligationKind::Review)
        .collect();
    assert_eq!(review.len(), 1, "{obs:#?}");
    assert_eq!(review[0].rule_id, RuleId::Shp02);
    assert_eq!(review[0].party.as_deref(), Some("ca-xa"));
}

#[test]
fn with_the_builtin_data_hazardous_e_waste_from_germany_to_nigeria_is_prohibited_by_the_ban_amendment()
 {
    let mut r = Run::new(notification("DE", &[], "NG"));
    r.reg = registry_with(&["DE", "NG"]);
    r.facts = wastetrail_basel::Facts::builtin().unwrap();
    r.ready();
    let v = r.may_start(1);
    assert_eq!(v.decision, Decision::Prohibited, "{v}");
    assert_eq!(v.rule_id, RuleId::Ban06, "{v}");
}

#[test]
fn with_the_builtin_data_e_waste_from_germany_to_the_netherlands_may_start_once_consented() {
    let mut r = Run::new(notification("DE", &[], "NL"));
    r.reg = registry_with(&["DE", "NL"]);
    r.facts = wastetrail_basel::Facts::builtin().unwrap();
    r.ready();
    let v = r.may_start(1);
    assert_eq!(v.decision, Decision::MayStart, "{v}");
    // The built-in data has no import-ban information: the verdict says so.
    assert!(
        v.reasons
            .iter()
            .any(|x| x.rule_id == RuleId::Ban01 && x.unknown_fact),
        "{v}"
    );
}

#[test]
fn with_the_builtin_data_an_export_to_the_united_states_needs_an_art_11_agreement() {
    let mut n = notification("MX", &[], "US");
    n["waste"]["codes"] = json!(["Y49"]);
    let mut r = Run::new(n);
    r.reg = registry_with(&["MX", "US"]);
    r.facts = wastetrail_basel::Facts::builtin().unwrap();
    r.ready();
    let v = r.may_start(1);
    // Mexico and the United States take part in the OECD Decision (an Art. 11 arrangement for
    // recovery), so R4 is not prohibited by Art. 4(5).
    assert!(
        v.reasons
            .iter()
            .any(|x| x.rule_id == RuleId::Ban07 && x.outcome == Outcome::Met),
        "{v}"
    );
    let mut n = notification("MX", &[], "US");
    n["waste"]["codes"] = json!(["Y49"]);
    n["operation"] = json!("D1");
    let mut r = Run::new(n);
    r.reg = registry_with(&["MX", "US"]);
    r.facts = wastetrail_basel::Facts::builtin().unwrap();
    r.ready();
    let v = r.may_start(1);
    assert_eq!(v.decision, Decision::Prohibited, "{v}");
    assert_eq!(v.rule_id, RuleId::Ban04, "{v}");
}

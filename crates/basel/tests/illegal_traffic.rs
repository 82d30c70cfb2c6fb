//! Illegal traffic without a notification (Art. 9(2)), findings of responsibility
//! (Art. 9(2)-(4)) and deviations (Art. 9(1)(d)): due dates on the edges of the 30-day
//! period, found before and after departure, and snapshots of the duty texts.
// Test helpers may unwrap and panic: a panic there is a failing test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use expect_test::expect;
use serde_json::{Value, json};
use time::Duration;
use wastetrail_basel::body::{Body, StatementType};
use wastetrail_basel::verdict::ObligationKind;
use wastetrail_basel::{Case, Obligation, RuleId};

fn report(found_in: &str) -> Value {
    json!({
        "shipment_no": 1,
        "point": "a",
        "export": { "country": "XA", "authority": "ca-xa" },
        "import": { "country": "XC", "authority": "ca-xc" },
        "transit": ["XB"],
        "found_in": found_in,
        "found_at": "Road crossing 4",
        "found_on": "2026-03-02",
        "waste": { "codes": ["A1181"], "quantity_kg": 12000 },
        "grounds": "No movement document; the driver declared scrap metal"
    })
}

fn run_under(prefix: &str) -> Run {
    let mut r = Run::new(notification("XA", &["XB"], "XC"));
    r.case = Case::new(format!("{prefix}-2026-0042"));
    r
}

fn duties(r: &Run, days: i64) -> Vec<Obligation> {
    wastetrail_basel::obligations(&r.case, &r.facts, r.at + Duration::days(days))
        .into_iter()
        .filter(|o| o.kind == ObligationKind::IllegalTraffic)
        .collect()
}

#[test]
fn the_state_of_export_duty_is_due_on_day_30_and_overdue_on_day_31() {
    // Reported by XB's customs on 2026-03-02: XA is informed by the report that day.
    let mut r = run_under("XB");
    r.ok("illegal_traffic.reported", "cus-xb", report("XB"));
    for (day, overdue) in [(29, false), (30, false), (31, true)] {
        let d = duties(&r, day);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].rule_id, RuleId::Art902);
        assert_eq!(d[0].party.as_deref(), Some("ca-xa"));
        assert_eq!(d[0].due.unwrap().to_string(), "2026-04-01");
        assert_eq!(d[0].overdue, overdue, "day {day}");
    }
}

#[test]
fn an_agreed_period_and_a_later_information_move_the_due_date() {
    let mut r = run_under("XB");
    let mut body = report("XB");
    body["informed_on"] = json!("2026-03-02");
    body["agreed_days"] = json!(45);
    r.days(1).ok("illegal_traffic.reported", "cus-xb", body);
    assert_eq!(duties(&r, 0)[0].due.unwrap().to_string(), "2026-04-16");
}

#[test]
fn a_movement_stopped_before_departure_is_disposed_of_in_the_state_of_export() {
    let mut r = run_under("XA");
    r.ok("illegal_traffic.reported", "cus-xa", report("XA"));
    let d = duties(&r, 0);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert!(
        d[0].message.contains("stopped in XA before it left"),
        "{}",
        d[0].message
    );
    assert_eq!(d[0].due.unwrap().to_string(), "2026-04-01");
    assert!(
        r.case.shipments[&1]
            .reported
            .as_ref()
            .unwrap()
            .before_departure()
    );
}

#[test]
fn the_state_of_import_owes_disposal_after_a_finding_against_the_disposer() {
    // Found in XC (State of import) on 2026-03-02; the finding comes ten days later.
    let mut r = run_under("XC");
    r.ok("illegal_traffic.reported", "cus-xc", report("XC"));
    r.days(10).ok(
        "responsibility.determined",
        "ca-xa",
        json!({ "shipment_no": 1, "caused_by": "disposer", "grounds": "The disposer ordered the shipment without a contract" }),
    );
    let d = duties(&r, 0);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].rule_id, RuleId::Art903);
    assert_eq!(d[0].party.as_deref(), Some("ca-xc"));
    // XC became aware when it found the movement: 2026-03-02 + 30 days.
    assert_eq!(d[0].due.unwrap().to_string(), "2026-04-01");
    // A second finding is refused.
    let again = r.try_file(
        "responsibility.determined",
        "ca-xc",
        json!({ "shipment_no": 1, "caused_by": "exporter", "grounds": "g" }),
    );
    assert_eq!(again.unwrap_err().rule_id, RuleId::Case01);
}

#[test]
fn a_finding_on_a_notified_shipment_replaces_the_exporters_take_back() {
    // A notified shipment received with far less than documented (Art. 9(1)(d)); the State of
    // export finds that the disposer caused it: the State of import owes the disposal.
    let mut r = Run::new(notification("XA", &["XB"], "XC"));
    r.ready();
    r.start(1, 20000).unwrap();
    r.ok(
        "receipt.confirmed",
        "dis-xc",
        json!({ "shipment_no": 1, "received_on": "2026-03-02", "quantity_kg": 15000 }),
    );
    r.ok(
        "responsibility.determined",
        "ca-xa",
        json!({ "shipment_no": 1, "caused_by": "disposer", "grounds": "Diverted 5 t", "informed_on": "2026-03-02" }),
    );
    let all = wastetrail_basel::obligations(&r.case, &r.facts, r.at);
    let rules: Vec<RuleId> = all.iter().map(|o| o.rule_id).collect();
    assert_eq!(rules, vec![RuleId::Art903], "{all:#?}");
}

#[test]
fn a_finding_needs_illegal_traffic_first() {
    let mut r = Run::new(notification("XA", &["XB"], "XC"));
    r.ready();
    r.start(1, 20000).unwrap();
    let e = r
        .try_file(
            "responsibility.determined",
            "ca-xa",
            json!({ "shipment_no": 1, "caused_by": "exporter", "grounds": "g" }),
        )
        .unwrap_err();
    assert_eq!(e.rule_id, RuleId::Art901);
}

#[test]
fn a_report_cannot_open_a_case_under_another_state_nor_cover_a_documented_shipment() {
    let r = run_under("XC");
    let e = r
        .try_file("illegal_traffic.reported", "cus-xb", report("XB"))
        .unwrap_err();
    assert_eq!(e.rule_id, RuleId::Case03, "{e}");
    let mut r = Run::new(notification("XA", &["XB"], "XC"));
    r.ready();
    r.start(1, 20000).unwrap();
    let e = r
        .try_file("illegal_traffic.reported", "cus-xb", report("XB"))
        .unwrap_err();
    assert_eq!(e.rule_id, RuleId::Case01, "{e}");
    // Shipment 2 never started: a report of it is accepted into the case.
    let mut body = report("XB");
    body["shipment_no"] = json!(2);
    r.ok("illegal_traffic.reported", "cus-xb", body);
    assert!(r.case.shipments[&2].is_illegal_traffic());
}

#[test]
fn report_bodies_name_every_wrong_field() {
    let mut body = report("XB");
    body["import"]["country"] = json!("XA");
    body["informed_on"] = json!("2026-03-01");
    body["point"] = json!("f");
    let errs = Body::parse(StatementType::IllegalTrafficReported, &body).unwrap_err();
    let paths: Vec<&str> = errs.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(
        paths,
        vec!["$.point", "$.import.country", "$.informed_on"],
        "{errs:#?}"
    );
}

#[test]
fn the_duty_texts_name_the_state_the_period_and_the_provision() {
    let mut r = run_under("XB");
    r.ok("illegal_traffic.reported", "cus-xb", report("XB"));
    expect![[r#"
        ART9-02 (Basel Art. 9(2); Art. 9(1)): Shipment 1 is illegal traffic under Art. 9(1)(a) (without notification to all States concerned), found at Road crossing 4 in XB on 2026-03-02. XA (State of export) must ensure that the wastes are taken back into XA by the exporter, the generator or, if necessary, itself, or, if that is impracticable, otherwise disposed of in accordance with the Convention, by 2026-04-01 (30 days from being informed on 2026-03-02). Due 2026-04-01."#]]
    .assert_eq(&duties(&r, 0)[0].to_string());
    r.ok(
        "responsibility.determined",
        "ca-xb",
        json!({ "shipment_no": 1, "caused_by": "not_assignable", "grounds": "The driver fled; no papers" }),
    );
    let texts: Vec<String> = duties(&r, 0).iter().map(ToString::to_string).collect();
    expect![[r#"
        ART9-04 (Basel Art. 9(4)): Shipment 1 is illegal traffic caused by neither the exporter or generator nor the importer or disposer (determined by ca-xb: The driver fled; no papers). Responsibility cannot be assigned: XA, XC must cooperate to ensure that the wastes are disposed of in an environmentally sound manner as soon as possible, in the State of export, the State of import or elsewhere as appropriate.
        ART9-04 (Basel Art. 9(4)): Shipment 1 is illegal traffic caused by neither the exporter or generator nor the importer or disposer (determined by ca-xb: The driver fled; no papers). Responsibility cannot be assigned: XA, XC must cooperate to ensure that the wastes are disposed of in an environmentally sound manner as soon as possible, in the State of export, the State of import or elsewhere as appropriate."#]]
    .assert_eq(&texts.join("\n"));
}

#[test]
fn the_refusal_texts_say_why_a_report_is_not_illegal_traffic() {
    let r = run_under("XB");
    let mut body = report("XB");
    body["waste"]["codes"] = json!(["B1010"]);
    let e = r
        .try_file("illegal_traffic.reported", "cus-xb", body)
        .unwrap_err();
    expect![[r#"
        Refused under CLS-01 (Basel Art. 1(1)-(2); Annexes I, II, VIII, IX): On 2026-03-02 the code(s) B1010 are Annex IX wastes only and no State concerned defines them as hazardous: they are neither hazardous wastes nor other wastes (Art. 1), so their movement is not illegal traffic under Art. 9(1)."#]]
    .assert_eq(&e.to_string());
    let e = r
        .try_file("illegal_traffic.reported", "car-xb", report("XB"))
        .unwrap_err();
    expect![[r#"
        Refused under ART9-02 (Basel Art. 9(2); Art. 9(1)): Only a competent authority or a customs office reports illegal traffic; car-xb is a carrier."#]]
    .assert_eq(&e.to_string());
}

#[test]
fn the_deviation_texts_cite_9_1_d() {
    let mut r = Run::new(notification("XA", &["XB"], "XC"));
    r.ready();
    r.start(1, 20000).unwrap();
    r.ok(
        "custody.transferred",
        "car-xb",
        json!({ "shipment_no": 1, "from": "exp-xa", "on": "2026-03-02" }),
    );
    let texts: Vec<String> = duties(&r, 0).iter().map(ToString::to_string).collect();
    expect![[r#"
        ART9-05 (Basel Art. 9(1)(d)): Shipment 1 is illegal traffic: Shipment 1 was taken over by carrier car-xb, which the movement document does not name (car-xa): the movement does not conform with its documents, which is illegal traffic (Art. 9(1)(d)). The wastes must be taken back or disposed of in an environmentally sound manner, normally within 30 days of the State being informed (Art. 9(2)-(3))."#]]
    .assert_eq(&texts.join("\n"));
}

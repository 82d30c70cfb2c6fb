//! Snapshot tests (expect-test) of the plain-words texts and the JSON of verdicts, refusals and
//! obligations. Update with `UPDATE_EXPECT=1 cargo test -p wastetrail-basel --test snapshots`.
// Test helpers may unwrap and panic: a panic there is a failing test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use expect_test::expect;
use serde_json::json;

#[test]
fn the_verdict_for_a_ready_shipment_lists_every_check() {
    let mut r = Run::new(notification("XA", &["XB"], "XC"));
    r.ready();
    expect![[r#"
        Shipment 1 of case XA-2026-0001 may start on 2026-03-02: every check is met. (Basel Art. 6(3); Art. 4(1)(c))
          [ok] CLS-01 (Basel Art. 1(1)-(2); Annexes I, II, VIII, IX): On 2026-03-02 the code A1181 classifies the shipment as hazardous wastes (Annex I or VIII).
          [ok] BAN-05 (Basel Art. 4(6)): The wastes are not destined for the area south of 60 degrees South.
          [ok] BAN-04 (Basel Art. 4(5)): XA and XC are both Parties on 2026-03-02.
          [ok] BAN-06 (Basel Art. 4A; Annex VII; Art. 17(5)): XC is listed in Annex VII, so Art. 4A does not forbid the movement.
          [ok] BAN-03 (Basel Art. 4(2)(e), 4(2)(g)): XC has not prohibited all imports of wastes.
          [ok] BAN-01 (Basel Art. 4(1)(a)-(b); Art. 13(2)(c)): XC has no import ban covering these wastes and operations.
          [ok] PIC-01 (Basel Art. 6(1)): The competent authority of XA transmitted the notification on 2026-03-02.
          [ok] BAN-08 (Basel Art. 4(9)): The notifier declared the Art. 4(9) justification "raw_material_for_recovery".
          [ok] BAN-02 (Basel Art. 4(1)(c); Art. 6(3)(a)): XC consented in writing, valid from 2026-03-01 to 2026-12-31.
          [ok] PIC-05 (Basel Art. 6(3); Art. 4(1)(c)): XC confirmed the contract between exporter and disposer on 2026-03-02.
          [ok] PIC-07 (Basel Art. 6(4), sentence 3): XB consented in writing, valid from 2026-03-01 to 2026-12-31.
          [ok] SHP-01 (Basel Art. 6(3), 6(6)-(8); Art. 9(1)(b)): The departure date 2026-03-02 is within the notified period.
          [ok] SHP-01 (Basel Art. 6(3), 6(6)-(8); Art. 9(1)(b)): 20000 kg brings the total to 20000 kg of the 20000 kg notified."#]].assert_eq(&r.may_start(1).to_string());
}

#[test]
fn the_verdict_for_a_shipment_waiting_for_consents_says_what_is_missing() {
    let mut r = Run::new(notification("XA", &["XH"], "XC"));
    r.transmitted();
    expect![[r#"
        Shipment 1 of case XA-2026-0001 may not start yet on 2026-03-02: XC (State of import) has not consented in writing; the State of import never consents tacitly. (Basel Art. 4(1)(c); Art. 6(3)(a))
          [ok] CLS-01 (Basel Art. 1(1)-(2); Annexes I, II, VIII, IX): On 2026-03-02 the code A1181 classifies the shipment as hazardous wastes (Annex I or VIII).
          [ok] BAN-05 (Basel Art. 4(6)): The wastes are not destined for the area south of 60 degrees South.
          [ok] BAN-04 (Basel Art. 4(5)): XA and XC are both Parties on 2026-03-02.
          [ok] BAN-06 (Basel Art. 4A; Annex VII; Art. 17(5)): XC is listed in Annex VII, so Art. 4A does not forbid the movement.
          [ok] BAN-03 (Basel Art. 4(2)(e), 4(2)(g)): XC has not prohibited all imports of wastes.
          [ok] BAN-01 (Basel Art. 4(1)(a)-(b); Art. 13(2)(c)): XC has no import ban covering these wastes and operations.
          [ok] PIC-01 (Basel Art. 6(1)): The competent authority of XA transmitted the notification on 2026-03-02.
          [ok] BAN-08 (Basel Art. 4(9)): The notifier declared the Art. 4(9) justification "raw_material_for_recovery".
          [BLOCKS] BAN-02 (Basel Art. 4(1)(c); Art. 6(3)(a)): XC (State of import) has not consented in writing; the State of import never consents tacitly.
          [BLOCKS] PIC-05 (Basel Art. 6(3); Art. 4(1)(c)): XC has not confirmed the existence of a contract between exporter and disposer specifying environmentally sound management.
          [BLOCKS] PIC-07 (Basel Art. 6(4), sentence 3): XH (State of transit) has not consented in writing.
          [ok] SHP-01 (Basel Art. 6(3), 6(6)-(8); Art. 9(1)(b)): The departure date 2026-03-02 is within the notified period.
          [ok] SHP-01 (Basel Art. 6(3), 6(6)-(8); Art. 9(1)(b)): 20000 kg brings the total to 20000 kg of the 20000 kg notified."#]].assert_eq(&r.may_start(1).to_string());
}

#[test]
fn the_verdict_for_a_ban_amendment_case_names_only_the_prohibition() {
    let mut r = Run::new(notification("XA", &[], "XD"));
    r.ready();
    expect![[r#"
        Shipment 1 of case XA-2026-0001 is prohibited: Art. 4A(2), recovery (R): XA is listed in Annex VII and bound by the Ban Amendment, and must not export hazardous wastes to XD, which is not listed in Annex VII. (Basel Art. 4A; Annex VII; Art. 17(5))
          [PROHIBITS] BAN-06 (Basel Art. 4A; Annex VII; Art. 17(5)): Art. 4A(2), recovery (R): XA is listed in Annex VII and bound by the Ban Amendment, and must not export hazardous wastes to XD, which is not listed in Annex VII."#]].assert_eq(&r.may_start(1).to_string());
}

#[test]
fn the_verdict_with_an_unknown_party_status_says_the_fact_is_unknown() {
    let mut n = notification("XA", &[], "XU");
    n["waste"]["codes"] = json!(["Y49"]);
    let mut r = Run::new(n);
    r.ready();
    let v = r.may_start(1);
    let failing: Vec<String> = v.failures().map(|f| f.to_string()).collect();
    expect!["BAN-04 (Basel Art. 4(5)): Whether XU is a Party to the Basel Convention on 2026-03-02 is unknown, and no Art. 11 agreement covers the movement."].assert_eq(&failing.join("\n"));
}

#[test]
fn a_verdict_serializes_to_json_with_rule_citation_and_message() {
    let mut r = Run::new(notification("XA", &[], "AQ"));
    r.ready();
    let v = serde_json::to_string_pretty(&r.may_start(1)).unwrap();
    expect![[r#"
        {
          "decision": "prohibited",
          "case": "XA-2026-0001",
          "shipment_no": 1,
          "on": "2026-03-02",
          "rule_id": "BAN-05",
          "citation": "Basel Art. 4(6)",
          "message": "Shipment 1 of case XA-2026-0001 is prohibited: Wastes must not be exported for disposal within the area south of 60 degrees South latitude (Antarctica).",
          "reasons": [
            {
              "rule_id": "BAN-05",
              "citation": "Basel Art. 4(6)",
              "message": "Wastes must not be exported for disposal within the area south of 60 degrees South latitude (Antarctica).",
              "outcome": "prohibits",
              "unknown_fact": false
            }
          ]
        }"#]].assert_eq(&v);
}

#[test]
fn a_refusal_of_a_faulty_notification_lists_every_field() {
    let mut n = notification("XA", &[], "XC");
    n["quantity"]["total_kg"] = json!(1.5);
    n["waste"]["codes"] = json!(["A1181", "Q1"]);
    n.as_object_mut().unwrap().remove("contract");
    let r = Run::new(n.clone());
    let refusal = r
        .try_file("notification.submitted", "exp-xa", n)
        .unwrap_err();
    expect![[r#"
        Refused under PIC-02 (Basel Art. 6(1), Annex V A; Art. 4(2)(f)): The notification lacks Annex V A information or has wrong fields.
          $.waste.codes[1]: is not a Basel waste code: invalid waste code "Q1": a Basel waste code starts with Y, A or B (upper case), e.g. Y49 or A1181
          $.quantity.total_kg: must be a whole number of kilograms (no fractions, no units, no strings)
          $.contract: is required"#]].assert_eq(&refusal.to_string());
    expect![[r#"
        {
          "rule_id": "PIC-02",
          "citation": "Basel Art. 6(1), Annex V A; Art. 4(2)(f)",
          "message": "The notification lacks Annex V A information or has wrong fields.",
          "errors": [
            {
              "path": "$.waste.codes[1]",
              "message": "is not a Basel waste code: invalid waste code \"Q1\": a Basel waste code starts with Y, A or B (upper case), e.g. Y49 or A1181"
            },
            {
              "path": "$.quantity.total_kg",
              "message": "must be a whole number of kilograms (no fractions, no units, no strings)"
            },
            {
              "path": "$.contract",
              "message": "is required"
            }
          ]
        }"#]].assert_eq(&serde_json::to_string_pretty(&refusal).unwrap());
}

#[test]
fn a_refusal_of_a_consent_by_the_wrong_authority_is_one_plain_sentence() {
    let mut r = Run::new(notification("XA", &["XB"], "XC"));
    r.transmitted();
    let refusal = r
        .try_file(
            "consent.granted",
            "ca-xb",
            consent("2026-03-01", "2026-12-31"),
        )
        .unwrap_err();
    expect!["Refused under PIC-06 (Basel Art. 6(4), sentences 1-2): Only the competent authority of XC (State of import) grants consent to the import; a State of transit files transit.consented."].assert_eq(&refusal.to_string());
}

#[test]
fn the_obligations_of_a_shipment_in_transit_have_due_dates() {
    let mut r = Run::new(notification("XA", &["XB"], "XC"));
    r.ready();
    r.start(1, 20000).unwrap();
    r.days(10);
    let text: Vec<String> = wastetrail_basel::obligations(&r.case, &r.facts, r.at)
        .iter()
        .map(|o| o.to_string())
        .collect();
    expect!["PIC-14 (Basel Art. 6(9), sentence 2): The disposer must confirm receipt of shipment 1 to the exporter and the competent authority of XA. Due 2026-04-04."].assert_eq(&text.join("\n"));
}

#[test]
fn the_obligations_after_a_reimport_duty_and_illegal_traffic() {
    let mut r = Run::new(notification("XA", &["XB"], "XC"));
    r.ready();
    r.start(1, 20000).unwrap();
    r.ok(
        "receipt.confirmed",
        "dis-xc",
        json!({ "shipment_no": 1, "received_on": "2026-03-02", "quantity_kg": 17000 }),
    );
    r.ok("reimport.required", "ca-xc", json!({ "shipment_no": 1, "ground": "cannot_be_completed", "informed_on": "2026-03-02", "reason": "The facility lost its permit" }));
    let obligations = wastetrail_basel::obligations(&r.case, &r.facts, r.at);
    expect![[r#"
        [
          {
            "kind": "illegal_traffic",
            "rule_id": "ART9-01",
            "citation": "Basel Art. 9(1)-(3)",
            "message": "Shipment 1 is illegal traffic: Received 17000 kg, but the movement document says 20000 kg: the movement does not conform in a material way with the documents (Art. 9(1)(d); tolerance 0%). The wastes must be taken back or disposed of in an environmentally sound manner, normally within 30 days of the State being informed (Art. 9(2)-(3)).",
            "party": "exp-xa",
            "shipment_no": 1,
            "due": "2026-05-31",
            "overdue": false
          },
          {
            "kind": "reimport",
            "rule_id": "ART8-01",
            "citation": "Basel Art. 8",
            "message": "The exporter must take shipment 1 back into XA by 2026-05-31.",
            "party": "exp-xa",
            "shipment_no": 1,
            "due": "2026-05-31",
            "overdue": false
          }
        ]"#]].assert_eq(&serde_json::to_string_pretty(&obligations).unwrap());
}

#[test]
fn a_non_controlled_shipment_is_decided_by_classification_not_by_pic() {
    let mut n = notification("XA", &[], "XC");
    n["waste"]["codes"] = json!(["B1010"]);
    let mut r = Run::new(n);
    r.transmitted();
    let v = r.may_start(1);
    expect![[r#"
        Shipment 1 of case XA-2026-0001 may start on 2026-03-02: the wastes are not subject to the Basel PIC procedure. (Basel Art. 1(1)-(2); Annexes I, II, VIII, IX)
          [ok] CLS-01 (Basel Art. 1(1)-(2); Annexes I, II, VIII, IX): On 2026-03-02 the code B1010 classifies the shipment as Annex IX wastes only, not subject to the Basel PIC procedure."#]].assert_eq(&v.to_string());
}

#[test]
fn consent_conditions_cite_art_6_2_and_the_annex_v_a_item() {
    let mut r = Run::new(notification("XA", &[], "XC"));
    r.transmitted();
    let ca = r.import_ca();
    let reference = r.n["contract"]["reference"].clone();
    r.ok(
        "consent.granted",
        &ca,
        json!({ "valid_from": "2026-03-01", "valid_until": "2026-12-31",
                "conditions": { "carriers": ["nobody"], "max_total_kg": 100 } }),
    );
    r.ok("contract.confirmed", &ca, json!({ "reference": reference }));
    let doc = movement(&r.n, 1, 1000, &r.today());
    let exp = r.exporter();
    let refusal = r.file("movement.started", &exp, doc).unwrap_err();
    let v = r.may_start(1);
    let failed: Vec<String> = v
        .reasons
        .iter()
        .filter(|x| x.outcome != wastetrail_basel::Outcome::Met)
        .map(ToString::to_string)
        .collect();
    expect![[r#"
        Refused under PIC-04 (Basel Art. 6(2) (conditions of consent); Annex V A item 15): The consent of XC allows at most 100 kg in total; this shipment would bring it to 1000 kg.
        PIC-04 (Basel Art. 6(2) (conditions of consent); Annex V A item 15): The consent of XC allows at most 100 kg in total; this shipment would bring it to 20000 kg."#]].assert_eq(&format!("{refusal}\n{}", failed.join("\n")));
}

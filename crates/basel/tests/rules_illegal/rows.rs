//! Rows of the rule table for illegal traffic without a notification (ART9-02), findings of
//! responsibility (ART9-02, ART9-03, ART9-04), deviations from the documents (ART9-05) and the
//! waste a report or a crossing names (CLS-01). Included by `tests/rules.rs`.

use serde_json::{Value, json};
use wastetrail_basel::verdict::ObligationKind;
use wastetrail_basel::{Case, RuleId};

use super::{Expect, Obs, Row, filed, ready, std_n};
use crate::common::*;

/// A report of shipment 1 of A1181 from XA to XC, found in `found_in` on 2026-03-02.
pub fn report(found_in: &str) -> Value {
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

/// A run whose case (opened under XB) the log never saw.
pub fn unseen() -> Run {
    let mut r = Run::new(std_n());
    r.case = Case::new("XB-2026-0042");
    r
}

/// [`unseen`] with shipment 1 reported by XB's customs.
pub fn reported() -> Run {
    let mut r = unseen();
    r.ok("illegal_traffic.reported", "cus-xb", report("XB"));
    r
}

fn duty_of(r: &Run, rule: RuleId, party: &str) -> Obs {
    let obs = wastetrail_basel::obligations(&r.case, &r.facts, r.at);
    if obs.iter().any(|o| {
        o.rule_id == rule
            && o.kind == ObligationKind::IllegalTraffic
            && o.party.as_deref() == Some(party)
    }) {
        Obs::Met(rule)
    } else {
        Obs::Other(format!("no {rule} duty of {party}: {obs:#?}"))
    }
}

fn finding(caused_by: &str) -> Value {
    json!({ "shipment_no": 1, "caused_by": caused_by, "grounds": "Customs file 2026/17" })
}

/// Shipment 1 of a consented case, started, then handed to `carrier`.
fn carried_by(carrier: &str) -> Obs {
    let mut r = ready(std_n());
    r.start(1, 20000).unwrap();
    r.ok(
        "custody.transferred",
        carrier,
        json!({ "shipment_no": 1, "from": "exp-xa", "on": "2026-03-02" }),
    );
    let s = &r.case.shipments[&1];
    if s.irregularities.iter().any(|i| i.rule_id == RuleId::Art905) {
        Obs::Failed(RuleId::Art905)
    } else {
        Obs::Met(RuleId::Art905)
    }
}

pub(super) const ROWS: &[Row] = &[
    Row {
        name: "customs of the State where it was found reports a movement the log never saw",
        rule: RuleId::Art902,
        expect: Expect::Accepts,
        run: || filed(unseen().try_file("illegal_traffic.reported", "cus-xb", report("XB"))),
    },
    Row {
        name: "a report without a notification makes the State of export owe the take-back",
        rule: RuleId::Art902,
        expect: Expect::Accepts,
        run: || duty_of(&reported(), RuleId::Art902, "ca-xa"),
    },
    Row {
        name: "a carrier cannot report illegal traffic",
        rule: RuleId::Art902,
        expect: Expect::Refuses,
        run: || filed(unseen().try_file("illegal_traffic.reported", "car-xb", report("XB"))),
    },
    Row {
        name: "a customs office cannot report a movement found in another State",
        rule: RuleId::Art902,
        expect: Expect::Refuses,
        run: || filed(unseen().try_file("illegal_traffic.reported", "cus-xb", report("XC"))),
    },
    Row {
        name: "a report must name a registered competent authority of the State of export",
        rule: RuleId::Art902,
        expect: Expect::Refuses,
        run: || {
            let mut body = report("XB");
            body["export"]["authority"] = json!("exp-xa");
            filed(unseen().try_file("illegal_traffic.reported", "cus-xb", body))
        },
    },
    Row {
        name: "a report of Annex IX wastes only is refused as not illegal traffic",
        rule: RuleId::Cls01,
        expect: Expect::Refuses,
        run: || {
            let mut body = report("XB");
            body["waste"]["codes"] = json!(["B1010"]);
            filed(unseen().try_file("illegal_traffic.reported", "cus-xb", body))
        },
    },
    Row {
        name: "a report of Annex IX wastes hazardous under a State's national law is accepted",
        rule: RuleId::Cls01,
        expect: Expect::Accepts,
        run: || {
            let mut body = report("XB");
            body["waste"]["codes"] = json!(["B1010"]);
            body["national_hazardous_in"] = json!(["XC"]);
            filed(unseen().try_file("illegal_traffic.reported", "cus-xb", body))
        },
    },
    Row {
        name: "a finding that the exporter caused it keeps the duty with the State of export",
        rule: RuleId::Art902,
        expect: Expect::Accepts,
        run: || {
            let mut r = reported();
            r.ok("responsibility.determined", "ca-xc", finding("exporter"));
            duty_of(&r, RuleId::Art902, "ca-xa")
        },
    },
    Row {
        name: "a finding that the disposer caused it puts the duty on the State of import",
        rule: RuleId::Art903,
        expect: Expect::Accepts,
        run: || {
            let mut r = reported();
            r.ok("responsibility.determined", "ca-xa", finding("disposer"));
            duty_of(&r, RuleId::Art903, "ca-xc")
        },
    },
    Row {
        name: "a finding against the importer is refused when no State of import is known",
        rule: RuleId::Art903,
        expect: Expect::Refuses,
        run: || {
            let mut r = unseen();
            let mut body = report("XB");
            body.as_object_mut().unwrap().remove("import");
            r.ok("illegal_traffic.reported", "cus-xb", body);
            filed(r.try_file("responsibility.determined", "ca-xa", finding("importer")))
        },
    },
    Row {
        name: "a finding that responsibility cannot be assigned asks every State concerned to cooperate",
        rule: RuleId::Art904,
        expect: Expect::Accepts,
        run: || {
            let mut r = reported();
            r.ok(
                "responsibility.determined",
                "ca-xa",
                finding("not_assignable"),
            );
            match duty_of(&r, RuleId::Art904, "ca-xa") {
                Obs::Met(_) => duty_of(&r, RuleId::Art904, "ca-xc"),
                other => other,
            }
        },
    },
    Row {
        name: "an authority of a State not concerned cannot find that responsibility cannot be assigned",
        rule: RuleId::Art904,
        expect: Expect::Refuses,
        run: || {
            let r = reported();
            filed(r.try_file(
                "responsibility.determined",
                "ca-xh",
                finding("not_assignable"),
            ))
        },
    },
    Row {
        name: "a carrier named in the movement document takes custody without a deviation",
        rule: RuleId::Art905,
        expect: Expect::Accepts,
        run: || carried_by("car-xa"),
    },
    Row {
        name: "a movement carried by another carrier than documented is illegal traffic",
        rule: RuleId::Art905,
        expect: Expect::Refuses,
        run: || carried_by("car-xb"),
    },
    Row {
        name: "customs seeing other hazardous wastes than documented is illegal traffic",
        rule: RuleId::Art905,
        expect: Expect::Refuses,
        run: || {
            let mut r = ready(std_n());
            r.start(1, 20000).unwrap();
            r.ok(
                "border.exited",
                "cus-xa",
                json!({ "shipment_no": 1, "on": "2026-03-02", "waste": { "codes": ["A1010"], "quantity_kg": 20000 } }),
            );
            if r.case.shipments[&1].is_illegal_traffic() {
                Obs::Failed(RuleId::Art905)
            } else {
                Obs::Met(RuleId::Art905)
            }
        },
    },
    Row {
        name: "customs seeing non-controlled wastes at the border does not flag illegal traffic",
        rule: RuleId::Art905,
        expect: Expect::Accepts,
        run: || {
            let mut r = ready(std_n());
            r.start(1, 20000).unwrap();
            r.ok(
                "border.exited",
                "cus2-xa",
                json!({ "shipment_no": 1, "on": "2026-03-02", "waste": { "codes": ["B1010"], "quantity_kg": 20000 } }),
            );
            if r.case.shipments[&1].is_illegal_traffic() {
                Obs::Failed(RuleId::Art905)
            } else {
                Obs::Met(RuleId::Art905)
            }
        },
    },
];

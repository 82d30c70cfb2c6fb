//! The rule table: every rule ID has at least one accepting and one refusing row. Row names are
//! sentences; `docs/basel-rules.md` lists them per rule (checked by `tests/doc_rules.rs`).
// Test helpers may unwrap and panic: a panic there is a failing test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
#[path = "rules_illegal/rows.rs"]
mod rules_illegal;

use common::*;
use serde_json::json;
use wastetrail_basel::verdict::ObligationKind;
use wastetrail_basel::{Case, Decision, Outcome, REGISTRY_CASE, Refusal, RuleId, Verdict};

/// What a row observed.
#[derive(Debug, PartialEq)]
enum Obs {
    /// A filing was accepted.
    Accepted,
    /// A filing was refused under a rule.
    Refused(RuleId),
    /// A verdict or obligation list shows the rule met.
    Met(RuleId),
    /// A verdict or obligation list shows the rule not met.
    Failed(RuleId),
    /// Something else (a bug in the row or the rules).
    Other(String),
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    Accepts,
    Refuses,
}

struct Row {
    name: &'static str,
    rule: RuleId,
    expect: Expect,
    run: fn() -> Obs,
}

fn filed(r: Result<Case, Refusal>) -> Obs {
    match r {
        Ok(_) => Obs::Accepted,
        Err(e) => Obs::Refused(e.rule_id),
    }
}

fn filed_unit(r: Result<(), Refusal>) -> Obs {
    match r {
        Ok(()) => Obs::Accepted,
        Err(e) => Obs::Refused(e.rule_id),
    }
}

/// How `rule` came out in a verdict.
fn in_verdict(v: &Verdict, rule: RuleId) -> Obs {
    if v.reasons
        .iter()
        .any(|r| r.rule_id == rule && r.outcome != Outcome::Met)
    {
        Obs::Failed(rule)
    } else if v
        .reasons
        .iter()
        .any(|r| r.rule_id == rule && r.outcome == Outcome::Met)
    {
        Obs::Met(rule)
    } else {
        Obs::Other(format!("{rule} not in verdict: {v}"))
    }
}

fn ready(n: serde_json::Value) -> Run {
    let mut r = Run::new(n);
    r.ready();
    r
}

fn std_n() -> serde_json::Value {
    notification("XA", &["XB"], "XC")
}

const ROWS: &[Row] = &[
    // ---- PIC ----
    Row {
        name: "the competent authority of export transmits the notification",
        rule: RuleId::Pic01,
        expect: Expect::Accepts,
        run: || {
            let mut r = Run::new(std_n());
            r.ok("notification.submitted", "exp-xa", std_n());
            filed(r.try_file(
                "notification.transmitted",
                "ca-xa",
                json!({ "sent_on": "2026-03-02" }),
            ))
        },
    },
    Row {
        name: "the competent authority of import cannot transmit the notification",
        rule: RuleId::Pic01,
        expect: Expect::Refuses,
        run: || {
            let mut r = Run::new(std_n());
            r.ok("notification.submitted", "exp-xa", std_n());
            filed(r.try_file(
                "notification.transmitted",
                "ca-xc",
                json!({ "sent_on": "2026-03-02" }),
            ))
        },
    },
    Row {
        name: "a shipment cannot start before the notification is transmitted",
        rule: RuleId::Pic01,
        expect: Expect::Refuses,
        run: || {
            let mut r = Run::new(std_n());
            r.ok("notification.submitted", "exp-xa", std_n());
            in_verdict(&r.may_start(1), RuleId::Pic01)
        },
    },
    Row {
        name: "a complete Annex V A notification is accepted",
        rule: RuleId::Pic02,
        expect: Expect::Accepts,
        run: || filed(Run::new(std_n()).try_file("notification.submitted", "exp-xa", std_n())),
    },
    Row {
        name: "a notification without waste description is refused",
        rule: RuleId::Pic02,
        expect: Expect::Refuses,
        run: || {
            let mut n = std_n();
            n.as_object_mut().unwrap().remove("waste");
            filed(Run::new(n.clone()).try_file("notification.submitted", "exp-xa", n))
        },
    },
    Row {
        name: "a disposer registered in another country than the State of import is refused",
        rule: RuleId::Pic02,
        expect: Expect::Refuses,
        run: || {
            let mut n = std_n();
            n["disposer"] = json!("dis-xa");
            filed(Run::new(n.clone()).try_file("notification.submitted", "exp-xa", n))
        },
    },
    Row {
        name: "a transit through a non-Party names its appropriate authority",
        rule: RuleId::Pic03,
        expect: Expect::Accepts,
        run: || {
            let n = notification("XA", &["XN"], "XC");
            filed(Run::new(n.clone()).try_file("notification.submitted", "exp-xa", n))
        },
    },
    Row {
        name: "a transit through a non-Party with an authority of another country is refused",
        rule: RuleId::Pic03,
        expect: Expect::Refuses,
        run: || {
            let mut n = notification("XA", &["XN"], "XC");
            n["transit"][0]["authority"] = json!("ca-xb");
            filed(Run::new(n.clone()).try_file("notification.submitted", "exp-xa", n))
        },
    },
    Row {
        name: "the competent authority of import consents in writing",
        rule: RuleId::Pic04,
        expect: Expect::Accepts,
        run: || {
            let mut r = Run::new(std_n());
            r.transmitted();
            filed(r.try_file(
                "consent.granted",
                "ca-xc",
                consent("2026-03-01", "2026-12-31"),
            ))
        },
    },
    Row {
        name: "the competent authority of export cannot consent to the import",
        rule: RuleId::Pic04,
        expect: Expect::Refuses,
        run: || {
            let mut r = Run::new(std_n());
            r.transmitted();
            filed(r.try_file(
                "consent.granted",
                "ca-xa",
                consent("2026-03-01", "2026-12-31"),
            ))
        },
    },
    Row {
        name: "a denial by the State of import prohibits the shipment",
        rule: RuleId::Pic04,
        expect: Expect::Refuses,
        run: || {
            let mut r = Run::new(std_n());
            r.transmitted();
            r.ok(
                "consent.denied",
                "ca-xc",
                json!({ "reason": "Facility not licensed" }),
            );
            in_verdict(&r.may_start(1), RuleId::Pic04)
        },
    },
    Row {
        name: "a confirmed contract between exporter and disposer meets Art. 6(3)(b)",
        rule: RuleId::Pic05,
        expect: Expect::Accepts,
        run: || in_verdict(&ready(std_n()).may_start(1), RuleId::Pic05),
    },
    Row {
        name: "without the contract confirmation the shipment is blocked",
        rule: RuleId::Pic05,
        expect: Expect::Refuses,
        run: || {
            let mut r = Run::new(std_n());
            r.transmitted().transit_consented();
            r.ok(
                "consent.granted",
                "ca-xc",
                consent("2026-03-01", "2026-12-31"),
            );
            in_verdict(&r.may_start(1), RuleId::Pic05)
        },
    },
    Row {
        name: "a confirmation of another contract is refused",
        rule: RuleId::Pic05,
        expect: Expect::Refuses,
        run: || {
            let mut r = Run::new(std_n());
            r.transmitted();
            filed(r.try_file(
                "contract.confirmed",
                "ca-xc",
                json!({ "reference": "OTHER" }),
            ))
        },
    },
    Row {
        name: "a transit State acknowledges receipt of the notification",
        rule: RuleId::Pic06,
        expect: Expect::Accepts,
        run: || {
            let mut r = Run::new(std_n());
            r.transmitted();
            filed(r.try_file(
                "notification.acknowledged",
                "ca-xb",
                json!({ "received_on": "2026-03-02" }),
            ))
        },
    },
    Row {
        name: "a transit objection prohibits the shipment",
        rule: RuleId::Pic06,
        expect: Expect::Refuses,
        run: || {
            let mut r = Run::new(std_n());
            r.transmitted().import_consented();
            r.ok(
                "transit.objected",
                "ca-xb",
                json!({ "reason": "Route through a protected area" }),
            );
            in_verdict(&r.may_start(1), RuleId::Pic06)
        },
    },
    Row {
        name: "the authority of a State that is not on the route cannot consent to transit",
        rule: RuleId::Pic06,
        expect: Expect::Refuses,
        run: || {
            let mut r = Run::new(std_n());
            r.transmitted();
            filed(r.try_file(
                "transit.consented",
                "ca-xh",
                consent("2026-03-01", "2026-12-31"),
            ))
        },
    },
    Row {
        name: "a written transit consent meets Art. 6(4)",
        rule: RuleId::Pic07,
        expect: Expect::Accepts,
        run: || {
            in_verdict(
                &ready(notification("XA", &["XH"], "XC")).may_start(1),
                RuleId::Pic07,
            )
        },
    },
    Row {
        name: "a transit State that did not waive written consent must consent in writing",
        rule: RuleId::Pic07,
        expect: Expect::Refuses,
        run: || {
            let mut r = Run::new(notification("XA", &["XH"], "XC"));
            r.transmitted().import_consented();
            in_verdict(&r.may_start(1), RuleId::Pic07)
        },
    },
    Row {
        name: "a waiving transit State that did not answer within 60 days counts as consenting",
        rule: RuleId::Pic08,
        expect: Expect::Accepts,
        run: || {
            let mut r = Run::new(std_n());
            r.transmitted().import_consented();
            r.ok(
                "notification.acknowledged",
                "ca-xb",
                json!({ "received_on": "2026-03-02" }),
            );
            r.days(61);
            in_verdict(&r.may_start(1), RuleId::Pic08)
        },
    },
    Row {
        name: "a waiving transit State's 60 days must have passed",
        rule: RuleId::Pic08,
        expect: Expect::Refuses,
        run: || {
            let mut r = Run::new(std_n());
            r.transmitted().import_consented();
            r.ok(
                "notification.acknowledged",
                "ca-xb",
                json!({ "received_on": "2026-03-02" }),
            );
            r.days(10);
            in_verdict(&r.may_start(1), RuleId::Pic08)
        },
    },
    Row {
        name: "a non-Party transit State that consented in writing lets the shipment pass",
        rule: RuleId::Pic09,
        expect: Expect::Accepts,
        run: || {
            in_verdict(
                &ready(notification("XA", &["XN"], "XC")).may_start(1),
                RuleId::Pic09,
            )
        },
    },
    Row {
        name: "a non-Party transit State without consent blocks the shipment",
        rule: RuleId::Pic09,
        expect: Expect::Refuses,
        run: || {
            let mut r = Run::new(notification("XA", &["XN"], "XC"));
            r.transmitted().import_consented();
            in_verdict(&r.may_start(1), RuleId::Pic09)
        },
    },
    Row {
        name: "a general notification's shipment through the notified customs offices is accepted",
        rule: RuleId::Pic10,
        expect: Expect::Accepts,
        run: || {
            let mut r = ready(general("XA", &["XB"], "XC", 3));
            filed_unit(r.start(1, 5000))
        },
    },
    Row {
        name: "a general notification's shipment through another customs office of entry is refused",
        rule: RuleId::Pic10,
        expect: Expect::Refuses,
        run: || {
            let r = ready(general("XA", &["XB"], "XC", 3));
            let mut doc = movement(&r.n, 1, 5000, &r.today());
            doc["entry_office"] = json!("cus2-xc");
            filed(r.try_file("movement.started", "exp-xa", doc))
        },
    },
    Row {
        name: "a shipment within the consent's per-shipment quantity is accepted",
        rule: RuleId::Pic11,
        expect: Expect::Accepts,
        run: || {
            let mut r = Run::new(general("XA", &["XB"], "XC", 3));
            r.transmitted().transit_consented();
            r.ok("consent.granted", "ca-xc", json!({ "valid_from": "2026-03-01", "valid_until": "2026-12-31", "conditions": { "max_kg_per_shipment": 4000 } }));
            r.ok(
                "contract.confirmed",
                "ca-xc",
                json!({ "reference": "C-2026-1" }),
            );
            filed_unit(r.start(1, 3900))
        },
    },
    Row {
        name: "a shipment above the consent's per-shipment quantity is refused",
        rule: RuleId::Pic11,
        expect: Expect::Refuses,
        run: || {
            let mut r = Run::new(general("XA", &["XB"], "XC", 3));
            r.transmitted().transit_consented();
            r.ok("consent.granted", "ca-xc", json!({ "valid_from": "2026-03-01", "valid_until": "2026-12-31", "conditions": { "max_kg_per_shipment": 4000 } }));
            r.ok(
                "contract.confirmed",
                "ca-xc",
                json!({ "reference": "C-2026-1" }),
            );
            filed_unit(r.start(1, 4500))
        },
    },
    Row {
        name: "a route through a State of transit that was never notified is refused as a failure to notify",
        rule: RuleId::Pic01,
        expect: Expect::Refuses,
        run: || {
            let mut r = Run::new(notification("XA", &[], "XC"));
            r.ready();
            let mut doc = movement(&r.n, 1, 1000, &r.today());
            doc["transit"] = json!(["XB"]);
            let exp = r.exporter();
            filed_unit(r.file("movement.started", &exp, doc))
        },
    },
    Row {
        name: "a private importer's consent is refused as not the competent authority",
        rule: RuleId::Pic04,
        expect: Expect::Refuses,
        run: || {
            let mut r = Run::new(notification("XA", &[], "XC"));
            r.transmitted();
            let importer = r.n["importer"].as_str().unwrap().to_owned();
            filed_unit(r.file(
                "consent.granted",
                &importer,
                consent("2026-03-01", "2026-12-31"),
            ))
        },
    },
    Row {
        name: "a general notification over 12 months is accepted",
        rule: RuleId::Pic12,
        expect: Expect::Accepts,
        run: || {
            let mut n = general("XA", &[], "XC", 4);
            n["period"] =
                json!({ "first_departure": "2026-03-01", "last_departure": "2027-02-28" });
            filed(Run::new(n.clone()).try_file("notification.submitted", "exp-xa", n))
        },
    },
    Row {
        name: "a general notification over more than 12 months is refused",
        rule: RuleId::Pic12,
        expect: Expect::Refuses,
        run: || {
            let mut n = general("XA", &[], "XC", 4);
            n["period"] =
                json!({ "first_departure": "2026-03-01", "last_departure": "2027-03-01" });
            filed(Run::new(n.clone()).try_file("notification.submitted", "exp-xa", n))
        },
    },
    Row {
        name: "a consent to a general notification for more than 12 months is refused",
        rule: RuleId::Pic12,
        expect: Expect::Refuses,
        run: || {
            let mut r = Run::new(general("XA", &[], "XC", 4));
            r.transmitted();
            filed(r.try_file(
                "consent.granted",
                "ca-xc",
                consent("2026-03-01", "2027-03-01"),
            ))
        },
    },
    Row {
        name: "a named carrier takes custody from the exporter",
        rule: RuleId::Pic13,
        expect: Expect::Accepts,
        run: || {
            let mut r = ready(std_n());
            r.start(1, 20000).unwrap();
            filed(r.try_file(
                "custody.transferred",
                "car-xa",
                json!({ "shipment_no": 1, "from": "exp-xa", "on": "2026-03-02" }),
            ))
        },
    },
    Row {
        name: "a disposer cannot take custody as a carrier",
        rule: RuleId::Pic13,
        expect: Expect::Refuses,
        run: || {
            let mut r = ready(std_n());
            r.start(1, 20000).unwrap();
            filed(r.try_file(
                "custody.transferred",
                "dis-xc",
                json!({ "shipment_no": 1, "from": "exp-xa", "on": "2026-03-02" }),
            ))
        },
    },
    Row {
        name: "custody cannot be taken from someone who does not hold the shipment",
        rule: RuleId::Pic13,
        expect: Expect::Refuses,
        run: || {
            let mut r = ready(std_n());
            r.start(1, 20000).unwrap();
            filed(r.try_file(
                "custody.transferred",
                "car-xa",
                json!({ "shipment_no": 1, "from": "car2-xa", "on": "2026-03-02" }),
            ))
        },
    },
    Row {
        name: "the named disposer confirms receipt",
        rule: RuleId::Pic14,
        expect: Expect::Accepts,
        run: || {
            let mut r = ready(std_n());
            r.start(1, 20000).unwrap();
            filed(r.try_file(
                "receipt.confirmed",
                "dis-xc",
                json!({ "shipment_no": 1, "received_on": "2026-03-02", "quantity_kg": 20000 }),
            ))
        },
    },
    Row {
        name: "another disposer cannot confirm receipt",
        rule: RuleId::Pic14,
        expect: Expect::Refuses,
        run: || {
            let mut r = ready(std_n());
            r.start(1, 20000).unwrap();
            filed(r.try_file(
                "receipt.confirmed",
                "dis2-xc",
                json!({ "shipment_no": 1, "received_on": "2026-03-02", "quantity_kg": 20000 }),
            ))
        },
    },
    Row {
        name: "a receipt confirmed in time leaves nothing to report to the State of import",
        rule: RuleId::Pic15,
        expect: Expect::Accepts,
        run: || {
            let mut r = ready(std_n());
            r.start(1, 20000).unwrap();
            r.ok(
                "receipt.confirmed",
                "dis-xc",
                json!({ "shipment_no": 1, "received_on": "2026-03-02", "quantity_kg": 20000 }),
            );
            r.days(10);
            let obs = wastetrail_basel::obligations(&r.case, &r.facts, r.at);
            if obs.iter().any(|o| o.rule_id == RuleId::Pic15) {
                Obs::Failed(RuleId::Pic15)
            } else {
                Obs::Met(RuleId::Pic15)
            }
        },
    },
    Row {
        name: "an overdue receipt confirmation must be reported to the State of import",
        rule: RuleId::Pic15,
        expect: Expect::Refuses,
        run: || {
            let mut r = ready(std_n());
            r.start(1, 20000).unwrap();
            r.ok(
                "border.entered",
                "cus-xc",
                json!({ "shipment_no": 1, "on": "2026-03-02" }),
            );
            r.days(10);
            let obs = wastetrail_basel::obligations(&r.case, &r.facts, r.at);
            if obs.iter().any(|o| {
                o.rule_id == RuleId::Pic15
                    && o.kind == ObligationKind::NotifyStateOfImport
                    && o.overdue
            }) {
                Obs::Failed(RuleId::Pic15)
            } else {
                Obs::Met(RuleId::Pic15)
            }
        },
    },
    Row {
        name: "insurance required by the State of import and named in the notification is met",
        rule: RuleId::Pic16,
        expect: Expect::Accepts,
        run: || {
            let mut n = std_n();
            n["insurance"] = json!({ "insurer": "Xa Mutual", "policy": "P-1", "coverage": "Exporter and carrier" });
            let mut r = Run::new(n);
            r.transmitted().transit_consented();
            r.ok("consent.granted", "ca-xc", json!({ "valid_from": "2026-03-01", "valid_until": "2026-12-31", "conditions": { "insurance_required": true } }));
            r.ok(
                "contract.confirmed",
                "ca-xc",
                json!({ "reference": "C-2026-1" }),
            );
            in_verdict(&r.may_start(1), RuleId::Pic16)
        },
    },
    Row {
        name: "insurance required by the State of import but missing blocks the shipment",
        rule: RuleId::Pic16,
        expect: Expect::Refuses,
        run: || {
            let mut r = Run::new(std_n());
            r.transmitted().transit_consented();
            r.ok("consent.granted", "ca-xc", json!({ "valid_from": "2026-03-01", "valid_until": "2026-12-31", "conditions": { "insurance_required": true } }));
            r.ok(
                "contract.confirmed",
                "ca-xc",
                json!({ "reference": "C-2026-1" }),
            );
            in_verdict(&r.may_start(1), RuleId::Pic16)
        },
    },
    Row {
        name: "a complete movement document starts the movement",
        rule: RuleId::Pic17,
        expect: Expect::Accepts,
        run: || filed_unit(ready(std_n()).start(1, 20000)),
    },
    Row {
        name: "a movement document with a fractional quantity is refused",
        rule: RuleId::Pic17,
        expect: Expect::Refuses,
        run: || {
            let r = ready(std_n());
            let mut doc = movement(&r.n, 1, 1, &r.today());
            doc["quantity_kg"] = json!(1.5);
            filed(r.try_file("movement.started", "exp-xa", doc))
        },
    },
    Row {
        name: "a carrier cannot take custody of a shipment without a movement document",
        rule: RuleId::Pic17,
        expect: Expect::Refuses,
        run: || {
            let mut r = ready(std_n());
            r.start(1, 20000).unwrap();
            filed(r.try_file(
                "custody.transferred",
                "car-xa",
                json!({ "shipment_no": 2, "from": "exp-xa", "on": "2026-03-02" }),
            ))
        },
    },
    Row {
        name: "Annex IX wastes hazardous under the import State's law go through PIC",
        rule: RuleId::Pic18,
        expect: Expect::Accepts,
        run: || {
            let mut n = std_n();
            n["waste"]["codes"] = json!(["B1010"]);
            n["national_hazardous_in"] = json!(["XC"]);
            in_verdict(&ready(n).may_start(1), RuleId::Pic18)
        },
    },
    Row {
        name: "a national definition of a State that is not concerned is refused",
        rule: RuleId::Pic18,
        expect: Expect::Refuses,
        run: || {
            let mut n = std_n();
            n["national_hazardous_in"] = json!(["XH"]);
            filed(Run::new(n.clone()).try_file("notification.submitted", "exp-xa", n))
        },
    },
    // ---- BAN ----
    Row {
        name: "an import State without a ban on these wastes passes Art. 4(1)",
        rule: RuleId::Ban01,
        expect: Expect::Accepts,
        run: || in_verdict(&ready(std_n()).may_start(1), RuleId::Ban01),
    },
    Row {
        name: "an import ban on Y49 for disposal prohibits the export",
        rule: RuleId::Ban01,
        expect: Expect::Refuses,
        run: || {
            let mut n = notification("XA", &[], "XF");
            n["waste"]["codes"] = json!(["Y49"]);
            n["operation"] = json!("D1");
            in_verdict(&ready(n).may_start(1), RuleId::Ban01)
        },
    },
    Row {
        name: "a valid written consent of the State of import meets Art. 4(1)(c)",
        rule: RuleId::Ban02,
        expect: Expect::Accepts,
        run: || in_verdict(&ready(std_n()).may_start(1), RuleId::Ban02),
    },
    Row {
        name: "without written consent of the State of import the shipment is blocked",
        rule: RuleId::Ban02,
        expect: Expect::Refuses,
        run: || {
            let mut r = Run::new(std_n());
            r.transmitted().transit_consented();
            in_verdict(&r.may_start(1), RuleId::Ban02)
        },
    },
    Row {
        name: "a departure after the import consent lapsed is blocked",
        rule: RuleId::Ban02,
        expect: Expect::Refuses,
        run: || {
            let mut r = Run::new(std_n());
            r.transmitted().transit_consented();
            r.ok(
                "consent.granted",
                "ca-xc",
                consent("2026-03-01", "2026-03-10"),
            );
            r.days(20);
            in_verdict(&r.may_start(1), RuleId::Ban02)
        },
    },
    Row {
        name: "an import State without a total ban passes Art. 4(2)(e)",
        rule: RuleId::Ban03,
        expect: Expect::Accepts,
        run: || in_verdict(&ready(std_n()).may_start(1), RuleId::Ban03),
    },
    Row {
        name: "a total import ban prohibits the export",
        rule: RuleId::Ban03,
        expect: Expect::Refuses,
        run: || {
            let mut n = notification("XB", &[], "XG");
            n["waste"]["codes"] = json!(["Y49"]);
            in_verdict(&ready(n).may_start(1), RuleId::Ban03)
        },
    },
    Row {
        name: "two Parties may trade",
        rule: RuleId::Ban04,
        expect: Expect::Accepts,
        run: || in_verdict(&ready(std_n()).may_start(1), RuleId::Ban04),
    },
    Row {
        name: "an export to a non-Party without an Art. 11 agreement is prohibited",
        rule: RuleId::Ban04,
        expect: Expect::Refuses,
        run: || {
            let mut n = notification("XA", &[], "XE");
            n["operation"] = json!("R5");
            in_verdict(&ready(n).may_start(1), RuleId::Ban04)
        },
    },
    Row {
        name: "an export to a State whose Party status is unknown is blocked",
        rule: RuleId::Ban04,
        expect: Expect::Refuses,
        run: || {
            let mut n = notification("XA", &[], "XU");
            n["waste"]["codes"] = json!(["Y49"]);
            let v = ready(n).may_start(1);
            if v.reasons.iter().any(|r| {
                r.rule_id == RuleId::Ban04 && r.unknown_fact && r.outcome == Outcome::Blocks
            }) {
                Obs::Failed(RuleId::Ban04)
            } else {
                Obs::Other(v.to_string())
            }
        },
    },
    Row {
        name: "wastes for a destination north of 60 degrees South are not caught by Art. 4(6)",
        rule: RuleId::Ban05,
        expect: Expect::Accepts,
        run: || in_verdict(&ready(std_n()).may_start(1), RuleId::Ban05),
    },
    Row {
        name: "an export to Antarctica is prohibited",
        rule: RuleId::Ban05,
        expect: Expect::Refuses,
        run: || {
            in_verdict(
                &ready(notification("XA", &[], "AQ")).may_start(1),
                RuleId::Ban05,
            )
        },
    },
    Row {
        name: "hazardous wastes from an Annex VII State to an Annex VII State are not caught by Art. 4A",
        rule: RuleId::Ban06,
        expect: Expect::Accepts,
        run: || in_verdict(&ready(std_n()).may_start(1), RuleId::Ban06),
    },
    Row {
        name: "Y49 from an Annex VII State to a non-Annex VII State is not caught by Art. 4A",
        rule: RuleId::Ban06,
        expect: Expect::Accepts,
        run: || {
            let mut n = notification("XA", &[], "XD");
            n["waste"]["codes"] = json!(["Y49"]);
            in_verdict(&ready(n).may_start(1), RuleId::Ban06)
        },
    },
    Row {
        name: "hazardous wastes for recovery from a Ban Amendment Party in Annex VII to a non-Annex VII State are prohibited",
        rule: RuleId::Ban06,
        expect: Expect::Refuses,
        run: || {
            in_verdict(
                &ready(notification("XA", &[], "XD")).may_start(1),
                RuleId::Ban06,
            )
        },
    },
    Row {
        name: "an export to a non-Party under an Art. 11 agreement is not prohibited by Art. 4(5)",
        rule: RuleId::Ban07,
        expect: Expect::Accepts,
        run: || {
            let mut n = notification("XA", &[], "XE");
            n["waste"]["codes"] = json!(["Y49"]);
            in_verdict(&ready(n).may_start(1), RuleId::Ban07)
        },
    },
    Row {
        name: "an export to a non-Party for an operation outside the Art. 11 agreement is prohibited",
        rule: RuleId::Ban07,
        expect: Expect::Refuses,
        run: || {
            let mut n = notification("XA", &[], "XE");
            n["waste"]["codes"] = json!(["Y49"]);
            n["operation"] = json!("R5");
            in_verdict(&ready(n).may_start(1), RuleId::Ban07)
        },
    },
    Row {
        name: "a declared Art. 4(9) justification is recorded",
        rule: RuleId::Ban08,
        expect: Expect::Accepts,
        run: || in_verdict(&ready(std_n()).may_start(1), RuleId::Ban08),
    },
    Row {
        name: "a notification without Art. 4(9) justification is refused",
        rule: RuleId::Ban08,
        expect: Expect::Refuses,
        run: || {
            let mut n = std_n();
            n.as_object_mut().unwrap().remove("justification");
            filed(Run::new(n.clone()).try_file("notification.submitted", "exp-xa", n))
        },
    },
    Row {
        name: "a notification with the exporter's ESM assessment is accepted",
        rule: RuleId::Ban09,
        expect: Expect::Accepts,
        run: || filed(Run::new(std_n()).try_file("notification.submitted", "exp-xa", std_n())),
    },
    Row {
        name: "a notification without the exporter's ESM assessment is refused",
        rule: RuleId::Ban09,
        expect: Expect::Refuses,
        run: || {
            let mut n = std_n();
            n.as_object_mut().unwrap().remove("esm_assessment");
            filed(Run::new(n.clone()).try_file("notification.submitted", "exp-xa", n))
        },
    },
    // ---- engine rules ----
    Row {
        name: "A1181 classifies e-waste as hazardous in 2026",
        rule: RuleId::Cls01,
        expect: Expect::Accepts,
        run: || in_verdict(&ready(std_n()).may_start(1), RuleId::Cls01),
    },
    Row {
        name: "B1110 cannot be notified for departures in 2026",
        rule: RuleId::Cls01,
        expect: Expect::Refuses,
        run: || {
            let mut n = std_n();
            n["waste"]["codes"] = json!(["B1110"]);
            filed(Run::new(n.clone()).try_file("notification.submitted", "exp-xa", n))
        },
    },
    Row {
        name: "the first shipment of a single notification is within what was notified",
        rule: RuleId::Shp01,
        expect: Expect::Accepts,
        run: || in_verdict(&ready(std_n()).may_start(1), RuleId::Shp01),
    },
    Row {
        name: "a second shipment under a single notification is refused",
        rule: RuleId::Shp01,
        expect: Expect::Refuses,
        run: || {
            let mut r = ready(std_n());
            r.start(1, 10000).unwrap();
            filed_unit(r.start(2, 10000))
        },
    },
    Row {
        name: "a shipment above the notified total quantity is refused",
        rule: RuleId::Shp01,
        expect: Expect::Refuses,
        run: || filed_unit(ready(std_n()).start(1, 20001)),
    },
    Row {
        name: "a movement document that matches the notification passes",
        rule: RuleId::Shp02,
        expect: Expect::Accepts,
        run: || {
            let r = ready(std_n());
            let doc = movement(&r.n, 1, 20000, &r.today());
            match r.try_file("movement.started", "exp-xa", doc) {
                Ok(_) => Obs::Met(RuleId::Shp02),
                Err(e) => Obs::Refused(e.rule_id),
            }
        },
    },
    Row {
        name: "a carrier that was not notified is refused",
        rule: RuleId::Shp02,
        expect: Expect::Refuses,
        run: || {
            let r = ready(std_n());
            let mut doc = movement(&r.n, 1, 20000, &r.today());
            doc["carriers"] = json!(["car-xb"]);
            filed(r.try_file("movement.started", "exp-xa", doc))
        },
    },
    Row {
        name: "the State of import records a re-import duty",
        rule: RuleId::Art801,
        expect: Expect::Accepts,
        run: || {
            let mut r = ready(std_n());
            r.start(1, 20000).unwrap();
            filed(r.try_file("reimport.required", "ca-xc", json!({ "shipment_no": 1, "ground": "cannot_be_completed", "informed_on": "2026-03-02", "reason": "Facility closed" })))
        },
    },
    Row {
        name: "an exporter cannot record an Art. 8 re-import duty",
        rule: RuleId::Art801,
        expect: Expect::Refuses,
        run: || {
            let mut r = ready(std_n());
            r.start(1, 20000).unwrap();
            filed(r.try_file("reimport.required", "exp-xa", json!({ "shipment_no": 1, "ground": "cannot_be_completed", "informed_on": "2026-03-02", "reason": "Facility closed" })))
        },
    },
    Row {
        name: "a consented movement seen at the notified border is not illegal traffic",
        rule: RuleId::Art901,
        expect: Expect::Accepts,
        run: || {
            let mut r = ready(std_n());
            r.start(1, 20000).unwrap();
            r.ok(
                "border.exited",
                "cus-xa",
                json!({ "shipment_no": 1, "on": "2026-03-02" }),
            );
            if r.case.shipments[&1].is_illegal_traffic() {
                Obs::Failed(RuleId::Art901)
            } else {
                Obs::Met(RuleId::Art901)
            }
        },
    },
    Row {
        name: "a received quantity far from the documented one is illegal traffic",
        rule: RuleId::Art901,
        expect: Expect::Refuses,
        run: || {
            let mut r = ready(std_n());
            r.start(1, 20000).unwrap();
            r.ok(
                "receipt.confirmed",
                "dis-xc",
                json!({ "shipment_no": 1, "received_on": "2026-03-02", "quantity_kg": 15000 }),
            );
            let obs = wastetrail_basel::obligations(&r.case, &r.facts, r.at);
            if obs.iter().any(|o| o.kind == ObligationKind::IllegalTraffic) {
                Obs::Failed(RuleId::Art901)
            } else {
                Obs::Met(RuleId::Art901)
            }
        },
    },
    Row {
        name: "a crossing of a movement that has no movement document is refused",
        rule: RuleId::Case01,
        expect: Expect::Refuses,
        run: || {
            let mut r = Run::new(std_n());
            r.transmitted();
            filed(r.try_file(
                "border.exited",
                "cus-xa",
                json!({ "shipment_no": 1, "on": "2026-03-02" }),
            ))
        },
    },
    Row {
        name: "a competent authority registers an exporter of its own country",
        rule: RuleId::Reg01,
        expect: Expect::Accepts,
        run: || {
            let reg = registry();
            let f = filing(
                "participant.registered",
                REGISTRY_CASE,
                "ca-xa",
                T0,
                json!({ "id": "exp9-xa", "kind": "exporter", "country": "XA", "name": "E9", "address": "A", "key": key("e9") }),
            );
            match reg.apply(&f, T0) {
                Ok(_) => Obs::Accepted,
                Err(e) => Obs::Refused(e.rule_id),
            }
        },
    },
    Row {
        name: "a competent authority cannot register an exporter of another country",
        rule: RuleId::Reg01,
        expect: Expect::Refuses,
        run: || {
            let reg = registry();
            let f = filing(
                "participant.registered",
                REGISTRY_CASE,
                "ca-xa",
                T0,
                json!({ "id": "exp9-xb", "kind": "exporter", "country": "XB", "name": "E9", "address": "A", "key": key("e9") }),
            );
            match reg.apply(&f, T0) {
                Ok(_) => Obs::Accepted,
                Err(e) => Obs::Refused(e.rule_id),
            }
        },
    },
    Row {
        name: "the registrar cannot register an exporter",
        rule: RuleId::Reg01,
        expect: Expect::Refuses,
        run: || {
            let reg = registry();
            let f = filing(
                "participant.registered",
                REGISTRY_CASE,
                "reg",
                T0,
                json!({ "id": "exp9-xa", "kind": "exporter", "country": "XA", "name": "E9", "address": "A", "key": key("e9") }),
            );
            match reg.apply(&f, T0) {
                Ok(_) => Obs::Accepted,
                Err(e) => Obs::Refused(e.rule_id),
            }
        },
    },
    Row {
        name: "a participant adds a key of its own",
        rule: RuleId::Reg02,
        expect: Expect::Accepts,
        run: || {
            let reg = registry();
            let f = filing(
                "key.added",
                REGISTRY_CASE,
                "exp-xa",
                T0,
                json!({ "participant": "exp-xa", "key": key("exp-xa-2") }),
            );
            match reg.apply(&f, T0) {
                Ok(_) => Obs::Accepted,
                Err(e) => Obs::Refused(e.rule_id),
            }
        },
    },
    Row {
        name: "a participant cannot revoke another participant's key",
        rule: RuleId::Reg02,
        expect: Expect::Refuses,
        run: || {
            let reg = registry();
            let f = filing(
                "key.revoked",
                REGISTRY_CASE,
                "exp-xb",
                T0,
                json!({ "participant": "exp-xa", "key_id": "exp-xa-1", "reason": "lost" }),
            );
            match reg.apply(&f, T0) {
                Ok(_) => Obs::Accepted,
                Err(e) => Obs::Refused(e.rule_id),
            }
        },
    },
    Row {
        name: "a registered exporter may file a notification",
        rule: RuleId::Reg03,
        expect: Expect::Accepts,
        run: || filed(Run::new(std_n()).try_file("notification.submitted", "exp-xa", std_n())),
    },
    Row {
        name: "an unregistered filer is refused",
        rule: RuleId::Reg03,
        expect: Expect::Refuses,
        run: || filed(Run::new(std_n()).try_file("notification.submitted", "nobody", std_n())),
    },
    Row {
        name: "a transmitted notification accepts answers",
        rule: RuleId::Case01,
        expect: Expect::Accepts,
        run: || {
            let mut r = Run::new(std_n());
            r.transmitted();
            filed(r.try_file(
                "information.requested",
                "ca-xc",
                json!({ "questions": "Which smelter line?" }),
            ))
        },
    },
    Row {
        name: "a denied case accepts no consent",
        rule: RuleId::Case01,
        expect: Expect::Refuses,
        run: || {
            let mut r = Run::new(std_n());
            r.transmitted();
            r.ok("consent.denied", "ca-xc", json!({ "reason": "No" }));
            filed(r.try_file(
                "transit.consented",
                "ca-xb",
                consent("2026-03-01", "2026-12-31"),
            ))
        },
    },
    Row {
        name: "a well-formed transmission body is accepted",
        rule: RuleId::Case02,
        expect: Expect::Accepts,
        run: || {
            let mut r = Run::new(std_n());
            r.ok("notification.submitted", "exp-xa", std_n());
            filed(r.try_file(
                "notification.transmitted",
                "ca-xa",
                json!({ "sent_on": "2026-03-02" }),
            ))
        },
    },
    Row {
        name: "a transmission dated in the future is refused",
        rule: RuleId::Case02,
        expect: Expect::Refuses,
        run: || {
            let mut r = Run::new(std_n());
            r.ok("notification.submitted", "exp-xa", std_n());
            filed(r.try_file(
                "notification.transmitted",
                "ca-xa",
                json!({ "sent_on": "2026-04-01" }),
            ))
        },
    },
    Row {
        name: "a statement for another case is refused",
        rule: RuleId::Case02,
        expect: Expect::Refuses,
        run: || {
            let r = Run::new(std_n());
            let f = filing("notification.submitted", "N-2", "exp-xa", r.at, std_n());
            filed(wastetrail_basel::apply(&r.case, &f, &r.reg, &r.facts, r.at))
        },
    },
    Row {
        name: "a case opened under the State of export with a clear serial is accepted",
        rule: RuleId::Case03,
        expect: Expect::Accepts,
        run: || {
            let mut r = Run::new(std_n());
            r.case = Case::new("XA-2026-7KQ9");
            filed(r.try_file("notification.submitted", "exp-xa", std_n()))
        },
    },
    Row {
        name: "a case id with a look-alike letter is refused",
        rule: RuleId::Case03,
        expect: Expect::Refuses,
        run: || {
            let mut r = Run::new(std_n());
            r.case = Case::new("XA-2026-00O1");
            filed(r.try_file("notification.submitted", "exp-xa", std_n()))
        },
    },
    Row {
        name: "a case id under another State's prefix is refused",
        rule: RuleId::Case03,
        expect: Expect::Refuses,
        run: || {
            let mut r = Run::new(std_n());
            r.case = Case::new("XB-2026-0001");
            filed(r.try_file("notification.submitted", "exp-xa", std_n()))
        },
    },
    Row {
        name: "a case id with a space or without a year is refused",
        rule: RuleId::Case03,
        expect: Expect::Refuses,
        run: || {
            let mut r = Run::new(std_n());
            for id in ["XA-2026-00 1", "XA-0001", "xa-2026-0001", "XA-26-0001"] {
                r.case = Case::new(id);
                if r.try_file("notification.submitted", "exp-xa", std_n())
                    .is_ok()
                {
                    return Obs::Accepted;
                }
            }
            filed(r.try_file("notification.submitted", "exp-xa", std_n()))
        },
    },
];

#[test]
fn every_row_of_the_rule_table_holds() {
    let mut failures = Vec::new();
    for row in ROWS.iter().chain(rules_illegal::ROWS) {
        let obs = (row.run)();
        let ok = match row.expect {
            Expect::Accepts => obs == Obs::Accepted || obs == Obs::Met(row.rule),
            Expect::Refuses => obs == Obs::Refused(row.rule) || obs == Obs::Failed(row.rule),
        };
        if !ok {
            failures.push(format!(
                "{} [{} {:?}]: observed {:?}",
                row.name, row.rule, row.expect, obs
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} row(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_rule_id_has_an_accepting_and_a_refusing_row() {
    for rule in RuleId::ALL {
        for expect in [Expect::Accepts, Expect::Refuses] {
            assert!(
                ROWS.iter()
                    .chain(rules_illegal::ROWS)
                    .any(|r| r.rule == rule && r.expect == expect),
                "{rule} has no {expect:?} row"
            );
        }
    }
}

#[test]
fn row_names_are_unique_sentences() {
    let mut names: Vec<&str> = ROWS
        .iter()
        .chain(rules_illegal::ROWS)
        .map(|r| r.name)
        .collect();
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    assert_eq!(before, names.len(), "duplicate row names");
    for n in names {
        assert!(
            n.contains(' ') && !n.ends_with('.'),
            "not a sentence name: {n}"
        );
    }
}

#[test]
fn the_full_happy_path_reaches_completion() {
    let mut r = ready(std_n());
    assert_eq!(
        r.may_start(1).decision,
        Decision::MayStart,
        "{}",
        r.may_start(1)
    );
    r.start(1, 20000).unwrap();
    r.ok(
        "custody.transferred",
        "car-xa",
        json!({ "shipment_no": 1, "from": "exp-xa", "on": "2026-03-02" }),
    );
    r.ok(
        "border.exited",
        "cus-xa",
        json!({ "shipment_no": 1, "on": "2026-03-02" }),
    );
    r.days(1);
    r.ok(
        "border.entered",
        "cus-xb",
        json!({ "shipment_no": 1, "on": "2026-03-03" }),
    );
    r.ok(
        "border.exited",
        "cus2-xb",
        json!({ "shipment_no": 1, "on": "2026-03-03" }),
    );
    r.ok(
        "border.entered",
        "cus-xc",
        json!({ "shipment_no": 1, "on": "2026-03-03" }),
    );
    r.ok(
        "receipt.confirmed",
        "dis-xc",
        json!({ "shipment_no": 1, "received_on": "2026-03-03", "quantity_kg": 20000 }),
    );
    r.days(20);
    r.ok(
        "disposal.completed",
        "dis-xc",
        json!({ "shipment_no": 1, "completed_on": "2026-03-20", "operation": "R4" }),
    );
    assert_eq!(r.case.phase, wastetrail_basel::Phase::Completed);
    let s = &r.case.shipments[&1];
    assert!(s.irregularities.is_empty(), "{:?}", s.irregularities);
    assert_eq!(s.custody.len(), 1);
    assert_eq!(s.crossings.len(), 4);
    assert!(wastetrail_basel::obligations(&r.case, &r.facts, r.at).is_empty());
    // A closed case accepts no new shipment.
    assert!(r.is_refused_start(2));
}

trait RunExt {
    fn is_refused_start(&mut self, no: u32) -> bool;
}
impl RunExt for Run {
    fn is_refused_start(&mut self, no: u32) -> bool {
        self.start(no, 1).is_err()
    }
}

//! [`may_start`]: classification, then the prohibitions (reference §10 steps 1-2).

use time::{Date, OffsetDateTime};

use super::classify::*;
use super::dates::*;
use super::pic::*;
use super::shipment::*;
use crate::body::{MovementDocument, Notification};
use crate::case::{Case, Phase};
use crate::codes::WasteCode;
use crate::facts::{CountryCode, Facts, Known};
use crate::json::fmt_date;
use crate::verdict::{Outcome, Reason, RuleId, Verdict};

/// May shipment `shipment_no` of `case` start at `at` (departure date = the UTC date of `at`)?
///
/// Evaluation order (reference §10): classification; prohibitions (Art. 4(6), 4(5) with Art. 11,
/// 4A, 4(1)(a)-(b) and 4(2)(e)); then PIC (transmission, written consent and contract confirmation
/// from the State of import, every transit State, insurance); then per-shipment checks (period,
/// validity of every consent, cumulative quantity and shipment count). `Prohibited` lists only the
/// prohibitions; `Blocked` and `MayStart` list every check made. Unknown facts block, and the
/// reason says the fact is unknown.
pub fn may_start(case: &Case, shipment_no: u32, facts: &Facts, at: OffsetDateTime) -> Verdict {
    evaluate(case, shipment_no, facts, today(at), None)
}

pub(super) fn evaluate(
    case: &Case,
    shipment_no: u32,
    facts: &Facts,
    on: Date,
    doc: Option<&MovementDocument>,
) -> Verdict {
    let mut reasons = Vec::new();
    let Some(n) = case.notification.as_ref() else {
        reasons.push(Reason::blocks(
            RuleId::Case01,
            "No notification has been submitted for this case.",
        ));
        return Verdict::from_reasons(&case.id, shipment_no, on, reasons);
    };
    match case.phase {
        Phase::Withdrawn => reasons.push(Reason::prohibits(
            RuleId::Case01,
            "The notification was withdrawn.",
        )),
        Phase::Completed => reasons.push(Reason::blocks(
            RuleId::Case01,
            "Every planned shipment of this notification is completed.",
        )),
        _ => {}
    }
    if shipment_no == 0 {
        reasons.push(Reason::blocks(
            RuleId::Case02,
            "Shipment numbers start at 1.",
        ));
    }
    if let Some(s) = case.shipments.get(&shipment_no) {
        if s.document.is_some() {
            reasons.push(Reason::blocks(
                RuleId::Case01,
                format!("Shipment {shipment_no} has already started."),
            ));
        } else {
            reasons.push(Reason::prohibits(
                RuleId::Art901,
                format!("Shipment {shipment_no} was already seen moving without a movement document (illegal traffic)."),
            ));
        }
    }

    // 1. Classification.
    let codes: &[WasteCode] = doc.map_or(&n.waste.codes, |d| &d.codes);
    let Some(class) = classify(codes, &n.national_hazardous_in, facts, on, &mut reasons) else {
        return Verdict::from_reasons(&case.id, shipment_no, on, reasons);
    };
    if class == Class::NonControlled {
        return Verdict::from_reasons(&case.id, shipment_no, on, reasons);
    }
    if class == Class::NationalOnly {
        let states: Vec<&str> = n
            .national_hazardous_in
            .iter()
            .map(CountryCode::as_str)
            .collect();
        reasons.push(Reason::met(
            RuleId::Pic18,
            format!(
                "The wastes are hazardous under the national law of {}, so the PIC procedure applies to them.",
                states.join(", ")
            ),
        ));
    }

    // 2. Prohibitions.
    prohibitions(n, class, facts, on, &mut reasons);

    // 3. PIC.
    pic(case, n, facts, on, &mut reasons);

    // 4. Per-shipment checks.
    per_shipment(case, n, shipment_no, on, doc, facts, &mut reasons);

    Verdict::from_reasons(&case.id, shipment_no, on, reasons)
}

pub(super) fn prohibitions(
    n: &Notification,
    class: Class,
    facts: &Facts,
    on: Date,
    reasons: &mut Vec<Reason>,
) {
    let (x, m) = (&n.export.country, &n.import.country);
    let op = &n.operation;

    // Art. 4(6): Antarctica.
    if m.as_str() == "AQ" || n.transit.iter().any(|t| t.country.as_str() == "AQ") {
        reasons.push(Reason::prohibits(
            RuleId::Ban05,
            "Wastes must not be exported for disposal within the area south of 60 degrees South latitude (Antarctica).",
        ));
    } else {
        reasons.push(Reason::met(
            RuleId::Ban05,
            "The wastes are not destined for the area south of 60 degrees South.",
        ));
    }

    // Art. 4(5) with Art. 11.
    let mut all_parties = true;
    for c in [x, m] {
        let party = facts.basel_party(c, on);
        if party.is_true() {
            continue;
        }
        all_parties = false;
        let agreement = facts.art11_agreement(x, m, op, on);
        match (&party, agreement) {
            (_, Some(a)) => {
                let r = Reason::met(
                    RuleId::Ban07,
                    format!(
                        "{} is {} a Party on {}, but the movement falls under the Art. 11 agreement {} ({}); the Basel PIC checks are still applied.",
                        c.as_str(),
                        if party.is_unknown() { "perhaps not" } else { "not" },
                        fmt_date(on),
                        a.name,
                        a.source
                    ),
                );
                reasons.push(if party.is_unknown() { r.unknown() } else { r });
            }
            (Known::Unknown, None) => reasons.push(
                Reason::blocks(
                    RuleId::Ban04,
                    format!(
                        "Whether {} is a Party to the Basel Convention on {} is unknown, and no Art. 11 agreement covers the movement.",
                        c.as_str(),
                        fmt_date(on)
                    ),
                )
                .unknown(),
            ),
            (_, None) => {
                reasons.push(Reason::prohibits(
                    RuleId::Ban04,
                    format!(
                        "{} is not a Party to the Basel Convention on {}, and no Art. 11 agreement covers the movement.",
                        c.as_str(),
                        fmt_date(on)
                    ),
                ));
                reasons.push(Reason::prohibits(
                    RuleId::Ban07,
                    format!(
                        "No Art. 11 agreement in the data covers a movement from {} to {} for {} on {}.",
                        x.as_str(),
                        m.as_str(),
                        op.as_str(),
                        fmt_date(on)
                    ),
                ));
            }
        }
    }
    if all_parties {
        reasons.push(Reason::met(
            RuleId::Ban04,
            format!(
                "{} and {} are both Parties on {}.",
                x.as_str(),
                m.as_str(),
                fmt_date(on)
            ),
        ));
    }

    // Art. 4A (Ban Amendment).
    let disposal = op.is_disposal() || n.final_operation.as_ref().is_some_and(|f| f.is_disposal());
    if class == Class::Other {
        reasons.push(Reason::met(
            RuleId::Ban06,
            "Art. 4A covers hazardous wastes only; Annex II wastes such as Y49 are not covered.",
        ));
    } else if class == Class::NationalOnly && !disposal {
        reasons.push(Reason::met(
            RuleId::Ban06,
            "Art. 4A(2) covers recovery of Art. 1(1)(a) hazardous wastes only, not wastes hazardous only under national law.",
        ));
    } else {
        let ex7 = facts.annex_vii(x, on);
        let ban = facts.ban_amendment_in_force(x, on);
        let im7 = facts.annex_vii(m, on);
        let branch = if disposal {
            "4A(1), disposal (D)"
        } else {
            "4A(2), recovery (R)"
        };
        if ex7.is_false() {
            reasons.push(Reason::met(
                RuleId::Ban06,
                format!(
                    "{} is not listed in Annex VII, so Art. 4A does not bind it.",
                    x.as_str()
                ),
            ));
        } else if ban.is_false() {
            reasons.push(Reason::met(
                RuleId::Ban06,
                format!(
                    "The Ban Amendment is not in force for {} on {}.",
                    x.as_str(),
                    fmt_date(on)
                ),
            ));
        } else if im7.is_true() {
            reasons.push(Reason::met(
                RuleId::Ban06,
                format!(
                    "{} is listed in Annex VII, so Art. 4A does not forbid the movement.",
                    m.as_str()
                ),
            ));
        } else if ex7.is_true() && ban.is_true() && im7.is_false() {
            reasons.push(Reason::prohibits(
                RuleId::Ban06,
                format!(
                    "Art. {branch}: {} is listed in Annex VII and bound by the Ban Amendment, and must not export hazardous wastes to {}, which is not listed in Annex VII.",
                    x.as_str(),
                    m.as_str()
                ),
            ));
        } else {
            reasons.push(
                Reason::blocks(
                    RuleId::Ban06,
                    format!(
                        "Art. 4A may forbid this movement, but a fact is unknown on {}: {} in Annex VII: {}; Ban Amendment in force for {}: {}; {} in Annex VII: {}.",
                        fmt_date(on),
                        x.as_str(),
                        known_str(&ex7),
                        x.as_str(),
                        known_str(&ban),
                        m.as_str(),
                        known_str(&im7)
                    ),
                )
                .unknown(),
            );
        }
    }

    // Art. 4(1)(a)-(b) and 4(2)(e): import bans.
    let mut banned = false;
    let mut unknown = false;
    for code in &n.waste.codes {
        for o in std::iter::once(op).chain(n.final_operation.as_ref()) {
            match facts.import_ban(m, code, o, on) {
                Known::Yes {
                    value: Some(ban), ..
                } => {
                    banned = true;
                    let (rule, what) = if ban.is_total() {
                        (RuleId::Ban03, "has prohibited all imports of wastes")
                    } else {
                        (RuleId::Ban01, "has prohibited the import of these wastes")
                    };
                    reasons.push(Reason::prohibits(
                        rule,
                        format!(
                            "{} {what} ({}; {}), so {} must not be exported there for {}.",
                            m.as_str(),
                            ban.scope,
                            ban.source,
                            code.as_str(),
                            o.as_str()
                        ),
                    ));
                }
                Known::Yes { value: None, .. } => {}
                Known::Unknown => unknown = true,
            }
        }
    }
    let total = banned
        && reasons
            .iter()
            .any(|r| r.rule_id == RuleId::Ban03 && r.outcome == Outcome::Prohibits);
    if !total {
        if unknown {
            reasons.push(
                Reason::met(
                    RuleId::Ban03,
                    format!(
                        "The data does not say whether {} has prohibited all imports; its written consent is required in any case.",
                        m.as_str()
                    ),
                )
                .unknown(),
            );
        } else {
            reasons.push(Reason::met(
                RuleId::Ban03,
                format!("{} has not prohibited all imports of wastes.", m.as_str()),
            ));
        }
    }
    if !banned {
        if unknown {
            reasons.push(
                Reason::met(
                    RuleId::Ban01,
                    format!(
                        "The data has no import-ban information for {}; its written consent to the specific import is required in any case.",
                        m.as_str()
                    ),
                )
                .unknown(),
            );
        } else {
            reasons.push(Reason::met(
                RuleId::Ban01,
                format!(
                    "{} has no import ban covering these wastes and operations.",
                    m.as_str()
                ),
            ));
        }
    }
}

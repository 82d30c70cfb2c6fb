//! Prior informed consent in a [`may_start`](super::may_start) answer: transmission, the consent of the State of import and of every State of transit, Art. 6(4) tacit transit, the contract (reference §10 step 3).

use time::Date;

use super::dates::*;
use super::*;
use crate::body::{Consent, Notification};
use crate::case::{AnswerStatus, Case, StateAnswer};
use crate::facts::{CountryCode, Facts, Known};
use crate::json::fmt_date;
use crate::verdict::{Reason, RuleId};

pub(super) fn consent_window(
    rule: RuleId,
    who: &CountryCode,
    granted_on: Date,
    c: &Consent,
    on: Date,
    reasons: &mut Vec<Reason>,
) {
    if granted_on > on {
        reasons.push(Reason::blocks(
            rule,
            format!(
                "The written consent of {} was given on {}, after the departure date {}.",
                who.as_str(),
                fmt_date(granted_on),
                fmt_date(on)
            ),
        ));
    } else if on < c.valid_from || on > c.valid_until {
        reasons.push(Reason::blocks(
            rule,
            format!(
                "The departure date {} is outside the validity of the consent of {} ({} to {}).",
                fmt_date(on),
                who.as_str(),
                fmt_date(c.valid_from),
                fmt_date(c.valid_until)
            ),
        ));
    } else {
        reasons.push(Reason::met(
            rule,
            format!(
                "{} consented in writing, valid from {} to {}.",
                who.as_str(),
                fmt_date(c.valid_from),
                fmt_date(c.valid_until)
            ),
        ));
    }
}

pub(super) fn pic(
    case: &Case,
    n: &Notification,
    facts: &Facts,
    on: Date,
    reasons: &mut Vec<Reason>,
) {
    let x = &n.export.country;
    // PIC-01: transmitted by the CA of export.
    match case.transmitted_on {
        Some(d) => reasons.push(Reason::met(
            RuleId::Pic01,
            format!("The competent authority of {} transmitted the notification on {}.", x.as_str(), fmt_date(d)),
        )),
        None => reasons.push(Reason::blocks(
            RuleId::Pic01,
            format!(
                "The competent authority of {} has not yet transmitted the notification to the States concerned.",
                x.as_str()
            ),
        )),
    }
    // BAN-08: declared justification.
    match n.justification {
        Some(j) => reasons.push(Reason::met(
            RuleId::Ban08,
            format!(
                "The notifier declared the Art. 4(9) justification {}.",
                serde_json::to_string(&j).unwrap_or_default()
            ),
        )),
        None => reasons.push(Reason::blocks(
            RuleId::Ban08,
            "No Art. 4(9) justification was declared.",
        )),
    }

    // State of import: written consent (never tacit) and contract confirmation.
    if let Some(a) = case.import.as_ref() {
        let m = &a.country;
        match &a.answer {
            AnswerStatus::Pending => reasons.push(Reason::blocks(
                RuleId::Ban02,
                format!(
                    "{} (State of import) has not consented in writing; the State of import never consents tacitly.",
                    m.as_str()
                ),
            )),
            AnswerStatus::InformationRequested { on: asked, .. } => reasons.push(Reason::blocks(
                RuleId::Pic04,
                format!("{} asked for more information on {}; its written answer is pending.", m.as_str(), fmt_date(*asked)),
            )),
            AnswerStatus::Denied { on: d, reason } => reasons.push(Reason::prohibits(
                RuleId::Pic04,
                format!("{} denied consent on {}: {reason}", m.as_str(), fmt_date(*d)),
            )),
            AnswerStatus::Withdrawn { on: d, reason } => reasons.push(Reason::blocks(
                RuleId::Pic04,
                format!("{} withdrew its consent on {}: {reason}", m.as_str(), fmt_date(*d)),
            )),
            AnswerStatus::Consented { on: granted, consent } => {
                consent_window(RuleId::Ban02, m, *granted, consent, on, reasons)
            }
        }
        match case.contract_confirmed_on {
            Some(d) if d <= on => reasons.push(Reason::met(
                RuleId::Pic05,
                format!("{} confirmed the contract between exporter and disposer on {}.", m.as_str(), fmt_date(d)),
            )),
            _ => reasons.push(Reason::blocks(
                RuleId::Pic05,
                format!(
                    "{} has not confirmed the existence of a contract between exporter and disposer specifying environmentally sound management.",
                    m.as_str()
                ),
            )),
        }
    }

    // Transit States.
    if case.transit.is_empty() {
        reasons.push(Reason::met(
            RuleId::Pic07,
            "The route has no State of transit.",
        ));
    }
    let requires_consent_non_party = facts.setting().non_party_transit_requires_consent.value;
    for t in &case.transit {
        transit_check(t, facts, on, requires_consent_non_party, reasons);
    }

    // PIC-16: insurance where a consent requires it.
    let requiring: Vec<&str> = case
        .import
        .iter()
        .chain(case.transit.iter())
        .filter(|a| a.conditions().is_some_and(|c| c.insurance_required))
        .map(|a| a.country.as_str())
        .collect();
    if !requiring.is_empty() {
        if n.insurance.is_some() {
            reasons.push(Reason::met(
                RuleId::Pic16,
                format!(
                    "{} require insurance, and the notification names it.",
                    requiring.join(", ")
                ),
            ));
        } else {
            reasons.push(Reason::blocks(
                RuleId::Pic16,
                format!(
                    "{} require insurance, bond or other guarantee, and the notification names none.",
                    requiring.join(", ")
                ),
            ));
        }
    }
}

pub(super) fn transit_check(
    t: &StateAnswer,
    facts: &Facts,
    on: Date,
    non_party_consent: bool,
    reasons: &mut Vec<Reason>,
) {
    let c = &t.country;
    let party = facts.basel_party(c, on);
    let non_party = party.is_false();
    match &t.answer {
        AnswerStatus::Consented {
            on: granted,
            consent,
        } => consent_window(
            if non_party {
                RuleId::Pic09
            } else {
                RuleId::Pic07
            },
            c,
            *granted,
            consent,
            on,
            reasons,
        ),
        AnswerStatus::Denied { on: d, reason } => reasons.push(Reason::prohibits(
            RuleId::Pic06,
            format!(
                "{} (State of transit) objected on {}: {reason}",
                c.as_str(),
                fmt_date(*d)
            ),
        )),
        AnswerStatus::InformationRequested { on: d, .. } => reasons.push(Reason::blocks(
            RuleId::Pic06,
            format!(
                "{} (State of transit) asked for more information on {}; its answer is pending.",
                c.as_str(),
                fmt_date(*d)
            ),
        )),
        AnswerStatus::Withdrawn { on: d, reason } => reasons.push(Reason::blocks(
            RuleId::Pic07,
            format!(
                "{} (State of transit) withdrew its consent on {}: {reason}",
                c.as_str(),
                fmt_date(*d)
            ),
        )),
        AnswerStatus::Pending if non_party => {
            if non_party_consent {
                reasons.push(Reason::blocks(
                    RuleId::Pic09,
                    format!(
                        "{} (State of transit) is not a Party; the settings require its written consent, which has not been given.",
                        c.as_str()
                    ),
                ));
            } else {
                reasons.push(Reason::met(
                    RuleId::Pic09,
                    format!(
                        "{} (State of transit) is not a Party and was notified; the settings require no consent from it.",
                        c.as_str()
                    ),
                ));
            }
        }
        AnswerStatus::Pending => {
            let waiver = facts.transit_waiver(c, on);
            let party_note = if party.is_unknown() {
                format!(
                    " (whether {} is a Party is unknown; it is treated as one)",
                    c.as_str()
                )
            } else {
                String::new()
            };
            match (&waiver, t.clock_from) {
                (Known::Yes { value: true, .. }, Some(from)) => {
                    let end = add_days(from, TRANSIT_DAYS);
                    if on > end {
                        reasons.push(Reason::met(
                            RuleId::Pic08,
                            format!(
                                "{} does not require written consent for transit and did not answer within 60 days of receiving the notification on {} (the period ended on {}){party_note}.",
                                c.as_str(),
                                fmt_date(from),
                                fmt_date(end)
                            ),
                        ));
                    } else {
                        reasons.push(Reason::blocks(
                            RuleId::Pic08,
                            format!(
                                "{} does not require written consent for transit, but its 60 days after receiving the notification on {} end only on {}{party_note}.",
                                c.as_str(),
                                fmt_date(from),
                                fmt_date(end)
                            ),
                        ));
                    }
                }
                (Known::Yes { value: true, .. }, None) => reasons.push(Reason::blocks(
                    RuleId::Pic08,
                    format!(
                        "{} does not require written consent for transit, but its receipt of the notification is not recorded, so the 60 days cannot be counted.",
                        c.as_str()
                    ),
                )),
                (Known::Yes { value: false, .. }, _) => reasons.push(Reason::blocks(
                    RuleId::Pic07,
                    format!("{} (State of transit) has not consented in writing{party_note}.", c.as_str()),
                )),
                (Known::Unknown, _) => reasons.push(
                    Reason::blocks(
                        RuleId::Pic07,
                        format!(
                            "Whether {} waived written consent for transit is unknown, so its written consent is required, and it has not been given{party_note}.",
                            c.as_str()
                        ),
                    )
                    .unknown(),
                ),
            }
        }
    }
}

pub(super) fn consents(case: &Case) -> impl Iterator<Item = (&CountryCode, &Consent)> {
    case.import
        .iter()
        .chain(case.transit.iter())
        .filter_map(|a| a.consent().map(|c| (&a.country, c)))
}

//! The duties of Art. 9(2)-(4) as [`Obligation`]s: the State of export's duty after a report
//! of a movement the log never saw, and the duty a finding of responsibility assigns.

use time::Date;

use crate::case::{Reported, Responsibility, Shipment};
use crate::json::fmt_date;
use crate::verdict::{Obligation, ObligationKind, RuleId};

fn duty(
    rule: RuleId,
    message: String,
    party: &str,
    s: &Shipment,
    due: Option<Date>,
    day: Date,
) -> Obligation {
    Obligation {
        kind: ObligationKind::IllegalTraffic,
        rule_id: rule,
        citation: rule.citation(),
        message,
        party: Some(party.to_owned()),
        shipment_no: Some(s.shipment_no),
        due,
        overdue: due.is_some_and(|d| d < day),
    }
}

/// The State of export's Art. 9(2) duty after a report, before any finding of who caused it.
pub(super) fn reported_duty(s: &Shipment, p: &Reported, day: Date) -> Obligation {
    let r = &p.report;
    let x = r.export.country.as_str();
    let what = format!(
        "Shipment {} is illegal traffic under {} ({}), found at {} in {} on {}.",
        s.shipment_no,
        r.point.provision(),
        r.point.words(),
        r.found_at,
        r.found_in.as_str(),
        fmt_date(r.found_on)
    );
    let duty_words = if p.before_departure() {
        format!(
            "It was stopped in {x} before it left: {x} (State of export) must ensure that the wastes are disposed of in accordance with the Convention"
        )
    } else {
        format!(
            "{x} (State of export) must ensure that the wastes are taken back into {x} by the exporter, the generator or, if necessary, itself, or, if that is impracticable, otherwise disposed of in accordance with the Convention"
        )
    };
    let message = format!(
        "{what} {duty_words}, by {} ({} days from being informed on {}).",
        fmt_date(p.due),
        days_between(p.informed_on, p.due),
        fmt_date(p.informed_on)
    );
    duty(
        RuleId::Art902,
        message,
        &r.export.authority,
        s,
        Some(p.due),
        day,
    )
}

/// The duty a finding of responsibility assigns: one obligation per State that owes it.
pub(super) fn found_duties(s: &Shipment, r: &Responsibility, day: Date) -> Vec<Obligation> {
    let found = format!(
        "Shipment {} is illegal traffic caused by {} (determined by {}: {}).",
        s.shipment_no,
        cause_words(r),
        r.by,
        r.grounds
    );
    let period = |verb: &str| match (r.informed_on, r.due) {
        (Some(from), Some(due)) => format!(
            ", by {} ({} days from {verb} on {})",
            fmt_date(due),
            days_between(from, due),
            fmt_date(from)
        ),
        _ => String::new(),
    };
    let states: Vec<&str> = r.owners.iter().map(|d| d.country.as_str()).collect();
    r.owners
        .iter()
        .map(|owner| {
            let c = owner.country.as_str();
            let message = match r.rule_id {
                RuleId::Art903 => format!(
                    "{found} {c} (State of import) must ensure that the wastes are disposed of in an environmentally sound manner by the importer, the disposer or, if necessary, itself{}.",
                    period("becoming aware")
                ),
                RuleId::Art904 => format!(
                    "{found} Responsibility cannot be assigned: {} must cooperate to ensure that the wastes are disposed of in an environmentally sound manner as soon as possible, in the State of export, the State of import or elsewhere as appropriate.",
                    states.join(", ")
                ),
                _ => format!(
                    "{found} {c} (State of export) must ensure that the wastes are taken back into {c} by the exporter, the generator or, if necessary, itself, or, if that is impracticable, otherwise disposed of in accordance with the Convention{}.",
                    period("being informed")
                ),
            };
            duty(r.rule_id, message, &owner.authority, s, r.due, day)
        })
        .collect()
}

fn cause_words(r: &Responsibility) -> &'static str {
    use crate::body::Cause;
    match r.caused_by {
        Cause::Exporter => "the exporter",
        Cause::Generator => "the generator",
        Cause::Importer => "the importer",
        Cause::Disposer => "the disposer",
        Cause::NotAssignable => "neither the exporter or generator nor the importer or disposer",
    }
}

fn days_between(from: Date, to: Date) -> i64 {
    (to - from).whole_days()
}

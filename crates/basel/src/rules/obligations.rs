//! [`obligations`]: what is due in a case, with due dates.

use time::{Date, OffsetDateTime};

use super::dates::*;
use super::obligations_art9 as art9;
use super::*;
use crate::body::{Notification, ReimportGround};
use crate::case::{AnswerStatus, Case, Direction, Irregularity, Phase, Shipment};
use crate::facts::Facts;
use crate::json::fmt_date;
use crate::verdict::{Obligation, ObligationKind, RuleId};

/// The duties that follow from a case at `at`, with due dates: receipt and completion
/// confirmations (PIC-14) and, when they are overdue, the duty to tell the State of import
/// (PIC-15); re-import duties (Art. 8, Art. 9); illegal traffic (Art. 9); consents about to lapse;
/// open Art. 6(4) transit windows. Deadlines the Convention leaves open use [`Deadlines`].
pub fn obligations(case: &Case, facts: &Facts, at: OffsetDateTime) -> Vec<Obligation> {
    obligations_with(case, facts, &Deadlines::default(), at)
}

/// [`obligations`] with explicit [`Deadlines`].
pub fn obligations_with(
    case: &Case,
    facts: &Facts,
    deadlines: &Deadlines,
    at: OffsetDateTime,
) -> Vec<Obligation> {
    let day = today(at);
    let mut out = Vec::new();
    let Some(n) = case.notification.as_ref() else {
        // Only illegal traffic can be recorded without a notification.
        for s in case.shipments.values() {
            irregular(&mut out, s, None, day);
        }
        return out;
    };
    let ob = |kind: ObligationKind,
              rule: RuleId,
              message: String,
              party: Option<&str>,
              shipment_no: Option<u32>,
              due: Option<Date>| Obligation {
        kind,
        rule_id: rule,
        citation: rule.citation(),
        message,
        party: party.map(str::to_owned),
        shipment_no,
        due,
        overdue: due.is_some_and(|d| d < day),
    };
    for s in case.shipments.values() {
        irregular(&mut out, s, Some(n), day);
        let Some(doc) = s.document.as_ref() else {
            continue;
        };
        // A finding of who caused the illegal traffic decides the duty (Art. 9(2)-(4)).
        if s.responsibility.is_some() {
            continue;
        }
        let no = s.shipment_no;
        if let Some(r) = &s.reimport {
            out.push(ob(
                ObligationKind::Reimport,
                if r.ground == ReimportGround::CannotBeCompleted {
                    RuleId::Art801
                } else {
                    RuleId::Art901
                },
                format!(
                    "The exporter must take shipment {no} back into {} by {}.",
                    n.export.country.as_str(),
                    fmt_date(r.due)
                ),
                Some(&n.exporter),
                Some(no),
                Some(r.due),
            ));
            continue;
        }
        match (s.received_on, s.completed_on) {
            (None, _) => {
                let arrival = s
                    .crossings
                    .iter()
                    .filter(|c| c.direction == Direction::Entry && c.country == n.import.country)
                    .map(|c| c.on)
                    .min()
                    .unwrap_or_else(|| {
                        add_days(doc.started_on, i64::from(deadlines.arrival_allowance_days))
                    });
                let due = add_days(arrival, i64::from(deadlines.receipt_days));
                out.push(ob(
                    ObligationKind::ConfirmReceipt,
                    RuleId::Pic14,
                    format!("The disposer must confirm receipt of shipment {no} to the exporter and the competent authority of {}.", n.export.country.as_str()),
                    Some(&n.disposer),
                    Some(no),
                    Some(due),
                ));
                if due < day {
                    out.push(ob(
                        ObligationKind::NotifyStateOfImport,
                        RuleId::Pic15,
                        format!("Receipt of shipment {no} is not confirmed: the competent authority of {} or the exporter must notify {}.", n.export.country.as_str(), n.import.country.as_str()),
                        Some(&n.export.authority),
                        Some(no),
                        Some(due),
                    ));
                }
            }
            (Some(received), None) => {
                let due = add_days(received, i64::from(deadlines.completion_days));
                out.push(ob(
                    ObligationKind::ConfirmCompletion,
                    RuleId::Pic14,
                    format!("The disposer must confirm completion of the disposal of shipment {no} ({}).", n.operation.as_str()),
                    Some(&n.disposer),
                    Some(no),
                    Some(due),
                ));
                if due < day {
                    out.push(ob(
                        ObligationKind::NotifyStateOfImport,
                        RuleId::Pic15,
                        format!("Completion of shipment {no} is not confirmed: the competent authority of {} or the exporter must notify {}.", n.export.country.as_str(), n.import.country.as_str()),
                        Some(&n.export.authority),
                        Some(no),
                        Some(due),
                    ));
                }
            }
            (Some(_), Some(_)) => {}
        }
    }
    if case.phase == Phase::Transmitted {
        for a in case.import.iter().chain(case.transit.iter()) {
            if let Some(c) = a.consent() {
                let warn_from = add_days(c.valid_until, -i64::from(deadlines.expiry_warning_days));
                if day >= warn_from && day <= c.valid_until {
                    out.push(ob(
                        ObligationKind::ConsentExpiring,
                        if case.import.as_ref().is_some_and(|i| i.country == a.country) {
                            RuleId::Ban02
                        } else {
                            RuleId::Pic07
                        },
                        format!(
                            "The consent of {} lapses after {}; shipments must start by then.",
                            a.country.as_str(),
                            fmt_date(c.valid_until)
                        ),
                        case.notifier.as_deref(),
                        None,
                        Some(c.valid_until),
                    ));
                }
            }
        }
        for t in &case.transit {
            if t.answer != AnswerStatus::Pending {
                continue;
            }
            let Some(from) = t.clock_from else { continue };
            if facts.transit_waiver(&t.country, day).is_true() {
                let end = add_days(from, TRANSIT_DAYS);
                if day <= end {
                    out.push(ob(
                        ObligationKind::TransitWindowOpen,
                        RuleId::Pic08,
                        format!("{} may answer until {}; without an answer the movement may then proceed through it.", t.country.as_str(), fmt_date(end)),
                        Some(&t.authority),
                        None,
                        Some(end),
                    ));
                }
            }
        }
    }
    out
}

fn irregular(out: &mut Vec<Obligation>, s: &Shipment, n: Option<&Notification>, day: Date) {
    let illegal = |i: &&Irregularity| matches!(i.rule_id, RuleId::Art901 | RuleId::Art905);
    for i in s.irregularities.iter().filter(|i| !illegal(i)) {
        out.push(Obligation {
            kind: ObligationKind::Review,
            rule_id: i.rule_id,
            citation: i.citation,
            message: format!(
                "Shipment {} needs review by the competent authorities: {}",
                s.shipment_no, i.message
            ),
            party: n.map(|n| n.export.authority.clone()),
            shipment_no: Some(s.shipment_no),
            due: None,
            overdue: false,
        });
    }
    if let Some(r) = &s.responsibility {
        out.extend(art9::found_duties(s, r, day));
        return;
    }
    if let Some(p) = &s.reported {
        out.push(art9::reported_duty(s, p, day));
        return;
    }
    for i in s.irregularities.iter().filter(illegal) {
        let due = s.reimport.as_ref().map(|r| r.due);
        out.push(Obligation {
            kind: ObligationKind::IllegalTraffic,
            rule_id: i.rule_id,
            citation: i.citation,
            message: format!(
                "Shipment {} is illegal traffic: {} The wastes must be taken back or disposed of in an environmentally sound manner, normally within 30 days of the State being informed (Art. 9(2)-(3)).",
                s.shipment_no, i.message
            ),
            party: n.map(|n| n.exporter.clone()),
            shipment_no: Some(s.shipment_no),
            due,
            overdue: false,
        });
    }
}

//! What a case page says, decided from the case alone (pure functions, tested here): what the
//! case waits for and from whom, which filings the signed-in participant may make now, and
//! what is left of each consent.

use wastetrail_basel::case::{AnswerStatus, StateAnswer};
use wastetrail_basel::{
    Case, CountryCode, Decision, ParticipantKind, Phase, StatementType, Verdict,
};

/// Something the case waits for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waiting {
    /// Catalog key of what is awaited (`wait-transmit`, …).
    pub what: &'static str,
    /// Who must act: a participant id, or a State for an authority.
    pub who: String,
    /// The State concerned, when it is about one State's answer.
    pub country: Option<CountryCode>,
}

fn wait(what: &'static str, who: &str, country: Option<CountryCode>) -> Waiting {
    Waiting {
        what,
        who: who.to_owned(),
        country,
    }
}

/// What the case waits for now, in the order the procedure needs it. `next` is the
/// `may_start` verdict of the next planned shipment, if there is one.
pub fn waits_for(case: &Case, next: Option<&Verdict>) -> Vec<Waiting> {
    let Some(n) = &case.notification else {
        return Vec::new();
    };
    let notifier = case.notifier.as_deref().unwrap_or(&n.exporter);
    match case.phase {
        Phase::Submitted => vec![wait(
            "wait-transmit",
            &n.export.authority,
            Some(n.export.country),
        )],
        Phase::Transmitted => {
            let mut out = Vec::new();
            for a in case.transit.iter() {
                answer_waits(a, true, notifier, &mut out);
            }
            if let Some(a) = &case.import {
                answer_waits(a, false, notifier, &mut out);
                if case.contract_confirmed_on.is_none() {
                    out.push(wait("wait-contract", &a.authority, Some(a.country)));
                }
            }
            if out.is_empty()
                && let Some(v) = next
                && v.decision == Decision::MayStart
            {
                out.push(wait("wait-movement", &n.exporter, None));
            }
            out
        }
        _ => Vec::new(),
    }
}

fn answer_waits(a: &StateAnswer, transit: bool, notifier: &str, out: &mut Vec<Waiting>) {
    let c = Some(a.country);
    match &a.answer {
        AnswerStatus::Pending => {
            if transit && a.acknowledged_on.is_none() {
                out.push(wait("wait-acknowledge", &a.authority, c));
            }
            let what = if transit {
                "wait-transit-answer"
            } else {
                "wait-import-answer"
            };
            out.push(wait(what, &a.authority, c));
        }
        AnswerStatus::InformationRequested { .. } => {
            out.push(wait("wait-information", notifier, c));
        }
        AnswerStatus::Withdrawn { .. } => {
            let what = if transit {
                "wait-transit-answer"
            } else {
                "wait-import-answer"
            };
            out.push(wait(what, &a.authority, c));
        }
        AnswerStatus::Consented { .. } | AnswerStatus::Denied { .. } => {}
    }
}

/// The role a participant plays towards a case, as far as filings go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The notifier or the exporter.
    Notifier,
    /// The competent authority of the State of export.
    Export,
    /// The competent authority of the State of import.
    Import,
    /// The competent authority of a transit State.
    Transit,
    /// A customs office of a State concerned.
    Customs,
    /// A carrier named in the notification or a movement document.
    Carrier,
    /// The disposer named in the notification.
    Disposer,
}

/// The sides a participant has in a case.
pub fn sides(kind: ParticipantKind, id: &str, country: CountryCode, case: &Case) -> Vec<Side> {
    let Some(n) = &case.notification else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if case.notifier.as_deref() == Some(id) || n.exporter == id {
        out.push(Side::Notifier);
    }
    if kind == ParticipantKind::CompetentAuthority {
        if n.export.country == country {
            out.push(Side::Export);
        }
        if n.import.country == country {
            out.push(Side::Import);
        }
        if n.transit.iter().any(|t| t.country == country) {
            out.push(Side::Transit);
        }
    }
    if kind == ParticipantKind::CustomsOffice && n.states_concerned().contains(&&country) {
        out.push(Side::Customs);
    }
    let named = n.carriers.iter().any(|c| c == id)
        || case.started().any(|s| {
            s.document
                .as_ref()
                .is_some_and(|d| d.carriers.iter().any(|c| c == id))
        });
    if kind == ParticipantKind::Carrier && named {
        out.push(Side::Carrier);
    }
    if n.disposer == id {
        out.push(Side::Disposer);
    }
    out
}

/// The shipments on which a participant may make a filing of `kind` now (custody, border
/// crossings, receipt, completion), by number. The rules decide in the end; this only offers
/// the shipments where the step is still to come.
pub fn open_shipments(
    kind: StatementType,
    id: &str,
    country: CountryCode,
    case: &Case,
) -> Vec<u32> {
    use StatementType as T;
    use wastetrail_basel::case::Direction;
    let Some(n) = &case.notification else {
        return Vec::new();
    };
    let crossed = |s: &wastetrail_basel::case::Shipment, d: Direction| {
        s.crossings
            .iter()
            .any(|c| c.office == id && c.direction == d)
    };
    let exit_state = n.export.country == country || n.transit.iter().any(|t| t.country == country);
    let entry_state = n.import.country == country || n.transit.iter().any(|t| t.country == country);
    case.started()
        .filter(|s| s.reimport.is_none())
        .filter(|s| match kind {
            T::BorderExited => {
                exit_state && s.received_on.is_none() && !crossed(s, Direction::Exit)
            }
            T::BorderEntered => {
                entry_state && s.received_on.is_none() && !crossed(s, Direction::Entry)
            }
            T::CustodyTransferred => {
                s.received_on.is_none()
                    && s.holder.as_deref() != Some(id)
                    && s.holder.is_some()
                    && s.document
                        .as_ref()
                        .is_some_and(|d| d.carriers.iter().any(|c| c == id))
            }
            T::ReceiptConfirmed => n.disposer == id && s.received_on.is_none(),
            T::DisposalCompleted => {
                n.disposer == id && s.received_on.is_some() && s.completed_on.is_none()
            }
            _ => false,
        })
        .map(|s| s.shipment_no)
        .collect()
}

/// The filings of the chain of custody a participant may make now (each needs a shipment
/// where the step is still to come).
pub fn custody_actions(
    sides: &[Side],
    id: &str,
    country: CountryCode,
    case: &Case,
) -> Vec<StatementType> {
    use StatementType as T;
    let mut kinds = Vec::new();
    for side in sides {
        match side {
            Side::Customs => kinds.extend([T::BorderExited, T::BorderEntered]),
            Side::Carrier => kinds.push(T::CustodyTransferred),
            Side::Disposer => kinds.extend([T::ReceiptConfirmed, T::DisposalCompleted]),
            _ => {}
        }
    }
    kinds
        .into_iter()
        .filter(|k| !open_shipments(*k, id, country, case).is_empty())
        .collect()
}

/// The filings a participant with these sides may make now (the rules decide in the end; this
/// only offers what the procedure expects in the case's state).
pub fn actions(sides: &[Side], country: CountryCode, case: &Case) -> Vec<StatementType> {
    use StatementType as T;
    let mut out = Vec::new();
    let open = matches!(case.phase, Phase::Submitted | Phase::Transmitted);
    let transmitted = case.phase == Phase::Transmitted;
    let my_answer = case.answer_of(&country);
    let pending = my_answer.is_some_and(|a| {
        matches!(
            a.answer,
            AnswerStatus::Pending | AnswerStatus::InformationRequested { .. }
        )
    });
    for side in sides {
        match side {
            Side::Notifier => {
                let asked = case
                    .import
                    .iter()
                    .chain(case.transit.iter())
                    .any(|a| matches!(a.answer, AnswerStatus::InformationRequested { .. }));
                if transmitted && asked {
                    out.push(T::InformationProvided);
                }
                if transmitted && next_shipment(case).is_some() {
                    out.push(T::MovementStarted);
                }
                if open {
                    out.push(T::NotificationWithdrawn);
                }
            }
            Side::Export => {
                if case.phase == Phase::Submitted {
                    out.push(T::NotificationTransmitted);
                }
                if open && !out.contains(&T::NotificationWithdrawn) {
                    out.push(T::NotificationWithdrawn);
                }
            }
            Side::Import | Side::Transit => {
                if !transmitted {
                    continue;
                }
                if my_answer.is_some_and(|a| a.acknowledged_on.is_none()) {
                    out.push(T::NotificationAcknowledged);
                }
                if my_answer.is_some_and(|a| a.answer == AnswerStatus::Pending) {
                    out.push(T::InformationRequested);
                }
                if pending {
                    if *side == Side::Import {
                        out.push(T::ConsentGranted);
                        out.push(T::ConsentDenied);
                    } else {
                        out.push(T::TransitConsented);
                        out.push(T::TransitObjected);
                    }
                }
                if *side == Side::Import && case.contract_confirmed_on.is_none() {
                    out.push(T::ContractConfirmed);
                }
            }
            Side::Customs | Side::Carrier | Side::Disposer => {}
        }
    }
    out.dedup();
    out
}

/// The next planned shipment number that has not started.
pub fn next_shipment(case: &Case) -> Option<u32> {
    let n = case.notification.as_ref()?;
    (1..=n.planned_shipments).find(|no| !case.shipments.contains_key(no))
}

/// What is left under the notification and under one State's consent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Allowance {
    /// The State whose consent it is (`None`: the notification itself).
    pub country: Option<CountryCode>,
    /// The last day of validity of the consent.
    pub valid_until: Option<String>,
    /// Kilograms allowed in total, if limited.
    pub max_kg: Option<u64>,
    /// Kilograms left (of `max_kg`).
    pub left_kg: Option<u64>,
    /// Shipments allowed, if limited.
    pub max_shipments: Option<u32>,
    /// Shipments left (of `max_shipments`).
    pub left_shipments: Option<u32>,
}

/// Kilograms and shipments already started.
pub fn used(case: &Case) -> (u64, u32) {
    case.started().fold((0, 0), |(kg, n), s| {
        (kg + s.document.as_ref().map_or(0, |d| d.quantity_kg), n + 1)
    })
}

/// What is left under the notification and under each consent in force.
pub fn allowances(case: &Case) -> Vec<Allowance> {
    let Some(n) = &case.notification else {
        return Vec::new();
    };
    let (kg, count) = used(case);
    let mut out = vec![Allowance {
        country: None,
        valid_until: None,
        max_kg: Some(n.quantity.total_kg),
        left_kg: Some(n.quantity.total_kg.saturating_sub(kg)),
        max_shipments: Some(n.planned_shipments),
        left_shipments: Some(n.planned_shipments.saturating_sub(count)),
    }];
    for a in case.import.iter().chain(case.transit.iter()) {
        if let Some(c) = a.consent() {
            let max_kg = c.conditions.max_total_kg;
            let max_shipments = c.conditions.max_shipments;
            out.push(Allowance {
                country: Some(a.country),
                valid_until: Some(super::views::date(c.valid_until)),
                max_kg,
                left_kg: max_kg.map(|m| m.saturating_sub(kg)),
                max_shipments,
                left_shipments: max_shipments.map(|m| m.saturating_sub(count)),
            });
        }
    }
    out
}

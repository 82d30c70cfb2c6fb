//! [`apply`]: the dispatcher (one function per body variant) and the checks every case
//! statement shares (who the filer is, the case's state, dates not in the future).

use time::{Date, OffsetDateTime};

use crate::body::{Body, Notification, ParticipantKind, StatementType};
use crate::case::{Case, Direction, Phase, Shipment};
use crate::facts::{CountryCode, Facts};
use crate::filing::Filing;
use crate::json::fmt_date;
use crate::registry::{Participant, Registry};
use crate::verdict::{Refusal, RuleId};

use super::dates::today;
use super::{consent, illegal, movement, notification, receipt};

/// What every per-statement rule reads: the case before the statement, the filer, the
/// registry, the law data and the day of the filing (UTC).
#[derive(Clone, Copy)]
pub(super) struct Ctx<'a> {
    pub(super) case: &'a Case,
    pub(super) actor: &'a Participant,
    pub(super) registry: &'a Registry,
    pub(super) facts: &'a Facts,
    pub(super) day: Date,
}

/// Applies one filing to a case and returns the new case, or the refusal naming the rule.
///
/// Checks, in order: the statement is a case statement for this case; the body is well-formed
/// (every wrong field is reported); the filer is registered; the filer may file this statement
/// (kind and jurisdiction); the case is in a state that accepts it; the content is consistent
/// with the notification and the law (a movement may start only when [`may_start`] says so).
/// Pure and deterministic: the same inputs always give the same result.
pub fn apply(
    case: &Case,
    filing: &Filing,
    registry: &Registry,
    facts: &Facts,
    at: OffsetDateTime,
) -> Result<Case, Refusal> {
    if filing.kind.is_registry() {
        return Err(Refusal::new(
            RuleId::Case01,
            format!(
                "A {} statement changes the registry, not a case.",
                filing.kind
            ),
        ));
    }
    if filing.case != case.id {
        return Err(Refusal::new(
            RuleId::Case02,
            format!(
                "The statement is about case {}, not case {}.",
                filing.case, case.id
            ),
        ));
    }
    let body = Body::parse(filing.kind, &filing.body).map_err(|errors| {
        let (rule, what) = match filing.kind {
            crate::body::StatementType::NotificationSubmitted => (
                RuleId::Pic02,
                "The notification lacks Annex V A information or has wrong fields.",
            ),
            crate::body::StatementType::MovementStarted => (
                RuleId::Pic17,
                "The movement document lacks Annex V B information or has wrong fields.",
            ),
            _ => (RuleId::Case02, "The statement body has wrong fields."),
        };
        Refusal::new(rule, what).with_errors(errors)
    })?;
    let actor = registry.get(&filing.actor).ok_or_else(|| {
        Refusal::new(
            RuleId::Reg03,
            format!("{} is not a registered participant.", filing.actor),
        )
    })?;
    let mut next = case.clone();
    next.statements = next.statements.saturating_add(1);
    let cx = Ctx {
        case,
        actor,
        registry,
        facts,
        day: today(at),
    };
    match body {
        Body::NotificationSubmitted(n) => notification::submit(&cx, &mut next, *n)?,
        Body::NotificationTransmitted(t) => notification::transmitted(&cx, &mut next, t)?,
        Body::NotificationAcknowledged(a) => notification::acknowledged(&cx, &mut next, a)?,
        Body::NotificationWithdrawn(r) => notification::withdrawn(&cx, &mut next, r)?,
        Body::InformationRequested(r) => notification::information_requested(&cx, &mut next, r)?,
        Body::InformationProvided(p) => notification::information_provided(&cx, &mut next, p)?,
        Body::ConsentGranted(c) => consent::consent_granted(&cx, &mut next, c)?,
        Body::TransitConsented(c) => consent::transit_consented(&cx, &mut next, c)?,
        Body::ConsentDenied(r) => consent::consent_denied(&cx, &mut next, r)?,
        Body::TransitObjected(r) => consent::transit_objected(&cx, &mut next, r)?,
        Body::ContractConfirmed(c) => consent::contract_confirmed(&cx, &mut next, c)?,
        Body::ConsentWithdrawn(r) => consent::consent_withdrawn(&cx, &mut next, r)?,
        Body::MovementStarted(d) => movement::start(&cx, &mut next, *d)?,
        Body::CustodyTransferred(t) => movement::custody_transferred(&cx, &mut next, t)?,
        Body::BorderExited(b) => movement::border(&cx, &mut next, b, Direction::Exit)?,
        Body::BorderEntered(b) => movement::border(&cx, &mut next, b, Direction::Entry)?,
        Body::ReceiptConfirmed(r) => receipt::receipt_confirmed(&cx, &mut next, r)?,
        Body::DisposalCompleted(c) => receipt::disposal_completed(&cx, &mut next, c)?,
        Body::ReimportRequired(r) => illegal::reimport_required(&cx, &mut next, r)?,
        Body::IllegalTrafficReported(r) => illegal::reported(&cx, &mut next, *r)?,
        Body::ResponsibilityDetermined(f) => illegal::responsibility_determined(&cx, &mut next, f)?,
        Body::ParticipantRegistered(_) | Body::KeyAdded(_) | Body::KeyRevoked(_) => {
            return Err(Refusal::new(
                RuleId::Case01,
                "Participant and key statements change the registry, not a case.",
            ));
        }
    }
    Ok(next)
}

pub(super) fn is_ca_of(p: &Participant, c: &CountryCode) -> bool {
    p.kind == ParticipantKind::CompetentAuthority && &p.country == c
}

pub(super) fn not_future(d: Date, today: Date, what: &str) -> Result<(), Refusal> {
    if d > today {
        Err(Refusal::new(
            RuleId::Case02,
            format!(
                "The {what} {} is in the future (today is {}).",
                fmt_date(d),
                fmt_date(today)
            ),
        ))
    } else {
        Ok(())
    }
}

pub(super) fn state_refusal(case: &Case, kind: StatementType) -> Refusal {
    let why = match case.phase {
        Phase::New => "no notification has been submitted yet",
        Phase::Submitted => "the notification has not been transmitted yet",
        Phase::Transmitted => "the case is waiting for answers and shipments",
        Phase::Denied => "the case is closed: consent was denied or the transit was objected to",
        Phase::Withdrawn => "the case is closed: the notification was withdrawn",
        Phase::Completed => "the case is closed: every planned shipment is completed",
    };
    Refusal::new(
        RuleId::Case01,
        format!("A {kind} statement is not accepted now: {why}."),
    )
}

pub(super) fn notification_of(case: &Case, kind: StatementType) -> Result<&Notification, Refusal> {
    case.notification
        .as_ref()
        .ok_or_else(|| state_refusal(case, kind))
}

/// The State (import or transit) for which `actor` is the competent authority.
pub(super) fn concerned_answering_state(
    n: &Notification,
    actor: &Participant,
) -> Option<CountryCode> {
    if is_ca_of(actor, &n.import.country) {
        return Some(n.import.country);
    }
    transit_state_of(n, actor)
}

pub(super) fn transit_state_of(n: &Notification, actor: &Participant) -> Option<CountryCode> {
    n.transit
        .iter()
        .find(|t| is_ca_of(actor, &t.country))
        .map(|t| t.country)
}

pub(super) fn started_shipment(case: &mut Case, no: u32) -> Result<&mut Shipment, Refusal> {
    case.shipments
        .get_mut(&no)
        .filter(|s| s.document.is_some())
        .ok_or_else(|| {
            Refusal::new(
                RuleId::Pic17,
                format!("Shipment {no} has not started with a movement document."),
            )
        })
}

pub(super) fn expect_party(
    registry: &Registry,
    id: &str,
    kind: ParticipantKind,
    country: Option<&CountryCode>,
    rule: RuleId,
    role: &str,
) -> Result<(), Refusal> {
    let Some(p) = registry.get(id) else {
        return Err(Refusal::new(
            rule,
            format!("The {role} {id} is not a registered participant."),
        ));
    };
    if p.kind != kind {
        return Err(Refusal::new(
            rule,
            format!(
                "The {role} {id} is registered as a {}, not as a {kind}.",
                p.kind
            ),
        ));
    }
    if let Some(c) = country
        && &p.country != c
    {
        return Err(Refusal::new(
            rule,
            format!(
                "The {role} {id} is registered in {}, not in {}.",
                p.country.as_str(),
                c.as_str()
            ),
        ));
    }
    Ok(())
}

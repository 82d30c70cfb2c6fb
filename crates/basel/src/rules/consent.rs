//! Consent statements: `consent.granted`, `.denied`, `.withdrawn`, `transit.consented`, `.objected` and `contract.confirmed`.

use time::Date;

use super::apply::*;
use super::dates::*;
use crate::ParticipantKind;
use crate::body::{
    Consent, ContractConfirmed, Notification, NotificationKind, Reasoned, StatementType,
};
use crate::case::{AnswerStatus, Case, Phase};
use crate::facts::CountryCode;
use crate::json::fmt_date;
use crate::registry::Participant;
use crate::verdict::{Refusal, RuleId};

/// A participant that is not a competent authority at all (an importer, a disposer, ...) is
/// refused as such, with the State of import's authority named (Art. 6(2)): the sentence about
/// transit States is for authorities only.
fn not_an_authority(actor: &Participant, n: &Notification, what: &str) -> Result<(), Refusal> {
    if actor.kind == ParticipantKind::CompetentAuthority {
        return Ok(());
    }
    Err(Refusal::new(
        RuleId::Pic04,
        format!(
            "{} is a {}, not a competent authority: only the competent authority of {} (State of import) {what} to the import.",
            actor.id,
            actor.kind,
            n.import.country.as_str()
        ),
    ))
}

pub(super) fn grant(
    case: &Case,
    next: &mut Case,
    n: &Notification,
    country: &CountryCode,
    c: Consent,
    day: Date,
    kind: StatementType,
) -> Result<(), Refusal> {
    if case.phase != Phase::Transmitted {
        return Err(state_refusal(case, kind));
    }
    if n.kind == NotificationKind::General {
        let end = months_end(c.valid_from, 12);
        if c.valid_until > end {
            return Err(Refusal::new(
                RuleId::Pic12,
                format!(
                    "A consent to a general notification covers at most 12 months: from {} at most until {}.",
                    fmt_date(c.valid_from),
                    fmt_date(end)
                ),
            ));
        }
    }
    let ans = next
        .answer_of_mut(country)
        .ok_or_else(|| state_refusal(case, kind))?;
    match ans.answer {
        AnswerStatus::Consented { .. } => {
            return Err(Refusal::new(
                RuleId::Case01,
                format!(
                    "{} has already consented; withdraw that consent first.",
                    country.as_str()
                ),
            ));
        }
        AnswerStatus::Denied { .. } => {
            return Err(Refusal::new(
                RuleId::Case01,
                format!("{} has already refused.", country.as_str()),
            ));
        }
        _ => {}
    }
    ans.answer = AnswerStatus::Consented {
        on: day,
        consent: c,
    };
    Ok(())
}

pub(super) fn deny(
    case: &Case,
    next: &mut Case,
    country: &CountryCode,
    reason: String,
    day: Date,
    kind: StatementType,
) -> Result<(), Refusal> {
    if case.phase != Phase::Transmitted {
        return Err(state_refusal(case, kind));
    }
    let ans = next
        .answer_of_mut(country)
        .ok_or_else(|| state_refusal(case, kind))?;
    match ans.answer {
        AnswerStatus::Consented { .. } => {
            return Err(Refusal::new(
                RuleId::Case01,
                format!(
                    "{} has consented; it withdraws that consent with consent.withdrawn.",
                    country.as_str()
                ),
            ));
        }
        AnswerStatus::Denied { .. } => {
            return Err(Refusal::new(
                RuleId::Case01,
                format!("{} has already refused.", country.as_str()),
            ));
        }
        _ => {}
    }
    ans.answer = AnswerStatus::Denied { on: day, reason };
    next.phase = Phase::Denied;
    Ok(())
}

/// The `consent_granted` rule.
pub(super) fn consent_granted(cx: &Ctx<'_>, next: &mut Case, c: Consent) -> Result<(), Refusal> {
    let Ctx {
        case, actor, day, ..
    } = *cx;
    let n = notification_of(case, StatementType::ConsentGranted)?;
    not_an_authority(actor, n, "grants consent")?;
    if !is_ca_of(actor, &n.import.country) {
        let rule = if n.transit.iter().any(|t| is_ca_of(actor, &t.country)) {
            RuleId::Pic06
        } else {
            RuleId::Pic04
        };
        return Err(Refusal::new(
            rule,
            format!(
                "Only the competent authority of {} (State of import) grants consent to the import; a State of transit files transit.consented.",
                n.import.country.as_str()
            ),
        ));
    }
    grant(
        case,
        next,
        n,
        &n.import.country.clone(),
        c,
        day,
        StatementType::ConsentGranted,
    )?;
    Ok(())
}

/// The `transit_consented` rule.
pub(super) fn transit_consented(cx: &Ctx<'_>, next: &mut Case, c: Consent) -> Result<(), Refusal> {
    let Ctx {
        case, actor, day, ..
    } = *cx;
    let n = notification_of(case, StatementType::TransitConsented)?;
    let country = transit_state_of(n, actor).ok_or_else(|| {
        Refusal::new(RuleId::Pic06, "Only the competent authority of a State of transit consents to transit, and only for its own State.")
    })?;
    grant(
        case,
        next,
        n,
        &country,
        c,
        day,
        StatementType::TransitConsented,
    )?;
    Ok(())
}

/// The `consent_denied` rule.
pub(super) fn consent_denied(cx: &Ctx<'_>, next: &mut Case, r: Reasoned) -> Result<(), Refusal> {
    let Ctx {
        case, actor, day, ..
    } = *cx;
    let n = notification_of(case, StatementType::ConsentDenied)?;
    not_an_authority(actor, n, "denies consent")?;
    if !is_ca_of(actor, &n.import.country) {
        return Err(Refusal::new(
            RuleId::Pic04,
            format!(
                "Only the competent authority of {} (State of import) denies consent; a State of transit files transit.objected.",
                n.import.country.as_str()
            ),
        ));
    }
    deny(
        case,
        next,
        &n.import.country.clone(),
        r.reason,
        day,
        StatementType::ConsentDenied,
    )?;
    Ok(())
}

/// The `transit_objected` rule.
pub(super) fn transit_objected(cx: &Ctx<'_>, next: &mut Case, r: Reasoned) -> Result<(), Refusal> {
    let Ctx {
        case, actor, day, ..
    } = *cx;
    let n = notification_of(case, StatementType::TransitObjected)?;
    let country = transit_state_of(n, actor).ok_or_else(|| {
        Refusal::new(RuleId::Pic06, "Only the competent authority of a State of transit objects to transit, and only for its own State.")
    })?;
    deny(
        case,
        next,
        &country,
        r.reason,
        day,
        StatementType::TransitObjected,
    )?;
    Ok(())
}

/// The `contract_confirmed` rule.
pub(super) fn contract_confirmed(
    cx: &Ctx<'_>,
    next: &mut Case,
    c: ContractConfirmed,
) -> Result<(), Refusal> {
    let Ctx {
        case, actor, day, ..
    } = *cx;
    let n = notification_of(case, StatementType::ContractConfirmed)?;
    if !is_ca_of(actor, &n.import.country) {
        return Err(Refusal::new(
            RuleId::Pic05,
            format!(
                "Only the competent authority of {} (State of import) confirms the contract.",
                n.import.country.as_str()
            ),
        ));
    }
    if case.phase != Phase::Transmitted {
        return Err(state_refusal(case, StatementType::ContractConfirmed));
    }
    if case.contract_confirmed_on.is_some() {
        return Err(Refusal::new(
            RuleId::Case01,
            "The contract is already confirmed.",
        ));
    }
    if c.reference != n.contract.reference {
        return Err(Refusal::new(
            RuleId::Pic05,
            format!(
                "The confirmed contract {} is not the notified contract {}.",
                c.reference, n.contract.reference
            ),
        ));
    }
    next.contract_confirmed_on = Some(day);
    Ok(())
}

/// The `consent_withdrawn` rule.
pub(super) fn consent_withdrawn(cx: &Ctx<'_>, next: &mut Case, r: Reasoned) -> Result<(), Refusal> {
    let Ctx {
        case, actor, day, ..
    } = *cx;
    let n = notification_of(case, StatementType::ConsentWithdrawn)?;
    let country = concerned_answering_state(n, actor).ok_or_else(|| {
        Refusal::new(
            RuleId::Pic04,
            "Only the competent authority that consented withdraws its consent.",
        )
    })?;
    if !matches!(case.phase, Phase::Transmitted) {
        return Err(state_refusal(case, StatementType::ConsentWithdrawn));
    }
    let ans = next
        .answer_of_mut(&country)
        .ok_or_else(|| state_refusal(case, StatementType::ConsentWithdrawn))?;
    if !matches!(ans.answer, AnswerStatus::Consented { .. }) {
        return Err(Refusal::new(
            RuleId::Case01,
            format!("{} has no consent in force to withdraw.", country.as_str()),
        ));
    }
    ans.answer = AnswerStatus::Withdrawn {
        on: day,
        reason: r.reason,
    };
    Ok(())
}

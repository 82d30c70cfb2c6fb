//! Notification statements: `notification.submitted` (with the case id, CASE-03), `.transmitted`, `.acknowledged`, `.withdrawn`, `information.requested` and `.provided`.

use super::apply::*;
use super::dates::*;
use crate::body::{
    Acknowledged, InformationProvided, InformationRequested, Notification, NotificationKind,
    ParticipantKind, Reasoned, StatementType, Transmitted,
};
use crate::case::{AnswerStatus, Case, Phase, StateAnswer};
use crate::codes::code_info;
use crate::facts::CountryCode;
use crate::json::fmt_date;
use crate::registry::Participant;
use crate::verdict::{Refusal, RuleId};

/// The characters of a case id's serial: digits and upper-case letters without the
/// look-alikes I, L, O and U (Crockford's base 32).
const SERIAL_CHARS: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// CASE-03: a case id is `<CC>-<YYYY>-<serial>` — `CC` the State of export (ISO 3166-1
/// alpha-2, upper case), which must be the notifier's country; `YYYY` four digits; `serial` 1
/// to 12 characters of [`SERIAL_CHARS`]. ASCII only, no spaces, no look-alike characters, so
/// that a number read from paper or a phone is typed back unambiguously.
pub fn check_case_id(
    id: &str,
    export: &CountryCode,
    notifier: &Participant,
) -> Result<(), Refusal> {
    let refuse = |why: String| {
        Refusal::new(
            RuleId::Case03,
            format!(
                "Case id {id:?} {why}; the pattern is <State of export>-<YYYY>-<serial>, e.g. {}-2026-0001, with a serial of 1-12 digits or upper-case letters other than I, L, O, U.",
                export.as_str()
            ),
        )
    };
    let mut parts = id.splitn(3, '-');
    let (Some(cc), Some(year), Some(serial)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(refuse("does not have three parts".into()));
    };
    if cc.len() != 2 || !cc.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(refuse(
            "does not start with a State's two-letter code".into(),
        ));
    }
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return Err(refuse("has no four-digit year".into()));
    }
    if serial.is_empty() || serial.len() > 12 || !serial.chars().all(|c| SERIAL_CHARS.contains(c)) {
        return Err(refuse(
            "has a serial that is empty, longer than 12 characters or holds other characters"
                .into(),
        ));
    }
    if cc != export.as_str() {
        return Err(refuse(format!(
            "does not start with the State of export, {}",
            export.as_str()
        )));
    }
    if notifier.country != *export {
        return Err(refuse(format!(
            "would be opened by {} of {}: cases are opened only under the notifier's own State",
            notifier.id,
            notifier.country.as_str()
        )));
    }
    Ok(())
}

/// `notification.submitted`: the notifier's Annex V A notification opens the case.
/// The `submit` rule.
pub(super) fn submit(cx: &Ctx<'_>, next: &mut Case, n: Notification) -> Result<(), Refusal> {
    let Ctx {
        actor,
        registry,
        facts,
        day,
        ..
    } = *cx;
    if next.phase != Phase::New {
        return Err(state_refusal(next, StatementType::NotificationSubmitted));
    }
    let x = n.export.country;
    let m = n.import.country;
    // Who notifies: the exporter or a generator named in the notification, of the State of export.
    let is_notifier = (actor.kind == ParticipantKind::Exporter && actor.id == n.exporter)
        || (actor.kind == ParticipantKind::Generator
            && n.generators.iter().any(|g| g.participant == actor.id));
    if !is_notifier {
        return Err(Refusal::new(
            RuleId::Pic01,
            "Only the exporter or a generator named in the notification submits it (through the competent authority of the State of export).",
        ));
    }
    check_case_id(&next.id, &x, actor)?;
    // Parties, by kind and country (Annex V A items 2-8).
    expect_party(
        registry,
        &n.exporter,
        ParticipantKind::Exporter,
        Some(&x),
        RuleId::Pic02,
        "exporter",
    )?;
    for g in &n.generators {
        expect_party(
            registry,
            &g.participant,
            ParticipantKind::Generator,
            Some(&x),
            RuleId::Pic02,
            "generator",
        )?;
    }
    expect_party(
        registry,
        &n.importer,
        ParticipantKind::Importer,
        Some(&m),
        RuleId::Pic02,
        "importer",
    )?;
    expect_party(
        registry,
        &n.disposer,
        ParticipantKind::Disposer,
        Some(&m),
        RuleId::Pic02,
        "disposer",
    )?;
    for c in &n.carriers {
        expect_party(
            registry,
            c,
            ParticipantKind::Carrier,
            None,
            RuleId::Pic02,
            "carrier",
        )?;
    }
    expect_party(
        registry,
        &n.export.authority,
        ParticipantKind::CompetentAuthority,
        Some(&x),
        RuleId::Pic01,
        "competent authority of export",
    )?;
    expect_party(
        registry,
        &n.import.authority,
        ParticipantKind::CompetentAuthority,
        Some(&m),
        RuleId::Pic01,
        "competent authority of import",
    )?;
    expect_party(
        registry,
        &n.export.customs_office,
        ParticipantKind::CustomsOffice,
        Some(&x),
        RuleId::Pic02,
        "customs office of exit",
    )?;
    expect_party(
        registry,
        &n.import.customs_office,
        ParticipantKind::CustomsOffice,
        Some(&m),
        RuleId::Pic02,
        "customs office of entry",
    )?;
    let mut seen: Vec<CountryCode> = vec![x, m];
    for t in &n.transit {
        if seen.contains(&t.country) {
            return Err(Refusal::new(
                RuleId::Pic02,
                format!(
                    "{} appears more than once among the States concerned.",
                    t.country.as_str()
                ),
            ));
        }
        seen.push(t.country);
        let non_party = !facts
            .basel_party(&t.country, n.period.first_departure)
            .is_true();
        let rule = if non_party {
            RuleId::Pic03
        } else {
            RuleId::Pic01
        };
        expect_party(
            registry,
            &t.authority,
            ParticipantKind::CompetentAuthority,
            Some(&t.country),
            rule,
            "authority of the State of transit",
        )?;
        for o in t.entry_office.iter().chain(t.exit_office.iter()) {
            expect_party(
                registry,
                o,
                ParticipantKind::CustomsOffice,
                Some(&t.country),
                RuleId::Pic02,
                "customs office of transit",
            )?;
        }
    }
    for c in &n.national_hazardous_in {
        if !seen.contains(c) {
            return Err(Refusal::new(
                RuleId::Pic18,
                format!(
                    "{} is not a State concerned, so its national definition does not apply to this movement.",
                    c.as_str()
                ),
            ));
        }
    }
    // Codes in force when the shipments are to start (CLS-01).
    for code in &n.waste.codes {
        if code_info(code, n.period.first_departure).is_none() {
            return Err(Refusal::new(
                RuleId::Cls01,
                format!(
                    "Waste code {} is not in force on {}, the first planned departure.",
                    code.as_str(),
                    fmt_date(n.period.first_departure)
                ),
            ));
        }
    }
    // General notification: at most 12 months (Art. 6(8)).
    if n.kind == NotificationKind::General {
        let end = months_end(n.period.first_departure, 12);
        if n.period.last_departure > end {
            return Err(Refusal::new(
                RuleId::Pic12,
                format!(
                    "A general notification covers at most 12 months: from {} at most until {}.",
                    fmt_date(n.period.first_departure),
                    fmt_date(end)
                ),
            ));
        }
    }
    if n.justification.is_none() {
        return Err(Refusal::new(
            RuleId::Ban08,
            "The notification must declare which Art. 4(9) justification applies (no capacity in the State of export, raw material for recovery, or other criteria set by the Conference of the Parties).",
        ));
    }
    if n.esm_assessment.is_none() {
        return Err(Refusal::new(
            RuleId::Ban09,
            "The notification must give the information on which the exporter or generator based its assessment that the wastes will be managed in an environmentally sound manner (Annex V A item 20).",
        ));
    }
    next.import = Some(StateAnswer::new(m, &n.import.authority));
    next.transit = n
        .transit
        .iter()
        .map(|t| StateAnswer::new(t.country, &t.authority))
        .collect();
    next.notifier = Some(actor.id.clone());
    next.submitted_on = Some(day);
    next.phase = Phase::Submitted;
    next.notification = Some(n);
    Ok(())
}

/// The `transmitted` rule.
pub(super) fn transmitted(cx: &Ctx<'_>, next: &mut Case, t: Transmitted) -> Result<(), Refusal> {
    let Ctx {
        case, actor, day, ..
    } = *cx;
    let n = notification_of(case, StatementType::NotificationTransmitted)?;
    if !is_ca_of(actor, &n.export.country) {
        return Err(Refusal::new(
            RuleId::Pic01,
            format!(
                "Only the competent authority of {} (State of export) transmits the notification.",
                n.export.country.as_str()
            ),
        ));
    }
    if case.phase != Phase::Submitted {
        return Err(state_refusal(case, StatementType::NotificationTransmitted));
    }
    not_future(t.sent_on, day, "sending date")?;
    if case.submitted_on.is_some_and(|s| t.sent_on < s) {
        return Err(Refusal::new(
            RuleId::Case02,
            "The notification cannot be sent before it was submitted.",
        ));
    }
    next.transmitted_on = Some(t.sent_on);
    next.phase = Phase::Transmitted;
    Ok(())
}

/// The `acknowledged` rule.
pub(super) fn acknowledged(cx: &Ctx<'_>, next: &mut Case, a: Acknowledged) -> Result<(), Refusal> {
    let Ctx {
        case, actor, day, ..
    } = *cx;
    let n = notification_of(case, StatementType::NotificationAcknowledged)?;
    let country = concerned_answering_state(n, actor).ok_or_else(|| {
        Refusal::new(RuleId::Pic06, "Only the competent authority of a State of transit or import acknowledges receipt of the notification.")
    })?;
    if case.phase != Phase::Transmitted {
        return Err(state_refusal(case, StatementType::NotificationAcknowledged));
    }
    not_future(a.received_on, day, "receipt date")?;
    if case.transmitted_on.is_some_and(|t| a.received_on < t) {
        return Err(Refusal::new(
            RuleId::Case02,
            "The notification cannot be received before it was sent.",
        ));
    }
    let ans = next
        .answer_of_mut(&country)
        .ok_or_else(|| state_refusal(case, StatementType::NotificationAcknowledged))?;
    if ans.acknowledged_on.is_some() {
        return Err(Refusal::new(
            RuleId::Case01,
            format!("{} already acknowledged receipt.", country.as_str()),
        ));
    }
    ans.acknowledged_on = Some(a.received_on);
    ans.clock_from = Some(a.received_on);
    Ok(())
}

/// The `withdrawn` rule.
pub(super) fn withdrawn(cx: &Ctx<'_>, next: &mut Case, _: Reasoned) -> Result<(), Refusal> {
    let Ctx { case, actor, .. } = *cx;
    let n = notification_of(case, StatementType::NotificationWithdrawn)?;
    let may = case.notifier.as_deref() == Some(actor.id.as_str())
        || actor.id == n.exporter
        || is_ca_of(actor, &n.export.country);
    if !may {
        return Err(Refusal::new(
            RuleId::Pic01,
            "Only the notifier, the exporter or the competent authority of the State of export withdraws a notification.",
        ));
    }
    if !matches!(case.phase, Phase::Submitted | Phase::Transmitted) {
        return Err(state_refusal(case, StatementType::NotificationWithdrawn));
    }
    next.phase = Phase::Withdrawn;
    Ok(())
}

/// The `information_requested` rule.
pub(super) fn information_requested(
    cx: &Ctx<'_>,
    next: &mut Case,
    r: InformationRequested,
) -> Result<(), Refusal> {
    let Ctx {
        case, actor, day, ..
    } = *cx;
    let n = notification_of(case, StatementType::InformationRequested)?;
    let country = concerned_answering_state(n, actor).ok_or_else(|| {
        Refusal::new(RuleId::Pic04, "Only the competent authority of the State of import or of a State of transit asks for more information, each for its own State.")
    })?;
    if case.phase != Phase::Transmitted {
        return Err(state_refusal(case, StatementType::InformationRequested));
    }
    let ans = next
        .answer_of_mut(&country)
        .ok_or_else(|| state_refusal(case, StatementType::InformationRequested))?;
    if !matches!(
        ans.answer,
        AnswerStatus::Pending | AnswerStatus::InformationRequested { .. }
    ) {
        return Err(Refusal::new(
            RuleId::Case01,
            format!(
                "{} has already answered the notification.",
                country.as_str()
            ),
        ));
    }
    ans.answer = AnswerStatus::InformationRequested {
        on: day,
        questions: r.questions,
    };
    Ok(())
}

/// The `information_provided` rule.
pub(super) fn information_provided(
    cx: &Ctx<'_>,
    next: &mut Case,
    p: InformationProvided,
) -> Result<(), Refusal> {
    let Ctx {
        case,
        actor,
        facts,
        day,
        ..
    } = *cx;
    let n = notification_of(case, StatementType::InformationProvided)?;
    let may = case.notifier.as_deref() == Some(actor.id.as_str()) || actor.id == n.exporter;
    if !may {
        return Err(Refusal::new(
            RuleId::Pic01,
            "Only the notifier or the exporter answers a request for information.",
        ));
    }
    if case.phase != Phase::Transmitted {
        return Err(state_refusal(case, StatementType::InformationProvided));
    }
    let restart = facts.setting().info_request_restarts_transit_clock.value;
    let is_transit = n.transit.iter().any(|t| t.country == p.to);
    let ans = next.answer_of_mut(&p.to).ok_or_else(|| {
        Refusal::new(
            RuleId::Case02,
            format!(
                "{} is not a State of import or transit of this notification.",
                p.to.as_str()
            ),
        )
    })?;
    if !matches!(ans.answer, AnswerStatus::InformationRequested { .. }) {
        return Err(Refusal::new(
            RuleId::Case01,
            format!("{} has no open request for information.", p.to.as_str()),
        ));
    }
    ans.answer = AnswerStatus::Pending;
    if restart && is_transit && ans.acknowledged_on.is_some() {
        ans.clock_from = Some(day);
    }
    Ok(())
}

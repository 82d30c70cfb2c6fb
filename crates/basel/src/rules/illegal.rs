//! Illegal traffic and take-back duties: `reimport.required` (Art. 8, Art. 9),
//! `illegal_traffic.reported` (a movement the log never saw, Art. 9(1)-(2)) and
//! `responsibility.determined` (who caused it, Art. 9(2)-(4)).

use time::Date;

use super::apply::*;
use super::classify::{Class, classify};
use super::dates::*;
use super::notification::check_case_id;
use super::*;
use crate::body::{
    Art9Point, Cause, IllegalTrafficReport, ParticipantKind, ReimportGround, ReimportRequired,
    ResponsibilityDetermined, StatementType,
};
use crate::case::{Case, Duty, Irregularity, Reimport, Reported, Responsibility, Shipment};
use crate::codes::WasteCode;
use crate::facts::{CountryCode, Facts};
use crate::json::fmt_date;
use crate::registry::Participant;
use crate::verdict::{Outcome, Refusal, RuleId};

/// The `reimport_required` rule.
pub(super) fn reimport_required(
    cx: &Ctx<'_>,
    next: &mut Case,
    r: ReimportRequired,
) -> Result<(), Refusal> {
    let Ctx {
        case, actor, day, ..
    } = *cx;
    let n = notification_of(case, StatementType::ReimportRequired)?;
    let may = match r.ground {
        ReimportGround::CannotBeCompleted => is_ca_of(actor, &n.import.country),
        ReimportGround::IllegalTraffic => {
            is_ca_of(actor, &n.import.country) || is_ca_of(actor, &n.export.country)
        }
    };
    if !may {
        let (rule, who) = match r.ground {
            ReimportGround::CannotBeCompleted => (
                RuleId::Art801,
                "the competent authority of the State of import",
            ),
            ReimportGround::IllegalTraffic => (
                RuleId::Art901,
                "the competent authority of the State of export or import",
            ),
        };
        return Err(Refusal::new(
            rule,
            format!("Only {who} files this re-import duty."),
        ));
    }
    not_future(r.informed_on, day, "date of information")?;
    let s = next.shipments.get_mut(&r.shipment_no).ok_or_else(|| {
        Refusal::new(
            RuleId::Case02,
            format!("Shipment {} is not known in this case.", r.shipment_no),
        )
    })?;
    if s.reimport.is_some() {
        return Err(Refusal::new(
            RuleId::Case01,
            format!(
                "A re-import duty is already recorded for shipment {}.",
                r.shipment_no
            ),
        ));
    }
    if r.ground == ReimportGround::CannotBeCompleted && s.completed_on.is_some() {
        return Err(Refusal::new(
            RuleId::Art801,
            "The disposal of this shipment is completed; there is nothing to take back.",
        ));
    }
    if r.ground == ReimportGround::IllegalTraffic && !s.is_illegal_traffic() {
        s.irregularities.push(Irregularity::new(
            RuleId::Art901,
            format!(
                "Illegal traffic found by the competent authority: {}",
                r.reason
            ),
            r.informed_on,
        ));
    }
    let days = r.agreed_days.unwrap_or(match r.ground {
        ReimportGround::CannotBeCompleted => ART8_DAYS,
        ReimportGround::IllegalTraffic => ART9_DAYS,
    });
    s.reimport = Some(Reimport {
        ground: r.ground,
        informed_on: r.informed_on,
        due: add_days(r.informed_on, i64::from(days)),
        reason: r.reason,
    });
    Ok(())
}

/// The citation of an illegal-traffic irregularity under a point of Art. 9(1).
fn point_citation(point: Art9Point) -> &'static str {
    match point {
        Art9Point::A => "Basel Art. 9(1)(a)",
        Art9Point::B => "Basel Art. 9(1)(b)",
        Art9Point::C => "Basel Art. 9(1)(c)",
        Art9Point::D => "Basel Art. 9(1)(d)",
        Art9Point::E => "Basel Art. 9(1)(e)",
    }
}

/// `illegal_traffic.reported`: a competent authority or customs office reports a movement the
/// log never saw. The wastes must be hazardous or other wastes (Art. 1) on the day found; the
/// State of export's Art. 9(2) duty runs from the day it was informed.
pub(super) fn reported(
    cx: &Ctx<'_>,
    next: &mut Case,
    r: IllegalTrafficReport,
) -> Result<(), Refusal> {
    let Ctx {
        case,
        actor,
        registry,
        facts,
        day,
    } = *cx;
    may_report(actor, &r)?;
    expect_party(
        registry,
        &r.export.authority,
        ParticipantKind::CompetentAuthority,
        Some(&r.export.country),
        RuleId::Art902,
        "competent authority of the State of export",
    )?;
    if let Some(m) = &r.import {
        expect_party(
            registry,
            &m.authority,
            ParticipantKind::CompetentAuthority,
            Some(&m.country),
            RuleId::Art902,
            "competent authority of the State of import",
        )?;
    }
    not_future(r.found_on, day, "day found")?;
    if let Some(informed) = r.informed_on {
        not_future(informed, day, "date of information")?;
    }
    report_fits_case(case, actor, &r)?;
    controlled_waste(&r, facts)?;
    let s = reported_shipment(r, actor, day);
    next.shipments.insert(s.shipment_no, s);
    Ok(())
}

/// The shipment a report opens: an ART9-01 irregularity citing the report's point of
/// Art. 9(1), and the report with the start and end of the Art. 9(2) period.
fn reported_shipment(r: IllegalTrafficReport, actor: &Participant, day: Date) -> Shipment {
    let informed_on = r
        .informed_on
        .unwrap_or(if actor.country == r.export.country {
            r.found_on
        } else {
            day
        });
    let due = add_days(informed_on, i64::from(r.agreed_days.unwrap_or(ART9_DAYS)));
    let mut s = Shipment::new(r.shipment_no);
    let mut irregularity = Irregularity::new(
        RuleId::Art901,
        format!(
            "Reported by {} on {}: found at {} in {} on {}, {} ({}). {}",
            actor.id,
            fmt_date(day),
            r.found_at,
            r.found_in.as_str(),
            fmt_date(r.found_on),
            r.point.words(),
            r.point.provision(),
            r.grounds
        ),
        r.found_on,
    );
    irregularity.citation = point_citation(r.point);
    s.irregularities.push(irregularity);
    s.reported = Some(Reported {
        report: r,
        by: actor.id.clone(),
        informed_on,
        due,
    });
    s
}

/// Who may report illegal traffic: a competent authority of the State where the movement was
/// found or of a State it names, or a customs office of the State where it was found.
fn may_report(actor: &Participant, r: &IllegalTrafficReport) -> Result<(), Refusal> {
    let named = [Some(r.export.country), r.import.as_ref().map(|m| m.country)]
        .into_iter()
        .flatten()
        .chain(r.transit.iter().copied())
        .chain(std::iter::once(r.found_in))
        .any(|c| c == actor.country);
    match actor.kind {
        ParticipantKind::CustomsOffice if actor.country == r.found_in => Ok(()),
        ParticipantKind::CustomsOffice => Err(Refusal::new(
            RuleId::Art902,
            format!(
                "A customs office reports what it found in its own State: {} is in {}, the movement was found in {}.",
                actor.id,
                actor.country.as_str(),
                r.found_in.as_str()
            ),
        )),
        ParticipantKind::CompetentAuthority if named => Ok(()),
        ParticipantKind::CompetentAuthority => Err(Refusal::new(
            RuleId::Art902,
            format!(
                "{} is the competent authority of {}, which the report does not name as a State of export, transit or import or as the State where the movement was found.",
                actor.id,
                actor.country.as_str()
            ),
        )),
        _ => Err(Refusal::new(
            RuleId::Art902,
            format!(
                "Only a competent authority or a customs office reports illegal traffic; {} is a {}.",
                actor.id, actor.kind
            ),
        )),
    }
}

/// A report opens a case the log never saw (its id under the reporter's State), or adds a
/// shipment without a movement document to a case of the same State of export.
fn report_fits_case(
    case: &Case,
    actor: &Participant,
    r: &IllegalTrafficReport,
) -> Result<(), Refusal> {
    if r.shipment_no == 0 {
        return Err(Refusal::new(RuleId::Case02, "Shipment numbers start at 1."));
    }
    if let Some(s) = case.shipments.get(&r.shipment_no) {
        let why = if s.document.is_some() {
            "has a movement document: the log saw it move; record a finding (responsibility.determined) or a re-import duty instead"
        } else {
            "is already recorded"
        };
        return Err(Refusal::new(
            RuleId::Case01,
            format!("Shipment {} of case {} {why}.", r.shipment_no, case.id),
        ));
    }
    let export = case
        .notification
        .as_ref()
        .map(|n| n.export.country)
        .or_else(|| {
            case.shipments
                .values()
                .find_map(|s| s.reported.as_ref())
                .map(|p| p.report.export.country)
        });
    match export {
        Some(x) if x != r.export.country => Err(Refusal::new(
            RuleId::Case02,
            format!(
                "Case {} is about movements from {}, not from {}: report this movement in a case of its own.",
                case.id,
                x.as_str(),
                r.export.country.as_str()
            ),
        )),
        Some(_) => Ok(()),
        None => report_case_id(&case.id, actor),
    }
}

/// A case opened by a report carries the reporting State's code (CASE-03).
fn report_case_id(id: &str, actor: &Participant) -> Result<(), Refusal> {
    if !id.starts_with(&format!("{}-", actor.country.as_str())) {
        return Err(Refusal::new(
            RuleId::Case03,
            format!(
                "Case id {id:?} does not start with {}: a report opens a case under the reporting State ({} of {}).",
                actor.country.as_str(),
                actor.id,
                actor.country.as_str()
            ),
        ));
    }
    check_case_id(id, &actor.country, actor)
}

/// Only hazardous wastes and other wastes (Art. 1) can be illegal traffic (Art. 9(1)): a
/// report of Annex IX wastes that no State concerned defines as hazardous is refused.
fn controlled_waste(r: &IllegalTrafficReport, facts: &Facts) -> Result<(), Refusal> {
    let mut reasons = Vec::new();
    let class = classify(
        &r.waste.codes,
        &r.national_hazardous_in,
        facts,
        r.found_on,
        &mut reasons,
    );
    match class {
        Some(Class::NonControlled) => {
            let codes: Vec<&str> = r.waste.codes.iter().map(WasteCode::as_str).collect();
            Err(Refusal::new(
                RuleId::Cls01,
                format!(
                    "On {} the code(s) {} are Annex IX wastes only and no State concerned defines them as hazardous: they are neither hazardous wastes nor other wastes (Art. 1), so their movement is not illegal traffic under Art. 9(1).",
                    fmt_date(r.found_on),
                    codes.join(", ")
                ),
            ))
        }
        Some(_) => Ok(()),
        None => Err(reasons
            .iter()
            .find(|x| x.outcome != Outcome::Met)
            .map(Refusal::from_reason)
            .unwrap_or_else(|| {
                Refusal::new(RuleId::Cls01, "The wastes reported cannot be classified.")
            })),
    }
}

/// `responsibility.determined`: a competent authority of a State concerned finds who caused
/// the illegal traffic of a shipment; the duty, its owner and due date follow (Art. 9(2)-(4)).
pub(super) fn responsibility_determined(
    cx: &Ctx<'_>,
    next: &mut Case,
    f: ResponsibilityDetermined,
) -> Result<(), Refusal> {
    let Ctx {
        case, actor, day, ..
    } = *cx;
    let parties = parties_of(case, f.shipment_no)?;
    let concerned = parties.concerned();
    let rule_of_cause = match f.caused_by {
        Cause::Exporter | Cause::Generator => RuleId::Art902,
        Cause::Importer | Cause::Disposer => RuleId::Art903,
        Cause::NotAssignable => RuleId::Art904,
    };
    may_determine(actor, &parties, rule_of_cause)?;
    if let Some(informed) = f.informed_on {
        not_future(informed, day, "date of information")?;
    }
    let s = next.shipments.get_mut(&f.shipment_no).ok_or_else(|| {
        Refusal::new(
            RuleId::Case02,
            format!("Shipment {} is not known in this case.", f.shipment_no),
        )
    })?;
    if !s.is_illegal_traffic() {
        return Err(Refusal::new(
            RuleId::Art901,
            format!(
                "Shipment {} is not recorded as illegal traffic: report it (illegal_traffic.reported) or record the ground (reimport.required) first.",
                f.shipment_no
            ),
        ));
    }
    if s.responsibility.is_some() {
        return Err(Refusal::new(
            RuleId::Case01,
            format!(
                "Responsibility for shipment {} is already determined.",
                f.shipment_no
            ),
        ));
    }
    let rule_id = rule_of_cause;
    let owners = match rule_id {
        RuleId::Art903 => vec![parties.import.clone().ok_or_else(|| {
            Refusal::new(
                RuleId::Art903,
                "The report names no State of import: a duty of the State of import cannot be assigned.",
            )
        })?],
        RuleId::Art904 => concerned.clone(),
        _ => vec![parties.export.clone()],
    };
    let informed_on = (rule_id != RuleId::Art904).then(|| {
        f.informed_on
            .unwrap_or_else(|| default_informed(s, rule_id, &owners, day))
    });
    let agreed = f
        .agreed_days
        .or_else(|| {
            s.reported
                .as_ref()
                .filter(|_| rule_id == RuleId::Art902)
                .and_then(|p| p.report.agreed_days)
        })
        .unwrap_or(ART9_DAYS);
    let due = informed_on.map(|d| add_days(d, i64::from(agreed)));
    s.responsibility = Some(Responsibility {
        caused_by: f.caused_by,
        grounds: f.grounds,
        by: actor.id.clone(),
        on: day,
        rule_id,
        owners,
        informed_on,
        due,
    });
    Ok(())
}

/// Who may record a finding: a competent authority of a State concerned (of the notification,
/// or named by the report). A refusal cites the rule of the duty the finding would assign.
fn may_determine(actor: &Participant, parties: &Parties, rule: RuleId) -> Result<(), Refusal> {
    let states: Vec<CountryCode> = parties
        .concerned()
        .iter()
        .map(|d| d.country)
        .chain(parties.other_states.iter().copied())
        .collect();
    if states.iter().any(|c| is_ca_of(actor, c)) {
        return Ok(());
    }
    Err(Refusal::new(
        rule,
        format!(
            "Only a competent authority of a State concerned ({}) determines who caused the illegal traffic; {} is a {} of {}.",
            states
                .iter()
                .map(CountryCode::as_str)
                .collect::<Vec<_>>()
                .join(", "),
            actor.id,
            actor.kind,
            actor.country.as_str()
        ),
    ))
}

/// When the State that owes the duty learnt of the illegal traffic, if the finding does not
/// say: for Art. 9(2) the day the report informed the State of export, else a re-import
/// duty's date of information; for Art. 9(3) the day found when it was found in the State of
/// import; otherwise the day of the finding.
fn default_informed(s: &Shipment, rule: RuleId, owners: &[Duty], day: Date) -> Date {
    let owner = owners.first().map(|d| d.country);
    match rule {
        RuleId::Art902 => s
            .reported
            .as_ref()
            .map(|p| p.informed_on)
            .or_else(|| s.reimport.as_ref().map(|r| r.informed_on))
            .unwrap_or(day),
        _ => s
            .reported
            .as_ref()
            .filter(|p| Some(p.report.found_in) == owner)
            .map(|p| p.report.found_on)
            .unwrap_or(day),
    }
}

/// The States of a shipment with their competent authorities: from the notification, else
/// from the report that opened it.
pub(super) struct Parties {
    pub(super) export: Duty,
    pub(super) transit: Vec<Duty>,
    pub(super) import: Option<Duty>,
    /// States a report names without an authority (transit, where found).
    pub(super) other_states: Vec<CountryCode>,
}

impl Parties {
    /// Every State concerned with an authority: export, transit, import.
    pub(super) fn concerned(&self) -> Vec<Duty> {
        std::iter::once(self.export.clone())
            .chain(self.transit.iter().cloned())
            .chain(self.import.iter().cloned())
            .collect()
    }
}

pub(super) fn parties_of(case: &Case, shipment_no: u32) -> Result<Parties, Refusal> {
    let duty = |country: CountryCode, authority: &str| Duty {
        country,
        authority: authority.to_owned(),
    };
    if let Some(n) = &case.notification {
        return Ok(Parties {
            export: duty(n.export.country, &n.export.authority),
            transit: n
                .transit
                .iter()
                .map(|t| duty(t.country, &t.authority))
                .collect(),
            import: Some(duty(n.import.country, &n.import.authority)),
            other_states: Vec::new(),
        });
    }
    let p = case
        .shipments
        .get(&shipment_no)
        .and_then(|s| s.reported.as_ref())
        .ok_or_else(|| {
            Refusal::new(
                RuleId::Case02,
                format!("Shipment {shipment_no} is not known in this case."),
            )
        })?;
    Ok(Parties {
        export: duty(p.report.export.country, &p.report.export.authority),
        transit: Vec::new(),
        import: p
            .report
            .import
            .as_ref()
            .map(|m| duty(m.country, &m.authority)),
        other_states: p
            .report
            .transit
            .iter()
            .copied()
            .chain(std::iter::once(p.report.found_in))
            .collect(),
    })
}

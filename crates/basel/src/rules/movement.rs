//! Movement statements: `movement.started`, `custody.transferred`, `border.exited` and `border.entered`.

use super::apply::*;
use super::may_start::*;
use crate::body::{
    BorderCrossing, CustodyTransferred, MovementDocument, Notification, ParticipantKind,
    StatementType,
};
use crate::case::{Case, Crossing, CustodyEvent, Direction, Irregularity, Shipment};

use crate::verdict::{Decision, Outcome, Refusal, RuleId};

use super::deviation::{Deviation, deviation, waste_seen_differs};

/// `movement.started`: the exporter or notifier starts a shipment when [`may_start`] says so.
/// The `start` rule.
pub(super) fn start(cx: &Ctx<'_>, next: &mut Case, d: MovementDocument) -> Result<(), Refusal> {
    let Ctx {
        case,
        actor,
        registry,
        facts,
        day,
    } = *cx;
    let n = notification_of(case, StatementType::MovementStarted)?;
    let may = actor.id == n.exporter || case.notifier.as_deref() == Some(actor.id.as_str());
    if !may {
        return Err(Refusal::new(
            RuleId::Pic17,
            format!(
                "Only the exporter named in the notification ({}) or the notifier starts a movement.",
                n.exporter
            ),
        ));
    }
    not_future(d.started_on, day, "start date")?;
    for c in &d.carriers {
        expect_party(
            registry,
            c,
            ParticipantKind::Carrier,
            None,
            RuleId::Pic17,
            "carrier",
        )?;
    }
    let verdict = evaluate(case, d.shipment_no, facts, d.started_on, Some(&d));
    if verdict.decision != Decision::MayStart {
        let first = verdict
            .reasons
            .iter()
            .find(|r| r.outcome != Outcome::Met)
            .map(Refusal::from_reason)
            .unwrap_or_else(|| Refusal::new(verdict.rule_id, verdict.message.clone()));
        return Err(first);
    }
    let mut s = Shipment::new(d.shipment_no);
    s.holder = Some(actor.id.clone());
    s.document = Some(d);
    next.shipments.insert(s.shipment_no, s);
    Ok(())
}

/// The `custody_transferred` rule.
pub(super) fn custody_transferred(
    cx: &Ctx<'_>,
    next: &mut Case,
    t: CustodyTransferred,
) -> Result<(), Refusal> {
    let Ctx {
        case,
        actor,
        facts,
        day,
        ..
    } = *cx;
    if actor.kind != ParticipantKind::Carrier {
        return Err(Refusal::new(
            RuleId::Pic13,
            format!(
                "Only a carrier takes custody of a shipment; {} is a {}.",
                actor.id, actor.kind
            ),
        ));
    }
    not_future(t.on, day, "hand-over date")?;
    let s = started_shipment(next, t.shipment_no)?;
    let Some(doc) = s.document.as_ref() else {
        return Err(Refusal::new(
            RuleId::Pic17,
            "The shipment has no movement document.",
        ));
    };
    let other_carrier = (!doc.carriers.contains(&actor.id)).then(|| {
        deviation(
            facts,
            case,
            &doc.codes,
            Deviation::Carrier,
            t.on,
            format!(
                "Shipment {} was taken over by carrier {}, which the movement document does not name ({})",
                t.shipment_no,
                actor.id,
                doc.carriers.join(", ")
            ),
        )
    });
    if s.received_on.is_some() {
        return Err(Refusal::new(
            RuleId::Pic13,
            "The disposer has already received the shipment.",
        ));
    }
    if s.holder.as_deref() != Some(t.from.as_str()) {
        return Err(Refusal::new(
            RuleId::Pic13,
            format!(
                "{} does not hold shipment {}; {} does.",
                t.from,
                t.shipment_no,
                s.holder.as_deref().unwrap_or("nobody")
            ),
        ));
    }
    if t.from == actor.id {
        return Err(Refusal::new(
            RuleId::Pic13,
            "A carrier cannot hand the shipment over to itself.",
        ));
    }
    if doc.started_on > t.on || s.custody.last().is_some_and(|c| c.on > t.on) {
        return Err(Refusal::new(
            RuleId::Pic13,
            "The hand-over date is before the previous step of the chain of custody.",
        ));
    }
    s.irregularities.extend(other_carrier);
    s.custody.push(CustodyEvent {
        holder: actor.id.clone(),
        from: t.from,
        on: t.on,
    });
    s.holder = Some(actor.id.clone());
    Ok(())
}

/// `border.exited` and `border.entered`: a customs office records a crossing.
pub(super) fn border(
    cx: &Ctx<'_>,
    next: &mut Case,
    b: BorderCrossing,
    dir: Direction,
) -> Result<(), Refusal> {
    let Ctx {
        case,
        actor,
        facts,
        day,
        ..
    } = *cx;
    if actor.kind != ParticipantKind::CustomsOffice {
        return Err(Refusal::new(
            RuleId::Pic17,
            format!(
                "Only a customs office records a border crossing; {} is a {}.",
                actor.id, actor.kind
            ),
        ));
    }
    not_future(b.on, day, "crossing date")?;
    let (n, doc) = movement_of(case, b.shipment_no, "border crossing")?;
    if b.on < doc.started_on {
        return Err(Refusal::new(
            RuleId::Case02,
            "The shipment cannot cross a border before it started.",
        ));
    }
    let country = actor.country;
    let crossing = Crossing {
        direction: dir,
        office: actor.id.clone(),
        country,
        on: b.on,
    };
    let word = if dir == Direction::Exit {
        "leaving"
    } else {
        "entering"
    };
    let expected = match dir {
        Direction::Exit if country == n.export.country => Some(&doc.exit_office),
        Direction::Entry if country == n.import.country => Some(&doc.entry_office),
        Direction::Exit => n
            .transit
            .iter()
            .find(|t| t.country == country)
            .and_then(|t| t.exit_office.as_ref()),
        Direction::Entry => n
            .transit
            .iter()
            .find(|t| t.country == country)
            .and_then(|t| t.entry_office.as_ref()),
    };
    let codes = b.waste.as_ref().map_or(&doc.codes, |w| &w.codes);
    let off_route = !n.states_concerned().contains(&&country);
    let mut found: Vec<Irregularity> = Vec::new();
    if off_route {
        found.push(deviation(
            facts,
            case,
            codes,
            Deviation::Route,
            b.on,
            format!(
                "Shipment {} was seen by customs office {} {word} {}, a State that is not on the notified route",
                b.shipment_no,
                actor.id,
                country.as_str()
            ),
        ));
    }
    if let Some(e) = expected.filter(|e| **e != actor.id) {
        found.push(deviation(
            facts,
            case,
            codes,
            Deviation::CustomsOffice,
            b.on,
            format!(
                "Shipment {} passed customs office {} {word} {}, not the designated {}",
                b.shipment_no,
                actor.id,
                country.as_str(),
                e
            ),
        ));
    }
    if let Some(w) = &b.waste {
        found.extend(waste_seen_differs(facts, case, doc, w, b.on));
    }
    let s = next
        .shipments
        .entry(b.shipment_no)
        .or_insert_with(|| Shipment::new(b.shipment_no));
    if s.crossings
        .iter()
        .any(|c| c.office == crossing.office && c.direction == dir)
    {
        return Err(Refusal::new(
            RuleId::Case01,
            format!(
                "{} already recorded this crossing of shipment {}.",
                actor.id, b.shipment_no
            ),
        ));
    }
    s.irregularities.extend(found);
    s.crossings.push(crossing);
    Ok(())
}

/// The notification and movement document a border crossing refers to: the case must have
/// a notification and shipment `no` a movement document. Anything else is refused (CASE-01):
/// a movement the log has never seen is reported (`illegal_traffic.reported`), never attached
/// to a case by a crossing. A crossing in a State off the notified route is a deviation
/// (Art. 9(1)(d)), recorded by [`border`].
pub(super) fn movement_of<'c>(
    case: &'c Case,
    no: u32,
    what: &str,
) -> Result<(&'c Notification, &'c MovementDocument), Refusal> {
    let unknown = |why: String| {
        Refusal::new(
            RuleId::Case01,
            format!(
                "A {what} refers to a movement the log has: {why}. A movement the log has never seen is reported by a competent authority, not recorded in a case."
            ),
        )
    };
    let n = case
        .notification
        .as_ref()
        .ok_or_else(|| unknown(format!("case {} has no notification", case.id)))?;
    let doc = case
        .shipments
        .get(&no)
        .and_then(|s| s.document.as_ref())
        .ok_or_else(|| {
            unknown(format!(
                "shipment {no} of case {} has no movement document",
                case.id
            ))
        })?;
    Ok((n, doc))
}

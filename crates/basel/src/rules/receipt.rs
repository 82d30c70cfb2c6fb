//! Receipt and completion: `receipt.confirmed` and `disposal.completed` (Art. 6(9)).

use super::apply::*;
use crate::body::{DisposalCompleted, ReceiptConfirmed, StatementType};
use crate::case::{Case, Irregularity, Phase};
use crate::verdict::{Refusal, RuleId};

/// The `receipt_confirmed` rule.
pub(super) fn receipt_confirmed(
    cx: &Ctx<'_>,
    next: &mut Case,
    r: ReceiptConfirmed,
) -> Result<(), Refusal> {
    let Ctx {
        case,
        actor,
        facts,
        day,
        ..
    } = *cx;
    let n = notification_of(case, StatementType::ReceiptConfirmed)?;
    if actor.id != n.disposer {
        return Err(Refusal::new(
            RuleId::Pic14,
            format!(
                "Only the disposer named in the notification ({}) confirms receipt.",
                n.disposer
            ),
        ));
    }
    not_future(r.received_on, day, "receipt date")?;
    let tolerance = u64::from(facts.setting().quantity_tolerance_percent.value);
    let review = facts
        .setting()
        .review_movements_spanning_ewaste_change
        .value;
    let s = started_shipment(next, r.shipment_no)?;
    let Some(doc) = s.document.as_ref() else {
        return Err(Refusal::new(
            RuleId::Pic17,
            "The shipment has no movement document.",
        ));
    };
    if s.received_on.is_some() {
        return Err(Refusal::new(
            RuleId::Case01,
            format!(
                "Receipt of shipment {} is already confirmed.",
                r.shipment_no
            ),
        ));
    }
    if r.received_on < doc.started_on {
        return Err(Refusal::new(
            RuleId::Case02,
            "The shipment cannot be received before it started.",
        ));
    }
    let documented = doc.quantity_kg;
    let diff = documented.abs_diff(r.quantity_kg);
    let within = diff.saturating_mul(100) <= documented.saturating_mul(tolerance);
    if diff > 0 && within {
        s.weighing_difference = Some(format!(
            "Received {} kg, {diff} kg {} than the {documented} kg of the movement document: within the weighing tolerance of {tolerance}% (noted; not a material deviation, Art. 9(1)(d)).",
            r.quantity_kg,
            if r.quantity_kg < documented {
                "less"
            } else {
                "more"
            }
        ));
    }
    if !within {
        s.irregularities.push(Irregularity::new(
            RuleId::Art901,
            format!(
                "Received {} kg, but the movement document says {documented} kg: the movement does not conform in a material way with the documents (Art. 9(1)(d); tolerance {tolerance}%).",
                r.quantity_kg
            ),
            r.received_on,
        ));
    }
    let change = time::macros::date!(2025 - 01 - 01);
    let ewaste = doc
        .codes
        .iter()
        .any(|c| matches!(c.as_str(), "A1180" | "A1181" | "B1110" | "B4030" | "Y49"));
    if review && ewaste && doc.started_on < change && r.received_on >= change {
        s.irregularities.push(Irregularity::new(
            RuleId::Cls01,
            format!(
                "Shipment {} of e-waste started before and arrived after the e-waste amendments took effect on 2025-01-01; Basel has no published transitional rule, so the case is flagged for review.",
                r.shipment_no
            ),
            r.received_on,
        ));
    }
    s.received_on = Some(r.received_on);
    s.received_kg = Some(r.quantity_kg);
    s.holder = Some(actor.id.clone());
    Ok(())
}

/// The `disposal_completed` rule.
pub(super) fn disposal_completed(
    cx: &Ctx<'_>,
    next: &mut Case,
    c: DisposalCompleted,
) -> Result<(), Refusal> {
    let Ctx {
        case, actor, day, ..
    } = *cx;
    let n = notification_of(case, StatementType::DisposalCompleted)?;
    if actor.id != n.disposer {
        return Err(Refusal::new(
            RuleId::Pic14,
            format!(
                "Only the disposer named in the notification ({}) confirms completion.",
                n.disposer
            ),
        ));
    }
    not_future(c.completed_on, day, "completion date")?;
    let planned = n.planned_shipments;
    let notified_ops = [Some(n.operation), n.final_operation];
    let s = started_shipment(next, c.shipment_no)?;
    let Some(received) = s.received_on else {
        return Err(Refusal::new(
            RuleId::Pic14,
            format!(
                "Receipt of shipment {} must be confirmed before completion.",
                c.shipment_no
            ),
        ));
    };
    if s.completed_on.is_some() {
        return Err(Refusal::new(
            RuleId::Case01,
            format!(
                "Completion of shipment {} is already confirmed.",
                c.shipment_no
            ),
        ));
    }
    if c.completed_on < received {
        return Err(Refusal::new(
            RuleId::Case02,
            "Disposal cannot be completed before receipt.",
        ));
    }
    if !notified_ops.contains(&Some(c.operation)) {
        s.irregularities.push(Irregularity::new(
            RuleId::Art901,
            format!(
                "The wastes were treated by {}, not by the notified operation: the movement does not conform in a material way with the documents (Art. 9(1)(d)).",
                c.operation.as_str()
            ),
            c.completed_on,
        ));
    }
    s.completed_on = Some(c.completed_on);
    s.completed_operation = Some(c.operation);
    let done = u32::try_from(
        next.shipments
            .values()
            .filter(|s| s.completed_on.is_some())
            .count(),
    )
    .unwrap_or(u32::MAX);
    if done >= planned && next.phase == Phase::Transmitted {
        next.phase = Phase::Completed;
    }
    Ok(())
}

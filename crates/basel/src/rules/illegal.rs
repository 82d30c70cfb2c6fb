//! Illegal traffic and take-back duties: `reimport.required` (Art. 8, Art. 9).

use super::apply::*;
use super::dates::*;
use super::*;
use crate::body::{ReimportGround, ReimportRequired, StatementType};
use crate::case::{Case, Irregularity, Reimport};
use crate::verdict::{Refusal, RuleId};

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

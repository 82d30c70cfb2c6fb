//! Movements that deviate from their documents (Art. 9(1)(d)): another customs office, another
//! route, another carrier, other wastes. Whether a deviation is illegal traffic or a review item
//! is a dated setting per kind ([`crate::facts::RuleSettings::deviation_tolerated`], strict by
//! default); a movement of wastes that are neither hazardous nor other wastes (Art. 1) is never
//! illegal traffic.

use time::Date;

use super::classify::{Class, classify};
use crate::body::{MovementDocument, WasteSeen};
use crate::case::{Case, Irregularity};
use crate::codes::WasteCode;
pub(super) use crate::facts::Deviation;
use crate::facts::Facts;
use crate::verdict::RuleId;

/// The setting that tolerates a deviation of `kind`.
fn setting_key(kind: Deviation) -> &'static str {
    match kind {
        Deviation::CustomsOffice => "deviation_customs_office_tolerated",
        Deviation::Route => "deviation_route_tolerated",
        Deviation::Carrier => "deviation_carrier_tolerated",
    }
}

/// Whether `codes` are hazardous or other wastes on `on` for the case's notification (a code
/// that cannot be classified counts as controlled: the conservative reading).
fn controlled(facts: &Facts, case: &Case, codes: &[WasteCode], on: Date) -> bool {
    let national = case
        .notification
        .as_ref()
        .map_or(&[][..], |n| &n.national_hazardous_in[..]);
    classify(codes, national, facts, on, &mut Vec::new()) != Some(Class::NonControlled)
}

/// The irregularity of a deviation described by `what` (one clause, no final stop): ART9-05
/// (illegal traffic under Art. 9(1)(d)) in the strict reading, a SHP-02 review item when the
/// setting tolerates this kind of deviation on `on` or the wastes are not controlled.
pub(super) fn deviation(
    facts: &Facts,
    case: &Case,
    codes: &[WasteCode],
    kind: Deviation,
    on: Date,
    what: String,
) -> Irregularity {
    if !controlled(facts, case, codes, on) {
        return Irregularity::new(
            RuleId::Shp02,
            format!(
                "{what}. The wastes are neither hazardous wastes nor other wastes (Art. 1), so the deviation is not illegal traffic."
            ),
            on,
        );
    }
    if facts.setting().deviation_tolerated(kind, on) {
        return Irregularity::new(
            RuleId::Shp02,
            format!(
                "{what}: a deviation from the documents that the setting {} tolerates on this date (Art. 9(1)(d) if material).",
                setting_key(kind)
            ),
            on,
        );
    }
    Irregularity::new(
        RuleId::Art905,
        format!(
            "{what}: the movement does not conform with its documents, which is illegal traffic (Art. 9(1)(d))."
        ),
        on,
    )
}

/// What customs saw against the movement document: other codes, or a quantity outside the
/// weighing tolerance (`quantity_tolerance_percent`). Other wastes that are not controlled
/// are a review item, never illegal traffic.
pub(super) fn waste_seen_differs(
    facts: &Facts,
    case: &Case,
    doc: &MovementDocument,
    w: &WasteSeen,
    on: Date,
) -> Vec<Irregularity> {
    let mut out = Vec::new();
    let (mut seen, mut documented) = (w.codes.clone(), doc.codes.clone());
    seen.sort();
    seen.dedup();
    documented.sort();
    documented.dedup();
    let list = |c: &[WasteCode]| {
        c.iter()
            .map(WasteCode::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let shipment = doc.shipment_no;
    if seen != documented {
        let what = format!(
            "Customs saw {} in shipment {shipment}, the movement document declares {}",
            list(&seen),
            list(&documented)
        );
        out.push(if controlled(facts, case, &w.codes, on) {
            Irregularity::new(
                RuleId::Art905,
                format!(
                    "{what}: the movement does not conform with its documents, which is illegal traffic (Art. 9(1)(d))."
                ),
                on,
            )
        } else {
            Irregularity::new(
                RuleId::Shp02,
                format!(
                    "{what}. What crossed are neither hazardous wastes nor other wastes (Art. 1), so it is not illegal traffic; the documents need review."
                ),
                on,
            )
        });
    }
    let tolerance = u64::from(facts.setting().quantity_tolerance_percent.value);
    let diff = doc.quantity_kg.abs_diff(w.quantity_kg);
    if diff.saturating_mul(100) > doc.quantity_kg.saturating_mul(tolerance)
        && controlled(facts, case, &w.codes, on)
    {
        out.push(Irregularity::new(
            RuleId::Art905,
            format!(
                "Customs saw {} kg in shipment {shipment}, the movement document declares {} kg (tolerance {tolerance}%): the movement does not conform with its documents, which is illegal traffic (Art. 9(1)(d)).",
                w.quantity_kg, doc.quantity_kg
            ),
            on,
        ));
    }
    out
}

//! Per-shipment checks of a [`may_start`](super::may_start) answer: period, validity, quantity and count, and the movement document against the notification (reference §10 step 4).

use time::Date;

use super::dates::*;
use super::pic::*;
use crate::body::{MovementDocument, Notification, NotificationKind};
use crate::case::Case;
use crate::facts::{CountryCode, Facts};
use crate::json::fmt_date;
use crate::verdict::{Reason, RuleId};

pub(super) fn per_shipment(
    case: &Case,
    n: &Notification,
    shipment_no: u32,
    on: Date,
    doc: Option<&MovementDocument>,
    facts: &Facts,
    reasons: &mut Vec<Reason>,
) {
    // Period as notified (Annex V A item 10) and the 12-month limit of a general notification.
    let p = n.period;
    if on < p.first_departure || on > p.last_departure {
        reasons.push(Reason::blocks(
            RuleId::Shp01,
            format!(
                "The departure date {} is outside the notified period {} to {}.",
                fmt_date(on),
                fmt_date(p.first_departure),
                fmt_date(p.last_departure)
            ),
        ));
    } else {
        reasons.push(Reason::met(
            RuleId::Shp01,
            format!(
                "The departure date {} is within the notified period.",
                fmt_date(on)
            ),
        ));
    }
    if n.kind == NotificationKind::General {
        let end = months_end(p.first_departure, 12);
        if on > end {
            reasons.push(Reason::blocks(
                RuleId::Pic12,
                format!(
                    "A general notification covers at most 12 months, here up to {}.",
                    fmt_date(end)
                ),
            ));
        } else {
            reasons.push(Reason::met(
                RuleId::Pic12,
                format!(
                    "The departure is within the 12 months of the general notification (up to {}).",
                    fmt_date(end)
                ),
            ));
        }
    }

    // Shipment count.
    let started = u32::try_from(case.started().count()).unwrap_or(u32::MAX);
    if shipment_no > n.planned_shipments || started >= n.planned_shipments {
        reasons.push(Reason::blocks(
            RuleId::Shp01,
            format!(
                "The notification covers {} shipment(s); shipment {shipment_no} would exceed it ({started} already started).",
                n.planned_shipments
            ),
        ));
    }
    for (c, consent) in consents(case) {
        if let Some(max) = consent.conditions.max_shipments
            && started >= max
        {
            reasons.push(
                Reason::blocks(
                    condition_rule(n),
                    format!("The consent of {} allows at most {max} shipment(s); {started} already started.", c.as_str()),
                )
                .cited(condition_citation(n, CITE_COUNT, CITE_COUNT_GENERAL)),
            );
        }
    }

    // Quantity.
    let used: u64 = case
        .started()
        .filter_map(|s| s.document.as_ref())
        .map(|d| d.quantity_kg)
        .sum();
    let this = doc
        .map(|d| d.quantity_kg)
        .or(n.quantity.per_shipment_kg)
        .unwrap_or(n.quantity.total_kg.saturating_sub(used));
    let after = used.saturating_add(this);
    if after > n.quantity.total_kg {
        reasons.push(Reason::blocks(
            RuleId::Shp01,
            format!(
                "{this} kg more would bring the total to {after} kg, above the {} kg notified.",
                n.quantity.total_kg
            ),
        ));
    } else {
        reasons.push(Reason::met(
            RuleId::Shp01,
            format!(
                "{this} kg brings the total to {after} kg of the {} kg notified.",
                n.quantity.total_kg
            ),
        ));
    }
    for (c, consent) in consents(case) {
        if let Some(max) = consent.conditions.max_total_kg
            && after > max
        {
            reasons.push(
                Reason::blocks(
                    condition_rule(n),
                    format!("The consent of {} allows at most {max} kg in total; this shipment would bring it to {after} kg.", c.as_str()),
                )
                .cited(condition_citation(n, CITE_QUANTITY, CITE_QUANTITY_GENERAL)),
            );
        }
        if let Some(max) = consent.conditions.max_kg_per_shipment
            && this > max
        {
            reasons.push(
                Reason::blocks(
                    condition_rule(n),
                    format!("The consent of {} allows at most {max} kg per shipment; this one has {this} kg.", c.as_str()),
                )
                .cited(condition_citation(n, CITE_QUANTITY, CITE_QUANTITY_GENERAL)),
            );
        }
    }

    // The movement document against the notification and the consents' conditions.
    if let Some(d) = doc {
        document_checks(case, n, d, facts, reasons);
    }
}

/// Consent conditions on the number of shipments: Art. 6(2) (consent with conditions) and
/// Annex V A item 9 (general or single notification).
const CITE_COUNT: &str = "Basel Art. 6(2) (conditions of consent); Annex V A item 9";
/// Consent conditions on quantity: Art. 6(2) and Annex V A item 15 (estimated quantity).
const CITE_QUANTITY: &str = "Basel Art. 6(2) (conditions of consent); Annex V A item 15";
/// The rule of a consent's quantity or count condition: PIC-11 (Art. 6(7), conditions of a
/// consent to a general notification) or PIC-04 (Art. 6(2), consent with conditions).
fn condition_rule(n: &Notification) -> RuleId {
    if n.kind == NotificationKind::General {
        RuleId::Pic11
    } else {
        RuleId::Pic04
    }
}

/// [`CITE_COUNT`] for a general notification: Art. 6(7) first.
const CITE_COUNT_GENERAL: &str = "Basel Art. 6(7), 6(2) (conditions of consent); Annex V A item 9";
/// [`CITE_QUANTITY`] for a general notification: Art. 6(7) first.
const CITE_QUANTITY_GENERAL: &str =
    "Basel Art. 6(7), 6(2) (conditions of consent); Annex V A item 15";

/// The citation of a consent condition: `general` for a general notification, else `single`.
fn condition_citation(
    n: &Notification,
    single: &'static str,
    general: &'static str,
) -> &'static str {
    if n.kind == NotificationKind::General {
        general
    } else {
        single
    }
}

/// Consent conditions on carriers: Art. 6(2) and Annex V A item 5 (intended carriers).
const CITE_CARRIER: &str = "Basel Art. 6(2) (conditions of consent); Annex V A item 5";
/// Consent conditions on the route: Art. 6(2) and Annex V A item 10 (itinerary, points of
/// entry and exit).
const CITE_ROUTE: &str = "Basel Art. 6(2) (conditions of consent); Annex V A item 10";
/// A Party of transit that was never notified: Art. 6(1) (notify every State concerned) and
/// Annex V A item 7 (expected countries of transit).
const CITE_NOTIFY_TRANSIT: &str = "Basel Art. 6(1); Annex V A item 7";
/// A non-Party of transit that was never notified: Art. 7 with Art. 6(1).
const CITE_NOTIFY_NON_PARTY: &str = "Basel Art. 7; Art. 6(1); Annex V A item 7";

pub(super) fn document_checks(
    case: &Case,
    n: &Notification,
    d: &MovementDocument,
    facts: &Facts,
    reasons: &mut Vec<Reason>,
) {
    let general = n.kind == NotificationKind::General;
    let same_rule = if general {
        RuleId::Pic10
    } else {
        RuleId::Shp02
    };
    let mut fails: Vec<Reason> = Vec::new();
    let fail = |fails: &mut Vec<Reason>, rule: RuleId, msg: String| {
        fails.push(Reason::blocks(rule, msg));
    };
    if d.exporter != n.exporter {
        fail(
            &mut fails,
            RuleId::Shp02,
            format!(
                "The movement document names exporter {}, the notification {}.",
                d.exporter, n.exporter
            ),
        );
    }
    if d.disposer != n.disposer || d.site != n.facility.site {
        fail(
            &mut fails,
            same_rule,
            format!(
                "The movement document names disposer {} at {}, the notification {} at {}.",
                d.disposer, d.site, n.disposer, n.facility.site
            ),
        );
    }
    if d.exit_office != n.export.customs_office {
        fail(
            &mut fails,
            same_rule,
            format!(
                "The customs office of exit {} is not the notified {}.",
                d.exit_office, n.export.customs_office
            ),
        );
    }
    if d.entry_office != n.import.customs_office {
        fail(
            &mut fails,
            same_rule,
            format!(
                "The customs office of entry {} is not the notified {}.",
                d.entry_office, n.import.customs_office
            ),
        );
    }
    let notified_transit: Vec<CountryCode> = n.transit.iter().map(|t| t.country).collect();
    let concerned = n.states_concerned();
    let unnotified: Vec<&CountryCode> = d
        .transit
        .iter()
        .filter(|c| !concerned.contains(c))
        .collect();
    for c in &unnotified {
        let (rule, cite, how) = if facts.basel_party(c, d.started_on).is_true() {
            (RuleId::Pic01, CITE_NOTIFY_TRANSIT, "a Party")
        } else {
            (
                RuleId::Pic03,
                CITE_NOTIFY_NON_PARTY,
                "not known to be a Party",
            )
        };
        fails.push(
            Reason::blocks(
                rule,
                format!(
                    "The route passes through {}, a State of transit ({how}) that was never notified: every State concerned must be notified before the movement.",
                    c.as_str()
                ),
            )
            .cited(cite),
        );
    }
    if unnotified.is_empty() && d.transit != notified_transit {
        let a: Vec<&str> = d.transit.iter().map(CountryCode::as_str).collect();
        let b: Vec<&str> = notified_transit.iter().map(CountryCode::as_str).collect();
        fail(
            &mut fails,
            same_rule,
            format!(
                "The route through [{}] is not the notified route through [{}].",
                a.join(", "),
                b.join(", ")
            ),
        );
    }
    let mut dc = d.codes.clone();
    let mut nc = n.waste.codes.clone();
    dc.sort();
    nc.sort();
    if dc != nc {
        fail(
            &mut fails,
            same_rule,
            "The waste codes of the movement document differ from the notified ones.".to_owned(),
        );
    }
    if !n.carriers.is_empty() {
        for c in d.carriers.iter().filter(|c| !n.carriers.contains(c)) {
            fail(
                &mut fails,
                RuleId::Shp02,
                format!("Carrier {c} was not notified."),
            );
        }
    }
    for (country, consent) in consents(case) {
        if let Some(allowed) = &consent.conditions.carriers {
            for c in d.carriers.iter().filter(|c| !allowed.contains(c)) {
                fails.push(
                    Reason::blocks(
                        RuleId::Pic04,
                        format!(
                            "The consent of {} does not allow carrier {c}.",
                            country.as_str()
                        ),
                    )
                    .cited(CITE_CARRIER),
                );
            }
        }
        if let Some(offices) = &consent.conditions.customs_offices {
            let route: Vec<&String> = std::iter::once(&d.exit_office)
                .chain(std::iter::once(&d.entry_office))
                .chain(
                    n.transit
                        .iter()
                        .flat_map(|t| t.entry_office.iter().chain(t.exit_office.iter())),
                )
                .collect();
            for o in offices.iter().filter(|o| !route.contains(o)) {
                fails.push(
                    Reason::blocks(
                        RuleId::Pic04,
                        format!(
                            "The consent of {} requires the route to pass customs office {o}.",
                            country.as_str()
                        ),
                    )
                    .cited(CITE_ROUTE),
                );
            }
        }
    }
    if fails.is_empty() {
        reasons.push(Reason::met(
            same_rule,
            "The movement document matches the notification (exporter, disposer, customs offices, route, wastes) and the consents' conditions.",
        ));
    } else {
        reasons.extend(fails);
    }
}

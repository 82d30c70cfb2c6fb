//! What a case knows of a shipment's illegal traffic beyond its irregularities: the report
//! that opened it (a movement the log never saw) and the finding of who caused it, with the
//! duty that follows (Art. 9(2)-(4)).

use serde::Serialize;
use time::Date;

use super::Case;
use crate::body::{Cause, IllegalTrafficReport};
use crate::facts::CountryCode;
use crate::verdict::RuleId;

/// An `illegal_traffic.reported` as recorded: the report, its filer and the start and end of
/// the State of export's Art. 9(2) period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reported {
    /// The report.
    pub report: IllegalTrafficReport,
    /// Who reported it (participant id).
    pub by: String,
    /// When the State of export was informed (the report's date, or as the report says).
    #[serde(serialize_with = "crate::json::ser_date")]
    pub informed_on: Date,
    /// End of the Art. 9(2) period (30 days or the period agreed).
    #[serde(serialize_with = "crate::json::ser_date")]
    pub due: Date,
}

impl Reported {
    /// True when the movement was stopped in the State of export, before it left.
    pub fn before_departure(&self) -> bool {
        self.report.found_in == self.report.export.country
    }
}

/// One State's duty under Art. 9(2)-(4), with the participant who owes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Duty {
    /// The State.
    pub country: CountryCode,
    /// Its competent authority (participant id).
    pub authority: String,
}

/// A `responsibility.determined` as recorded: who caused the illegal traffic and the duty
/// that follows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Responsibility {
    /// Who caused it.
    pub caused_by: Cause,
    /// The grounds.
    pub grounds: String,
    /// The authority that determined it (participant id).
    pub by: String,
    /// The day it was determined.
    #[serde(serialize_with = "crate::json::ser_date")]
    pub on: Date,
    /// The rule of the duty: ART9-02 (State of export), ART9-03 (State of import) or ART9-04
    /// (cooperation of the States concerned).
    pub rule_id: RuleId,
    /// The States that owe the duty (one for Art. 9(2) and 9(3), every State concerned for 9(4)).
    pub owners: Vec<Duty>,
    /// When the State that owes the duty was informed or became aware (not for Art. 9(4)).
    #[serde(serialize_with = "crate::json::ser_opt_date")]
    pub informed_on: Option<Date>,
    /// The due date (30 days or the period agreed; none for Art. 9(4): "as soon as possible").
    #[serde(serialize_with = "crate::json::ser_opt_date")]
    pub due: Option<Date>,
}

impl Case {
    /// The States named by the illegal-traffic reports of this case (export, import, transit
    /// and where found): their authorities and customs concern the case.
    pub fn reported_states(&self) -> Vec<CountryCode> {
        let mut out: Vec<CountryCode> = Vec::new();
        for r in self.shipments.values().filter_map(|s| s.reported.as_ref()) {
            let r = &r.report;
            let named = [Some(r.export.country), r.import.as_ref().map(|i| i.country)]
                .into_iter()
                .flatten()
                .chain(r.transit.iter().copied())
                .chain(std::iter::once(r.found_in));
            for c in named {
                if !out.contains(&c) {
                    out.push(c);
                }
            }
        }
        out
    }
}

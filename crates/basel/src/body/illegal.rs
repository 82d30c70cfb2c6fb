//! Bodies of the illegal-traffic statements (Art. 9): `illegal_traffic.reported` (a movement the
//! log never saw, found at a border or reported by another State) and `responsibility.determined`
//! (a competent authority's finding of who caused the illegal traffic), and the waste seen at a
//! border ([`WasteSeen`], also carried by a border crossing).

use serde::Serialize;
use serde_json::Value;
use time::Date;

use super::{country, waste_code};
use crate::codes::WasteCode;
use crate::facts::CountryCode;
use crate::json::{self, Errs, Obj};

/// The point of Art. 9(1) under which a movement is illegal traffic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Art9Point {
    /// (a) without notification to all States concerned.
    A,
    /// (b) without the consent of a State concerned.
    B,
    /// (c) with consent obtained through falsification, misrepresentation or fraud.
    C,
    /// (d) that does not conform in a material way with the documents.
    D,
    /// (e) that results in deliberate disposal in contravention of the Convention.
    E,
}

impl Art9Point {
    const NAMES: [(&'static str, Art9Point); 5] = [
        ("a", Art9Point::A),
        ("b", Art9Point::B),
        ("c", Art9Point::C),
        ("d", Art9Point::D),
        ("e", Art9Point::E),
    ];

    /// The provision, e.g. `Art. 9(1)(a)`.
    pub fn provision(self) -> &'static str {
        match self {
            Art9Point::A => "Art. 9(1)(a)",
            Art9Point::B => "Art. 9(1)(b)",
            Art9Point::C => "Art. 9(1)(c)",
            Art9Point::D => "Art. 9(1)(d)",
            Art9Point::E => "Art. 9(1)(e)",
        }
    }

    /// What the point says, in plain words.
    pub fn words(self) -> &'static str {
        match self {
            Art9Point::A => "without notification to all States concerned",
            Art9Point::B => "without the consent of a State concerned",
            Art9Point::C => {
                "with consent obtained through falsification, misrepresentation or fraud"
            }
            Art9Point::D => "not conforming in a material way with the documents",
            Art9Point::E => "resulting in deliberate disposal in contravention of the Convention",
        }
    }
}

/// What crossed a border or was found: Basel codes and quantity (whole kilograms).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WasteSeen {
    /// Basel codes (Annex VIII/IX entries and Y numbers) of what was seen.
    pub codes: Vec<WasteCode>,
    /// Quantity seen.
    pub quantity_kg: u64,
    /// What it looked like, if noted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A State concerned with its competent authority (Art. 5), as the reporter names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StateAuthority {
    /// The State.
    pub country: CountryCode,
    /// Participant id of its competent authority.
    pub authority: String,
}

/// `illegal_traffic.reported`: a competent authority or a customs office reports a movement
/// the log never saw (no notification, or a shipment without a movement document).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IllegalTrafficReport {
    /// The number the shipment gets in this case.
    pub shipment_no: u32,
    /// The point of Art. 9(1).
    pub point: Art9Point,
    /// The State of export and its competent authority (owner of the Art. 9(2) duty).
    pub export: StateAuthority,
    /// The State of import (destination), if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub import: Option<StateAuthority>,
    /// States of transit, if known, in route order.
    pub transit: Vec<CountryCode>,
    /// The State where the movement was found.
    pub found_in: CountryCode,
    /// Where: the border crossing, port or site.
    pub found_at: String,
    /// When it was found.
    #[serde(serialize_with = "crate::json::ser_date")]
    pub found_on: Date,
    /// What was found.
    pub waste: WasteSeen,
    /// States in which the wastes are hazardous only under national law (Art. 1(1)(b)).
    pub national_hazardous_in: Vec<CountryCode>,
    /// When the State of export was informed (starts the Art. 9(2) period). When absent: the
    /// day found, if the reporter is of the State of export; else the day of the report.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::json::ser_opt_date"
    )]
    pub informed_on: Option<Date>,
    /// Another period agreed by the States concerned, in days (Art. 9(2)).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agreed_days: Option<u32>,
    /// The grounds, in plain words.
    pub grounds: String,
}

/// Who caused the illegal traffic (Art. 9(2)-(4)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// The exporter (Art. 9(2)).
    Exporter,
    /// The generator (Art. 9(2)).
    Generator,
    /// The importer (Art. 9(3)).
    Importer,
    /// The disposer (Art. 9(3)).
    Disposer,
    /// Responsibility cannot be assigned to either (Art. 9(4)).
    NotAssignable,
}

impl Cause {
    const NAMES: [(&'static str, Cause); 5] = [
        ("exporter", Cause::Exporter),
        ("generator", Cause::Generator),
        ("importer", Cause::Importer),
        ("disposer", Cause::Disposer),
        ("not_assignable", Cause::NotAssignable),
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        Cause::NAMES
            .iter()
            .find(|(_, c)| *c == self)
            .map_or("unknown", |(n, _)| n)
    }
}

/// `responsibility.determined`: a competent authority of a State concerned finds who caused
/// the illegal traffic of a shipment, with grounds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ResponsibilityDetermined {
    /// The shipment.
    pub shipment_no: u32,
    /// Who caused it.
    pub caused_by: Cause,
    /// The grounds, in plain words.
    pub grounds: String,
    /// When the State that owes the duty was informed (Art. 9(2)) or became aware (Art. 9(3)).
    /// When absent, see `docs/case-file.md`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::json::ser_opt_date"
    )]
    pub informed_on: Option<Date>,
    /// Another period agreed by the States concerned, in days.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agreed_days: Option<u32>,
}

/// Reads a [`WasteSeen`].
pub(super) fn read_waste_seen(v: &Value, path: &str, e: &mut Errs) -> Option<WasteSeen> {
    let mut o = Obj::new(v, path, e);
    let codes = o.get("codes", e, |v, p, e| {
        json::nonempty_array(v, p, e, waste_code)
    });
    let quantity_kg = o.get("quantity_kg", e, json::kg);
    let description = o.get_opt("description", e, json::text);
    o.finish(e);
    Some(WasteSeen {
        codes: codes?,
        quantity_kg: quantity_kg?,
        description: description?,
    })
}

fn read_state_authority(v: &Value, path: &str, e: &mut Errs) -> Option<StateAuthority> {
    let mut o = Obj::new(v, path, e);
    let c = o.get("country", e, country);
    let authority = o.get("authority", e, json::participant);
    o.finish(e);
    Some(StateAuthority {
        country: c?,
        authority: authority?,
    })
}

/// Reads an `illegal_traffic.reported` body.
pub(super) fn read_report(v: &Value, path: &str, e: &mut Errs) -> Option<IllegalTrafficReport> {
    let mut o = Obj::new(v, path, e);
    let shipment_no = o.get("shipment_no", e, json::count);
    let point = o.get("point", e, |v, p, e| {
        json::one_of(v, p, e, &Art9Point::NAMES)
    });
    let export = o.get("export", e, read_state_authority);
    let import = o.get_opt("import", e, read_state_authority);
    let transit = o
        .get_opt("transit", e, |v, p, e| json::array(v, p, e, country))
        .map(Option::unwrap_or_default);
    let found_in = o.get("found_in", e, country);
    let found_at = o.get("found_at", e, json::text);
    let found_on = o.get("found_on", e, json::date);
    let waste = o.get("waste", e, read_waste_seen);
    let national_hazardous_in = o
        .get_opt("national_hazardous_in", e, |v, p, e| {
            json::array(v, p, e, country)
        })
        .map(Option::unwrap_or_default);
    let informed_on = o.get_opt("informed_on", e, json::date);
    let agreed_days = o.get_opt("agreed_days", e, json::count);
    let grounds = o.get("grounds", e, json::text);
    o.finish(e);
    if let (Some(x), Some(Some(m))) = (export.as_ref(), import.as_ref())
        && x.country == m.country
    {
        json::err(
            e,
            &format!("{path}.import.country"),
            "must differ from the State of export (Art. 2(3))",
        );
    }
    if let (Some(found), Some(Some(informed))) = (found_on, informed_on)
        && informed < found
    {
        json::err(
            e,
            &format!("{path}.informed_on"),
            "must not be before found_on",
        );
    }
    Some(IllegalTrafficReport {
        shipment_no: shipment_no?,
        point: point?,
        export: export?,
        import: import?,
        transit: transit?,
        found_in: found_in?,
        found_at: found_at?,
        found_on: found_on?,
        waste: waste?,
        national_hazardous_in: national_hazardous_in?,
        informed_on: informed_on?,
        agreed_days: agreed_days?,
        grounds: grounds?,
    })
}

/// Reads a `responsibility.determined` body.
pub(super) fn read_responsibility(
    v: &Value,
    path: &str,
    e: &mut Errs,
) -> Option<ResponsibilityDetermined> {
    let mut o = Obj::new(v, path, e);
    let shipment_no = o.get("shipment_no", e, json::count);
    let caused_by = o.get("caused_by", e, |v, p, e| {
        json::one_of(v, p, e, &Cause::NAMES)
    });
    let grounds = o.get("grounds", e, json::text);
    let informed_on = o.get_opt("informed_on", e, json::date);
    let agreed_days = o.get_opt("agreed_days", e, json::count);
    o.finish(e);
    Some(ResponsibilityDetermined {
        shipment_no: shipment_no?,
        caused_by: caused_by?,
        grounds: grounds?,
        informed_on: informed_on?,
        agreed_days: agreed_days?,
    })
}

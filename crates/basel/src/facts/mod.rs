//! Country facts as dated data: Basel Party status, Annex VII listing, Ban Amendment, OECD
//! Decision participation, EU membership, import bans, Art. 6(4) transit waivers, Art. 11
//! agreements, and the settings of rules whose legal basis is uncertain.
//!
//! # What the data is
//!
//! [`Facts::builtin`] loads three embedded files:
//!
//! - `data/country-facts.json`: the project's public reference table (one record per
//!   ISO 3166-1 alpha-2 code, 249 codes, plus the European Union under the key `EU`), copied
//!   verbatim with its `sources`. It is interpreted as described under *Reading the reference
//!   table* below.
//! - `data/law-facts.json`: project data in the *overrides format* below. It closes gaps of the
//!   reference table where a source allows, records the Art. 11 arrangement of the OECD Decision,
//!   and holds the [`RuleSettings`] with their defaults, the reference's wording and rule IDs.
//! - `data/codes.json` (through [`crate::codes`]), which enters [`Facts::data_version`].
//!
//! Every fact is a list of dated periods, and every period carries a source. A question about
//! a date that no period covers, or that a period covers with `"value": null`, is answered
//! [`Known::Unknown`]. Unknown is never the same as `false`: the rules treat it conservatively
//! and say so.
//!
//! # Overrides format (`wastetrail-facts/1`)
//!
//! A deployment loads its own JSON document with [`Facts::with_overrides`]. It may add countries
//! (any two upper-case letters, including user-assigned codes such as `XA` for fictional test
//! countries), replace facts of existing countries, add sources and Art. 11 agreements, and set
//! rule settings. A full example:
//!
//! ```json
//! {
//!   "format": "wastetrail-facts/1",
//!   "description": "Facts of the Xanadu demo deployment",
//!   "as_of": "2026-06-30",
//!   "sources": {
//!     "XA-GAZ": { "title": "Xanadu Official Gazette No. 12/2026", "url": null, "as_of": "2026-06-30" }
//!   },
//!   "settings": {
//!     "annex_vii_reading": "fixed_1995",
//!     "info_request_restarts_transit_clock": { "value": false, "source": "XA-GAZ" }
//!   },
//!   "countries": {
//!     "XA": {
//!       "name": "Xanadu",
//!       "territory_of": null,
//!       "basel_party": [
//!         { "until": "1999-12-31", "value": false, "source": "XA-GAZ" },
//!         { "from": "2000-01-01", "value": true, "source": "XA-GAZ" }
//!       ],
//!       "ban_amendment": [ { "from": "2019-12-05", "value": true, "source": "XA-GAZ" } ],
//!       "oecd_member": [ { "value": false, "source": "XA-GAZ" } ],
//!       "eu_member": [ { "value": false, "source": "XA-GAZ" } ],
//!       "transit_waiver": [
//!         { "from": "2021-01-01", "until": "2025-12-31", "value": true, "source": "XA-GAZ" },
//!         { "from": "2026-01-01", "value": null, "source": "XA-GAZ: waiver under review" }
//!       ],
//!       "import_bans": {
//!         "source": "XA-GAZ",
//!         "bans": [
//!           {
//!             "from": "2022-01-01",
//!             "scope": "no e-waste for final disposal",
//!             "codes": ["A1181", "Y49"],
//!             "lists": [],
//!             "operations": "disposal",
//!             "source": "XA-GAZ, Art. 4"
//!           }
//!         ]
//!       },
//!       "notes": ["Fictional country used by the demo."]
//!     },
//!     "DE": {
//!       "transit_waiver": [ { "from": "2020-01-01", "value": false, "source": "XA-GAZ" } ]
//!     }
//!   },
//!   "art11_agreements": [
//!     {
//!       "id": "XA-XB-2024",
//!       "name": "Xanadu–Xebia recycling agreement",
//!       "pairs": [ { "export": "XA", "import": "XB" } ],
//!       "operations": ["R4", "R5"],
//!       "from": "2024-01-01",
//!       "until": null,
//!       "source": "XA-GAZ",
//!       "note": null
//!     }
//!   ]
//! }
//! ```
//!
//! Rules of the format:
//!
//! - `format` is required and must be `"wastetrail-facts/1"`. Every other top-level key is
//!   optional: `description` (text), `as_of` (date), `sources`, `settings`, `countries`,
//!   `art11_agreements`. Unknown keys are errors at every level (they are usually typos).
//! - Dates are `YYYY-MM-DD` strings. `from` and `until` are **inclusive**; absent or `null`
//!   means open-ended.
//! - **Boolean facts** are `basel_party`, `ban_amendment` (Ban Amendment in force for the
//!   country), `oecd_member`, `oecd_decision` (participation in the OECD Decision
//!   C(2001)107/FINAL), `eu_member`, `annex_vii` and `transit_waiver` (the country decided under
//!   Art. 6(4) not to require prior written consent for transit). Each is an array of periods
//!   `{ "from"?, "until"?, "value": true | false | null, "source": "…" }`; `value: null` records
//!   an explicit unknown, `source` is required and non-empty (a key of `sources` or free text),
//!   and periods must not overlap. An empty array means unknown on every date.
//! - `annex_vii` and `oecd_decision` may also be `null` or left out: then they are *derived*.
//!   `oecd_decision` follows `oecd_member`; `annex_vii` is true when the country is an OECD member
//!   or an EU member State on the reference date chosen by the `annex_vii_reading` setting,
//!   false when it is neither, unknown otherwise.
//! - `import_bans` is `null` (unknown: the default for every real country, because the reference
//!   has no import-ban data) or `{ "source", "bans": [...] }`; an empty `bans` array with a source
//!   means "known: no import ban". A ban has `from`?, `until`?, `scope` (text), `source`, `codes`
//!   (waste codes, optional), `lists` (`annex_i`, `annex_ii`, `annex_viii`, `annex_ix`, optional)
//!   and `operations` (`"any"` (default), `"disposal"`, `"recovery"`, or an array of Annex IV
//!   codes). A ban with neither `codes` nor `lists` covers every waste (Art. 4(2)(e)).
//! - For a country that already exists, each fact present replaces that fact as a whole; facts
//!   left out keep their existing data. A new country starts with every fact unknown (and
//!   `annex_vii`/`oecd_decision` derived). `name`, `territory_of` and `notes` replace the old
//!   values.
//! - `art11_agreements`: each agreement has an `id`; an agreement with an existing `id` replaces
//!   it. Parties are either `members` (an array of country codes, any direction between any two
//!   distinct members, or `{ "fact": "oecd_decision" }` for every country participating in the
//!   OECD Decision on the date asked) or `pairs` (directed `{ "export", "import" }` pairs), not
//!   both. `operations` as for import bans, `from`/`until` dates, `source` required, `note`
//!   optional.
//! - `settings`: each key is a [`RuleSettings`] field name and its value is either the bare new
//!   value or `{ "value": …, "source": "…" }`. Values: `annex_vii_reading` is `"dynamic"`,
//!   `"fixed_1995"` or `"fixed_2019"`; dates are `YYYY-MM-DD`; the others are booleans or
//!   non-negative integers, as documented on each field.
//!
//! Errors name the JSON path of the fault, e.g.
//! `countries.XA.basel_party[0].from: invalid date "2020-13-01" (expected YYYY-MM-DD)`.
//!
//! # Reading the reference table
//!
//! - `basel_party`: `status: "party"` with `since` D: false before D, true from D.
//!   `"signatory"`/`"none"`: false on every date. `null` (territories) or a Party without
//!   `since`: unknown (some are closed in `law-facts.json`, see `data/README.md`).
//! - `ban_amendment`: `accepted: true` with `in_force_since` D: false before D, true from D.
//!   `false`: false on every date. `null`: false before 2019-12-05 (the amendment was not in force
//!   anywhere before; source `UNTC_DET_A`), unknown from then on.
//! - `oecd_member` / `eu_member`: `member: true` with `since` D: false before, true from D;
//!   `member: false`: false on every date (with `former_member` periods true). A member without
//!   `since` but with `reported_dates` or `reported_year`: false before the earliest possible
//!   date, unknown in between, true after the latest.
//! - `annex_vii`: derived (see above) for States; unknown for territories, whose coverage depends
//!   on the administering State's declarations; the reference's current value is checked
//!   against the derivation by the tests.

mod parse;
mod reference;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::Date;

use crate::codes::{CodeList, Operation, WasteCode};
use wastetrail_ledger::jcs;

/// The embedded reference table (copied verbatim from the project's reference data).
pub const COUNTRY_FACTS_JSON: &str = include_str!("../../data/country-facts.json");

/// The embedded project data in the overrides format (gap closures, Art. 11, rule settings).
pub const LAW_FACTS_JSON: &str = include_str!("../../data/law-facts.json");

/// The value of the `format` key of an overrides document.
pub const OVERRIDES_FORMAT: &str = "wastetrail-facts/1";

/// Errors from parsing country codes, overrides or the embedded data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FactsError {
    /// Not a two-letter upper-case country code.
    #[error("invalid country code {input:?}: {reason}")]
    CountryCode {
        /// The rejected input (truncated to 32 characters).
        input: String,
        /// Why it was rejected.
        reason: &'static str,
    },
    /// A fault in an overrides document, at a JSON path such as
    /// `countries.XA.basel_party[0].from`.
    #[error("{path}: {message}")]
    Invalid {
        /// JSON path of the fault (`(root)` for the document itself).
        path: String,
        /// What is wrong there.
        message: String,
    },
    /// The embedded data could not be loaded (a build defect; the tests check for it).
    #[error("embedded data {file}: {message}")]
    Embedded {
        /// The data file.
        file: &'static str,
        /// What went wrong.
        message: String,
    },
}

impl FactsError {
    /// The JSON path of an overrides fault, if this error is one.
    pub fn path(&self) -> Option<&str> {
        match self {
            FactsError::Invalid { path, .. } => Some(path),
            _ => None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// CountryCode
// ---------------------------------------------------------------------------------------------

/// A country code: exactly two ASCII upper-case letters. Either an ISO 3166-1 alpha-2 code or a
/// user-assigned code (`AA`, `QM`–`QZ`, `XA`–`XZ`, `ZZ`) for fictional test countries, or `EU` for
/// the European Union, which is itself a Basel Party. Whether the data knows the code is answered
/// by [`Facts::knows`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    /// Parses a two-letter upper-case code such as `DE` or `XA`.
    pub fn parse(s: &str) -> Result<Self, FactsError> {
        match s.as_bytes() {
            [a, b] if a.is_ascii_uppercase() && b.is_ascii_uppercase() => Ok(CountryCode([*a, *b])),
            _ => Err(FactsError::CountryCode {
                input: s.chars().take(32).collect(),
                reason: "expected two upper-case ASCII letters (ISO 3166-1 alpha-2, e.g. DE, or user-assigned, e.g. XA)",
            }),
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("")
    }

    /// Whether ISO 3166 leaves this code to users (`AA`, `QM`–`QZ`, `XA`–`XZ`, `ZZ`): such codes
    /// never name a real country and are used for fictional test countries.
    pub fn is_user_assigned(&self) -> bool {
        matches!(
            self.0,
            [b'A', b'A'] | [b'Q', b'M'..=b'Z'] | [b'X', _] | [b'Z', b'Z']
        )
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CountryCode({})", self.as_str())
    }
}

impl std::str::FromStr for CountryCode {
    type Err = FactsError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for CountryCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for CountryCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

// ---------------------------------------------------------------------------------------------
// Known
// ---------------------------------------------------------------------------------------------

/// A fact that is either known (with its source) or unknown. Unknown is not `false`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Known<T> {
    /// The data states the value, on the date asked.
    Yes {
        /// The value.
        value: T,
        /// Where it comes from (source keys and the basis, e.g.
        /// `UNTC2014: in force from 1995-07-20 (Art. 25(2): 90th day after deposit)`).
        source: String,
    },
    /// The data does not say, for that country and date.
    Unknown,
}

impl<T> Known<T> {
    /// The value, if known.
    pub fn value(&self) -> Option<&T> {
        match self {
            Known::Yes { value, .. } => Some(value),
            Known::Unknown => None,
        }
    }

    /// The source, if known.
    pub fn source(&self) -> Option<&str> {
        match self {
            Known::Yes { source, .. } => Some(source),
            Known::Unknown => None,
        }
    }

    /// Whether the fact is unknown.
    pub fn is_unknown(&self) -> bool {
        matches!(self, Known::Unknown)
    }
}

impl Known<bool> {
    /// Known and true.
    pub fn is_true(&self) -> bool {
        matches!(self, Known::Yes { value: true, .. })
    }

    /// Known and false.
    pub fn is_false(&self) -> bool {
        matches!(self, Known::Yes { value: false, .. })
    }
}

// ---------------------------------------------------------------------------------------------
// Periods
// ---------------------------------------------------------------------------------------------

/// One dated period of a fact: `value` holds from `from` to `until` (both inclusive, `None` =
/// open-ended); `value: None` is an explicit unknown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Period<T> {
    /// First day (inclusive), `None` = since ever.
    pub from: Option<Date>,
    /// Last day (inclusive), `None` = still.
    pub until: Option<Date>,
    /// The value in the period, `None` = unknown.
    pub value: Option<T>,
    /// Where it comes from.
    pub source: String,
}

impl<T> Period<T> {
    /// Whether the period covers `on`.
    pub fn covers(&self, on: Date) -> bool {
        self.from.is_none_or(|f| f <= on) && self.until.is_none_or(|u| on <= u)
    }
}

fn lookup<T: Clone>(periods: &[Period<T>], on: Date) -> Known<T> {
    match periods.iter().find(|p| p.covers(on)) {
        Some(Period {
            value: Some(value),
            source,
            ..
        }) => Known::Yes {
            value: value.clone(),
            source: source.clone(),
        },
        _ => Known::Unknown,
    }
}

/// The boolean facts stored per country.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fact {
    /// Party to the Basel Convention (Convention in force for the country).
    BaselParty,
    /// The Ban Amendment (Art. 4A) is in force for the country.
    BanAmendment,
    /// OECD member.
    OecdMember,
    /// Participates in the OECD Decision C(2001)107/FINAL (derived from `OecdMember` unless
    /// stated).
    OecdDecision,
    /// EU member State.
    EuMember,
    /// Listed in Annex VII (derived from OECD and EU membership unless stated).
    AnnexVii,
    /// Decided under Art. 6(4) not to require prior written consent for transit.
    TransitWaiver,
}

impl Fact {
    /// All facts.
    pub const ALL: [Fact; 7] = [
        Fact::BaselParty,
        Fact::BanAmendment,
        Fact::OecdMember,
        Fact::OecdDecision,
        Fact::EuMember,
        Fact::AnnexVii,
        Fact::TransitWaiver,
    ];

    /// The key of the fact in the overrides format.
    pub fn key(&self) -> &'static str {
        match self {
            Fact::BaselParty => "basel_party",
            Fact::BanAmendment => "ban_amendment",
            Fact::OecdMember => "oecd_member",
            Fact::OecdDecision => "oecd_decision",
            Fact::EuMember => "eu_member",
            Fact::AnnexVii => "annex_vii",
            Fact::TransitWaiver => "transit_waiver",
        }
    }

    /// Parses an overrides-format key.
    pub fn from_key(key: &str) -> Option<Fact> {
        Fact::ALL.into_iter().find(|f| f.key() == key)
    }
}

// ---------------------------------------------------------------------------------------------
// Import bans, Art. 11 agreements
// ---------------------------------------------------------------------------------------------

/// Which Annex IV operations a ban or an agreement covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OperationScope {
    /// Every operation.
    Any,
    /// Section A (D codes) only.
    Disposal,
    /// Section B (R codes) only.
    Recovery,
    /// Exactly these operations.
    Only(Vec<Operation>),
}

impl OperationScope {
    /// Whether `op` is in scope.
    pub fn covers(&self, op: &Operation) -> bool {
        match self {
            OperationScope::Any => true,
            OperationScope::Disposal => op.is_disposal(),
            OperationScope::Recovery => op.is_recovery(),
            OperationScope::Only(ops) => ops.contains(op),
        }
    }
}

/// An import ban notified under Art. 4(1)(a) / 13(2)(c) (or a total ban under Art. 4(2)(e) when
/// `codes` and `lists` are both empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportBan {
    /// What the ban covers, in words.
    pub scope: String,
    /// Where it comes from.
    pub source: String,
    /// First day in force (inclusive).
    pub from: Option<Date>,
    /// Last day in force (inclusive).
    pub until: Option<Date>,
    /// Waste codes covered (with `lists`); both empty = every waste.
    pub codes: Vec<WasteCode>,
    /// Whole annexes covered (with `codes`).
    pub lists: Vec<CodeList>,
    /// Operations covered.
    pub operations: OperationScope,
}

impl ImportBan {
    /// Whether the ban covers `code` for `op` on `on`.
    pub fn covers(&self, code: &WasteCode, op: &Operation, on: Date) -> bool {
        let in_time = self.from.is_none_or(|f| f <= on) && self.until.is_none_or(|u| on <= u);
        let all_wastes = self.codes.is_empty() && self.lists.is_empty();
        in_time
            && (all_wastes || self.codes.contains(code) || self.lists.contains(&code.list()))
            && self.operations.covers(op)
    }

    /// Whether the ban covers every waste (a total import ban, Art. 4(2)(e)).
    pub fn is_total(&self) -> bool {
        self.codes.is_empty() && self.lists.is_empty()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct ImportBans {
    source: String,
    bans: Vec<ImportBan>,
}

/// Who may trade under an Art. 11 agreement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Art11Parties {
    /// Any two distinct members, in either direction.
    Members(Vec<CountryCode>),
    /// Every two distinct countries that participate in the OECD Decision on the date asked.
    OecdDecision,
    /// Exactly these directed (export, import) pairs.
    Pairs(Vec<(CountryCode, CountryCode)>),
}

/// A bilateral, multilateral or regional agreement under Art. 11.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Art11Agreement {
    /// Identifier, unique in the data (e.g. `OECD-C(2001)107`).
    pub id: String,
    /// Name of the agreement.
    pub name: String,
    /// Who may trade under it.
    pub parties: Art11Parties,
    /// Which operations it covers.
    pub operations: OperationScope,
    /// First day (inclusive).
    pub from: Option<Date>,
    /// Last day (inclusive).
    pub until: Option<Date>,
    /// Where it comes from.
    pub source: String,
    /// Remarks.
    pub note: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------

/// One configurable rule setting: its value, the built-in default, and why it is configurable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting<T> {
    /// The value in force for this data set.
    pub value: T,
    /// The built-in default (from `data/law-facts.json`).
    pub default: T,
    /// The rule ID or citation it belongs to (e.g. `BAN-06`, `PIC-08`, `Art. 9(1)(d)`).
    pub rule: String,
    /// The reference's wording of the uncertainty.
    pub wording: String,
    /// Source of the current value (the built-in source, or the override's `source`).
    pub source: String,
}

/// How Annex VII ("Parties and other States which are members of OECD, EC, Liechtenstein") is
/// read: an open question in the reference (BAN-06).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AnnexViiReading {
    /// Membership on the date asked (the reference table's reading).
    Dynamic,
    /// Membership as it stood when the Ban Amendment was adopted (1995-09-22).
    Fixed1995,
    /// Membership when the Ban Amendment entered into force (2019-12-05).
    Fixed2019,
}

impl AnnexViiReading {
    /// The value in the data files.
    pub fn key(&self) -> &'static str {
        match self {
            AnnexViiReading::Dynamic => "dynamic",
            AnnexViiReading::Fixed1995 => "fixed_1995",
            AnnexViiReading::Fixed2019 => "fixed_2019",
        }
    }

    /// Parses a data-file value.
    pub fn from_key(s: &str) -> Option<Self> {
        [
            AnnexViiReading::Dynamic,
            AnnexViiReading::Fixed1995,
            AnnexViiReading::Fixed2019,
        ]
        .into_iter()
        .find(|r| r.key() == s)
    }

    /// The date whose membership counts when asking about `on`.
    pub fn reference_date(&self, on: Date) -> Date {
        match self {
            AnnexViiReading::Dynamic => on,
            AnnexViiReading::Fixed1995 => time::macros::date!(1995 - 09 - 22),
            AnnexViiReading::Fixed2019 => time::macros::date!(2019 - 12 - 05),
        }
    }
}

/// Settings of rules whose legal basis the reference marks as unverified (`[M]`). Defaults, the
/// reference's wording and rule IDs come from `data/law-facts.json`; a deployment may change
/// values through the `settings` section of its overrides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleSettings {
    /// BAN-06: static or dynamic reading of Annex VII. Default `dynamic`.
    pub annex_vii_reading: Setting<AnnexViiReading>,
    /// PIC-08: whether a request for additional information restarts the 60-day transit clock.
    pub info_request_restarts_transit_clock: Setting<bool>,
    /// PIC-09: whether a non-Party transit State must consent in writing (not only be notified).
    pub non_party_transit_requires_consent: Setting<bool>,
    /// Art. 9(1)(d): quantity deviation (in percent of the documented quantity) that is not yet a
    /// material non-conformity. Default 0 (strict).
    pub quantity_tolerance_percent: Setting<u32>,
    /// BC-15/18: whether the e-waste amendments bind every Party (no non-acceptance under
    /// Art. 18(2)(b) recorded).
    pub ewaste_amendments_bind_all_parties: Setting<bool>,
    /// Classification gate: flag movements that start before and end after 2025-01-01 for review.
    pub review_movements_spanning_ewaste_change: Setting<bool>,
    /// Open question 1: whether Y49 yields to another Annex IX entry (e.g. B1010 metal, B1115
    /// cables). Default `false`: classify as Y49 (PIC applies).
    pub y49_yields_to_annex_ix_entries: Setting<bool>,
    /// EU Regulation 2024/1157 applies from this date (Regulation 1013/2006 until the day before).
    pub eu_wsr_2024_1157_applies_from: Setting<Date>,
    /// OECD Decision amber procedure: days after acknowledgement before tacit consent.
    pub oecd_tacit_consent_days: Setting<u32>,
    /// OECD Decision: validity of a consent, in months.
    pub oecd_consent_validity_months: Setting<u32>,
    /// Art. 9(1)(d): periods in which a crossing at another customs office than the designated
    /// one is tolerated (a review item, not illegal traffic). Default: never (strict).
    pub deviation_customs_office_tolerated: Setting<Vec<Period<bool>>>,
    /// Art. 9(1)(d): periods in which a crossing in a State off the notified route is tolerated.
    /// Default: never (strict).
    pub deviation_route_tolerated: Setting<Vec<Period<bool>>>,
    /// Art. 9(1)(d): periods in which carriage by a carrier not named in the movement document
    /// is tolerated. Default: never (strict).
    pub deviation_carrier_tolerated: Setting<Vec<Period<bool>>>,
}

/// A kind of deviation of a movement from its documents (Art. 9(1)(d)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Deviation {
    /// Exit or entry through another customs office than designated.
    CustomsOffice,
    /// A crossing in a State that is not on the notified route.
    Route,
    /// Carriage by a carrier not named in the movement document.
    Carrier,
}

impl RuleSettings {
    /// Whether a deviation of `kind` on `on` is tolerated (a review item) rather than illegal
    /// traffic under Art. 9(1)(d). A date no period covers, or an unknown value, is strict.
    pub fn deviation_tolerated(&self, kind: Deviation, on: Date) -> bool {
        let setting = match kind {
            Deviation::CustomsOffice => &self.deviation_customs_office_tolerated,
            Deviation::Route => &self.deviation_route_tolerated,
            Deviation::Carrier => &self.deviation_carrier_tolerated,
        };
        setting
            .value
            .iter()
            .find(|p| p.covers(on))
            .and_then(|p| p.value)
            .unwrap_or(false)
    }
}

// ---------------------------------------------------------------------------------------------
// Facts
// ---------------------------------------------------------------------------------------------

/// A source referenced by facts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// What it is.
    pub title: String,
    /// Where to find it.
    pub url: Option<String>,
    /// As-of date of the copy consulted (`YYYY-MM-DD`, or a year-month), if known.
    pub as_of: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct CountryFacts {
    name: Option<String>,
    territory_of: Option<CountryCode>,
    basel_party: Vec<Period<bool>>,
    ban_amendment: Vec<Period<bool>>,
    oecd_member: Vec<Period<bool>>,
    oecd_decision: Option<Vec<Period<bool>>>,
    eu_member: Vec<Period<bool>>,
    annex_vii: Option<Vec<Period<bool>>>,
    transit_waiver: Vec<Period<bool>>,
    import_bans: Option<ImportBans>,
    notes: Vec<String>,
}

impl CountryFacts {
    fn periods_mut(&mut self, fact: Fact) -> &mut Vec<Period<bool>> {
        match fact {
            Fact::BaselParty => &mut self.basel_party,
            Fact::BanAmendment => &mut self.ban_amendment,
            Fact::OecdMember => &mut self.oecd_member,
            Fact::OecdDecision => self.oecd_decision.get_or_insert_with(Vec::new),
            Fact::EuMember => &mut self.eu_member,
            Fact::AnnexVii => self.annex_vii.get_or_insert_with(Vec::new),
            Fact::TransitWaiver => &mut self.transit_waiver,
        }
    }
}

#[derive(Clone, Debug)]
struct Inner {
    countries: HashMap<CountryCode, CountryFacts>,
    sources: BTreeMap<String, Source>,
    art11: Vec<Art11Agreement>,
    settings: RuleSettings,
    version: String,
}

/// The whole law-data set: the built-in data plus any deployment overrides. Cheap to clone
/// (shared, immutable); lookups are hash-map reads.
#[derive(Clone, Debug)]
pub struct Facts {
    inner: Arc<Inner>,
}

static BUILTIN: OnceLock<Result<Facts, FactsError>> = OnceLock::new();

impl Facts {
    /// The embedded data set, or the error that prevented loading it. A failure is a build
    /// defect (the tests catch it); it is reported, never replaced by empty data, so that no
    /// answer is ever given on data that did not load.
    pub fn builtin() -> Result<Facts, FactsError> {
        BUILTIN.get_or_init(load_builtin).clone()
    }

    /// The same as [`Facts::builtin`] (the name earlier callers use).
    pub fn try_builtin() -> Result<Facts, FactsError> {
        Self::builtin()
    }

    /// Applies a deployment's overrides document (format in the module documentation). The
    /// result's [`Facts::data_version`] adds a digest of the canonical overrides JSON.
    pub fn with_overrides(self, overrides: &serde_json::Value) -> Result<Facts, FactsError> {
        let mut inner = (*self.inner).clone();
        parse::apply(&mut inner, overrides, false)?;
        let canonical = jcs::canonicalize(overrides).map_err(|e| FactsError::Invalid {
            path: "(root)".into(),
            message: format!("not canonicalizable under RFC 8785: {e}"),
        })?;
        inner.version = format!("{}+overrides:{}", inner.version, digest(&[&canonical]));
        Ok(Facts {
            inner: Arc::new(inner),
        })
    }

    /// Identifies the data set: the built-in data version (as-of dates and a digest of the
    /// embedded files) followed by a digest of each overrides document applied.
    pub fn data_version(&self) -> String {
        self.inner.version.clone()
    }

    /// Whether the data has a record for `c` (all 249 ISO codes of the reference, `EU`, and any
    /// country added by overrides).
    pub fn knows(&self, c: &CountryCode) -> bool {
        self.inner.countries.contains_key(c)
    }

    /// Every country code in the data, sorted.
    pub fn countries(&self) -> Vec<CountryCode> {
        let mut v: Vec<CountryCode> = self.inner.countries.keys().copied().collect();
        v.sort();
        v
    }

    /// The country's name, if recorded.
    pub fn name(&self, c: &CountryCode) -> Option<&str> {
        self.inner.countries.get(c)?.name.as_deref()
    }

    /// The administering State, for codes that are territories rather than States.
    pub fn territory_of(&self, c: &CountryCode) -> Option<CountryCode> {
        self.inner.countries.get(c)?.territory_of
    }

    /// Remarks recorded for the country (gaps, disputed dates).
    pub fn notes(&self, c: &CountryCode) -> &[String] {
        self.inner
            .countries
            .get(c)
            .map_or(&[], |f| f.notes.as_slice())
    }

    /// The sources table (keys used in the facts' `source` strings).
    pub fn sources(&self) -> &BTreeMap<String, Source> {
        &self.inner.sources
    }

    /// The stored periods of a fact (the derived facts `oecd_decision` and `annex_vii` give
    /// `None` when not stated explicitly).
    pub fn periods(&self, c: &CountryCode, fact: Fact) -> Option<&[Period<bool>]> {
        let f = self.inner.countries.get(c)?;
        Some(match fact {
            Fact::BaselParty => &f.basel_party,
            Fact::BanAmendment => &f.ban_amendment,
            Fact::OecdMember => &f.oecd_member,
            Fact::OecdDecision => f.oecd_decision.as_deref()?,
            Fact::EuMember => &f.eu_member,
            Fact::AnnexVii => f.annex_vii.as_deref()?,
            Fact::TransitWaiver => &f.transit_waiver,
        })
    }

    /// Any boolean fact on a date (the named methods below are shorthands).
    pub fn fact(&self, c: &CountryCode, fact: Fact, on: Date) -> Known<bool> {
        let Some(f) = self.inner.countries.get(c) else {
            return Known::Unknown;
        };
        match fact {
            Fact::BaselParty => lookup(&f.basel_party, on),
            Fact::BanAmendment => lookup(&f.ban_amendment, on),
            Fact::OecdMember => lookup(&f.oecd_member, on),
            Fact::OecdDecision => match &f.oecd_decision {
                Some(p) => lookup(p, on),
                None => lookup(&f.oecd_member, on),
            },
            Fact::EuMember => lookup(&f.eu_member, on),
            Fact::AnnexVii => match &f.annex_vii {
                Some(p) => lookup(p, on),
                None => self.derived_annex_vii(f, on),
            },
            Fact::TransitWaiver => lookup(&f.transit_waiver, on),
        }
    }

    fn derived_annex_vii(&self, f: &CountryFacts, on: Date) -> Known<bool> {
        let reading = self.inner.settings.annex_vii_reading.value;
        let r = reading.reference_date(on);
        let oecd = lookup(&f.oecd_member, r);
        let eu = lookup(&f.eu_member, r);
        let how = format!(
            "Annex VII reading {} (setting annex_vii_reading)",
            reading.key()
        );
        match (&oecd, &eu) {
            (
                Known::Yes {
                    value: true,
                    source,
                },
                _,
            ) => Known::Yes {
                value: true,
                source: format!("OECD member on {r} ({source}); {how}"),
            },
            (
                _,
                Known::Yes {
                    value: true,
                    source,
                },
            ) => Known::Yes {
                value: true,
                source: format!("EU member State on {r} ({source}); {how}"),
            },
            (Known::Yes { source: so, .. }, Known::Yes { source: se, .. }) => Known::Yes {
                value: false,
                source: format!(
                    "neither an OECD member ({so}) nor an EU member State ({se}) on {r}, not Liechtenstein; {how}"
                ),
            },
            _ => Known::Unknown,
        }
    }

    /// Party to the Basel Convention on `on` (the Convention in force for it).
    pub fn basel_party(&self, c: &CountryCode, on: Date) -> Known<bool> {
        self.fact(c, Fact::BaselParty, on)
    }

    /// Listed in Annex VII on `on` (per the `annex_vii_reading` setting unless stated explicitly).
    pub fn annex_vii(&self, c: &CountryCode, on: Date) -> Known<bool> {
        self.fact(c, Fact::AnnexVii, on)
    }

    /// The Ban Amendment (Art. 4A) is in force for `c` on `on`.
    pub fn ban_amendment_in_force(&self, c: &CountryCode, on: Date) -> Known<bool> {
        self.fact(c, Fact::BanAmendment, on)
    }

    /// Participates in the OECD Decision C(2001)107/FINAL on `on`.
    pub fn oecd(&self, c: &CountryCode, on: Date) -> Known<bool> {
        self.fact(c, Fact::OecdDecision, on)
    }

    /// OECD member on `on` (membership, which the OECD Decision participation usually follows).
    pub fn oecd_member(&self, c: &CountryCode, on: Date) -> Known<bool> {
        self.fact(c, Fact::OecdMember, on)
    }

    /// EU member State on `on`.
    pub fn eu(&self, c: &CountryCode, on: Date) -> Known<bool> {
        self.fact(c, Fact::EuMember, on)
    }

    /// Has decided under Art. 6(4) not to require prior written consent for transit, on `on`.
    pub fn transit_waiver(&self, c: &CountryCode, on: Date) -> Known<bool> {
        self.fact(c, Fact::TransitWaiver, on)
    }

    /// The import ban of `c` that covers `code` for `op` on `on`: `Yes(Some(ban))` if one does,
    /// `Yes(None)` if the country's bans are known and none covers it, `Unknown` if the data has
    /// no import-ban information for the country (the case for every real country in the built-in
    /// data).
    pub fn import_ban(
        &self,
        c: &CountryCode,
        code: &WasteCode,
        op: &Operation,
        on: Date,
    ) -> Known<Option<ImportBan>> {
        let Some(bans) = self
            .inner
            .countries
            .get(c)
            .and_then(|f| f.import_bans.as_ref())
        else {
            return Known::Unknown;
        };
        match bans.bans.iter().find(|b| b.covers(code, op, on)) {
            Some(b) => Known::Yes {
                value: Some(b.clone()),
                source: b.source.clone(),
            },
            None => Known::Yes {
                value: None,
                source: bans.source.clone(),
            },
        }
    }

    /// The first Art. 11 agreement in force on `on` under which `export` may ship to `import`
    /// for operation `op`; `None` if the data records none (other agreements may exist: the data
    /// only holds verified ones).
    pub fn art11_agreement(
        &self,
        export: &CountryCode,
        import: &CountryCode,
        op: &Operation,
        on: Date,
    ) -> Option<Art11Agreement> {
        if export == import {
            return None;
        }
        self.inner
            .art11
            .iter()
            .find(|a| {
                a.from.is_none_or(|f| f <= on)
                    && a.until.is_none_or(|u| on <= u)
                    && a.operations.covers(op)
                    && match &a.parties {
                        Art11Parties::Members(m) => m.contains(export) && m.contains(import),
                        Art11Parties::Pairs(p) => p.contains(&(*export, *import)),
                        Art11Parties::OecdDecision => {
                            self.oecd(export, on).is_true() && self.oecd(import, on).is_true()
                        }
                    }
            })
            .cloned()
    }

    /// Every Art. 11 agreement in the data.
    pub fn art11_agreements(&self) -> &[Art11Agreement] {
        &self.inner.art11
    }

    /// The configurable rule settings.
    pub fn setting(&self) -> &RuleSettings {
        &self.inner.settings
    }
}

fn load_builtin() -> Result<Facts, FactsError> {
    let mut inner = reference::load(COUNTRY_FACTS_JSON)?;
    let law: serde_json::Value =
        serde_json::from_str(LAW_FACTS_JSON).map_err(|e| FactsError::Embedded {
            file: "data/law-facts.json",
            message: e.to_string(),
        })?;
    parse::apply(&mut inner, &law, true).map_err(|e| FactsError::Embedded {
        file: "data/law-facts.json",
        message: e.to_string(),
    })?;
    crate::codes::check_embedded_data().map_err(|e| FactsError::Embedded {
        file: "data/codes.json",
        message: e.to_string(),
    })?;
    inner.version = format!(
        "wastetrail-basel-data/codes@{}/facts@{}/{}",
        crate::codes::data_as_of(),
        inner.version,
        digest(&[
            &embedded_jcs("data/codes.json", crate::codes::CODES_JSON)?,
            &embedded_jcs("data/country-facts.json", COUNTRY_FACTS_JSON)?,
            &embedded_jcs("data/law-facts.json", LAW_FACTS_JSON)?,
        ])
    );
    Ok(Facts {
        inner: Arc::new(inner),
    })
}

/// The RFC 8785 (JCS) canonical bytes of an embedded JSON file, so that the data version does
/// not depend on the file's white space or key order.
fn embedded_jcs(file: &'static str, json: &str) -> Result<Vec<u8>, FactsError> {
    jcs::canonicalize_str(json).map_err(|e| FactsError::Embedded {
        file,
        message: e.to_string(),
    })
}

/// SHA-256 over the parts (RFC 8785 bytes), each preceded by its length (8 bytes, big-endian), as
/// `sha256:<hex>`.
fn digest(parts: &[&[u8]]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for part in parts {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part);
    }
    let mut out = String::from("sha256:");
    for b in h.finalize() {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

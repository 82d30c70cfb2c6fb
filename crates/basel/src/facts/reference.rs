//! Reading the project's reference table `data/country-facts.json` into dated periods.
//! The reading rules are documented in the parent module.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;
use time::Date;

use super::{CountryCode, CountryFacts, FactsError, Inner, Period, Source, parse};

const FILE: &str = "data/country-facts.json";

#[derive(Deserialize)]
struct RefFile {
    compiled_on: String,
    sources: BTreeMap<String, RefSource>,
    organizations: BTreeMap<String, RefCountry>,
    countries: BTreeMap<String, RefCountry>,
}

#[derive(Deserialize)]
struct RefSource {
    title: String,
    url: Option<String>,
    as_of: Option<String>,
}

#[derive(Deserialize)]
struct RefCountry {
    name: String,
    #[serde(default)]
    territory_of: Option<String>,
    basel_party: RefBasel,
    ban_amendment: RefBan,
    #[serde(default)]
    oecd_member: Option<RefMember>,
    #[serde(default)]
    eu_member: Option<RefMember>,
    annex_vii: Option<bool>,
    #[serde(default)]
    notes: Vec<String>,
}

#[derive(Deserialize)]
struct RefBasel {
    status: Option<String>,
    since: Option<String>,
    #[serde(default)]
    since_basis: Option<String>,
    #[serde(default)]
    source: Vec<String>,
}

#[derive(Deserialize)]
struct RefBan {
    accepted: Option<bool>,
    in_force_since: Option<String>,
    #[serde(default)]
    in_force_basis: Option<String>,
    #[serde(default)]
    source: Vec<String>,
}

#[derive(Deserialize)]
struct RefMember {
    member: bool,
    since: Option<String>,
    #[serde(default)]
    source: Vec<String>,
    #[serde(default)]
    reported_dates: Vec<String>,
    #[serde(default)]
    reported_year: Option<i32>,
    #[serde(default)]
    former_member: Option<RefFormer>,
}

#[derive(Deserialize)]
struct RefFormer {
    from: String,
    until: String,
}

fn bad(message: String) -> FactsError {
    FactsError::Embedded {
        file: FILE,
        message,
    }
}

fn date(code: &str, field: &str, s: &str) -> Result<Date, FactsError> {
    parse::parse_date(s).ok_or_else(|| bad(format!("{code}.{field}: invalid date {s:?}")))
}

fn keys(src: &[String], fallback: &str) -> String {
    if src.is_empty() {
        fallback.to_string()
    } else {
        src.join(", ")
    }
}

fn p(from: Option<Date>, until: Option<Date>, value: Option<bool>, source: String) -> Period<bool> {
    Period {
        from,
        until,
        value,
        source,
    }
}

/// false before `d`, true from `d`; `basis` explains how `d` was computed.
fn starting(d: Date, source: &str, what: &str, basis: Option<&str>) -> Vec<Period<bool>> {
    let basis = basis.map(|b| format!(" ({b})")).unwrap_or_default();
    let mut v = Vec::with_capacity(2);
    if let Some(before) = d.previous_day() {
        v.push(p(
            None,
            Some(before),
            Some(false),
            format!("{source}: {what} only from {d}{basis}"),
        ));
    }
    v.push(p(
        Some(d),
        None,
        Some(true),
        format!("{source}: {what} from {d}{basis}"),
    ));
    v
}

/// The Ban Amendment entered into force on 5 December 2019 (source UNTC_DET_A).
const BAN_EIF: Date = time::macros::date!(2019 - 12 - 05);

fn basel(code: &str, r: &RefBasel) -> Result<Vec<Period<bool>>, FactsError> {
    let src = keys(&r.source, "ISO");
    Ok(match (r.status.as_deref(), &r.since) {
        (Some("party"), Some(s)) => {
            let d = date(code, "basel_party.since", s)?;
            let basis = r.since_basis.as_deref().unwrap_or("Art. 25");
            starting(d, &src, "Convention in force", Some(basis))
        }
        (Some("party"), None) => Vec::new(),
        (Some("signatory"), _) => vec![p(
            None,
            None,
            Some(false),
            format!("{src}: signatory, not a Party"),
        )],
        (Some("none"), _) => vec![p(None, None, Some(false), format!("{src}: not a Party"))],
        (None, _) => Vec::new(),
        (Some(other), _) => {
            return Err(bad(format!(
                "{code}.basel_party.status: unknown value {other:?}"
            )));
        }
    })
}

fn ban(code: &str, r: &RefBan, basel_src: &str) -> Result<Vec<Period<bool>>, FactsError> {
    let src = keys(&r.source, basel_src);
    Ok(match (r.accepted, &r.in_force_since) {
        (Some(true), Some(s)) => {
            let d = date(code, "ban_amendment.in_force_since", s)?;
            let basis = r.in_force_basis.as_deref().unwrap_or("Art. 17(5)");
            starting(d, &src, "Ban Amendment in force", Some(basis))
        }
        (Some(true), None) => {
            return Err(bad(format!(
                "{code}.ban_amendment: accepted without in_force_since"
            )));
        }
        (Some(false), _) => vec![p(
            None,
            None,
            Some(false),
            format!("{src}: not a Party to the Ban Amendment"),
        )],
        (None, _) => vec![
            p(
                None,
                BAN_EIF.previous_day(),
                Some(false),
                "UNTC_DET_A: the Ban Amendment entered into force on 2019-12-05".to_string(),
            ),
            p(
                Some(BAN_EIF),
                None,
                None,
                format!("{src}: acceptance not determined"),
            ),
        ],
    })
}

fn member(
    code: &str,
    field: &str,
    r: Option<&RefMember>,
    default_src: &str,
    what: &str,
) -> Result<Vec<Period<bool>>, FactsError> {
    let Some(r) = r else {
        return Ok(Vec::new());
    };
    let src = keys(&r.source, default_src);
    if r.member {
        if let Some(s) = &r.since {
            let d = date(code, &format!("{field}.since"), s)?;
            return Ok(starting(d, &src, what, None));
        }
        // Membership known, start date uncertain: false before the earliest possible date,
        // unknown in between, true from the day after which every reading agrees.
        let (earliest, true_from, why) = if !r.reported_dates.is_empty() {
            let mut ds = r
                .reported_dates
                .iter()
                .map(|s| date(code, &format!("{field}.reported_dates"), s))
                .collect::<Result<Vec<_>, _>>()?;
            ds.sort();
            match (ds.first(), ds.last()) {
                (Some(a), Some(b)) => (
                    *a,
                    Some(*b),
                    format!("sources disagree on the date ({a} or {b})"),
                ),
                _ => return Ok(Vec::new()),
            }
        } else if let Some(y) = r.reported_year {
            let first = Date::from_calendar_date(y, time::Month::January, 1)
                .map_err(|e| bad(format!("{code}.{field}.reported_year: {e}")))?;
            let last = Date::from_calendar_date(y, time::Month::December, 31)
                .map_err(|e| bad(format!("{code}.{field}.reported_year: {e}")))?;
            (
                first,
                last.next_day(),
                format!("joined in {y}, exact date not found"),
            )
        } else {
            return Ok(Vec::new());
        };
        let mut v = vec![p(
            None,
            earliest.previous_day(),
            Some(false),
            format!("{src}: {what} not before {earliest}"),
        )];
        let unknown_until = match true_from {
            Some(t) => t.previous_day(),
            None => None,
        };
        if unknown_until.is_none_or(|u| u >= earliest) {
            v.push(p(
                Some(earliest),
                unknown_until,
                None,
                format!("{src}: {why}"),
            ));
        }
        if let Some(t) = true_from {
            v.push(p(
                Some(t),
                None,
                Some(true),
                format!("{src}: {what} from {t} at the latest ({why})"),
            ));
        }
        return Ok(v);
    }
    if let Some(f) = &r.former_member {
        let from = date(code, &format!("{field}.former_member.from"), &f.from)?;
        let until = date(code, &format!("{field}.former_member.until"), &f.until)?;
        return Ok(vec![
            p(
                None,
                from.previous_day(),
                Some(false),
                format!("{src}: {what} only from {from}"),
            ),
            p(
                Some(from),
                Some(until),
                Some(true),
                format!("{src}: {what} from {from} until {until}"),
            ),
            p(
                until.next_day(),
                None,
                Some(false),
                format!("{src}: {what} until {until} only"),
            ),
        ]);
    }
    Ok(vec![p(
        None,
        None,
        Some(false),
        format!("{src}: not an {what}"),
    )])
}

fn country(code: &str, r: &RefCountry) -> Result<CountryFacts, FactsError> {
    let territory_of = match &r.territory_of {
        Some(t) => {
            Some(CountryCode::parse(t).map_err(|e| bad(format!("{code}.territory_of: {e}")))?)
        }
        None => None,
    };
    let basel_src = keys(&r.basel_party.source, "ISO");
    let is_territory = r.basel_party.status.is_none();
    let annex_vii = if is_territory {
        // Coverage depends on the administering State's declarations: unknown.
        Some(Vec::new())
    } else if code == "EU" {
        Some(vec![p(
            None,
            None,
            r.annex_vii,
            "Annex VII text (\"members of OECD, EC, Liechtenstein\"), BRULES §3: the EU is the EC's successor"
                .to_string(),
        )])
    } else {
        None
    };
    Ok(CountryFacts {
        name: Some(r.name.clone()),
        territory_of,
        basel_party: basel(code, &r.basel_party)?,
        ban_amendment: ban(code, &r.ban_amendment, &basel_src)?,
        oecd_member: member(
            code,
            "oecd_member",
            r.oecd_member.as_ref(),
            "OECD_38",
            "OECD member",
        )?,
        oecd_decision: None,
        eu_member: member(
            code,
            "eu_member",
            r.eu_member.as_ref(),
            "EU",
            "EU member State",
        )?,
        annex_vii,
        transit_waiver: Vec::new(),
        import_bans: None,
        notes: r.notes.clone(),
    })
}

pub(super) fn load(json: &str) -> Result<Inner, FactsError> {
    let raw: RefFile = serde_json::from_str(json).map_err(|e| bad(e.to_string()))?;
    let mut countries = HashMap::new();
    for (code, r) in raw.countries.iter().chain(raw.organizations.iter()) {
        let cc = CountryCode::parse(code).map_err(|e| bad(format!("countries.{code}: {e}")))?;
        if countries.insert(cc, country(code, r)?).is_some() {
            return Err(bad(format!("{code}: listed twice")));
        }
    }
    let sources = raw
        .sources
        .into_iter()
        .map(|(k, s)| {
            (
                k,
                Source {
                    title: s.title,
                    url: s.url,
                    as_of: s.as_of,
                },
            )
        })
        .collect();
    Ok(Inner {
        countries,
        sources,
        art11: Vec::new(),
        settings: parse::fallback_settings(),
        version: raw.compiled_on,
    })
}

//! The overrides-format parser (format documented in the parent module). Every error names the
//! JSON path of the fault.

use serde_json::{Map, Value};
use time::Date;

use super::{
    AnnexViiReading, Art11Agreement, Art11Parties, CountryCode, CountryFacts, Fact, FactsError,
    ImportBan, ImportBans, Inner, OVERRIDES_FORMAT, OperationScope, Period, RuleSettings, Setting,
    Source,
};
use crate::codes::{CodeList, Operation, WasteCode};

type R<T> = Result<T, FactsError>;

pub(super) fn parse_date(s: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s, &format).ok()
}

fn err(path: &str, message: impl Into<String>) -> FactsError {
    FactsError::Invalid {
        path: if path.is_empty() {
            "(root)".to_string()
        } else {
            path.to_string()
        },
        message: message.into(),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn obj<'v>(v: &'v Value, path: &str) -> R<&'v Map<String, Value>> {
    v.as_object()
        .ok_or_else(|| err(path, format!("expected an object, found {}", kind(v))))
}

fn arr<'v>(v: &'v Value, path: &str) -> R<&'v Vec<Value>> {
    v.as_array()
        .ok_or_else(|| err(path, format!("expected an array, found {}", kind(v))))
}

fn check_keys(m: &Map<String, Value>, allowed: &[&str], path: &str) -> R<()> {
    match m.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(err(
            &join(path, k),
            format!("unknown field (expected one of: {})", allowed.join(", ")),
        )),
        None => Ok(()),
    }
}

fn req<'v>(m: &'v Map<String, Value>, key: &str, path: &str) -> R<&'v Value> {
    m.get(key)
        .ok_or_else(|| err(&join(path, key), "missing required field"))
}

fn string(v: &Value, path: &str) -> R<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Ok(s.clone()),
        Value::String(_) => Err(err(path, "must not be empty")),
        other => Err(err(
            path,
            format!("expected a string, found {}", kind(other)),
        )),
    }
}

fn opt_string(v: Option<&Value>, path: &str) -> R<Option<String>> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(v) => string(v, path).map(Some),
    }
}

fn date(v: &Value, path: &str) -> R<Date> {
    match v {
        Value::String(s) => parse_date(s)
            .ok_or_else(|| err(path, format!("invalid date {s:?} (expected YYYY-MM-DD)"))),
        other => Err(err(
            path,
            format!(
                "invalid date: expected a \"YYYY-MM-DD\" string, found {}",
                kind(other)
            ),
        )),
    }
}

fn opt_date(v: Option<&Value>, path: &str) -> R<Option<Date>> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(v) => date(v, path).map(Some),
    }
}

fn boolean(v: &Value, path: &str) -> R<bool> {
    v.as_bool()
        .ok_or_else(|| err(path, format!("expected true or false, found {}", kind(v))))
}

fn count(v: &Value, path: &str) -> R<u32> {
    v.as_u64()
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| {
            err(
                path,
                format!("expected a non-negative integer, found {}", kind(v)),
            )
        })
}

fn reading(v: &Value, path: &str) -> R<AnnexViiReading> {
    v.as_str()
        .and_then(AnnexViiReading::from_key)
        .ok_or_else(|| {
            err(
                path,
                "expected \"dynamic\", \"fixed_1995\" or \"fixed_2019\"",
            )
        })
}

fn country_code(s: &str, path: &str) -> R<CountryCode> {
    CountryCode::parse(s).map_err(|e| err(path, e.to_string()))
}

fn country_value(v: &Value, path: &str) -> R<CountryCode> {
    match v {
        Value::String(s) => country_code(s, path),
        other => Err(err(
            path,
            format!("expected a country code string, found {}", kind(other)),
        )),
    }
}

fn check_range(from: Option<Date>, until: Option<Date>, path: &str) -> R<()> {
    match (from, until) {
        (Some(f), Some(u)) if u < f => Err(err(
            &join(path, "until"),
            format!("{u} is before from ({f})"),
        )),
        _ => Ok(()),
    }
}

fn periods(v: &Value, path: &str) -> R<Vec<Period<bool>>> {
    let items = arr(v, path)?;
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let p = index(path, i);
        let m = obj(item, &p)?;
        check_keys(m, &["from", "until", "value", "source"], &p)?;
        let from = opt_date(m.get("from"), &join(&p, "from"))?;
        let until = opt_date(m.get("until"), &join(&p, "until"))?;
        check_range(from, until, &p)?;
        let value = match req(m, "value", &p)? {
            Value::Null => None,
            other => Some(boolean(other, &join(&p, "value"))?),
        };
        let source = string(req(m, "source", &p)?, &join(&p, "source"))?;
        out.push(Period {
            from,
            until,
            value,
            source,
        });
    }
    // No two periods may overlap.
    let mut order: Vec<usize> = (0..out.len()).collect();
    order.sort_by_key(|&i| out.get(i).and_then(|p| p.from));
    for pair in order.windows(2) {
        if let [a, b] = pair
            && let (Some(pa), Some(pb)) = (out.get(*a), out.get(*b))
            && !matches!((pa.until, pb.from), (Some(u), Some(f)) if u < f)
        {
            let (first, second) = if a < b { (*a, *b) } else { (*b, *a) };
            return Err(err(
                &index(path, second),
                format!("overlaps {}", index(path, first)),
            ));
        }
    }
    Ok(out)
}

fn operations(v: Option<&Value>, path: &str) -> R<OperationScope> {
    match v {
        None | Some(Value::Null) => Ok(OperationScope::Any),
        Some(Value::String(s)) => match s.as_str() {
            "any" => Ok(OperationScope::Any),
            "disposal" => Ok(OperationScope::Disposal),
            "recovery" => Ok(OperationScope::Recovery),
            _ => Err(err(
                path,
                "expected \"any\", \"disposal\", \"recovery\" or an array of Annex IV codes",
            )),
        },
        Some(Value::Array(items)) => {
            let mut ops = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let p = index(path, i);
                let s = item
                    .as_str()
                    .ok_or_else(|| err(&p, format!("expected a string, found {}", kind(item))))?;
                ops.push(Operation::parse(s).map_err(|e| err(&p, e.to_string()))?);
            }
            if ops.is_empty() {
                return Err(err(path, "an empty list covers no operation; use \"any\""));
            }
            Ok(OperationScope::Only(ops))
        }
        Some(other) => Err(err(
            path,
            format!("expected a string or an array, found {}", kind(other)),
        )),
    }
}

fn waste_codes(v: Option<&Value>, path: &str) -> R<Vec<WasteCode>> {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return Ok(Vec::new());
    };
    arr(v, path)?
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let p = index(path, i);
            let s = item
                .as_str()
                .ok_or_else(|| err(&p, format!("expected a string, found {}", kind(item))))?;
            WasteCode::parse(s).map_err(|e| err(&p, e.to_string()))
        })
        .collect()
}

fn code_lists(v: Option<&Value>, path: &str) -> R<Vec<CodeList>> {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return Ok(Vec::new());
    };
    arr(v, path)?
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let p = index(path, i);
            item.as_str().and_then(CodeList::from_key).ok_or_else(|| {
                err(
                    &p,
                    "expected \"annex_i\", \"annex_ii\", \"annex_viii\" or \"annex_ix\"",
                )
            })
        })
        .collect()
}

fn import_bans(v: &Value, path: &str) -> R<Option<ImportBans>> {
    if v.is_null() {
        return Ok(None);
    }
    let m = obj(v, path)?;
    check_keys(m, &["source", "bans"], path)?;
    let source = string(req(m, "source", path)?, &join(path, "source"))?;
    let bans_path = join(path, "bans");
    let mut bans = Vec::new();
    for (i, item) in arr(req(m, "bans", path)?, &bans_path)?.iter().enumerate() {
        let p = index(&bans_path, i);
        let b = obj(item, &p)?;
        check_keys(
            b,
            &[
                "from",
                "until",
                "scope",
                "codes",
                "lists",
                "operations",
                "source",
            ],
            &p,
        )?;
        let from = opt_date(b.get("from"), &join(&p, "from"))?;
        let until = opt_date(b.get("until"), &join(&p, "until"))?;
        check_range(from, until, &p)?;
        bans.push(ImportBan {
            scope: string(req(b, "scope", &p)?, &join(&p, "scope"))?,
            source: string(req(b, "source", &p)?, &join(&p, "source"))?,
            from,
            until,
            codes: waste_codes(b.get("codes"), &join(&p, "codes"))?,
            lists: code_lists(b.get("lists"), &join(&p, "lists"))?,
            operations: operations(b.get("operations"), &join(&p, "operations"))?,
        });
    }
    Ok(Some(ImportBans { source, bans }))
}

const COUNTRY_KEYS: [&str; 11] = [
    "name",
    "territory_of",
    "notes",
    "import_bans",
    "basel_party",
    "ban_amendment",
    "oecd_member",
    "oecd_decision",
    "eu_member",
    "annex_vii",
    "transit_waiver",
];

fn country(facts: &mut CountryFacts, v: &Value, path: &str) -> R<()> {
    let m = obj(v, path)?;
    check_keys(m, &COUNTRY_KEYS, path)?;
    for (key, val) in m {
        let p = join(path, key);
        match key.as_str() {
            "name" => facts.name = Some(string(val, &p)?),
            "territory_of" => {
                facts.territory_of = match val {
                    Value::Null => None,
                    other => Some(country_value(other, &p)?),
                }
            }
            "notes" => {
                facts.notes = arr(val, &p)?
                    .iter()
                    .enumerate()
                    .map(|(i, n)| string(n, &index(&p, i)))
                    .collect::<R<Vec<_>>>()?
            }
            "import_bans" => facts.import_bans = import_bans(val, &p)?,
            "annex_vii" if val.is_null() => facts.annex_vii = None,
            "oecd_decision" if val.is_null() => facts.oecd_decision = None,
            other => match Fact::from_key(other) {
                Some(fact) => *facts.periods_mut(fact) = periods(val, &p)?,
                None => return Err(err(&p, "unknown field")),
            },
        }
    }
    Ok(())
}

fn agreement(v: &Value, path: &str) -> R<Art11Agreement> {
    let m = obj(v, path)?;
    check_keys(
        m,
        &[
            "id",
            "name",
            "members",
            "pairs",
            "operations",
            "from",
            "until",
            "source",
            "note",
        ],
        path,
    )?;
    let parties = match (m.get("members"), m.get("pairs")) {
        (Some(members), None) => {
            let p = join(path, "members");
            match members {
                Value::Object(o) => {
                    check_keys(o, &["fact"], &p)?;
                    match o.get("fact").and_then(Value::as_str) {
                        Some("oecd_decision") => Art11Parties::OecdDecision,
                        _ => return Err(err(&join(&p, "fact"), "expected \"oecd_decision\"")),
                    }
                }
                other => {
                    let list = arr(other, &p)?
                        .iter()
                        .enumerate()
                        .map(|(i, c)| country_value(c, &index(&p, i)))
                        .collect::<R<Vec<_>>>()?;
                    if list.len() < 2 {
                        return Err(err(&p, "an agreement needs at least two members"));
                    }
                    Art11Parties::Members(list)
                }
            }
        }
        (None, Some(pairs)) => {
            let p = join(path, "pairs");
            let mut list = Vec::new();
            for (i, item) in arr(pairs, &p)?.iter().enumerate() {
                let ip = index(&p, i);
                let pm = obj(item, &ip)?;
                check_keys(pm, &["export", "import"], &ip)?;
                let e = country_value(req(pm, "export", &ip)?, &join(&ip, "export"))?;
                let im = country_value(req(pm, "import", &ip)?, &join(&ip, "import"))?;
                if e == im {
                    return Err(err(&ip, "export and import must differ"));
                }
                list.push((e, im));
            }
            if list.is_empty() {
                return Err(err(&p, "at least one pair is needed"));
            }
            Art11Parties::Pairs(list)
        }
        (Some(_), Some(_)) => {
            return Err(err(path, "give either members or pairs, not both"));
        }
        (None, None) => return Err(err(path, "missing members or pairs")),
    };
    let from = opt_date(m.get("from"), &join(path, "from"))?;
    let until = opt_date(m.get("until"), &join(path, "until"))?;
    check_range(from, until, path)?;
    Ok(Art11Agreement {
        id: string(req(m, "id", path)?, &join(path, "id"))?,
        name: string(req(m, "name", path)?, &join(path, "name"))?,
        parties,
        operations: operations(m.get("operations"), &join(path, "operations"))?,
        from,
        until,
        source: string(req(m, "source", path)?, &join(path, "source"))?,
        note: opt_string(m.get("note"), &join(path, "note"))?,
    })
}

/// The setting keys, in `RuleSettings` field order.
pub(super) const SETTING_KEYS: [&str; 13] = [
    "annex_vii_reading",
    "info_request_restarts_transit_clock",
    "non_party_transit_requires_consent",
    "quantity_tolerance_percent",
    "ewaste_amendments_bind_all_parties",
    "review_movements_spanning_ewaste_change",
    "y49_yields_to_annex_ix_entries",
    "eu_wsr_2024_1157_applies_from",
    "oecd_tacit_consent_days",
    "oecd_consent_validity_months",
    "deviation_customs_office_tolerated",
    "deviation_route_tolerated",
    "deviation_carrier_tolerated",
];

fn set<T: Clone>(
    slot: &mut Setting<T>,
    v: &Value,
    path: &str,
    builtin: bool,
    parse: fn(&Value, &str) -> R<T>,
) -> R<()> {
    if builtin {
        let m = obj(v, path)?;
        check_keys(m, &["value", "rule", "wording", "source"], path)?;
        let value = parse(req(m, "value", path)?, &join(path, "value"))?;
        slot.value = value.clone();
        slot.default = value;
        slot.rule = string(req(m, "rule", path)?, &join(path, "rule"))?;
        slot.wording = string(req(m, "wording", path)?, &join(path, "wording"))?;
        slot.source = string(req(m, "source", path)?, &join(path, "source"))?;
        return Ok(());
    }
    let (value, source) = match v {
        Value::Object(m) => {
            check_keys(m, &["value", "source"], path)?;
            (
                parse(req(m, "value", path)?, &join(path, "value"))?,
                opt_string(m.get("source"), &join(path, "source"))?,
            )
        }
        other => (parse(other, path)?, None),
    };
    slot.value = value;
    slot.source = source.unwrap_or_else(|| "deployment overrides".to_string());
    Ok(())
}

fn settings(s: &mut RuleSettings, v: &Value, path: &str, builtin: bool) -> R<()> {
    let m = obj(v, path)?;
    check_keys(m, &SETTING_KEYS, path)?;
    if builtin && let Some(missing) = SETTING_KEYS.iter().find(|k| !m.contains_key(**k)) {
        return Err(err(&join(path, missing), "missing required setting"));
    }
    for (key, val) in m {
        let p = join(path, key);
        match key.as_str() {
            "annex_vii_reading" => set(&mut s.annex_vii_reading, val, &p, builtin, reading)?,
            "info_request_restarts_transit_clock" => set(
                &mut s.info_request_restarts_transit_clock,
                val,
                &p,
                builtin,
                boolean,
            )?,
            "non_party_transit_requires_consent" => set(
                &mut s.non_party_transit_requires_consent,
                val,
                &p,
                builtin,
                boolean,
            )?,
            "quantity_tolerance_percent" => {
                set(&mut s.quantity_tolerance_percent, val, &p, builtin, count)?
            }
            "ewaste_amendments_bind_all_parties" => set(
                &mut s.ewaste_amendments_bind_all_parties,
                val,
                &p,
                builtin,
                boolean,
            )?,
            "review_movements_spanning_ewaste_change" => set(
                &mut s.review_movements_spanning_ewaste_change,
                val,
                &p,
                builtin,
                boolean,
            )?,
            "y49_yields_to_annex_ix_entries" => set(
                &mut s.y49_yields_to_annex_ix_entries,
                val,
                &p,
                builtin,
                boolean,
            )?,
            "eu_wsr_2024_1157_applies_from" => {
                set(&mut s.eu_wsr_2024_1157_applies_from, val, &p, builtin, date)?
            }
            "oecd_tacit_consent_days" => {
                set(&mut s.oecd_tacit_consent_days, val, &p, builtin, count)?
            }
            "oecd_consent_validity_months" => {
                set(&mut s.oecd_consent_validity_months, val, &p, builtin, count)?
            }
            "deviation_customs_office_tolerated" => set(
                &mut s.deviation_customs_office_tolerated,
                val,
                &p,
                builtin,
                periods,
            )?,
            "deviation_route_tolerated" => {
                set(&mut s.deviation_route_tolerated, val, &p, builtin, periods)?
            }
            "deviation_carrier_tolerated" => set(
                &mut s.deviation_carrier_tolerated,
                val,
                &p,
                builtin,
                periods,
            )?,
            _ => return Err(err(&p, "unknown setting")),
        }
    }
    Ok(())
}

fn sources(inner: &mut Inner, v: &Value, path: &str) -> R<()> {
    for (key, val) in obj(v, path)? {
        let p = join(path, key);
        let m = obj(val, &p)?;
        check_keys(m, &["title", "url", "as_of"], &p)?;
        let source = Source {
            title: string(req(m, "title", &p)?, &join(&p, "title"))?,
            url: opt_string(m.get("url"), &join(&p, "url"))?,
            as_of: opt_string(m.get("as_of"), &join(&p, "as_of"))?,
        };
        inner.sources.insert(key.clone(), source);
    }
    Ok(())
}

/// Applies an overrides document to `inner`. `builtin` marks the embedded `law-facts.json`:
/// then every setting must be given with its metadata, and only existing countries may be
/// patched (a typo must not create a country).
pub(super) fn apply(inner: &mut Inner, v: &Value, builtin: bool) -> R<()> {
    let root = obj(v, "")?;
    check_keys(
        root,
        &[
            "format",
            "description",
            "as_of",
            "sources",
            "settings",
            "countries",
            "art11_agreements",
        ],
        "",
    )?;
    match root.get("format") {
        Some(Value::String(f)) if f == OVERRIDES_FORMAT => {}
        Some(_) => return Err(err("format", format!("expected {OVERRIDES_FORMAT:?}"))),
        None => return Err(err("format", "missing required field")),
    }
    opt_string(root.get("description"), "description")?;
    opt_date(root.get("as_of"), "as_of")?;
    if let Some(v) = root.get("sources") {
        sources(inner, v, "sources")?;
    }
    match root.get("settings") {
        Some(v) => settings(&mut inner.settings, v, "settings", builtin)?,
        None if builtin => return Err(err("settings", "missing required field")),
        None => {}
    }
    if let Some(v) = root.get("countries") {
        for (key, val) in obj(v, "countries")? {
            let p = join("countries", key);
            let code = country_code(key, &p)?;
            if builtin && !inner.countries.contains_key(&code) {
                return Err(err(&p, "not in the reference table"));
            }
            let facts = inner.countries.entry(code).or_default();
            country(facts, val, &p)?;
        }
    }
    if let Some(v) = root.get("art11_agreements") {
        let p = "art11_agreements";
        let mut ids = Vec::new();
        for (i, item) in arr(v, p)?.iter().enumerate() {
            let a = agreement(item, &index(p, i))?;
            if ids.contains(&a.id) {
                return Err(err(
                    &join(&index(p, i), "id"),
                    format!("duplicate id {:?}", a.id),
                ));
            }
            ids.push(a.id.clone());
            match inner.art11.iter_mut().find(|x| x.id == a.id) {
                Some(slot) => *slot = a,
                None => inner.art11.push(a),
            }
        }
    }
    Ok(())
}

/// Settings used only when the embedded data cannot be loaded: the conservative choice for
/// each, with no legal wording.
pub(super) fn fallback_settings() -> RuleSettings {
    fn s<T: Clone>(value: T) -> Setting<T> {
        Setting {
            value: value.clone(),
            default: value,
            rule: String::new(),
            wording: "embedded data unavailable".to_string(),
            source: "embedded data unavailable".to_string(),
        }
    }
    RuleSettings {
        annex_vii_reading: s(AnnexViiReading::Dynamic),
        info_request_restarts_transit_clock: s(true),
        non_party_transit_requires_consent: s(true),
        quantity_tolerance_percent: s(0),
        ewaste_amendments_bind_all_parties: s(true),
        review_movements_spanning_ewaste_change: s(true),
        y49_yields_to_annex_ix_entries: s(false),
        eu_wsr_2024_1157_applies_from: s(time::macros::date!(2026 - 05 - 21)),
        oecd_tacit_consent_days: s(30),
        oecd_consent_validity_months: s(12),
        deviation_customs_office_tolerated: s(Vec::new()),
        deviation_route_tolerated: s(Vec::new()),
        deviation_carrier_tolerated: s(Vec::new()),
    }
}

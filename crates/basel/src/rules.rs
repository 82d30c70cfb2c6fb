//! The rules: [`apply`], [`may_start`] and [`obligations`]. Pure and deterministic: no I/O, no
//! clock (the time is an argument), no randomness.

use time::{Date, Duration, OffsetDateTime, UtcOffset};

use crate::body::{
    Body, Consent, MovementDocument, Notification, NotificationKind, ParticipantKind,
    ReimportGround,
};
use crate::case::{
    AnswerStatus, Case, Crossing, CustodyEvent, Direction, Irregularity, Phase, Reimport, Shipment,
    StateAnswer,
};
use crate::codes::{CodeList, WasteCode, code_info, code_info_any_date};
use crate::facts::{CountryCode, Facts, Known};
use crate::filing::Filing;
use crate::json::fmt_date;
use crate::registry::{Participant, Registry};
use crate::verdict::{
    Decision, Obligation, ObligationKind, Outcome, Reason, Refusal, RuleId, Verdict,
};

/// Days of the Art. 6(4) transit period.
pub const TRANSIT_DAYS: i64 = 60;
/// Days to take wastes back under Art. 8, unless the States concerned agree otherwise.
pub const ART8_DAYS: u32 = 90;
/// Days to take wastes back or dispose of them under Art. 9(2)-(3), unless agreed otherwise.
pub const ART9_DAYS: u32 = 30;

/// Deadlines that the Convention leaves open ("in due course"): engine defaults, documented in
/// `docs/basel-rules.md`. They are used only for reminders ([`obligations`]), never to refuse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deadlines {
    /// Days after arrival (entry into the State of import) for the disposer's
    /// receipt confirmation (PIC-14; EU/OECD practice: 3 working days, unverified).
    pub receipt_days: u32,
    /// Days after receipt for the completion confirmation (PIC-14; EU/OECD: 1 year, unverified).
    pub completion_days: u32,
    /// Warn this many days before a consent lapses.
    pub expiry_warning_days: u32,
    /// When no entry into the State of import is recorded, the receipt is expected this many days
    /// after the start of the movement (plus `receipt_days`).
    pub arrival_allowance_days: u32,
}

impl Default for Deadlines {
    fn default() -> Self {
        Deadlines {
            receipt_days: 3,
            completion_days: 365,
            expiry_warning_days: 30,
            arrival_allowance_days: 30,
        }
    }
}

fn today(at: OffsetDateTime) -> Date {
    at.to_offset(UtcOffset::UTC).date()
}

fn add_days(d: Date, days: i64) -> Date {
    d.checked_add(Duration::days(days))
        .unwrap_or(if days < 0 { Date::MIN } else { Date::MAX })
}

/// The last day of a period of `months` months starting on `from` (the day before the same day
/// `months` later; clamped to the month's end).
fn months_end(from: Date, months: u32) -> Date {
    let total =
        i64::from(from.year()) * 12 + i64::from(u8::from(from.month())) - 1 + i64::from(months);
    let year = i32::try_from(total.div_euclid(12)).unwrap_or(i32::MAX);
    let month_no = u8::try_from(total.rem_euclid(12) + 1).unwrap_or(12);
    let Ok(month) = time::Month::try_from(month_no) else {
        return Date::MAX;
    };
    // The same day `months` later; when that month is shorter (e.g. 31 March + 1 month), the
    // period runs to the month's last day.
    if from.day() > month.length(year) {
        return Date::from_calendar_date(year, month, month.length(year)).unwrap_or(Date::MAX);
    }
    match Date::from_calendar_date(year, month, from.day()) {
        Ok(d) => add_days(d, -1),
        Err(_) => Date::MAX,
    }
}

fn known_str(k: &Known<bool>) -> &'static str {
    match k {
        Known::Yes { value: true, .. } => "yes",
        Known::Yes { value: false, .. } => "no",
        Known::Unknown => "unknown",
    }
}

// -------------------------------------------------------------------------------------------------
// Classification
// -------------------------------------------------------------------------------------------------

/// How the wastes of a notification are classified on a date (reference §10 step 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// Hazardous under Art. 1(1)(a): an Annex VIII entry or an Annex I category.
    Hazardous,
    /// "Other wastes" under Art. 1(2): Annex II (Y46-Y49).
    Other,
    /// Annex IX only, but hazardous under the national law of a State concerned (Art. 1(1)(b)).
    NationalOnly,
    /// Annex IX only and no national definition: not subject to the Basel PIC procedure.
    NonControlled,
}

fn classify(
    codes: &[WasteCode],
    national: &[CountryCode],
    facts: &Facts,
    on: Date,
    reasons: &mut Vec<Reason>,
) -> Option<Class> {
    let settings = facts.setting();
    let ewaste = |c: &WasteCode| matches!(c.as_str(), "A1181" | "Y49");
    if !settings.ewaste_amendments_bind_all_parties.value && codes.iter().any(ewaste) {
        reasons.push(
            Reason::blocks(
                RuleId::Cls01,
                "The data does not say which Parties are bound by the e-waste amendments (decision BC-15/18), so A1181 and Y49 cannot be applied to this route with certainty.",
            )
            .unknown(),
        );
        return None;
    }
    // Open question: Y49 may yield to another Annex IX entry listed with it (a setting).
    let y49_yields = settings.y49_yields_to_annex_ix_entries.value
        && codes.iter().any(|c| c.list() == CodeList::AnnexIX);
    let mut ok = true;
    let (mut hazardous, mut other) = (false, false);
    for code in codes {
        match code_info(code, on) {
            Some(info) => match info.list {
                CodeList::AnnexI | CodeList::AnnexVIII => hazardous = true,
                CodeList::AnnexII if y49_yields && code.as_str() == "Y49" => {}
                CodeList::AnnexII => other = true,
                CodeList::AnnexIX => {}
            },
            None => {
                ok = false;
                let msg = match code_info_any_date(code) {
                    Some(info) => format!(
                        "Waste code {} is not in force on {}{}.",
                        code.as_str(),
                        fmt_date(on),
                        match (info.valid_from, info.valid_until) {
                            (_, Some(u)) if u < on =>
                                format!(" (it applied until {})", fmt_date(u)),
                            (Some(f), _) if on < f => format!(" (it applies from {})", fmt_date(f)),
                            _ => String::new(),
                        }
                    ),
                    None => format!(
                        "Waste code {} is not in the Basel code lists.",
                        code.as_str()
                    ),
                };
                reasons.push(Reason::blocks(RuleId::Cls01, msg));
            }
        }
    }
    if !ok {
        return None;
    }
    let class = if hazardous {
        Class::Hazardous
    } else if other {
        Class::Other
    } else if !national.is_empty() {
        Class::NationalOnly
    } else {
        Class::NonControlled
    };
    let words = match class {
        Class::Hazardous => "hazardous wastes (Annex I or VIII)",
        Class::Other => "other wastes (Annex II)",
        Class::NationalOnly => "Annex IX wastes that are hazardous under national law",
        Class::NonControlled => "Annex IX wastes only, not subject to the Basel PIC procedure",
    };
    let list: Vec<&str> = codes.iter().map(WasteCode::as_str).collect();
    let (noun, verb) = if list.len() == 1 {
        ("code", "classifies")
    } else {
        ("codes", "classify")
    };
    reasons.push(Reason::met(
        RuleId::Cls01,
        format!(
            "On {} the {noun} {} {verb} the shipment as {words}.",
            fmt_date(on),
            list.join(", ")
        ),
    ));
    Some(class)
}

// -------------------------------------------------------------------------------------------------
// may_start
// -------------------------------------------------------------------------------------------------

/// May shipment `shipment_no` of `case` start at `at` (departure date = the UTC date of `at`)?
///
/// Evaluation order (reference §10): classification; prohibitions (Art. 4(6), 4(5) with Art. 11,
/// 4A, 4(1)(a)-(b) and 4(2)(e)); then PIC (transmission, written consent and contract confirmation
/// from the State of import, every transit State, insurance); then per-shipment checks (period,
/// validity of every consent, cumulative quantity and shipment count). `Prohibited` lists only the
/// prohibitions; `Blocked` and `MayStart` list every check made. Unknown facts block, and the
/// reason says the fact is unknown.
pub fn may_start(case: &Case, shipment_no: u32, facts: &Facts, at: OffsetDateTime) -> Verdict {
    evaluate(case, shipment_no, facts, today(at), None)
}

fn evaluate(
    case: &Case,
    shipment_no: u32,
    facts: &Facts,
    on: Date,
    doc: Option<&MovementDocument>,
) -> Verdict {
    let mut reasons = Vec::new();
    let Some(n) = case.notification.as_ref() else {
        reasons.push(Reason::blocks(
            RuleId::Case01,
            "No notification has been submitted for this case.",
        ));
        return Verdict::from_reasons(&case.id, shipment_no, on, reasons);
    };
    match case.phase {
        Phase::Withdrawn => reasons.push(Reason::prohibits(
            RuleId::Case01,
            "The notification was withdrawn.",
        )),
        Phase::Completed => reasons.push(Reason::blocks(
            RuleId::Case01,
            "Every planned shipment of this notification is completed.",
        )),
        _ => {}
    }
    if shipment_no == 0 {
        reasons.push(Reason::blocks(
            RuleId::Case02,
            "Shipment numbers start at 1.",
        ));
    }
    if let Some(s) = case.shipments.get(&shipment_no) {
        if s.document.is_some() {
            reasons.push(Reason::blocks(
                RuleId::Case01,
                format!("Shipment {shipment_no} has already started."),
            ));
        } else {
            reasons.push(Reason::prohibits(
                RuleId::Art901,
                format!("Shipment {shipment_no} was already seen moving without a movement document (illegal traffic)."),
            ));
        }
    }

    // 1. Classification.
    let codes: &[WasteCode] = doc.map_or(&n.waste.codes, |d| &d.codes);
    let Some(class) = classify(codes, &n.national_hazardous_in, facts, on, &mut reasons) else {
        return Verdict::from_reasons(&case.id, shipment_no, on, reasons);
    };
    if class == Class::NonControlled {
        return Verdict::from_reasons(&case.id, shipment_no, on, reasons);
    }
    if class == Class::NationalOnly {
        let states: Vec<&str> = n
            .national_hazardous_in
            .iter()
            .map(CountryCode::as_str)
            .collect();
        reasons.push(Reason::met(
            RuleId::Pic18,
            format!(
                "The wastes are hazardous under the national law of {}, so the PIC procedure applies to them.",
                states.join(", ")
            ),
        ));
    }

    // 2. Prohibitions.
    prohibitions(n, class, facts, on, &mut reasons);

    // 3. PIC.
    pic(case, n, facts, on, &mut reasons);

    // 4. Per-shipment checks.
    per_shipment(case, n, shipment_no, on, doc, &mut reasons);

    Verdict::from_reasons(&case.id, shipment_no, on, reasons)
}

fn prohibitions(
    n: &Notification,
    class: Class,
    facts: &Facts,
    on: Date,
    reasons: &mut Vec<Reason>,
) {
    let (x, m) = (&n.export.country, &n.import.country);
    let op = &n.operation;

    // Art. 4(6): Antarctica.
    if m.as_str() == "AQ" || n.transit.iter().any(|t| t.country.as_str() == "AQ") {
        reasons.push(Reason::prohibits(
            RuleId::Ban05,
            "Wastes must not be exported for disposal within the area south of 60 degrees South latitude (Antarctica).",
        ));
    } else {
        reasons.push(Reason::met(
            RuleId::Ban05,
            "The wastes are not destined for the area south of 60 degrees South.",
        ));
    }

    // Art. 4(5) with Art. 11.
    let mut all_parties = true;
    for c in [x, m] {
        let party = facts.basel_party(c, on);
        if party.is_true() {
            continue;
        }
        all_parties = false;
        let agreement = facts.art11_agreement(x, m, op, on);
        match (&party, agreement) {
            (_, Some(a)) => {
                let r = Reason::met(
                    RuleId::Ban07,
                    format!(
                        "{} is {} a Party on {}, but the movement falls under the Art. 11 agreement {} ({}); the Basel PIC checks are still applied.",
                        c.as_str(),
                        if party.is_unknown() { "perhaps not" } else { "not" },
                        fmt_date(on),
                        a.name,
                        a.source
                    ),
                );
                reasons.push(if party.is_unknown() { r.unknown() } else { r });
            }
            (Known::Unknown, None) => reasons.push(
                Reason::blocks(
                    RuleId::Ban04,
                    format!(
                        "Whether {} is a Party to the Basel Convention on {} is unknown, and no Art. 11 agreement covers the movement.",
                        c.as_str(),
                        fmt_date(on)
                    ),
                )
                .unknown(),
            ),
            (_, None) => {
                reasons.push(Reason::prohibits(
                    RuleId::Ban04,
                    format!(
                        "{} is not a Party to the Basel Convention on {}, and no Art. 11 agreement covers the movement.",
                        c.as_str(),
                        fmt_date(on)
                    ),
                ));
                reasons.push(Reason::prohibits(
                    RuleId::Ban07,
                    format!(
                        "No Art. 11 agreement in the data covers a movement from {} to {} for {} on {}.",
                        x.as_str(),
                        m.as_str(),
                        op.as_str(),
                        fmt_date(on)
                    ),
                ));
            }
        }
    }
    if all_parties {
        reasons.push(Reason::met(
            RuleId::Ban04,
            format!(
                "{} and {} are both Parties on {}.",
                x.as_str(),
                m.as_str(),
                fmt_date(on)
            ),
        ));
    }

    // Art. 4A (Ban Amendment).
    let disposal = op.is_disposal() || n.final_operation.as_ref().is_some_and(|f| f.is_disposal());
    if class == Class::Other {
        reasons.push(Reason::met(
            RuleId::Ban06,
            "Art. 4A covers hazardous wastes only; Annex II wastes such as Y49 are not covered.",
        ));
    } else if class == Class::NationalOnly && !disposal {
        reasons.push(Reason::met(
            RuleId::Ban06,
            "Art. 4A(2) covers recovery of Art. 1(1)(a) hazardous wastes only, not wastes hazardous only under national law.",
        ));
    } else {
        let ex7 = facts.annex_vii(x, on);
        let ban = facts.ban_amendment_in_force(x, on);
        let im7 = facts.annex_vii(m, on);
        let branch = if disposal {
            "4A(1), disposal (D)"
        } else {
            "4A(2), recovery (R)"
        };
        if ex7.is_false() {
            reasons.push(Reason::met(
                RuleId::Ban06,
                format!(
                    "{} is not listed in Annex VII, so Art. 4A does not bind it.",
                    x.as_str()
                ),
            ));
        } else if ban.is_false() {
            reasons.push(Reason::met(
                RuleId::Ban06,
                format!(
                    "The Ban Amendment is not in force for {} on {}.",
                    x.as_str(),
                    fmt_date(on)
                ),
            ));
        } else if im7.is_true() {
            reasons.push(Reason::met(
                RuleId::Ban06,
                format!(
                    "{} is listed in Annex VII, so Art. 4A does not forbid the movement.",
                    m.as_str()
                ),
            ));
        } else if ex7.is_true() && ban.is_true() && im7.is_false() {
            reasons.push(Reason::prohibits(
                RuleId::Ban06,
                format!(
                    "Art. {branch}: {} is listed in Annex VII and bound by the Ban Amendment, and must not export hazardous wastes to {}, which is not listed in Annex VII.",
                    x.as_str(),
                    m.as_str()
                ),
            ));
        } else {
            reasons.push(
                Reason::blocks(
                    RuleId::Ban06,
                    format!(
                        "Art. 4A may forbid this movement, but a fact is unknown on {}: {} in Annex VII: {}; Ban Amendment in force for {}: {}; {} in Annex VII: {}.",
                        fmt_date(on),
                        x.as_str(),
                        known_str(&ex7),
                        x.as_str(),
                        known_str(&ban),
                        m.as_str(),
                        known_str(&im7)
                    ),
                )
                .unknown(),
            );
        }
    }

    // Art. 4(1)(a)-(b) and 4(2)(e): import bans.
    let mut banned = false;
    let mut unknown = false;
    for code in &n.waste.codes {
        for o in std::iter::once(op).chain(n.final_operation.as_ref()) {
            match facts.import_ban(m, code, o, on) {
                Known::Yes {
                    value: Some(ban), ..
                } => {
                    banned = true;
                    let (rule, what) = if ban.is_total() {
                        (RuleId::Ban03, "has prohibited all imports of wastes")
                    } else {
                        (RuleId::Ban01, "has prohibited the import of these wastes")
                    };
                    reasons.push(Reason::prohibits(
                        rule,
                        format!(
                            "{} {what} ({}; {}), so {} must not be exported there for {}.",
                            m.as_str(),
                            ban.scope,
                            ban.source,
                            code.as_str(),
                            o.as_str()
                        ),
                    ));
                }
                Known::Yes { value: None, .. } => {}
                Known::Unknown => unknown = true,
            }
        }
    }
    let total = banned
        && reasons
            .iter()
            .any(|r| r.rule_id == RuleId::Ban03 && r.outcome == Outcome::Prohibits);
    if !total {
        if unknown {
            reasons.push(
                Reason::met(
                    RuleId::Ban03,
                    format!(
                        "The data does not say whether {} has prohibited all imports; its written consent is required in any case.",
                        m.as_str()
                    ),
                )
                .unknown(),
            );
        } else {
            reasons.push(Reason::met(
                RuleId::Ban03,
                format!("{} has not prohibited all imports of wastes.", m.as_str()),
            ));
        }
    }
    if !banned {
        if unknown {
            reasons.push(
                Reason::met(
                    RuleId::Ban01,
                    format!(
                        "The data has no import-ban information for {}; its written consent to the specific import is required in any case.",
                        m.as_str()
                    ),
                )
                .unknown(),
            );
        } else {
            reasons.push(Reason::met(
                RuleId::Ban01,
                format!(
                    "{} has no import ban covering these wastes and operations.",
                    m.as_str()
                ),
            ));
        }
    }
}

fn consent_window(
    rule: RuleId,
    who: &CountryCode,
    granted_on: Date,
    c: &Consent,
    on: Date,
    reasons: &mut Vec<Reason>,
) {
    if granted_on > on {
        reasons.push(Reason::blocks(
            rule,
            format!(
                "The written consent of {} was given on {}, after the departure date {}.",
                who.as_str(),
                fmt_date(granted_on),
                fmt_date(on)
            ),
        ));
    } else if on < c.valid_from || on > c.valid_until {
        reasons.push(Reason::blocks(
            rule,
            format!(
                "The departure date {} is outside the validity of the consent of {} ({} to {}).",
                fmt_date(on),
                who.as_str(),
                fmt_date(c.valid_from),
                fmt_date(c.valid_until)
            ),
        ));
    } else {
        reasons.push(Reason::met(
            rule,
            format!(
                "{} consented in writing, valid from {} to {}.",
                who.as_str(),
                fmt_date(c.valid_from),
                fmt_date(c.valid_until)
            ),
        ));
    }
}

fn pic(case: &Case, n: &Notification, facts: &Facts, on: Date, reasons: &mut Vec<Reason>) {
    let x = &n.export.country;
    // PIC-01: transmitted by the CA of export.
    match case.transmitted_on {
        Some(d) => reasons.push(Reason::met(
            RuleId::Pic01,
            format!("The competent authority of {} transmitted the notification on {}.", x.as_str(), fmt_date(d)),
        )),
        None => reasons.push(Reason::blocks(
            RuleId::Pic01,
            format!(
                "The competent authority of {} has not yet transmitted the notification to the States concerned.",
                x.as_str()
            ),
        )),
    }
    // BAN-08: declared justification.
    match n.justification {
        Some(j) => reasons.push(Reason::met(
            RuleId::Ban08,
            format!(
                "The notifier declared the Art. 4(9) justification {}.",
                serde_json::to_string(&j).unwrap_or_default()
            ),
        )),
        None => reasons.push(Reason::blocks(
            RuleId::Ban08,
            "No Art. 4(9) justification was declared.",
        )),
    }

    // State of import: written consent (never tacit) and contract confirmation.
    if let Some(a) = case.import.as_ref() {
        let m = &a.country;
        match &a.answer {
            AnswerStatus::Pending => reasons.push(Reason::blocks(
                RuleId::Ban02,
                format!(
                    "{} (State of import) has not consented in writing; the State of import never consents tacitly.",
                    m.as_str()
                ),
            )),
            AnswerStatus::InformationRequested { on: asked, .. } => reasons.push(Reason::blocks(
                RuleId::Pic04,
                format!("{} asked for more information on {}; its written answer is pending.", m.as_str(), fmt_date(*asked)),
            )),
            AnswerStatus::Denied { on: d, reason } => reasons.push(Reason::prohibits(
                RuleId::Pic04,
                format!("{} denied consent on {}: {reason}", m.as_str(), fmt_date(*d)),
            )),
            AnswerStatus::Withdrawn { on: d, reason } => reasons.push(Reason::blocks(
                RuleId::Pic04,
                format!("{} withdrew its consent on {}: {reason}", m.as_str(), fmt_date(*d)),
            )),
            AnswerStatus::Consented { on: granted, consent } => {
                consent_window(RuleId::Ban02, m, *granted, consent, on, reasons)
            }
        }
        match case.contract_confirmed_on {
            Some(d) if d <= on => reasons.push(Reason::met(
                RuleId::Pic05,
                format!("{} confirmed the contract between exporter and disposer on {}.", m.as_str(), fmt_date(d)),
            )),
            _ => reasons.push(Reason::blocks(
                RuleId::Pic05,
                format!(
                    "{} has not confirmed the existence of a contract between exporter and disposer specifying environmentally sound management.",
                    m.as_str()
                ),
            )),
        }
    }

    // Transit States.
    if case.transit.is_empty() {
        reasons.push(Reason::met(
            RuleId::Pic07,
            "The route has no State of transit.",
        ));
    }
    let requires_consent_non_party = facts.setting().non_party_transit_requires_consent.value;
    for t in &case.transit {
        transit_check(t, facts, on, requires_consent_non_party, reasons);
    }

    // PIC-16: insurance where a consent requires it.
    let requiring: Vec<&str> = case
        .import
        .iter()
        .chain(case.transit.iter())
        .filter(|a| a.conditions().is_some_and(|c| c.insurance_required))
        .map(|a| a.country.as_str())
        .collect();
    if !requiring.is_empty() {
        if n.insurance.is_some() {
            reasons.push(Reason::met(
                RuleId::Pic16,
                format!(
                    "{} require insurance, and the notification names it.",
                    requiring.join(", ")
                ),
            ));
        } else {
            reasons.push(Reason::blocks(
                RuleId::Pic16,
                format!(
                    "{} require insurance, bond or other guarantee, and the notification names none.",
                    requiring.join(", ")
                ),
            ));
        }
    }
}

fn transit_check(
    t: &StateAnswer,
    facts: &Facts,
    on: Date,
    non_party_consent: bool,
    reasons: &mut Vec<Reason>,
) {
    let c = &t.country;
    let party = facts.basel_party(c, on);
    let non_party = party.is_false();
    match &t.answer {
        AnswerStatus::Consented {
            on: granted,
            consent,
        } => consent_window(
            if non_party {
                RuleId::Pic09
            } else {
                RuleId::Pic07
            },
            c,
            *granted,
            consent,
            on,
            reasons,
        ),
        AnswerStatus::Denied { on: d, reason } => reasons.push(Reason::prohibits(
            RuleId::Pic06,
            format!(
                "{} (State of transit) objected on {}: {reason}",
                c.as_str(),
                fmt_date(*d)
            ),
        )),
        AnswerStatus::InformationRequested { on: d, .. } => reasons.push(Reason::blocks(
            RuleId::Pic06,
            format!(
                "{} (State of transit) asked for more information on {}; its answer is pending.",
                c.as_str(),
                fmt_date(*d)
            ),
        )),
        AnswerStatus::Withdrawn { on: d, reason } => reasons.push(Reason::blocks(
            RuleId::Pic07,
            format!(
                "{} (State of transit) withdrew its consent on {}: {reason}",
                c.as_str(),
                fmt_date(*d)
            ),
        )),
        AnswerStatus::Pending if non_party => {
            if non_party_consent {
                reasons.push(Reason::blocks(
                    RuleId::Pic09,
                    format!(
                        "{} (State of transit) is not a Party; the settings require its written consent, which has not been given.",
                        c.as_str()
                    ),
                ));
            } else {
                reasons.push(Reason::met(
                    RuleId::Pic09,
                    format!(
                        "{} (State of transit) is not a Party and was notified; the settings require no consent from it.",
                        c.as_str()
                    ),
                ));
            }
        }
        AnswerStatus::Pending => {
            let waiver = facts.transit_waiver(c, on);
            let party_note = if party.is_unknown() {
                format!(
                    " (whether {} is a Party is unknown; it is treated as one)",
                    c.as_str()
                )
            } else {
                String::new()
            };
            match (&waiver, t.clock_from) {
                (Known::Yes { value: true, .. }, Some(from)) => {
                    let end = add_days(from, TRANSIT_DAYS);
                    if on > end {
                        reasons.push(Reason::met(
                            RuleId::Pic08,
                            format!(
                                "{} does not require written consent for transit and did not answer within 60 days of receiving the notification on {} (the period ended on {}){party_note}.",
                                c.as_str(),
                                fmt_date(from),
                                fmt_date(end)
                            ),
                        ));
                    } else {
                        reasons.push(Reason::blocks(
                            RuleId::Pic08,
                            format!(
                                "{} does not require written consent for transit, but its 60 days after receiving the notification on {} end only on {}{party_note}.",
                                c.as_str(),
                                fmt_date(from),
                                fmt_date(end)
                            ),
                        ));
                    }
                }
                (Known::Yes { value: true, .. }, None) => reasons.push(Reason::blocks(
                    RuleId::Pic08,
                    format!(
                        "{} does not require written consent for transit, but its receipt of the notification is not recorded, so the 60 days cannot be counted.",
                        c.as_str()
                    ),
                )),
                (Known::Yes { value: false, .. }, _) => reasons.push(Reason::blocks(
                    RuleId::Pic07,
                    format!("{} (State of transit) has not consented in writing{party_note}.", c.as_str()),
                )),
                (Known::Unknown, _) => reasons.push(
                    Reason::blocks(
                        RuleId::Pic07,
                        format!(
                            "Whether {} waived written consent for transit is unknown, so its written consent is required, and it has not been given{party_note}.",
                            c.as_str()
                        ),
                    )
                    .unknown(),
                ),
            }
        }
    }
}

fn consents(case: &Case) -> impl Iterator<Item = (&CountryCode, &Consent)> {
    case.import
        .iter()
        .chain(case.transit.iter())
        .filter_map(|a| a.consent().map(|c| (&a.country, c)))
}

fn per_shipment(
    case: &Case,
    n: &Notification,
    shipment_no: u32,
    on: Date,
    doc: Option<&MovementDocument>,
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
            reasons.push(Reason::blocks(
                RuleId::Shp01,
                format!("The consent of {} allows at most {max} shipment(s); {started} already started.", c.as_str()),
            ));
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
            reasons.push(Reason::blocks(
                RuleId::Shp01,
                format!("The consent of {} allows at most {max} kg in total; this shipment would bring it to {after} kg.", c.as_str()),
            ));
        }
        if let Some(max) = consent.conditions.max_kg_per_shipment
            && this > max
        {
            reasons.push(Reason::blocks(
                RuleId::Pic11,
                format!("The consent of {} allows at most {max} kg per shipment; this one has {this} kg.", c.as_str()),
            ));
        }
    }

    // The movement document against the notification and the consents' conditions.
    if let Some(d) = doc {
        document_checks(case, n, d, reasons);
    }
}

fn document_checks(case: &Case, n: &Notification, d: &MovementDocument, reasons: &mut Vec<Reason>) {
    let general = n.kind == NotificationKind::General;
    let same_rule = if general {
        RuleId::Pic10
    } else {
        RuleId::Shp02
    };
    let mut fails: Vec<Reason> = Vec::new();
    let mut fail = |rule: RuleId, msg: String| fails.push(Reason::blocks(rule, msg));
    if d.exporter != n.exporter {
        fail(
            RuleId::Shp02,
            format!(
                "The movement document names exporter {}, the notification {}.",
                d.exporter, n.exporter
            ),
        );
    }
    if d.disposer != n.disposer || d.site != n.facility.site {
        fail(
            same_rule,
            format!(
                "The movement document names disposer {} at {}, the notification {} at {}.",
                d.disposer, d.site, n.disposer, n.facility.site
            ),
        );
    }
    if d.exit_office != n.export.customs_office {
        fail(
            same_rule,
            format!(
                "The customs office of exit {} is not the notified {}.",
                d.exit_office, n.export.customs_office
            ),
        );
    }
    if d.entry_office != n.import.customs_office {
        fail(
            same_rule,
            format!(
                "The customs office of entry {} is not the notified {}.",
                d.entry_office, n.import.customs_office
            ),
        );
    }
    let notified_transit: Vec<CountryCode> = n.transit.iter().map(|t| t.country).collect();
    if d.transit != notified_transit {
        let a: Vec<&str> = d.transit.iter().map(CountryCode::as_str).collect();
        let b: Vec<&str> = notified_transit.iter().map(CountryCode::as_str).collect();
        fail(
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
            same_rule,
            "The waste codes of the movement document differ from the notified ones.".to_owned(),
        );
    }
    if !n.carriers.is_empty() {
        for c in d.carriers.iter().filter(|c| !n.carriers.contains(c)) {
            fail(RuleId::Shp02, format!("Carrier {c} was not notified."));
        }
    }
    for (country, consent) in consents(case) {
        if let Some(allowed) = &consent.conditions.carriers {
            for c in d.carriers.iter().filter(|c| !allowed.contains(c)) {
                fail(
                    RuleId::Pic04,
                    format!(
                        "The consent of {} does not allow carrier {c}.",
                        country.as_str()
                    ),
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
                fail(
                    RuleId::Pic04,
                    format!(
                        "The consent of {} requires the route to pass customs office {o}.",
                        country.as_str()
                    ),
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

// -------------------------------------------------------------------------------------------------
// apply
// -------------------------------------------------------------------------------------------------

fn is_ca_of(p: &Participant, c: &CountryCode) -> bool {
    p.kind == ParticipantKind::CompetentAuthority && &p.country == c
}

fn not_future(d: Date, today: Date, what: &str) -> Result<(), Refusal> {
    if d > today {
        Err(Refusal::new(
            RuleId::Case02,
            format!(
                "The {what} {} is in the future (today is {}).",
                fmt_date(d),
                fmt_date(today)
            ),
        ))
    } else {
        Ok(())
    }
}

fn state_refusal(case: &Case, kind: &str) -> Refusal {
    let why = match case.phase {
        Phase::New => "no notification has been submitted yet",
        Phase::Submitted => "the notification has not been transmitted yet",
        Phase::Transmitted => "the case is waiting for answers and shipments",
        Phase::Denied => "the case is closed: consent was denied or the transit was objected to",
        Phase::Withdrawn => "the case is closed: the notification was withdrawn",
        Phase::Completed => "the case is closed: every planned shipment is completed",
    };
    Refusal::new(
        RuleId::Case01,
        format!("A {kind} statement is not accepted now: {why}."),
    )
}

/// Applies one filing to a case and returns the new case, or the refusal naming the rule.
///
/// Checks, in order: the statement is a case statement for this case; the body is well-formed
/// (every wrong field is reported); the filer is registered; the filer may file this statement
/// (kind and jurisdiction); the case is in a state that accepts it; the content is consistent
/// with the notification and the law (a movement may start only when [`may_start`] says so).
/// Pure and deterministic: the same inputs always give the same result.
pub fn apply(
    case: &Case,
    filing: &Filing,
    registry: &Registry,
    facts: &Facts,
    at: OffsetDateTime,
) -> Result<Case, Refusal> {
    if filing.kind.is_registry() {
        return Err(Refusal::new(
            RuleId::Case01,
            format!(
                "A {} statement changes the registry, not a case.",
                filing.kind
            ),
        ));
    }
    if filing.case != case.id {
        return Err(Refusal::new(
            RuleId::Case02,
            format!(
                "The statement is about case {}, not case {}.",
                filing.case, case.id
            ),
        ));
    }
    let body = Body::parse(filing.kind, &filing.body).map_err(|errors| {
        let (rule, what) = match filing.kind {
            crate::body::StatementType::NotificationSubmitted => (
                RuleId::Pic02,
                "The notification lacks Annex V A information or has wrong fields.",
            ),
            crate::body::StatementType::MovementStarted => (
                RuleId::Pic17,
                "The movement document lacks Annex V B information or has wrong fields.",
            ),
            _ => (RuleId::Case02, "The statement body has wrong fields."),
        };
        Refusal::new(rule, what).with_errors(errors)
    })?;
    let actor = registry.get(&filing.actor).ok_or_else(|| {
        Refusal::new(
            RuleId::Reg03,
            format!("{} is not a registered participant.", filing.actor),
        )
    })?;
    let day = today(at);
    let mut next = case.clone();
    next.statements = next.statements.saturating_add(1);

    match body {
        Body::NotificationSubmitted(n) => submit(&mut next, *n, actor, registry, facts, day)?,
        Body::NotificationTransmitted(t) => {
            let n = notification(case, "notification.transmitted")?;
            if !is_ca_of(actor, &n.export.country) {
                return Err(Refusal::new(
                    RuleId::Pic01,
                    format!(
                        "Only the competent authority of {} (State of export) transmits the notification.",
                        n.export.country.as_str()
                    ),
                ));
            }
            if case.phase != Phase::Submitted {
                return Err(state_refusal(case, "notification.transmitted"));
            }
            not_future(t.sent_on, day, "sending date")?;
            if case.submitted_on.is_some_and(|s| t.sent_on < s) {
                return Err(Refusal::new(
                    RuleId::Case02,
                    "The notification cannot be sent before it was submitted.",
                ));
            }
            next.transmitted_on = Some(t.sent_on);
            next.phase = Phase::Transmitted;
        }
        Body::NotificationAcknowledged(a) => {
            let n = notification(case, "notification.acknowledged")?;
            let country = concerned_answering_state(n, actor).ok_or_else(|| {
                Refusal::new(RuleId::Pic06, "Only the competent authority of a State of transit or import acknowledges receipt of the notification.")
            })?;
            if case.phase != Phase::Transmitted {
                return Err(state_refusal(case, "notification.acknowledged"));
            }
            not_future(a.received_on, day, "receipt date")?;
            if case.transmitted_on.is_some_and(|t| a.received_on < t) {
                return Err(Refusal::new(
                    RuleId::Case02,
                    "The notification cannot be received before it was sent.",
                ));
            }
            let ans = next
                .answer_of_mut(&country)
                .ok_or_else(|| state_refusal(case, "notification.acknowledged"))?;
            if ans.acknowledged_on.is_some() {
                return Err(Refusal::new(
                    RuleId::Case01,
                    format!("{} already acknowledged receipt.", country.as_str()),
                ));
            }
            ans.acknowledged_on = Some(a.received_on);
            ans.clock_from = Some(a.received_on);
        }
        Body::NotificationWithdrawn(_) => {
            let n = notification(case, "notification.withdrawn")?;
            let may = case.notifier.as_deref() == Some(actor.id.as_str())
                || actor.id == n.exporter
                || is_ca_of(actor, &n.export.country);
            if !may {
                return Err(Refusal::new(
                    RuleId::Pic01,
                    "Only the notifier, the exporter or the competent authority of the State of export withdraws a notification.",
                ));
            }
            if !matches!(case.phase, Phase::Submitted | Phase::Transmitted) {
                return Err(state_refusal(case, "notification.withdrawn"));
            }
            next.phase = Phase::Withdrawn;
        }
        Body::InformationRequested(r) => {
            let n = notification(case, "information.requested")?;
            let country = concerned_answering_state(n, actor).ok_or_else(|| {
                Refusal::new(RuleId::Pic04, "Only the competent authority of the State of import or of a State of transit asks for more information, each for its own State.")
            })?;
            if case.phase != Phase::Transmitted {
                return Err(state_refusal(case, "information.requested"));
            }
            let ans = next
                .answer_of_mut(&country)
                .ok_or_else(|| state_refusal(case, "information.requested"))?;
            if !matches!(
                ans.answer,
                AnswerStatus::Pending | AnswerStatus::InformationRequested { .. }
            ) {
                return Err(Refusal::new(
                    RuleId::Case01,
                    format!(
                        "{} has already answered the notification.",
                        country.as_str()
                    ),
                ));
            }
            ans.answer = AnswerStatus::InformationRequested {
                on: day,
                questions: r.questions,
            };
        }
        Body::InformationProvided(p) => {
            let n = notification(case, "information.provided")?;
            let may = case.notifier.as_deref() == Some(actor.id.as_str()) || actor.id == n.exporter;
            if !may {
                return Err(Refusal::new(
                    RuleId::Pic01,
                    "Only the notifier or the exporter answers a request for information.",
                ));
            }
            if case.phase != Phase::Transmitted {
                return Err(state_refusal(case, "information.provided"));
            }
            let restart = facts.setting().info_request_restarts_transit_clock.value;
            let is_transit = n.transit.iter().any(|t| t.country == p.to);
            let ans = next.answer_of_mut(&p.to).ok_or_else(|| {
                Refusal::new(
                    RuleId::Case02,
                    format!(
                        "{} is not a State of import or transit of this notification.",
                        p.to.as_str()
                    ),
                )
            })?;
            if !matches!(ans.answer, AnswerStatus::InformationRequested { .. }) {
                return Err(Refusal::new(
                    RuleId::Case01,
                    format!("{} has no open request for information.", p.to.as_str()),
                ));
            }
            ans.answer = AnswerStatus::Pending;
            if restart && is_transit && ans.acknowledged_on.is_some() {
                ans.clock_from = Some(day);
            }
        }
        Body::ConsentGranted(c) => {
            let n = notification(case, "consent.granted")?;
            if !is_ca_of(actor, &n.import.country) {
                let rule = if n.transit.iter().any(|t| is_ca_of(actor, &t.country)) {
                    RuleId::Pic06
                } else {
                    RuleId::Pic04
                };
                return Err(Refusal::new(
                    rule,
                    format!(
                        "Only the competent authority of {} (State of import) grants consent to the import; a State of transit files transit.consented.",
                        n.import.country.as_str()
                    ),
                ));
            }
            grant(
                case,
                &mut next,
                n,
                &n.import.country.clone(),
                c,
                day,
                "consent.granted",
            )?;
        }
        Body::TransitConsented(c) => {
            let n = notification(case, "transit.consented")?;
            let country = transit_state_of(n, actor).ok_or_else(|| {
                Refusal::new(RuleId::Pic06, "Only the competent authority of a State of transit consents to transit, and only for its own State.")
            })?;
            grant(case, &mut next, n, &country, c, day, "transit.consented")?;
        }
        Body::ConsentDenied(r) => {
            let n = notification(case, "consent.denied")?;
            if !is_ca_of(actor, &n.import.country) {
                return Err(Refusal::new(
                    RuleId::Pic04,
                    format!(
                        "Only the competent authority of {} (State of import) denies consent; a State of transit files transit.objected.",
                        n.import.country.as_str()
                    ),
                ));
            }
            deny(
                case,
                &mut next,
                &n.import.country.clone(),
                r.reason,
                day,
                "consent.denied",
            )?;
        }
        Body::TransitObjected(r) => {
            let n = notification(case, "transit.objected")?;
            let country = transit_state_of(n, actor).ok_or_else(|| {
                Refusal::new(RuleId::Pic06, "Only the competent authority of a State of transit objects to transit, and only for its own State.")
            })?;
            deny(case, &mut next, &country, r.reason, day, "transit.objected")?;
        }
        Body::ContractConfirmed(c) => {
            let n = notification(case, "contract.confirmed")?;
            if !is_ca_of(actor, &n.import.country) {
                return Err(Refusal::new(
                    RuleId::Pic05,
                    format!(
                        "Only the competent authority of {} (State of import) confirms the contract.",
                        n.import.country.as_str()
                    ),
                ));
            }
            if case.phase != Phase::Transmitted {
                return Err(state_refusal(case, "contract.confirmed"));
            }
            if case.contract_confirmed_on.is_some() {
                return Err(Refusal::new(
                    RuleId::Case01,
                    "The contract is already confirmed.",
                ));
            }
            if c.reference != n.contract.reference {
                return Err(Refusal::new(
                    RuleId::Pic05,
                    format!(
                        "The confirmed contract {} is not the notified contract {}.",
                        c.reference, n.contract.reference
                    ),
                ));
            }
            next.contract_confirmed_on = Some(day);
        }
        Body::ConsentWithdrawn(r) => {
            let n = notification(case, "consent.withdrawn")?;
            let country = concerned_answering_state(n, actor).ok_or_else(|| {
                Refusal::new(
                    RuleId::Pic04,
                    "Only the competent authority that consented withdraws its consent.",
                )
            })?;
            if !matches!(case.phase, Phase::Transmitted) {
                return Err(state_refusal(case, "consent.withdrawn"));
            }
            let ans = next
                .answer_of_mut(&country)
                .ok_or_else(|| state_refusal(case, "consent.withdrawn"))?;
            if !matches!(ans.answer, AnswerStatus::Consented { .. }) {
                return Err(Refusal::new(
                    RuleId::Case01,
                    format!("{} has no consent in force to withdraw.", country.as_str()),
                ));
            }
            ans.answer = AnswerStatus::Withdrawn {
                on: day,
                reason: r.reason,
            };
        }
        Body::MovementStarted(d) => start(case, &mut next, *d, actor, registry, facts, day)?,
        Body::CustodyTransferred(t) => {
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
            let s = started_shipment(&mut next, t.shipment_no)?;
            let Some(doc) = s.document.as_ref() else {
                return Err(Refusal::new(
                    RuleId::Pic17,
                    "The shipment has no movement document.",
                ));
            };
            if !doc.carriers.contains(&actor.id) {
                return Err(Refusal::new(
                    RuleId::Pic17,
                    format!(
                        "{} is not a carrier named in the movement document of shipment {}.",
                        actor.id, t.shipment_no
                    ),
                ));
            }
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
            s.custody.push(CustodyEvent {
                holder: actor.id.clone(),
                from: t.from,
                on: t.on,
            });
            s.holder = Some(actor.id.clone());
        }
        Body::BorderExited(b) => border(case, &mut next, b, Direction::Exit, actor, day)?,
        Body::BorderEntered(b) => border(case, &mut next, b, Direction::Entry, actor, day)?,
        Body::ReceiptConfirmed(r) => {
            let n = notification(case, "receipt.confirmed")?;
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
            let s = started_shipment(&mut next, r.shipment_no)?;
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
        }
        Body::DisposalCompleted(c) => {
            let n = notification(case, "disposal.completed")?;
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
            let s = started_shipment(&mut next, c.shipment_no)?;
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
        }
        Body::ReimportRequired(r) => {
            let n = notification(case, "reimport.required")?;
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
        }
        Body::ParticipantRegistered(_) | Body::KeyAdded(_) | Body::KeyRevoked(_) => {
            return Err(Refusal::new(
                RuleId::Case01,
                "Participant and key statements change the registry, not a case.",
            ));
        }
    }
    Ok(next)
}

fn notification<'c>(case: &'c Case, kind: &str) -> Result<&'c Notification, Refusal> {
    case.notification
        .as_ref()
        .ok_or_else(|| state_refusal(case, kind))
}

/// The State (import or transit) for which `actor` is the competent authority.
fn concerned_answering_state(n: &Notification, actor: &Participant) -> Option<CountryCode> {
    if is_ca_of(actor, &n.import.country) {
        return Some(n.import.country);
    }
    transit_state_of(n, actor)
}

fn transit_state_of(n: &Notification, actor: &Participant) -> Option<CountryCode> {
    n.transit
        .iter()
        .find(|t| is_ca_of(actor, &t.country))
        .map(|t| t.country)
}

fn started_shipment(case: &mut Case, no: u32) -> Result<&mut Shipment, Refusal> {
    case.shipments
        .get_mut(&no)
        .filter(|s| s.document.is_some())
        .ok_or_else(|| {
            Refusal::new(
                RuleId::Pic17,
                format!("Shipment {no} has not started with a movement document."),
            )
        })
}

fn grant(
    case: &Case,
    next: &mut Case,
    n: &Notification,
    country: &CountryCode,
    c: Consent,
    day: Date,
    kind: &str,
) -> Result<(), Refusal> {
    if case.phase != Phase::Transmitted {
        return Err(state_refusal(case, kind));
    }
    if n.kind == NotificationKind::General {
        let end = months_end(c.valid_from, 12);
        if c.valid_until > end {
            return Err(Refusal::new(
                RuleId::Pic12,
                format!(
                    "A consent to a general notification covers at most 12 months: from {} at most until {}.",
                    fmt_date(c.valid_from),
                    fmt_date(end)
                ),
            ));
        }
    }
    let ans = next
        .answer_of_mut(country)
        .ok_or_else(|| state_refusal(case, kind))?;
    match ans.answer {
        AnswerStatus::Consented { .. } => {
            return Err(Refusal::new(
                RuleId::Case01,
                format!(
                    "{} has already consented; withdraw that consent first.",
                    country.as_str()
                ),
            ));
        }
        AnswerStatus::Denied { .. } => {
            return Err(Refusal::new(
                RuleId::Case01,
                format!("{} has already refused.", country.as_str()),
            ));
        }
        _ => {}
    }
    ans.answer = AnswerStatus::Consented {
        on: day,
        consent: c,
    };
    Ok(())
}

fn deny(
    case: &Case,
    next: &mut Case,
    country: &CountryCode,
    reason: String,
    day: Date,
    kind: &str,
) -> Result<(), Refusal> {
    if case.phase != Phase::Transmitted {
        return Err(state_refusal(case, kind));
    }
    let ans = next
        .answer_of_mut(country)
        .ok_or_else(|| state_refusal(case, kind))?;
    match ans.answer {
        AnswerStatus::Consented { .. } => {
            return Err(Refusal::new(
                RuleId::Case01,
                format!(
                    "{} has consented; it withdraws that consent with consent.withdrawn.",
                    country.as_str()
                ),
            ));
        }
        AnswerStatus::Denied { .. } => {
            return Err(Refusal::new(
                RuleId::Case01,
                format!("{} has already refused.", country.as_str()),
            ));
        }
        _ => {}
    }
    ans.answer = AnswerStatus::Denied { on: day, reason };
    next.phase = Phase::Denied;
    Ok(())
}

fn expect_party(
    registry: &Registry,
    id: &str,
    kind: ParticipantKind,
    country: Option<&CountryCode>,
    rule: RuleId,
    role: &str,
) -> Result<(), Refusal> {
    let Some(p) = registry.get(id) else {
        return Err(Refusal::new(
            rule,
            format!("The {role} {id} is not a registered participant."),
        ));
    };
    if p.kind != kind {
        return Err(Refusal::new(
            rule,
            format!(
                "The {role} {id} is registered as a {}, not as a {kind}.",
                p.kind
            ),
        ));
    }
    if let Some(c) = country
        && &p.country != c
    {
        return Err(Refusal::new(
            rule,
            format!(
                "The {role} {id} is registered in {}, not in {}.",
                p.country.as_str(),
                c.as_str()
            ),
        ));
    }
    Ok(())
}

/// The characters of a case id's serial: digits and upper-case letters without the
/// look-alikes I, L, O and U (Crockford's base 32).
const SERIAL_CHARS: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// CASE-03: a case id is `<CC>-<YYYY>-<serial>` — `CC` the State of export (ISO 3166-1
/// alpha-2, upper case), which must be the notifier's country; `YYYY` four digits; `serial` 1
/// to 12 characters of [`SERIAL_CHARS`]. ASCII only, no spaces, no look-alike characters, so
/// that a number read from paper or a phone is typed back unambiguously.
pub fn check_case_id(
    id: &str,
    export: &CountryCode,
    notifier: &Participant,
) -> Result<(), Refusal> {
    let refuse = |why: String| {
        Refusal::new(
            RuleId::Case03,
            format!(
                "Case id {id:?} {why}; the pattern is <State of export>-<YYYY>-<serial>, e.g. {}-2026-0001, with a serial of 1-12 digits or upper-case letters other than I, L, O, U.",
                export.as_str()
            ),
        )
    };
    let mut parts = id.splitn(3, '-');
    let (Some(cc), Some(year), Some(serial)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(refuse("does not have three parts".into()));
    };
    if cc.len() != 2 || !cc.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(refuse(
            "does not start with a State's two-letter code".into(),
        ));
    }
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return Err(refuse("has no four-digit year".into()));
    }
    if serial.is_empty() || serial.len() > 12 || !serial.chars().all(|c| SERIAL_CHARS.contains(c)) {
        return Err(refuse(
            "has a serial that is empty, longer than 12 characters or holds other characters"
                .into(),
        ));
    }
    if cc != export.as_str() {
        return Err(refuse(format!(
            "does not start with the State of export, {}",
            export.as_str()
        )));
    }
    if notifier.country != *export {
        return Err(refuse(format!(
            "would be opened by {} of {}: cases are opened only under the notifier's own State",
            notifier.id,
            notifier.country.as_str()
        )));
    }
    Ok(())
}

fn submit(
    next: &mut Case,
    n: Notification,
    actor: &Participant,
    registry: &Registry,
    facts: &Facts,
    day: Date,
) -> Result<(), Refusal> {
    if next.phase != Phase::New {
        return Err(state_refusal(next, "notification.submitted"));
    }
    let x = n.export.country;
    let m = n.import.country;
    // Who notifies: the exporter or a generator named in the notification, of the State of export.
    let is_notifier = (actor.kind == ParticipantKind::Exporter && actor.id == n.exporter)
        || (actor.kind == ParticipantKind::Generator
            && n.generators.iter().any(|g| g.participant == actor.id));
    if !is_notifier {
        return Err(Refusal::new(
            RuleId::Pic01,
            "Only the exporter or a generator named in the notification submits it (through the competent authority of the State of export).",
        ));
    }
    check_case_id(&next.id, &x, actor)?;
    // Parties, by kind and country (Annex V A items 2-8).
    expect_party(
        registry,
        &n.exporter,
        ParticipantKind::Exporter,
        Some(&x),
        RuleId::Pic02,
        "exporter",
    )?;
    for g in &n.generators {
        expect_party(
            registry,
            &g.participant,
            ParticipantKind::Generator,
            Some(&x),
            RuleId::Pic02,
            "generator",
        )?;
    }
    expect_party(
        registry,
        &n.importer,
        ParticipantKind::Importer,
        Some(&m),
        RuleId::Pic02,
        "importer",
    )?;
    expect_party(
        registry,
        &n.disposer,
        ParticipantKind::Disposer,
        Some(&m),
        RuleId::Pic02,
        "disposer",
    )?;
    for c in &n.carriers {
        expect_party(
            registry,
            c,
            ParticipantKind::Carrier,
            None,
            RuleId::Pic02,
            "carrier",
        )?;
    }
    expect_party(
        registry,
        &n.export.authority,
        ParticipantKind::CompetentAuthority,
        Some(&x),
        RuleId::Pic01,
        "competent authority of export",
    )?;
    expect_party(
        registry,
        &n.import.authority,
        ParticipantKind::CompetentAuthority,
        Some(&m),
        RuleId::Pic01,
        "competent authority of import",
    )?;
    expect_party(
        registry,
        &n.export.customs_office,
        ParticipantKind::CustomsOffice,
        Some(&x),
        RuleId::Pic02,
        "customs office of exit",
    )?;
    expect_party(
        registry,
        &n.import.customs_office,
        ParticipantKind::CustomsOffice,
        Some(&m),
        RuleId::Pic02,
        "customs office of entry",
    )?;
    let mut seen: Vec<CountryCode> = vec![x, m];
    for t in &n.transit {
        if seen.contains(&t.country) {
            return Err(Refusal::new(
                RuleId::Pic02,
                format!(
                    "{} appears more than once among the States concerned.",
                    t.country.as_str()
                ),
            ));
        }
        seen.push(t.country);
        let non_party = !facts
            .basel_party(&t.country, n.period.first_departure)
            .is_true();
        let rule = if non_party {
            RuleId::Pic03
        } else {
            RuleId::Pic01
        };
        expect_party(
            registry,
            &t.authority,
            ParticipantKind::CompetentAuthority,
            Some(&t.country),
            rule,
            "authority of the State of transit",
        )?;
        for o in t.entry_office.iter().chain(t.exit_office.iter()) {
            expect_party(
                registry,
                o,
                ParticipantKind::CustomsOffice,
                Some(&t.country),
                RuleId::Pic02,
                "customs office of transit",
            )?;
        }
    }
    for c in &n.national_hazardous_in {
        if !seen.contains(c) {
            return Err(Refusal::new(
                RuleId::Pic18,
                format!(
                    "{} is not a State concerned, so its national definition does not apply to this movement.",
                    c.as_str()
                ),
            ));
        }
    }
    // Codes in force when the shipments are to start (CLS-01).
    for code in &n.waste.codes {
        if code_info(code, n.period.first_departure).is_none() {
            return Err(Refusal::new(
                RuleId::Cls01,
                format!(
                    "Waste code {} is not in force on {}, the first planned departure.",
                    code.as_str(),
                    fmt_date(n.period.first_departure)
                ),
            ));
        }
    }
    // General notification: at most 12 months (Art. 6(8)).
    if n.kind == NotificationKind::General {
        let end = months_end(n.period.first_departure, 12);
        if n.period.last_departure > end {
            return Err(Refusal::new(
                RuleId::Pic12,
                format!(
                    "A general notification covers at most 12 months: from {} at most until {}.",
                    fmt_date(n.period.first_departure),
                    fmt_date(end)
                ),
            ));
        }
    }
    if n.justification.is_none() {
        return Err(Refusal::new(
            RuleId::Ban08,
            "The notification must declare which Art. 4(9) justification applies (no capacity in the State of export, raw material for recovery, or other criteria set by the Conference of the Parties).",
        ));
    }
    if n.esm_assessment.is_none() {
        return Err(Refusal::new(
            RuleId::Ban09,
            "The notification must give the information on which the exporter or generator based its assessment that the wastes will be managed in an environmentally sound manner (Annex V A item 20).",
        ));
    }
    next.import = Some(StateAnswer::new(m, &n.import.authority));
    next.transit = n
        .transit
        .iter()
        .map(|t| StateAnswer::new(t.country, &t.authority))
        .collect();
    next.notifier = Some(actor.id.clone());
    next.submitted_on = Some(day);
    next.phase = Phase::Submitted;
    next.notification = Some(n);
    Ok(())
}

fn start(
    case: &Case,
    next: &mut Case,
    d: MovementDocument,
    actor: &Participant,
    registry: &Registry,
    facts: &Facts,
    day: Date,
) -> Result<(), Refusal> {
    let n = notification(case, "movement.started")?;
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

fn border(
    case: &Case,
    next: &mut Case,
    b: crate::body::BorderCrossing,
    dir: Direction,
    actor: &Participant,
    day: Date,
) -> Result<(), Refusal> {
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
    let (n, doc) = movement_of(case, b.shipment_no, actor, "border crossing")?;
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
    let deviation = expected.filter(|e| **e != actor.id).map(|e| {
        Irregularity::new(
            RuleId::Shp02,
            format!(
                "Shipment {} passed customs office {} {word} {}, not the designated {}: a deviation from the documented route (Art. 9(1)(d) if material).",
                b.shipment_no,
                actor.id,
                country.as_str(),
                e
            ),
            b.on,
        )
    });
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
    s.irregularities.extend(deviation);
    s.crossings.push(crossing);
    Ok(())
}

/// The notification and movement document a border crossing refers to: the case must have
/// a notification, shipment `no` a movement document, and the customs office's State must be
/// one of the States concerned. Anything else is refused (CASE-01): a movement the log has
/// never seen is reported by an authority, never attached to a case by a crossing.
fn movement_of<'c>(
    case: &'c Case,
    no: u32,
    actor: &Participant,
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
    if !n.states_concerned().contains(&&actor.country) {
        return Err(unknown(format!(
            "{} is not a State concerned by case {} ({} of {})",
            actor.country.as_str(),
            case.id,
            actor.id,
            actor.country.as_str()
        )));
    }
    Ok((n, doc))
}

// -------------------------------------------------------------------------------------------------
// obligations
// -------------------------------------------------------------------------------------------------

/// The duties that follow from a case at `at`, with due dates: receipt and completion
/// confirmations (PIC-14) and, when they are overdue, the duty to tell the State of import
/// (PIC-15); re-import duties (Art. 8, Art. 9); illegal traffic (Art. 9); consents about to lapse;
/// open Art. 6(4) transit windows. Deadlines the Convention leaves open use [`Deadlines`].
pub fn obligations(case: &Case, facts: &Facts, at: OffsetDateTime) -> Vec<Obligation> {
    obligations_with(case, facts, &Deadlines::default(), at)
}

/// [`obligations`] with explicit [`Deadlines`].
pub fn obligations_with(
    case: &Case,
    facts: &Facts,
    deadlines: &Deadlines,
    at: OffsetDateTime,
) -> Vec<Obligation> {
    let day = today(at);
    let mut out = Vec::new();
    let Some(n) = case.notification.as_ref() else {
        // Only illegal traffic can be recorded without a notification.
        for s in case.shipments.values() {
            irregular(&mut out, s, None);
        }
        return out;
    };
    let ob = |kind: ObligationKind,
              rule: RuleId,
              message: String,
              party: Option<&str>,
              shipment_no: Option<u32>,
              due: Option<Date>| Obligation {
        kind,
        rule_id: rule,
        citation: rule.citation(),
        message,
        party: party.map(str::to_owned),
        shipment_no,
        due,
        overdue: due.is_some_and(|d| d < day),
    };
    for s in case.shipments.values() {
        irregular(&mut out, s, Some(n));
        let Some(doc) = s.document.as_ref() else {
            continue;
        };
        let no = s.shipment_no;
        if let Some(r) = &s.reimport {
            out.push(ob(
                ObligationKind::Reimport,
                if r.ground == ReimportGround::CannotBeCompleted {
                    RuleId::Art801
                } else {
                    RuleId::Art901
                },
                format!(
                    "The exporter must take shipment {no} back into {} by {}.",
                    n.export.country.as_str(),
                    fmt_date(r.due)
                ),
                Some(&n.exporter),
                Some(no),
                Some(r.due),
            ));
            continue;
        }
        match (s.received_on, s.completed_on) {
            (None, _) => {
                let arrival = s
                    .crossings
                    .iter()
                    .filter(|c| c.direction == Direction::Entry && c.country == n.import.country)
                    .map(|c| c.on)
                    .min()
                    .unwrap_or_else(|| {
                        add_days(doc.started_on, i64::from(deadlines.arrival_allowance_days))
                    });
                let due = add_days(arrival, i64::from(deadlines.receipt_days));
                out.push(ob(
                    ObligationKind::ConfirmReceipt,
                    RuleId::Pic14,
                    format!("The disposer must confirm receipt of shipment {no} to the exporter and the competent authority of {}.", n.export.country.as_str()),
                    Some(&n.disposer),
                    Some(no),
                    Some(due),
                ));
                if due < day {
                    out.push(ob(
                        ObligationKind::NotifyStateOfImport,
                        RuleId::Pic15,
                        format!("Receipt of shipment {no} is not confirmed: the competent authority of {} or the exporter must notify {}.", n.export.country.as_str(), n.import.country.as_str()),
                        Some(&n.export.authority),
                        Some(no),
                        Some(due),
                    ));
                }
            }
            (Some(received), None) => {
                let due = add_days(received, i64::from(deadlines.completion_days));
                out.push(ob(
                    ObligationKind::ConfirmCompletion,
                    RuleId::Pic14,
                    format!("The disposer must confirm completion of the disposal of shipment {no} ({}).", n.operation.as_str()),
                    Some(&n.disposer),
                    Some(no),
                    Some(due),
                ));
                if due < day {
                    out.push(ob(
                        ObligationKind::NotifyStateOfImport,
                        RuleId::Pic15,
                        format!("Completion of shipment {no} is not confirmed: the competent authority of {} or the exporter must notify {}.", n.export.country.as_str(), n.import.country.as_str()),
                        Some(&n.export.authority),
                        Some(no),
                        Some(due),
                    ));
                }
            }
            (Some(_), Some(_)) => {}
        }
    }
    if case.phase == Phase::Transmitted {
        for a in case.import.iter().chain(case.transit.iter()) {
            if let Some(c) = a.consent() {
                let warn_from = add_days(c.valid_until, -i64::from(deadlines.expiry_warning_days));
                if day >= warn_from && day <= c.valid_until {
                    out.push(ob(
                        ObligationKind::ConsentExpiring,
                        if case.import.as_ref().is_some_and(|i| i.country == a.country) {
                            RuleId::Ban02
                        } else {
                            RuleId::Pic07
                        },
                        format!(
                            "The consent of {} lapses after {}; shipments must start by then.",
                            a.country.as_str(),
                            fmt_date(c.valid_until)
                        ),
                        case.notifier.as_deref(),
                        None,
                        Some(c.valid_until),
                    ));
                }
            }
        }
        for t in &case.transit {
            if t.answer != AnswerStatus::Pending {
                continue;
            }
            let Some(from) = t.clock_from else { continue };
            if facts.transit_waiver(&t.country, day).is_true() {
                let end = add_days(from, TRANSIT_DAYS);
                if day <= end {
                    out.push(ob(
                        ObligationKind::TransitWindowOpen,
                        RuleId::Pic08,
                        format!("{} may answer until {}; without an answer the movement may then proceed through it.", t.country.as_str(), fmt_date(end)),
                        Some(&t.authority),
                        None,
                        Some(end),
                    ));
                }
            }
        }
    }
    out
}

fn irregular(out: &mut Vec<Obligation>, s: &Shipment, n: Option<&Notification>) {
    for i in s
        .irregularities
        .iter()
        .filter(|i| i.rule_id != RuleId::Art901)
    {
        out.push(Obligation {
            kind: ObligationKind::Review,
            rule_id: i.rule_id,
            citation: i.citation,
            message: format!(
                "Shipment {} needs review by the competent authorities: {}",
                s.shipment_no, i.message
            ),
            party: n.map(|n| n.export.authority.clone()),
            shipment_no: Some(s.shipment_no),
            due: None,
            overdue: false,
        });
    }
    for i in s
        .irregularities
        .iter()
        .filter(|i| i.rule_id == RuleId::Art901)
    {
        let due = s.reimport.as_ref().map(|r| r.due);
        out.push(Obligation {
            kind: ObligationKind::IllegalTraffic,
            rule_id: RuleId::Art901,
            citation: RuleId::Art901.citation(),
            message: format!(
                "Shipment {} is illegal traffic: {} The wastes must be taken back or disposed of in an environmentally sound manner, normally within 30 days of the State being informed (Art. 9(2)-(3)).",
                s.shipment_no, i.message
            ),
            party: n.map(|n| n.exporter.clone()),
            shipment_no: Some(s.shipment_no),
            due,
            overdue: false,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn twelve_months_end_the_day_before_the_same_day_a_year_later() {
        assert_eq!(months_end(date!(2026 - 03 - 01), 12), date!(2027 - 02 - 28));
        assert_eq!(months_end(date!(2026 - 01 - 15), 12), date!(2027 - 01 - 14));
        assert_eq!(months_end(date!(2026 - 12 - 31), 1), date!(2027 - 01 - 30));
    }

    #[test]
    fn a_period_from_a_day_the_target_month_lacks_runs_to_that_month_s_end() {
        assert_eq!(months_end(date!(2024 - 02 - 29), 12), date!(2025 - 02 - 28));
        assert_eq!(months_end(date!(2026 - 03 - 31), 1), date!(2026 - 04 - 30));
    }

    #[test]
    fn date_arithmetic_saturates_instead_of_panicking() {
        assert_eq!(add_days(Date::MAX, 1), Date::MAX);
        assert_eq!(add_days(Date::MIN, -1), Date::MIN);
        assert_eq!(months_end(Date::MAX, 12), Date::MAX);
    }
}

//! Classification of the wastes of a notification on a date (reference §10 step 1, CLS-01).

use time::Date;

use crate::codes::{CodeList, WasteCode, code_info, code_info_any_date};
use crate::facts::{CountryCode, Facts};
use crate::json::fmt_date;
use crate::verdict::{Reason, RuleId};

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

pub(super) fn classify(
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

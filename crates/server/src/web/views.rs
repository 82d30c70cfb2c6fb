//! View models shared by the pages: the error page and the words for statuses, kinds, rules
//! and obligations in the user's language.

use actix_web::http::StatusCode;
use askama::Template;
use wastetrail_basel::RuleId;

use super::Ctx;
use super::i18n::Tr;

/// The error page.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage<'a> {
    c: &'a Ctx,
    status: u16,
    title: String,
    detail: String,
}

impl<'a> ErrorPage<'a> {
    /// The page of a problem with `status` and stable `code`.
    pub fn new(c: &'a Ctx, status: StatusCode, code: &str) -> Self {
        let t = &c.t;
        let title = t
            .get(format!("status-{}", status.as_u16()))
            .unwrap_or_else(|| t.m("status-other"));
        let detail = t
            .get(format!("problem-{code}"))
            .unwrap_or_else(|| t.m("problem-other"));
        ErrorPage {
            c,
            status: status.as_u16(),
            title,
            detail,
        }
    }
}

/// The plain sentence of a rule in the user's language (`rule-PIC-01`, …).
pub fn rule_sentence(t: &Tr, rule: RuleId) -> String {
    t.m(format!("rule-{}", rule.as_str()))
}

/// `YYYY-MM-DD`.
pub fn date(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// The catalog key of a statement type (`st-consent-granted`).
pub fn type_key(kind: &str) -> String {
    format!("st-{}", kind.replace('.', "-"))
}

/// The catalog key and badge style of a case phase.
pub fn phase_badge(p: wastetrail_basel::Phase) -> (&'static str, &'static str) {
    use wastetrail_basel::Phase as P;
    match p {
        P::New => ("phase-new", ""),
        P::Submitted => ("phase-submitted", "info"),
        P::Transmitted => ("phase-transmitted", "info"),
        P::Denied => ("phase-denied", "bad"),
        P::Withdrawn => ("phase-withdrawn", "warn"),
        P::Completed => ("phase-completed", "ok"),
    }
}

/// The route of a notification: `DE → BE → NL`.
pub fn route(n: &wastetrail_basel::body::Notification) -> String {
    n.states_concerned()
        .iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(" → ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::i18n::Lang;
    use wastetrail_basel::ParticipantKind;

    #[test]
    fn every_rule_and_kind_has_words_in_every_language() {
        for lang in Lang::ALL {
            let t = Tr::new(lang);
            for rule in RuleId::ALL {
                assert!(t.has(&format!("rule-{}", rule.as_str())), "{lang:?} {rule}");
            }
            for kind in [
                "registrar",
                "competent_authority",
                "customs_office",
                "exporter",
                "generator",
                "importer",
                "carrier",
                "disposer",
                "auditor",
            ] {
                assert!(ParticipantKind::parse(kind).is_some());
                assert!(t.has(&format!("kind-{kind}")), "{lang:?} {kind}");
            }
        }
    }
}

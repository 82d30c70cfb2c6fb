//! `wastetrail check`: read a case file, replay it through the rules of `wastetrail-basel`,
//! answer its question.
//!
//! The order is: the envelope (`case_file`), the law data (builtin facts plus the file's
//! overrides), the participants (registered in a registry the way the ledger would: the
//! registrar registers the competent authorities, each competent authority the other
//! participants of its country), every statement's type and body (so that a malformed body is
//! an invalid file with its JSON path, not a refusal), then the statements one by one through
//! `apply`, and finally `may_start` or `obligations` at the question's time.

use std::path::Path;

use anyhow::Context as _;
use wastetrail_basel::body::{KeyInfo, ParticipantRegistered};
use wastetrail_basel::facts::FactsError;
use wastetrail_basel::{
    Body, Case, CountryCode, Decision, Facts, Filing, Obligation, Outcome as CheckOutcome,
    ParticipantKind, REGISTRY_CASE, Reason, Refusal, Registry, StatementType, may_start,
    obligations,
};

use crate::case_file::{CaseFile, Fault, Question, RawParticipant};
use crate::render::{Answer, Ground, ObligationLine, Report};

/// What `check` found.
#[derive(Debug)]
pub enum Outcome {
    /// The file could not be read or is invalid (the error chain holds a `Fault` when the
    /// fault has a JSON path).
    Invalid(anyhow::Error),
    /// The question was answered.
    Answered(Box<Report>),
}

/// Checks the case file at `path`.
pub fn check_path(path: &Path) -> Outcome {
    let answered = load(path)
        .and_then(|file| evaluate(&file).with_context(|| format!("checking case {}", file.case)));
    match answered {
        Ok(report) => Outcome::Answered(Box::new(report)),
        Err(err) => Outcome::Invalid(err),
    }
}

fn load(path: &Path) -> anyhow::Result<CaseFile> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the case file {}", path.display()))?;
    Ok(CaseFile::parse(&text)?)
}

/// The id of the registrar that registers the file's competent authorities. It contains a
/// colon so that it cannot clash with an id a case file is likely to use; a file that uses it
/// anyway is refused with a duplicate-id fault.
const REGISTRAR: &str = "case-file:registrar";

/// Evaluates a parsed case file. Faults of the file are returned as `Fault` errors; refusals
/// and verdicts are part of the report.
pub fn evaluate(file: &CaseFile) -> anyhow::Result<Report> {
    let facts = load_facts(file)?;
    let registry = register(file)?;
    let filings = filings(file)?;

    let mut case = Case::new(file.case.clone());
    let mut applied = 0;
    for (index, (filing, statement)) in filings.iter().zip(&file.statements).enumerate() {
        // The decision half of the one admission path (a case file has no signatures and no
        // hash chain: it starts at the first statement of the case).
        let decided = wastetrail_verify::decide(
            &registry,
            Some(&case),
            None,
            None,
            filing,
            &facts,
            statement.at,
        );
        match decided {
            Ok(wastetrail_verify::Effect::Case(next)) => {
                case = *next;
                applied += 1;
            }
            Ok(wastetrail_verify::Effect::Registry { .. }) => {
                return Err(Fault::at(
                    format!("statements[{index}].type"),
                    "registry statements do not belong in a case file (list participants instead)",
                )
                .into());
            }
            Err(wastetrail_verify::Refusal::Rule(refusal)) => {
                let at = file.question.at();
                return Ok(Report {
                    title: file.title.clone(),
                    case: file.case.clone(),
                    question: file.question,
                    answer: Answer::Refused {
                        index,
                        kind: statement.kind.clone(),
                        actor: statement.actor.clone(),
                        at: statement.at,
                    },
                    decisive: Some(refusal_ground(&refusal)),
                    grounds: vec![refusal_ground(&refusal)],
                    checks: Vec::new(),
                    obligations: obligation_lines(&obligations(&case, &facts, at)),
                    applied,
                    data_version: facts.data_version(),
                });
            }
            Err(other) => {
                // Without signatures and chains only a rule can refuse; anything else is a bug.
                return Err(anyhow::anyhow!("statement {index}: {other}"));
            }
        }
    }

    let open = obligation_lines(&obligations(&case, &facts, file.question.at()));
    let report = match file.question {
        Question::MayStart { shipment, at } => {
            let verdict = may_start(&case, shipment, &facts, at);
            let checks: Vec<Ground> = verdict.reasons.iter().map(reason_ground).collect();
            let (answer, grounds) = match verdict.decision {
                Decision::MayStart => (Answer::MayStart, checks.clone()),
                Decision::Blocked | Decision::Prohibited => (
                    Answer::MayNotStart {
                        prohibited: verdict.decision == Decision::Prohibited,
                    },
                    verdict.failures().map(reason_ground).collect(),
                ),
            };
            Report {
                title: file.title.clone(),
                case: file.case.clone(),
                question: file.question,
                answer,
                decisive: Some(Ground {
                    rule: verdict.rule_id.as_str().to_string(),
                    citation: verdict.citation.to_string(),
                    message: verdict.message.clone(),
                    outcome: match verdict.decision {
                        Decision::MayStart => "met",
                        Decision::Blocked => "blocks",
                        Decision::Prohibited => "prohibits",
                    },
                    unknown_fact: false,
                }),
                grounds,
                checks,
                obligations: open,
                applied,
                data_version: facts.data_version(),
            }
        }
        Question::Due { .. } => Report {
            title: file.title.clone(),
            case: file.case.clone(),
            question: file.question,
            answer: Answer::Due,
            decisive: None,
            grounds: Vec::new(),
            checks: Vec::new(),
            obligations: open,
            applied,
            data_version: facts.data_version(),
        },
    };
    Ok(report)
}

/// The builtin law data with the file's overrides.
fn load_facts(file: &CaseFile) -> Result<Facts, Fault> {
    let facts = Facts::builtin().map_err(|e| Fault::at("", format!("built-in law data: {e}")))?;
    match &file.facts {
        None => Ok(facts),
        Some(overrides) => facts.with_overrides(overrides).map_err(|err| match &err {
            FactsError::Invalid { path, message } => {
                let path = if path == "(root)" || path.is_empty() {
                    "facts".to_string()
                } else {
                    format!("facts.{path}")
                };
                Fault::at(path, message.clone())
            }
            other => Fault::at("facts", other.to_string()),
        }),
    }
}

fn participant_kind(p: &RawParticipant, i: usize) -> Result<ParticipantKind, Fault> {
    let kind = ParticipantKind::parse(&p.kind).ok_or_else(|| {
        let names: Vec<&str> = ParticipantKind::NAMES.iter().map(|(n, _)| *n).collect();
        Fault::at(
            format!("participants[{i}].kind"),
            format!(
                "unknown participant kind {:?}; expected one of: {}",
                p.kind,
                names.join(", ")
            ),
        )
    })?;
    if kind == ParticipantKind::Registrar {
        return Err(Fault::at(
            format!("participants[{i}].kind"),
            "a case file does not list the registrar; `check` registers the competent authorities itself",
        ));
    }
    Ok(kind)
}

fn country(p: &RawParticipant, i: usize) -> Result<CountryCode, Fault> {
    CountryCode::parse(&p.country)
        .map_err(|err| Fault::at(format!("participants[{i}].country"), err.to_string()))
}

/// Registers the file's participants the way the ledger does (REG-01): the registrar registers
/// competent authorities and auditors, a competent authority the other participants of its
/// own country. A participant whose country has no competent authority in the file cannot be
/// registered, and that is a fault of the file.
fn register(file: &CaseFile) -> Result<Registry, Fault> {
    // Registered just before the first statement (the question is never earlier).
    let at = file.statements.first().map_or(file.question.at(), |s| s.at);
    let key = |id: &str| KeyInfo {
        key_id: format!("{id}#case-file"),
        public_key: format!("case-file: no signature is checked ({id})"),
        valid_until: None,
    };
    let registrar_country = CountryCode::parse("ZZ").map_err(|e| Fault::at("", e.to_string()))?;
    let mut registry = Registry::bootstrap(
        REGISTRAR,
        registrar_country,
        "case-file registrar",
        key(REGISTRAR),
        at,
    );
    let mut typed = Vec::with_capacity(file.participants.len());
    for (i, p) in file.participants.iter().enumerate() {
        if p.id == REGISTRAR {
            return Err(Fault::at(
                format!("participants[{i}].id"),
                format!("the id {REGISTRAR:?} is reserved for the registrar of `check`"),
            ));
        }
        typed.push((i, p, participant_kind(p, i)?, country(p, i)?));
    }
    let registered_by_authority = |k: ParticipantKind| {
        !matches!(
            k,
            ParticipantKind::CompetentAuthority | ParticipantKind::Auditor
        )
    };
    // Competent authorities and auditors first (registered by the registrar), then the rest
    // (each registered by a competent authority of its country), in file order within each.
    let mut order: Vec<&(usize, &RawParticipant, ParticipantKind, CountryCode)> =
        typed.iter().collect();
    order.sort_by_key(|(i, _, k, _)| (registered_by_authority(*k), *i));
    for (i, p, kind, country) in order {
        let by = if registered_by_authority(*kind) {
            typed
                .iter()
                .find(|(_, _, k, c)| *k == ParticipantKind::CompetentAuthority && c == country)
                .map(|(_, ca, _, _)| ca.id.as_str())
                .ok_or_else(|| {
                    Fault::at(
                        format!("participants[{i}].country"),
                        format!(
                            "no competent authority of {} is listed among the participants, so {:?} cannot be registered (REG-01: a competent authority registers the participants of its country)",
                            country.as_str(),
                            p.id
                        ),
                    )
                })?
        } else {
            REGISTRAR
        };
        let body = ParticipantRegistered {
            id: p.id.clone(),
            kind: *kind,
            country: *country,
            name: p.name.clone(),
            address: p
                .address
                .clone()
                .unwrap_or_else(|| "(not given in the case file)".into()),
            key: key(&p.id),
        };
        let body = serde_json::to_value(&body).map_err(|e| Fault::at("", e.to_string()))?;
        let filing = Filing::new(
            StatementType::ParticipantRegistered,
            REGISTRY_CASE,
            by,
            at,
            body,
        );
        registry = registry.apply(&filing, at).map_err(|refusal| {
            let detail: Vec<String> = refusal
                .errors
                .iter()
                .map(|e| format!("{}: {}", e.path.replacen('$', "", 1), e.message))
                .collect();
            let path = refusal.errors.first().map_or_else(
                || format!("participants[{i}]"),
                |e| format!("participants[{i}]{}", e.path.replacen('$', "", 1)),
            );
            let mut message = format!(
                "cannot be registered: {} ({}): {}",
                refusal.rule_id, refusal.citation, refusal.message
            );
            if !detail.is_empty() {
                message.push_str(&format!(" [{}]", detail.join("; ")));
            }
            Fault::at(path, message)
        })?;
    }
    Ok(registry)
}

/// The statements as filings, after checking each type and body (a malformed body is a fault
/// of the file, reported with its JSON path).
fn filings(file: &CaseFile) -> Result<Vec<Filing>, Fault> {
    let mut out = Vec::with_capacity(file.statements.len());
    for (i, s) in file.statements.iter().enumerate() {
        let kind = StatementType::parse(&s.kind).ok_or_else(|| {
            Fault::at(
                format!("statements[{i}].type"),
                format!("unknown statement type {:?}", s.kind),
            )
        })?;
        if kind.is_registry() {
            return Err(Fault::at(
                format!("statements[{i}].type"),
                format!(
                    "{} changes the registry; list the participant under `participants` instead",
                    s.kind
                ),
            ));
        }
        if let Err(errors) = Body::parse(kind, &s.body) {
            let base = format!("statements[{i}].body");
            let path_of = |p: &str| match p.strip_prefix('$') {
                Some(rest) => format!("{base}{rest}"),
                None => format!("{base}.{p}"),
            };
            let first = errors
                .first()
                .map_or_else(|| base.clone(), |e| path_of(&e.path));
            let mut message = errors
                .first()
                .map_or_else(|| "is not a valid body".to_string(), |e| e.message.clone());
            if errors.len() > 1 {
                let others: Vec<String> = errors
                    .iter()
                    .skip(1)
                    .map(|e| format!("{}: {}", path_of(&e.path), e.message))
                    .collect();
                message.push_str(&format!(" (also: {})", others.join("; ")));
            }
            return Err(Fault::at(first, message));
        }
        out.push(Filing::new(
            kind,
            file.case.clone(),
            s.actor.clone(),
            s.at,
            s.body.clone(),
        ));
    }
    Ok(out)
}

fn outcome_word(o: CheckOutcome) -> &'static str {
    match o {
        CheckOutcome::Met => "met",
        CheckOutcome::Blocks => "blocks",
        CheckOutcome::Prohibits => "prohibits",
    }
}

fn reason_ground(r: &Reason) -> Ground {
    Ground {
        rule: r.rule_id.as_str().to_string(),
        citation: r.citation.to_string(),
        message: r.message.clone(),
        outcome: outcome_word(r.outcome),
        unknown_fact: r.unknown_fact,
    }
}

fn refusal_ground(r: &Refusal) -> Ground {
    let mut message = r.message.clone();
    for e in &r.errors {
        message.push_str(&format!(" [{}: {}]", e.path, e.message));
    }
    Ground {
        rule: r.rule_id.as_str().to_string(),
        citation: r.citation.to_string(),
        message,
        outcome: "refuses",
        unknown_fact: r.unknown_fact,
    }
}

fn obligation_lines(list: &[Obligation]) -> Vec<ObligationLine> {
    list.iter()
        .map(|o| ObligationLine {
            kind: serde_json::to_value(o.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            rule: o.rule_id.as_str().to_string(),
            citation: o.citation.to_string(),
            message: o.message.clone(),
            party: o.party.clone(),
            shipment: o.shipment_no,
            due: o.due.map(|d| d.to_string()),
            overdue: o.overdue,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::OffsetDateTime;

    fn utc(s: &str) -> OffsetDateTime {
        OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).unwrap()
    }

    /// The JSON path of the fault `evaluate` reports for `f` (which must be invalid).
    fn fault_path(f: &CaseFile) -> String {
        let err = evaluate(f).unwrap_err();
        err.downcast_ref::<Fault>().unwrap().path.clone()
    }

    fn file(participants: &str, statements: &str, question: &str) -> CaseFile {
        CaseFile::parse(&format!(
            r#"{{"case":"XA-1","participants":{participants},"statements":{statements},"question":{question}}}"#
        ))
        .unwrap()
    }

    #[test]
    fn a_participant_without_an_authority_of_its_country_is_a_fault() {
        let f = file(
            r#"[{"id":"ca","kind":"competent_authority","country":"XA","name":"CA"},
                {"id":"exp","kind":"exporter","country":"XB","name":"E"}]"#,
            "[]",
            r#"{"ask":"due","at":"2025-01-01T00:00:00Z"}"#,
        );
        let err = evaluate(&f).unwrap_err();
        let fault = err.downcast_ref::<Fault>().unwrap();
        assert_eq!(fault.path, "participants[1].country");
        assert!(fault.message.contains("REG-01"), "{fault}");
    }

    #[test]
    fn the_registrar_and_its_id_are_reserved() {
        let f = file(
            r#"[{"id":"reg","kind":"registrar","country":"XA","name":"R"}]"#,
            "[]",
            r#"{"ask":"due","at":"2025-01-01T00:00:00Z"}"#,
        );
        assert_eq!(fault_path(&f), "participants[0].kind");
        let f = file(
            r#"[{"id":"case-file:registrar","kind":"competent_authority","country":"XA","name":"R"}]"#,
            "[]",
            r#"{"ask":"due","at":"2025-01-01T00:00:00Z"}"#,
        );
        assert_eq!(fault_path(&f), "participants[0].id");
    }

    #[test]
    fn an_unknown_kind_and_a_bad_country_are_faults() {
        let f = file(
            r#"[{"id":"ca","kind":"ministry","country":"XA","name":"CA"}]"#,
            "[]",
            r#"{"ask":"due","at":"2025-01-01T00:00:00Z"}"#,
        );
        assert_eq!(fault_path(&f), "participants[0].kind");
        let f = file(
            r#"[{"id":"ca","kind":"competent_authority","country":"xa","name":"CA"}]"#,
            "[]",
            r#"{"ask":"due","at":"2025-01-01T00:00:00Z"}"#,
        );
        assert_eq!(fault_path(&f), "participants[0].country");
    }

    #[test]
    fn a_malformed_body_is_a_fault_with_the_body_path() {
        let f = file(
            r#"[{"id":"ca","kind":"competent_authority","country":"XA","name":"CA"}]"#,
            r#"[{"type":"notification.transmitted","actor":"ca","at":"2025-01-02T00:00:00Z","body":{"sent_on":20250102}}]"#,
            r#"{"ask":"due","at":"2025-01-03T00:00:00Z"}"#,
        );
        let err = evaluate(&f).unwrap_err();
        let fault = err.downcast_ref::<Fault>().unwrap();
        assert_eq!(fault.path, "statements[0].body.sent_on");
    }

    #[test]
    fn an_unknown_statement_type_is_a_fault() {
        let f = file(
            r#"[{"id":"ca","kind":"competent_authority","country":"XA","name":"CA"}]"#,
            r#"[{"type":"notification.lost","actor":"ca","at":"2025-01-02T00:00:00Z","body":{}}]"#,
            r#"{"ask":"due","at":"2025-01-03T00:00:00Z"}"#,
        );
        assert_eq!(fault_path(&f), "statements[0].type");
    }

    #[test]
    fn a_statement_before_the_notification_is_refused_with_its_index() {
        let f = file(
            r#"[{"id":"ca","kind":"competent_authority","country":"XA","name":"CA"}]"#,
            r#"[{"type":"notification.transmitted","actor":"ca","at":"2025-01-02T00:00:00Z","body":{"sent_on":"2025-01-02"}}]"#,
            r#"{"ask":"may_start","shipment":1,"at":"2025-01-03T00:00:00Z"}"#,
        );
        let report = evaluate(&f).unwrap();
        assert!(matches!(report.answer, Answer::Refused { index: 0, .. }));
        assert_eq!(report.applied, 0);
        assert!(!report.is_affirmative());
        assert_eq!(utc("2025-01-02T00:00:00Z"), f.statements[0].at);
    }

    #[test]
    fn an_empty_case_may_not_start_and_has_nothing_due() {
        let f = file(
            r#"[{"id":"ca","kind":"competent_authority","country":"XA","name":"CA"}]"#,
            "[]",
            r#"{"ask":"may_start","shipment":1,"at":"2025-01-03T00:00:00Z"}"#,
        );
        let report = evaluate(&f).unwrap();
        assert_eq!(report.answer, Answer::MayNotStart { prohibited: false });
        assert_eq!(report.rule_ids(), vec!["CASE-01"]);
        assert!(report.obligations.is_empty());
    }

    #[test]
    fn facts_faults_are_prefixed_with_facts() {
        let mut f = file(
            r#"[{"id":"ca","kind":"competent_authority","country":"XA","name":"CA"}]"#,
            "[]",
            r#"{"ask":"due","at":"2025-01-03T00:00:00Z"}"#,
        );
        f.facts = Some(
            json!({"format": "wastetrail-facts/1", "countries": {"XA": {"basel_party": [{"from": "2020-13-01", "value": true, "source": "x"}]}}}),
        );
        let err = evaluate(&f).unwrap_err();
        let fault = err.downcast_ref::<Fault>().unwrap();
        assert!(
            fault.path.starts_with("facts.countries.XA.basel_party[0]"),
            "{fault}"
        );
    }
}

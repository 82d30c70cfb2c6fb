//! Rendering of `check` reports: plain words for people, JSON for programs.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::json;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::case_file::{Fault, Question};

/// One legal ground: a rule ID of the rules engine, its citation and what it found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ground {
    /// Rule ID, e.g. `PIC-07` or `BAN-06`.
    pub rule: String,
    /// Legal citation, e.g. `Basel Art. 6(4), sentence 3`.
    pub citation: String,
    /// What the rule found in this case, in plain words.
    pub message: String,
    /// How the check came out: `met`, `blocks`, `prohibits` or `refuses`.
    pub outcome: &'static str,
    /// True when the check rests on a fact the law data does not know (treated conservatively).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unknown_fact: bool,
}

/// Something a participant or State must do, with its legal basis and due date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObligationLine {
    /// What kind of duty (`confirm_receipt`, `reimport`, ...).
    pub kind: String,
    /// Rule ID.
    pub rule: String,
    /// Legal citation.
    pub citation: String,
    /// What must be done, in plain words.
    pub message: String,
    /// Who must act (participant id), when known.
    pub party: Option<String>,
    /// The shipment concerned, if any.
    pub shipment: Option<u32>,
    /// Due date (`YYYY-MM-DD`), if the rules set one.
    pub due: Option<String>,
    /// True when the due date has passed at the question's time.
    pub overdue: bool,
}

/// The answer to the file's question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The shipment may start.
    MayStart,
    /// The shipment may not start: it must wait (`prohibited == false`) or it is prohibited.
    MayNotStart {
        /// True when a prohibition applies, false when something is only missing.
        prohibited: bool,
    },
    /// A statement of the file was refused; the case cannot be evaluated past it.
    Refused {
        /// Index of the statement in the file's `statements` list (0-based).
        index: usize,
        /// Its type.
        kind: String,
        /// Its actor.
        actor: String,
        /// Its time.
        at: OffsetDateTime,
    },
    /// What is due at the question's time.
    Due,
}

/// The outcome of checking one case file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The file's title, if any.
    pub title: Option<String>,
    /// The case (notification number).
    pub case: String,
    /// The question asked.
    pub question: Question,
    /// The answer.
    pub answer: Answer,
    /// The rule the answer rests on, with one plain sentence (none for a "due" question).
    pub decisive: Option<Ground>,
    /// The grounds of the answer: every check met when the shipment may start, the checks
    /// not met when it may not, the refusal when a statement was refused; empty for "due".
    pub grounds: Vec<Ground>,
    /// Every check the rules made (for "may start" questions answered after all statements).
    pub checks: Vec<Ground>,
    /// Obligations open at the question's time (for every kind of question).
    pub obligations: Vec<ObligationLine>,
    /// Number of statements applied without refusal.
    pub applied: usize,
    /// Version of the law data the answer was computed with.
    pub data_version: String,
}

impl Report {
    /// True when the command should exit 0: the shipment may start, or the "what is due"
    /// question was answered.
    pub fn is_affirmative(&self) -> bool {
        matches!(self.answer, Answer::MayStart | Answer::Due)
    }

    /// The verdict kind as a stable word for JSON and tests.
    pub fn verdict(&self) -> &'static str {
        match self.answer {
            Answer::MayStart => "may_start",
            Answer::MayNotStart { .. } => "may_not_start",
            Answer::Refused { .. } => "statement_refused",
            Answer::Due => "due",
        }
    }

    /// The rule IDs of the answer, in order, without repeats: the grounds' rules, or for a
    /// "due" question the obligations' rules.
    pub fn rule_ids(&self) -> Vec<String> {
        let rules: Vec<&str> = match self.answer {
            Answer::Due => self.obligations.iter().map(|o| o.rule.as_str()).collect(),
            _ => self.grounds.iter().map(|g| g.rule.as_str()).collect(),
        };
        let mut ids: Vec<String> = Vec::new();
        for id in rules {
            if !ids.iter().any(|known| known == id) {
                ids.push(id.to_string());
            }
        }
        ids
    }
}

fn rfc3339(at: OffsetDateTime) -> String {
    // Formatting a UTC time as RFC 3339 only fails for years outside 0..=9999, which the
    // parser never produces; fall back to the Debug form rather than panic.
    at.format(&Rfc3339).unwrap_or_else(|_| format!("{at:?}"))
}

fn question_json(question: &Question) -> serde_json::Value {
    match question {
        Question::MayStart { shipment, at } => {
            json!({"ask": "may_start", "shipment": shipment, "at": rfc3339(*at)})
        }
        Question::Due { at } => json!({"ask": "due", "at": rfc3339(*at)}),
    }
}

fn question_words(question: &Question) -> String {
    match question {
        Question::MayStart { shipment, at } => {
            format!("may shipment {shipment} start at {}?", rfc3339(*at))
        }
        Question::Due { at } => format!("what is due at {}?", rfc3339(*at)),
    }
}

/// The one-line answer in plain words.
pub fn answer_words(report: &Report) -> String {
    let shipment_at = match report.question {
        Question::MayStart { shipment, at } => Some((shipment, at)),
        Question::Due { .. } => None,
    };
    match (&report.answer, shipment_at) {
        (Answer::MayStart, Some((shipment, at))) => {
            format!("YES: shipment {shipment} may start at {}.", rfc3339(at))
        }
        (Answer::MayNotStart { prohibited: true }, Some((shipment, at))) => format!(
            "NO: shipment {shipment} may not start at {}; the movement is prohibited.",
            rfc3339(at)
        ),
        (Answer::MayNotStart { prohibited: false }, Some((shipment, at))) => format!(
            "NO: shipment {shipment} may not start at {}; something is still missing.",
            rfc3339(at)
        ),
        (
            Answer::Refused {
                index,
                kind,
                actor,
                at,
            },
            _,
        ) => format!(
            "NO: statements[{index}] ({kind} by {actor} at {}) was refused, so the case cannot go on.",
            rfc3339(*at)
        ),
        _ => {
            let at = rfc3339(report.question.at());
            match report.obligations.len() {
                0 => format!("nothing is due at {at}."),
                1 => format!("1 obligation is open at {at}."),
                n => format!("{n} obligations are open at {at}."),
            }
        }
    }
}

fn write_ground(out: &mut String, g: &Ground) {
    let unknown = if g.unknown_fact {
        " [rests on an unknown fact]"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "  - {} ({}): {}{unknown}",
        g.rule, g.citation, g.message
    );
}

/// The report in plain words.
pub fn report_plain(report: &Report) -> String {
    let mut out = String::new();
    if let Some(title) = &report.title {
        let _ = writeln!(out, "Case {}: {title}", report.case);
    } else {
        let _ = writeln!(out, "Case {}", report.case);
    }
    let _ = writeln!(out, "Question: {}", question_words(&report.question));
    let _ = writeln!(out, "Answer: {}", answer_words(report));
    if let Some(d) = &report.decisive {
        let _ = writeln!(out, "Rule: {} ({}): {}", d.rule, d.citation, d.message);
    }
    if !report.grounds.is_empty() {
        let heading = match report.answer {
            Answer::MayStart => "Checks met:",
            _ => "Because:",
        };
        let _ = writeln!(out, "{heading}");
        for g in &report.grounds {
            write_ground(&mut out, g);
        }
    }
    if !report.obligations.is_empty() {
        let _ = writeln!(out, "Open obligations:");
        for o in &report.obligations {
            let due = match (&o.due, o.overdue) {
                (Some(due), true) => format!("was due {due}, OVERDUE"),
                (Some(due), false) => format!("due {due}"),
                (None, _) => "no fixed date".to_string(),
            };
            let who = o
                .party
                .as_deref()
                .map_or_else(String::new, |p| format!(" [{p}]"));
            let _ = writeln!(
                out,
                "  - {} ({}): {}{who} ({due})",
                o.rule, o.citation, o.message
            );
        }
    }
    let _ = writeln!(
        out,
        "({} statement(s) applied; law data {})",
        report.applied, report.data_version
    );
    out
}

/// The report as a JSON document (one line, then a newline).
pub fn report_json(report: &Report) -> String {
    let mut doc = json!({
        "verdict": report.verdict(),
        "case": report.case,
        "question": question_json(&report.question),
        "answer": answer_words(report),
        "rules": report.rule_ids(),
        "grounds": report.grounds,
        "obligations": report.obligations,
        "applied": report.applied,
        "data_version": report.data_version,
    });
    if let Some(obj) = doc.as_object_mut() {
        if let Some(title) = &report.title {
            obj.insert("title".into(), json!(title));
        }
        if let Some(d) = &report.decisive {
            obj.insert("rule".into(), json!(d.rule));
            obj.insert("citation".into(), json!(d.citation));
            obj.insert("message".into(), json!(d.message));
        }
        match &report.answer {
            Answer::MayNotStart { prohibited } => {
                let decision = if *prohibited { "prohibited" } else { "blocked" };
                obj.insert("decision".into(), json!(decision));
            }
            Answer::Refused {
                index,
                kind,
                actor,
                at,
            } => {
                obj.insert(
                    "refused_statement".into(),
                    json!({"index": index, "type": kind, "actor": actor, "at": rfc3339(*at)}),
                );
            }
            Answer::MayStart | Answer::Due => {}
        }
        if !report.checks.is_empty() {
            obj.insert("checks".into(), json!(report.checks));
        }
    }
    format!("{doc}\n")
}

/// The JSON document printed on standard output for an invalid case file with `--json`.
pub fn invalid_json(err: &anyhow::Error) -> String {
    let fault = err.downcast_ref::<Fault>();
    let doc = json!({
        "verdict": "invalid",
        "path": fault.map(|f| f.path.as_str()),
        "message": fault.map_or_else(|| format!("{err:#}"), |f| f.message.clone()),
        "line": fault.and_then(|f| f.position.map(|p| p.0)),
        "column": fault.and_then(|f| f.position.map(|p| p.1)),
        "error": format!("{err:#}"),
    });
    format!("{doc}\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn ground(rule: &str, outcome: &'static str) -> Ground {
        Ground {
            rule: rule.into(),
            citation: format!("Basel Art. for {rule}"),
            message: format!("found {rule}"),
            outcome,
            unknown_fact: false,
        }
    }

    fn report(answer: Answer, question: Question, grounds: Vec<Ground>) -> Report {
        Report {
            title: Some("t".into()),
            case: "XA-1".into(),
            question,
            answer,
            decisive: grounds.first().cloned(),
            grounds,
            checks: Vec::new(),
            obligations: vec![ObligationLine {
                kind: "confirm_receipt".into(),
                rule: "PIC-14".into(),
                citation: "Basel Art. 6(9), sentence 2".into(),
                message: "The disposer must confirm receipt.".into(),
                party: Some("disp".into()),
                shipment: Some(1),
                due: Some("2025-03-04".into()),
                overdue: true,
            }],
            applied: 3,
            data_version: "v1".into(),
        }
    }

    #[test]
    fn plain_words_name_rules_and_citations() {
        let r = report(
            Answer::MayNotStart { prohibited: false },
            Question::MayStart {
                shipment: 2,
                at: datetime!(2025-03-01 08:00 UTC),
            },
            vec![ground("PIC-07", "blocks"), ground("BAN-06", "prohibits")],
        );
        let text = report_plain(&r);
        assert!(text.contains("NO: shipment 2 may not start at 2025-03-01T08:00:00Z;"));
        assert!(text.contains("  - PIC-07 (Basel Art. for PIC-07): found PIC-07"));
        assert!(text.contains("Rule: PIC-07 (Basel Art. for PIC-07)"));
        assert!(text.contains(
            "PIC-14 (Basel Art. 6(9), sentence 2): The disposer must confirm receipt. [disp] (was due 2025-03-04, OVERDUE)"
        ));
        assert!(!r.is_affirmative());
        assert_eq!(r.rule_ids(), vec!["PIC-07", "BAN-06"]);
    }

    #[test]
    fn json_report_has_verdict_rules_and_refused_index() {
        let r = report(
            Answer::Refused {
                index: 4,
                kind: "movement.started".into(),
                actor: "exp".into(),
                at: datetime!(2025-03-01 08:00 UTC),
            },
            Question::Due {
                at: datetime!(2025-03-02 00:00 UTC),
            },
            vec![ground("PIC-05", "refuses")],
        );
        let doc: serde_json::Value = serde_json::from_str(&report_json(&r)).unwrap();
        assert_eq!(doc["verdict"], "statement_refused");
        assert_eq!(doc["rules"], json!(["PIC-05"]));
        assert_eq!(doc["rule"], "PIC-05");
        assert_eq!(doc["refused_statement"]["index"], 4);
        assert_eq!(doc["question"]["ask"], "due");
        assert_eq!(doc["obligations"][0]["rule"], "PIC-14");
        assert_eq!(doc["obligations"][0]["due"], "2025-03-04");
    }

    #[test]
    fn due_answer_counts_obligations_and_is_affirmative() {
        let r = report(
            Answer::Due,
            Question::Due {
                at: datetime!(2025-03-02 00:00 UTC),
            },
            Vec::new(),
        );
        assert!(r.is_affirmative());
        assert_eq!(
            answer_words(&r),
            "1 obligation is open at 2025-03-02T00:00:00Z."
        );
        assert_eq!(r.rule_ids(), vec!["PIC-14"]);
    }

    #[test]
    fn invalid_json_carries_the_path() {
        let err = anyhow::Error::new(Fault::at(
            "statements[3].body.quantity_kg",
            "expected an integer",
        ))
        .context("checking x.json");
        let doc: serde_json::Value = serde_json::from_str(&invalid_json(&err)).unwrap();
        assert_eq!(doc["verdict"], "invalid");
        assert_eq!(doc["path"], "statements[3].body.quantity_kg");
        assert_eq!(doc["message"], "expected an integer");
    }
}

//! The case-file envelope: JSON parsing with the JSON path of every fault.
//!
//! This module checks the shape of the file (fields, types, times, participant references). The
//! meaning of the statement bodies, the participants and the country facts is checked by
//! `wastetrail-basel` (see `check.rs`), whose faults are reported with the same kind of path.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde_json::Value;
use time::OffsetDateTime;

/// The format name a case file may declare in its `format` field.
pub const FORMAT: &str = "wastetrail-case/1";

/// A fault in a case file, located by its JSON path (e.g. `statements[3].body.quantity_kg`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// JSON path of the faulty value; empty for the document as a whole.
    pub path: String,
    /// What is wrong, in plain words.
    pub message: String,
    /// Line and column (1-based) in the file, when the JSON parser knows them.
    pub position: Option<(usize, usize)>,
}

impl Fault {
    /// A fault at `path`.
    pub fn at(path: impl Into<String>, message: impl Into<String>) -> Self {
        Fault {
            path: path.into(),
            message: message.into(),
            position: None,
        }
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)?;
        } else {
            write!(f, "{}: {}", self.path, self.message)?;
        }
        if let Some((line, column)) = self.position {
            write!(f, " (line {line}, column {column})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Fault {}

/// One participant of the case, as written in the file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawParticipant {
    /// Identifier used by statements (`actor`) and bodies to name this participant.
    pub id: String,
    /// Participant kind, e.g. `exporter` or `competent_authority`.
    pub kind: String,
    /// Country (ISO 3166-1 alpha-2 or a user-assigned code for fictional countries).
    pub country: String,
    /// Name of the participant.
    pub name: String,
    /// Address, if given.
    #[serde(default)]
    pub address: Option<String>,
}

/// One statement of the case, as written in the file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStatement {
    /// Statement type, e.g. `notification.submitted`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Id of the participant who makes the statement.
    pub actor: String,
    /// When the statement was made (RFC 3339).
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The statement body; its shape depends on `type`.
    pub body: Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    ask: Ask,
    #[serde(default)]
    shipment: Option<u32>,
    #[serde(with = "time::serde::rfc3339")]
    at: OffsetDateTime,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Ask {
    MayStart,
    Due,
}

/// The question a case file asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Question {
    /// "May shipment `shipment` start at `at`?"
    MayStart {
        /// Shipment number (1-based) under the notification.
        shipment: u32,
        /// Intended start of the movement.
        at: OffsetDateTime,
    },
    /// "What is due at `at`?"
    Due {
        /// The time at which obligations are evaluated.
        at: OffsetDateTime,
    },
}

impl Question {
    /// The time the question is asked about.
    pub fn at(&self) -> OffsetDateTime {
        match self {
            Question::MayStart { at, .. } | Question::Due { at } => *at,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCaseFile {
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    title: Option<String>,
    case: String,
    #[serde(default)]
    facts: Option<Value>,
    participants: Vec<RawParticipant>,
    statements: Vec<RawStatement>,
    question: RawQuestion,
}

/// A case file whose envelope is well formed: participant ids are unique, every statement's
/// actor is a participant, statement times do not go backwards, and the question is complete.
#[derive(Debug, Clone)]
pub struct CaseFile {
    /// Free-text title, if any.
    pub title: Option<String>,
    /// The case: its notification number.
    pub case: String,
    /// Country-fact overrides, passed as they are to the facts of `wastetrail-basel`.
    pub facts: Option<Value>,
    /// The participants, in file order.
    pub participants: Vec<RawParticipant>,
    /// The statements, in file order (which is the order they are applied in).
    pub statements: Vec<RawStatement>,
    /// The question.
    pub question: Question,
}

impl CaseFile {
    /// Parses and checks the envelope of a case file.
    pub fn parse(text: &str) -> Result<CaseFile, Fault> {
        let mut de = serde_json::Deserializer::from_str(text);
        let raw: RawCaseFile =
            serde_path_to_error::deserialize(&mut de).map_err(|err| json_fault(&err))?;
        de.end().map_err(|err| serde_fault(String::new(), &err))?;
        check_envelope(raw)
    }
}

fn check_envelope(raw: RawCaseFile) -> Result<CaseFile, Fault> {
    if let Some(format) = &raw.format
        && format != FORMAT
    {
        return Err(Fault::at(
            "format",
            format!("unknown format {format:?}, expected {FORMAT:?}"),
        ));
    }
    if raw.case.trim().is_empty() {
        return Err(Fault::at("case", "must not be empty"));
    }
    let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, p) in raw.participants.iter().enumerate() {
        if p.id.trim().is_empty() {
            return Err(Fault::at(
                format!("participants[{i}].id"),
                "must not be empty",
            ));
        }
        if let Some(first) = ids.insert(p.id.as_str(), i) {
            return Err(Fault::at(
                format!("participants[{i}].id"),
                format!(
                    "duplicate participant id {:?} (already used by participants[{first}])",
                    p.id
                ),
            ));
        }
    }
    let mut previous: Option<OffsetDateTime> = None;
    for (i, s) in raw.statements.iter().enumerate() {
        if !ids.contains_key(s.actor.as_str()) {
            return Err(Fault::at(
                format!("statements[{i}].actor"),
                format!("unknown participant {:?}", s.actor),
            ));
        }
        if let Some(prev) = previous
            && s.at < prev
        {
            return Err(Fault::at(
                format!("statements[{i}].at"),
                format!(
                    "statements must be in time order, but this one is earlier than statements[{}]",
                    i.saturating_sub(1)
                ),
            ));
        }
        previous = Some(s.at);
    }
    if let Some((last, s)) = raw.statements.iter().enumerate().next_back()
        && raw.question.at < s.at
    {
        return Err(Fault::at(
            "question.at",
            format!(
                "the question is asked before statements[{last}] was filed; ask it at or after the last statement's time"
            ),
        ));
    }
    let question = match (raw.question.ask, raw.question.shipment) {
        (Ask::MayStart, Some(0)) => {
            return Err(Fault::at(
                "question.shipment",
                "shipment numbers start at 1",
            ));
        }
        (Ask::MayStart, Some(shipment)) => Question::MayStart {
            shipment,
            at: raw.question.at.to_offset(time::UtcOffset::UTC),
        },
        (Ask::MayStart, None) => {
            return Err(Fault::at(
                "question.shipment",
                "missing: a \"may_start\" question names the shipment number",
            ));
        }
        (Ask::Due, None) => Question::Due {
            at: raw.question.at.to_offset(time::UtcOffset::UTC),
        },
        (Ask::Due, Some(_)) => {
            return Err(Fault::at(
                "question.shipment",
                "a \"due\" question is about the whole case and takes no shipment number",
            ));
        }
    };
    let statements = raw
        .statements
        .into_iter()
        .map(|mut s| {
            s.at = s.at.to_offset(time::UtcOffset::UTC);
            s
        })
        .collect();
    Ok(CaseFile {
        title: raw.title,
        case: raw.case,
        facts: raw.facts,
        participants: raw.participants,
        statements,
        question,
    })
}

/// Turns a located serde_json error into a fault with its JSON path.
fn json_fault(err: &serde_path_to_error::Error<serde_json::Error>) -> Fault {
    // serde_path_to_error writes `?` for a map key it has not read yet (a syntax error
    // inside an object); the fault is then in the enclosing value.
    let path = err.path().to_string();
    let path = path.strip_suffix(".?").unwrap_or(&path);
    let path = if path == "." || path == "?" {
        String::new()
    } else {
        path.to_string()
    };
    serde_fault(path, err.inner())
}

/// Builds a fault from a serde_json error, moving its "at line L column C" suffix into
/// `position` and rephrasing the type errors people meet most.
pub fn serde_fault(path: String, err: &serde_json::Error) -> Fault {
    let full = err.to_string();
    let position = (err.line() > 0).then(|| (err.line(), err.column()));
    let message = match full.rfind(" at line ") {
        Some(cut) if position.is_some() => full.get(..cut).unwrap_or(&full).to_string(),
        _ => full,
    };
    Fault {
        path,
        message: plain_type_error(&message),
        position,
    }
}

/// serde says "invalid type: floating point `2.5`, expected u64"; say "expected an integer,
/// found the number 2.5" instead, keeping other messages as they are.
fn plain_type_error(message: &str) -> String {
    let Some(rest) = message.strip_prefix("invalid type: ") else {
        return message.to_string();
    };
    let Some((found, expected)) = rest.split_once(", expected ") else {
        return message.to_string();
    };
    let expected = match expected {
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "a non-negative integer",
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "an integer",
        "a string" | "a sequence" | "a boolean" => expected,
        other => other,
    };
    let found = found
        .replace("floating point", "the number")
        .replace('`', "");
    format!("expected {expected}, found {found}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minimal(question: &str) -> String {
        format!(
            r#"{{"case":"XA-1","participants":[{{"id":"exp","kind":"exporter","country":"XA","name":"E"}}],
               "statements":[{{"type":"notification.submitted","actor":"exp","at":"2025-01-02T10:00:00+01:00","body":{{}}}}],
               "question":{question}}}"#
        )
    }

    #[test]
    fn parses_a_minimal_file_and_normalises_times_to_utc() {
        let file = CaseFile::parse(&minimal(
            r#"{"ask":"may_start","shipment":1,"at":"2025-02-01T00:00:00Z"}"#,
        ))
        .unwrap();
        assert_eq!(file.participants.len(), 1);
        let at = file.statements[0].at;
        assert_eq!(at.offset(), time::UtcOffset::UTC);
        assert_eq!(at.hour(), 9);
        assert!(matches!(
            file.question,
            Question::MayStart { shipment: 1, .. }
        ));
    }

    #[test]
    fn float_shipment_number_names_the_path() {
        let err = CaseFile::parse(&minimal(
            r#"{"ask":"may_start","shipment":1.5,"at":"2025-02-01T00:00:00Z"}"#,
        ))
        .unwrap_err();
        assert_eq!(err.path, "question.shipment");
        assert!(
            err.message
                .starts_with("expected a non-negative integer, found the number 1.5"),
            "{err}"
        );
    }

    #[test]
    fn wrong_type_inside_a_list_names_the_index() {
        let text = r#"{"case":"XA-1","participants":[{"id":"a","kind":"exporter","country":"XA","name":"A"},
                       {"id":"b","kind":"importer","country":7,"name":"B"}],
                      "statements":[],"question":{"ask":"due","at":"2025-02-01T00:00:00Z"}}"#;
        let err = CaseFile::parse(text).unwrap_err();
        assert_eq!(err.path, "participants[1].country");
        assert!(err.position.is_some());
    }

    #[test]
    fn unknown_actor_is_a_fault() {
        let text = minimal(r#"{"ask":"due","at":"2025-02-01T00:00:00Z"}"#)
            .replace(r#""actor":"exp""#, r#""actor":"nobody""#);
        let err = CaseFile::parse(&text).unwrap_err();
        assert_eq!(err.path, "statements[0].actor");
        assert!(err.message.contains("nobody"));
    }

    #[test]
    fn question_shape_is_checked() {
        let err = CaseFile::parse(&minimal(
            r#"{"ask":"may_start","at":"2025-02-01T00:00:00Z"}"#,
        ))
        .unwrap_err();
        assert_eq!(err.path, "question.shipment");
        let err = CaseFile::parse(&minimal(
            r#"{"ask":"due","shipment":2,"at":"2025-02-01T00:00:00Z"}"#,
        ))
        .unwrap_err();
        assert_eq!(err.path, "question.shipment");
        let err =
            CaseFile::parse(&minimal(r#"{"ask":"why","at":"2025-02-01T00:00:00Z"}"#)).unwrap_err();
        assert_eq!(err.path, "question.ask");
    }

    #[test]
    fn statements_must_not_go_back_in_time() {
        let text = r#"{"case":"XA-1","participants":[{"id":"a","kind":"exporter","country":"XA","name":"A"}],
            "statements":[
              {"type":"t","actor":"a","at":"2025-01-02T00:00:00Z","body":{}},
              {"type":"t","actor":"a","at":"2025-01-01T00:00:00Z","body":{}}],
            "question":{"ask":"due","at":"2025-02-01T00:00:00Z"}}"#;
        let err = CaseFile::parse(text).unwrap_err();
        assert_eq!(err.path, "statements[1].at");
    }

    #[test]
    fn duplicate_ids_and_trailing_garbage_are_faults() {
        let text = r#"{"case":"XA-1","participants":[{"id":"a","kind":"exporter","country":"XA","name":"A"},
                                        {"id":"a","kind":"importer","country":"XB","name":"B"}],
                      "statements":[],"question":{"ask":"due","at":"2025-02-01T00:00:00Z"}}"#;
        assert_eq!(
            CaseFile::parse(text).unwrap_err().path,
            "participants[1].id"
        );
        let ok = minimal(r#"{"ask":"due","at":"2025-02-01T00:00:00Z"}"#);
        let err = CaseFile::parse(&format!("{ok} x")).unwrap_err();
        assert_eq!(err.path, "");
        assert!(err.position.is_some());
    }

    #[test]
    fn a_question_before_the_last_statement_is_a_fault() {
        let err =
            CaseFile::parse(&minimal(r#"{"ask":"due","at":"2025-01-02T08:59:59Z"}"#)).unwrap_err();
        assert_eq!(err.path, "question.at");
        assert!(err.message.contains("statements[0]"), "{err}");
        // The same instant, written with another offset, is not before it.
        assert!(CaseFile::parse(&minimal(r#"{"ask":"due","at":"2025-01-02T09:00:00Z"}"#)).is_ok());
    }

    #[test]
    fn bad_time_names_the_path() {
        let err = CaseFile::parse(&minimal(r#"{"ask":"due","at":"yesterday"}"#)).unwrap_err();
        assert_eq!(err.path, "question.at");
    }
}

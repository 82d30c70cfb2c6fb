//! A filing: what the rules see of a signed statement (the signature is the ledger's business).

use serde::Serialize;
use serde_json::Value;
use time::OffsetDateTime;

use crate::body::StatementType;

/// The parts of a statement the rules need: type, case, actor, time and the raw JSON body.
///
/// The envelope's `key`, `prev` and signature are checked by the ledger and the server before the
/// rules run; the rules read the body themselves so that every wrong field can be reported.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Filing {
    /// The statement type.
    #[serde(rename = "type")]
    pub kind: StatementType,
    /// The case (notification number). Registry statements use any value (e.g. `registry`).
    pub case: String,
    /// The filer's participant id.
    pub actor: String,
    /// When the filer says it signed.
    #[serde(with = "time::serde::rfc3339")]
    pub issued_at: OffsetDateTime,
    /// The body, as JSON.
    pub body: Value,
}

impl Filing {
    /// A filing.
    pub fn new(
        kind: StatementType,
        case: impl Into<String>,
        actor: impl Into<String>,
        issued_at: OffsetDateTime,
        body: Value,
    ) -> Filing {
        Filing {
            kind,
            case: case.into(),
            actor: actor.into(),
            issued_at,
            body,
        }
    }
}

//! Errors as RFC 9457 problem details (`application/problem+json`) with a stable `code`.
//!
//! [`Problem`] is the one declaration of the wire type: the server serializes it and clients
//! (the `wastetrail` CLI, the load generator) deserialize it.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use wastetrail_basel::{FieldError, Refusal, RuleId};

/// The media type of problem details.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// A field error of a refused statement body.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ProblemFieldError {
    /// JSON path of the field, e.g. `$.quantity.total_kg`.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

// Reading a problem is lenient about what a client does not need: the members the server
// always sends but another server's problem might lack (`type`, `title`, `status`, `detail`,
// `code`) default to empty; a client takes the status from the HTTP answer and treats a
// problem without `code` as an unexpected answer. (A `///` comment here would go into the
// OpenAPI description.)
/// An RFC 9457 problem details object.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    /// `urn:wastetrail:problem:<code>`.
    #[serde(rename = "type", default)]
    #[schema(required = true)]
    pub kind: String,
    /// Short summary of the problem type.
    #[serde(default)]
    #[schema(required = true)]
    pub title: String,
    /// The HTTP status.
    #[serde(default)]
    #[schema(required = true)]
    pub status: u16,
    /// Plain-words explanation of this occurrence.
    #[serde(default)]
    #[schema(required = true)]
    pub detail: String,
    /// Stable machine-readable code (see `docs/api.md`).
    #[serde(default)]
    #[schema(required = true)]
    pub code: String,
    /// Rule ID of a rule refusal (e.g. `BAN-02`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_id: Option<String>,
    /// Legal citation of a rule refusal (e.g. `Basel Art. 6(3)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citation: Option<String>,
    /// Field errors of a refused body.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemFieldError>,
    /// The case's current head (leaf hash, lowercase hex; `null` for a case with no entry) on a
    /// `stale_prev` conflict.
    #[serde(
        default,
        deserialize_with = "null_is_present",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    pub head: Option<Option<String>>,
    /// Seconds to wait before retrying (429, 503).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

/// Reads a member that may be `null`: absent is `None` (by `default`), `null` is `Some(None)`.
fn null_is_present<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

impl std::fmt::Display for Problem {
    /// `STATUS CODE: detail [rule ID, citation]; path: message ...`
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status, self.code, self.detail)?;
        if let Some(r) = &self.rule_id {
            write!(f, " [rule {r}")?;
            if let Some(c) = &self.citation {
                write!(f, ", {c}")?;
            }
            write!(f, "]")?;
        }
        for e in &self.errors {
            write!(f, "; {}: {}", e.path, e.message)?;
        }
        Ok(())
    }
}

/// An API error, rendered as a [`Problem`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{status} {code}: {}", .more.detail)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    more: Box<Details>,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
struct Details {
    detail: String,
    rule_id: Option<String>,
    citation: Option<String>,
    errors: Vec<ProblemFieldError>,
    head: Option<Option<String>>,
    retry_after: Option<u64>,
    allow: Option<String>,
}

impl ApiError {
    /// An error with a status, a stable code and a message.
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            more: Box::new(Details {
                detail: detail.into(),
                ..Details::default()
            }),
        }
    }

    /// 400 with `code`.
    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, detail)
    }

    /// 401 `unauthenticated`.
    pub fn unauthenticated(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthenticated", detail)
    }

    /// 404 `not_found`.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", detail)
    }

    /// 500 `internal` (the detail is logged, not shown).
    pub fn internal(err: impl std::fmt::Display) -> Self {
        tracing::error!(error = %err, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "The server failed to answer; the request may be retried.",
        )
    }

    /// 422 `rule_violation` from a rules refusal (rule ID, citation, field errors).
    pub fn refusal(r: &Refusal) -> Self {
        let mut e = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "rule_violation",
            r.message.clone(),
        );
        e.more.rule_id = Some(r.rule_id.as_str().to_owned());
        e.more.citation = Some(r.citation.to_owned());
        e.more.errors = r.errors.iter().map(field_error).collect();
        e
    }

    /// 422 `rule_violation` naming a rule (for checks the server makes itself).
    pub fn rule(rule: RuleId, detail: impl Into<String>) -> Self {
        let mut e = Self::new(StatusCode::UNPROCESSABLE_ENTITY, "rule_violation", detail);
        e.more.rule_id = Some(rule.as_str().to_owned());
        e.more.citation = Some(rule.citation().to_owned());
        e
    }

    /// 409 `stale_prev` with the case's current head.
    pub fn stale_prev(head: Option<String>) -> Self {
        let mut e = Self::new(
            StatusCode::CONFLICT,
            "stale_prev",
            "The statement's prev is not the case's current head; fetch the case, re-sign on top of the head and submit again.",
        );
        e.more.head = Some(head);
        e
    }

    /// 409 `stale_prev` for a case the caller may not see: says no more than that `prev` is
    /// not the head of a case the caller may see (neither the head nor whether the case
    /// exists).
    pub fn stale_prev_hidden() -> Self {
        Self::new(
            StatusCode::CONFLICT,
            "stale_prev",
            "The statement's prev is not the head of a case you may see; a case id that is already in use by a case you may not see is refused the same way.",
        )
    }

    /// 422 `invalid_personal_data`: a disclosed personal value (a contact person) is malformed;
    /// every fault with its path.
    pub fn invalid_personal(errors: &[FieldError]) -> Self {
        let mut e = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_personal_data",
            "A contact person in the disclosure is malformed (see errors).",
        );
        e.more.errors = errors.iter().map(field_error).collect();
        e
    }

    /// Adds a retry hint (seconds).
    pub fn with_retry_after(mut self, secs: u64) -> Self {
        self.more.retry_after = Some(secs);
        self
    }

    /// 405 `method_not_allowed` with the `Allow` header (`allow`: e.g. `GET, HEAD`).
    pub fn method_not_allowed(allow: impl Into<String>) -> Self {
        let allow = allow.into();
        let mut e = Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            format!("This resource does not support the request method; allowed: {allow}."),
        );
        e.more.allow = Some(allow);
        e
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The stable code.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The problem object.
    pub fn problem(&self) -> Problem {
        Problem {
            kind: format!("urn:wastetrail:problem:{}", self.code),
            title: self.status.canonical_reason().unwrap_or("Error").to_owned(),
            status: self.status.as_u16(),
            detail: self.more.detail.clone(),
            code: self.code.to_owned(),
            rule_id: self.more.rule_id.clone(),
            citation: self.more.citation.clone(),
            errors: self.more.errors.clone(),
            head: self.more.head.clone(),
            retry_after: self.more.retry_after,
        }
    }
}

fn field_error(f: &FieldError) -> ProblemFieldError {
    ProblemFieldError {
        path: f.path.clone(),
        message: f.message.clone(),
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut b = HttpResponse::build(self.status);
        b.content_type(PROBLEM_JSON);
        if let Some(s) = self.more.retry_after {
            b.insert_header(("Retry-After", s.to_string()));
        }
        if let Some(a) = &self.more.allow {
            b.insert_header(("Allow", a.as_str()));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            b.insert_header(("WWW-Authenticate", "Bearer"));
        }
        b.body(serde_json::to_string(&self.problem()).unwrap_or_default())
    }
}

impl From<wastetrail_store::StoreError> for ApiError {
    fn from(e: wastetrail_store::StoreError) -> Self {
        use wastetrail_store::StoreError as S;
        match &e {
            S::QueueFull { .. } => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "overloaded",
                "The log's append queue is full; retry shortly.",
            )
            .with_retry_after(1),
            S::BeyondTree { .. } | S::Proof(_) => Self::bad_request("invalid_range", e.to_string()),
            S::LeafNotFound { .. } => Self::not_found(e.to_string()),
            S::TileNotAvailable { .. } => Self::not_found(e.to_string()),
            S::TilePath(_) => Self::not_found(e.to_string()),
            S::EntryTooLarge { .. } => Self::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                e.to_string(),
            ),
            _ => Self::internal(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_head_null_and_absent_differ() {
        let p: Problem =
            serde_json::from_str(r#"{"status":409,"code":"stale_prev","detail":"x","head":null}"#)
                .unwrap();
        assert_eq!(p.head, Some(None));
        let p: Problem =
            serde_json::from_str(r#"{"status":409,"code":"stale_prev","detail":"x"}"#).unwrap();
        assert_eq!(p.head, None);
        let p: Problem =
            serde_json::from_str(r#"{"status":422,"code":"rule_violation","detail":"no","rule_id":"BAN-02","citation":"Basel Art. 6(3)"}"#)
                .unwrap();
        assert_eq!(
            p.to_string(),
            "422 rule_violation: no [rule BAN-02, Basel Art. 6(3)]"
        );
    }

    #[test]
    fn a_problem_reads_back_as_it_was_sent() {
        let mut e = ApiError::stale_prev(None);
        let sent = e.problem();
        let back: Problem = serde_json::from_str(&serde_json::to_string(&sent).unwrap()).unwrap();
        assert_eq!(back, sent);
        assert_eq!(back.head, Some(None));
        e = ApiError::bad_request("malformed_body", "no").with_retry_after(3);
        let sent = e.problem();
        let back: Problem = serde_json::from_str(&serde_json::to_string(&sent).unwrap()).unwrap();
        assert_eq!(back, sent);
        assert_eq!(back.to_string(), "400 malformed_body: no");
    }
}

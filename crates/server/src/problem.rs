//! Errors as RFC 9457 problem details (`application/problem+json`) with a stable `code`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;
use wastetrail_basel::{FieldError, Refusal, RuleId};

/// The media type of problem details.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// A field error of a refused statement body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct ProblemFieldError {
    /// JSON path of the field, e.g. `$.quantity.total_kg`.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

/// An RFC 9457 problem details object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Problem {
    /// `urn:wastetrail:problem:<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short summary of the problem type.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// Plain-words explanation of this occurrence.
    pub detail: String,
    /// Stable machine-readable code (see `docs/api.md`).
    pub code: String,
    /// Rule ID of a rule refusal (e.g. `BAN-02`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_id: Option<String>,
    /// Legal citation of a rule refusal (e.g. `Basel Art. 6(3)`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citation: Option<String>,
    /// Field errors of a refused body.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemFieldError>,
    /// The case's current head (leaf hash, lowercase hex; `null` for a case with no entry) on a
    /// `stale_prev` conflict.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub head: Option<Option<String>>,
    /// Seconds to wait before retrying (429, 503).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
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

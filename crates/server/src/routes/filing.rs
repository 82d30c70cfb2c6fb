//! `POST /api/v1/statements`: the append path.

use std::time::Instant;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use wastetrail_basel::REGISTRY_CASE;
use wastetrail_ledger::merkle::Hash;
use wastetrail_ledger::statement::{Leaf, SignedStatement, StatementError, Submission, Timestamp};
use wastetrail_store::LedgerStore;
use wastetrail_verify::{Effect, Refusal};

use crate::ledger_writer::{AppendRequest, Precondition, ProjectionWrite, WriteError};
use crate::problem::{ApiError, Problem};
use crate::routes::public::hexes;
use crate::state::{AppState, Caller};
use crate::world::{World, may_see, statement_digest};

/// A submission: the statement as signed by its actor and the disclosure of its body
/// (`wastetrail_ledger::statement::Submission`; docs/ledger-format.md §3, §3a).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SignedStatementDoc {
    /// The statement `{type, case, actor, key, issued_at, prev, commitment}`.
    #[schema(value_type = Object)]
    pub statement: serde_json::Value,
    /// Ed25519 signature over `"wastetrail/statement/v2\n" || JCS(statement)`, standard base64.
    pub sig: String,
    /// The body, its salt and the personal values: `{salt, body, personal}`; must match the
    /// statement's `commitment`. Stored beside the log, disclosed only to those entitled.
    #[schema(value_type = Object)]
    pub disclosure: serde_json::Value,
}

/// The answer to an accepted (or repeated) statement.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Receipt {
    /// Leaf index.
    pub index: u64,
    /// Leaf hash, lowercase hex.
    pub leaf_hash: String,
    /// When the log integrated the statement.
    pub integrated_at: String,
    /// A signed checkpoint whose tree includes the entry.
    pub checkpoint: String,
    /// Its tree size.
    pub size: u64,
    /// Inclusion proof of the entry in that tree, lowercase hex.
    pub proof: Vec<String>,
    /// True when the identical statement had been accepted before (nothing was appended).
    pub duplicate: bool,
}

pub(crate) async fn read_body(
    req: &HttpRequest,
    payload: web::Payload,
    limit: usize,
) -> Result<web::Bytes, ApiError> {
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("The request body exceeds {limit} bytes."),
        )
    };
    if let Some(len) = req
        .headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        && len > limit
    {
        return Err(too_large());
    }
    // `to_bytes_limited` answers `Err(BodyLimitExceeded)` outside and the payload's own error
    // inside: a chunked body over the limit is 413 like a declared one.
    match payload.to_bytes_limited(limit).await {
        Ok(Ok(b)) => Ok(b),
        Ok(Err(e)) => Err(ApiError::bad_request("malformed_body", e.to_string())),
        Err(_) => Err(too_large()),
    }
}

fn unprocessable(code: &'static str, detail: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, detail)
}

/// Files a signed statement: checks it and appends it to the log.
///
/// Checks, in order: session, rate limit, body size and syntax, actor = session participant,
/// repeated statement (answered with the earlier receipt), signature, clock skew, key validity
/// at `issued_at` and now, the case chain (`prev` = current head, else 409), the registry or
/// case rules of wastetrail-basel; then appends.
#[utoipa::path(
    tag = "statements", security(("bearer" = []), ("cookie" = [])),
    request_body(content = SignedStatementDoc, content_type = "application/json"),
    responses(
        (status = 201, description = "Appended", body = Receipt),
        (status = 200, description = "The identical statement was accepted before; nothing appended", body = Receipt),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "prev is not the case head", body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Refused: signature, key or a rule (rule_id, citation)", body = Problem, content_type = "application/problem+json"),
        (status = 429, body = Problem, content_type = "application/problem+json"),
        (status = 503, body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/statements")]
pub async fn submit(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let r = submit_inner(&state, &caller, &req, payload).await;
    match &r {
        Ok(_) => {}
        Err(e) => state.metrics.refused(e.code()),
    }
    r
}

async fn submit_inner(
    state: &AppState,
    caller: &Caller,
    req: &HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    if let Err(wait) = state.limiter.check(&caller.participant) {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "Too many filings from this participant; wait and retry.",
        )
        .with_retry_after(wait));
    }
    let body = read_body(req, payload, state.config.max_body_bytes).await?;
    let submission = Submission::parse(&body).map_err(|e| match e {
        StatementError::TooLarge { .. } => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            e.to_string(),
        ),
        StatementError::Disclosure(d) => unprocessable("disclosure_mismatch", d.to_string()),
        other => ApiError::bad_request("malformed_statement", other.to_string()),
    })?;
    let personal_faults: Vec<_> = submission
        .disclosure
        .personal()
        .iter()
        .flat_map(|p| wastetrail_basel::check_contact(&p.value, &format!("${}", p.path)))
        .collect();
    if !personal_faults.is_empty() {
        return Err(ApiError::invalid_personal(&personal_faults));
    }
    let signed = &submission.signed;
    let st = &signed.statement;
    if st.actor() != caller.participant {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "actor_mismatch",
            format!(
                "The statement's actor is {}, but the session belongs to {}.",
                st.actor(),
                caller.participant
            ),
        ));
    }
    let digest = statement_digest(signed).ok_or_else(|| {
        ApiError::bad_request("malformed_statement", "statement cannot be canonicalized")
    })?;

    for _attempt in 0..3 {
        let decided = {
            let w = state.view().await?;
            if let Some(&index) = w.statements.get(&digest) {
                drop(w);
                return receipt(state, index, true, None).await;
            }
            decide(state, &w, &submission, digest)?
        };
        let Decided {
            request,
            integrated_at,
        } = decided;
        let started = Instant::now();
        let result = state.writer.append_with(request).await;
        match result {
            Ok(r) => {
                state.metrics.append_latency(started.elapsed());
                state.metrics.accepted();
                // No catch-up here: the next decision (or read) catches the view up, and the
                // store's preconditions protect decisions made on a view that is behind.
                state.appended.notify_waiters();
                let proof = state
                    .store
                    .inclusion_proof(r.index, r.checkpoint.checkpoint.size)
                    .await?;
                let body = Receipt {
                    index: r.index,
                    leaf_hash: hex::encode(r.leaf_hash),
                    integrated_at,
                    checkpoint: r.checkpoint.note,
                    size: r.checkpoint.checkpoint.size,
                    proof: hexes(&proof.hashes),
                    duplicate: false,
                };
                return Ok(HttpResponse::Created().json(body));
            }
            Err(WriteError::Conflict { key, .. }) => {
                tracing::debug!(%key, "append precondition failed; deciding again");
                continue;
            }
            Err(WriteError::Store(e)) => return Err(e.into()),
        }
    }
    Err(ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "contention",
        "The case changed repeatedly while the statement was being filed; retry.",
    )
    .with_retry_after(1))
}

struct Decided {
    request: AppendRequest,
    integrated_at: String,
}

fn decide(
    state: &AppState,
    w: &World,
    submission: &Submission,
    digest: Hash,
) -> Result<Decided, ApiError> {
    let signed: &SignedStatement = &submission.signed;
    let st = &signed.statement;
    let now = Timestamp::now();
    // The one check of the server's own clock (a replay has none): the signer's time must be
    // close to the log's.
    let skew = (now.unix() - st.issued_at().unix()).unsigned_abs();
    if skew > state.config.max_clock_skew.as_secs() {
        return Err(unprocessable(
            "clock_skew",
            format!(
                "issued_at {} is {skew} s away from the server time {now}; the limit is {} s.",
                st.issued_at(),
                state.config.max_clock_skew.as_secs()
            ),
        ));
    }
    let head = w.head_of(st.case());
    let admitted = wastetrail_verify::admit(
        &w.registry,
        w.cases.get(st.case()).map(|c| &c.case),
        head,
        signed,
        submission.disclosure.body_value(),
        &state.facts,
        now.datetime(),
    )
    .map_err(|r| refusal(w, st, r))?;
    let kind = admitted.kind;
    // The projection rows that follow from the entry.
    let mut writes = Vec::new();
    match &admitted.effect {
        Effect::Registry { registry, target } => {
            if let Some(p) = target
                .as_ref()
                .and_then(|t| registry.get(t).map(|p| (t, p)))
            {
                writes.push((
                    format!("participant/{}", p.0),
                    serde_json::to_vec(p.1).map_err(ApiError::internal)?,
                ));
            }
        }
        Effect::Case(next) => writes.push((
            format!("case/{}", st.case()),
            serde_json::to_vec(next).map_err(ApiError::internal)?,
        )),
    }
    let leaf = Leaf::new(signed.clone(), now);
    let entry = leaf.to_bytes().map_err(|e| match e {
        StatementError::TooLarge { .. } => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            e.to_string(),
        ),
        other => ApiError::internal(other),
    })?;
    let version = hex::encode(wastetrail_ledger::merkle::leaf_hash(&entry));
    let statement_key = format!("statement/{}", hex::encode(digest));
    let chain_key = format!("case/{}", st.case());
    let actor_key = format!("participant/{}", st.actor());
    let actor_version = w.participant_versions.get(st.actor()).map(hex::encode);
    let preconditions = vec![
        Precondition {
            key: statement_key.clone(),
            expected_version: None,
        },
        Precondition {
            key: chain_key.clone(),
            expected_version: head.map(hex::encode),
        },
        Precondition {
            key: actor_key,
            expected_version: actor_version,
        },
    ];
    let mut rows: Vec<ProjectionWrite> = writes
        .into_iter()
        .map(|(key, value)| ProjectionWrite {
            key,
            version: version.clone(),
            value,
        })
        .collect();
    // The registry's own hash chain has a head row too (cases write theirs above), so that
    // the next registry statement's precondition finds the version it expects.
    if kind.is_registry() {
        rows.push(ProjectionWrite {
            key: chain_key,
            version: version.clone(),
            value: serde_json::to_vec(&serde_json::json!({ "head": version }))
                .map_err(ApiError::internal)?,
        });
    }
    rows.push(ProjectionWrite {
        key: statement_key,
        version: version.clone(),
        value: serde_json::to_vec(&serde_json::json!({ "leaf_hash": version }))
            .map_err(ApiError::internal)?,
    });
    Ok(Decided {
        request: AppendRequest {
            entry,
            preconditions,
            writes: rows,
            disclosure: Some(
                submission
                    .disclosure
                    .to_bytes()
                    .map_err(ApiError::internal)?,
            ),
        },
        integrated_at: now.to_string(),
    })
}

/// The API problem of a refused admission. A stale `prev` names the head only to those who
/// may see the case (a head links the case's entries in the log: docs/privacy.md).
fn refusal(w: &World, st: &wastetrail_ledger::statement::Statement, r: Refusal) -> ApiError {
    match r {
        Refusal::Rule(r) => ApiError::refusal(&r),
        Refusal::StalePrev { head } => {
            let visible = st.case() == REGISTRY_CASE
                || w.registry.get(st.actor()).is_some_and(|actor| {
                    w.cases.get(st.case()).is_some_and(|cs| may_see(actor, cs))
                });
            if visible {
                ApiError::stale_prev(head.map(hex::encode))
            } else {
                ApiError::stale_prev_hidden()
            }
        }
        other => unprocessable(other.code(), other.to_string()),
    }
}

/// The receipt of the entry at `index` (for repeated statements), with a proof against the
/// latest checkpoint.
async fn receipt(
    state: &AppState,
    index: u64,
    duplicate: bool,
    integrated_at: Option<String>,
) -> Result<HttpResponse, ApiError> {
    let entry = state
        .store
        .entry(index)
        .await?
        .ok_or_else(|| ApiError::internal("entry vanished"))?;
    let integrated_at = match integrated_at {
        Some(t) => t,
        None => Leaf::parse(&entry.data)
            .map(|l| l.integrated_at.to_string())
            .map_err(ApiError::internal)?,
    };
    let cp = state.store.latest_checkpoint().await?;
    let proof = state
        .store
        .inclusion_proof(index, cp.checkpoint.size)
        .await?;
    let body = Receipt {
        index,
        leaf_hash: hex::encode(entry.leaf_hash),
        integrated_at,
        checkpoint: cp.note,
        size: cp.checkpoint.size,
        proof: hexes(&proof.hashes),
        duplicate,
    };
    Ok(HttpResponse::Ok().json(body))
}

//! Public read paths, no login: checkpoint, tiles, log info, proofs, movement check, health
//! and metrics.

use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use wastetrail_ledger::merkle::{Hash, hash_from_hex};
use wastetrail_store::LedgerStore;

use crate::problem::{ApiError, Problem};
use crate::state::{AppState, Caller};

pub(crate) fn hexes(h: &[Hash]) -> Vec<String> {
    h.iter().map(hex::encode).collect()
}

pub(crate) fn parse_hash(name: &str, s: &str) -> Result<Hash, ApiError> {
    let ok = s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !ok {
        return Err(ApiError::bad_request(
            "invalid_parameter",
            format!("{name} must be 64 lowercase hex digits"),
        ));
    }
    hash_from_hex(s)
        .map_err(|_| ApiError::bad_request("invalid_parameter", format!("{name} is not a hash")))
}

/// The latest signed checkpoint (C2SP tlog-checkpoint in a C2SP signed note).
#[utoipa::path(
    tag = "public",
    responses((status = 200, description = "The signed checkpoint note", body = String, content_type = "text/plain"))
)]
#[get("/checkpoint")]
pub async fn checkpoint(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let c = state.store.latest_checkpoint().await?;
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/plain; charset=utf-8"))
        .insert_header((CACHE_CONTROL, "no-cache"))
        .body(c.note))
}

/// A C2SP tlog-tiles hash tile (`tile/<L>/<N>[.p/<W>]`, public) or entry bundle
/// (`tile/entries/<N>[.p/<W>]`, auditors only: leaves name who filed what in which case).
#[utoipa::path(
    tag = "public",
    params(("path" = String, Path, description = "The tile path after /tile/, e.g. 0/000 or entries/x001/234.p/7")),
    responses(
        (status = 200, description = "Tile bytes", body = Vec<u8>, content_type = "application/octet-stream"),
        (status = 401, description = "Entry bundle without a session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Entry bundle for someone who is not an auditor", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such tile for the current tree", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/tile/{path:.*}")]
pub async fn tile(
    state: web::Data<AppState>,
    path: web::Path<String>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let p = format!("tile/{}", path.into_inner());
    if p.starts_with("tile/entries/") {
        require_auditor(&state, &req).await?;
    }
    let bytes = state.store.read_tile_path(&p).await?;
    // Full tiles never change; partial ones are replaced by larger ones.
    let cache = if p.contains(".p/") {
        "no-cache"
    } else {
        "public, max-age=31536000, immutable"
    };
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "application/octet-stream"))
        .insert_header((CACHE_CONTROL, cache))
        .body(bytes))
}

/// Entry bundles hold every leaf of 256 entries: the headers of statements (who filed what,
/// in which case, when) of many cases. Only an auditor is entitled to all of them; everyone
/// else reads their own cases (`/api/v1/cases/{id}`, with leaves, disclosures and proofs),
/// and the public verifies the log from the hash tiles, which disclose nothing.
async fn require_auditor(state: &AppState, req: &actix_web::HttpRequest) -> Result<(), ApiError> {
    use actix_web::FromRequest as _;
    let caller = Caller::extract(req).await.map_err(|_| {
        ApiError::unauthenticated(
            "Entry bundles are not public: log in as an auditor. The public hash tiles (tile/<L>/<N>) and proofs verify the log without them.",
        )
    })?;
    let w = state.view().await?;
    let me = caller.record(&w)?;
    if me.kind != wastetrail_basel::ParticipantKind::Auditor {
        return Err(ApiError::new(
            actix_web::http::StatusCode::FORBIDDEN,
            "not_entitled",
            "Entry bundles disclose the statements of many cases; only auditors may read them. Read your cases at /api/v1/cases/{id}.",
        ));
    }
    Ok(())
}

/// The log's identity and current tree.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct LogInfo {
    /// Checkpoint origin.
    pub origin: String,
    /// The log's note verifier key (`<name>+<hex8>+<base64>`).
    pub vkey: String,
    /// Tree size of the latest checkpoint.
    pub size: u64,
    /// Root hash, lowercase hex.
    pub root: String,
}

/// The log's origin, public key, size and root (of the latest checkpoint).
#[utoipa::path(tag = "public", responses((status = 200, body = LogInfo)))]
#[get("/log")]
pub async fn log_info(state: web::Data<AppState>) -> Result<web::Json<LogInfo>, ApiError> {
    let c = state.store.latest_checkpoint().await?;
    Ok(web::Json(LogInfo {
        origin: c.checkpoint.origin.clone(),
        vkey: state.log_key.to_vkey(),
        size: c.checkpoint.size,
        root: hex::encode(c.checkpoint.root),
    }))
}

/// Query of an inclusion proof: `leaf_hash` or `index`, and an optional tree size.
#[derive(Debug, Deserialize, IntoParams)]
pub struct InclusionQuery {
    /// Leaf hash, lowercase hex.
    pub leaf_hash: Option<String>,
    /// Leaf index (instead of `leaf_hash`).
    pub index: Option<u64>,
    /// Tree size; default: the latest checkpoint's.
    pub size: Option<u64>,
}

/// An inclusion proof.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct InclusionProofResponse {
    /// Leaf index.
    pub index: u64,
    /// Leaf hash, lowercase hex.
    pub leaf_hash: String,
    /// Tree size the proof is for.
    pub size: u64,
    /// Audit path (RFC 9162 §2.1.3), lowercase hex.
    pub proof: Vec<String>,
}

/// RFC 9162 inclusion proof of a leaf.
#[utoipa::path(
    tag = "public",
    params(InclusionQuery),
    responses(
        (status = 200, body = InclusionProofResponse),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/proof/inclusion")]
pub async fn inclusion(
    state: web::Data<AppState>,
    q: web::Query<InclusionQuery>,
) -> Result<web::Json<InclusionProofResponse>, ApiError> {
    let size = match q.size {
        Some(s) => s,
        None => state.store.latest_checkpoint().await?.checkpoint.size,
    };
    let p = match (&q.leaf_hash, q.index) {
        (Some(h), None) => {
            let h = parse_hash("leaf_hash", h)?;
            state.store.inclusion_proof_by_leaf_hash(&h, size).await?
        }
        (None, Some(i)) => {
            if i >= size {
                return Err(ApiError::bad_request(
                    "invalid_range",
                    format!("index {i} is not below the tree size {size}"),
                ));
            }
            state.store.inclusion_proof(i, size).await?
        }
        _ => {
            return Err(ApiError::bad_request(
                "invalid_parameter",
                "give exactly one of leaf_hash and index",
            ));
        }
    };
    Ok(web::Json(InclusionProofResponse {
        index: p.index,
        leaf_hash: hex::encode(p.leaf_hash),
        size: p.tree_size,
        proof: hexes(&p.hashes),
    }))
}

/// Query of a consistency proof.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ConsistencyQuery {
    /// The smaller tree size.
    pub from: u64,
    /// The larger tree size.
    pub to: u64,
}

/// A consistency proof.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ConsistencyProofResponse {
    /// RFC 9162 §2.1.4 proof, lowercase hex.
    pub proof: Vec<String>,
}

/// RFC 9162 consistency proof between two tree sizes.
#[utoipa::path(
    tag = "public",
    params(ConsistencyQuery),
    responses(
        (status = 200, body = ConsistencyProofResponse),
        (status = 400, body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/proof/consistency")]
pub async fn consistency(
    state: web::Data<AppState>,
    q: web::Query<ConsistencyQuery>,
) -> Result<web::Json<ConsistencyProofResponse>, ApiError> {
    if q.from > q.to {
        return Err(ApiError::bad_request(
            "invalid_range",
            "from must not exceed to",
        ));
    }
    let p = state.store.consistency_proof(q.from, q.to).await?;
    Ok(web::Json(ConsistencyProofResponse { proof: hexes(&p) }))
}

/// The check of a movement document at the border, for anyone who holds its leaf hash (the
/// QR code of the printed document). It answers the border question — is the document in the
/// log, was the movement consented when it started, with the proof — and discloses nothing
/// of the content: no case, parties, quantities, route or waste (privacy, docs/privacy.md).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct MovementCheck {
    /// Leaf hash of the `movement.started` entry.
    pub leaf_hash: String,
    /// Leaf index.
    pub index: u64,
    /// True when `may_start` said `may_start` at the movement's start.
    pub consented: bool,
    /// `may_start`, `may_not_start` or `prohibited` (the decision at the start).
    pub decision: String,
    /// The rule the decision rests on and its legal citation (no case details).
    pub rule_id: String,
    /// Its legal citation.
    pub citation: String,
    /// The rule IDs of every check that was not met or rested on an unknown fact (no case
    /// details).
    pub failed_rules: Vec<String>,
    /// When the log integrated the document.
    pub integrated_at: String,
    /// The signed checkpoint the proof is for.
    pub checkpoint: String,
    /// Tree size of that checkpoint.
    pub size: u64,
    /// Inclusion proof in that tree, lowercase hex.
    pub proof: Vec<String>,
}

/// Is this movement document in the log, and was the movement consented when it started?
/// Public; the answer carries no content of the case (log in and read the case for that).
#[utoipa::path(
    tag = "public",
    params(("leaf_hash" = String, Path, pattern = "^[0-9a-f]{64}$", description = "Leaf hash of the movement.started entry, lowercase hex")),
    responses(
        (status = 200, body = MovementCheck),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/movements/{leaf_hash}")]
pub async fn movement(
    state: web::Data<AppState>,
    leaf_hash: web::Path<String>,
) -> Result<web::Json<MovementCheck>, ApiError> {
    let h = parse_hash("leaf_hash", &leaf_hash)?;
    let (info, integrated_at) = {
        let w = state.view().await?;
        let Some(info) = w.movements.get(&h).cloned() else {
            return Err(if w.by_leaf_hash.contains_key(&h) {
                ApiError::new(
                    actix_web::http::StatusCode::NOT_FOUND,
                    "not_a_movement",
                    "This entry is in the log but is not an accepted movement document.",
                )
            } else {
                ApiError::not_found("No entry of the log has this leaf hash.")
            });
        };
        let integrated_at = usize::try_from(info.index)
            .ok()
            .and_then(|i| w.entries.get(i))
            .map(|e| e.integrated_at.clone())
            .unwrap_or_default();
        (info, integrated_at)
    };
    let cp = state.store.latest_checkpoint().await?;
    let proof = state
        .store
        .inclusion_proof(info.index, cp.checkpoint.size)
        .await?;
    let v = &info.verdict;
    Ok(web::Json(MovementCheck {
        leaf_hash: hex::encode(h),
        index: info.index,
        consented: v.decision == wastetrail_basel::Decision::MayStart,
        decision: wire(&v.decision),
        rule_id: v.rule_id.as_str().to_owned(),
        citation: v.citation.to_owned(),
        failed_rules: wastetrail_verify::failed_rules(v),
        integrated_at,
        checkpoint: cp.note,
        size: cp.checkpoint.size,
        proof: hexes(&proof.hashes),
    }))
}

/// The serde wire name of a unit enum value.
fn wire<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Health of the server and its database.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Health {
    /// `ok`.
    pub status: String,
    /// Current tree size.
    pub size: u64,
}

/// Liveness and database check.
#[utoipa::path(
    tag = "operations",
    responses((status = 200, body = Health), (status = 500, body = Problem, content_type = "application/problem+json"))
)]
#[get("/healthz")]
pub async fn healthz(state: web::Data<AppState>) -> Result<web::Json<Health>, ApiError> {
    let size = state.store.tree_size().await?;
    Ok(web::Json(Health {
        status: "ok".into(),
        size,
    }))
}

/// Prometheus metrics (text format 0.0.4).
#[utoipa::path(
    tag = "operations",
    responses((status = 200, body = String, content_type = "text/plain"))
)]
#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    if let Ok(n) = state.store.tree_size().await {
        state.metrics.tree_size(n);
    }
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8"))
        .body(state.metrics.render())
}

//! Public read paths, no login: checkpoint, tiles, log info, proofs, movement check, health
//! and metrics.

use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use wastetrail_ledger::merkle::{Hash, hash_from_hex};
use wastetrail_ledger::statement::Leaf;
use wastetrail_store::LedgerStore;

use crate::problem::{ApiError, Problem};
use crate::state::AppState;

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

/// A C2SP tlog-tiles hash tile (`tile/<L>/<N>[.p/<W>]`) or entry bundle
/// (`tile/entries/<N>[.p/<W>]`).
#[utoipa::path(
    tag = "public",
    params(("path" = String, Path, description = "The tile path after /tile/, e.g. 0/000 or entries/x001/234.p/7")),
    responses(
        (status = 200, description = "Tile bytes", body = Vec<u8>, content_type = "application/octet-stream"),
        (status = 404, description = "No such tile for the current tree", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/tile/{path:.*}")]
pub async fn tile(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let p = format!("tile/{}", path.into_inner());
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

/// The check of a movement document at the border.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct MovementCheck {
    /// Leaf hash of the `movement.started` entry.
    pub leaf_hash: String,
    /// Leaf index.
    pub index: u64,
    /// The case (notification number).
    pub case: String,
    /// Shipment number.
    pub shipment_no: u32,
    /// True when `may_start` said `may_start` at the movement's start.
    pub consented: bool,
    /// The `may_start` verdict at the start (case as it stood just before the movement).
    #[schema(value_type = Object)]
    pub verdict: serde_json::Value,
    /// The shipment as it stands now (custody, crossings, receipt), if known.
    #[schema(value_type = Object)]
    pub shipment: serde_json::Value,
    /// The signed statement (movement document).
    #[schema(value_type = Object)]
    pub statement: serde_json::Value,
    /// When the log integrated it.
    pub integrated_at: String,
    /// The signed checkpoint the proof is for.
    pub checkpoint: String,
    /// Tree size of that checkpoint.
    pub size: u64,
    /// Inclusion proof in that tree, lowercase hex.
    pub proof: Vec<String>,
}

/// Is this movement document in the log, and was the movement consented when it started?
#[utoipa::path(
    tag = "public",
    params(("leaf_hash" = String, Path, description = "Leaf hash of the movement.started entry, lowercase hex")),
    responses(
        (status = 200, body = MovementCheck),
        (status = 404, body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/movements/{leaf_hash}")]
pub async fn movement(
    state: web::Data<AppState>,
    leaf_hash: web::Path<String>,
) -> Result<web::Json<MovementCheck>, ApiError> {
    let h = parse_hash("leaf_hash", &leaf_hash)?;
    let (info, shipment) = {
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
        let shipment = w
            .cases
            .get(&info.case)
            .and_then(|c| c.case.shipments.get(&info.shipment_no))
            .and_then(|s| serde_json::to_value(s).ok())
            .unwrap_or(serde_json::Value::Null);
        (info, shipment)
    };
    let entry = state
        .store
        .entry(info.index)
        .await?
        .ok_or_else(|| ApiError::internal("movement entry vanished"))?;
    let leaf = Leaf::parse(&entry.data).map_err(ApiError::internal)?;
    let cp = state.store.latest_checkpoint().await?;
    let proof = state
        .store
        .inclusion_proof(info.index, cp.checkpoint.size)
        .await?;
    Ok(web::Json(MovementCheck {
        leaf_hash: hex::encode(h),
        index: info.index,
        case: info.case,
        shipment_no: info.shipment_no,
        consented: info.verdict.decision == wastetrail_basel::Decision::MayStart,
        verdict: serde_json::to_value(&info.verdict).map_err(ApiError::internal)?,
        shipment,
        statement: leaf.signed_statement().to_value(),
        integrated_at: leaf.integrated_at.to_string(),
        checkpoint: cp.note,
        size: cp.checkpoint.size,
        proof: hexes(&proof.hashes),
    }))
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

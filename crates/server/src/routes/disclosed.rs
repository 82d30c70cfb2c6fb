//! Reads of what lives beside the log, for those entitled: the registry's statements with
//! their bodies, and the disclosures (bodies, salts, contact persons) of any range of entries
//! the caller may see — what an auditor's or a participant's mirror and export copy.

use actix_web::{get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use wastetrail_basel::REGISTRY_CASE;
use wastetrail_ledger::statement::Leaf;
use wastetrail_store::LedgerStore;

use crate::problem::{ApiError, Problem};
use crate::routes::reads::statement_view;
use crate::state::{AppState, Caller};

/// The registry: its head and every registry statement with its body.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RegistryView {
    /// Leaf hash of the last registry entry (the `prev` of the next registry statement), or
    /// null before the first.
    pub head: Option<String>,
    /// The registry statements in log order, as in a case (`index`, `leaf_hash`,
    /// `integrated_at`, `statement`, `sig`, `body`, `disclosure`, `erased_at`).
    #[schema(value_type = Vec<Object>)]
    pub statements: Vec<serde_json::Value>,
}

/// The registry (participants and keys), with its head, for any logged-in participant. The
/// registry is public knowledge by design (docs/privacy.md): who may sign for whom.
#[utoipa::path(
    tag = "reads", security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = RegistryView), (status = 401, body = Problem, content_type = "application/problem+json"))
)]
#[get("/registry")]
pub async fn registry(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<RegistryView>, ApiError> {
    let (head, indexes) = {
        let w = state.view().await?;
        caller.record(&w)?;
        let indexes: Vec<u64> = w
            .entries
            .iter()
            .filter(|e| e.case == REGISTRY_CASE)
            .map(|e| e.index)
            .collect();
        (w.registry_head.map(hex::encode), indexes)
    };
    let mut statements = Vec::with_capacity(indexes.len());
    for i in indexes {
        if let Some(e) = state.store.entry(i).await?
            && let Ok(leaf) = Leaf::parse(&e.data)
        {
            statements.push(statement_view(&state, i, &e.leaf_hash, &leaf).await?);
        }
    }
    Ok(web::Json(RegistryView { head, statements }))
}

/// A range of entries.
#[derive(Debug, Deserialize, IntoParams)]
pub struct DisclosureQuery {
    /// First leaf index (default 0).
    pub start: Option<u64>,
    /// How many entries to look at (1..=1000, default 256).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
}

/// One disclosure.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct DisclosureItem {
    /// Leaf index of the entry.
    pub index: u64,
    /// `{salt, body, personal}` (docs/ledger-format.md §3a).
    #[schema(value_type = Object)]
    pub disclosure: serde_json::Value,
    /// When personal data was erased from it, if it was.
    pub erased_at: Option<String>,
}

/// The disclosures of the entries in `[start, start + limit)` that the caller may see
/// (registry entries: everyone logged in; case entries: the case's parties, the authorities
/// and customs of its States, auditors). Entries the caller may not see are left out.
#[utoipa::path(
    tag = "reads", security(("bearer" = []), ("cookie" = [])),
    params(DisclosureQuery),
    responses(
        (status = 200, body = Vec<DisclosureItem>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/disclosures")]
pub async fn disclosures(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<DisclosureQuery>,
) -> Result<web::Json<Vec<DisclosureItem>>, ApiError> {
    let start = q.start.unwrap_or(0);
    let limit = q.limit.unwrap_or(256);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::bad_request(
            "invalid_parameter",
            "limit must be between 1 and 1000",
        ));
    }
    let stored = state.store.disclosures(start, limit).await?;
    let w = state.view().await?;
    let me = caller.record(&w)?;
    let mut out = Vec::with_capacity(stored.len());
    for d in stored {
        let visible = usize::try_from(d.index)
            .ok()
            .and_then(|i| w.entries.get(i))
            .is_some_and(|e| w.may_see_entry(me, e));
        if !visible {
            continue;
        }
        let disclosure = serde_json::from_slice(&d.data).map_err(ApiError::internal)?;
        out.push(DisclosureItem {
            index: d.index,
            disclosure,
            erased_at: d.erased_at,
        });
    }
    Ok(web::Json(out))
}

//! The public log page: the ledger's size and its latest signed checkpoint, and how anyone
//! verifies it offline with `wastetrail verify` (docs/verifier.md), without trusting this
//! server. Nothing of any case is shown.

use actix_web::{HttpResponse, web};
use askama::Template;
use wastetrail_store::LedgerStore;

use crate::state::AppState;
use crate::web::{Ctx, WebResult, render, respond};

/// The page.
#[derive(Template)]
#[template(path = "log.html")]
struct LogPage<'a> {
    c: &'a Ctx,
    size: u64,
    checkpoint: String,
}

/// `GET /log`.
pub async fn log(ctx: Ctx, state: web::Data<AppState>) -> HttpResponse {
    let r = inner(&ctx, &state).await;
    respond(&ctx, r)
}

async fn inner(ctx: &Ctx, state: &AppState) -> WebResult {
    let cp = state
        .store
        .latest_checkpoint()
        .await
        .map_err(crate::problem::ApiError::from)?;
    Ok(render(&LogPage {
        c: ctx,
        size: cp.checkpoint.size,
        checkpoint: cp.note,
    }))
}

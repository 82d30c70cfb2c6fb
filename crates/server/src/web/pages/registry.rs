//! The registry page: the participants a competent authority registers (those of its own
//! State) or the registrar registers (competent authorities and auditors), with their keys;
//! registering, adding and revoking keys go through the filing forms.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use wastetrail_basel::ParticipantKind;

use crate::state::AppState;
use crate::web::views::date;
use crate::web::{Ctx, WebError, WebResult, render, respond};

/// One participant in the list.
pub struct Entry {
    id: String,
    name: String,
    kind_key: String,
    country: String,
    registered_by: String,
    keys: Vec<(String, String, &'static str)>,
    mine: bool,
}

/// The page.
#[derive(Template)]
#[template(path = "registry.html")]
struct Registry<'a> {
    c: &'a Ctx,
    entries: Vec<Entry>,
    filed: Option<String>,
}

/// Query of the page (`filed`: the leaf index of a registry filing just made).
#[derive(Deserialize)]
pub struct Query {
    filed: Option<u64>,
}

/// `GET /registry`.
pub async fn registry(ctx: Ctx, state: web::Data<AppState>, q: web::Query<Query>) -> HttpResponse {
    let r = inner(&ctx, &state, q.filed).await;
    respond(&ctx, r)
}

async fn inner(ctx: &Ctx, state: &AppState, filed: Option<u64>) -> WebResult {
    let u = ctx.user.as_ref().ok_or(WebError::SignIn)?;
    if !u.registers() {
        return Err(WebError::Forbidden);
    }
    let w = state.view().await?;
    let now = time::OffsetDateTime::now_utc();
    let registrar = u.kind == ParticipantKind::Registrar;
    let entries = w
        .registry
        .participants()
        .filter(|p| {
            if registrar {
                matches!(
                    p.kind,
                    ParticipantKind::CompetentAuthority | ParticipantKind::Auditor
                ) || p.id == u.id
            } else {
                p.country == u.country
            }
        })
        .map(|p| Entry {
            id: p.id.clone(),
            name: p.name.clone(),
            kind_key: format!("kind-{}", p.kind.as_str()),
            country: p.country.as_str().to_owned(),
            registered_by: p.registered_by.clone(),
            keys: p
                .keys
                .iter()
                .map(|k| {
                    let (status, class) = if k.revoked_at.is_some() {
                        ("key-revoked", "bad")
                    } else if k.valid_at(now) {
                        ("key-valid", "ok")
                    } else {
                        ("key-expired", "warn")
                    };
                    let since = date(k.valid_from.date());
                    (k.key_id.clone(), ctx.t.m1(status, "date", since), class)
                })
                .collect(),
            mine: p.registered_by == u.id || p.id == u.id,
        })
        .collect();
    Ok(render(&Registry {
        c: ctx,
        entries,
        filed: filed.map(|i| i.to_string()),
    }))
}

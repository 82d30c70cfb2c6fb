//! The due-date view of a competent authority: every obligation of the cases that concern its
//! State, soonest first — tacit transit windows (Art. 6(4)), consents expiring, overdue
//! receipts and completion certificates, re-imports and suspected illegal traffic (Art. 9).

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::state::AppState;
use crate::web::pages::cases::obligation_key;
use crate::web::views::date;
use crate::web::{Ctx, WebError, WebResult, render, respond};
use crate::world::{countries_of, roles_in};

/// One obligation in the list.
pub struct DueItem {
    case: String,
    what: String,
    rule: &'static str,
    citation: &'static str,
    due: String,
    overdue: bool,
    party: String,
    shipment: String,
    urgent: bool,
}

/// The page.
#[derive(Template)]
#[template(path = "due.html")]
struct Due<'a> {
    c: &'a Ctx,
    items: Vec<DueItem>,
}

/// `GET /due`.
pub async fn due(ctx: Ctx, state: web::Data<AppState>) -> HttpResponse {
    let r = due_inner(&ctx, &state).await;
    respond(&ctx, r)
}

async fn due_inner(ctx: &Ctx, state: &AppState) -> WebResult {
    let u = ctx.user.as_ref().ok_or(WebError::SignIn)?;
    if !u.is_authority() {
        return Err(WebError::Forbidden);
    }
    let w = state.view().await?;
    let me = w.registry.get(&u.id).ok_or(WebError::SignIn)?;
    let now = time::OffsetDateTime::now_utc();
    let mut items = Vec::new();
    for cs in w.cases.values() {
        let concerned = countries_of(cs).contains(&u.country) || !roles_in(me, cs).is_empty();
        if !concerned {
            continue;
        }
        for o in wastetrail_basel::obligations(&cs.case, &state.facts, now) {
            use wastetrail_basel::ObligationKind as K;
            items.push(DueItem {
                case: cs.case.id.clone(),
                what: ctx.t.m(format!("due-{}", obligation_key(o.kind))),
                rule: o.rule_id.as_str(),
                citation: o.citation,
                due: o.due.map(date).unwrap_or_default(),
                overdue: o.overdue,
                party: o
                    .party
                    .as_deref()
                    .map(|p| {
                        w.registry
                            .get(p)
                            .map_or_else(|| p.to_owned(), |x| x.name.clone())
                    })
                    .unwrap_or_default(),
                shipment: o.shipment_no.map(|n| n.to_string()).unwrap_or_default(),
                urgent: matches!(
                    o.kind,
                    K::IllegalTraffic | K::Reimport | K::NotifyStateOfImport
                ),
            });
        }
    }
    items.sort_by(|a, b| (a.due.is_empty(), &a.due).cmp(&(b.due.is_empty(), &b.due)));
    Ok(render(&Due { c: ctx, items }))
}

//! "My shipments" of carriers, disposers and customs offices: only the shipments of cases
//! they have a part in (a carrier those whose movement document names it, a disposer those it
//! receives, a customs office those that pass its State), each with what is expected next
//! and by when, and the filing the user may make on it now.

use actix_web::{HttpResponse, web};
use askama::Template;
use wastetrail_basel::{ObligationKind, StatementType};

use crate::state::AppState;
use crate::web::case_view::{Side, open_shipments, sides};
use crate::web::ctx::encode_query;
use crate::web::views::date;
use crate::web::{Ctx, WebError, WebResult, render, respond};

/// One shipment in the list.
pub struct ShipRow {
    case: String,
    no: u32,
    started: String,
    kg: String,
    holder: String,
    status: String,
    due: String,
    overdue: bool,
    actions: Vec<(String, String)>,
}

/// The page.
#[derive(Template)]
#[template(path = "shipments.html")]
struct Shipments<'a> {
    c: &'a Ctx,
    mine: Vec<ShipRow>,
    others: Vec<ShipRow>,
}

/// `GET /shipments`.
pub async fn shipments(ctx: Ctx, state: web::Data<AppState>) -> HttpResponse {
    let r = inner(&ctx, &state).await;
    respond(&ctx, r)
}

async fn inner(ctx: &Ctx, state: &AppState) -> WebResult {
    let u = ctx.user.as_ref().ok_or(WebError::SignIn)?;
    if !(u.handles_shipments() || u.is_customs()) {
        return Err(WebError::Forbidden);
    }
    let w = state.view().await?;
    let t = &ctx.t;
    let now = time::OffsetDateTime::now_utc();
    let name = |id: &str| {
        w.registry
            .get(id)
            .map_or_else(|| id.to_owned(), |p| p.name.clone())
    };
    let mut rows = Vec::new();
    for cs in w.cases.values() {
        let case = &cs.case;
        let my_sides = sides(u.kind, &u.id, u.country, case);
        let mut kinds = Vec::new();
        for s in &my_sides {
            match s {
                Side::Customs => {
                    kinds.extend([StatementType::BorderExited, StatementType::BorderEntered])
                }
                Side::Carrier => kinds.push(StatementType::CustodyTransferred),
                Side::Disposer => kinds.extend([
                    StatementType::ReceiptConfirmed,
                    StatementType::DisposalCompleted,
                ]),
                _ => {}
            }
        }
        if kinds.is_empty() {
            continue;
        }
        let open: Vec<(StatementType, Vec<u32>)> = kinds
            .iter()
            .map(|k| (*k, open_shipments(*k, &u.id, u.country, case)))
            .collect();
        let obligations = wastetrail_basel::obligations(case, &state.facts, now);
        for s in case.started() {
            let Some(d) = s.document.as_ref() else {
                continue;
            };
            let carrier_of =
                d.carriers.iter().any(|c| c == &u.id) || s.custody.iter().any(|e| e.holder == u.id);
            let concerns = my_sides.iter().any(|side| match side {
                Side::Carrier => carrier_of,
                Side::Disposer | Side::Customs => true,
                _ => false,
            });
            if !concerns {
                continue;
            }
            let actions: Vec<(String, String)> = open
                .iter()
                .filter(|(_, nos)| nos.contains(&s.shipment_no))
                .map(|(k, _)| {
                    (
                        format!(
                            "/cases/{}/file/{}?shipment={}",
                            encode_query(&case.id),
                            k.as_str(),
                            s.shipment_no
                        ),
                        t.m(format!("do-{}", k.as_str().replace('.', "-"))),
                    )
                })
                .collect();
            let status = if s.completed_on.is_some() {
                t.m("ship-done")
            } else if let Some(r) = s.received_on {
                t.m1("ship-received", "date", date(r))
            } else {
                t.m("ship-on-its-way")
            };
            let due = obligations
                .iter()
                .filter(|o| o.shipment_no == Some(s.shipment_no))
                .filter(|o| {
                    matches!(
                        o.kind,
                        ObligationKind::ConfirmReceipt | ObligationKind::ConfirmCompletion
                    )
                })
                .filter_map(|o| o.due.map(|d| (d, o.overdue, o.kind)))
                .min_by_key(|(d, _, _)| *d);
            rows.push(ShipRow {
                case: case.id.clone(),
                no: s.shipment_no,
                started: s.started_on().map(date).unwrap_or_default(),
                kg: d.quantity_kg.to_string(),
                holder: s.holder.as_deref().map(name).unwrap_or_default(),
                status,
                due: due
                    .map(|(d, _, k)| {
                        format!(
                            "{} — {}",
                            date(d),
                            t.m(format!("due-{}", super::cases::obligation_key(k)))
                        )
                    })
                    .unwrap_or_default(),
                overdue: due.is_some_and(|(_, o, _)| o),
                actions,
            });
        }
    }
    let (mine, others) = rows.into_iter().partition(|r| !r.actions.is_empty());
    Ok(render(&Shipments {
        c: ctx,
        mine,
        others,
    }))
}

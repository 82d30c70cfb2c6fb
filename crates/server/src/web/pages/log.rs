//! The public log page: the ledger's size and its latest signed checkpoint, and how anyone
//! verifies it offline with `wastetrail verify` (docs/verifier.md), without trusting this
//! server. Nothing of any case is shown — except to auditors, who also get charts over all
//! cases (filings over time, cases by status, tonnage by waste code and by State pair).

use actix_web::{HttpResponse, web};
use askama::Template;
use wastetrail_store::LedgerStore;

use crate::state::AppState;
use crate::web::charts::{Stats, bars, columns};
use crate::web::{Ctx, WebResult, render, respond};

/// The page.
#[derive(Template)]
#[template(path = "log.html")]
struct LogPage<'a> {
    c: &'a Ctx,
    size: u64,
    checkpoint: String,
    charts: Vec<(String, String)>,
}

/// Days shown in the filings chart (ending with the last day that has a filing).
const CHART_DAYS: i64 = 60;

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
    let auditor = ctx
        .user
        .as_ref()
        .is_some_and(|u| u.kind == wastetrail_basel::ParticipantKind::Auditor);
    let charts = if auditor {
        charts(ctx, &Stats::of(&*state.view().await?))
    } else {
        Vec::new()
    };
    Ok(render(&LogPage {
        c: ctx,
        size: cp.checkpoint.size,
        checkpoint: cp.note,
        charts,
    }))
}

/// The auditor's charts: (heading, inline SVG).
fn charts(c: &Ctx, s: &Stats) -> Vec<(String, String)> {
    let kg = |v: u64| c.t.m1("kg", "n", v);
    let list = |m: &std::collections::BTreeMap<String, u64>| -> Vec<(String, u64)> {
        let mut v: Vec<(String, u64)> = m.iter().map(|(k, n)| (k.clone(), *n)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v
    };
    let statuses: Vec<(String, u64)> = s
        .cases_by_status
        .iter()
        .map(|(k, n)| (c.t.m(k), *n))
        .collect();
    let t = |k: &str| c.t.m(k);
    vec![
        (
            t("chart-filings"),
            columns(&t("chart-filings"), &days(&s.filings_per_day)),
        ),
        (
            t("chart-status"),
            bars(&t("chart-status"), &statuses, |n| n.to_string()),
        ),
        (
            t("chart-codes"),
            bars(&t("chart-codes"), &list(&s.kg_by_code), kg),
        ),
        (
            t("chart-routes"),
            bars(&t("chart-routes"), &list(&s.kg_by_route), kg),
        ),
    ]
}

/// The last [`CHART_DAYS`] days up to the last day with filings, each with its count (zero
/// for a day without).
fn days(per_day: &std::collections::BTreeMap<String, u64>) -> Vec<(String, u64)> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let Some(last) = per_day
        .keys()
        .next_back()
        .and_then(|d| time::Date::parse(d, &fmt).ok())
    else {
        return Vec::new();
    };
    (0..CHART_DAYS)
        .rev()
        .filter_map(|back| last.checked_sub(time::Duration::days(back)))
        .map(|d| {
            let key = crate::web::views::date(d);
            let n = per_day.get(&key).copied().unwrap_or(0);
            (key, n)
        })
        .collect()
}

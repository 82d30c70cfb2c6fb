//! "My cases" (exporters) and the inbox (authorities), and the page of one case.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use wastetrail_basel::{Case, Decision, Outcome, Phase, StatementType, Verdict};

use crate::state::AppState;
use crate::web::case_view::{self, Allowance, Waiting};
use crate::web::ctx::User;
use crate::web::timeline::{TimelineRow, timeline};
use crate::web::views::{date, phase_badge, route, rule_sentence};
use crate::web::{Ctx, WebError, WebResult, render, respond};
use crate::world::{CaseState, World, roles_in};

/// One row of a case list.
pub struct Row {
    id: String,
    status_key: &'static str,
    status_class: &'static str,
    route: String,
    roles: Vec<String>,
    waiting: Vec<String>,
    mine: bool,
    next_due: String,
}

/// The case list.
#[derive(Template)]
#[template(path = "cases.html")]
struct Cases<'a> {
    c: &'a Ctx,
    authority: bool,
    auditor: bool,
    state: String,
    code: String,
    from: String,
    to: String,
    mine: Vec<Row>,
    others: Vec<Row>,
    statuses: Vec<(String, String, bool)>,
}

/// Filters of the list (every one optional; an empty value does not filter).
#[derive(Default, Deserialize)]
pub struct ListQuery {
    /// The case status (`phase-…` suffix).
    status: Option<String>,
    /// A State concerned (export, transit or import), ISO 3166-1 alpha-2.
    state: Option<String>,
    /// A Basel waste code of the notification.
    code: Option<String>,
    /// Submitted on or after this date (`YYYY-MM-DD`).
    from: Option<String>,
    /// Submitted on or before this date (`YYYY-MM-DD`).
    to: Option<String>,
}

/// A filter value, trimmed; `None` when empty.
fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl ListQuery {
    /// Does the case pass every filter given? Dates compare as `YYYY-MM-DD` text.
    pub fn matches(&self, case: &Case) -> bool {
        let n = case.notification.as_ref();
        let status =
            given(&self.status).is_none_or(|f| phase_badge(case.phase).0 == format!("phase-{f}"));
        let state = given(&self.state).is_none_or(|f| {
            n.is_some_and(|n| {
                n.states_concerned()
                    .iter()
                    .any(|c| c.as_str().eq_ignore_ascii_case(f))
            })
        });
        let code = given(&self.code).is_none_or(|f| {
            n.is_some_and(|n| {
                n.waste
                    .codes
                    .iter()
                    .any(|c| c.as_str().eq_ignore_ascii_case(f))
            })
        });
        let submitted = case.submitted_on.map(date);
        let from = given(&self.from).is_none_or(|f| submitted.as_deref().is_some_and(|d| d >= f));
        let to = given(&self.to).is_none_or(|f| submitted.as_deref().is_some_and(|d| d <= f));
        status && state && code && from && to
    }
}

/// The sentence of something a case waits for.
fn waiting_text(c: &Ctx, w: &Waiting, world: &World) -> String {
    let who = world
        .registry
        .get(&w.who)
        .map_or_else(|| w.who.clone(), |p| p.name.clone());
    let country = w.country.map(|c| c.as_str().to_owned()).unwrap_or_default();
    c.t.m2(w.what, ("who", &who), ("country", &country))
}

/// Is it the user's turn?
fn is_mine(u: &User, w: &Waiting) -> bool {
    w.who == u.id
        || (u.is_authority() && w.what != "wait-information" && w.country == Some(u.country))
}

fn row(c: &Ctx, state: &AppState, w: &World, cs: &CaseState, u: &User) -> Option<Row> {
    let me = w.registry.get(&u.id)?;
    let roles = roles_in(me, cs);
    if roles.is_empty() {
        return None;
    }
    let now = time::OffsetDateTime::now_utc();
    let case = &cs.case;
    let next = next_verdict(state, case, now);
    let waits = case_view::waits_for(case, next.as_ref());
    let (status_key, status_class) = phase_badge(case.phase);
    let next_due = wastetrail_basel::obligations(case, &state.facts, now)
        .iter()
        .filter_map(|o| o.due)
        .min()
        .map(date)
        .unwrap_or_default();
    Some(Row {
        id: case.id.clone(),
        status_key,
        status_class,
        route: case.notification.as_ref().map(route).unwrap_or_default(),
        roles: roles.iter().map(|r| c.t.m(format!("role-{r}"))).collect(),
        mine: waits.iter().any(|x| is_mine(u, x)),
        waiting: waits.iter().map(|x| waiting_text(c, x, w)).collect(),
        next_due,
    })
}

/// `may_start` for the next planned shipment of a transmitted case.
pub fn next_verdict(state: &AppState, case: &Case, now: time::OffsetDateTime) -> Option<Verdict> {
    if case.phase != Phase::Transmitted {
        return None;
    }
    let no = case_view::next_shipment(case)?;
    Some(wastetrail_basel::may_start(case, no, &state.facts, now))
}

/// `GET /cases`: the cases the participant may see; those waiting for them first.
pub async fn list(ctx: Ctx, state: web::Data<AppState>, q: web::Query<ListQuery>) -> HttpResponse {
    let r = list_inner(&ctx, &state, &q).await;
    respond(&ctx, r)
}

async fn list_inner(ctx: &Ctx, state: &AppState, q: &ListQuery) -> WebResult {
    let u = ctx.user.as_ref().ok_or(WebError::SignIn)?;
    let w = state.view().await?;
    let filter = q.status.clone().unwrap_or_default();
    let rows: Vec<Row> = w
        .cases
        .values()
        .filter(|cs| q.matches(&cs.case))
        .filter_map(|cs| row(ctx, state, &w, cs, u))
        .collect();
    let (mine, others) = rows.into_iter().partition(|r| r.mine);
    let statuses = [
        "submitted",
        "transmitted",
        "denied",
        "withdrawn",
        "completed",
    ]
    .into_iter()
    .map(|p| (p.to_owned(), ctx.t.m(format!("phase-{p}")), filter == p))
    .collect();
    Ok(render(&Cases {
        c: ctx,
        authority: u.is_authority(),
        auditor: u.kind == wastetrail_basel::ParticipantKind::Auditor,
        state: q.state.clone().unwrap_or_default(),
        code: q.code.clone().unwrap_or_default(),
        from: q.from.clone().unwrap_or_default(),
        to: q.to.clone().unwrap_or_default(),
        mine,
        others,
        statuses,
    }))
}

/// One check of a verdict, in words.
pub struct Check {
    pub(crate) rule: &'static str,
    pub(crate) citation: &'static str,
    pub(crate) sentence: String,
    pub(crate) class: &'static str,
    pub(crate) outcome_key: &'static str,
}

/// A verdict in words.
pub struct VerdictView {
    pub(crate) shipment_no: u32,
    pub(crate) decision_key: &'static str,
    pub(crate) class: &'static str,
    pub(crate) failing: Vec<Check>,
}

/// The words of a verdict: its decision and the checks that are not met.
pub fn verdict_view(c: &Ctx, v: &Verdict) -> VerdictView {
    let (decision_key, class) = match v.decision {
        Decision::MayStart => ("verdict-may-start", "ok"),
        Decision::Blocked => ("verdict-blocked", "warn"),
        Decision::Prohibited => ("verdict-prohibited", "bad"),
    };
    VerdictView {
        shipment_no: v.shipment_no,
        decision_key,
        class,
        failing: v
            .failures()
            .map(|r| Check {
                rule: r.rule_id.as_str(),
                citation: r.citation,
                sentence: rule_sentence(&c.t, r.rule_id),
                class: if r.outcome == Outcome::Prohibits {
                    "bad"
                } else {
                    "warn"
                },
                outcome_key: if r.outcome == Outcome::Prohibits {
                    "outcome-prohibits"
                } else {
                    "outcome-blocks"
                },
            })
            .collect(),
    }
}

/// A State's answer, in words.
pub struct AnswerRow {
    country: String,
    role_key: &'static str,
    authority: String,
    acknowledged: String,
    answer_key: &'static str,
    answer_class: &'static str,
    on: String,
}

/// A shipment, in words.
pub struct ShipmentRow {
    no: u32,
    started: String,
    kg: String,
    holder: String,
    received: String,
    completed: String,
    index: String,
    irregular: bool,
    qr: String,
}

/// A due date, in words.
pub struct DueRow {
    what: String,
    rule: &'static str,
    citation: &'static str,
    due: String,
    overdue: bool,
}

/// What is left under the notification or a consent, in words.
pub struct AllowanceView {
    title: String,
    lines: Vec<String>,
}

fn allowance_view(c: &Ctx, a: &Allowance) -> AllowanceView {
    let t = &c.t;
    let title = match a.country {
        Some(cc) => t.m1("allowance-consent", "country", cc.as_str()),
        None => t.m("allowance-notification"),
    };
    let mut lines = Vec::new();
    if let Some(u) = &a.valid_until {
        lines.push(t.m1("allowance-valid-until", "date", u));
    }
    if let (Some(left), Some(total)) = (a.left_kg, a.max_kg) {
        lines.push(t.m2("allowance-kg", ("left", left), ("total", total)));
    }
    if let (Some(left), Some(total)) = (a.left_shipments, a.max_shipments) {
        lines.push(t.m2("allowance-shipments", ("left", left), ("total", total)));
    }
    AllowanceView { title, lines }
}

/// An irregularity of a shipment (illegal traffic, a material deviation), with its rule.
pub struct FlagRow {
    shipment: String,
    on: String,
    rule: &'static str,
    citation: &'static str,
    sentence: String,
}

/// Every irregularity recorded on the case's shipments, in shipment order.
fn flags(c: &Ctx, case: &Case) -> Vec<FlagRow> {
    case.shipments
        .values()
        .flat_map(|s| {
            s.irregularities.iter().map(|i| FlagRow {
                shipment: c.t.m1("shipment-n", "n", s.shipment_no),
                on: date(i.on),
                rule: i.rule_id.as_str(),
                citation: i.citation,
                sentence: rule_sentence(&c.t, i.rule_id),
            })
        })
        .collect()
}

/// The page of one case.
#[derive(Template)]
#[template(path = "case.html")]
struct CasePage<'a> {
    c: &'a Ctx,
    id: String,
    status_key: &'static str,
    status_class: &'static str,
    route: String,
    facts: Vec<(String, String)>,
    waiting: Vec<(String, bool)>,
    actions: Vec<(String, String)>,
    verdict: Option<VerdictView>,
    allowances: Vec<AllowanceView>,
    answers: Vec<AnswerRow>,
    shipments: Vec<ShipmentRow>,
    due: Vec<DueRow>,
    timeline: Vec<TimelineRow>,
    flags: Vec<FlagRow>,
    filed: Option<String>,
}

/// Query of the case page (`filed`: the leaf index of a filing just made).
#[derive(Deserialize)]
pub struct CaseQuery {
    filed: Option<u64>,
}

/// `GET /cases/{id}`.
pub async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    id: web::Path<String>,
    q: web::Query<CaseQuery>,
) -> HttpResponse {
    let r = show_inner(&ctx, &state, &id, q.filed).await;
    respond(&ctx, r)
}

/// The case `id` if the user may see it.
pub fn visible<'w>(w: &'w World, u: &User, id: &str) -> Result<&'w CaseState, WebError> {
    let me = w.registry.get(&u.id).ok_or(WebError::SignIn)?;
    w.cases
        .get(id)
        .filter(|cs| !roles_in(me, cs).is_empty())
        .ok_or(WebError::NotFound)
}

/// The filings the user may make in the case now.
pub fn user_actions(u: &User, case: &Case) -> Vec<StatementType> {
    let sides = case_view::sides(u.kind, &u.id, u.country, case);
    let mut out = case_view::actions(&sides, u.country, case);
    out.extend(case_view::custody_actions(&sides, &u.id, u.country, case));
    out
}

async fn show_inner(ctx: &Ctx, state: &AppState, id: &str, filed: Option<u64>) -> WebResult {
    let u = ctx.user.as_ref().ok_or(WebError::SignIn)?;
    let w = state.view().await?;
    let cs = visible(&w, u, id)?;
    let case = &cs.case;
    let now = time::OffsetDateTime::now_utc();
    let next = next_verdict(state, case, now);
    let (status_key, status_class) = phase_badge(case.phase);
    let page = CasePage {
        c: ctx,
        id: case.id.clone(),
        status_key,
        status_class,
        route: case.notification.as_ref().map(route).unwrap_or_default(),
        facts: notification_facts(ctx, &w, case),
        waiting: case_view::waits_for(case, next.as_ref())
            .iter()
            .map(|x| (waiting_text(ctx, x, &w), is_mine(u, x)))
            .collect(),
        actions: user_actions(u, case)
            .into_iter()
            .map(|t| {
                (
                    format!(
                        "/cases/{}/file/{}",
                        crate::web::ctx::encode_query(&case.id),
                        t.as_str()
                    ),
                    ctx.t.m(format!("do-{}", t.as_str().replace('.', "-"))),
                )
            })
            .collect(),
        verdict: next.as_ref().map(|v| verdict_view(ctx, v)),
        allowances: case_view::allowances(case)
            .iter()
            .map(|a| allowance_view(ctx, a))
            .collect(),
        answers: answers(ctx, &w, case),
        shipments: shipments(&w, cs, &ctx.origin),
        due: wastetrail_basel::obligations(case, &state.facts, now)
            .iter()
            .map(|o| DueRow {
                what: ctx.t.m(format!("due-{}", obligation_key(o.kind))),
                rule: o.rule_id.as_str(),
                citation: o.citation,
                due: o.due.map(date).unwrap_or_default(),
                overdue: o.overdue,
            })
            .collect(),
        timeline: timeline(ctx, state, &w, cs).await,
        flags: flags(ctx, case),
        filed: filed.map(|i| i.to_string()),
    };
    Ok(render(&page))
}

/// The catalog suffix of an obligation kind.
pub fn obligation_key(k: wastetrail_basel::ObligationKind) -> &'static str {
    use wastetrail_basel::ObligationKind as K;
    match k {
        K::ConfirmReceipt => "confirm-receipt",
        K::ConfirmCompletion => "confirm-completion",
        K::NotifyStateOfImport => "notify-import",
        K::Reimport => "reimport",
        K::IllegalTraffic => "illegal-traffic",
        K::ConsentExpiring => "consent-expiring",
        K::TransitWindowOpen => "transit-window",
        K::Review => "review",
    }
}

fn name_of(w: &World, id: &str) -> String {
    w.registry
        .get(id)
        .map_or_else(|| id.to_owned(), |p| format!("{} ({id})", p.name))
}

fn notification_facts(c: &Ctx, w: &World, case: &Case) -> Vec<(String, String)> {
    let Some(n) = &case.notification else {
        return Vec::new();
    };
    let t = &c.t;
    let codes: Vec<&str> = n.waste.codes.iter().map(|x| x.as_str()).collect();
    vec![
        (
            t.m("fld-kind"),
            t.m(format!(
                "val-{}",
                if n.kind == wastetrail_basel::body::NotificationKind::Single {
                    "single"
                } else {
                    "general"
                }
            )),
        ),
        (t.m("fld-exporter"), name_of(w, &n.exporter)),
        (t.m("fld-disposer"), name_of(w, &n.disposer)),
        (
            t.m("fld-waste"),
            format!("{} — {}", codes.join(", "), n.waste.description),
        ),
        (t.m("fld-operation"), n.operation.as_str().to_owned()),
        (t.m("fld-quantity"), t.m1("kg", "n", n.quantity.total_kg)),
        (
            t.m("fld-planned_shipments"),
            n.planned_shipments.to_string(),
        ),
        (
            t.m("fld-period"),
            format!(
                "{} – {}",
                date(n.period.first_departure),
                date(n.period.last_departure)
            ),
        ),
        (
            t.m("fld-carriers"),
            n.carriers
                .iter()
                .map(|x| name_of(w, x))
                .collect::<Vec<_>>()
                .join(", "),
        ),
    ]
}

fn answers(c: &Ctx, w: &World, case: &Case) -> Vec<AnswerRow> {
    use wastetrail_basel::case::AnswerStatus as A;
    let mut out = Vec::new();
    let rows = case
        .transit
        .iter()
        .map(|a| (a, "state-transit"))
        .chain(case.import.iter().map(|a| (a, "state-import")));
    for (a, role_key) in rows {
        let (answer_key, answer_class, on) = match &a.answer {
            A::Pending => ("answer-pending", "", String::new()),
            A::InformationRequested { on, .. } => ("answer-information", "warn", date(*on)),
            A::Consented { on, .. } => ("answer-consented", "ok", date(*on)),
            A::Denied { on, .. } => ("answer-denied", "bad", date(*on)),
            A::Withdrawn { on, .. } => ("answer-withdrawn", "warn", date(*on)),
        };
        out.push(AnswerRow {
            country: a.country.as_str().to_owned(),
            role_key,
            authority: name_of(w, &a.authority),
            acknowledged: a.acknowledged_on.map(date).unwrap_or_default(),
            answer_key,
            answer_class,
            on,
        });
    }
    let _ = c;
    out
}

/// The shipments of a case, each with the QR payload of its movement document
/// (docs/ledger-format.md §8a) against the current tree size.
fn shipments(w: &World, cs: &CaseState, origin: &str) -> Vec<ShipmentRow> {
    cs.case
        .shipments
        .values()
        .map(|s| {
            let movement = w
                .movements
                .iter()
                .find(|(_, m)| m.case == cs.case.id && m.shipment_no == s.shipment_no);
            let index = movement
                .map(|(_, m)| m.index.to_string())
                .unwrap_or_default();
            let qr = movement
                .map(|(h, m)| {
                    wastetrail_ledger::qr::MovementRef {
                        origin: origin.to_owned(),
                        index: m.index,
                        size: w.size,
                        leaf_hash: *h,
                    }
                    .to_string()
                })
                .unwrap_or_default();
            ShipmentRow {
                no: s.shipment_no,
                started: s.started_on().map(date).unwrap_or_default(),
                kg: s
                    .document
                    .as_ref()
                    .map(|d| d.quantity_kg.to_string())
                    .unwrap_or_default(),
                holder: s
                    .holder
                    .as_deref()
                    .map(|h| name_of(w, h))
                    .unwrap_or_default(),
                received: s.received_on.map(date).unwrap_or_default(),
                completed: s.completed_on.map(date).unwrap_or_default(),
                index,
                irregular: !s.irregularities.is_empty(),
                qr,
            }
        })
        .collect()
}

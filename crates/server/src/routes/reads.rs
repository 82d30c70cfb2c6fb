//! Reads for logged-in participants: cases, the participant directory and the event feed.

use std::time::Duration;

use actix_web::{get, web};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};
use wastetrail_basel::{Participant, Phase};
use wastetrail_ledger::statement::Leaf;
use wastetrail_store::LedgerStore;

use crate::problem::{ApiError, Problem};
use crate::state::{AppState, Caller};
use crate::world::{CaseState, EntryMeta, World, countries_of, roles_in};

/// A participant in the directory.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ParticipantView {
    /// Participant id.
    pub id: String,
    /// Kind (`competent_authority`, `exporter`, ...).
    pub kind: String,
    /// Country.
    pub country: String,
    /// Name.
    pub name: String,
    /// Address.
    pub address: String,
    /// Who registered it.
    pub registered_by: String,
    /// Keys with validity windows (`key_id`, `public_key`, `valid_from`, `valid_until`,
    /// `revoked_at`).
    #[schema(value_type = Vec<Object>)]
    pub keys: Vec<serde_json::Value>,
}

fn participant_view(p: &Participant) -> ParticipantView {
    ParticipantView {
        id: p.id.clone(),
        kind: p.kind.as_str().to_owned(),
        country: p.country.as_str().to_owned(),
        name: p.name.clone(),
        address: p.address.clone(),
        registered_by: p.registered_by.clone(),
        keys: p
            .keys
            .iter()
            .filter_map(|k| serde_json::to_value(k).ok())
            .collect(),
    }
}

/// The participant directory.
#[utoipa::path(
    tag = "reads", security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<ParticipantView>), (status = 401, body = Problem, content_type = "application/problem+json"))
)]
#[get("/participants")]
pub async fn participants(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<Vec<ParticipantView>>, ApiError> {
    let w = state.view().await?;
    caller.record(&w)?;
    Ok(web::Json(
        w.registry.participants().map(participant_view).collect(),
    ))
}

/// One participant.
#[utoipa::path(
    tag = "reads", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Participant id")),
    responses((status = 200, body = ParticipantView), (status = 404, body = Problem, content_type = "application/problem+json"))
)]
#[get("/participants/{id}")]
pub async fn participant(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<ParticipantView>, ApiError> {
    let w = state.view().await?;
    caller.record(&w)?;
    let p = w
        .registry
        .get(&id)
        .ok_or_else(|| ApiError::not_found(format!("No participant {id}.")))?;
    Ok(web::Json(participant_view(p)))
}

/// Filters of the case list.
#[derive(Debug, Deserialize, IntoParams)]
pub struct CaseQuery {
    /// Phase: `new`, `submitted`, `transmitted`, `denied`, `withdrawn`, `completed`.
    #[param(pattern = "^(new|submitted|transmitted|denied|withdrawn|completed)$")]
    pub status: Option<String>,
    /// The caller's role in the case: `exporter`, `notifier`, `generator`, `importer`,
    /// `disposer`, `carrier`, `authority_of_export`, `authority_of_import`,
    /// `authority_of_transit`, `authority` (of a State where a shipment was seen),
    /// `customs`, `auditor`, `filer`.
    #[param(
        pattern = "^(exporter|notifier|generator|importer|disposer|carrier|authority_of_export|authority_of_import|authority_of_transit|authority|customs|auditor|filer)$"
    )]
    pub role: Option<String>,
    /// A State concerned (ISO 3166-1 alpha-2).
    pub state: Option<String>,
    /// Only cases with an obligation due on or before this date (`YYYY-MM-DD`).
    pub due_before: Option<String>,
}

/// The phases `status` may name (`wastetrail_basel::Phase` in its wire form).
const PHASES: [&str; 6] = [
    "new",
    "submitted",
    "transmitted",
    "denied",
    "withdrawn",
    "completed",
];

/// The roles `role` may name (`world::roles_in`).
pub(crate) const ROLES: [&str; 13] = [
    "exporter",
    "notifier",
    "generator",
    "importer",
    "disposer",
    "carrier",
    "authority_of_export",
    "authority_of_import",
    "authority_of_transit",
    "authority",
    "customs",
    "auditor",
    "filer",
];

/// 400 `invalid_parameter` unless `value` is absent or one of `allowed`.
fn check_one_of(name: &str, value: Option<&str>, allowed: &[&str]) -> Result<(), ApiError> {
    match value {
        Some(v) if !allowed.contains(&v) => Err(ApiError::bad_request(
            "invalid_parameter",
            format!("{name} must be one of {}", allowed.join(", ")),
        )),
        _ => Ok(()),
    }
}

/// A case in a list.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CaseSummary {
    /// Case id (notification number).
    pub id: String,
    /// Phase.
    pub status: String,
    /// The caller's roles in the case.
    pub roles: Vec<String>,
    /// States concerned (export, transit..., import).
    pub states: Vec<String>,
    /// Exporter.
    pub exporter: Option<String>,
    /// Disposer.
    pub disposer: Option<String>,
    /// Number of statements.
    pub statements: u64,
    /// Leaf hash of the case's last entry (the `prev` of the next statement).
    pub head: String,
    /// The earliest due date of an open obligation.
    pub next_due: Option<String>,
}

fn phase_str(p: Phase) -> String {
    serde_json::to_value(p)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

const DATE: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

fn fmt_date(d: Date) -> String {
    d.format(DATE).unwrap_or_default()
}

fn summary(
    state: &AppState,
    cs: &CaseState,
    caller: &Participant,
    now: time::OffsetDateTime,
) -> CaseSummary {
    let next_due = wastetrail_basel::obligations(&cs.case, &state.facts, now)
        .iter()
        .filter_map(|o| o.due)
        .min()
        .map(fmt_date);
    let n = cs.case.notification.as_ref();
    CaseSummary {
        id: cs.case.id.clone(),
        status: phase_str(cs.case.phase),
        roles: roles_in(caller, cs)
            .into_iter()
            .map(str::to_owned)
            .collect(),
        states: countries_of(cs)
            .iter()
            .map(|c| c.as_str().to_owned())
            .collect(),
        exporter: n.map(|n| n.exporter.clone()),
        disposer: n.map(|n| n.disposer.clone()),
        statements: cs.entries.len() as u64,
        head: hex::encode(cs.head),
        next_due,
    }
}

/// The cases the caller may see (parties, authorities and customs of the States concerned,
/// auditors: all), filtered.
#[utoipa::path(
    tag = "reads", security(("bearer" = []), ("cookie" = [])),
    params(CaseQuery),
    responses((status = 200, body = Vec<CaseSummary>), (status = 400, body = Problem, content_type = "application/problem+json"))
)]
#[get("/cases")]
pub async fn cases(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<CaseQuery>,
) -> Result<web::Json<Vec<CaseSummary>>, ApiError> {
    let due_before = q
        .due_before
        .as_deref()
        .map(|d| {
            Date::parse(d, DATE).map_err(|_| {
                ApiError::bad_request("invalid_parameter", "due_before must be YYYY-MM-DD")
            })
        })
        .transpose()?;
    check_one_of("status", q.status.as_deref(), &PHASES)?;
    check_one_of("role", q.role.as_deref(), &ROLES)?;
    let w = state.view().await?;
    let me = caller.record(&w)?;
    let now = time::OffsetDateTime::now_utc();
    let mut out = Vec::new();
    for cs in w.cases.values() {
        let roles = roles_in(me, cs);
        if roles.is_empty() {
            continue;
        }
        if let Some(s) = &q.status
            && phase_str(cs.case.phase) != *s
        {
            continue;
        }
        if let Some(r) = &q.role
            && !roles.contains(&r.as_str())
        {
            continue;
        }
        if let Some(st) = &q.state
            && !countries_of(cs).iter().any(|c| c.as_str() == st)
        {
            continue;
        }
        if let Some(d) = due_before {
            let due = wastetrail_basel::obligations(&cs.case, &state.facts, now)
                .iter()
                .filter_map(|o| o.due)
                .any(|x| x <= d);
            if !due {
                continue;
            }
        }
        out.push(summary(&state, cs, me, now));
    }
    Ok(web::Json(out))
}

/// One entry of a timeline or feed.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct EntryView {
    /// Leaf index.
    pub index: u64,
    /// Leaf hash, lowercase hex.
    pub leaf_hash: String,
    /// Case (`registry` for registry statements).
    pub case: String,
    /// Statement type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Actor.
    pub actor: String,
    /// When the actor signed.
    pub issued_at: String,
    /// When the log integrated it.
    pub integrated_at: String,
    /// In the event feed: the inclusion proof of the entry in the tree of the page's
    /// `checkpoint` (lowercase hex, RFC 9162 §2.1.3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proof: Option<Vec<String>>,
}

fn entry_view(e: &EntryMeta) -> EntryView {
    EntryView {
        index: e.index,
        leaf_hash: hex::encode(e.leaf_hash),
        case: e.case.clone(),
        kind: e.kind.clone(),
        actor: e.actor.clone(),
        issued_at: e.issued_at.clone(),
        integrated_at: e.integrated_at.clone(),
        proof: None,
    }
}

/// A case with everything the parties need.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CaseDetail {
    /// Summary.
    pub summary: CaseSummary,
    /// The case state (notification, answers, shipments).
    #[schema(value_type = Object)]
    pub case: serde_json::Value,
    /// Its entries in order.
    pub timeline: Vec<EntryView>,
    /// The statements: index, leaf hash, integration time, the signed statement, its
    /// disclosure (`{salt, body, personal}`) and the body with contact persons (`body`).
    #[schema(value_type = Vec<Object>)]
    pub statements: Vec<serde_json::Value>,
    /// `may_start` per shipment: at their start for started shipments, now for the next one.
    #[schema(value_type = Vec<Object>)]
    pub verdicts: Vec<serde_json::Value>,
    /// Open obligations.
    #[schema(value_type = Vec<Object>)]
    pub obligations: Vec<serde_json::Value>,
}

/// A case with its timeline, statements, verdicts and obligations.
#[utoipa::path(
    tag = "reads", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = CaseDetail), (status = 404, body = Problem, content_type = "application/problem+json"))
)]
#[get("/cases/{id}")]
pub async fn case(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<CaseDetail>, ApiError> {
    let now = time::OffsetDateTime::now_utc();
    let (summary, case, timeline, indexes, verdicts, obligations) = {
        let w = state.view().await?;
        let me = caller.record(&w)?;
        // Unknown and invisible cases look the same.
        let cs = w
            .cases
            .get(id.as_str())
            .filter(|cs| !roles_in(me, cs).is_empty())
            .ok_or_else(|| ApiError::not_found(format!("No case {id} that you may see.")))?;
        let mut verdicts = Vec::new();
        for (leaf_hash, m) in w.movements.iter().filter(|(_, m)| m.case == cs.case.id) {
            // The QR payload to print on the movement document (docs/ledger-format.md §8a).
            let qr = wastetrail_ledger::qr::MovementRef {
                origin: state.config.origin.clone(),
                index: m.index,
                size: w.size,
                leaf_hash: *leaf_hash,
            };
            verdicts.push(serde_json::json!({
                "shipment_no": m.shipment_no, "started": true, "index": m.index,
                "leaf_hash": hex::encode(leaf_hash), "qr": qr.to_string(),
                "verdict": serde_json::to_value(&m.verdict).unwrap_or_default(),
            }));
        }
        verdicts.sort_by_key(|v| v["shipment_no"].as_u64());
        if let Some(n) = &cs.case.notification {
            let next = (1..=n.planned_shipments).find(|no| !cs.case.shipments.contains_key(no));
            if let Some(no) = next {
                let v = wastetrail_basel::may_start(&cs.case, no, &state.facts, now);
                verdicts.push(serde_json::json!({
                    "shipment_no": no, "started": false,
                    "verdict": serde_json::to_value(&v).unwrap_or_default(),
                }));
            }
        }
        let obligations = wastetrail_basel::obligations(&cs.case, &state.facts, now)
            .iter()
            .filter_map(|o| serde_json::to_value(o).ok())
            .collect::<Vec<_>>();
        let timeline: Vec<EntryView> = cs
            .entries
            .iter()
            .filter_map(|&i| usize::try_from(i).ok().and_then(|i| w.entries.get(i)))
            .map(entry_view)
            .collect();
        (
            summary(&state, cs, me, now),
            serde_json::to_value(&cs.case).map_err(ApiError::internal)?,
            timeline,
            cs.entries.clone(),
            verdicts,
            obligations,
        )
    };
    let mut statements = Vec::with_capacity(indexes.len());
    for i in indexes {
        if let Some(e) = state.store.entry(i).await?
            && let Ok(leaf) = Leaf::parse(&e.data)
        {
            statements.push(statement_view(&state, i, &e.leaf_hash, &leaf).await?);
        }
    }
    Ok(web::Json(CaseDetail {
        summary,
        case,
        timeline,
        statements,
        verdicts,
        obligations,
    }))
}

/// One statement of a case as its parties read it: the leaf (signed statement, integration
/// time), the disclosure stored beside it (`{salt, body, personal}`, checkable against the
/// statement's commitment) and the body with the contact persons put back (`body`; erased
/// ones stay placeholders, and `erased_at` says when).
pub(crate) async fn statement_view(
    state: &AppState,
    index: u64,
    leaf_hash: &wastetrail_ledger::merkle::Hash,
    leaf: &Leaf,
) -> Result<serde_json::Value, ApiError> {
    let stored = state.store.disclosures(index, 1).await?.into_iter().next();
    let disclosure = stored
        .as_ref()
        .and_then(|d| wastetrail_ledger::disclosure::Disclosure::parse(&d.data).ok());
    Ok(serde_json::json!({
        "index": index,
        "leaf_hash": hex::encode(leaf_hash),
        "integrated_at": leaf.integrated_at.to_string(),
        "statement": leaf.statement.to_value(),
        "sig": leaf.signed_statement().to_value()["sig"],
        "body": disclosure.as_ref().map(|d| d.full_body()),
        "disclosure": disclosure.as_ref().map(|d| d.to_value()),
        "erased_at": stored.and_then(|d| d.erased_at),
    }))
}

/// Event feed query.
#[derive(Debug, Deserialize, IntoParams)]
pub struct EventsQuery {
    /// Log position: entries with index >= `after` (the `next` of the previous answer; 0 at
    /// the start).
    pub after: Option<u64>,
    /// At most this many entries (1..=500, default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// Long poll: wait up to this many seconds for an entry (capped by the server's
    /// `long_poll_max`; default 0 = answer at once).
    pub wait: Option<u64>,
}

/// A page of the event feed.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct EventsPage {
    /// Entries the caller may see, in log order.
    pub entries: Vec<EntryView>,
    /// Pass as `after` to continue.
    pub next: u64,
    /// Current tree size.
    pub size: u64,
    /// The signed checkpoint every entry's `proof` leads to.
    pub checkpoint: String,
}

fn collect(w: &World, me: &Participant, after: u64, limit: usize) -> (Vec<EntryView>, u64) {
    let mut out = Vec::new();
    // Scanned everything up to the view's size unless the page filled up first.
    let mut next = w.size.max(after);
    let start = usize::try_from(after).unwrap_or(usize::MAX);
    for e in w.entries.iter().skip(start) {
        if w.may_see_entry(me, e) {
            out.push(entry_view(e));
            if out.len() >= limit {
                next = e.index + 1;
                break;
            }
        }
    }
    (out, next)
}

/// A page of the feed with every entry's inclusion proof against the latest checkpoint.
async fn with_proofs(
    state: &AppState,
    mut entries: Vec<EntryView>,
    next: u64,
    size: u64,
) -> Result<EventsPage, ApiError> {
    let cp = state.store.latest_checkpoint().await?;
    for e in &mut entries {
        if e.index < cp.checkpoint.size {
            let p = state
                .store
                .inclusion_proof(e.index, cp.checkpoint.size)
                .await?;
            e.proof = Some(p.hashes.iter().map(hex::encode).collect());
        }
    }
    Ok(EventsPage {
        entries,
        next,
        size,
        checkpoint: cp.note,
    })
}

/// The entries the caller may see after a log position (long poll with `wait`), each with
/// its inclusion proof against the page's checkpoint.
#[utoipa::path(
    tag = "reads", security(("bearer" = []), ("cookie" = [])),
    params(EventsQuery),
    responses((status = 200, body = EventsPage), (status = 401, body = Problem, content_type = "application/problem+json"))
)]
#[get("/events")]
pub async fn events(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<EventsQuery>,
) -> Result<web::Json<EventsPage>, ApiError> {
    let after = q.after.unwrap_or(0);
    let limit = q.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::bad_request(
            "invalid_parameter",
            "limit must be between 1 and 500",
        ));
    }
    let limit = usize::try_from(limit).unwrap_or(100);
    let wait = Duration::from_secs(q.wait.unwrap_or(0)).min(state.config.long_poll_max);
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let notified = state.appended.notified();
        {
            let w = state.view().await?;
            let me = caller.record(&w)?;
            let (entries, next) = collect(&w, me, after, limit);
            if !entries.is_empty() || tokio::time::Instant::now() >= deadline {
                let size = w.size;
                drop(w);
                return Ok(web::Json(with_proofs(&state, entries, next, size).await?));
            }
        }
        // Woken by a local append, or poll the log for other instances' appends.
        let poll = deadline.min(tokio::time::Instant::now() + Duration::from_millis(250));
        let _ = tokio::time::timeout_at(poll, notified).await;
    }
}

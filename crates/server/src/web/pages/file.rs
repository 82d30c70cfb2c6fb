//! Filing through forms: a new notification, and every filing in an existing case. A form is
//! posted, checked against the rules (the same `wastetrail_verify::decide` the ledger runs),
//! and either shown again with every problem next to its field, or turned into the
//! review-and-sign page.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde_json::Value;
use wastetrail_basel::{Filing, RuleId, StatementType};
use wastetrail_ledger::disclosure::Disclosure;
use wastetrail_verify::Refusal;

use crate::state::AppState;
use crate::web::ctx::{User, encode_query};
use crate::web::fields::{self, Section};
use crate::web::filings::{self, Env};
use crate::web::forms::{FieldErrors, FormData, nearest_field};
use crate::web::pages::cases::{VerdictView, next_verdict, user_actions, verdict_view, visible};
use crate::web::sign::{Prepared, SignPage};
use crate::web::views::rule_sentence;
use crate::web::{Ctx, WebError, WebResult, render, render_status, respond};
use crate::world::World;
use wastetrail_basel::REGISTRY_CASE;

/// A refusal shown above the form.
pub struct RefusalView {
    rule: String,
    citation: String,
    sentence: String,
}

/// A filing form.
#[derive(Template)]
#[template(path = "form.html")]
struct FormPage<'a> {
    c: &'a Ctx,
    title: String,
    intro: String,
    case: String,
    action: String,
    cancel: String,
    sections: Vec<Section>,
    general: Vec<String>,
    refusal: Option<RefusalView>,
    codes: Vec<(String, String)>,
    draft: bool,
    verdict: Option<VerdictView>,
}

/// `GET /notifications/new`.
pub async fn new_notification(ctx: Ctx, state: web::Data<AppState>) -> HttpResponse {
    let r = flow(
        &ctx,
        &state,
        StatementType::NotificationSubmitted,
        None,
        None,
    )
    .await;
    respond(&ctx, r)
}

/// `POST /notifications/new`.
pub async fn post_notification(
    ctx: Ctx,
    state: web::Data<AppState>,
    form: web::Form<Vec<(String, String)>>,
) -> HttpResponse {
    let form = FormData::new(form.into_inner());
    let r = flow(
        &ctx,
        &state,
        StatementType::NotificationSubmitted,
        None,
        Some(form),
    )
    .await;
    respond(&ctx, r)
}

/// `GET /registry/file/{type}`.
pub async fn registry_form(
    ctx: Ctx,
    state: web::Data<AppState>,
    kind: web::Path<String>,
) -> HttpResponse {
    let r = match StatementType::parse(&kind).filter(|k| k.is_registry()) {
        Some(k) => flow(&ctx, &state, k, Some(REGISTRY_CASE), None).await,
        None => Err(WebError::NotFound),
    };
    respond(&ctx, r)
}

/// `POST /registry/file/{type}`.
pub async fn post_registry(
    ctx: Ctx,
    state: web::Data<AppState>,
    kind: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> HttpResponse {
    let form = FormData::new(form.into_inner());
    let r = match StatementType::parse(&kind).filter(|k| k.is_registry()) {
        Some(k) => flow(&ctx, &state, k, Some(REGISTRY_CASE), Some(form)).await,
        None => Err(WebError::NotFound),
    };
    respond(&ctx, r)
}

/// Query of a filing page: the shipment it is about (steps of the chain of custody).
#[derive(serde::Deserialize)]
pub struct ActionQuery {
    shipment: Option<u32>,
}

/// `GET /cases/{id}/file/{type}`.
pub async fn action(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    q: web::Query<ActionQuery>,
) -> HttpResponse {
    let (id, kind) = path.into_inner();
    let r = match StatementType::parse(&kind) {
        Some(k) => flow_for(&ctx, &state, k, Some(&id), None, q.shipment).await,
        None => Err(WebError::NotFound),
    };
    respond(&ctx, r)
}

/// `POST /cases/{id}/file/{type}`.
pub async fn post_action(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: web::Form<Vec<(String, String)>>,
) -> HttpResponse {
    let (id, kind) = path.into_inner();
    let form = FormData::new(form.into_inner());
    let r = match StatementType::parse(&kind) {
        Some(k) => flow(&ctx, &state, k, Some(&id), Some(form)).await,
        None => Err(WebError::NotFound),
    };
    respond(&ctx, r)
}

fn may_file(
    u: &User,
    kind: StatementType,
    w: &World,
    case_id: Option<&str>,
) -> Result<(), WebError> {
    match case_id {
        None if kind == StatementType::NotificationSubmitted && u.notifies() => Ok(()),
        None => Err(WebError::Forbidden),
        Some(REGISTRY_CASE) if kind.is_registry() && u.registers() => Ok(()),
        Some(REGISTRY_CASE) => Err(WebError::Forbidden),
        Some(id) => {
            let cs = visible(w, u, id)?;
            if user_actions(u, &cs.case).contains(&kind) {
                Ok(())
            } else {
                Err(WebError::Forbidden)
            }
        }
    }
}

async fn flow(
    ctx: &Ctx,
    state: &AppState,
    kind: StatementType,
    case_id: Option<&str>,
    form: Option<FormData>,
) -> WebResult {
    flow_for(ctx, state, kind, case_id, form, None).await
}

async fn flow_for(
    ctx: &Ctx,
    state: &AppState,
    kind: StatementType,
    case_id: Option<&str>,
    form: Option<FormData>,
    shipment: Option<u32>,
) -> WebResult {
    let u = ctx.user.as_ref().ok_or(WebError::SignIn)?;
    let w = state.view().await?;
    may_file(u, kind, &w, case_id)?;
    let now = time::OffsetDateTime::now_utc();
    let case = case_id.and_then(|id| w.cases.get(id)).map(|cs| &cs.case);
    let env = Env {
        c: ctx,
        w: &w,
        user: u,
        case,
        today: now.date(),
        shipment,
    };
    let mut sections = filings::sections(kind, &env).ok_or(WebError::NotFound)?;
    let (action, cancel) = match case_id {
        Some(REGISTRY_CASE) => (
            format!("/registry/file/{}", kind.as_str()),
            "/registry".to_owned(),
        ),
        Some(id) => (
            format!("/cases/{}/file/{}", encode_query(id), kind.as_str()),
            format!("/cases/{}", encode_query(id)),
        ),
        None => ("/notifications/new".to_owned(), "/cases".to_owned()),
    };
    // Before a movement starts, the page says whether `may_start` allows it, and why not.
    let verdict = || {
        (kind == StatementType::MovementStarted)
            .then(|| case.and_then(|c| next_verdict(state, c, now)))
            .flatten()
            .map(|v| verdict_view(ctx, &v))
    };
    let page = |sections: Vec<Section>, errors: &FieldErrors, refusal: Option<RefusalView>| {
        let mut p = form_page(
            ctx, kind, case_id, &action, &cancel, sections, errors, refusal,
        );
        p.verdict = verdict();
        p
    };
    let Some(form) = form else {
        return Ok(render(&page(sections, &FieldErrors::default(), None)));
    };
    if !ctx.csrf_ok(form.get("csrf")) {
        return Err(WebError::Csrf);
    }
    fields::fill(&mut sections, &form);
    if !form.get("_edit").is_empty() {
        // Back from the review page, possibly with the ledger's refusal.
        let (errors, refusal) = client_refusal(ctx, &sections, form.get("_refusal"));
        let status = if refusal.is_some() || !errors.is_empty() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        };
        return Ok(render_status(status, &page(sections, &errors, refusal)));
    }
    let case_id = case_id.map_or_else(|| form.get("_case").to_owned(), str::to_owned);
    let mut body = fields::body(&sections);
    filings::derive(kind, form.get("_key"), &mut body);
    match precheck(state, &w, u, kind, &case_id, &body, now) {
        Ok(()) => {
            let prepared = Prepared {
                kind: kind.as_str().to_owned(),
                case: case_id.clone(),
                actor: u.id.clone(),
                key: u.key_id.clone(),
                prev: w.head_of(&case_id).map(hex::encode),
                body,
                form_action: action.clone(),
                done: if case_id == REGISTRY_CASE {
                    "/registry".to_owned()
                } else {
                    format!("/cases/{}", encode_query(&case_id))
                },
            };
            let sign = SignPage::new(
                ctx,
                &prepared,
                &sections,
                form.user_fields(),
                now.unix_timestamp(),
            );
            Ok(render(&sign))
        }
        Err(r) => {
            let (errors, refusal) = refusal_errors(ctx, &sections, &r);
            Ok(render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page(sections, &errors, refusal),
            ))
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn form_page<'a>(
    ctx: &'a Ctx,
    kind: StatementType,
    case_id: Option<&str>,
    action: &str,
    cancel: &str,
    mut sections: Vec<Section>,
    errors: &FieldErrors,
    refusal: Option<RefusalView>,
) -> FormPage<'a> {
    let general = fields::attach(&mut sections, errors);
    let has_codes = sections
        .iter()
        .flat_map(|s| s.fields.iter())
        .any(|f| !f.datalist().is_empty());
    let key = kind.as_str().replace('.', "-");
    FormPage {
        c: ctx,
        title: ctx.t.m(format!("do-{key}")),
        intro: ctx.t.m(format!("intro-{key}")),
        case: case_id
            .filter(|c| *c != REGISTRY_CASE)
            .unwrap_or_default()
            .to_owned(),
        action: action.to_owned(),
        cancel: cancel.to_owned(),
        sections,
        general,
        refusal,
        codes: if has_codes { code_list() } else { Vec::new() },
        draft: kind == StatementType::NotificationSubmitted,
        verdict: None,
    }
}

/// The waste codes in force today, with their short descriptions (the search list).
fn code_list() -> Vec<(String, String)> {
    let today = time::OffsetDateTime::now_utc().date();
    wastetrail_basel::codes::all_codes()
        .iter()
        .filter(|c| {
            c.valid_from.is_none_or(|d| d <= today) && c.valid_until.is_none_or(|d| d >= today)
        })
        .map(|c| {
            let mut d = c.description.clone();
            if d.len() > 90 {
                let mut cut = 90;
                while !d.is_char_boundary(cut) {
                    cut -= 1;
                }
                d.truncate(cut);
                d.push('…');
            }
            (c.code.as_str().to_owned(), d)
        })
        .collect()
}

/// The same decision the ledger makes, before anything is signed: the body sealed as the
/// browser will seal it (the rules read the redacted body), contact persons checked, then
/// `wastetrail_verify::decide` on the case as it stands, at this time.
fn precheck(
    state: &AppState,
    w: &World,
    u: &User,
    kind: StatementType,
    case_id: &str,
    body: &Value,
    now: time::OffsetDateTime,
) -> Result<(), Refusal> {
    let sealed = Disclosure::seal(body.clone()).map_err(|e| {
        Refusal::Rule(wastetrail_basel::Refusal::new(
            RuleId::Case02,
            e.to_string(),
        ))
    })?;
    let personal: Vec<_> = sealed
        .personal()
        .iter()
        .flat_map(|p| {
            wastetrail_basel::check_contact(&p.value, &format!("${}", p.path.replace('/', ".")))
        })
        .collect();
    if !personal.is_empty() {
        let mut r = wastetrail_basel::Refusal::new(RuleId::Case02, "contact person");
        r.errors = personal;
        return Err(Refusal::Rule(r));
    }
    let cs = w.cases.get(case_id);
    let head = w.head_of(case_id);
    let filing = Filing::new(kind, case_id, &u.id, now, sealed.body_value());
    wastetrail_verify::decide(
        &w.registry,
        cs.map(|c| &c.case),
        head,
        head,
        &filing,
        &state.facts,
        now,
    )
    .map(|_| ())
}

/// A field error message in the user's language.
fn err_text(ctx: &Ctx, message: &str) -> String {
    let key = match message {
        "is required" => "err-required",
        "must not be empty" => "err-empty",
        "must be a date written YYYY-MM-DD" => "err-date",
        "must be at least 1 kilogram" => "err-kg",
        "must be a whole number from 1 to 4294967295" | "must be at least 1" => "err-count",
        "must have at least one element" => "err-nonempty",
        "must be true or false" => "err-bool",
        m if m.starts_with("must be at most") => "err-too-long",
        _ => "err-invalid",
    };
    ctx.t.m(key)
}

/// The words of a rule refusal: rule ID, citation and the sentence in the user's language.
fn rule_words(ctx: &Ctx, rule: RuleId) -> RefusalView {
    RefusalView {
        rule: rule.as_str().to_owned(),
        citation: rule.citation().to_owned(),
        sentence: rule_sentence(&ctx.t, rule),
    }
}

/// Field errors and the refusal block of a refusal.
fn refusal_errors(
    ctx: &Ctx,
    sections: &[Section],
    r: &Refusal,
) -> (FieldErrors, Option<RefusalView>) {
    let mut errors = FieldErrors::default();
    match r {
        Refusal::Rule(rule) => {
            let words = rule_words(ctx, rule.rule_id);
            place(
                ctx,
                sections,
                rule.rule_id,
                &words,
                rule.errors
                    .iter()
                    .map(|e| (e.path.as_str(), e.message.as_str())),
                &mut errors,
            );
            (errors, Some(words))
        }
        other => {
            errors.add("", ctx.t.m(format!("problem-{}", other.code())));
            (errors, None)
        }
    }
}

/// Puts a refusal's field errors next to their fields, or the rule next to the field it
/// concerns.
fn place<'e>(
    ctx: &Ctx,
    sections: &[Section],
    rule: RuleId,
    words: &RefusalView,
    field_errors: impl Iterator<Item = (&'e str, &'e str)>,
    errors: &mut FieldErrors,
) {
    let known = |f: &str| fields::has_field(sections, f);
    let mut any = false;
    for (path, message) in field_errors {
        any = true;
        errors.add(&nearest_field(path, known), err_text(ctx, message));
    }
    if !any {
        let line = format!("{} ({}): {}", words.rule, words.citation, words.sentence);
        let field = filings::rule_fields(rule)
            .iter()
            .find(|f| known(f))
            .copied()
            .unwrap_or("");
        errors.add(field, line);
    }
}

/// The refusal the browser got from the ledger (a problem document), posted back with the
/// form. Only the rule ID and the paths are read from it; the words come from the catalog.
fn client_refusal(
    ctx: &Ctx,
    sections: &[Section],
    raw: &str,
) -> (FieldErrors, Option<RefusalView>) {
    let mut errors = FieldErrors::default();
    let Ok(p) = serde_json::from_str::<Value>(raw) else {
        return (errors, None);
    };
    let code = p["code"].as_str().unwrap_or("other");
    let Some(rule) = p["rule_id"].as_str().and_then(RuleId::parse) else {
        let key = format!("problem-{code}");
        errors.add(
            "",
            ctx.t.get(&key).unwrap_or_else(|| ctx.t.m("problem-other")),
        );
        return (errors, None);
    };
    let words = rule_words(ctx, rule);
    let list: Vec<(String, String)> = p["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| {
                    (
                        e["path"].as_str().unwrap_or("$").to_owned(),
                        e["message"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    place(
        ctx,
        sections,
        rule,
        &words,
        list.iter().map(|(a, b)| (a.as_str(), b.as_str())),
        &mut errors,
    );
    (errors, Some(words))
}

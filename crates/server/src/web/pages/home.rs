//! The home page, signing in and out, and the language switch.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::state::{AppState, SESSION_COOKIE, session_token};
use crate::web::ctx::local_path;
use crate::web::i18n::{LANG_COOKIE, Lang};
use crate::web::{Ctx, WebError, forms::FormData, render, respond, see_other};

/// The home page.
#[derive(Template)]
#[template(path = "home.html")]
struct Home<'a> {
    c: &'a Ctx,
    size: u64,
}

/// `GET /`: what wastetrail is and where to start; signed-in participants go to their cases.
pub async fn home(ctx: Ctx, state: web::Data<AppState>) -> HttpResponse {
    if ctx.user.is_some() {
        return see_other("/cases");
    }
    let size = state.view().await.map(|w| w.size).unwrap_or(0);
    render(&Home { c: &ctx, size })
}

/// The sign-in page.
#[derive(Template)]
#[template(path = "signin.html")]
struct SignIn<'a> {
    c: &'a Ctx,
    next: String,
    signed_out: bool,
    messages: String,
}

/// Query of the sign-in page.
#[derive(Deserialize)]
pub struct SignInQuery {
    next: Option<String>,
    out: Option<String>,
}

/// `GET /signin`: open a key file; the browser signs the login challenge with it.
pub async fn signin(ctx: Ctx, q: web::Query<SignInQuery>) -> HttpResponse {
    let next = local_path(q.next.as_deref()).unwrap_or_else(|| "/cases".to_owned());
    let t = &ctx.t;
    let messages = crate::web::sign::script_json(&serde_json::json!({
        "working": t.m("signin-working"),
        "nofile": t.m("signin-nofile"),
        "badkey": t.m("signin-badkey"),
        "refused": t.m("signin-refused"),
        "failed": t.m("signin-failed"),
        "done": t.m("signin-done"),
    }));
    render(&SignIn {
        c: &ctx,
        next,
        signed_out: q.out.is_some(),
        messages,
    })
}

/// `POST /signout`: ends the session (the page's script has deleted the key from the
/// browser before posting; the sign-in page does it again).
pub async fn signout(
    ctx: Ctx,
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<Vec<(String, String)>>,
) -> HttpResponse {
    let form = FormData::new(form.into_inner());
    if ctx.user.is_none() {
        return see_other("/signin?out=1");
    }
    if !ctx.csrf_ok(form.get("csrf")) {
        return respond(&ctx, Err(WebError::Csrf));
    }
    if let Some(token) = session_token(&req) {
        state.sessions.close(&token);
    }
    let mut gone = Cookie::build(SESSION_COOKIE, "").path("/").finish();
    gone.make_removal();
    let mut r = see_other("/signin?out=1");
    let _ = r.add_cookie(&gone);
    r
}

/// Query of the language switch.
#[derive(Deserialize)]
pub struct LangQuery {
    next: Option<String>,
}

/// `GET /lang/{code}?next=PATH`: remembers the language in a cookie and goes back.
pub async fn switch_lang(code: web::Path<String>, q: web::Query<LangQuery>) -> HttpResponse {
    let next = local_path(q.next.as_deref()).unwrap_or_else(|| "/".to_owned());
    let mut r = see_other(&next);
    if let Some(lang) = Lang::from_tag(&code).filter(|l| l.code() == code.as_str()) {
        let cookie = Cookie::build(LANG_COOKIE, lang.code())
            .path("/")
            .same_site(SameSite::Lax)
            .max_age(actix_web::cookie::time::Duration::days(365))
            .finish();
        let _ = r.add_cookie(&cookie);
    }
    r
}

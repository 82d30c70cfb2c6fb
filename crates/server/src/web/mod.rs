//! The web front end: server-rendered HTML pages for exporters, competent authorities,
//! customs, carriers, disposers and auditors over the same log, rules and sessions as the
//! JSON API.
//!
//! **How it is built.** One askama template struct per page and fragment
//! (`crates/server/templates/`, compiled into the binary and auto-escaped); every
//! user-facing string comes from the Fluent catalogs of [`i18n`] (English, French, Spanish);
//! the style sheet and the few scripts are embedded ([`assets`]). Plain JavaScript runs only
//! where the browser must act: reading the key file and signing the login challenge
//! (`signin.js`), sealing and signing a statement (`sign.js`, `wt.js`), scanning a QR code
//! (`border.js`), checking a proof against the log key (`verify.js`). No framework, no
//! CDN, no inline script or style: the Content-Security-Policy ([`CSP`]) forbids them.
//!
//! **Keys stay in the browser.** The private key is imported by WebCrypto as a
//! non-extractable Ed25519 key and kept in IndexedDB until sign-out; the server never sees
//! it. Every filing is prepared by the server (the form is checked against the rules with
//! the same `wastetrail_verify::decide` the append path runs), shown to the user, and then
//! sealed (salted commitment, salts drawn in the browser), signed and submitted by the
//! browser to `POST /api/v1/statements`.
//!
//! **Sessions and forms.** The session is the API's HttpOnly, SameSite=Strict cookie; every
//! form post carries a CSRF token derived from the session ([`ctx::csrf_token`]).
//!
//! These routes are not part of the OpenAPI document: they are pages, not API.

pub mod assets;
mod case_view;
mod charts;
pub mod ctx;
mod fields;
mod filings;
mod forms;
pub mod i18n;
mod pages;
mod sign;
mod timeline;
mod views;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use askama::Template;

pub use ctx::Ctx;

use crate::problem::ApiError;

/// The Content-Security-Policy of every page: only this origin's scripts, styles, images
/// and connections; no inline script or style, no plugin, no framing, forms only to this
/// origin.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Registers the pages and the static assets.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/static/{name}", web::get().to(assets::serve));
    pages::configure(cfg);
}

/// An HTML answer with the security headers of every page.
pub fn html(status: StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(("Content-Security-Policy", CSP))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "same-origin"))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body)
}

/// Renders a page template with status 200.
pub fn render(page: &impl Template) -> HttpResponse {
    render_status(StatusCode::OK, page)
}

/// Renders a page template with `status`.
pub fn render_status(status: StatusCode, page: &impl Template) -> HttpResponse {
    match page.render() {
        Ok(body) => html(status, body),
        Err(e) => {
            tracing::error!(error = %e, "a page template failed to render");
            HttpResponse::InternalServerError()
                .content_type("text/plain; charset=utf-8")
                .body("The page could not be rendered.")
        }
    }
}

/// A redirect after a form post or to the sign-in page (`303 See Other`).
pub fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish()
}

/// Why a page cannot be shown.
#[derive(Debug)]
pub enum WebError {
    /// Nobody is signed in: go to the sign-in page and come back.
    SignIn,
    /// The form's CSRF token is missing or wrong.
    Csrf,
    /// The signed-in participant may not use this page.
    Forbidden,
    /// No such page or case (or one the participant may not see).
    NotFound,
    /// An error of the layer below, as a problem.
    Api(ApiError),
}

impl From<ApiError> for WebError {
    fn from(e: ApiError) -> Self {
        WebError::Api(e)
    }
}

/// The result of a page handler.
pub type WebResult = Result<HttpResponse, WebError>;

/// The answer to a page handler's result: the page, a redirect to sign in, or the error page
/// in the user's language.
pub fn respond(ctx: &Ctx, r: WebResult) -> HttpResponse {
    match r {
        Ok(page) => page,
        Err(WebError::SignIn) => {
            see_other(&format!("/signin?next={}", ctx::encode_query(&ctx.path)))
        }
        Err(WebError::Csrf) => error_page(ctx, StatusCode::FORBIDDEN, "csrf"),
        Err(WebError::Forbidden) => error_page(ctx, StatusCode::FORBIDDEN, "forbidden"),
        Err(WebError::NotFound) => error_page(ctx, StatusCode::NOT_FOUND, "not_found"),
        Err(WebError::Api(e)) => error_page(ctx, e.status(), e.code()),
    }
}

/// The error page: an RFC 9457 problem (status and stable code) in plain words.
pub fn error_page(ctx: &Ctx, status: StatusCode, code: &str) -> HttpResponse {
    let page = views::ErrorPage::new(ctx, status, code);
    render_status(status, &page)
}

/// The error page of a request that matched no route, for browsers.
pub async fn not_found_page(req: actix_web::HttpRequest) -> HttpResponse {
    use actix_web::FromRequest as _;
    match Ctx::extract(&req).await {
        Ok(ctx) => error_page(&ctx, StatusCode::NOT_FOUND, "not_found"),
        Err(_) => HttpResponse::NotFound().finish(),
    }
}

/// Does the request come from a browser that wants a page (not from an API client)?
pub fn wants_html(req: &actix_web::HttpRequest) -> bool {
    let path = req.path();
    if path.starts_with("/api/") || path.starts_with("/tile/") || path == "/checkpoint" {
        return false;
    }
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"))
}

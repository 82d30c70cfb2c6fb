//! Verify in the browser (`/verify`): a leaf hash, the QR payload of a movement document or an
//! evidence file is checked by the page's own script — the inclusion proof (RFC 9162, SHA-256
//! with WebCrypto) and the signed checkpoint (C2SP signed note, Ed25519 with WebCrypto)
//! against the log key shown on the page — so the answer does not rest on trusting this
//! server. The server only hands out the page, the public proof and the checkpoint.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::state::AppState;
use crate::web::sign::script_json;
use crate::web::{Ctx, render};

/// The page.
#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage<'a> {
    c: &'a Ctx,
    vkey: String,
    code: String,
    messages: String,
}

/// Query: a code to check at once (`code`, as the border page takes it).
#[derive(Deserialize)]
pub struct VerifyQuery {
    code: Option<String>,
}

/// The words the script writes, in the user's language. Their variables are left
/// unresolved (Fluent writes `{$name}`), and the script puts the values in.
const MESSAGES: &[&str] = &[
    "verify-working",
    "verify-green",
    "verify-red",
    "verify-proven-leaf",
    "verify-proven-checkpoint",
    "verify-proven-evidence",
    "verify-not-proven",
    "verify-not-proven-evidence",
    "verify-consented",
    "verify-not-consented",
    "verify-err-input",
    "verify-err-key",
    "verify-err-origin",
    "verify-err-unknown",
    "verify-err-checkpoint",
    "verify-err-inclusion",
    "verify-err-index",
    "verify-err-evidence",
    "verify-err-movement",
    "verify-err-fetch",
];

/// `GET /verify`: public, no sign-in.
pub async fn verify(
    ctx: Ctx,
    state: web::Data<AppState>,
    q: web::Query<VerifyQuery>,
) -> HttpResponse {
    let words: serde_json::Map<String, serde_json::Value> = MESSAGES
        .iter()
        .map(|k| {
            let text = ctx.t.m(k);
            (k.trim_start_matches("verify-").to_owned(), text.into())
        })
        .collect();
    render(&VerifyPage {
        c: &ctx,
        vkey: state.log_key.to_vkey(),
        code: q.code.clone().unwrap_or_default(),
        messages: script_json(&serde_json::Value::Object(words)),
    })
}

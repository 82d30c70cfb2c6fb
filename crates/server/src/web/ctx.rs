//! What every page needs to know about its request: the language, the signed-in
//! participant (if any), the CSRF token of the session and the path (for the language
//! switch).

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use base64::Engine as _;
use sha2::{Digest, Sha256};
use wastetrail_basel::{CountryCode, ParticipantKind};

use super::i18n::{LANG_COOKIE, Lang, Tr, negotiate};
use crate::state::{AppState, session_token};

/// The signed-in participant, as the pages show it.
#[derive(Clone, Debug)]
pub struct User {
    /// Participant id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: ParticipantKind,
    /// Country.
    pub country: CountryCode,
    /// The key id the session was opened with (the browser signs with that key).
    pub key_id: String,
}

impl User {
    /// Is this participant a competent authority?
    pub fn is_authority(&self) -> bool {
        self.kind == ParticipantKind::CompetentAuthority
    }

    /// The catalog key of the participant's kind (`kind-exporter`, …).
    pub fn kind_key(&self) -> String {
        format!("kind-{}", self.kind.as_str())
    }

    /// May this participant register others (a competent authority or the registrar)?
    pub fn registers(&self) -> bool {
        matches!(
            self.kind,
            ParticipantKind::CompetentAuthority | ParticipantKind::Registrar
        )
    }

    /// Is this participant an auditor (reads every case)?
    pub fn is_auditor(&self) -> bool {
        self.kind == ParticipantKind::Auditor
    }

    /// Is this participant a customs office?
    pub fn is_customs(&self) -> bool {
        self.kind == ParticipantKind::CustomsOffice
    }

    /// Does this participant carry or receive shipments (a carrier or a disposer)?
    pub fn handles_shipments(&self) -> bool {
        matches!(
            self.kind,
            ParticipantKind::Carrier | ParticipantKind::Disposer
        )
    }

    /// May this participant file notifications (an exporter)?
    pub fn notifies(&self) -> bool {
        self.kind == ParticipantKind::Exporter
    }
}

/// The request context of a page.
#[derive(Clone, Debug)]
pub struct Ctx {
    /// The translator of the request's language.
    pub t: Tr,
    /// The signed-in participant.
    pub user: Option<User>,
    /// The CSRF token of the session (empty without a session).
    pub csrf: String,
    /// Path and query of the request.
    pub path: String,
    /// The log origin (shown in the footer).
    pub origin: String,
}

/// One entry of the language switch.
pub struct LangLink {
    /// Where it goes.
    pub href: String,
    /// The language's own name.
    pub name: &'static str,
    /// Its tag.
    pub code: &'static str,
    /// Is it the language of this page?
    pub current: bool,
}

impl Ctx {
    /// The language tag of the page.
    pub fn lang(&self) -> &'static str {
        self.t.lang.code()
    }

    /// The entries of the language switch.
    pub fn lang_links(&self) -> Vec<LangLink> {
        Lang::ALL
            .into_iter()
            .map(|l| LangLink {
                href: format!("/lang/{}?next={}", l.code(), encode_query(&self.path)),
                name: l.native_name(),
                code: l.code(),
                current: l == self.t.lang,
            })
            .collect()
    }

    /// Checks the CSRF token of a form post.
    pub fn csrf_ok(&self, sent: &str) -> bool {
        !self.csrf.is_empty()
            && self.csrf.len() == sent.len()
            && self
                .csrf
                .bytes()
                .zip(sent.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }
}

/// The CSRF token of a session: `base64url(SHA-256("wastetrail/csrf/v1\n" ‖ session token))`.
/// It can only be computed by whoever knows the (HttpOnly) session token, and it is sent in
/// every form as a hidden field.
pub fn csrf_token(session_token: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"wastetrail/csrf/v1\n");
    h.update(session_token.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(h.finalize())
}

/// Percent-encodes a value for a query string (unreserved characters and `/` stay).
pub fn encode_query(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A local path to go back to: starts with one `/` (never `//`, which would be another host).
pub fn local_path(next: Option<&str>) -> Option<String> {
    let n = next?;
    (n.starts_with('/') && !n.starts_with("//") && !n.contains('\\')).then(|| n.to_owned())
}

async fn resolve(
    state: Option<web::Data<AppState>>,
    req_token: Option<String>,
) -> Option<(User, String)> {
    let state = state?;
    let token = req_token?;
    let session = state.sessions.get(&token)?;
    let w = state.view().await.ok()?;
    let now = time::OffsetDateTime::now_utc();
    let p = w.registry.get(&session.participant)?;
    let key_valid = p
        .keys
        .iter()
        .any(|k| k.key_id == session.key_id && k.valid_at(now));
    if !key_valid {
        state.sessions.close(&token);
        return None;
    }
    Some((
        User {
            id: p.id.clone(),
            name: p.name.clone(),
            kind: p.kind,
            country: p.country,
            key_id: session.key_id,
        },
        token,
    ))
}

impl FromRequest for Ctx {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Ctx, actix_web::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let cookie = req.cookie(LANG_COOKIE).map(|c| c.value().to_owned());
        let accept = req
            .headers()
            .get(actix_web::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let lang = negotiate(cookie.as_deref(), accept.as_deref());
        let token = session_token(req);
        let path = match req.query_string() {
            "" => req.path().to_owned(),
            q => format!("{}?{q}", req.path()),
        };
        let origin = state
            .as_ref()
            .map(|s| s.config.origin.clone())
            .unwrap_or_default();
        Box::pin(async move {
            let resolved = resolve(state, token).await;
            let (user, csrf) = match resolved {
                Some((u, token)) => (Some(u), csrf_token(&token)),
                None => (None, String::new()),
            };
            Ok(Ctx {
                t: Tr::new(lang),
                user,
                csrf,
                path,
                origin,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_tokens_depend_on_the_session_and_compare_exactly() {
        let a = csrf_token("session-a");
        assert_ne!(a, csrf_token("session-b"));
        let ctx = Ctx {
            t: Tr::new(Lang::En),
            user: None,
            csrf: a.clone(),
            path: "/".into(),
            origin: String::new(),
        };
        assert!(ctx.csrf_ok(&a));
        assert!(!ctx.csrf_ok(""));
        assert!(!ctx.csrf_ok(&csrf_token("session-b")));
        let anonymous = Ctx {
            csrf: String::new(),
            ..ctx
        };
        assert!(!anonymous.csrf_ok(""));
    }

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(
            local_path(Some("/cases?x=1")).as_deref(),
            Some("/cases?x=1")
        );
        assert_eq!(local_path(Some("//evil.example/")), None);
        assert_eq!(local_path(Some("https://evil.example/")), None);
        assert_eq!(local_path(Some("/\\evil")), None);
        assert_eq!(local_path(None), None);
        assert_eq!(encode_query("/cases?a=b&c"), "/cases%3Fa%3Db%26c");
    }
}

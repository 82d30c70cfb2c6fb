//! The shared state of the HTTP workers and the request guards built on it.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use wastetrail_basel::{Facts, Participant};
use wastetrail_ledger::note::NoteVerifier;
use wastetrail_store::Store;

use crate::auth::{RateLimiter, Sessions};
use crate::config::Config;
use crate::ledger_writer::LedgerWriter;
use crate::metrics::Metrics;
use crate::problem::ApiError;
use crate::world::{World, catch_up};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "wastetrail_session";

/// Everything the handlers share.
pub struct AppState {
    /// The configuration in effect.
    pub config: Config,
    /// The log.
    pub store: Arc<Store>,
    /// The single write path.
    pub writer: LedgerWriter,
    /// The replayed view of the log.
    pub world: tokio::sync::RwLock<World>,
    /// The law data.
    pub facts: Facts,
    /// Login challenges and sessions.
    pub sessions: Sessions,
    /// Per-participant rate limits.
    pub limiter: RateLimiter,
    /// Per-client-address rate limits of login challenges.
    pub challenge_limiter: RateLimiter,
    /// Metrics.
    pub metrics: Metrics,
    /// The log's public key.
    pub log_key: NoteVerifier,
    /// Woken after every local append (long polls).
    pub appended: tokio::sync::Notify,
}

impl AppState {
    /// Catches the view up with the log and returns it for reading.
    pub async fn view(&self) -> Result<tokio::sync::RwLockReadGuard<'_, World>, ApiError> {
        let size = catch_up(&self.world, &self.store, &self.facts).await?;
        self.metrics.tree_size(size);
        Ok(self.world.read().await)
    }
}

/// The logged-in participant of a request (session cookie or `Authorization: Bearer`).
#[derive(Clone, Debug)]
pub struct Caller {
    /// Participant id.
    pub participant: String,
    /// The session token.
    pub token: String,
}

impl Caller {
    /// The caller's registry record.
    pub fn record<'w>(&self, world: &'w World) -> Result<&'w Participant, ApiError> {
        world.registry.get(&self.participant).ok_or_else(|| {
            ApiError::unauthenticated("The session's participant is not registered.")
        })
    }
}

/// The session token of a request, if any.
pub fn session_token(req: &HttpRequest) -> Option<String> {
    if let Some(h) = req.headers().get(actix_web::http::header::AUTHORIZATION) {
        let v = h.to_str().ok()?;
        let (scheme, token) = v.split_once(' ')?;
        return scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| token.trim().to_owned());
    }
    req.cookie(SESSION_COOKIE).map(|c| c.value().to_owned())
}

/// The 401 of a request without a live session.
fn session_expired() -> ApiError {
    ApiError::new(
        actix_web::http::StatusCode::UNAUTHORIZED,
        "session_expired",
        "The session is unknown or has expired; log in again.",
    )
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Caller, ApiError>>>>;

    /// Resolves the session, then checks, on the registry view caught up with the log, that
    /// the key the session was opened with is still valid: a revoked or expired key ends every
    /// session opened with it (`401 session_revoked`), on every instance.
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = session_token(req);
        Box::pin(async move {
            let Some(state) = state else {
                return Err(ApiError::internal("application state missing"));
            };
            let Some(token) = token else {
                return Err(ApiError::unauthenticated(
                    "Log in first: POST /api/v1/login/challenge, then POST /api/v1/login.",
                ));
            };
            let session = state.sessions.get(&token).ok_or_else(session_expired)?;
            let key_valid = {
                let w = state.view().await?;
                let now = time::OffsetDateTime::now_utc();
                w.registry.get(&session.participant).is_some_and(|p| {
                    p.keys
                        .iter()
                        .any(|k| k.key_id == session.key_id && k.valid_at(now))
                })
            };
            if !key_valid {
                state.sessions.close(&token);
                tracing::warn!(
                    participant = %session.participant,
                    key = %session.key_id,
                    "session ended: its key is no longer valid"
                );
                return Err(ApiError::new(
                    actix_web::http::StatusCode::UNAUTHORIZED,
                    "session_revoked",
                    "The key this session was opened with has been revoked or has expired; log in again with a valid key.",
                ));
            }
            Ok(Caller {
                participant: session.participant,
                token,
            })
        })
    }
}

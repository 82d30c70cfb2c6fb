//! The shared state of the HTTP workers and the request guards built on it.

use std::future::{Ready, ready};
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

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Ready<Result<Caller, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let Some(state) = req.app_data::<web::Data<AppState>>() else {
            return ready(Err(ApiError::internal("application state missing")));
        };
        let Some(token) = session_token(req) else {
            return ready(Err(ApiError::unauthenticated(
                "Log in first: POST /api/v1/login/challenge, then POST /api/v1/login.",
            )));
        };
        ready(match state.sessions.get(&token) {
            Some(s) => Ok(Caller {
                participant: s.participant,
                token,
            }),
            None => Err(ApiError::new(
                actix_web::http::StatusCode::UNAUTHORIZED,
                "session_expired",
                "The session is unknown or has expired; log in again.",
            )),
        })
    }
}

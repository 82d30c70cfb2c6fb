//! Login without passwords (see [`crate::auth`] for the exact signed bytes).

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use wastetrail_ledger::statement::{ParticipantPublicKey, Timestamp};

use crate::auth::{ChallengeError, LOGIN_SIGNING_PREFIX, client_key, login_signing_input};
use crate::config::b64_decode;
use crate::problem::{ApiError, Problem};
use crate::state::{AppState, Caller, SESSION_COOKIE};

/// A login challenge.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ChallengeResponse {
    /// The challenge (base64url, no padding): sign
    /// `"wastetrail/login/v1\n" + origin + "\n" + challenge`.
    pub challenge: String,
    /// The log origin that is part of the signed bytes.
    pub origin: String,
    /// The signing prefix, `wastetrail/login/v1\n`.
    pub prefix: String,
    /// When the challenge expires (UTC).
    pub expires_at: String,
}

fn ts(t: time::OffsetDateTime) -> String {
    Timestamp::from_datetime(t)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

/// Issues a random, single-use, short-lived login challenge.
///
/// Rate-limited per client address (429), and refused while the server holds its maximum of
/// pending challenges (503); both with `Retry-After`.
#[utoipa::path(
    tag = "login",
    responses(
        (status = 200, body = ChallengeResponse),
        (status = 429, body = Problem, content_type = "application/problem+json"),
        (status = 503, body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/login/challenge")]
pub async fn challenge(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<web::Json<ChallengeResponse>, ApiError> {
    let client = client_key(&req, state.config.trust_proxy_headers);
    if let Err(wait) = state.challenge_limiter.check(&client) {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "Too many login challenges from this address; wait.",
        )
        .with_retry_after(wait));
    }
    let issued = state.sessions.challenge();
    state
        .metrics
        .pending_challenges(state.sessions.pending_challenges());
    let (challenge, expires) = issued.map_err(|full| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "challenges_full",
            "Too many login challenges are pending; retry later.",
        )
        .with_retry_after(full.retry_after)
    })?;
    Ok(web::Json(ChallengeResponse {
        challenge,
        origin: state.config.origin.clone(),
        prefix: LOGIN_SIGNING_PREFIX.to_owned(),
        expires_at: ts(expires),
    }))
}

/// A signed challenge.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// Participant id. May be omitted: the participant is then the one registered with the
    /// key `key` (a browser that opens a key file knows its key but not whose it is).
    #[serde(default)]
    pub participant: Option<String>,
    /// Key id of the signing key (`ed25519:<hex16>`).
    pub key: String,
    /// The challenge, as received.
    pub challenge: String,
    /// Ed25519 signature over the login signing input, standard base64.
    pub signature: String,
}

/// An open session.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct LoginResponse {
    /// Bearer token (also set as the `wastetrail_session` cookie).
    pub token: String,
    /// The participant.
    pub participant: String,
    /// Its kind.
    pub kind: String,
    /// Its country.
    pub country: String,
    /// When the session expires (UTC).
    pub expires_at: String,
}

fn login_failed(detail: &str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "login_failed", detail)
}

/// Exchanges a signed challenge for a session.
#[utoipa::path(
    tag = "login",
    request_body(content = LoginRequest, content_type = "application/json"),
    responses(
        (status = 200, body = LoginResponse),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 429, body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/login")]
pub async fn login(
    state: web::Data<AppState>,
    body: web::Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let req = body.into_inner();
    let who = req.participant.as_deref().unwrap_or(&req.key);
    if let Err(wait) = state.limiter.check(&format!("login:{who}")) {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "Too many logins; wait.",
        )
        .with_retry_after(wait));
    }
    // The challenge is used up whatever happens next.
    let taken = state.sessions.take_challenge(&req.challenge);
    state
        .metrics
        .pending_challenges(state.sessions.pending_challenges());
    match taken {
        Ok(()) => {}
        Err(ChallengeError::Unknown) => {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "challenge_invalid",
                "The challenge was never issued here or was already used.",
            ));
        }
        Err(ChallengeError::Expired) => {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "challenge_expired",
                "The challenge has expired; ask for a new one.",
            ));
        }
    }
    let (participant, kind, country, public, key_id) = {
        let w = state.view().await?;
        let now = time::OffsetDateTime::now_utc();
        let p = match &req.participant {
            Some(id) => w.registry.get(id),
            None => holder_of(&w.registry, &req.key, now),
        }
        .ok_or_else(|| login_failed("Unknown participant or key, or wrong signature."))?;
        let key = p
            .keys
            .iter()
            .find(|k| k.key_id == req.key && k.valid_at(now))
            .ok_or_else(|| login_failed("Unknown participant or key, or wrong signature."))?;
        (
            p.id.clone(),
            p.kind.as_str().to_owned(),
            p.country.as_str().to_owned(),
            key.public_key.clone(),
            key.key_id.clone(),
        )
    };
    let pk = ParticipantPublicKey::parse_base64(&public).map_err(ApiError::internal)?;
    let sig = b64_decode(&req.signature)
        .and_then(|b| <[u8; 64]>::try_from(b.as_slice()).ok())
        .ok_or_else(|| login_failed("The signature is not base64 of 64 bytes."))?;
    let msg = login_signing_input(&state.config.origin, &req.challenge);
    let vk = ed25519_dalek::VerifyingKey::from_bytes(&pk.to_bytes()).map_err(ApiError::internal)?;
    vk.verify_strict(&msg, &ed25519_dalek::Signature::from_bytes(&sig))
        .map_err(|_| login_failed("Unknown participant or key, or wrong signature."))?;
    let (token, opened) = state.sessions.open(&participant, &key_id);
    let max_age = i64::try_from(state.sessions.session_ttl().as_secs()).unwrap_or(i64::MAX);
    let cookie = Cookie::build(SESSION_COOKIE, token.clone())
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.config.cookie_secure)
        .path("/")
        .max_age(actix_web::cookie::time::Duration::seconds(max_age))
        .finish();
    Ok(HttpResponse::Ok().cookie(cookie).json(LoginResponse {
        token,
        participant,
        kind,
        country,
        expires_at: ts(opened.expires_at),
    }))
}

/// The one participant that holds the key `key_id`, valid at `now` (none when no participant
/// or several do).
fn holder_of<'r>(
    registry: &'r wastetrail_basel::Registry,
    key_id: &str,
    now: time::OffsetDateTime,
) -> Option<&'r wastetrail_basel::Participant> {
    let mut holders = registry
        .participants()
        .filter(|p| p.keys.iter().any(|k| k.key_id == key_id && k.valid_at(now)));
    let first = holders.next()?;
    holders.next().is_none().then_some(first)
}

/// Ends the session.
#[utoipa::path(
    tag = "login", security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "Logged out"),
        (status = 401, body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/logout")]
pub async fn logout(state: web::Data<AppState>, caller: Caller) -> HttpResponse {
    state.sessions.close(&caller.token);
    let mut gone = Cookie::build(SESSION_COOKIE, "").path("/").finish();
    gone.make_removal();
    HttpResponse::NoContent().cookie(gone).finish()
}

/// Who is logged in.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct WhoAmI {
    /// Participant id.
    pub participant: String,
    /// Kind.
    pub kind: String,
    /// Country.
    pub country: String,
}

/// The session's participant.
#[utoipa::path(
    tag = "login", security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = WhoAmI), (status = 401, body = Problem, content_type = "application/problem+json"))
)]
#[get("/session")]
pub async fn session(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<WhoAmI>, ApiError> {
    let w = state.view().await?;
    let p = caller.record(&w)?;
    Ok(web::Json(WhoAmI {
        participant: p.id.clone(),
        kind: p.kind.as_str().to_owned(),
        country: p.country.as_str().to_owned(),
    }))
}

//! [`Application`]: builds the state, binds the socket and runs the HTTP server.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServerHandle, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::{Next, from_fn};
use actix_web::{App, HttpMessage as _, HttpResponse, web};
use tracing_actix_web::TracingLogger;
use utoipa::OpenApi as _;
use utoipa_actix_web::AppExt as _;
use wastetrail_basel::{CountryCode, Facts, Registry};
use wastetrail_store::{LedgerStore, StoreConfig};

use crate::auth::{RateLimiter, Sessions};
use crate::config::{self, Config, ConfigError};
use crate::ledger_writer::LedgerWriter;
use crate::metrics::Metrics;
use crate::problem::ApiError;
use crate::state::AppState;
use crate::world::{World, catch_up};

/// Errors of [`Application::build`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// Configuration or key files.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The law data (built-in or overrides file).
    #[error("law data: {0}")]
    Facts(String),
    /// The store could not be opened or read.
    #[error("store: {0}")]
    Store(#[from] wastetrail_store::StoreError),
    /// The socket could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: String,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// The OpenAPI description of the API.
#[derive(utoipa::OpenApi)]
#[openapi(
    modifiers(&SessionAuth),
    info(
        title = "wastetrail API",
        description = "Signed, append-only, publicly verifiable ledger of transboundary movements of hazardous wastes under the Basel Convention. Errors are RFC 9457 problem details with a stable `code`.",
        license(name = "Apache-2.0")
    ),
    tags(
        (name = "public", description = "No login: checkpoint, tiles, proofs, movement check"),
        (name = "login", description = "Challenge-response login with a participant key"),
        (name = "statements", description = "Filing signed statements"),
        (name = "reads", description = "Cases, participants and the event feed (login required)"),
        (name = "operations", description = "Health and metrics")
    )
)]
struct ApiDoc;

/// Declares the two ways to present a session: bearer token and cookie.
struct SessionAuth;

impl utoipa::Modify for SessionAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{
            ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme,
        };
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::state::SESSION_COOKIE,
            ))),
        );
    }
}

/// The OpenAPI 3 document of the server, generated from the route table.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, mut api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::routes::configure)
        .split_for_parts();
    api.info.version = env!("CARGO_PKG_VERSION").to_owned();
    document_common_problems(&mut api);
    api
}

/// Documents the problem answers that the server's middleware and extractors give beyond
/// what the handlers' annotations list: `400` on every operation with parameters (the path and
/// query extractors answer `400 invalid_parameter`), `415` on every operation with a request
/// body (see [`JSON_POSTS`]) and `401` on every operation that needs a session (the `Caller`
/// extractor refuses a missing, expired or revoked one).
fn document_common_problems(api: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    let problem = |description: &str| {
        ResponseBuilder::new()
            .description(description)
            .content(
                crate::problem::PROBLEM_JSON,
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("Problem")))
                    .build(),
            )
            .build()
    };
    let unsupported = problem("The request body is not JSON (Content-Type)");
    let unauthenticated = problem("No session, or the session has expired or was revoked");
    let invalid = problem("A parameter is malformed or out of range");
    for item in api.paths.paths.values_mut() {
        for op in [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        {
            let responses = &mut op.responses.responses;
            if op.parameters.as_ref().is_some_and(|p| !p.is_empty()) {
                responses
                    .entry("400".to_owned())
                    .or_insert_with(|| invalid.clone().into());
            }
            if op.request_body.is_some() {
                responses
                    .entry("415".to_owned())
                    .or_insert_with(|| unsupported.clone().into());
            }
            if op.security.as_ref().is_some_and(|s| !s.is_empty()) {
                responses
                    .entry("401".to_owned())
                    .or_insert_with(|| unauthenticated.clone().into());
            }
        }
    }
}

/// The OpenAPI document as pretty JSON with a final newline (the form of `docs/openapi.json`).
pub fn openapi_json() -> String {
    let mut s = openapi().to_pretty_json().unwrap_or_default();
    s.push('\n');
    s
}

/// A built server, bound to its port, ready to run.
pub struct Application {
    port: u16,
    server: Server,
    state: web::Data<AppState>,
}

/// The time limit of one request (app data of the timeout middleware).
#[derive(Clone, Copy, Debug)]
struct RequestTimeout(std::time::Duration);

/// Abandons a request that runs longer than [`RequestTimeout`] with `503 timeout`; long polls
/// of the event feed bound themselves and are exempt.
async fn timeout_mw(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    let limit = req.app_data::<web::Data<RequestTimeout>>().map(|t| t.0);
    let long_poll = req.path().starts_with("/api/v1/events");
    match limit {
        Some(limit) if !long_poll => match tokio::time::timeout(limit, next.call(req)).await {
            Ok(r) => r.map(ServiceResponse::map_into_boxed_body),
            // Rendered by actix through ApiError's ResponseError (problem+json). The request
            // is not cloned before routing: actix needs to own it exclusively.
            Err(_) => Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "timeout",
                "The request took too long and was abandoned.",
            )
            .with_retry_after(1)
            .into()),
        },
        _ => next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body),
    }
}

/// POST paths whose body is JSON: `Content-Type: application/json` (or `application/*+json`)
/// is required there (415 otherwise). Kept equal to the POST operations with a request body in
/// the OpenAPI document (tested).
pub(crate) const JSON_POSTS: [&str; 2] = ["/api/v1/login", "/api/v1/statements"];

/// Route templates of the OpenAPI document whose last parameter spans several segments.
const TAIL_TEMPLATES: [&str; 1] = ["/tile/{path}"];

/// The documented routes (and the methods each allows), to tell a wrong method on an existing
/// path (405) from a path that does not exist (404).
pub(crate) struct RouteTable(Vec<(actix_web::dev::ResourceDef, String)>);

impl RouteTable {
    /// The routes of the OpenAPI document and `/api/openapi.json`.
    pub(crate) fn from_openapi(api: &utoipa::openapi::OpenApi) -> RouteTable {
        let mut routes = vec![(
            actix_web::dev::ResourceDef::new("/api/openapi.json"),
            "GET".to_owned(),
        )];
        for (path, item) in api.paths.paths.iter() {
            let methods = [
                ("GET", item.get.is_some()),
                ("PUT", item.put.is_some()),
                ("POST", item.post.is_some()),
                ("DELETE", item.delete.is_some()),
                ("PATCH", item.patch.is_some()),
            ]
            .iter()
            .filter(|(_, on)| *on)
            .map(|(m, _)| *m)
            .collect::<Vec<_>>()
            .join(", ");
            let pattern = if TAIL_TEMPLATES.contains(&path.as_str()) {
                match path.rsplit_once('{') {
                    Some((head, last)) => format!("{head}{{{}:.*}}", last.trim_end_matches('}')),
                    None => path.clone(),
                }
            } else {
                path.clone()
            };
            routes.push((actix_web::dev::ResourceDef::new(pattern), methods));
        }
        RouteTable(routes)
    }

    /// The methods allowed on `path`, if it is a route.
    pub(crate) fn allowed(&self, path: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(def, _)| def.is_match(path))
            .map(|(_, m)| m.as_str())
    }
}

/// The default service: 405 (with `Allow`) for a wrong method on a route, else 404 — as an
/// HTML page for a browser that asks for one outside the API paths.
async fn not_found(
    req: actix_web::HttpRequest,
    routes: web::Data<RouteTable>,
) -> Result<HttpResponse, ApiError> {
    if crate::web::wants_html(&req) && routes.allowed(req.path()).is_none() {
        return Ok(crate::web::not_found_page(req).await);
    }
    match routes.allowed(req.path()) {
        Some(allow) => Err(ApiError::method_not_allowed(allow)),
        None => Err(ApiError::not_found("No such resource.")),
    }
}

/// True when the request says its body is JSON (`application/json` or `application/*+json`).
fn is_json(req: &ServiceRequest) -> bool {
    let Some(ct) = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = ct
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || essence
            .strip_prefix("application/")
            .is_some_and(|s| s.ends_with("+json"))
}

/// The request contract of the JSON POSTs ([`JSON_POSTS`]), checked before authentication:
/// a `Content-Type` that is not JSON is refused with `415 unsupported_media_type`, and a body
/// over `max_body_bytes` with `413 payload_too_large`, whether its length is declared
/// (`Content-Length`) or not (chunked). `/api/v1/login` reads its body with `web::Json`, which
/// enforces the limit on chunked bodies itself; the chunked body of a filing is read here, up
/// to the limit (at most `limit + 1` bytes buffered) and handed on to the handler when within
/// it — only for a request with a live session, so that anonymous requests cannot make the
/// server buffer anything before their 401.
async fn contract_mw(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    if req.method() != actix_web::http::Method::POST || !JSON_POSTS.contains(&req.path()) {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    }
    let refuse = |req: ServiceRequest, e: ApiError| {
        let (http, _) = req.into_parts();
        Ok(ServiceResponse::from_err(e, http))
    };
    if !is_json(&req) {
        let e = ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "The request body must be JSON, sent with Content-Type: application/json.",
        );
        return refuse(req, e);
    }
    let limit = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.config.max_body_bytes);
    if let Some(limit) = limit {
        let too_large = || {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("The request body exceeds {limit} bytes."),
            )
        };
        let declared = req
            .headers()
            .get(actix_web::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        match declared {
            Some(n) if n > u64::try_from(limit).unwrap_or(u64::MAX) => {
                return refuse(req, too_large());
            }
            Some(_) => {}
            None if req.path() == "/api/v1/statements" && has_live_session(&req) => {
                let payload = req.take_payload();
                let body = actix_web::body::BodyStream::new(payload);
                match actix_web::body::to_bytes_limited(body, limit).await {
                    Ok(Ok(bytes)) => req.set_payload(actix_web::dev::Payload::from(bytes)),
                    Ok(Err(e)) => {
                        let e = ApiError::bad_request("malformed_body", e.to_string());
                        return refuse(req, e);
                    }
                    Err(_) => return refuse(req, too_large()),
                }
            }
            None => {}
        }
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_boxed_body)
}

/// True when the request carries the token of a live session (the key check is the
/// `Caller` extractor's).
fn has_live_session(req: &ServiceRequest) -> bool {
    let state = req.app_data::<web::Data<AppState>>();
    crate::state::session_token(req.request())
        .is_some_and(|t| state.is_some_and(|s| s.sessions.get(&t).is_some()))
}

/// The area of the API a path belongs to (a label of `wastetrail_refused_total`).
fn area(path: &str) -> &'static str {
    match path.strip_prefix("/api/v1/") {
        Some(p) if p.starts_with("login") || p == "logout" || p == "session" => "login",
        Some("statements") => "filing",
        Some(p) if p.starts_with("participants") || p.starts_with("cases") || p == "events" => {
            "read"
        }
        _ => "public",
    }
}

/// Logs and counts every refused request (4xx): area, problem code, status, method, path (no
/// query, cut to 200 bytes), client address and, when the request carries a live session, its
/// participant. Never a token, a signature or a body. 401/403 are logged as warnings, 404s
/// only at debug level (scanners), the rest at info. (Handler and extractor errors reach this
/// middleware as responses; the only errors that do not are the 503s of [`timeout_mw`].)
async fn refusal_mw(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    // The request must not be cloned before routing (actix needs to own it exclusively): the
    // answer carries it back.
    let res = next.call(req).await?;
    if res.status().is_client_error() {
        log_refusal(&res);
    }
    Ok(res)
}

fn log_refusal<B>(res: &ServiceResponse<B>) {
    let http = res.request();
    let code = res
        .response()
        .error()
        .and_then(|e| e.as_error::<ApiError>())
        .map_or("other", ApiError::code);
    let area = area(http.path());
    let state = http.app_data::<web::Data<AppState>>();
    let trust_proxy = state.is_some_and(|s| s.config.trust_proxy_headers);
    let client = crate::auth::client_key(http, trust_proxy);
    let participant = crate::state::session_token(http)
        .and_then(|t| state.and_then(|s| s.sessions.get(&t)))
        .map(|s| s.participant)
        .unwrap_or_default();
    let mut path = http.path().to_owned();
    if path.len() > 200 {
        let mut cut = 200;
        while !path.is_char_boundary(cut) {
            cut -= 1;
        }
        path.truncate(cut);
    }
    let method = http.method().as_str();
    let status = res.status().as_u16();
    match status {
        401 | 403 => tracing::warn!(
            area, code, status, method, %path, %client, %participant, "request refused"
        ),
        404 => tracing::debug!(
            area, code, status, method, %path, %client, %participant, "request refused"
        ),
        _ => tracing::info!(
            area, code, status, method, %path, %client, %participant, "request refused"
        ),
    }
    if let Some(s) = state {
        s.metrics.request_refused(area, code);
    }
}

async fn openapi_doc(doc: web::Data<String>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(doc.get_ref().clone())
}

fn json_error(
    err: actix_web::error::JsonPayloadError,
    _: &actix_web::HttpRequest,
) -> actix_web::Error {
    use actix_web::error::JsonPayloadError as J;
    match err {
        J::Overflow { .. } | J::OverflowKnownLength { .. } => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            err.to_string(),
        )
        .into(),
        J::ContentType => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "The request body must be JSON, sent with Content-Type: application/json.",
        )
        .into(),
        other => ApiError::bad_request("malformed_body", other.to_string()).into(),
    }
}

impl Application {
    /// Opens (or creates) the data directory, keys and database, replays the log and binds
    /// the listening socket.
    pub async fn build(config: Config) -> Result<Application, BuildError> {
        config.validate()?;
        if config.database_url.is_none() || config.log_key_file.is_none() {
            std::fs::create_dir_all(&config.data_dir).map_err(|e| ConfigError::KeyFile {
                path: config.data_dir.clone(),
                reason: e.to_string(),
            })?;
        }
        let signer = config::load_or_create_log_key(&config.log_key_path(), &config.origin)?;
        let log_key = signer.verifier();
        let registrar_key = config::registrar_public_key(&config)?;
        let facts = match &config.facts_file {
            None => Facts::try_builtin().map_err(|e| BuildError::Facts(e.to_string()))?,
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .map_err(|e| BuildError::Facts(format!("{}: {e}", p.display())))?;
                let v: serde_json::Value = serde_json::from_str(&text)
                    .map_err(|e| BuildError::Facts(format!("{}: {e}", p.display())))?;
                Facts::try_builtin()
                    .and_then(|f| f.with_overrides(&v))
                    .map_err(|e| BuildError::Facts(e.to_string()))?
            }
        };
        let store = Arc::new(
            wastetrail_store::open(
                &config.database_url(),
                signer,
                StoreConfig::new(config.origin.clone()),
            )
            .await?,
        );
        let country =
            CountryCode::parse(&config.registrar_country).map_err(|e| ConfigError::Invalid {
                name: "registrar_country".into(),
                reason: e.to_string(),
            })?;
        // The bootstrap key is valid from the Unix epoch, so that replay is deterministic.
        let registry = Registry::bootstrap(
            &config.registrar_id,
            country,
            &config.registrar_name,
            wastetrail_verify::key_info(&registrar_key),
            time::OffsetDateTime::UNIX_EPOCH,
        );
        let world = tokio::sync::RwLock::new(World::new(registry));
        let size = catch_up(&world, &store, &facts).await?;
        tracing::info!(origin = %config.origin, size, "log replayed");

        let listener = TcpListener::bind(&config.listen).map_err(|source| BuildError::Bind {
            addr: config.listen.clone(),
            source,
        })?;
        let port = listener
            .local_addr()
            .map_err(|source| BuildError::Bind {
                addr: config.listen.clone(),
                source,
            })?
            .port();
        let metrics = Metrics::default();
        metrics.tree_size(size);
        let state = web::Data::new(AppState {
            writer: LedgerWriter::new(store.clone()),
            sessions: Sessions::new(
                config.challenge_ttl,
                config.session_ttl,
                config.max_pending_challenges,
            ),
            limiter: RateLimiter::new(config.rate_limit_per_minute, config.rate_limit_burst),
            challenge_limiter: RateLimiter::new(
                config.challenge_rate_per_minute,
                config.challenge_rate_burst,
            ),
            metrics,
            log_key,
            appended: tokio::sync::Notify::new(),
            world,
            facts,
            store,
            config: config.clone(),
        });
        crate::erasure::spawn(state.clone().into_inner());
        let doc = web::Data::new(openapi_json());
        let routes = web::Data::new(RouteTable::from_openapi(&openapi()));
        let max_body = config.max_body_bytes;
        let request_timeout = config.request_timeout;
        let app_state = state.clone();
        let mut server = actix_web::HttpServer::new(move || {
            App::new()
                .into_utoipa_app()
                .app_data(app_state.clone())
                .app_data(doc.clone())
                .app_data(routes.clone())
                .app_data(web::Data::new(RequestTimeout(request_timeout)))
                .app_data(
                    web::JsonConfig::default()
                        .limit(max_body)
                        .error_handler(json_error),
                )
                .app_data(web::PayloadConfig::new(max_body))
                .app_data(web::QueryConfig::default().error_handler(|e, _| {
                    ApiError::bad_request("invalid_parameter", e.to_string()).into()
                }))
                .app_data(web::PathConfig::default().error_handler(|e, _| {
                    ApiError::bad_request("invalid_parameter", e.to_string()).into()
                }))
                .configure(crate::routes::configure)
                .route("/api/openapi.json", web::get().to(openapi_doc))
                .into_app()
                // The pages: plain actix routes, so they stay out of the OpenAPI document.
                .configure(crate::web::configure)
                .default_service(web::to(not_found))
                .wrap(from_fn(contract_mw))
                .wrap(from_fn(timeout_mw))
                .wrap(from_fn(refusal_mw))
                .wrap(TracingLogger::default())
        })
        .listen(listener)
        .map_err(|source| BuildError::Bind {
            addr: config.listen.clone(),
            source,
        })?
        .client_request_timeout(config.request_timeout)
        .shutdown_timeout(10);
        if let Some(n) = config.workers {
            server = server.workers(n);
        }
        Ok(Application {
            port,
            server: server.run(),
            state,
        })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A handle to stop the server gracefully.
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until the server is stopped (signal or [`ServerHandle::stop`]), then closes the
    /// store (queued appends are committed first).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let r = self.server.await;
        self.state.store.close().await;
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn json_posts_are_the_documented_operations_with_a_body() {
        let api = openapi();
        let mut with_body: Vec<&str> = api
            .paths
            .paths
            .iter()
            .filter(|(_, item)| {
                item.post
                    .as_ref()
                    .is_some_and(|op| op.request_body.is_some())
            })
            .map(|(p, _)| p.as_str())
            .collect();
        with_body.sort_unstable();
        let mut listed = JSON_POSTS.to_vec();
        listed.sort_unstable();
        assert_eq!(with_body, listed);
        for p in JSON_POSTS {
            let op = api.paths.paths[p].post.as_ref().unwrap();
            assert!(op.responses.responses.contains_key("415"), "{p}");
        }
        // Every operation that needs a session documents its 401.
        for p in [
            "/api/v1/cases",
            "/api/v1/cases/{id}",
            "/api/v1/participants/{id}",
        ] {
            let op = api.paths.paths[p].get.as_ref().unwrap();
            assert!(op.responses.responses.contains_key("401"), "{p}");
        }
        let public = api.paths.paths["/checkpoint"].get.as_ref().unwrap();
        assert!(!public.responses.responses.contains_key("401"));
        assert!(!public.responses.responses.contains_key("400"));
        // Operations with parameters document the 400 of a malformed one.
        let op = api.paths.paths["/api/v1/movements/{leaf_hash}"]
            .get
            .as_ref()
            .unwrap();
        assert!(op.responses.responses.contains_key("400"));
    }

    #[test]
    fn route_table_tells_wrong_methods_from_missing_paths() {
        let t = RouteTable::from_openapi(&openapi());
        assert_eq!(t.allowed("/api/v1/statements"), Some("POST"));
        assert_eq!(t.allowed("/api/v1/cases/c-1"), Some("GET"));
        assert_eq!(t.allowed("/tile/0/x000/001"), Some("GET"));
        assert_eq!(t.allowed("/api/openapi.json"), Some("GET"));
        assert_eq!(t.allowed("/api/v1/cases/c-1/more"), None);
        assert_eq!(t.allowed("/nope"), None);
    }

    #[test]
    fn areas_of_refusals() {
        assert_eq!(area("/api/v1/login/challenge"), "login");
        assert_eq!(area("/api/v1/session"), "login");
        assert_eq!(area("/api/v1/statements"), "filing");
        assert_eq!(area("/api/v1/cases/x"), "read");
        assert_eq!(area("/checkpoint"), "public");
    }

    #[actix_web::test]
    async fn slow_requests_time_out_with_a_problem_and_long_polls_do_not() {
        let slow = || async {
            tokio::time::sleep(Duration::from_millis(300)).await;
            HttpResponse::Ok().body("done")
        };
        let app = actix_web::test::init_service(
            App::new()
                .app_data(web::Data::new(RequestTimeout(Duration::from_millis(50))))
                .route("/slow", web::get().to(slow))
                .route("/api/v1/events", web::get().to(slow))
                .route(
                    "/fast",
                    web::get().to(|| async { HttpResponse::Ok().finish() }),
                )
                .wrap(from_fn(timeout_mw)),
        )
        .await;
        let call = |path: &'static str| actix_web::test::TestRequest::get().uri(path).to_request();
        let err = match actix_web::test::try_call_service(&app, call("/slow")).await {
            Err(e) => e,
            Ok(r) => panic!("expected a timeout, got {}", r.status()),
        };
        let r = err.error_response();
        assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            r.headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some(crate::problem::PROBLEM_JSON)
        );
        let body = actix_web::body::to_bytes(r.into_body()).await.unwrap();
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["code"], "timeout");
        let r = actix_web::test::call_service(&app, call("/fast")).await;
        assert_eq!(r.status(), StatusCode::OK);
        let r = actix_web::test::call_service(&app, call("/api/v1/events")).await;
        assert_eq!(r.status(), StatusCode::OK);
    }
}

//! [`Application`]: builds the state, binds the socket and runs the HTTP server.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServerHandle, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::{Next, from_fn};
use actix_web::{App, HttpResponse, web};
use tracing_actix_web::TracingLogger;
use utoipa::OpenApi as _;
use utoipa_actix_web::AppExt as _;
use wastetrail_basel::body::KeyInfo;
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
    api
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

async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::not_found("No such resource."))
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
            KeyInfo {
                key_id: registrar_key.key_id().to_string(),
                public_key: registrar_key.to_base64(),
                valid_until: None,
            },
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
            sessions: Sessions::new(config.challenge_ttl, config.session_ttl),
            limiter: RateLimiter::new(config.rate_limit_per_minute, config.rate_limit_burst),
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
        let max_body = config.max_body_bytes;
        let request_timeout = config.request_timeout;
        let app_state = state.clone();
        let mut server = actix_web::HttpServer::new(move || {
            App::new()
                .into_utoipa_app()
                .app_data(app_state.clone())
                .app_data(doc.clone())
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
                .default_service(web::to(not_found))
                .into_app()
                .wrap(from_fn(timeout_mw))
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

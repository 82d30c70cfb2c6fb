//! # wastetrail-server
//!
//! The HTTP server of wastetrail (actix-web 4): the JSON API through which participants log
//! in, file signed statements and read the cases they may see, and the public read paths
//! through which anyone can check the log.
//!
//! **What it is.** A library with [`Config`] (defaults, TOML file, `WASTETRAIL_*`
//! environment) and [`Application`] (`build`, `port`, `run_until_stopped`); the `wastetrail
//! serve` command of the CLI is a thin main around it. The append path authenticates the
//! session, verifies the statement signature and key validity, checks the case chain
//! (`prev`), runs the rules of `wastetrail-basel` (the same pure functions the verifier
//! replays) and appends the leaf through the single write path ([`ledger_writer`]). The
//! server's view of the registry and of every case is replayed from the log ([`world`]).
//!
//! The web front end ([`web`]) serves HTML pages over the same state: participants sign in
//! with their key in the browser and file through forms; the browser signs.
//!
//! **What it is not.** It never holds participants' private keys (they sign on their side,
//! in the browser too). Sessions and login challenges live in the memory of one process
//! (see [`auth`]).
//!
//! **Formats it speaks.** Statements and leaves as `wastetrail-ledger` defines them (RFC 8785
//! canonical JSON, Ed25519); RFC 9162 inclusion and consistency proofs; C2SP tlog-checkpoint
//! signed notes at `/checkpoint`; C2SP tlog-tiles at `/tile/...`; RFC 9457 problem details
//! for every error; OpenAPI 3.1 at `/api/openapi.json` (also `docs/openapi.json`); Prometheus
//! text format at `/metrics`. The API is described in `docs/api.md`.

mod app;
pub mod auth;
mod config;
pub mod erasure;
pub mod ledger_writer;
mod metrics;
pub mod problem;
pub mod routes;
mod state;
pub mod web;
pub mod world;

pub use actix_web::dev::ServerHandle;
pub use app::{Application, BuildError, openapi, openapi_json};
pub use auth::{LOGIN_SIGNING_PREFIX, login_signing_input};
pub use config::{
    Config, ConfigError, load_or_create_log_key, registrar_public_key, write_private_file,
};
pub use problem::{ApiError, Problem, ProblemFieldError};
pub use routes::filing::Receipt;
pub use routes::public::LogInfo;

/// Installs a tracing subscriber for the server's structured logs: JSON lines when `json`,
/// human-readable otherwise; the level comes from `RUST_LOG` (default `info`, with 4xx answers of the HTTP middleware not logged). Does nothing
/// if a subscriber is already installed.
pub fn init_tracing(json: bool) {
    use tracing_subscriber::EnvFilter;
    // Refused requests (4xx) are answers, not faults: tracing-actix-web would log each one as a
    // warning with its whole problem body, so by default only server errors (5xx) are logged
    // from that middleware. `RUST_LOG` overrides this.
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,tracing_actix_web=error"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

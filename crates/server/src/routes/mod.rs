//! HTTP handlers and the route table (from which the OpenAPI document is generated).

pub mod disclosed;
pub mod filing;
pub mod login;
pub mod public;
pub mod reads;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every documented route.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(public::checkpoint)
        .service(public::tile)
        .service(public::healthz)
        .service(public::metrics)
        .service(
            utoipa_actix_web::scope("/api/v1")
                .service(public::log_info)
                .service(public::inclusion)
                .service(public::consistency)
                .service(public::movement)
                .service(login::challenge)
                .service(login::login)
                .service(login::logout)
                .service(login::session)
                .service(filing::submit)
                .service(reads::participants)
                .service(reads::participant)
                .service(reads::cases)
                .service(reads::case)
                .service(reads::events)
                .service(disclosed::registry)
                .service(disclosed::disclosures),
        );
}

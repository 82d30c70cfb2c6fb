//! The page handlers, one module per area.

mod border;
pub mod cases;
mod document;
mod due;
mod file;
mod home;
mod log;
mod notice;
mod registry;
mod shipments;
mod verify;

use actix_web::web;

/// Registers every page route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home::home))
        .route("/signin", web::get().to(home::signin))
        .route("/signout", web::post().to(home::signout))
        .route("/lang/{code}", web::get().to(home::switch_lang))
        .route("/cases", web::get().to(cases::list))
        .route("/cases/{id}", web::get().to(cases::show))
        .route("/notifications/new", web::get().to(file::new_notification))
        .route(
            "/notifications/new",
            web::post().to(file::post_notification),
        )
        .route("/cases/{id}/file/{type}", web::get().to(file::action))
        .route("/cases/{id}/file/{type}", web::post().to(file::post_action))
        .route("/due", web::get().to(due::due))
        .route("/border", web::get().to(border::border))
        .route("/shipments", web::get().to(shipments::shipments))
        .route("/log", web::get().to(log::log))
        .route("/verify", web::get().to(verify::verify))
        .route(
            "/cases/{id}/document/{no}",
            web::get().to(document::document),
        )
        .route(
            "/cases/{id}/notification",
            web::get().to(notice::notification),
        )
        .route("/registry", web::get().to(registry::registry))
        .route("/registry/file/{type}", web::get().to(file::registry_form))
        .route("/registry/file/{type}", web::post().to(file::post_registry));
}

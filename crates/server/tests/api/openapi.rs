//! The OpenAPI document served at /api/openapi.json is the one committed as docs/openapi.json.

use std::path::PathBuf;

use serde_json::Value;

use crate::common::*;

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn served_openapi_is_the_committed_one() {
    let app = TestApp::spawn(&Backend::Sqlite).await;
    let r = app.get("/api/openapi.json").await;
    assert_eq!(r.status(), reqwest::StatusCode::OK);
    let served = r.text().await.unwrap();
    assert_eq!(served, wastetrail_server::openapi_json());
    let doc: Value = serde_json::from_str(&served).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/statements",
        "/api/v1/login",
        "/api/v1/login/challenge",
        "/checkpoint",
        "/api/v1/proof/inclusion",
        "/api/v1/movements/{leaf_hash}",
        "/api/v1/events",
        "/metrics",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} is not documented");
    }
    let path = committed_path();
    if std::env::var("WASTETRAIL_UPDATE_OPENAPI").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &served).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == served,
        "docs/openapi.json differs from the API the server serves.\n\
         Regenerate it with:\n  WASTETRAIL_UPDATE_OPENAPI=1 cargo test -p wastetrail-server --test api openapi\n\
         and commit the result."
    );
    app.stop().await;
}

//! Login: challenge-response with participant keys, sessions, expiry, logout.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use wastetrail_ledger::statement::ParticipantSigner;

use wastetrail_basel::REGISTRY_CASE;

use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_gives_bearer_token_and_strict_httponly_cookie() {
    for backend in backends() {
        let app = TestApp::spawn(&backend).await;
        let reg = app.registrar.clone();
        let c = app.challenge().await;
        let r = app
            .post_login(&TestApp::login_body(&reg, &reg.signer, &c))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let cookie = r
            .headers()
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        assert!(cookie.starts_with("wastetrail_session="), "{cookie}");
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        assert!(cookie.contains("SameSite=Strict"), "{cookie}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["participant"], "registrar");
        assert_eq!(v["kind"], "registrar");
        let token = v["token"].as_str().unwrap();
        // Bearer works.
        let who: Value = app
            .client
            .get(app.url("/api/v1/session"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(who["participant"], "registrar");
        // The cookie works too.
        let value = cookie.split(';').next().unwrap();
        let r = app
            .client
            .get(app.url("/api/v1/session"))
            .header("cookie", value)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        // Logout ends the session.
        let r = app
            .client
            .post(app.url("/api/v1/logout"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        let r = app
            .client
            .get(app.url("/api/v1/session"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        app.stop().await;
    }
}

async fn refused(app: &TestApp, body: &Value) -> String {
    let r = app.post_login(body).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let v: Value = r.json().await.unwrap();
    assert!(v.get("token").is_none());
    code(&v).to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replayed_wrongly_signed_unknown_and_expired_challenges_are_refused() {
    for backend in backends() {
        let app =
            TestApp::spawn_with(&backend, |c| c.challenge_ttl = Duration::from_millis(300)).await;
        let reg = app.registrar.clone();

        // Replayed: a challenge is single-use.
        let c = app.challenge().await;
        let body = TestApp::login_body(&reg, &reg.signer, &c);
        assert_eq!(app.post_login(&body).await.status(), StatusCode::OK);
        assert_eq!(refused(&app, &body).await, "challenge_invalid");

        // Wrongly signed: another key, or the right key over other bytes.
        let c = app.challenge().await;
        let mut body = TestApp::login_body(&reg, &ParticipantSigner::generate(), &c);
        body["key"] = json!(reg.signer.key_id().to_string());
        assert_eq!(refused(&app, &body).await, "login_failed");
        // ... and the failed attempt used the challenge up.
        let body = TestApp::login_body(&reg, &reg.signer, &c);
        assert_eq!(refused(&app, &body).await, "challenge_invalid");
        let c = app.challenge().await;
        let mut body = TestApp::login_body(&reg, &reg.signer, "some-other-challenge");
        body["challenge"] = json!(c);
        assert_eq!(refused(&app, &body).await, "login_failed");

        // Unknown participant; never-issued challenge.
        let c = app.challenge().await;
        let stranger = Actor::new("stranger", "exporter", "DE");
        assert_eq!(
            refused(&app, &TestApp::login_body(&stranger, &stranger.signer, &c)).await,
            "login_failed"
        );
        assert_eq!(
            refused(
                &app,
                &TestApp::login_body(&reg, &reg.signer, "bm90LWlzc3VlZA")
            )
            .await,
            "challenge_invalid"
        );

        // Expired.
        let c = app.challenge().await;
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert_eq!(
            refused(&app, &TestApp::login_body(&reg, &reg.signer, &c)).await,
            "challenge_expired"
        );
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_session_is_refused() {
    for backend in backends() {
        let mut app =
            TestApp::spawn_with(&backend, |c| c.session_ttl = Duration::from_millis(400)).await;
        let reg = app.registrar.clone();
        app.login(&reg).await;
        assert_eq!(
            app.get_as("registrar", "/api/v1/session").await.status(),
            StatusCode::OK
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
        let r = app.get_as("registrar", "/api/v1/session").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        let v: Value = r.json().await.unwrap();
        assert_eq!(code(&v), "session_expired");
        // Filing with an expired session changes nothing.
        let size = app.tree_size().await;
        let a = Actor::new("ca-de", "competent_authority", "DE");
        let (s, v) = app
            .file(
                &reg,
                "participant.registered",
                REGISTRY_CASE,
                a.registration(),
            )
            .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
        assert_eq!(app.tree_size().await, size);
        // Without any credentials.
        let r = app.get("/api/v1/cases").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(code(&r.json().await.unwrap()), "unauthenticated");
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoked_key_cannot_log_in() {
    for backend in backends() {
        let mut app = TestApp::spawn(&backend).await;
        let ca = Actor::new("ca-de", "competent_authority", "DE");
        let exp = Actor::new("exporter-de", "exporter", "DE");
        app.register(&[&ca, &exp]).await;
        let second = ParticipantSigner::generate();
        app.ok(&exp, "key.added", REGISTRY_CASE, exp.key_added(&second))
            .await;
        app.ok(
            &ca,
            "key.revoked",
            REGISTRY_CASE,
            exp.key_revoked(&exp.signer, "laptop lost"),
        )
        .await;
        let c = app.challenge().await;
        let r = app
            .post_login(&TestApp::login_body(&exp, &exp.signer, &c))
            .await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        let c = app.challenge().await;
        let r = app
            .post_login(&TestApp::login_body(&exp, &second, &c))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        app.stop().await;
    }
}

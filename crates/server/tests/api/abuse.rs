//! Sessions, login and abuse (issue 7, section 3): revocation ends sessions, the login
//! challenge is rate-limited and bounded, refusals are logged and counted, and the API contract
//! (415, 405, 413 for chunked bodies).

use std::io::{Read as _, Write as _};
use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use wastetrail_ledger::statement::ParticipantSigner;

use wastetrail_basel::REGISTRY_CASE;
use wastetrail_basel::body::{KeyAdded, KeyInfo};
use wastetrail_e2e::typed;

use crate::common::*;

async fn session_status(app: &TestApp, token: &str) -> (StatusCode, Value) {
    let r = app
        .client
        .get(app.url("/api/v1/session"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let s = r.status();
    (s, r.json().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoking_a_key_ends_its_sessions_at_once_on_every_instance() {
    for backend in backends() {
        let mut app = TestApp::spawn(&backend).await;
        let ca = Actor::new("ca-de", "competent_authority", "DE");
        let exp = Actor::new("exporter-de", "exporter", "DE");
        app.register(&[&ca, &exp]).await;
        let old_here = app.tokens[&exp.id].clone();
        // A second instance over the same log, where the exporter logged in too.
        let mut peer = app.spawn_peer().await;
        peer.login(&exp).await;
        let old_there = peer.tokens[&exp.id].clone();
        assert_eq!(session_status(&peer, &old_there).await.0, StatusCode::OK);

        let second = ParticipantSigner::generate();
        app.ok(&exp, "key.added", REGISTRY_CASE, exp.key_added(&second))
            .await;
        let mut rotated = exp.clone();
        rotated.signer = second;
        app.login(&rotated).await;
        let new_here = app.tokens[&exp.id].clone();
        // Both keys valid: both sessions work.
        assert_eq!(session_status(&app, &old_here).await.0, StatusCode::OK);
        assert_eq!(session_status(&app, &new_here).await.0, StatusCode::OK);

        app.ok(
            &ca,
            "key.revoked",
            REGISTRY_CASE,
            exp.key_revoked(&exp.signer, "laptop lost"),
        )
        .await;

        // The very next request of a session opened with the revoked key is refused, here and
        // on the other instance (which only learns of the revocation from the log).
        let (s, v) = session_status(&app, &old_here).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
        assert_eq!(code(&v), "session_revoked");
        let (s, v) = session_status(&peer, &old_there).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
        assert_eq!(code(&v), "session_revoked");
        // Also on the paths that file and read.
        let r = app
            .client
            .get(app.url("/api/v1/cases"))
            .bearer_auth(&old_here)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        let size = app.tree_size().await;
        let signed = TestApp::sign(
            &rotated,
            "key.added",
            REGISTRY_CASE,
            app.heads.get(REGISTRY_CASE).cloned().flatten().as_deref(),
            typed(&KeyAdded {
                participant: exp.id.clone(),
                key: KeyInfo::new(
                    "ed25519:0000000000000000",
                    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
                ),
            }),
        );
        let r = app
            .client
            .post(app.url("/api/v1/statements"))
            .bearer_auth(&old_there)
            .json(&signed)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(app.tree_size().await, size);
        // The session opened with the new key goes on.
        assert_eq!(session_status(&app, &new_here).await.0, StatusCode::OK);
        let metrics = app.metrics().await;
        assert!(
            metric(
                &metrics,
                "wastetrail_refused_total{area=\"login\",code=\"session_revoked\"}"
            ) >= 1,
            "{metrics}"
        );
        peer.stop().await;
        app.stop().await;
    }
}

/// A client whose connections leave from `ip` (any address of 127.0.0.0/8 is local).
fn client_from(ip: Ipv4Addr) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::V4(ip))
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

async fn post_challenge(
    client: &reqwest::Client,
    app: &TestApp,
) -> (StatusCode, Option<u64>, Value) {
    let r = client
        .post(app.url("/api/v1/login/challenge"))
        .send()
        .await
        .unwrap();
    let s = r.status();
    let retry = r
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().parse::<u64>().unwrap());
    (s, retry, r.json().await.unwrap())
}

const PENDING: &str = "wastetrail_login_challenges_pending";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn challenge_flood_is_rate_limited_and_bounded_and_login_survives_it() {
    const CAP: u64 = 50;
    const BURST: u64 = 20;
    const TTL_SECS: u64 = 8;
    let app = TestApp::spawn_with(&Backend::Sqlite, |c| {
        c.max_pending_challenges = 50;
        c.challenge_rate_burst = 20;
        // Refills one a minute: the burst is all an address gets during the test.
        c.challenge_rate_per_minute = 1;
        c.challenge_ttl = Duration::from_secs(TTL_SECS);
    })
    .await;

    // One address: its burst, then 429 with Retry-After.
    let one = client_from(Ipv4Addr::new(127, 0, 0, 1));
    let (mut ok, mut limited) = (0u64, 0u64);
    for _ in 0..1000 {
        let (s, retry, v) = post_challenge(&one, &app).await;
        match s {
            StatusCode::OK => ok += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                limited += 1;
                assert_eq!(code(&v), "rate_limited");
                assert!(retry.is_some_and(|r| r >= 1));
            }
            other => panic!("unexpected {other}: {v}"),
        }
    }
    assert!((BURST..=BURST + 1).contains(&ok), "{ok} challenges issued");
    assert_eq!(ok + limited, 1000);

    // Many addresses: the store fills to its cap and then answers 503, never growing.
    let mut full = 0u64;
    let mut issued = ok;
    for host in 2..=101u8 {
        let c = client_from(Ipv4Addr::new(127, 0, 0, host));
        for _ in 0..25 {
            let (s, retry, v) = post_challenge(&c, &app).await;
            match s {
                StatusCode::OK => issued += 1,
                StatusCode::SERVICE_UNAVAILABLE => {
                    full += 1;
                    assert_eq!(code(&v), "challenges_full");
                    assert!(
                        retry.is_some_and(|r| (1..=TTL_SECS).contains(&r)),
                        "{retry:?}"
                    );
                }
                StatusCode::TOO_MANY_REQUESTS => {}
                other => panic!("unexpected {other}: {v}"),
            }
        }
        let pending = metric(&app.metrics().await, PENDING);
        assert!(pending <= CAP, "{pending} pending challenges");
    }
    assert!(full > 1000, "{full} refused as full");
    assert!(issued >= CAP, "{issued}");

    // While full, a newcomer is told to come back; once the challenges have expired, it logs in.
    let newcomer = client_from(Ipv4Addr::new(127, 0, 0, 200));
    assert_eq!(
        post_challenge(&newcomer, &app).await.0,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(metric(&app.metrics().await, PENDING), CAP);
    tokio::time::sleep(Duration::from_millis(TTL_SECS * 1000 + 100)).await;
    let (s, _, v) = post_challenge(&newcomer, &app).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(metric(&app.metrics().await, PENDING), 1);
    let reg = app.registrar.clone();
    let body = TestApp::login_body(&reg, &reg.signer, v["challenge"].as_str().unwrap());
    let r = newcomer
        .post(app.url("/api/v1/login"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let metrics = app.metrics().await;
    assert!(
        metric(
            &metrics,
            "wastetrail_refused_total{area=\"login\",code=\"rate_limited\"}"
        ) >= limited,
        "{metrics}"
    );
    app.stop().await;
}

/// A `MakeWriter` into a shared buffer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_logins_and_filings_are_logged_and_counted_without_secrets() {
    // The server's default filter (as `init_tracing` installs it without RUST_LOG).
    let logs = Captured::default();
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(
            "info,tracing_actix_web=error",
        ))
        .with_writer(logs.clone())
        .with_ansi(false)
        .try_init();

    let mut app = TestApp::spawn(&Backend::Sqlite).await;
    let ca = Actor::new("ca-de", "competent_authority", "DE");
    let exp = Actor::new("exporter-de", "exporter", "DE");
    app.register(&[&ca, &exp]).await;
    let before = app.metrics().await;
    let series = |area: &str, code: &str| {
        format!("wastetrail_refused_total{{area=\"{area}\",code=\"{code}\"}}")
    };

    // Login refusals: a wrong signature, a used challenge.
    let c = app.challenge().await;
    let mut wrong = TestApp::login_body(&exp, &ParticipantSigner::generate(), &c);
    wrong["key"] = json!(exp.signer.key_id().to_string());
    let signature = wrong["signature"].as_str().unwrap().to_owned();
    assert_eq!(
        app.post_login(&wrong).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.post_login(&wrong).await.status(),
        StatusCode::UNAUTHORIZED
    );
    // Unauthenticated filing, unknown session.
    let r = app
        .client
        .post(app.url("/api/v1/statements"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let bogus = "not-a-session-token-0123456789";
    let r = app
        .client
        .get(app.url("/api/v1/cases"))
        .bearer_auth(bogus)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // A filing refused after authentication (actor is not the session's participant).
    let signed = TestApp::sign(&ca, "notification.transmitted", "C-9", None, json!({}));
    let r = app
        .post_statement_raw(&exp.id, serde_json::to_vec(&signed).unwrap())
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let after = app.metrics().await;
    let delta = |s: &str| metric(&after, s) - metric(&before, s);
    assert_eq!(delta(&series("login", "login_failed")), 1, "{after}");
    assert_eq!(delta(&series("login", "challenge_invalid")), 1, "{after}");
    assert_eq!(delta(&series("filing", "unauthenticated")), 1, "{after}");
    assert_eq!(delta(&series("read", "session_expired")), 1, "{after}");
    assert_eq!(delta(&series("filing", "actor_mismatch")), 1, "{after}");

    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    let refusals: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("request refused"))
        .collect();
    for (code, level) in [
        ("login_failed", "WARN"),
        ("challenge_invalid", "WARN"),
        ("unauthenticated", "WARN"),
        ("session_expired", "WARN"),
        ("actor_mismatch", "WARN"),
    ] {
        assert!(
            refusals
                .iter()
                .any(|l| l.contains(&format!("code=\"{code}\"")) && l.contains(level)),
            "no {level} log of {code}:\n{text}"
        );
    }
    assert!(
        refusals
            .iter()
            .any(|l| l.contains("actor_mismatch") && l.contains("exporter-de")),
        "the refused filing names its participant:\n{text}"
    );
    for secret in [signature.as_str(), bogus, app.tokens[&exp.id].as_str()] {
        assert!(!text.contains(secret), "a secret was logged:\n{text}");
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_posts_need_a_json_content_type() {
    let mut app = TestApp::spawn(&Backend::Sqlite).await;
    let ca = Actor::new("ca-de", "competent_authority", "DE");
    app.register(&[&ca]).await;
    let size = app.tree_size().await;
    let signed = TestApp::sign(&ca, "key.added", REGISTRY_CASE, None, json!({}));
    let bytes = serde_json::to_vec(&signed).unwrap();
    for ct in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let mut rq = app
            .client
            .post(app.url("/api/v1/statements"))
            .bearer_auth(&app.tokens[&ca.id])
            .body(bytes.clone());
        if let Some(ct) = ct {
            rq = rq.header("content-type", ct);
        }
        let r = rq.send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "{ct:?}");
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        assert_eq!(code(&r.json().await.unwrap()), "unsupported_media_type");
    }
    assert_eq!(app.tree_size().await, size);
    let c = app.challenge().await;
    let body = TestApp::login_body(&ca, &ca.signer, &c);
    let r = app
        .client
        .post(app.url("/api/v1/login"))
        .header("content-type", "text/plain")
        .body(serde_json::to_vec(&body).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(code(&r.json().await.unwrap()), "unsupported_media_type");
    // Parameters of the media type are fine.
    let c = app.challenge().await;
    let body = TestApp::login_body(&ca, &ca.signer, &c);
    let r = app
        .client
        .post(app.url("/api/v1/login"))
        .header("content-type", "application/json; charset=utf-8")
        .body(serde_json::to_vec(&body).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_method_on_a_route_is_405_with_allow() {
    let app = TestApp::spawn(&Backend::Sqlite).await;
    for (method, path, allow) in [
        (reqwest::Method::GET, "/api/v1/statements", "POST"),
        (reqwest::Method::DELETE, "/api/v1/statements", "POST"),
        (reqwest::Method::GET, "/api/v1/login/challenge", "POST"),
        (reqwest::Method::POST, "/checkpoint", "GET"),
        (reqwest::Method::PUT, "/api/v1/cases/DE-2026-1", "GET"),
        (reqwest::Method::POST, "/tile/0/000", "GET"),
        (reqwest::Method::POST, "/api/openapi.json", "GET"),
    ] {
        let r = app
            .client
            .request(method.clone(), app.url(path))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
        assert_eq!(r.headers()["allow"], allow, "{method} {path}");
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        assert_eq!(code(&r.json().await.unwrap()), "method_not_allowed");
    }
    let r = app.get("/api/v1/nothing-here").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(code(&r.json().await.unwrap()), "not_found");
    app.stop().await;
}

/// Sends a chunked POST of `total` bytes (in 4 KiB chunks) over a plain socket and returns the
/// status code of the answer.
fn chunked_post(port: u16, path: &str, token: Option<&str>, total: usize) -> u16 {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let auth = token
        .map(|t| format!("authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "POST {path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n{auth}transfer-encoding: chunked\r\nconnection: close\r\n\r\n"
    );
    s.write_all(head.as_bytes()).unwrap();
    let chunk = vec![b' '; 4096];
    let mut sent = 0;
    // The server may answer and close before the whole body is sent: stop writing then.
    while sent < total {
        let n = chunk.len().min(total - sent);
        let frame = [format!("{n:x}\r\n").as_bytes(), &chunk[..n], b"\r\n"].concat();
        if s.write_all(&frame).is_err() {
            break;
        }
        sent += n;
    }
    let _ = s.write_all(b"0\r\n\r\n");
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer);
    let status = text.split(' ').nth(1).unwrap_or_default();
    status
        .parse()
        .unwrap_or_else(|_| panic!("no HTTP answer: {text:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chunked_bodies_over_the_limit_are_413() {
    let mut app = TestApp::spawn_with(&Backend::Sqlite, |c| c.max_body_bytes = 4096).await;
    let ca = Actor::new("ca-de", "competent_authority", "DE");
    app.register(&[&ca]).await;
    let size = app.tree_size().await;
    let port: u16 = app.base.rsplit(':').next().unwrap().parse().unwrap();
    let token = app.tokens[&ca.id].clone();
    let (filing, login, small) = tokio::task::spawn_blocking(move || {
        (
            chunked_post(port, "/api/v1/statements", Some(&token), 200_000),
            chunked_post(port, "/api/v1/login", None, 200_000),
            // Under the limit, a chunked body is read (and refused for what it says).
            chunked_post(port, "/api/v1/statements", Some(&token), 100),
        )
    })
    .await
    .unwrap();
    assert_eq!(filing, 413);
    assert_eq!(login, 413);
    assert_eq!(small, 400);
    // Without a session, nothing is read: the answer is the 401.
    let anonymous = tokio::task::spawn_blocking(move || {
        chunked_post(port, "/api/v1/statements", None, 200_000)
    })
    .await
    .unwrap();
    assert_eq!(anonymous, 401);
    assert_eq!(app.tree_size().await, size);
    app.stop().await;
}

/// `limit` (events 1..=500, disclosures 1..=1000), `status` (a case phase) and `role` outside
/// their documented range are 400.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn out_of_range_query_parameters_are_400() {
    let mut app = TestApp::spawn(&Backend::Sqlite).await;
    let ca = Actor::new("ca-de", "competent_authority", "DE");
    app.register(&[&ca]).await;
    for path in [
        "/api/v1/events?limit=0",
        "/api/v1/events?limit=501",
        "/api/v1/cases?status=not-a-phase",
        "/api/v1/cases?role=king",
        "/api/v1/disclosures?limit=0",
        "/api/v1/disclosures?limit=1001",
    ] {
        let r = app.get_as(&ca.id, path).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(
            code(&r.json().await.unwrap()),
            "invalid_parameter",
            "{path}"
        );
    }
    for path in ["/api/v1/events?limit=1", "/api/v1/events?limit=500"] {
        assert_eq!(app.get_as(&ca.id, path).await.status(), StatusCode::OK);
    }
    app.stop().await;
}

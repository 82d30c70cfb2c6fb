//! The web pages at the HTTP level: size budget, security headers, CSRF, language, errors,
//! and the key-only login the browser uses. (The browser tests in `tests/tests/browser`
//! drive them in Chromium.)

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::*;

/// A page's HTML as `who` sees it (the bearer token is a session like the cookie).
async fn page(
    app: &TestApp,
    who: &str,
    path: &str,
) -> (StatusCode, reqwest::header::HeaderMap, String) {
    let r = app.get_as(who, path).await;
    let status = r.status();
    let headers = r.headers().clone();
    (status, headers, r.text().await.unwrap())
}

/// The `/static/…` files a text refers to (links, scripts, module imports).
fn assets(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for marker in ["\"/static/", "\"./"] {
        for (i, _) in text.match_indices(marker) {
            let rest = &text[i + marker.len()..];
            let name = rest.split('"').next().unwrap_or_default();
            if !name.is_empty() && !name.contains(' ') {
                out.insert(format!("/static/{name}"));
            }
        }
    }
    out
}

/// Bytes of a page with every asset it loads, directly or through imports.
async fn weight(app: &TestApp, who: &str, path: &str) -> usize {
    let (status, _, html) = page(app, who, path).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    let mut total = html.len();
    let mut todo: Vec<String> = assets(&html).into_iter().collect();
    let mut seen = BTreeSet::new();
    while let Some(a) = todo.pop() {
        if !seen.insert(a.clone()) {
            continue;
        }
        let r = app.get(&a).await;
        assert_eq!(r.status(), StatusCode::OK, "{a}");
        let body = r.text().await.unwrap();
        total += body.len();
        todo.extend(assets(&body));
    }
    total
}

async fn ready() -> (TestApp, Cast) {
    let backend = backends().into_iter().next().unwrap();
    let mut app = TestApp::spawn(&backend).await;
    let c = Cast::new();
    app.register(&c.all()).await;
    case_ready_to_ship(&mut app, &c, "DE-2026-A").await;
    (app, c)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_with_its_assets_is_at_most_100_kb() {
    let (app, _c) = ready().await;
    let pages = [
        ("exporter-de", "/signin"),
        ("exporter-de", "/cases"),
        ("exporter-de", "/cases/DE-2026-A"),
        ("exporter-de", "/notifications/new"),
        ("exporter-de", "/cases/DE-2026-A/file/movement.started"),
        ("ca-nl", "/cases"),
        ("ca-nl", "/due"),
        ("ca-de", "/registry"),
        ("ca-de", "/registry/file/participant.registered"),
    ];
    for (who, path) in pages {
        let bytes = weight(&app, who, path).await;
        assert!(bytes <= 100_000, "{path} as {who}: {bytes} bytes");
    }
    let home = app.get("/").await.text().await.unwrap();
    assert!(home.len() + 40_000 < 100_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_forbid_inline_code_and_carry_security_headers() {
    let (app, _c) = ready().await;
    for path in ["/cases", "/notifications/new", "/cases/DE-2026-A"] {
        let (_, headers, html) = page(&app, "exporter-de", path).await;
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"));
        assert_eq!(headers["x-content-type-options"], "nosniff");
        // Every script is a file of this origin or a JSON data block; no inline style or handler.
        for (i, _) in html.match_indices("<script") {
            let tag = &html[i..i + html[i..].find('>').unwrap()];
            assert!(
                tag.contains("src=\"/static/") || tag.contains("type=\"application/json\""),
                "{path}: {tag}"
            );
        }
        assert!(!html.contains(" style="), "{path}");
        assert!(!html.contains(" onclick="), "{path}");
        assert!(
            !html.contains("http://") && !html.contains("https://"),
            "{path}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn form_posts_need_the_session_csrf_token() {
    let (app, _c) = ready().await;
    let size = app.tree_size().await;
    let post = |form: Vec<(&'static str, String)>| {
        app.client
            .post(app.url("/cases/DE-2026-A/file/notification.withdrawn"))
            .bearer_auth(&app.tokens["exporter-de"])
            .form(&form)
            .send()
    };
    let r = post(vec![("reason", "no token".into())]).await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = post(vec![("reason", "bad".into()), ("csrf", "forged".into())])
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // With the token of the page's form, the server prepares the review page (it files
    // nothing: the browser signs and files).
    let (_, _, form) = page(
        &app,
        "exporter-de",
        "/cases/DE-2026-A/file/notification.withdrawn",
    )
    .await;
    let i = form.find("name=\"csrf\" value=\"").unwrap() + 19;
    let token = form[i..].split('"').next().unwrap().to_owned();
    let r = post(vec![
        ("reason", "the disposer closed".into()),
        ("csrf", token),
    ])
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"filing\""), "{html}");
    assert_eq!(app.tree_size().await, size);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_form_names_the_rule_and_keeps_every_value() {
    let (app, _c) = ready().await;
    let (_, _, form) = page(&app, "ca-nl", "/cases/DE-2026-A/file/contract.confirmed").await;
    assert_eq!(
        app.get_as("ca-nl", "/cases/DE-2026-A/file/contract.confirmed")
            .await
            .status(),
        // The contract is confirmed already: the filing is not offered any more.
        StatusCode::FORBIDDEN
    );
    assert!(form.contains("lang=\"en\""));
    let (_, _, form) = page(&app, "exporter-de", "/notifications/new").await;
    let i = form.find("name=\"csrf\" value=\"").unwrap() + 19;
    let token = form[i..].split('"').next().unwrap().to_owned();
    let r = app
        .client
        .post(app.url("/notifications/new"))
        .bearer_auth(&app.tokens["exporter-de"])
        .header("accept-language", "es")
        .form(&[
            ("csrf", token.as_str()),
            ("_case", "NL-2026-1"),
            ("reason", "razón guardada"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("lang=\"es\""));
    // The body is checked first: every missing field is named next to its field, in Spanish.
    assert!(
        html.contains("<span class=\"rule\">PIC-02</span>"),
        "{html}"
    );
    assert!(html.contains("Basel Art. 6(1), Annex V A"), "{html}");
    assert!(html.contains("Este campo no debe estar vacío."), "{html}");
    assert!(html.contains("value=\"razón guardada\""), "{html}");
    assert!(html.contains("value=\"NL-2026-1\""), "{html}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_language_follows_accept_language_and_the_switch() {
    let (app, _c) = ready().await;
    let get = |lang: &'static str, cookie: Option<&'static str>| {
        let mut rq = app
            .client
            .get(app.url("/signin"))
            .header("accept-language", lang);
        if let Some(c) = cookie {
            rq = rq.header("cookie", c);
        }
        rq.send()
    };
    let fr = get("fr-CH, fr;q=0.9", None)
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(fr.contains("<html lang=\"fr\">") && fr.contains("Se connecter avec sa clé"));
    let es = get("de, es;q=0.5", None)
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(es.contains("<html lang=\"es\">") && es.contains("Iniciar sesión con su clave"));
    let chosen = get("fr", Some("wastetrail_lang=es"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(chosen.contains("<html lang=\"es\">"));
    // The switch sets the cookie and goes back to a local page only.
    let no_redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = no_redirect
        .get(app.url("/lang/fr?next=/cases"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/cases");
    assert!(
        r.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .starts_with("wastetrail_lang=fr")
    );
    let r = no_redirect
        .get(app.url("/lang/fr?next=//evil.example/"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browsers_get_an_error_page_and_api_clients_a_problem() {
    let (app, _c) = ready().await;
    let r = app
        .client
        .get(app.url("/no/such/page"))
        .header("accept", "text/html")
        .header("accept-language", "fr")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(r.text().await.unwrap().contains("Page introuvable"));
    let r = app
        .client
        .get(app.url("/api/v1/nothing"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    // A case the participant may not see is the same 404 page as no case at all.
    let (status, _, _) = page(&app, "exporter-de-2", "/cases/DE-2026-A").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Pages that need a session send a browser to the sign-in page.
    let no_redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = no_redirect.get(app.url("/cases")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/signin?next=/cases");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_may_name_only_the_key() {
    let backend = backends().into_iter().next().unwrap();
    let mut app = TestApp::spawn(&backend).await;
    let c = Cast::new();
    app.register(&[&c.ca_de, &c.exporter]).await;
    let ch = app.challenge().await;
    let mut body = TestApp::login_body(&c.exporter, &c.exporter.signer, &ch);
    body.as_object_mut().unwrap().remove("participant");
    let r = app.post_login(&body).await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["participant"], json!("exporter-de"));
    // An unknown key is refused like any failed login.
    let stranger = Actor::new("nobody", "exporter", "DE");
    let ch = app.challenge().await;
    let mut body = TestApp::login_body(&stranger, &stranger.signer, &ch);
    body.as_object_mut().unwrap().remove("participant");
    let r = app.post_login(&body).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_border_check_answers_green_or_red_and_each_party_sees_its_next_step() {
    let (mut app, c) = ready().await;
    let v = app
        .ok(&c.exporter, "movement.started", "DE-2026-A", c.movement(1))
        .await;
    let leaf = v["leaf_hash"].as_str().unwrap().to_owned();
    let case: Value = app
        .get_as("exporter-de", "/api/v1/cases/DE-2026-A")
        .await
        .json()
        .await
        .unwrap();
    let qr = case["verdicts"][0]["qr"].as_str().unwrap().to_owned();
    assert!(qr.starts_with("wt1:"), "{qr}");

    // Green, by the QR payload or the leaf hash; the customs office of export may record the
    // exit, and sees the shipment.
    for code in [qr.as_str(), leaf.as_str()] {
        let (status, _, html) = page(&app, "customs-de", &format!("/border?code={code}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("border-answer green"), "{html}");
        assert!(html.contains("In the ledger and consented"));
        assert!(html.contains("/cases/DE-2026-A/file/border.exited?shipment=1"));
        assert!(!html.contains("file/border.entered"));
    }
    // Anonymous: the same answer, nothing of the case.
    let html = app
        .get(&format!("/border?code={leaf}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("border-answer green"));
    assert!(!html.contains("DE-2026-A") && !html.contains("A1181"));
    // Red: unknown, unreadable, another log; each with the rule and its citation.
    let zero = "0".repeat(64);
    let other = qr.replace(&app_origin(&qr), "elsewhere.example/log");
    for code in [zero.as_str(), "hello", other.as_str()] {
        let (_, _, html) = page(&app, "customs-de", &format!("/border?code={code}")).await;
        assert!(html.contains("border-answer red"), "{code}: {html}");
        assert!(html.contains("ART9-01") && html.contains("Basel Art. 9(1)-(3)"));
    }

    // The exit form, pre-set to the shipment.
    let (status, _, form) = page(
        &app,
        "customs-de",
        "/cases/DE-2026-A/file/border.exited?shipment=1",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{form}");
    assert!(form.contains("name=\"shipment_no\"") && form.contains("name=\"on\""));
    // Nobody else may record it.
    let (status, _, _) = page(&app, "carrier-de", "/cases/DE-2026-A/file/border.exited").await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Carriers and the disposer see their shipment and their next step.
    let (_, _, carrier) = page(&app, "carrier-de", "/shipments").await;
    assert!(
        carrier.contains("DE-2026-A") && carrier.contains("Take custody"),
        "{carrier}"
    );
    let (_, _, disposer) = page(&app, "disposer-nl", "/shipments").await;
    assert!(disposer.contains("Confirm receipt"), "{disposer}");
    let (status, _, _) = page(&app, "exporter-de", "/shipments").await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The printable movement document carries the same code and its QR code, drawn inline.
    let (status, headers, doc) = page(&app, "exporter-de", "/cases/DE-2026-A/document/1").await;
    assert_eq!(status, StatusCode::OK, "{doc}");
    assert!(doc.contains(&qr) && doc.contains("<svg role=\"img\" class=\"qr-code\""));
    assert!(!doc.contains("http://") && !doc.contains("https://") && !doc.contains(" style="));
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("script-src 'self'")
    );
    // Every item of Annex V B, 1 to 14, in order, then the ledger entry.
    let items: Vec<u8> = doc
        .match_indices("<span class=\"doc-item\">")
        .map(|(i, m)| {
            let rest = &doc[i + m.len()..];
            rest[..rest.find('.').unwrap()].parse().unwrap()
        })
        .collect();
    let mut distinct = items.clone();
    distinct.dedup();
    assert_eq!(distinct, (1..=14).collect::<Vec<u8>>(), "{items:?}");
    assert!(
        doc.contains("Ledger entry") && doc.contains("Not yet received; notified operation R4")
    );
    // The printable notification: every item of Annex V A, 1 to 21, in order.
    let (status, _, notice) = page(&app, "ca-nl", "/cases/DE-2026-A/notification").await;
    assert_eq!(status, StatusCode::OK, "{notice}");
    let items: Vec<u8> = notice
        .match_indices("<span class=\"doc-item\">")
        .map(|(i, m)| {
            let rest = &notice[i + m.len()..];
            rest[..rest.find('.').unwrap()].parse().unwrap()
        })
        .collect();
    let mut distinct = items.clone();
    distinct.dedup();
    assert_eq!(distinct, (1..=21).collect::<Vec<u8>>(), "{items:?}");
    assert!(notice.contains("Annex V A") && notice.contains("C-2026-001"));
    assert!(notice.contains("<svg role=\"img\" class=\"qr-code\""));
    let (status, _, _) = page(&app, "exporter-de-2", "/cases/DE-2026-A/notification").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = page(&app, "exporter-de-2", "/cases/DE-2026-A/document/1").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Every new page with its assets stays within 100 KB.
    for (who, path) in [
        ("exporter-de", "/cases/DE-2026-A/document/1".to_owned()),
        ("exporter-de", "/cases/DE-2026-A/notification".to_owned()),
        ("customs-de", format!("/border?code={qr}")),
        ("customs-de", "/border".to_owned()),
        ("customs-de", "/shipments".to_owned()),
        ("carrier-de", "/shipments".to_owned()),
        (
            "carrier-de",
            "/cases/DE-2026-A/file/custody.transferred".to_owned(),
        ),
        (
            "disposer-nl",
            "/cases/DE-2026-A/file/receipt.confirmed".to_owned(),
        ),
    ] {
        let bytes = weight(&app, who, &path).await;
        assert!(bytes <= 100_000, "{path} as {who}: {bytes} bytes");
    }
}

/// The origin part of a QR payload (after the fourth colon).
fn app_origin(qr: &str) -> String {
    qr.splitn(5, ':').nth(4).unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_log_page_shows_the_checkpoint_and_how_to_verify_it() {
    let (app, _c) = ready().await;
    let size = app.tree_size().await;
    let r = app.get("/log").await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains(&format!("id=\"log-size\">{size}<")), "{html}");
    assert!(html.contains("wastetrail verify --qr"));
    assert!(!html.contains("DE-2026-A"));
    let bytes = weight(&app, "exporter-de", "/log").await;
    assert!(bytes <= 100_000, "/log: {bytes} bytes");
    // The verify page: public, shows the log key it checks against, within the budget.
    let r = app.get("/verify").await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    let info: Value = app.get("/api/v1/log").await.json().await.unwrap();
    let vkey = info["vkey"].as_str().unwrap();
    assert!(
        html.contains(&format!("id=\"verify-vkey\">{vkey}<")),
        "{html}"
    );
    assert!(html.contains("/static/verify.js"));
    let bytes = weight(&app, "auditor-1", "/verify").await;
    assert!(bytes <= 100_000, "/verify: {bytes} bytes");
    // Charts over all cases for auditors only; nobody else gets figures about cases.
    let (_, _, audit) = page(&app, "auditor-1", "/log").await;
    let charts = &audit[audit.find("id=\"charts\"").expect("charts for the auditor")..];
    assert_eq!(
        charts.matches("<svg class=\"chart\"").count(),
        4,
        "{charts}"
    );
    assert!(charts.contains(">Transmitted<"), "{charts}");
    assert!(!charts.contains(" style="));
    for who in ["exporter-de", "ca-de"] {
        let (_, _, html) = page(&app, who, "/log").await;
        assert!(!html.contains("id=\"charts\""), "{who}");
    }
    assert!(!app.get("/log").await.text().await.unwrap().contains("<svg"));
    let bytes = weight(&app, "auditor-1", "/log").await;
    assert!(bytes <= 100_000, "/log for auditors: {bytes} bytes");
    let bytes = weight(&app, "auditor-1", "/cases?state=DE").await;
    assert!(bytes <= 100_000, "/cases: {bytes} bytes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn border_discrepancies_and_a_rejection_show_on_the_case_timeline() {
    let (mut app, c) = ready().await;
    let started = app
        .ok(&c.exporter, "movement.started", "DE-2026-A", c.movement(1))
        .await;
    // The forms ask for them.
    let (_, _, form) = page(
        &app,
        "customs-de",
        "/cases/DE-2026-A/file/border.exited?shipment=1",
    )
    .await;
    for name in ["quantity_kg", "packages", "seals", "vehicle", "note"] {
        assert!(
            form.contains(&format!("name=\"discrepancies.{name}\"")),
            "{name}: {form}"
        );
    }
    let exit = app
        .ok(
            &c.customs_de,
            "border.exited",
            "DE-2026-A",
            json!({ "shipment_no": 1, "on": today(), "discrepancies": { "packages": 19, "seals": "seal 4411 broken" } }),
        )
        .await;
    let (_, _, form) = page(
        &app,
        "disposer-nl",
        "/cases/DE-2026-A/file/receipt.confirmed",
    )
    .await;
    assert!(form.contains("name=\"rejected_kg\"") && form.contains("name=\"rejection_reasons\""));
    let receipt = app
        .ok(
            &c.disposer,
            "receipt.confirmed",
            "DE-2026-A",
            json!({ "shipment_no": 1, "received_on": today(), "quantity_kg": 20000, "rejected_kg": 1500, "rejection_reasons": ["wet boards", "mixed with batteries"] }),
        )
        .await;
    // A rejection without reasons never reaches the log.
    let size = app.tree_size().await;
    let (status, _) = app
        .file(
            &c.disposer,
            "receipt.confirmed",
            "DE-2026-A",
            json!({ "shipment_no": 2, "received_on": today(), "quantity_kg": 20000, "rejected_kg": 5 }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.tree_size().await, size);

    let (_, _, html) = page(&app, "auditor-1", "/cases/DE-2026-A").await;
    let timeline = &html[html.find("id=\"timeline\"").unwrap()..];
    assert!(
        timeline.contains("Discrepancies: 19 packages counted; seals: seal 4411 broken"),
        "{timeline}"
    );
    assert!(timeline.contains("Rejected 1500 kg: wet boards; mixed with batteries"));
    assert!(timeline.contains("(Customs office, DE)") && timeline.contains("(Disposer, NL)"));
    for v in [&started, &exit, &receipt] {
        let i = v["index"].as_u64().unwrap();
        assert!(timeline.contains(&format!("data-index=\"{i}\"")), "{i}");
    }
    assert!(timeline.contains("Yes, it may start"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auditors_filter_all_cases_and_see_a_cases_flags() {
    let (mut app, c) = ready().await;
    app.ok(&c.exporter, "movement.started", "DE-2026-A", c.movement(1))
        .await;
    // Received far less than documented: a material deviation (Art. 9(1)(d)).
    app.ok(
        &c.disposer,
        "receipt.confirmed",
        "DE-2026-A",
        json!({ "shipment_no": 1, "received_on": today(), "quantity_kg": 12000 }),
    )
    .await;
    let listed = |html: &str| html.contains("href=\"/cases/DE-2026-A\"");
    let today = today();
    for (query, want) in [
        ("", true),
        ("?state=BE", true),
        ("?state=nl", true),
        ("?state=FR", false),
        ("?code=A1181", true),
        ("?code=Y49", false),
        ("?status=transmitted&code=a1181", true),
        ("?status=completed", false),
        (&format!("?from={today}&to={today}") as &str, true),
        ("?from=2999-01-01", false),
        ("?to=2000-01-01", false),
    ] {
        let (status, _, html) = page(&app, "auditor-1", &format!("/cases{query}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(listed(&html), want, "{query}");
        assert!(html.contains("All cases"));
    }
    // Someone with no part in the case does not see it, whatever the filter.
    let (_, _, html) = page(&app, "exporter-de-2", "/cases?state=DE").await;
    assert!(!listed(&html));
    let (_, _, html) = page(&app, "auditor-1", "/cases/DE-2026-A").await;
    let flags = &html[html.find("id=\"flags\"").unwrap()..];
    assert!(
        flags.contains("ART9-01") && flags.contains("Basel Art. 9"),
        "{flags}"
    );
}

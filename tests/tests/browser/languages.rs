//! The same pages in French and in Spanish carry no English sentence of the catalog.

use std::sync::Arc;

use crate::support::{Browser, World};

const EN: &str = include_str!("../../../crates/server/locales/en.ftl");
const FR: &str = include_str!("../../../crates/server/locales/fr.ftl");
const ES: &str = include_str!("../../../crates/server/locales/es.ftl");

/// `key = value` lines of a catalog.
fn values(ftl: &str) -> Vec<(&str, &str)> {
    ftl.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with(' '))
        .filter_map(|l| l.split_once(" = "))
        .collect()
}

/// The English phrases to look for: the literal parts of every English message (between
/// placeables), long enough to be a phrase, that the other language does not use itself.
fn english_phrases(other: &str) -> Vec<String> {
    let theirs: Vec<&str> = values(other).into_iter().map(|(_, v)| v).collect();
    let mut out = Vec::new();
    for (_, v) in values(EN) {
        for part in v.split(['{', '}']).step_by(2) {
            let p = part.trim().trim_end_matches([':', '.', ',']);
            if p.len() >= 10 && p.contains(' ') && !theirs.iter().any(|t| t.contains(p)) {
                out.push(p.to_owned());
            }
        }
    }
    out
}

async fn check(b: &Browser, lang: &str, path: &str, phrases: &[String]) {
    b.open(path).await;
    let text = b.text().await;
    assert!(text.len() > 200, "{lang} {path}: almost empty:\n{text}");
    let left: Vec<&String> = phrases
        .iter()
        .filter(|p| text.contains(p.as_str()))
        .collect();
    assert!(
        left.is_empty(),
        "{lang} {path} still shows English: {left:?}\n{text}"
    );
    let html_lang =
        b.c.execute("return document.documentElement.lang;", vec![])
            .await
            .unwrap();
    assert_eq!(html_lang, serde_json::json!(lang), "{path}");
}

pub async fn french_and_spanish_pages_have_no_english_left(w: Arc<World>) {
    let year = time::OffsetDateTime::now_utc().year();
    for (lang, catalog) in [("fr", FR), ("es", ES)] {
        let phrases = english_phrases(catalog);
        assert!(phrases.len() > 100, "{}", phrases.len());
        let b = w.browser(1280, 1000).await;
        // The language comes from Accept-Language too; here the visible switch sets it.
        b.open(&format!("/lang/{lang}?next=/")).await;
        for path in ["/", "/signin", "/no-such-page", "/log", "/verify"] {
            check(&b, lang, path, &phrases).await;
        }
        b.sign_in(&w.key("exporter-de")).await;
        for path in [
            "/cases".to_owned(),
            format!("/cases/DE-{year}-0002"),
            format!("/cases/DE-{year}-0003"),
            "/notifications/new".to_owned(),
            format!("/cases/DE-{year}-0002/file/movement.started"),
            format!("/cases/DE-{year}-0002/notification"),
            format!("/cases/DE-{year}-0002/document/1"),
        ] {
            check(&b, lang, &path, &phrases).await;
        }
        b.sign_out().await;
        b.sign_in(&w.key("ca-nl")).await;
        for path in [
            "/cases".to_owned(),
            format!("/cases/DE-{year}-0003/file/consent.granted"),
        ] {
            check(&b, lang, &path, &phrases).await;
        }
        // The customs office's border check (a red answer) and shipments, the carrier's and
        // the disposer's shipments and forms.
        let unknown = "0".repeat(64);
        for (who, paths) in [
            (
                "customs-de",
                vec![
                    "/border".to_owned(),
                    format!("/border?code={unknown}"),
                    "/shipments".to_owned(),
                    format!("/cases/DE-{year}-0002/file/border.exited"),
                ],
            ),
            (
                "carrier-de",
                vec![
                    "/shipments".to_owned(),
                    format!("/cases/DE-{year}-0002/file/custody.transferred"),
                ],
            ),
            (
                "disposer-nl",
                vec![
                    "/shipments".to_owned(),
                    format!("/cases/DE-{year}-0002/file/receipt.confirmed"),
                ],
            ),
            (
                "auditor",
                vec![
                    format!("/cases?state=DE&code=A1181&from={year}-01-01"),
                    format!("/cases/DE-{year}-0002"),
                ],
            ),
        ] {
            b.sign_out().await;
            b.sign_in(&w.key(who)).await;
            for path in paths {
                check(&b, lang, &path, &phrases).await;
            }
        }
        b.close().await;
    }
}

//! Screenshots of the main pages at desktop and phone width, written to the directory named
//! by `WASTETRAIL_SCREENSHOTS` (`docs/screenshots/` in the repository; the guides use them).
//! Without that variable the scenario does nothing.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::support::{Browser, World};
use crate::whole_case::{fill_owned, notification_fields, today};

/// Desktop and phone sizes.
const SIZES: [(&str, u32, u32); 2] = [("desktop", 1280, 1000), ("phone", 390, 844)];

async fn shoot(b: &Browser, dir: &Path, name: &str, size: &str) {
    b.screenshot(&dir.join(format!("{name}-{size}.png"))).await;
}

/// The screenshot directory, when screenshots are asked for.
pub fn dir() -> Option<PathBuf> {
    std::env::var_os("WASTETRAIL_SCREENSHOTS").map(PathBuf::from)
}

/// Scrolls the element with `id` to the top of the window and shoots `name` at both sizes'
/// current window (the caller's browser).
pub async fn shoot_at(b: &Browser, id: &str, name: &str, size: &str) {
    let Some(dir) = dir() else { return };
    b.c.execute(
        "document.getElementById(arguments[0])?.scrollIntoView({block: 'start'});",
        vec![serde_json::json!(id)],
    )
    .await
    .expect("scroll");
    shoot(b, &dir, name, size).await;
}

pub async fn screenshots_of_the_main_pages(w: Arc<World>) {
    let Some(dir) = dir() else {
        return;
    };
    std::fs::create_dir_all(&dir).unwrap();
    let year = time::OffsetDateTime::now_utc().year();
    for (size, width, height) in SIZES {
        let b = w.browser(width, height).await;
        b.open("/").await;
        shoot(&b, &dir, "home", size).await;
        b.open("/signin").await;
        shoot(&b, &dir, "signin", size).await;
        b.open("/log").await;
        shoot(&b, &dir, "public-log", size).await;
        // Verify in the browser, anonymous: green for a real document code, red for a forged one.
        b.open("/verify").await;
        shoot(&b, &dir, "verify", size).await;
        b.sign_in(&w.key("exporter-de")).await;
        shoot(&b, &dir, "exporter-cases", size).await;
        b.open(&format!("/cases/DE-{year}-0002")).await;
        shoot(&b, &dir, "exporter-case", size).await;
        b.open("/notifications/new").await;
        shoot(&b, &dir, "notification-form", size).await;
        fill_owned(&b, &notification_fields(&today())).await;
        b.fill(&[("_case", &format!("NL-{year}-0001"))]).await;
        b.click("#filing-form button[type=submit]").await;
        b.wait_text("CASE-03").await;
        shoot(&b, &dir, "refusal", size).await;
        b.fill(&[("_case", &format!("DE-{year}-0900"))]).await;
        b.click("#filing-form button[type=submit]").await;
        b.wait_text("Sign and file").await;
        shoot(&b, &dir, "review-and-sign", size).await;
        b.click("#bytes-button").await;
        b.wait_text("wastetrail/statement/v2").await;
        shoot(&b, &dir, "signing-bytes", size).await;
        b.open(&format!("/cases/DE-{year}-0002/file/movement.started"))
            .await;
        shoot(&b, &dir, "movement-form", size).await;
        b.sign_out().await;
        b.sign_in(&w.key("ca-nl")).await;
        shoot(&b, &dir, "authority-inbox", size).await;
        b.open(&format!("/cases/DE-{year}-0003")).await;
        shoot(&b, &dir, "authority-case", size).await;
        b.open(&format!("/cases/DE-{year}-0003/file/consent.granted"))
            .await;
        shoot(&b, &dir, "consent-form", size).await;
        b.open("/due").await;
        shoot(&b, &dir, "authority-due", size).await;
        b.open("/registry").await;
        shoot(&b, &dir, "authority-registry", size).await;
        b.open("/lang/fr?next=/cases").await;
        shoot(&b, &dir, "authority-inbox-fr", size).await;
        b.open("/lang/es?next=/cases").await;
        shoot(&b, &dir, "authority-inbox-es", size).await;
        b.open("/lang/en?next=/cases").await;
        // Customs at the border, carriers and disposers (web part 2).
        b.sign_out().await;
        b.sign_in(&w.key("customs-nl")).await;
        b.open(&format!("/cases/DE-{year}-0002")).await;
        let code =
            b.c.find(fantoccini::Locator::Id("qr-1"))
                .await
                .expect("the document code")
                .text()
                .await
                .expect("its text");
        b.open(&format!("/cases/DE-{year}-0002/document/1")).await;
        b.wait_text("Movement document").await;
        shoot(&b, &dir, "movement-document", size).await;
        b.open(&format!("/cases/DE-{year}-0002/notification")).await;
        b.wait_text("Notification of a transboundary movement")
            .await;
        shoot(&b, &dir, "notification-document", size).await;
        b.sign_out().await;
        b.open(&format!("/verify?code={code}")).await;
        b.wait_text("Proven: in the ledger").await;
        shoot_at(&b, "verify-result", "verify-green", size).await;
        let forged = code.replacen(":", ":9", 1);
        b.open(&format!("/verify?code={forged}")).await;
        b.wait_text("Not proven").await;
        shoot_at(&b, "verify-result", "verify-red", size).await;
        b.sign_in(&w.key("customs-nl")).await;
        b.open(&format!("/border?code={code}")).await;
        b.wait_text("In the ledger and consented").await;
        shoot(&b, &dir, "border-green", size).await;
        b.open(&format!("/border?code={}", "0".repeat(64))).await;
        b.wait_text("ART9-01").await;
        shoot(&b, &dir, "border-red", size).await;
        b.open("/shipments").await;
        shoot(&b, &dir, "customs-shipments", size).await;
        b.open(&format!(
            "/cases/DE-{year}-0002/file/border.entered?shipment=2"
        ))
        .await;
        shoot_at(&b, "f-discrepancies-quantity_kg", "border-entry-form", size).await;
        b.sign_out().await;
        b.sign_in(&w.key("carrier-de")).await;
        b.open("/shipments").await;
        shoot(&b, &dir, "carrier-shipments", size).await;
        b.open(&format!("/cases/DE-{year}-0002/file/custody.transferred"))
            .await;
        shoot(&b, &dir, "custody-form", size).await;
        b.sign_out().await;
        b.sign_in(&w.key("disposer-nl")).await;
        b.open(&format!("/cases/DE-{year}-0002/file/receipt.confirmed"))
            .await;
        shoot(&b, &dir, "receipt-form", size).await;
        shoot_at(&b, "f-rejected_kg", "receipt-rejection", size).await;
        // The auditor: all cases with filters, a case's flags and timeline, the charts.
        b.sign_out().await;
        b.sign_in(&w.key("auditor")).await;
        b.open(&format!("/cases?state=NL&code=A1181&from={year}-01-01"))
            .await;
        shoot(&b, &dir, "auditor-cases", size).await;
        b.open(&format!("/cases/DE-{year}-0001")).await;
        shoot_at(&b, "chain", "auditor-timeline", size).await;
        b.open("/log").await;
        shoot_at(&b, "charts", "auditor-charts", size).await;
        b.close().await;
    }
}

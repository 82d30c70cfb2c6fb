//! The printed notification and movement document: printed to PDF by headless Chromium (WebDriver "Print
//! Page") on A4 and on US Letter, rasterized with `pdftoppm`, its QR code read back with
//! `zbarimg`; the payload is the one the page shows, it verifies green on the verify page,
//! and the printouts list every item of Annex V A (notification) and V B (movement document)
//! in order.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use fantoccini::Locator;
use fantoccini::wd::{PrintConfiguration, PrintSize};

use crate::custody::as_participant;
use crate::support::{Browser, World};

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// The QR payload read from page 1 of a PDF.
fn qr_of(pdf: &Path) -> String {
    let prefix = pdf.with_extension("");
    run(Command::new("pdftoppm")
        .args(["-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile"])
        .arg(pdf)
        .arg(&prefix));
    run(Command::new("zbarimg")
        .args(["--raw", "-q"])
        .arg(prefix.with_extension("png")))
    .trim()
    .to_owned()
}

/// The code printed under the page's QR code.
async fn code_on_page(b: &Browser) -> String {
    b.c.wait()
        .at_most(std::time::Duration::from_secs(20))
        .for_element(Locator::Id("doc-code"))
        .await
        .expect("the code under the QR code")
        .text()
        .await
        .expect("its text")
}

/// Prints the page on A4 and on US Letter; each PDF's QR code decodes to `payload` and its
/// text lists the Annex items 1 to `items` in order.
async fn print_and_check(b: &Browser, dir: &Path, doc: &str, payload: &str, items: u32) {
    for (name, size) in [("a4", PrintSize::A4), ("letter", PrintSize::US_LETTER)] {
        let config = PrintConfiguration::builder()
            .size(size)
            .background(true)
            .build()
            .expect("print configuration");
        let pdf = b.c.print(config).await.expect("print to PDF");
        assert!(pdf.starts_with(b"%PDF-"), "{doc} {name}: not a PDF");
        let file = dir.join(format!("{doc}-{name}.pdf"));
        std::fs::write(&file, &pdf).expect("write the PDF");
        assert_eq!(qr_of(&file), payload, "{doc} {name}");
        let text = run(Command::new("pdftotext")
            .args(["-layout"])
            .arg(&file)
            .arg("-"));
        let mut at = 0;
        for item in 1..=items {
            let found = text[at..].find(&format!("{item}. ")).unwrap_or_else(|| {
                panic!("{doc} {name}: item {item} missing or out of order:\n{text}")
            });
            at += found + 1;
        }
        assert!(text.contains("Ledger entry"), "{doc} {name}: {text}");
    }
}

pub async fn the_printed_movement_document_has_every_annex_item_and_its_qr_code_decodes(
    w: Arc<World>,
) {
    let year = time::OffsetDateTime::now_utc().year();
    let case = format!("DE-{year}-0002");
    let b = as_participant(&w, "exporter-de").await;
    let dir = tempfile::tempdir().expect("tempdir");
    // The notification (Annex V A, items 1 to 21) first, then the movement document.
    b.open(&format!("/cases/{case}/notification")).await;
    let notice = code_on_page(&b).await;
    print_and_check(&b, dir.path(), "notification", &notice, 21).await;
    b.open(&format!("/cases/{case}/document/1")).await;
    let payload = code_on_page(&b).await;
    assert!(payload.starts_with("wt1:"), "{payload}");
    print_and_check(&b, dir.path(), "movement", &payload, 14).await;
    b.close().await;

    // The decoded payload verifies green in the browser.
    let b = w.browser(1280, 1000).await;
    b.open(&format!("/verify?code={payload}")).await;
    let text = b.wait_text("Proven: in the ledger").await;
    assert!(text.contains("consented when it started"), "{text}");
    b.open(&format!("/verify?code={notice}")).await;
    b.wait_text("Proven: in the ledger").await;
    b.close().await;
}

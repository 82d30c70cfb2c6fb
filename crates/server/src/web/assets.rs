//! The static assets of the pages (style sheet, scripts, icon), embedded in the binary: no
//! CDN, no third-party file, nothing read from disk at run time.

use actix_web::http::header;
use actix_web::{HttpResponse, web};

/// One embedded file.
pub struct Asset {
    /// Its name under `/static/`.
    pub name: &'static str,
    /// Its media type.
    pub content_type: &'static str,
    /// Its bytes.
    pub bytes: &'static [u8],
}

const CSS: &str = "text/css; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";

/// Every asset.
pub const ASSETS: &[Asset] = &[
    Asset {
        name: "app.css",
        content_type: CSS,
        bytes: include_bytes!("../../static/app.css"),
    },
    Asset {
        name: "wt.js",
        content_type: JS,
        bytes: include_bytes!("../../static/wt.js"),
    },
    Asset {
        name: "app.js",
        content_type: JS,
        bytes: include_bytes!("../../static/app.js"),
    },
    Asset {
        name: "signin.js",
        content_type: JS,
        bytes: include_bytes!("../../static/signin.js"),
    },
    Asset {
        name: "sign.js",
        content_type: JS,
        bytes: include_bytes!("../../static/sign.js"),
    },
    Asset {
        name: "border.js",
        content_type: JS,
        bytes: include_bytes!("../../static/border.js"),
    },
    Asset {
        name: "verify.js",
        content_type: JS,
        bytes: include_bytes!("../../static/verify.js"),
    },
    Asset {
        name: "print.js",
        content_type: JS,
        bytes: include_bytes!("../../static/print.js"),
    },
    Asset {
        name: "icon.svg",
        content_type: "image/svg+xml",
        bytes: include_bytes!("../../static/icon.svg"),
    },
];

/// `GET /static/{name}`.
pub async fn serve(name: web::Path<String>) -> HttpResponse {
    match ASSETS.iter().find(|a| a.name == name.as_str()) {
        Some(a) => HttpResponse::Ok()
            .content_type(a.content_type)
            .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .body(a.bytes),
        None => HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("not found"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assets_are_small_and_self_contained() {
        for a in ASSETS {
            assert!(
                a.bytes.len() < 40_000,
                "{} is {} bytes",
                a.name,
                a.bytes.len()
            );
            let text = String::from_utf8_lossy(a.bytes);
            // Nothing from another host: no absolute URLs in code or styles.
            for bad in ["http://", "https://", "//cdn", "@import url("] {
                let hits: Vec<&str> = text
                    .lines()
                    .filter(|l| l.contains(bad) && !l.contains("www.w3.org/2000/svg"))
                    .collect();
                assert!(hits.is_empty(), "{}: {hits:?}", a.name);
            }
        }
    }
}

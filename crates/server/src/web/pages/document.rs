//! The printable movement document (Annex V B) of a started shipment, with its QR code: the
//! payload of docs/ledger-format.md §8a, drawn on the server as an inline SVG (no image
//! service, nothing loaded from elsewhere). Customs scan it at `/border`.

use actix_web::{HttpResponse, web};
use askama::Template;
use wastetrail_ledger::qr::MovementRef;

use crate::state::AppState;
use crate::web::pages::cases::visible;
use crate::web::views::{date, route};
use crate::web::{Ctx, WebError, WebResult, render, respond};

/// The page.
#[derive(Template)]
#[template(path = "document.html")]
struct DocumentPage<'a> {
    c: &'a Ctx,
    case: String,
    no: u32,
    route: String,
    rows: Vec<(String, String)>,
    payload: String,
    svg: String,
}

/// The QR code of `payload` as an inline SVG element (dark modules on white, a quiet zone).
pub fn qr_svg(payload: &str) -> Option<String> {
    let code =
        qrcode::QrCode::with_error_correction_level(payload.as_bytes(), qrcode::EcLevel::M).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(240, 240)
        .build();
    // Inline in HTML: no XML declaration, no namespace URL.
    let start = svg.find("<svg")?;
    Some(
        svg[start..]
            .replace(" xmlns=\"http://www.w3.org/2000/svg\"", "")
            .replacen("<svg", "<svg role=\"img\" class=\"qr-code\"", 1),
    )
}

/// `GET /cases/{id}/document/{no}`.
pub async fn document(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(String, u32)>,
) -> HttpResponse {
    let (id, no) = path.into_inner();
    let r = inner(&ctx, &state, &id, no).await;
    respond(&ctx, r)
}

async fn inner(ctx: &Ctx, state: &AppState, id: &str, no: u32) -> WebResult {
    let u = ctx.user.as_ref().ok_or(WebError::SignIn)?;
    let w = state.view().await?;
    let cs = visible(&w, u, id)?;
    let case = &cs.case;
    let n = case.notification.as_ref().ok_or(WebError::NotFound)?;
    let s = case.shipments.get(&no).ok_or(WebError::NotFound)?;
    let d = s.document.as_ref().ok_or(WebError::NotFound)?;
    let (hash, m) = w
        .movements
        .iter()
        .find(|(_, m)| m.case == case.id && m.shipment_no == no)
        .ok_or(WebError::NotFound)?;
    let payload = MovementRef {
        origin: ctx.origin.clone(),
        index: m.index,
        size: w.size,
        leaf_hash: *hash,
    }
    .to_string();
    let t = &ctx.t;
    let name = |id: &str| {
        w.registry.get(id).map_or_else(
            || id.to_owned(),
            |p| format!("{} — {} ({})", p.name, p.address, p.country.as_str()),
        )
    };
    let codes: Vec<&str> = d.codes.iter().map(|x| x.as_str()).collect();
    let hazards: Vec<&str> = d.hazard_classes.iter().map(|x| x.as_str()).collect();
    let transit: Vec<&str> = d.transit.iter().map(|x| x.as_str()).collect();
    let rows = vec![
        (t.m("fld-case"), case.id.clone()),
        (
            t.m("fld-shipment_no"),
            format!("{no} / {}", n.planned_shipments),
        ),
        (t.m("fld-exporter"), name(&d.exporter)),
        (
            t.m("fld-generators"),
            d.generators
                .iter()
                .map(|g| name(g))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        (
            t.m("fld-carriers"),
            d.carriers
                .iter()
                .map(|c| name(c))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        (t.m("fld-disposer"), name(&d.disposer)),
        (t.m("fld-site"), d.site.clone()),
        (t.m("fld-started_on"), date(d.started_on)),
        (t.m("fld-exit_office"), name(&d.exit_office)),
        (t.m("fld-entry_office"), name(&d.entry_office)),
        (t.m("fld-transit"), transit.join(", ")),
        (t.m("fld-description"), d.description.clone()),
        (t.m("fld-codes"), codes.join(", ")),
        (
            t.m("fld-un_number"),
            d.un_number.clone().unwrap_or_default(),
        ),
        (t.m("fld-un_class"), d.un_class.clone().unwrap_or_default()),
        (t.m("fld-hazard_classes"), hazards.join(", ")),
        (t.m("fld-packages-count"), d.packages.count.to_string()),
        (t.m("fld-quantity_kg"), t.m1("kg", "n", d.quantity_kg)),
        (t.m("fld-operation"), n.operation.as_str().to_owned()),
        (t.m("fld-handling"), d.handling.clone()),
    ];
    Ok(render(&DocumentPage {
        c: ctx,
        case: case.id.clone(),
        no,
        route: route(n),
        rows,
        svg: qr_svg(&payload).unwrap_or_default(),
        payload,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_qr_code_is_an_inline_svg_without_urls() {
        let svg =
            qr_svg("wt1:1:2:v7lko5h-R5Tf272DP0QWAB9t_WJH7p51_zQZrPkJefw:wastetrail.example/log")
                .unwrap();
        assert!(
            svg.starts_with("<svg role=\"img\" class=\"qr-code\""),
            "{svg}"
        );
        assert!(svg.ends_with("</svg>"));
        assert!(!svg.contains("http") && !svg.contains("style="));
    }
}

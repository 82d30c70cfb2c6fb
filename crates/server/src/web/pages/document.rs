//! The printable movement document (Annex V B) of a started shipment, with its QR code: the
//! payload of docs/ledger-format.md §8a, drawn on the server as an inline SVG (no image
//! service, nothing loaded from elsewhere). Customs scan it at `/border`.

use actix_web::{HttpResponse, web};
use askama::Template;
use wastetrail_ledger::qr::MovementRef;

use wastetrail_basel::Case;
use wastetrail_basel::case::Shipment;

use crate::state::AppState;
use crate::web::pages::cases::visible;
use crate::web::views::{date, route};
use crate::web::{Ctx, WebError, WebResult, render, respond};
use crate::world::World;

/// A printable document of a case (the movement document here, the notification in
/// `notice.rs`): its Annex items, and the QR code of its ledger entry.
#[derive(Template)]
#[template(path = "document.html")]
pub(super) struct DocumentPage<'a> {
    pub(super) c: &'a Ctx,
    pub(super) case: String,
    /// The heading (`Movement document`).
    pub(super) title: String,
    /// The Annex it follows, above the heading.
    pub(super) annex: String,
    /// The line under the heading (case, shipment, route).
    pub(super) subtitle: String,
    pub(super) rows: Vec<DocRow>,
    /// How to check it against the ledger, under the items.
    pub(super) check: String,
    pub(super) payload: String,
    pub(super) svg: String,
}

/// One line of the printed document: its Annex V B item number (0 for the ledger's own
/// lines), its label and its value.
pub struct DocRow {
    pub(super) item: u8,
    pub(super) label: String,
    pub(super) value: String,
}

/// The wire name of a body enum (`road`, `palletised`, `general`).
pub(super) fn wire(v: &impl serde::Serialize) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Every item of Annex V B (Basel Convention), in its order, for shipment `s`; then the
/// ledger's own lines (who signed, which entry).
fn annex_v_b(c: &Ctx, w: &World, case: &Case, s: &Shipment, index: u64) -> Vec<DocRow> {
    let t = &c.t;
    let (Some(n), Some(d)) = (case.notification.as_ref(), s.document.as_ref()) else {
        return Vec::new();
    };
    let name = |id: &str| {
        w.registry.get(id).map_or_else(
            || id.to_owned(),
            |p| format!("{} — {} ({})", p.name, p.address, p.country.as_str()),
        )
    };
    let short = |id: &str| {
        w.registry
            .get(id)
            .map_or_else(|| id.to_owned(), |p| p.name.clone())
    };
    let list = |v: Vec<String>| v.join("; ");
    let val = |v: String| t.m(format!("val-{v}"));
    let generators = d
        .generators
        .iter()
        .map(|g| {
            let site = n
                .generators
                .iter()
                .find(|x| &x.participant == g)
                .map(|x| format!(" — {}: {}", t.m("fld-generators-0-site"), x.site))
                .unwrap_or_default();
            format!("{}{site}", name(g))
        })
        .collect();
    let mut route = vec![n.export.country.as_str().to_owned()];
    route.extend(d.transit.iter().map(|x| x.as_str().to_owned()));
    route.push(n.import.country.as_str().to_owned());
    let mut charge: Vec<String> = s
        .custody
        .iter()
        .map(|e| format!("{} — {}", date(e.on), short(&e.holder)))
        .collect();
    if let Some(r) = s.received_on {
        charge.push(format!("{} — {}", date(r), short(&d.disposer)));
    }
    let receipt = match (s.received_on, s.received_kg) {
        (Some(on), Some(kg)) => {
            let mut v = t.m2("doc-received", ("date", date(on)), ("n", kg));
            if let (Some(done), Some(op)) = (s.completed_on, s.completed_operation) {
                v.push_str("; ");
                v.push_str(&t.m2("doc-completed", ("date", date(done)), ("code", op.as_str())));
            }
            v
        }
        _ => t.m1("doc-not-received", "code", n.operation.as_str()),
    };
    let declared = t.m1("doc-declared", "name", short(&d.exporter));
    let hazards: Vec<String> = d
        .hazard_classes
        .iter()
        .map(|x| x.as_str().to_owned())
        .collect();
    let codes: Vec<String> = d.codes.iter().map(|x| x.as_str().to_owned()).collect();
    let row = |item: u8, key: &str, value: String| DocRow {
        item,
        label: t.m(key),
        value,
    };
    vec![
        row(1, "fld-exporter", name(&d.exporter)),
        row(2, "doc-generators", list(generators)),
        row(
            3,
            "fld-disposer",
            format!("{} — {}: {}", name(&d.disposer), t.m("fld-site"), d.site),
        ),
        row(
            4,
            "fld-carriers",
            list(d.carriers.iter().map(|x| name(x)).collect()),
        ),
        row(
            5,
            "doc-notification",
            format!(
                "{} ({}) — {}",
                case.id,
                val(wire(&n.kind)),
                t.m2(
                    "doc-shipment-of",
                    ("n", s.shipment_no),
                    ("total", n.planned_shipments)
                )
            ),
        ),
        row(6, "fld-started_on", date(d.started_on)),
        row(6, "doc-taken-in-charge", list(charge)),
        row(
            7,
            "fld-transport",
            list(d.transport.iter().map(|x| val(wire(x))).collect()),
        ),
        row(7, "doc-route", route.join(" → ")),
        row(7, "fld-exit_office", name(&d.exit_office)),
        row(7, "fld-entry_office", name(&d.entry_office)),
        row(8, "fld-description", d.description.clone()),
        row(8, "fld-un_class", d.un_class.clone().unwrap_or_default()),
        row(8, "fld-un_number", d.un_number.clone().unwrap_or_default()),
        row(8, "fld-codes", codes.join(", ")),
        row(8, "fld-hazard_classes", hazards.join(", ")),
        row(9, "fld-handling", d.handling.clone()),
        row(
            10,
            "fld-packages-kind",
            format!("{} × {}", d.packages.count, val(wire(&d.packages.kind))),
        ),
        row(11, "fld-quantity_kg", t.m1("kg", "n", d.quantity_kg)),
        row(12, "doc-declaration-correct", declared.clone()),
        row(13, "doc-declaration-no-objection", declared),
        row(14, "doc-receipt", receipt),
        row(0, "doc-signed-by", name(&d.exporter)),
        row(0, "doc-entry", index.to_string()),
    ]
}

/// The QR code of `payload` as an inline SVG element (dark modules on white, a quiet zone).
pub(super) fn qr_svg(payload: &str) -> Option<String> {
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
    s.document.as_ref().ok_or(WebError::NotFound)?;
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
    let rows = annex_v_b(ctx, &w, case, s, m.index);
    Ok(render(&DocumentPage {
        c: ctx,
        case: case.id.clone(),
        title: ctx.t.m("doc-title"),
        annex: ctx.t.m("doc-annex"),
        subtitle: format!(
            "{} · {} · {}",
            case.id,
            ctx.t.m1("shipment-n", "n", no),
            route(n)
        ),
        rows,
        check: format!(
            "{} /border · wastetrail verify --qr '…' --server URL --log-key VKEY",
            ctx.t.m("doc-check")
        ),
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

//! The printable notification (Basel Convention Annex V A) of a case: every item 1–21 in the
//! Annex's order, the signer, its ledger entry and the QR code of that entry (the payload of
//! docs/ledger-format.md §8a, checked on `/verify` or with `wastetrail verify --qr`).

use actix_web::{HttpResponse, web};
use wastetrail_basel::Case;
use wastetrail_basel::body::Notification;
use wastetrail_ledger::qr::MovementRef;

use super::document::{DocRow, DocumentPage, qr_svg, wire};
use crate::state::AppState;
use crate::web::pages::cases::visible;
use crate::web::views::{date, route};
use crate::web::{Ctx, WebError, WebResult, render, respond};
use crate::world::World;

/// `GET /cases/{id}/notification`.
pub async fn notification(
    ctx: Ctx,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> HttpResponse {
    let r = inner(&ctx, &state, &id).await;
    respond(&ctx, r)
}

async fn inner(ctx: &Ctx, state: &AppState, id: &str) -> WebResult {
    let u = ctx.user.as_ref().ok_or(WebError::SignIn)?;
    let w = state.view().await?;
    let cs = visible(&w, u, id)?;
    let case = &cs.case;
    let n = case.notification.as_ref().ok_or(WebError::NotFound)?;
    // The case's `notification.submitted` entry (its first applied one).
    let entry = cs
        .entries
        .iter()
        .filter_map(|&i| usize::try_from(i).ok().and_then(|i| w.entries.get(i)))
        .find(|e| e.kind == "notification.submitted" && e.applied)
        .ok_or(WebError::NotFound)?;
    let payload = MovementRef {
        origin: ctx.origin.clone(),
        index: entry.index,
        size: w.size,
        leaf_hash: entry.leaf_hash,
    }
    .to_string();
    let t = &ctx.t;
    Ok(render(&DocumentPage {
        c: ctx,
        case: case.id.clone(),
        title: t.m("notice-title"),
        annex: t.m("notice-annex"),
        subtitle: format!("{} · {}", case.id, route(n)),
        rows: annex_v_a(ctx, &w, case, n, entry.index),
        check: format!(
            "{} /verify · wastetrail verify --qr '…' --server URL --log-key VKEY",
            t.m("notice-check")
        ),
        svg: qr_svg(&payload).unwrap_or_default(),
        payload,
    }))
}

/// Every item of Annex V A, in its order; then who signed and which ledger entry.
fn annex_v_a(c: &Ctx, w: &World, case: &Case, n: &Notification, index: u64) -> Vec<DocRow> {
    let t = &c.t;
    let name = |id: &str| {
        w.registry.get(id).map_or_else(
            || id.to_owned(),
            |p| format!("{} — {} ({})", p.name, p.address, p.country.as_str()),
        )
    };
    let val = |v: String| t.m(format!("val-{v}"));
    let join = |v: Vec<String>| v.join("; ");
    let state = |country: &str, authority: &str| format!("{country} — {}", name(authority));
    let transit = n
        .transit
        .iter()
        .map(|x| state(x.country.as_str(), &x.authority))
        .collect();
    let mut itinerary = vec![format!(
        "{} ({})",
        n.export.country.as_str(),
        name(&n.export.customs_office)
    )];
    itinerary.extend(n.transit.iter().map(|x| {
        let offices: Vec<String> = [&x.entry_office, &x.exit_office]
            .into_iter()
            .flatten()
            .map(|o| name(o))
            .collect();
        format!("{} ({})", x.country.as_str(), offices.join(", "))
    }));
    itinerary.push(format!(
        "{} ({})",
        n.import.country.as_str(),
        name(&n.import.customs_office)
    ));
    let w_ = &n.waste;
    let codes: Vec<String> = w_.codes.iter().map(|x| x.as_str().to_owned()).collect();
    let hazards: Vec<String> = w_
        .hazard_classes
        .iter()
        .map(|x| x.as_str().to_owned())
        .collect();
    let un = [w_.un_number.clone(), w_.un_class.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
    let mut quantity = t.m1("kg", "n", n.quantity.total_kg);
    if let Some(per) = n.quantity.per_shipment_kg {
        quantity = format!("{quantity} ({})", t.m1("notice-per-shipment", "n", per));
    }
    let operation = match n.final_operation {
        Some(f) => format!("{} → {}", n.operation.as_str(), f.as_str()),
        None => n.operation.as_str().to_owned(),
    };
    let row = |item: u8, key: &str, value: String| DocRow {
        item,
        label: t.m(key),
        value,
    };
    vec![
        row(1, "notice-reason", n.reason.clone()),
        row(2, "fld-exporter", name(&n.exporter)),
        row(
            3,
            "doc-generators",
            join(
                n.generators
                    .iter()
                    .map(|g| format!("{} — {}", name(&g.participant), g.site))
                    .collect(),
            ),
        ),
        row(
            4,
            "fld-disposer",
            format!(
                "{} — {}, {}",
                name(&n.disposer),
                n.facility.name,
                n.facility.site
            ),
        ),
        row(
            5,
            "fld-carriers",
            join(n.carriers.iter().map(|x| name(x)).collect()),
        ),
        row(
            6,
            "notice-export",
            state(n.export.country.as_str(), &n.export.authority),
        ),
        row(7, "notice-transit", join(transit)),
        row(
            8,
            "notice-import",
            state(n.import.country.as_str(), &n.import.authority),
        ),
        row(
            9,
            "fld-kind",
            format!(
                "{} — {}",
                val(wire(&n.kind)),
                t.m1("notice-shipments", "n", n.planned_shipments)
            ),
        ),
        row(
            10,
            "notice-period",
            format!(
                "{} – {}",
                date(n.period.first_departure),
                date(n.period.last_departure)
            ),
        ),
        row(10, "notice-itinerary", itinerary.join(" → ")),
        row(
            11,
            "fld-transport",
            join(n.transport.iter().map(|x| val(wire(x))).collect()),
        ),
        row(
            12,
            "notice-insurance",
            n.insurance
                .as_ref()
                .map(|i| format!("{}, {}, {}", i.insurer, i.policy, i.coverage))
                .unwrap_or_default(),
        ),
        row(
            13,
            "fld-description",
            format!("{} — {}", w_.description, w_.composition),
        ),
        row(13, "fld-codes", codes.join(", ")),
        row(13, "notice-un", un),
        row(13, "fld-handling", w_.handling.clone()),
        row(
            14,
            "notice-packaging",
            join(n.packaging.iter().map(|x| val(wire(x))).collect()),
        ),
        row(15, "fld-quantity", quantity),
        row(
            16,
            "notice-process",
            join(n.generators.iter().map(|g| g.process.clone()).collect()),
        ),
        row(17, "fld-hazard_classes", hazards.join(", ")),
        row(18, "fld-operation", operation),
        row(
            19,
            "doc-declaration-correct",
            t.m1("notice-declared", "name", name(&n.exporter)),
        ),
        row(
            20,
            "notice-esm",
            n.esm_assessment.clone().unwrap_or_default(),
        ),
        row(
            21,
            "notice-contract",
            format!(
                "{} ({})",
                n.contract.reference,
                date(n.contract.concluded_on)
            ),
        ),
        row(
            0,
            "doc-signed-by",
            case.notifier.as_deref().map(name).unwrap_or_default(),
        ),
        row(0, "doc-entry", index.to_string()),
    ]
}

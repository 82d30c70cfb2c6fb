//! The border check of customs: the QR payload of a movement document (typed, or scanned
//! with the browser's own `BarcodeDetector`) answers on one screen **green** (in this log, and
//! consented when the movement started) or **red** with the reason, the rule ID and its
//! citation. The answer is the one of the public check (`GET /api/v1/movements/{leaf_hash}`)
//! and discloses nothing of the case; a signed-in customs office of a State concerned also
//! sees the shipment and records its exit or entry through the review-and-sign page.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use wastetrail_basel::{Decision, Outcome, RuleId, StatementType};
use wastetrail_ledger::qr::MovementRef;

use crate::state::AppState;
use crate::web::case_view::open_shipments;
use crate::web::ctx::encode_query;
use crate::web::pages::cases::visible;
use crate::web::views::{date, route, rule_sentence};
use crate::web::{Ctx, WebResult, render, respond};
use crate::world::World;

/// A rule in the answer.
pub struct RuleLine {
    rule: &'static str,
    citation: &'static str,
    sentence: String,
}

/// What a signed-in customs office of a State concerned sees of the shipment.
pub struct ShipmentView {
    case: String,
    route: String,
    facts: Vec<(String, String)>,
    actions: Vec<(String, String)>,
    warning: String,
}

/// The answer of the check.
pub struct Answer {
    green: bool,
    headline: String,
    reason: String,
    rules: Vec<RuleLine>,
    entry: String,
    shipment: Option<ShipmentView>,
}

/// The page.
#[derive(Template)]
#[template(path = "border.html")]
struct BorderPage<'a> {
    c: &'a Ctx,
    code: String,
    answer: Option<Answer>,
}

/// Query of the page: the code typed or scanned.
#[derive(Deserialize)]
pub struct BorderQuery {
    code: Option<String>,
}

/// `GET /border`.
pub async fn border(
    ctx: Ctx,
    state: web::Data<AppState>,
    q: web::Query<BorderQuery>,
) -> HttpResponse {
    let r = border_inner(&ctx, &state, q.code.as_deref().unwrap_or_default()).await;
    respond(&ctx, r)
}

fn line(c: &Ctx, rule: RuleId) -> RuleLine {
    RuleLine {
        rule: rule.as_str(),
        citation: rule.citation(),
        sentence: rule_sentence(&c.t, rule),
    }
}

/// A red answer without a movement: the code is unreadable, of another log, or unknown. The
/// rule is Art. 9's (a movement without a consented document may be illegal traffic), in
/// words that do not yet call it so.
fn red(c: &Ctx, reason: String) -> Answer {
    let rule = RuleId::Art901;
    Answer {
        green: false,
        headline: c.t.m("border-red"),
        reason,
        rules: vec![RuleLine {
            rule: rule.as_str(),
            citation: rule.citation(),
            sentence: c.t.m("border-undocumented"),
        }],
        entry: String::new(),
        shipment: None,
    }
}

async fn border_inner(ctx: &Ctx, state: &AppState, code: &str) -> WebResult {
    let code = code.trim();
    let answer = if code.is_empty() {
        None
    } else {
        let w = state.view().await?;
        Some(check(ctx, state, &w, code))
    };
    Ok(render(&BorderPage {
        c: ctx,
        code: code.to_owned(),
        answer,
    }))
}

/// The answer for a code: a QR payload (`wt1:…`) or a leaf hash in hex.
fn check(c: &Ctx, state: &AppState, w: &World, code: &str) -> Answer {
    let t = &c.t;
    let (hash, index) = if code.len() == 64 && code.bytes().all(|b| b.is_ascii_hexdigit()) {
        let mut h = [0u8; 32];
        if hex::decode_to_slice(code.to_ascii_lowercase(), &mut h).is_err() {
            return red(c, t.m("border-unreadable"));
        }
        (h, None)
    } else {
        match MovementRef::parse(code) {
            Ok(r) if r.origin != state.config.origin => {
                return red(c, t.m1("border-other-log", "name", &r.origin));
            }
            Ok(r) => (r.leaf_hash, Some(r.index)),
            Err(_) => return red(c, t.m("border-unreadable")),
        }
    };
    let Some(m) = w.movements.get(&hash) else {
        let why = if w.by_leaf_hash.contains_key(&hash) {
            t.m("border-not-a-movement")
        } else {
            t.m("border-unknown")
        };
        return red(c, why);
    };
    if index.is_some_and(|i| i != m.index) {
        return red(c, t.m("border-wrong-index"));
    }
    let v = &m.verdict;
    let green = v.decision == Decision::MayStart;
    let mut rules: Vec<RuleLine> = Vec::new();
    if !green {
        rules.push(line(c, v.rule_id));
        for r in v
            .reasons
            .iter()
            .filter(|r| r.unknown_fact || r.outcome != Outcome::Met)
        {
            if !rules.iter().any(|x| x.rule == r.rule_id.as_str()) {
                rules.push(line(c, r.rule_id));
            }
        }
    }
    let integrated = usize::try_from(m.index)
        .ok()
        .and_then(|i| w.entries.get(i))
        .map(|e| e.integrated_at.replace('T', " ").replace('Z', " UTC"))
        .unwrap_or_default();
    Answer {
        green,
        headline: t.m(if green { "border-green" } else { "border-red" }),
        reason: if green {
            t.m1("border-consented", "n", m.shipment_no)
        } else {
            t.m1("border-not-consented", "n", m.shipment_no)
        },
        rules,
        entry: t.m2(
            "border-entry",
            ("index", m.index.to_string()),
            ("date", integrated),
        ),
        shipment: shipment_view(c, w, &m.case, m.shipment_no),
    }
}

/// The shipment as a signed-in participant of the case sees it, with the crossings the user
/// may record.
fn shipment_view(c: &Ctx, w: &World, case_id: &str, no: u32) -> Option<ShipmentView> {
    let u = c.user.as_ref()?;
    let cs = visible(w, u, case_id).ok()?;
    let case = &cs.case;
    let n = case.notification.as_ref()?;
    let s = case.shipments.get(&no)?;
    let d = s.document.as_ref()?;
    let t = &c.t;
    let name = |id: &str| {
        w.registry
            .get(id)
            .map_or_else(|| id.to_owned(), |p| format!("{} ({id})", p.name))
    };
    let codes: Vec<&str> = d.codes.iter().map(|x| x.as_str()).collect();
    let mut facts = vec![
        (t.m("fld-shipment_no"), no.to_string()),
        (
            t.m("fld-waste"),
            format!("{} — {}", codes.join(", "), n.waste.description),
        ),
        (t.m("fld-quantity_kg"), t.m1("kg", "n", d.quantity_kg)),
        (t.m("fld-packages-count"), d.packages.count.to_string()),
        (
            t.m("fld-carriers"),
            d.carriers
                .iter()
                .map(|x| name(x))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (t.m("fld-exit_office"), name(&d.exit_office)),
        (t.m("fld-entry_office"), name(&d.entry_office)),
        (
            t.m("col-holder"),
            s.holder.as_deref().map(name).unwrap_or_default(),
        ),
    ];
    if let Some(started) = s.started_on() {
        facts.push((t.m("col-started"), date(started)));
    }
    for x in &s.crossings {
        let key = if x.direction == wastetrail_basel::case::Direction::Exit {
            "border-crossed-exit"
        } else {
            "border-crossed-entry"
        };
        facts.push((
            t.m(key),
            format!(
                "{} — {} ({})",
                date(x.on),
                name(&x.office),
                x.country.as_str()
            ),
        ));
    }
    if let Some(r) = s.received_on {
        facts.push((t.m("col-received"), date(r)));
    }
    let actions = [StatementType::BorderExited, StatementType::BorderEntered]
        .into_iter()
        .filter(|k| open_shipments(*k, &u.id, u.country, case).contains(&no))
        .map(|k| {
            (
                format!(
                    "/cases/{}/file/{}?shipment={no}",
                    encode_query(&case.id),
                    k.as_str()
                ),
                t.m(format!("do-{}", k.as_str().replace('.', "-"))),
            )
        })
        .collect();
    // A document of a shipment already delivered, seen again at a border, may be reused.
    let warning = s
        .received_on
        .map(|r| t.m1("border-already-received", "date", date(r)))
        .unwrap_or_default();
    Some(ShipmentView {
        case: case.id.clone(),
        route: route(n),
        facts,
        actions,
        warning,
    })
}

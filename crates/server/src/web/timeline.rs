//! A case's chain of custody as a timeline: every statement of the case with its signer
//! (participant, kind, State), its time, its leaf index, what the rules said and what the
//! statement records beyond its type (border discrepancies, rejections). The case page shows
//! it to everyone who may see the case, auditors included.

use wastetrail_basel::Decision;
use wastetrail_basel::body::{Body, BorderCrossing, ReceiptConfirmed, StatementType};
use wastetrail_store::LedgerStore as _;

use super::Ctx;
use super::views::type_key;
use crate::state::AppState;
use crate::world::{CaseState, EntryMeta, World};

/// One statement of the timeline.
pub struct TimelineRow {
    /// Leaf index.
    pub index: u64,
    /// The statement type, in words.
    pub kind: String,
    /// The signer's name.
    pub actor: String,
    /// The signer's kind, in words.
    pub role: String,
    /// The signer's State.
    pub country: String,
    /// When the log integrated it.
    pub at: String,
    /// The rules' answer, in words, with its badge style.
    pub verdict: String,
    /// Badge style of the verdict.
    pub verdict_class: &'static str,
    /// Rule ID and citation behind the verdict, when a rule decided more than "admitted".
    pub rule: String,
    /// Citation of that rule.
    pub citation: String,
    /// What the statement records beyond its type (discrepancies, rejection).
    pub details: Vec<String>,
}

/// The timeline of a case, oldest first. Bodies are read from the disclosures only for the
/// statements whose details the timeline shows.
pub async fn timeline(c: &Ctx, state: &AppState, w: &World, cs: &CaseState) -> Vec<TimelineRow> {
    let mut rows = Vec::new();
    for e in cs
        .entries
        .iter()
        .filter_map(|&i| usize::try_from(i).ok().and_then(|i| w.entries.get(i)))
    {
        let details = match StatementType::parse(&e.kind) {
            Some(
                k @ (StatementType::BorderExited
                | StatementType::BorderEntered
                | StatementType::ReceiptConfirmed),
            ) => body_of(state, e.index, k)
                .await
                .map(|b| details(c, &b))
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        rows.push(row(c, w, e, details));
    }
    rows
}

fn row(c: &Ctx, w: &World, e: &EntryMeta, details: Vec<String>) -> TimelineRow {
    let signer = w.registry.get(&e.actor);
    let movement = w.movements.get(&e.leaf_hash);
    let (verdict, verdict_class, rule, citation) = match (e.applied, movement) {
        (false, _) => (c.t.m("tl-not-applied"), "bad", String::new(), String::new()),
        (true, Some(m)) => {
            let (key, class) = match m.verdict.decision {
                Decision::MayStart => ("verdict-may-start", "ok"),
                Decision::Blocked => ("verdict-blocked", "warn"),
                Decision::Prohibited => ("verdict-prohibited", "bad"),
            };
            (
                c.t.m(key),
                class,
                m.verdict.rule_id.as_str().to_owned(),
                m.verdict.citation.to_owned(),
            )
        }
        (true, None) => (c.t.m("tl-admitted"), "ok", String::new(), String::new()),
    };
    TimelineRow {
        index: e.index,
        kind: c.t.m(type_key(&e.kind)),
        actor: signer.map_or_else(|| e.actor.clone(), |p| p.name.clone()),
        role: signer
            .map(|p| c.t.m(format!("kind-{}", p.kind.as_str())))
            .unwrap_or_default(),
        country: signer
            .map(|p| p.country.as_str().to_owned())
            .unwrap_or_default(),
        at: e.integrated_at.replace('T', " ").replace('Z', " UTC"),
        verdict,
        verdict_class,
        rule,
        citation,
        details,
    }
}

/// The body of entry `index` as its disclosure holds it, if it is there and reads as `kind`.
async fn body_of(state: &AppState, index: u64, kind: StatementType) -> Option<Body> {
    let stored = state
        .store
        .disclosures(index, 1)
        .await
        .ok()?
        .into_iter()
        .next()?;
    let d = wastetrail_ledger::disclosure::Disclosure::parse(&stored.data).ok()?;
    Body::parse(kind, &d.full_body()).ok()
}

/// The lines a statement adds to its timeline entry.
pub fn details(c: &Ctx, body: &Body) -> Vec<String> {
    match body {
        Body::BorderExited(b) | Body::BorderEntered(b) => {
            discrepancy_line(c, b).into_iter().collect()
        }
        Body::ReceiptConfirmed(r) => rejection_line(c, r).into_iter().collect(),
        _ => Vec::new(),
    }
}

fn discrepancy_line(c: &Ctx, b: &BorderCrossing) -> Option<String> {
    let d = b.discrepancies.as_ref()?;
    let mut parts = Vec::new();
    if let Some(kg) = d.quantity_kg {
        parts.push(c.t.m1("tl-found-kg", "n", kg));
    }
    if let Some(n) = d.packages {
        parts.push(c.t.m1("tl-found-packages", "n", n));
    }
    if let Some(s) = &d.seals {
        parts.push(c.t.m1("tl-seals", "v", s));
    }
    if let Some(v) = &d.vehicle {
        parts.push(c.t.m1("tl-vehicle", "v", v));
    }
    if let Some(n) = &d.note {
        parts.push(n.clone());
    }
    Some(c.t.m1("tl-discrepancies", "what", parts.join("; ")))
}

fn rejection_line(c: &Ctx, r: &ReceiptConfirmed) -> Option<String> {
    let kg = r.rejected_kg?;
    let key = if r.fully_rejected() {
        "tl-rejected-all"
    } else {
        "tl-rejected"
    };
    Some(c.t.m2(key, ("kg", kg), ("reasons", r.rejection_reasons.join("; "))))
}

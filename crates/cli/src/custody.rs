//! The chain-of-custody report of one case (`wastetrail verify … --case ID --report FILE.html`):
//! one printable, self-contained HTML page (styles inline, no script, no external asset) built
//! from what the verifier replayed — the timeline with who signed each step and its proof
//! status, the consents and their conditions, the Basel verdicts with their citations, the
//! quantities shipped against those consented, and the open obligations.
//!
//! The page is an askama template (`templates/custody.html`) over the view model below: one
//! struct for the page, plain rows for its tables, so the template holds no logic beyond loops.

use askama::Template;
use wastetrail_basel::Case;
use wastetrail_basel::body::Conditions;
use wastetrail_basel::case::{AnswerStatus, StateAnswer};
use wastetrail_verify::{CaseTrail, Level, Report, Step};

/// The report page.
#[derive(Template)]
#[template(path = "custody.html")]
pub struct CustodyPage {
    /// The case id.
    pub case: String,
    /// Where the log was read from.
    pub source: String,
    /// Tree size of the checkpoint verified.
    pub size: u64,
    /// Its root, hex.
    pub root: String,
    /// The log's time (last entry).
    pub at: String,
    /// True when the whole run found no fault.
    pub verified: bool,
    /// The fault, in plain words.
    pub fault: Option<String>,
    /// The level the case was verified at, in plain words.
    pub level: String,
    /// The case's phase.
    pub phase: String,
    /// The timeline.
    pub steps: Vec<StepRow>,
    /// The consents of the States concerned.
    pub consents: Vec<ConsentRow>,
    /// The movement verdicts.
    pub verdicts: Vec<VerdictRow>,
    /// Quantities shipped against consented.
    pub quantities: Vec<QuantityRow>,
    /// Open obligations.
    pub obligations: Vec<ObligationRow>,
}

/// One step of the timeline.
pub struct StepRow {
    /// Leaf index.
    pub index: u64,
    /// When the log integrated it.
    pub when: String,
    /// What it is, in words.
    pub what: String,
    /// The wire type.
    pub kind: String,
    /// Who signed: name (id).
    pub who: String,
    /// Role and State.
    pub role: String,
    /// Key id.
    pub key: String,
    /// Proof status.
    pub proof: String,
    /// True when the step verified.
    pub ok: bool,
}

/// One State's answer.
pub struct ConsentRow {
    /// Import or transit, and the State.
    pub state: String,
    /// Its authority.
    pub authority: String,
    /// The answer in words.
    pub answer: String,
    /// Validity.
    pub validity: String,
    /// The conditions, one per line.
    pub conditions: Vec<String>,
}

/// One movement verdict.
pub struct VerdictRow {
    /// Shipment number.
    pub shipment: u32,
    /// Leaf index of the movement document.
    pub index: u64,
    /// True when consented.
    pub consented: bool,
    /// The decision.
    pub decision: String,
    /// Rule and citation.
    pub rule: String,
    /// Rules not met.
    pub failed: String,
    /// Rules that rested on a fact the law data does not know.
    pub unknown: String,
}

/// One quantity line.
pub struct QuantityRow {
    /// What is measured.
    pub what: String,
    /// How much was shipped or done.
    pub shipped: String,
    /// The limit consented, or `—`.
    pub consented: String,
    /// `within`, `EXCEEDED`, or empty without a limit.
    pub status: String,
    /// True when within the limit (or without one).
    pub within: bool,
}

/// One open obligation.
pub struct ObligationRow {
    /// Rule and citation.
    pub rule: String,
    /// The duty.
    pub message: String,
    /// Who must act.
    pub party: String,
    /// Due date.
    pub due: String,
    /// True when overdue.
    pub overdue: bool,
}

/// Renders the report of `trail`, from the run's `report`, read from `source`.
pub fn render_html(report: &Report, trail: &CaseTrail, source: &str) -> anyhow::Result<String> {
    Ok(CustodyPage::new(report, trail, source).render()?)
}

impl CustodyPage {
    /// The view model of a trail.
    pub fn new(report: &Report, trail: &CaseTrail, source: &str) -> Self {
        let fault_index = report.fault.as_ref().and_then(|f| f.index);
        let steps = trail
            .steps
            .iter()
            .map(|s| step_row(s, trail, fault_index, report.size))
            .collect();
        let state = trail.state.as_ref();
        CustodyPage {
            case: trail.case.clone(),
            source: source.to_owned(),
            size: report.size,
            root: report.root.clone(),
            at: report.at.clone().unwrap_or_default(),
            verified: report.fault.is_none(),
            fault: report.fault.as_ref().map(ToString::to_string),
            level: level_words(trail.level).to_owned(),
            phase: state.map_or_else(
                || "not known (bodies not disclosed)".to_owned(),
                |c| wire(&c.phase).replace('_', " "),
            ),
            steps,
            consents: state.map(consent_rows).unwrap_or_default(),
            verdicts: verdict_rows(trail),
            quantities: state.map(quantity_rows).unwrap_or_default(),
            obligations: trail
                .obligations
                .iter()
                .map(|o| ObligationRow {
                    rule: format!("{} ({})", o.rule_id, o.citation),
                    message: o.message.clone(),
                    party: o.party.clone().unwrap_or_else(|| "—".into()),
                    due: o.due.map_or_else(|| "—".into(), |d| d.to_string()),
                    overdue: o.overdue,
                })
                .collect(),
        }
    }
}

fn level_words(l: Level) -> &'static str {
    match l {
        Level::Full => {
            "full: signatures, chain and the Basel rules replayed over the disclosed bodies"
        }
        Level::Public => {
            "public: signatures and chain only (the bodies were not disclosed to this copy)"
        }
        Level::Integrity => {
            "integrity: inclusion in the signed log only (no registrar key or no leaves)"
        }
    }
}

fn step_row(s: &Step, trail: &CaseTrail, fault_index: Option<u64>, size: u64) -> StepRow {
    let signer = trail.participants.get(&s.actor);
    let ok = fault_index.is_none_or(|i| s.index < i);
    StepRow {
        index: s.index,
        when: s.integrated_at.replace('T', " ").replace('Z', " UTC"),
        what: describe(&s.kind),
        kind: s.kind.clone(),
        who: match signer {
            Some(p) => format!("{} ({})", p.name, s.actor),
            None => s.actor.clone(),
        },
        role: signer.map_or_else(String::new, |p| {
            format!("{}, {}", p.kind.replace('_', " "), p.country)
        }),
        key: s.key.clone(),
        proof: if ok {
            format!("✓ in the log of {size}, signature valid")
        } else {
            "✗ NOT VERIFIED".into()
        },
        ok,
    }
}

/// A statement type in words.
pub fn describe(kind: &str) -> String {
    let words = match kind {
        "notification.submitted" => "Notification submitted (Annex V A)",
        "notification.transmitted" => "Notification transmitted to the States concerned",
        "notification.acknowledged" => "Receipt of the notification acknowledged",
        "notification.withdrawn" => "Notification withdrawn",
        "information.requested" => "Information requested",
        "information.provided" => "Information provided",
        "consent.granted" => "Consent granted by the State of import",
        "consent.denied" => "Consent denied by the State of import",
        "transit.consented" => "Transit consented",
        "transit.objected" => "Transit objected to",
        "contract.confirmed" => "Contract confirmed (Art. 6(3)(b))",
        "consent.withdrawn" => "Consent withdrawn",
        "movement.started" => "Movement started (Annex V B movement document)",
        "custody.transferred" => "Custody transferred",
        "border.exited" => "Exit recorded by customs",
        "border.entered" => "Entry recorded by customs",
        "receipt.confirmed" => "Receipt confirmed by the disposer",
        "disposal.completed" => "Disposal or recovery completed",
        "reimport.required" => "Re-import required",
        "illegal_traffic.reported" => "Illegal traffic reported (Art. 9(1))",
        "responsibility.determined" => {
            "Responsibility for the illegal traffic determined (Art. 9(2)-(4))"
        }
        other => other,
    };
    words.to_owned()
}

fn wire<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn consent_rows(case: &Case) -> Vec<ConsentRow> {
    let mut rows = Vec::new();
    if let Some(a) = &case.import {
        rows.push(answer_row("State of import", a));
    }
    for a in &case.transit {
        rows.push(answer_row("Transit State", a));
    }
    rows
}

fn answer_row(role: &str, a: &StateAnswer) -> ConsentRow {
    let (answer, validity, conditions) = match &a.answer {
        AnswerStatus::Pending => ("no answer yet".to_owned(), "—".to_owned(), Vec::new()),
        AnswerStatus::InformationRequested { on, questions } => (
            format!("information requested on {on}: {questions}"),
            "—".into(),
            Vec::new(),
        ),
        AnswerStatus::Consented { on, consent } => (
            format!("consented on {on}"),
            format!("{} to {}", consent.valid_from, consent.valid_until),
            condition_lines(&consent.conditions),
        ),
        AnswerStatus::Denied { on, reason } => {
            (format!("denied on {on}: {reason}"), "—".into(), Vec::new())
        }
        AnswerStatus::Withdrawn { on, reason } => (
            format!("consent withdrawn on {on}: {reason}"),
            "—".into(),
            Vec::new(),
        ),
    };
    ConsentRow {
        state: format!("{role}: {}", a.country.as_str()),
        authority: a.authority.clone(),
        answer,
        validity,
        conditions,
    }
}

fn condition_lines(c: &Conditions) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(kg) = c.max_total_kg {
        out.push(format!("at most {kg} kg in all"));
    }
    if let Some(kg) = c.max_kg_per_shipment {
        out.push(format!("at most {kg} kg a shipment"));
    }
    if let Some(n) = c.max_shipments {
        out.push(if n == 1 {
            "at most 1 shipment".to_owned()
        } else {
            format!("at most {n} shipments")
        });
    }
    if let Some(cs) = &c.carriers {
        out.push(format!("carriers: {}", cs.join(", ")));
    }
    if let Some(os) = &c.customs_offices {
        out.push(format!("customs offices: {}", os.join(", ")));
    }
    if c.insurance_required {
        out.push("insurance, bond or guarantee required (Art. 6(11))".into());
    }
    out.extend(c.other.iter().cloned());
    if out.is_empty() {
        out.push("none".into());
    }
    out
}

fn verdict_rows(trail: &CaseTrail) -> Vec<VerdictRow> {
    trail
        .steps
        .iter()
        .filter_map(|s| {
            let m = s.movement.as_ref()?;
            let v = &m.verdict;
            let list = |pick: &dyn Fn(&wastetrail_basel::Reason) -> bool| {
                let ids: Vec<&str> = v
                    .reasons
                    .iter()
                    .filter(|r| pick(r))
                    .map(|r| r.rule_id.as_str())
                    .collect();
                if ids.is_empty() {
                    "—".to_owned()
                } else {
                    ids.join(", ")
                }
            };
            Some(VerdictRow {
                shipment: m.shipment_no,
                index: s.index,
                consented: m.consented(),
                decision: wire(&v.decision).replace('_', " "),
                rule: format!("{} ({})", v.rule_id, v.citation),
                failed: list(&|r| !r.unknown_fact && r.outcome != wastetrail_basel::Outcome::Met),
                unknown: list(&|r| r.unknown_fact),
            })
        })
        .collect()
}

fn quantity_rows(case: &Case) -> Vec<QuantityRow> {
    let conditions = case.import.as_ref().and_then(StateAnswer::conditions);
    let started: Vec<_> = case.started().collect();
    let shipped: u64 = started
        .iter()
        .filter_map(|s| s.document.as_ref().map(|d| d.quantity_kg))
        .sum();
    let largest = started
        .iter()
        .filter_map(|s| s.document.as_ref().map(|d| d.quantity_kg))
        .max()
        .unwrap_or(0);
    let received: u64 = started.iter().filter_map(|s| s.received_kg).sum();
    let row = |what: &str, n: u64, unit: &str, limit: Option<u64>| QuantityRow {
        what: what.to_owned(),
        shipped: format!("{n}{unit}"),
        consented: limit.map_or_else(|| "—".into(), |l| format!("{l}{unit}")),
        within: limit.is_none_or(|l| n <= l),
        status: match limit {
            None => String::new(),
            Some(l) if n <= l => "within".into(),
            Some(_) => "EXCEEDED".into(),
        },
    };
    vec![
        row(
            "Total quantity shipped",
            shipped,
            " kg",
            conditions.and_then(|c| c.max_total_kg),
        ),
        row(
            "Largest shipment",
            largest,
            " kg",
            conditions.and_then(|c| c.max_kg_per_shipment),
        ),
        row(
            "Shipments started",
            started.len() as u64,
            "",
            conditions.and_then(|c| c.max_shipments.map(u64::from)),
        ),
        row("Quantity received by the disposer", received, " kg", None),
    ]
}

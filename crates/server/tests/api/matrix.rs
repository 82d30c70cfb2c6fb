//! Authorization matrix: every statement type x every participant kind x own or foreign
//! State. For each type a case is built to the phase the type needs; the filing is then
//! tried as the participant of every kind of the State that may file it ("own") and of a
//! State not concerned (FR, "foreign"), and as the registrar. Refusals must name the rule and
//! change nothing; the participants the rules allow are accepted (each on a fresh case).

use std::collections::BTreeMap;

use reqwest::StatusCode;
use serde_json::{Value, json};
use wastetrail_ledger::statement::ParticipantSigner;

use wastetrail_basel::REGISTRY_CASE;
use wastetrail_basel::body::KeyRevoked;
use wastetrail_e2e::typed;

use crate::common::*;

const KINDS: [&str; 8] = [
    "competent_authority",
    "customs_office",
    "exporter",
    "generator",
    "importer",
    "carrier",
    "disposer",
    "auditor",
];

/// The phase a statement type needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Registry,
    New,
    Submitted,
    Transmitted,
    InformationRequested,
    Consented,
    Ready,
    Started,
    Received,
    /// A movement the log never saw, reported by DE's customs (shipment 1).
    Reported,
}

/// One row of the table.
struct Row {
    kind: &'static str,
    own: &'static str,
    phase: Phase,
    /// Kinds of the own State that are accepted.
    accepted: &'static [&'static str],
    /// Kinds of the foreign State that are accepted (the rules record an irregularity).
    accepted_foreign: &'static [&'static str],
    /// The rule every other filer is refused with.
    rule: &'static str,
    /// Exceptions: (kind, foreign?, rule).
    special: &'static [(&'static str, bool, &'static str)],
}

const fn row(
    kind: &'static str,
    own: &'static str,
    phase: Phase,
    accepted: &'static [&'static str],
    rule: &'static str,
) -> Row {
    Row {
        kind,
        own,
        phase,
        accepted,
        accepted_foreign: &[],
        rule,
        special: &[],
    }
}

fn table() -> Vec<Row> {
    use Phase::*;
    vec![
        row(
            "notification.submitted",
            "DE",
            New,
            &["exporter", "generator"],
            "PIC-01",
        ),
        row(
            "notification.transmitted",
            "DE",
            Submitted,
            &["competent_authority"],
            "PIC-01",
        ),
        row(
            "notification.acknowledged",
            "NL",
            Transmitted,
            &["competent_authority"],
            "PIC-06",
        ),
        row(
            "notification.withdrawn",
            "DE",
            Submitted,
            &["exporter", "competent_authority"],
            "PIC-01",
        ),
        row(
            "information.requested",
            "NL",
            Transmitted,
            &["competent_authority"],
            "PIC-04",
        ),
        row(
            "information.provided",
            "DE",
            InformationRequested,
            &["exporter"],
            "PIC-01",
        ),
        row(
            "consent.granted",
            "NL",
            Transmitted,
            &["competent_authority"],
            "PIC-04",
        ),
        row(
            "consent.denied",
            "NL",
            Transmitted,
            &["competent_authority"],
            "PIC-04",
        ),
        row(
            "transit.consented",
            "BE",
            Transmitted,
            &["competent_authority"],
            "PIC-06",
        ),
        row(
            "transit.objected",
            "BE",
            Transmitted,
            &["competent_authority"],
            "PIC-06",
        ),
        row(
            "contract.confirmed",
            "NL",
            Transmitted,
            &["competent_authority"],
            "PIC-05",
        ),
        row(
            "consent.withdrawn",
            "NL",
            Consented,
            &["competent_authority"],
            "PIC-04",
        ),
        row("movement.started", "DE", Ready, &["exporter"], "PIC-17"),
        Row {
            // A carrier the movement document does not name is accepted, and the shipment
            // becomes illegal traffic (Art. 9(1)(d), ART9-05).
            accepted_foreign: &["carrier"],
            ..row("custody.transferred", "DE", Started, &["carrier"], "PIC-13")
        },
        Row {
            // Customs of a State off the notified route records the crossing, and the
            // shipment becomes illegal traffic (Art. 9(1)(d), ART9-05).
            accepted_foreign: &["customs_office"],
            ..row(
                "border.exited",
                "DE",
                Started,
                &["customs_office"],
                "PIC-17",
            )
        },
        Row {
            accepted_foreign: &["customs_office"],
            ..row(
                "border.entered",
                "NL",
                Started,
                &["customs_office"],
                "PIC-17",
            )
        },
        row("receipt.confirmed", "NL", Started, &["disposer"], "PIC-14"),
        row(
            "disposal.completed",
            "NL",
            Received,
            &["disposer"],
            "PIC-14",
        ),
        row(
            "reimport.required",
            "NL",
            Started,
            &["competent_authority"],
            "ART8-01",
        ),
        // Illegal traffic: competent authorities and customs of the State where it was found
        // report it; competent authorities of the States concerned find who caused it.
        row(
            "illegal_traffic.reported",
            "DE",
            New,
            &["competent_authority", "customs_office"],
            "ART9-02",
        ),
        row(
            "responsibility.determined",
            "NL",
            Reported,
            &["competent_authority"],
            "ART9-02",
        ),
        row(
            "participant.registered",
            "DE",
            Registry,
            &["competent_authority"],
            "REG-01",
        ),
        row(
            "key.added",
            "DE",
            Registry,
            &["exporter", "competent_authority"],
            "REG-02",
        ),
        row(
            "key.revoked",
            "DE",
            Registry,
            &["exporter", "competent_authority"],
            "REG-02",
        ),
    ]
}

struct World {
    cast: Cast,
    /// (country, kind) -> participant.
    by: BTreeMap<(String, String), Actor>,
    serial: u32,
}

impl World {
    fn new() -> World {
        let cast = Cast::new();
        let mut by = BTreeMap::new();
        for a in cast.all() {
            if a.id != cast.outsider.id && a.id != cast.customs_be_out.id {
                by.insert((a.country.clone(), a.kind.clone()), a.clone());
            }
        }
        for cc in ["DE", "NL", "BE", "FR"] {
            for kind in KINDS {
                by.entry((cc.to_owned(), kind.to_owned()))
                    .or_insert_with(|| {
                        Actor::new(&format!("{kind}-{}", cc.to_lowercase()), kind, cc)
                    });
            }
        }
        World {
            cast,
            by,
            serial: 0,
        }
    }

    fn get(&self, cc: &str, kind: &str) -> &Actor {
        &self.by[&(cc.to_owned(), kind.to_owned())]
    }

    /// Registration order: authorities and auditors first, then the others.
    fn registration_order(&self) -> Vec<Actor> {
        let mut v: Vec<Actor> = self
            .by
            .values()
            .filter(|a| a.kind == "competent_authority")
            .cloned()
            .collect();
        v.extend(self.by.values().filter(|a| a.kind == "auditor").cloned());
        v.extend(
            self.by
                .values()
                .filter(|a| a.kind != "competent_authority" && a.kind != "auditor")
                .cloned(),
        );
        v.push(self.cast.customs_be_out.clone());
        v
    }

    fn next(&mut self) -> u32 {
        self.serial += 1;
        self.serial
    }
}

/// Builds a fresh case in `phase`; returns its id (or "registry") and, for key.revoked, the
/// key to revoke.
async fn prepare(
    app: &mut TestApp,
    w: &mut World,
    ty: &str,
    phase: Phase,
) -> (String, Option<String>) {
    let n = w.next();
    let c = &w.cast;
    let case = format!("DE-2026-{n:04}");
    let mut key = None;
    match phase {
        Phase::Registry => {
            if ty == "key.revoked" {
                let extra = ParticipantSigner::generate();
                app.ok(
                    &c.exporter,
                    "key.added",
                    REGISTRY_CASE,
                    c.exporter.key_added(&extra),
                )
                .await;
                key = Some(extra.key_id().to_string());
            }
            return (REGISTRY_CASE.into(), key);
        }
        Phase::New => return (case, None),
        Phase::Reported => {
            app.ok(&c.customs_de, "illegal_traffic.reported", &case, report(c))
                .await;
            return (case, None);
        }
        _ => {}
    }
    app.ok(
        &c.exporter,
        "notification.submitted",
        &case,
        c.notification(),
    )
    .await;
    if phase == Phase::Submitted {
        return (case, None);
    }
    app.ok(
        &c.ca_de,
        "notification.transmitted",
        &case,
        json!({"sent_on": today()}),
    )
    .await;
    match phase {
        Phase::Transmitted => return (case, None),
        Phase::InformationRequested => {
            app.ok(
                &c.ca_nl,
                "information.requested",
                &case,
                json!({"questions": "Which permit?"}),
            )
            .await;
            return (case, None);
        }
        Phase::Consented => {
            app.ok(&c.ca_nl, "consent.granted", &case, c.consent())
                .await;
            return (case, None);
        }
        _ => {}
    }
    app.ok(&c.ca_nl, "consent.granted", &case, c.consent())
        .await;
    app.ok(
        &c.ca_be,
        "transit.consented",
        &case,
        json!({"valid_from": today(), "valid_until": in_days(200)}),
    )
    .await;
    app.ok(
        &c.ca_nl,
        "contract.confirmed",
        &case,
        json!({"reference": "C-2026-001"}),
    )
    .await;
    if phase == Phase::Ready {
        return (case, None);
    }
    app.ok(&c.exporter, "movement.started", &case, c.movement(1))
        .await;
    if phase == Phase::Received {
        app.ok(
            &c.disposer,
            "receipt.confirmed",
            &case,
            json!({"shipment_no": 1, "received_on": today(), "quantity_kg": 20000}),
        )
        .await;
    }
    (case, None)
}

/// A report of shipment 1 from DE to NL through BE, found in DE.
fn report(c: &Cast) -> Value {
    json!({
        "shipment_no": 1, "point": "a",
        "export": {"country": "DE", "authority": c.ca_de.id},
        "import": {"country": "NL", "authority": c.ca_nl.id},
        "transit": ["BE"],
        "found_in": "DE", "found_at": "Motorway crossing", "found_on": today(),
        "waste": {"codes": ["A1181"], "quantity_kg": 12000},
        "grounds": "matrix test"
    })
}

fn body(w: &mut World, ty: &str, key: Option<&str>) -> Value {
    if ty == "participant.registered" {
        let n = w.next();
        return Actor::new(&format!("new-exporter-{n}"), "exporter", "DE").registration();
    }
    let c = &w.cast;
    match ty {
        "notification.submitted" => c.notification(),
        "notification.transmitted" => json!({"sent_on": today()}),
        "notification.acknowledged" => json!({"received_on": today()}),
        "notification.withdrawn" | "consent.denied" | "transit.objected" | "consent.withdrawn" => {
            json!({"reason": "matrix test"})
        }
        "information.requested" => json!({"questions": "More?"}),
        "information.provided" => json!({"to": "NL", "answer": "Here."}),
        "consent.granted" => c.consent(),
        "transit.consented" => json!({"valid_from": today(), "valid_until": in_days(200)}),
        "contract.confirmed" => json!({"reference": "C-2026-001"}),
        "movement.started" => c.movement(1),
        "custody.transferred" => json!({"shipment_no": 1, "from": c.exporter.id, "on": today()}),
        "border.exited" | "border.entered" => json!({"shipment_no": 1, "on": today()}),
        "receipt.confirmed" => {
            json!({"shipment_no": 1, "received_on": today(), "quantity_kg": 20000})
        }
        "disposal.completed" => {
            json!({"shipment_no": 1, "completed_on": today(), "operation": "R4"})
        }
        "reimport.required" => {
            json!({"shipment_no": 1, "ground": "cannot_be_completed", "informed_on": today(), "reason": "facility closed"})
        }
        "illegal_traffic.reported" => report(c),
        "responsibility.determined" => {
            json!({"shipment_no": 1, "caused_by": "exporter", "grounds": "matrix test"})
        }
        "key.added" => {
            let k = ParticipantSigner::generate();
            c.exporter.key_added(&k)
        }
        "key.revoked" => typed(&KeyRevoked {
            participant: c.exporter.id.clone(),
            key_id: key.unwrap_or_default().to_owned(),
            reason: "matrix test".into(),
        }),
        other => panic!("no body for {other}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authorization_matrix() {
    for backend in backends() {
        let mut app = TestApp::spawn(&backend).await;
        let mut w = World::new();
        let order = w.registration_order();
        let refs: Vec<&Actor> = order.iter().collect();
        app.register(&refs).await;
        let mut failures = Vec::new();
        let mut tried = 0;
        for r in table() {
            // Everyone who must be refused, on one case in the right phase.
            let (case, key) = prepare(&mut app, &mut w, r.kind, r.phase).await;
            let mut accepted: Vec<Actor> = Vec::new();
            let mut candidates: Vec<(Actor, bool)> = Vec::new();
            for kind in KINDS {
                candidates.push((w.get(r.own, kind).clone(), false));
                candidates.push((w.get("FR", kind).clone(), true));
            }
            candidates.push((app.registrar.clone(), true));
            for (who, foreign) in candidates {
                let allowed = if foreign {
                    r.accepted_foreign
                } else {
                    r.accepted
                };
                if who.kind != "registrar" && allowed.contains(&who.kind.as_str()) {
                    accepted.push(who);
                    continue;
                }
                let want = r
                    .special
                    .iter()
                    .find(|(k, f, _)| *k == who.kind && *f == foreign)
                    .map_or(r.rule, |(_, _, rule)| *rule);
                let size = app.tree_size().await;
                let b = body(&mut w, r.kind, key.as_deref());
                let (status, v) = app.file(&who, r.kind, &case, b).await;
                tried += 1;
                if status != StatusCode::UNPROCESSABLE_ENTITY || v["rule_id"] != want {
                    failures.push(format!(
                        "{} by {} ({}): expected refusal {want}, got {status} {}",
                        r.kind,
                        who.id,
                        if foreign { "foreign" } else { "own" },
                        v
                    ));
                }
                if app.tree_size().await != size {
                    failures.push(format!(
                        "{} by {}: a refusal changed the tree size",
                        r.kind, who.id
                    ));
                }
            }
            // Everyone who may file, each on a fresh case.
            for who in accepted {
                let (case, key) = prepare(&mut app, &mut w, r.kind, r.phase).await;
                let b = body(&mut w, r.kind, key.as_deref());
                let (status, v) = app.file(&who, r.kind, &case, b).await;
                tried += 1;
                if status != StatusCode::CREATED {
                    failures.push(format!(
                        "{} by {}: expected acceptance, got {status} {v}",
                        r.kind, who.id
                    ));
                }
            }
        }
        assert!(
            failures.is_empty(),
            "{} of {tried} cells wrong:\n{}",
            failures.len(),
            failures.join("\n")
        );
        assert_eq!(tried, 24 * 17);
        app.stop().await;
    }
}

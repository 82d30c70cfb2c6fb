//! Property tests: `apply` is deterministic; replaying the accepted statements gives the same
//! case; a closed case accepts nothing but what the rules allow.
// Test helpers may unwrap and panic: a panic there is a failing test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use proptest::prelude::*;
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};
use wastetrail_basel::{Case, Facts, Filing, Phase, Refusal, Registry, apply};

/// A pool of filings about one general notification XA -> XB -> XC (3 shipments), with right and
/// wrong filers.
fn pool() -> Vec<(&'static str, &'static str, Value)> {
    let n = general("XA", &["XB"], "XC", 3);
    let d = "2026-03-02";
    vec![
        ("notification.submitted", "exp-xa", n.clone()),
        ("notification.submitted", "exp-xb", n.clone()),
        ("notification.transmitted", "ca-xa", json!({ "sent_on": d })),
        ("notification.transmitted", "ca-xc", json!({ "sent_on": d })),
        (
            "notification.acknowledged",
            "ca-xb",
            json!({ "received_on": d }),
        ),
        (
            "notification.acknowledged",
            "ca-xc",
            json!({ "received_on": d }),
        ),
        (
            "information.requested",
            "ca-xc",
            json!({ "questions": "q" }),
        ),
        (
            "information.requested",
            "ca-xb",
            json!({ "questions": "q" }),
        ),
        (
            "information.provided",
            "exp-xa",
            json!({ "to": "XC", "answer": "a" }),
        ),
        (
            "information.provided",
            "exp-xa",
            json!({ "to": "XB", "answer": "a" }),
        ),
        (
            "consent.granted",
            "ca-xc",
            consent("2026-03-01", "2026-12-31"),
        ),
        (
            "consent.granted",
            "ca-xb",
            consent("2026-03-01", "2026-12-31"),
        ),
        ("consent.denied", "ca-xc", json!({ "reason": "r" })),
        (
            "transit.consented",
            "ca-xb",
            consent("2026-03-01", "2026-12-31"),
        ),
        ("transit.objected", "ca-xb", json!({ "reason": "r" })),
        (
            "contract.confirmed",
            "ca-xc",
            json!({ "reference": "C-2026-1" }),
        ),
        ("consent.withdrawn", "ca-xc", json!({ "reason": "r" })),
        ("consent.withdrawn", "ca-xb", json!({ "reason": "r" })),
        ("notification.withdrawn", "exp-xa", json!({ "reason": "r" })),
        ("movement.started", "exp-xa", movement(&n, 1, 5000, d)),
        ("movement.started", "exp-xa", movement(&n, 2, 5000, d)),
        ("movement.started", "car-xa", movement(&n, 3, 5000, d)),
        (
            "custody.transferred",
            "car-xa",
            json!({ "shipment_no": 1, "from": "exp-xa", "on": d }),
        ),
        (
            "custody.transferred",
            "car2-xa",
            json!({ "shipment_no": 1, "from": "car-xa", "on": d }),
        ),
        (
            "border.exited",
            "cus-xa",
            json!({ "shipment_no": 1, "on": d }),
        ),
        (
            "border.entered",
            "cus-xb",
            json!({ "shipment_no": 1, "on": d }),
        ),
        (
            "border.entered",
            "cus-xc",
            json!({ "shipment_no": 2, "on": d }),
        ),
        (
            "border.exited",
            "cus-xa",
            json!({ "shipment_no": 3, "on": d }),
        ),
        (
            "receipt.confirmed",
            "dis-xc",
            json!({ "shipment_no": 1, "received_on": d, "quantity_kg": 5000 }),
        ),
        (
            "receipt.confirmed",
            "dis-xc",
            json!({ "shipment_no": 2, "received_on": d, "quantity_kg": 4000 }),
        ),
        (
            "disposal.completed",
            "dis-xc",
            json!({ "shipment_no": 1, "completed_on": d, "operation": "R4" }),
        ),
        (
            "reimport.required",
            "ca-xc",
            json!({ "shipment_no": 2, "ground": "cannot_be_completed", "informed_on": d, "reason": "r" }),
        ),
        (
            "participant.registered",
            "ca-xa",
            json!({ "id": "x", "kind": "carrier", "country": "XA", "name": "x", "address": "a", "key": key("x") }),
        ),
    ]
}

struct World {
    reg: Registry,
    facts: Facts,
    pool: Vec<(&'static str, &'static str, Value)>,
}

fn world() -> World {
    World {
        reg: registry(),
        facts: facts(),
        pool: pool(),
    }
}

/// Applies steps (pool index, days to wait before it) and returns every result plus the accepted
/// filings with their times.
/// Every result, the accepted filings with their times, and the final case.
type Outcome = (
    Vec<Result<Case, Refusal>>,
    Vec<(Filing, OffsetDateTime)>,
    Case,
);

fn run(w: &World, start: Case, steps: &[(usize, i64)]) -> Outcome {
    let mut case = start;
    let mut at = T0;
    let mut results = Vec::new();
    let mut accepted = Vec::new();
    for &(i, wait) in steps {
        at += Duration::days(wait);
        let (kind, actor, body) = &w.pool[i % w.pool.len()];
        let f = filing(kind, &case.id, actor, at, body.clone());
        let r = apply(&case, &f, &w.reg, &w.facts, at);
        if let Ok(c) = &r {
            case = c.clone();
            accepted.push((f, at));
        }
        results.push(r);
    }
    (results, accepted, case)
}

fn steps() -> impl Strategy<Value = Vec<(usize, i64)>> {
    prop::collection::vec(
        (0usize..64, prop_oneof![4 => Just(0i64), 1 => 1i64..70]),
        0..40,
    )
}

/// Steps that begin, half of the time, with a submitted and transmitted notification, so that
/// the random filings reach the later states of a case.
fn case_steps() -> impl Strategy<Value = Vec<(usize, i64)>> {
    (any::<bool>(), steps()).prop_map(|(prefix, rest)| {
        let mut v = if prefix {
            vec![(0, 0), (2, 0)]
        } else {
            Vec::new()
        };
        v.extend(rest);
        v
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn apply_is_deterministic(steps in case_steps()) {
        let w = world();
        let (a, _, ca) = run(&w, Case::new("XA-2026-0001"), &steps);
        let (b, _, cb) = run(&w, Case::new("XA-2026-0001"), &steps);
        prop_assert_eq!(a, b);
        prop_assert_eq!(ca, cb);
    }

    #[test]
    fn replaying_the_accepted_statements_gives_the_same_case(steps in case_steps()) {
        let w = world();
        let (_, accepted, case) = run(&w, Case::new("XA-2026-0001"), &steps);
        let mut replay = Case::new("XA-2026-0001");
        for (f, at) in &accepted {
            replay = apply(&replay, f, &w.reg, &w.facts, *at).expect("an accepted statement is accepted again on replay");
        }
        prop_assert_eq!(replay.statements, accepted.len() as u64);
        prop_assert_eq!(replay, case);
    }

    #[test]
    fn a_closed_case_accepts_only_statements_about_shipments_under_way(steps in steps(), deny in any::<bool>()) {
        let w = world();
        // Close the case: either denied before any shipment, or withdrawn with shipment 1 under way.
        let prefix: Vec<(usize, i64)> = if deny {
            vec![(0, 0), (2, 0), (12, 0)]
        } else {
            vec![(0, 0), (2, 0), (10, 0), (13, 0), (15, 0), (19, 0), (18, 0)]
        };
        let (_, _, closed) = run(&w, Case::new("XA-2026-0001"), &prefix);
        prop_assert!(closed.is_closed(), "prefix did not close the case: {:?}", closed.phase);
        let phase = closed.phase;
        let (results, accepted, end) = run(&w, closed, &steps);
        prop_assert_eq!(end.phase, phase);
        let allowed = ["custody.transferred", "border.exited", "border.entered", "receipt.confirmed", "disposal.completed", "reimport.required"];
        for (f, _) in &accepted {
            prop_assert!(allowed.contains(&f.kind.as_str()), "closed case accepted {}", f.kind);
        }
        // No new movement ever starts in a closed case.
        prop_assert!(end.shipments.values().filter(|s| s.document.is_some()).count() <= usize::from(!deny));
        prop_assert_eq!(results.len(), steps.len());
        if deny {
            prop_assert_eq!(phase, Phase::Denied);
        } else {
            prop_assert_eq!(phase, Phase::Withdrawn);
        }
    }
}

const FIELDS: &[&str] = &[
    "shipment_no",
    "on",
    "from",
    "to",
    "reason",
    "valid_from",
    "valid_until",
    "conditions",
    "quantity_kg",
    "received_on",
    "completed_on",
    "operation",
    "codes",
    "carriers",
    "kind",
    "country",
    "id",
    "key",
    "exporter",
    "transit",
    "import",
    "export",
    "period",
    "quantity",
    "total_kg",
    "waste",
    "sent_on",
    "ground",
    "agreed_days",
];

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1.0e12f64..1.0e12).prop_map(Value::from),
        "[ -~]{0,16}".prop_map(Value::from),
        prop::sample::select(vec![
            "2026-03-02",
            "2026-02-30",
            "XA",
            "xa",
            "A1181",
            "Y49",
            "B1110",
            "R4",
            "D13",
            "exp-xa",
            "single",
            "general"
        ])
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::from),
            prop::collection::btree_map(
                prop::sample::select(FIELDS.to_vec()).prop_map(str::to_owned),
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Untrusted bodies never make the rules panic: a mutated body is accepted or refused.
    #[test]
    fn mutated_bodies_are_refused_or_accepted_but_never_panic(
        i in 0usize..64,
        key in prop::sample::select(FIELDS.to_vec()),
        value in arb_json(),
        whole in any::<bool>(),
    ) {
        let w = world();
        // A case with a transmitted notification, so that every statement type gets past the state checks.
        let (_, _, case) = run(&w, Case::new("XA-2026-0001"), &[(0, 0), (2, 0), (10, 0), (13, 0), (15, 0), (19, 0)]);
        let (kind, actor, body) = &w.pool[i % w.pool.len()];
        let mut body = body.clone();
        if whole {
            body = value;
        } else if let Value::Object(m) = &mut body {
            m.insert(key.to_owned(), value);
        }
        let f = filing(kind, &case.id, actor, T0, body.clone());
        let result = apply(&case, &f, &w.reg, &w.facts, T0);
        if let Err(refusal) = &result {
            prop_assert!(!refusal.message.is_empty());
            for e in &refusal.errors {
                prop_assert!(e.path.starts_with('$'), "{}", e.path);
            }
        }
        let _ = w.reg.apply(&f, T0);
        let _ = wastetrail_basel::Body::parse(f.kind, &body);
    }
}

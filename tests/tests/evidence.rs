//! Evidence files, export bundles, case trails, findings and the chain-of-custody report,
//! over a generated log: what verifies does, and every tampering of an evidence file is a
//! fault at its place.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{Value, json};
use wastetrail_basel::{Facts, ObligationKind};
use wastetrail_e2e::{GeneratedLog, Mirror, ORIGIN, generate, trust};
use wastetrail_ledger::checkpoint::Checkpoint;
use wastetrail_ledger::merkle::{self, Hash};
use wastetrail_ledger::note::NoteSigner;
use wastetrail_ledger::statement::Leaf;
use wastetrail_verify::{
    Evidence, ExportFile, Level, Options, ProvenEntry, verify, verify_proven, verify_with,
};

fn case_of(leaf: &[u8]) -> String {
    Leaf::parse(leaf).unwrap().statement.case().to_owned()
}

fn kind_of(leaf: &[u8]) -> String {
    Leaf::parse(leaf).unwrap().statement.kind().to_owned()
}

fn note(log: &GeneratedLog, signer: &NoteSigner) -> String {
    let hashes: Vec<Hash> = log.leaves.iter().map(|l| merkle::leaf_hash(l)).collect();
    Checkpoint::new(ORIGIN, hashes.len() as u64, merkle::root(&hashes))
        .unwrap()
        .sign(signer)
        .unwrap()
}

/// The evidence of the first movement of `case`: the registry and the case up to it.
fn evidence_of(log: &GeneratedLog, case: &str) -> Evidence {
    let hashes: Vec<Hash> = log.leaves.iter().map(|l| merkle::leaf_hash(l)).collect();
    let cp = note(log, &log.log);
    let movement = (0..log.leaves.len())
        .find(|&i| case_of(&log.leaves[i]) == case && kind_of(&log.leaves[i]) == "movement.started")
        .expect("the case has a movement");
    let entries = (0..log.leaves.len())
        .filter(|&i| {
            let c = case_of(&log.leaves[i]);
            c == "registry" || (c == case && i <= movement)
        })
        .map(|i| ProvenEntry {
            index: i as u64,
            leaf: log.leaves[i].clone(),
            proof: merkle::inclusion_proof(i as u64, &hashes).unwrap(),
            checkpoint: cp.clone(),
            disclosure: Some(serde_json::to_vec(&log.disclosures[i]).unwrap()),
        })
        .collect();
    Evidence {
        case: case.to_owned(),
        movement: Some(hashes[movement]),
        entries,
    }
}

/// A case of the generated log with a movement document.
fn case_with_movement(log: &GeneratedLog) -> String {
    log.cases
        .iter()
        .find(|c| {
            log.leaves
                .iter()
                .any(|l| case_of(l) == **c && kind_of(l) == "movement.started")
        })
        .unwrap()
        .clone()
}

#[test]
fn the_evidence_of_a_movement_verifies_offline_and_answers_the_border_question() {
    let log = generate(10);
    let facts = Facts::try_builtin().unwrap();
    let case = case_with_movement(&log);
    let ev = evidence_of(&log, &case);
    // Written and read back as the file `wastetrail export --movement` writes.
    let text = serde_json::to_vec(&ev.to_json()).unwrap();
    let back = Evidence::parse(&text).unwrap();
    assert_eq!(back, ev);
    let first = &ev.to_json()["proofs"][0];
    assert!(
        first
            .as_str()
            .unwrap()
            .starts_with("c2sp.org/tlog-proof@v1\nextra "),
        "{first}"
    );

    let (report, answer) = verify_proven(&back, &trust(&log), &facts);
    assert!(report.fault.is_none(), "{:?}", report.fault);
    assert_eq!(report.leaves, ev.entries.len() as u64);
    assert_eq!(report.cases.get(&case), Some(&Level::Full));
    let answer = answer.expect("the movement is answered");
    assert_eq!(answer.leaf_hash, hex::encode(ev.movement.unwrap()));
    // The answer is may_start's over the case as it stood: the same as the trail's step.
    let trail = report.trail.as_ref().unwrap();
    let step = trail
        .steps
        .iter()
        .find(|s| s.index == answer.index)
        .unwrap();
    assert_eq!(
        answer.consented,
        step.movement.as_ref().unwrap().consented()
    );
    assert_eq!(trail.steps.last().unwrap().kind, "movement.started");

    // Without the case's bodies: signatures and chain only, and no answer.
    let mut public = back.clone();
    for e in &mut public.entries {
        if case_of(&e.leaf) == case {
            e.disclosure = None;
        }
    }
    let (report, answer) = verify_proven(&public, &trust(&log), &facts);
    assert!(report.fault.is_none(), "{:?}", report.fault);
    assert_eq!(report.cases.get(&case), Some(&Level::Public));
    assert!(answer.is_none());
}

#[test]
fn every_tampering_of_an_evidence_file_is_a_fault_at_its_place() {
    let log = generate(10);
    let facts = Facts::try_builtin().unwrap();
    let case = case_with_movement(&log);
    let ev = evidence_of(&log, &case);
    let case_positions: Vec<usize> = (0..ev.entries.len())
        .filter(|&i| case_of(&ev.entries[i].leaf) == case)
        .collect();
    let middle = case_positions[case_positions.len() / 2];
    let other_case = log.cases.iter().find(|c| **c != case).unwrap();
    let foreign = (0..log.leaves.len())
        .find(|&i| case_of(&log.leaves[i]) == *other_case)
        .unwrap();
    let hashes: Vec<Hash> = log.leaves.iter().map(|l| merkle::leaf_hash(l)).collect();
    let stranger = NoteSigner::from_seed(ORIGIN, &[9; 32]).unwrap();
    let foreign_leaf = log.leaves[foreign].clone();

    type Mutation = Box<dyn Fn(&mut Evidence)>;
    let mutations: Vec<(&str, &str, Option<u64>, Mutation)> = vec![
        (
            "flipped leaf byte",
            "inclusion",
            Some(ev.entries[middle].index),
            Box::new(move |e| {
                let l = &mut e.entries[middle].leaf;
                let at = l.len() / 2;
                l[at] ^= 1;
            }),
        ),
        (
            "wrong proof hash",
            "inclusion",
            Some(ev.entries[middle].index),
            Box::new(move |e| {
                e.entries[middle].proof[0][0] ^= 1;
            }),
        ),
        (
            "a case statement left out",
            "admission",
            None,
            Box::new(move |e| {
                e.entries.remove(middle);
            }),
        ),
        (
            "the first registry statement left out",
            "admission",
            None,
            Box::new(|e| {
                e.entries.remove(0);
            }),
        ),
        (
            "another body disclosed",
            "disclosure",
            Some(ev.entries[middle].index),
            Box::new(move |e| {
                let other = e.entries[middle - 1].disclosure.clone();
                e.entries[middle].disclosure = other;
            }),
        ),
        (
            "a statement of another case",
            "leaf",
            Some(foreign as u64),
            Box::new(move |e| {
                let mut extra = e.entries[0].clone();
                extra.index = foreign as u64;
                extra.leaf = foreign_leaf.clone();
                extra.proof = merkle::inclusion_proof(foreign as u64, &hashes).unwrap();
                e.entries.push(extra);
            }),
        ),
        (
            "an entry given twice",
            "leaf",
            Some(ev.entries[middle].index),
            Box::new(move |e| {
                let mut again = e.entries[middle].clone();
                // (Two disclosures for one entry are refused when the file is read.)
                again.disclosure = None;
                e.entries.push(again);
            }),
        ),
        (
            "a checkpoint from another key",
            "checkpoint",
            None,
            Box::new(move |e| {
                let forged =
                    Checkpoint::parse_text(e.entries[0].checkpoint.split_once("\n\n").unwrap().0);
                let text = match forged {
                    Ok(cp) => cp.sign(&stranger).unwrap(),
                    Err(_) => format!(
                        "{}\n",
                        e.entries[0].checkpoint.split_once("\n\n").unwrap().0
                    ),
                };
                for x in &mut e.entries {
                    x.checkpoint = text.clone();
                }
            }),
        ),
        (
            "no entry at all",
            "leaf",
            None,
            Box::new(|e| e.entries.clear()),
        ),
    ];
    let mut twice = ev.clone();
    twice.entries.push(ev.entries[middle].clone());
    assert!(Evidence::parse(&serde_json::to_vec(&twice.to_json()).unwrap()).is_err());
    for (name, check, index, mutate) in &mutations {
        let mut bad = ev.clone();
        mutate(&mut bad);
        // Through the file format, as an auditor receives it.
        let bad = Evidence::parse(&serde_json::to_vec(&bad.to_json()).unwrap()).unwrap();
        let (report, _) = verify_proven(&bad, &trust(&log), &facts);
        let fault = report
            .fault
            .unwrap_or_else(|| panic!("{name}: not detected"));
        assert_eq!(fault.check, *check, "{name}: {fault}");
        if let Some(i) = index {
            assert_eq!(fault.index, Some(*i), "{name}: {fault}");
        }
    }
}

#[test]
fn export_bundles_are_verified_the_same_way() {
    let log = generate(8);
    let facts = Facts::try_builtin().unwrap();
    let cp = note(&log, &log.log);
    let entry = |i: usize, proof: bool| {
        let hashes: Vec<Hash> = log.leaves.iter().map(|l| merkle::leaf_hash(l)).collect();
        let mut e = json!({
            "index": i,
            "leaf": serde_json::from_slice::<Value>(&log.leaves[i]).unwrap(),
            "disclosure": log.disclosures[i],
        });
        if proof {
            e["proof"] = json!(
                merkle::inclusion_proof(i as u64, &hashes)
                    .unwrap()
                    .iter()
                    .map(hex::encode)
                    .collect::<Vec<_>>()
            );
        }
        e
    };
    let whole = json!({
        "format": "wastetrail-export/1", "checkpoint": cp, "scope": {"kind": "log"},
        "entries": (0..log.leaves.len()).map(|i| entry(i, false)).collect::<Vec<_>>(),
    });
    let ExportFile::Log(source) = ExportFile::parse(&serde_json::to_vec(&whole).unwrap()).unwrap()
    else {
        panic!("a log bundle")
    };
    let r = verify(&source, &trust(&log), &facts, None).unwrap();
    assert!(r.fault.is_none(), "{:?}", r.fault);
    assert_eq!(r.leaves, log.leaves.len() as u64);
    assert_eq!(r.level, Level::Full);
    // Reordered entries are not a log.
    let mut swapped = whole.clone();
    swapped["entries"].as_array_mut().unwrap().swap(3, 4);
    assert!(ExportFile::parse(&serde_json::to_vec(&swapped).unwrap()).is_err());
    // A body changed inside a log bundle is a disclosure fault at its leaf.
    let mut changed = whole.clone();
    changed["entries"][5]["disclosure"] = log.disclosures[6].clone();
    let ExportFile::Log(source) =
        ExportFile::parse(&serde_json::to_vec(&changed).unwrap()).unwrap()
    else {
        panic!("a log bundle")
    };
    let r = verify(&source, &trust(&log), &facts, None).unwrap();
    assert_eq!(
        r.fault.as_ref().map(|f| (f.check, f.index)),
        Some(("disclosure", Some(5)))
    );

    let case = case_with_movement(&log);
    let case_bundle = json!({
        "format": "wastetrail-export/1", "checkpoint": cp, "scope": {"kind": "case", "case": case},
        "entries": (0..log.leaves.len())
            .filter(|&i| { let c = case_of(&log.leaves[i]); c == case || c == "registry" })
            .map(|i| entry(i, true))
            .collect::<Vec<_>>(),
    });
    let ExportFile::Case(ev) =
        ExportFile::parse(&serde_json::to_vec(&case_bundle).unwrap()).unwrap()
    else {
        panic!("a case bundle")
    };
    let (r, _) = verify_proven(&ev, &trust(&log), &facts);
    assert!(r.fault.is_none(), "{:?}", r.fault);
    assert_eq!(r.cases.get(&case), Some(&Level::Full));
}

#[test]
fn the_case_trail_and_the_findings_come_from_the_replay() {
    let log = generate(10);
    let facts = Facts::try_builtin().unwrap();
    let m = Mirror::of(&log.log, &log.leaves, &log.disclosures);
    // The case that had to be re-imported: its duty is a finding.
    let reimported = log
        .leaves
        .iter()
        .find(|l| kind_of(l) == "reimport.required")
        .map(|l| case_of(l))
        .unwrap();
    let r = verify_with(
        &m,
        &trust(&log),
        &facts,
        &Options {
            case: Some(&reimported),
            ..Options::default()
        },
    )
    .unwrap();
    assert!(r.fault.is_none(), "{:?}", r.fault);
    assert!(
        r.findings
            .iter()
            .any(|f| f.case == reimported && f.obligation.kind == ObligationKind::Reimport),
        "{:#?}",
        r.findings
    );
    assert!(
        r.findings
            .iter()
            .all(|f| wastetrail_verify::replay::is_finding(&f.obligation))
    );
    // The case reported as illegal traffic: the State of export's Art. 9(2) duty, assigned by
    // the finding of responsibility, is a finding with its owner and due date.
    let reported = log
        .leaves
        .iter()
        .find(|l| kind_of(l) == "responsibility.determined")
        .map(|l| case_of(l))
        .unwrap();
    let duty = r
        .findings
        .iter()
        .find(|f| f.case == reported && f.obligation.kind == ObligationKind::IllegalTraffic)
        .unwrap_or_else(|| panic!("{:#?}", r.findings));
    assert_eq!(duty.obligation.rule_id.as_str(), "ART9-02");
    assert_eq!(duty.obligation.party.as_deref(), Some("ca-de"));
    assert!(duty.obligation.due.is_some());
    let trail = r.trail.as_ref().unwrap();
    let expected: Vec<u64> = (0..log.leaves.len() as u64)
        .filter(|&i| case_of(&log.leaves[i as usize]) == reimported)
        .collect();
    assert_eq!(
        trail.steps.iter().map(|s| s.index).collect::<Vec<_>>(),
        expected
    );
    assert!(
        trail
            .steps
            .iter()
            .all(|s| trail.participants.contains_key(&s.actor))
    );
    assert!(trail.state.is_some());

    // The chain-of-custody page: self-contained, every step, the verdict.
    let html = wastetrail::custody::render_html(&r, trail, "mirror").unwrap();
    assert!(html.len() < 100 * 1024, "{} bytes", html.len());
    assert!(html.contains(&format!("case {reimported}")));
    assert!(html.contains("Verified: no fault"));
    for s in &trail.steps {
        assert!(
            html.contains(&format!("<td class=\"num\">{}</td>", s.index)),
            "step {}",
            s.index
        );
    }
    for forbidden in ["<script", "src=\"http", "href=\"http", "@import", "url("] {
        assert!(!html.contains(forbidden), "{forbidden}");
    }
    // A run with a fault says so on the page.
    let mut faulty = r.clone();
    faulty.fault = Some(wastetrail_verify::Fault {
        check: "leaf",
        file: None,
        index: Some(trail.steps[1].index),
        case: None,
        kind: None,
        rule_id: None,
        detail: "tampered".into(),
    });
    let html = wastetrail::custody::render_html(&faulty, trail, "mirror").unwrap();
    assert!(html.contains("FAULT"));
    assert!(html.contains("NOT VERIFIED"));
}

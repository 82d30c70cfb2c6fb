//! `docs/basel-rules.md` and the code agree: every rule ID in the code has a row with the same
//! citation, every row names a rule ID the code knows, and every test named there exists.
// Test helpers may unwrap and panic: a panic there is a failing test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use wastetrail_basel::RuleId;

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// (rule id, citation, tests) of every table row whose first cell looks like a rule ID.
fn doc_rows() -> Vec<(String, String, Vec<String>)> {
    let text = std::fs::read_to_string(manifest().join("../../docs/basel-rules.md")).unwrap();
    let mut rows = Vec::new();
    for line in text.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() < 7 {
            continue;
        }
        let id = cells[1];
        let looks_like_id = id.contains('-')
            && id
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
            && id
                .rsplit('-')
                .next()
                .is_some_and(|n| n.len() == 2 && n.chars().all(|c| c.is_ascii_digit()));
        if !looks_like_id {
            continue;
        }
        let tests = cells[5]
            .split(';')
            .map(|t| t.trim().trim_matches('`').to_owned())
            .filter(|t| !t.is_empty())
            .collect();
        rows.push((id.to_owned(), cells[3].to_owned(), tests));
    }
    rows
}

/// Row names of the rule table per rule ID (the `name` and `rule` fields of each `Row`) and the
/// names of every `fn` in the tests directory.
fn test_names() -> (BTreeMap<String, BTreeSet<String>>, BTreeSet<String>) {
    let mut rows: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut fns = BTreeSet::new();
    let dir = manifest().join("tests");
    let sub = dir.join("rules_illegal");
    let files = std::fs::read_dir(&dir)
        .unwrap()
        .chain(std::fs::read_dir(sub).unwrap());
    for entry in files {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let src = std::fs::read_to_string(&path).unwrap();
        for part in src.split("fn ").skip(1) {
            let name: String = part
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            fns.insert(name);
        }
        for part in src.split("Row {").skip(1) {
            let Some((_, after_name)) = part.trim_start().split_once("name: \"") else {
                continue;
            };
            let Some((name, rest)) = after_name.split_once('"') else {
                continue;
            };
            let Some(rule) = rest.split("rule: RuleId::").nth(1) else {
                continue;
            };
            let variant: String = rule.chars().take_while(|c| c.is_alphanumeric()).collect();
            let id = RuleId::ALL
                .into_iter()
                .find(|r| format!("{r:?}") == variant)
                .unwrap_or_else(|| panic!("unknown variant {variant}"));
            rows.entry(id.as_str().to_owned())
                .or_default()
                .insert(name.to_owned());
        }
    }
    (rows, fns)
}

#[test]
fn every_rule_id_in_the_code_has_a_row_in_the_doc_and_vice_versa() {
    let doc: BTreeSet<String> = doc_rows().into_iter().map(|r| r.0).collect();
    let code: BTreeSet<String> = RuleId::ALL.iter().map(|r| r.as_str().to_owned()).collect();
    let missing: Vec<_> = code.difference(&doc).collect();
    let unknown: Vec<_> = doc.difference(&code).collect();
    assert!(
        missing.is_empty(),
        "rule IDs without a row in docs/basel-rules.md: {missing:?}"
    );
    assert!(
        unknown.is_empty(),
        "rows in docs/basel-rules.md for unknown rule IDs: {unknown:?}"
    );
    assert_eq!(
        doc_rows().len(),
        RuleId::ALL.len(),
        "a rule ID has more than one row"
    );
}

#[test]
fn every_citation_in_the_doc_is_the_citation_in_the_code() {
    for (id, citation, _) in doc_rows() {
        let rule = RuleId::parse(&id).unwrap();
        assert_eq!(citation, rule.citation(), "citation of {id}");
    }
}

#[test]
fn every_test_named_in_the_doc_exists_and_every_rule_names_one() {
    let (rows, fns) = test_names();
    for (id, _, tests) in doc_rows() {
        assert!(!tests.is_empty(), "{id} names no test");
        for t in tests {
            let is_row = rows.get(&id).is_some_and(|names| names.contains(&t));
            assert!(is_row || fns.contains(&t), "{id}: no test named {t:?}");
        }
    }
}

#[test]
fn every_rule_table_row_is_named_in_the_doc() {
    let (rows, _) = test_names();
    let doc: BTreeMap<String, Vec<String>> =
        doc_rows().into_iter().map(|(id, _, t)| (id, t)).collect();
    for (id, names) in rows {
        for n in names {
            assert!(
                doc.get(&id).is_some_and(|t| t.contains(&n)),
                "row {n:?} of {id} is not in the doc"
            );
        }
    }
}

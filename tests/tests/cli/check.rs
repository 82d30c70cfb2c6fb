//! End-to-end tests of `wastetrail check`: every case file under docs/examples/ is run through
//! the real binary and compared with the expectation stored next to it (`NAME.expected.json`).
//!
//! An expectation holds:
//! - `exit`: the expected exit status (0, 1 or 2);
//! - `verdict`: the `verdict` field of the `--json` report (`may_start`, `may_not_start`,
//!   `statement_refused`, `due` or `invalid`);
//! - `rules` (for `may_not_start`, `statement_refused` and `due`): the set of rule IDs the
//!   report names (the checks not met, the refusal, or the open obligations), in any order;
//! - `rules_include` (for `may_start`): rule IDs that must be among the checks met;
//! - `decision` (for `may_not_start`): `blocked` or `prohibited`;
//! - `refused_index` (only for `statement_refused`): index of the refused statement;
//! - `path` (only for `invalid`): the JSON path of the fault;
//! - `message_contains` (optional): a piece of the error message (for `invalid`);
//! - `obligations` (optional): rule IDs of the open obligations, in any order;
//! - `obligation_due` (optional): rule ID -> due date (`YYYY-MM-DD`) of open obligations;
//! - `obligation_overdue` (optional): rule ID -> whether its open obligations are overdue;
//! - `why`: the reasoning behind the expectation, with its basis in docs/basel-rules.md.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;
use wastetrail_e2e::process::bin;

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/examples")
}

fn run(args: &[&str], file: &Path) -> Output {
    bin().arg("check").args(args).arg(file).output().unwrap()
}

/// All example case files (NAME.json without NAME.expected.json), sorted by name.
fn examples() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(examples_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.ends_with(".json") && !name.ends_with(".expected.json")
        })
        .collect();
    files.sort();
    files
}

fn expectation(file: &Path) -> Value {
    let name = file.file_stem().unwrap().to_string_lossy().into_owned();
    let path = file.with_file_name(format!("{name}.expected.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: no expectation file: {e}", path.display()));
    let exp: Value = serde_json::from_str(&text).unwrap();
    assert!(
        exp["why"].as_str().is_some_and(|w| w.len() > 20),
        "{}: every expectation explains itself in `why`",
        path.display()
    );
    exp
}

fn string_set(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("expected an array, got {v}"))
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

/// Runs one example with `--json` and without, and checks it against its expectation.
/// Returns a description of the mismatch instead of panicking, so that one run reports all.
fn check_example(file: &Path) -> Result<(), String> {
    let exp = expectation(file);
    let out = run(&["--json"], file);
    let code = out.status.code();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let report: Value = serde_json::from_str(&stdout)
        .map_err(|e| format!("--json output is not JSON ({e}): {stdout}\nstderr: {stderr}"))?;
    let want_exit = exp["exit"].as_i64().map(|c| c as i32);
    if code != want_exit {
        return Err(format!(
            "exit {code:?}, expected {want_exit:?}\nreport: {report}\nstderr: {stderr}"
        ));
    }
    if report["verdict"] != exp["verdict"] {
        return Err(format!(
            "verdict {}, expected {}\nreport: {report}\nstderr: {stderr}",
            report["verdict"], exp["verdict"]
        ));
    }
    if exp["verdict"] == "invalid" {
        if report["path"] != exp["path"] {
            return Err(format!(
                "fault path {}, expected {}\nreport: {report}",
                report["path"], exp["path"]
            ));
        }
        // The path is also in the human message on stderr.
        let path = exp["path"].as_str().unwrap_or("");
        if !stderr.contains(path) || !stderr.starts_with("error: ") {
            return Err(format!("stderr does not name the path {path:?}: {stderr}"));
        }
        let plain = run(&[], file);
        let plain_err = String::from_utf8_lossy(&plain.stderr);
        if plain.status.code() != Some(2) || !plain.stdout.is_empty() || !plain_err.contains(path) {
            return Err(format!(
                "plain run of an invalid file: exit {:?}, stdout {:?}, stderr {plain_err}",
                plain.status.code(),
                String::from_utf8_lossy(&plain.stdout)
            ));
        }
        if let Some(piece) = exp["message_contains"].as_str()
            && !report["message"].as_str().unwrap_or("").contains(piece)
        {
            return Err(format!(
                "message {} does not contain {piece:?}",
                report["message"]
            ));
        }
        return Ok(());
    }
    if !stderr.is_empty() {
        return Err(format!(
            "unexpected stderr on an answered question: {stderr}"
        ));
    }
    let got_rules = string_set(&report["rules"]);
    if let Some(want) = exp.get("rules") {
        let want_rules = string_set(want);
        if got_rules != want_rules {
            return Err(format!(
                "rules {got_rules:?}, expected {want_rules:?}\nreport: {report}"
            ));
        }
    } else if exp["verdict"] != "may_start" {
        return Err("an expectation other than may_start must list `rules`".into());
    }
    if let Some(want) = exp.get("rules_include") {
        let missing: Vec<String> = string_set(want).difference(&got_rules).cloned().collect();
        if !missing.is_empty() {
            return Err(format!(
                "rules {got_rules:?} lack {missing:?}\nreport: {report}"
            ));
        }
    }
    if exp["verdict"] == "may_start" {
        let failing: Vec<&Value> = report["grounds"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|g| g["outcome"] != "met")
            .collect();
        if !failing.is_empty() {
            return Err(format!("may_start with failing checks: {failing:?}"));
        }
    }
    if let Some(decision) = exp.get("decision")
        && &report["decision"] != decision
    {
        return Err(format!(
            "decision {}, expected {decision}\nreport: {report}",
            report["decision"]
        ));
    }
    if let Some(index) = exp.get("refused_index")
        && &report["refused_statement"]["index"] != index
    {
        return Err(format!(
            "refused statement {}, expected {index}\nreport: {report}",
            report["refused_statement"]["index"]
        ));
    }
    if let Some(want) = exp.get("obligations") {
        let got: BTreeSet<String> = report["obligations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["rule"].as_str().unwrap().to_string())
            .collect();
        if got != string_set(want) {
            return Err(format!(
                "obligations {got:?}, expected {want}\nreport: {report}"
            ));
        }
        if let Some(dues) = exp.get("obligation_due").and_then(Value::as_object) {
            for (rule, date) in dues {
                let found = report["obligations"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|o| o["rule"] == rule.as_str() && &o["due"] == date);
                if !found {
                    return Err(format!("no {rule} obligation due {date}\nreport: {report}"));
                }
            }
        }
        if let Some(flags) = exp.get("obligation_overdue").and_then(Value::as_object) {
            for (rule, overdue) in flags {
                let wrong: Vec<&Value> = report["obligations"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|o| o["rule"] == rule.as_str() && &o["overdue"] != overdue)
                    .collect();
                if !wrong.is_empty() {
                    return Err(format!("{rule} overdue should be {overdue}: {wrong:?}"));
                }
            }
        }
        for o in report["obligations"].as_array().unwrap() {
            if o["citation"].as_str().is_none_or(str::is_empty) {
                return Err(format!("obligation without citation: {o}"));
            }
        }
    }
    // The plain-words answer gives the same exit status and names every rule ID of the
    // answer together with its citation.
    let plain = run(&[], file);
    if plain.status.code() != want_exit {
        return Err(format!("plain run exit {:?}", plain.status.code()));
    }
    let text = String::from_utf8_lossy(&plain.stdout);
    for g in report["grounds"].as_array().unwrap() {
        let line = format!(
            "{} ({})",
            g["rule"].as_str().unwrap(),
            g["citation"].as_str().unwrap()
        );
        if !text.contains(&line) {
            return Err(format!("plain output lacks {line:?}:\n{text}"));
        }
    }
    if let Some(index) = exp.get("refused_index") {
        let named = format!("NO: statements[{index}] (");
        if !text.contains(&named) {
            return Err(format!("plain output does not name {named:?}:\n{text}"));
        }
    }
    let first_answer = if exp["verdict"] == "may_start" {
        "Answer: YES"
    } else if exp["verdict"] == "due" {
        "Answer: "
    } else {
        "Answer: NO"
    };
    if !text.contains(first_answer) {
        return Err(format!("plain output lacks {first_answer:?}:\n{text}"));
    }
    Ok(())
}

#[test]
fn every_example_gives_its_expected_verdict() {
    let files = examples();
    let mut failures = Vec::new();
    for file in &files {
        if let Err(why) = check_example(file) {
            failures.push(format!(
                "--- {}:\n{why}",
                file.file_name().unwrap().to_string_lossy()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} examples failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

/// The scenarios issue 3 asks for; each must exist as an example (and so be checked above).
#[test]
fn the_required_scenarios_are_all_there() {
    let names: BTreeSet<String> = examples()
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(names.len() >= 20, "only {} examples", names.len());
    for required in REQUIRED {
        assert!(names.contains(*required), "missing example {required}");
    }
}

const REQUIRED: &[&str] = &[
    "transit-tacit-waiver-after-60-days",
    "transit-no-waiver-no-written-consent",
    "transit-tacit-waiver-before-60-days",
    "general-notification-expired",
    "quantity-over-consent",
    "count-over-consent",
    "ban-amendment-disposal",
    "ban-amendment-recovery",
    "non-party-without-art11",
    "y49-after-2025",
    "y49-before-2025",
    "reimport-after-failed-disposal",
    "consent-expired",
    "transit-objection",
    "fully-consented-may-start",
    "obligations-due",
    "invalid-bad-json",
    "invalid-wrong-field-type",
    "invalid-unknown-participant",
    "invalid-float-quantity",
    // Issue 11: illegal traffic (Art. 9), deviations (Art. 9(1)(d)), waste seen at a border.
    "illegal-traffic-found-after-departure",
    "illegal-traffic-found-before-departure",
    "illegal-traffic-day-29",
    "illegal-traffic-day-30",
    "illegal-traffic-day-31",
    "illegal-traffic-importer-at-fault",
    "illegal-traffic-not-assignable",
    "illegal-traffic-report-non-controlled-refused",
    "deviation-other-customs-office",
    "deviation-other-carrier",
    "deviation-tolerated-by-setting",
    "non-controlled-waste-crossing-not-illegal",
];

#[test]
fn a_missing_file_is_exit_2_with_a_message_on_stderr() {
    let out = run(&[], Path::new("/nonexistent/case.json"));
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot read the case file"), "{stderr}");
}

#[test]
fn a_missing_file_with_json_gives_an_invalid_report_without_a_path() {
    let out = run(&["--json"], Path::new("/nonexistent/case.json"));
    assert_eq!(out.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["verdict"], "invalid");
    assert_eq!(report["path"], Value::Null);
    assert!(
        report["error"]
            .as_str()
            .unwrap()
            .contains("/nonexistent/case.json")
    );
}

#[test]
fn usage_errors_are_reported_by_clap() {
    let out = bin().arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("CASE_FILE"));
}

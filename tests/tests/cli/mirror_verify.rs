//! End-to-end: `wastetrail demo`, then `wastetrail mirror` (as the auditor, and anonymously)
//! and `wastetrail verify DIR` with the demo's log key and registrar key: exit 0 with every
//! case verified at the full level; one flipped byte in a file of the mirror: exit 1 naming
//! the place.

use std::path::Path;

use serde_json::Value;
use wastetrail::keys::read_signer;
use wastetrail_e2e::process::*;
use wastetrail_ledger::note::NoteSigner;

fn verify(dir: &Path, vkey: &str, registrar: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "verify",
        dir.to_str().unwrap(),
        "--log-key",
        vkey,
        "--registrar-key",
        registrar,
    ];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn mirror_then_verify_and_every_flipped_byte_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let demo_dir = dir.path().join("demo");
    let proc = spawn_demo(&demo_dir);
    let url = proc.url.clone();
    let log_key = std::fs::read_to_string(demo_dir.join("data/log.key")).unwrap();
    let vkey = NoteSigner::parse(log_key.trim())
        .unwrap()
        .verifier()
        .to_vkey();
    let registrar = read_signer(&demo_dir.join("keys/registrar.pem"))
        .unwrap()
        .public_key()
        .to_base64();

    let mirror = dir.path().join("mirror");
    let o = run(&[
        "mirror",
        "--server",
        &url,
        "--out",
        mirror.to_str().unwrap(),
        "--log-key",
        &vkey,
        "--key",
        demo_dir.join("keys/auditor.pem").to_str().unwrap(),
        "--participant",
        "auditor",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));

    // The customs officer's check of the printed QR code of case 1's movement document.
    let qr = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let mut c = wastetrail::client::Client::connect(&url, Some(&vkey))
            .await
            .unwrap();
        c.login(
            "auditor",
            &read_signer(&demo_dir.join("keys/auditor.pem")).unwrap(),
        )
        .await
        .unwrap();
        let cases = c.get_json("/api/v1/cases").await.unwrap();
        let id = cases[0]["id"].as_str().unwrap().to_owned();
        let detail = c.get_json(&format!("/api/v1/cases/{id}")).await.unwrap();
        detail["verdicts"][0]["qr"].as_str().unwrap().to_owned()
    });
    let check = |payload: &str| {
        run(&[
            "verify",
            "--qr",
            payload,
            "--server",
            &url,
            "--log-key",
            &vkey,
        ])
    };
    let o = check(&qr);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).starts_with("CONSENTED: "),
        "{}",
        show(&o)
    );
    // Another leaf hash: not in the log; the registrar's first entry: not a movement.
    let parsed = wastetrail_ledger::qr::MovementRef::parse(&qr).unwrap();
    let forged = wastetrail_ledger::qr::MovementRef {
        leaf_hash: [7; 32],
        ..parsed.clone()
    };
    let o = check(&forged.to_string());
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).starts_with("NOT IN THE LOG: no entry"),
        "{}",
        show(&o)
    );
    let tile_dir = mirror.join("tile/0/000.p");
    let tile_file = std::fs::read_dir(&tile_dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let first: [u8; 32] = std::fs::read(tile_file).unwrap()[..32].try_into().unwrap();
    let registry_entry = wastetrail_ledger::qr::MovementRef {
        leaf_hash: first,
        index: 0,
        ..parsed
    };
    let o = check(&registry_entry.to_string());
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("not an accepted movement document"),
        "{}",
        show(&o)
    );
    let o = check("wt1:1:2:AAAA:x");
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    evidence_and_reports(dir.path(), &demo_dir, &url, &vkey, &registrar, &qr);
    drop(proc);

    let o = verify(&mirror, &vkey, &registrar, &["--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(r["fault"].is_null(), "{r:#}");
    let size = r["size"].as_u64().unwrap();
    assert_eq!(r["leaves"].as_u64(), Some(size));
    assert_eq!(r["signatures"].as_u64(), Some(size));
    assert_eq!(r["disclosures"].as_u64(), Some(size));
    let cases = r["cases"].as_object().unwrap();
    assert_eq!(cases.len(), 3, "{r:#}");
    assert!(cases.values().all(|l| l == "full"), "{r:#}");
    let o = verify(&mirror, &vkey, &registrar, &[]);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("verified: no fault"),
        "{}",
        show(&o)
    );
    // Monitoring: the first run saves the checkpoint, the next one proves the log extends it.
    let saved = dir.path().join("last.checkpoint");
    for _ in 0..2 {
        let o = verify(
            &mirror,
            &vkey,
            &registrar,
            &["--since", saved.to_str().unwrap()],
        );
        assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    }
    assert_eq!(
        std::fs::read(&saved).unwrap(),
        std::fs::read(mirror.join("checkpoint")).unwrap()
    );
    // A saved file that the trusted key did not sign cannot be trusted: exit 2.
    std::fs::write(&saved, "not a checkpoint\n").unwrap();
    let o = verify(
        &mirror,
        &vkey,
        &registrar,
        &["--since", saved.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));

    // One flipped byte in any file of the mirror: exit 1 and the place.
    let files = [
        format!("tile/entries/000.p/{size}"),
        format!("tile/0/000.p/{size}"),
        format!("disclosures/000.p/{size}"),
        "checkpoint".to_owned(),
    ];
    for rel in &files {
        let copy = dir.path().join(format!("copy-{}", rel.replace('/', "_")));
        copy_dir(&mirror, &copy);
        let p = copy.join(rel);
        let mut b = std::fs::read(&p).unwrap();
        let at = b.len() / 2;
        b[at] ^= 0x01;
        std::fs::write(&p, b).unwrap();
        let o = verify(&copy, &vkey, &registrar, &[]);
        assert_eq!(o.status.code(), Some(1), "{rel}: {}", show(&o));
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains("FAULT"), "{rel}: {out}");
        assert!(
            out.contains(rel.as_str()) || out.contains("at leaf"),
            "{rel}: the place is named: {out}"
        );
    }

    // A wrong trusted key cannot verify the checkpoint; a missing key cannot verify at all.
    let other = NoteSigner::generate("demo.wastetrail.example/log")
        .0
        .verifier()
        .to_vkey();
    let o = verify(&mirror, &other, &registrar, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    let o = run(&["verify", mirror.to_str().unwrap(), "--log-key", "not-a-key"]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
}

/// The customs officer's evidence file (exported by the customs office of export, checked
/// offline with the QR code), the server as a verifier's source, the chain-of-custody report,
/// `--strict` and the law data of the deployment.
fn evidence_and_reports(
    dir: &Path,
    demo_dir: &Path,
    url: &str,
    vkey: &str,
    registrar: &str,
    qr: &str,
) {
    let parsed = wastetrail_ledger::qr::MovementRef::parse(qr).unwrap();
    let evidence = dir.join("movement.evidence.json");
    let o = run(&[
        "export",
        "--server",
        url,
        "--key",
        demo_dir.join("keys/customs-de.pem").to_str().unwrap(),
        "--participant",
        "customs-de",
        "--movement",
        &hex::encode(parsed.leaf_hash),
        "--out",
        evidence.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    let facts = demo_dir.join("facts.json");
    let facts = facts.to_str().unwrap();
    let offline = |extra: &[&str]| {
        let mut args = vec![
            "verify",
            "--log-key",
            vkey,
            "--registrar-key",
            registrar,
            "--facts",
            facts,
        ];
        args.extend_from_slice(extra);
        run(&args)
    };
    let o = offline(&["--qr", qr, "--evidence", evidence.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).starts_with("CONSENTED: "),
        "{}",
        show(&o)
    );
    // Another document than the one the file proves: not in the log (as far as it shows).
    let other = wastetrail_ledger::qr::MovementRef {
        leaf_hash: [7; 32],
        ..parsed.clone()
    };
    let o = offline(&[
        "--qr",
        &other.to_string(),
        "--evidence",
        evidence.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).starts_with("NOT IN THE LOG: "),
        "{}",
        show(&o)
    );
    // The evidence file as a source, with its case's chain-of-custody report.
    let report = dir.join("custody.html");
    let o = offline(&[
        evidence.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.contains("Verified: no fault"), "{html}");
    assert!(html.contains("Movement started"), "{html}");
    // One flipped byte in the evidence file: a fault, or a file that cannot be read.
    let mut bytes = std::fs::read(&evidence).unwrap();
    let at = bytes.len() / 3;
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    let flipped = dir.join("flipped.evidence.json");
    std::fs::write(&flipped, bytes).unwrap();
    let o = offline(&[flipped.to_str().unwrap()]);
    assert_ne!(o.status.code(), Some(0), "{}", show(&o));

    // The server itself as the source: anonymously the tree only; as the auditor, everything.
    let o = offline(&[url]);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("level: integrity"),
        "{}",
        show(&o)
    );
    let json_report = dir.join("case.json");
    let o = offline(&[
        url,
        "--key",
        demo_dir.join("keys/auditor.pem").to_str().unwrap(),
        "--participant",
        "auditor",
        "--case",
        parsed_case(&evidence).as_str(),
        "--report",
        json_report.to_str().unwrap(),
        "--strict",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    let r: Value = serde_json::from_slice(&std::fs::read(&json_report).unwrap()).unwrap();
    assert_eq!(r["level"], "full", "{r:#}");
    assert!(r["trail"]["steps"].as_array().unwrap().len() >= 5, "{r:#}");
    // Without the deployment's weighing tolerance the rules see illegal traffic in case 1
    // (received 17,950 kg of 18,000): a finding, and with --strict a failure.
    let o = run(&[
        "verify",
        url,
        "--log-key",
        vkey,
        "--registrar-key",
        registrar,
        "--key",
        demo_dir.join("keys/auditor.pem").to_str().unwrap(),
        "--participant",
        "auditor",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("ART9-01"),
        "{}",
        show(&o)
    );
    let o = run(&[
        "verify",
        url,
        "--log-key",
        vkey,
        "--registrar-key",
        registrar,
        "--key",
        demo_dir.join("keys/auditor.pem").to_str().unwrap(),
        "--participant",
        "auditor",
        "--strict",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    // A report needs a case.
    let o = offline(&[url, "--report", dir.join("x.html").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
}

fn parsed_case(evidence: &Path) -> String {
    let v: Value = serde_json::from_slice(&std::fs::read(evidence).unwrap()).unwrap();
    v["case"].as_str().unwrap().to_owned()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

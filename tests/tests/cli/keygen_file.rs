//! End-to-end: `wastetrail keygen` and `wastetrail file` against a real `wastetrail serve`
//! process on SQLite: an accepted filing (receipt verified), a refused one (rule ID and
//! citation printed, exit 1), a stale `prev` refused or followed automatically, a signed statement
//! filed twice (the second time "already in the log"), a wrong key, no server (exit 3) and invalid
//! input (exit 2).

use std::time::Duration;

use serde_json::{Value, json};
use wastetrail_basel::body::{KeyInfo, ParticipantRegistered};
use wastetrail_basel::{CountryCode, ParticipantKind, REGISTRY_CASE};
use wastetrail_e2e::process::*;
use wastetrail_e2e::typed;

fn keygen(dir: &std::path::Path, name: &str) -> Value {
    let path = dir.join(format!("{name}.pem"));
    let o = run(&["keygen", "--json", "--out", path.to_str().unwrap()]);
    assert!(o.status.success(), "{}", show(&o));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "key file mode");
    }
    let pem = std::fs::read_to_string(&path).unwrap();
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"), "{pem}");
    serde_json::from_slice(&o.stdout).unwrap()
}

/// A `participant.registered` body for the key `keygen --json` printed.
fn registration(
    id: &str,
    kind: &str,
    country: &str,
    name: &str,
    address: &str,
    key: &Value,
) -> Value {
    let key = KeyInfo::new(
        key["key_id"].as_str().unwrap(),
        key["public_key"].as_str().unwrap(),
    );
    let body = ParticipantRegistered {
        id: id.into(),
        kind: ParticipantKind::parse(kind).unwrap(),
        country: CountryCode::parse(country).unwrap(),
        name: name.into(),
        address: address.into(),
        key,
    };
    typed(&body)
}

fn file(
    dir: &std::path::Path,
    server: &str,
    key: &str,
    name: &str,
    statement: &Value,
    extra: &[&str],
) -> std::process::Output {
    let path = write(dir, name, &statement.to_string());
    let key = dir.join(format!("{key}.pem"));
    let mut args = vec![
        "file",
        &path,
        "--key",
        key.to_str().unwrap(),
        "--server",
        server,
    ];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn keygen_then_file_accepted_refused_and_invalid() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let registrar = keygen(d, "registrar");
    let ca = keygen(d, "ca-de");
    let exporter = keygen(d, "exporter-nl");
    // keygen never overwrites a key.
    let again = run(&["keygen", "--out", d.join("ca-de.pem").to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2), "{}", show(&again));

    let mut cmd = bin();
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(d.join("data"))
        .env(
            "WASTETRAIL_REGISTRAR_PUBLIC_KEY",
            registrar["public_key"].as_str().unwrap(),
        )
        .env("WASTETRAIL_ORIGIN", "e2e.wastetrail.example/log");
    let server = spawn_until_url(
        cmd,
        "listening on ",
        &d.join("serve.err"),
        Duration::from_secs(60),
    );
    let url = server.url.clone();

    // Accepted: the registrar registers the competent authority of DE (prev looked up).
    let reg = json!({
        "type": "participant.registered", "case": REGISTRY_CASE, "actor": "registrar",
        "body": registration("ca-de", "competent_authority", "DE", "Umweltbundesamt", "Dessau", &ca),
    });
    let o = file(d, &url, "registrar", "reg.json", &reg, &["--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    let receipt: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(receipt["accepted"], true);
    assert_eq!(receipt["index"], 0);
    assert_eq!(receipt["leaf_hash"].as_str().unwrap().len(), 64);

    // Refused by the rules: the competent authority of DE may not register a participant of
    // NL (REG-01). The plain output names the problem code, the rule and its legal basis.
    let wrong = json!({
        "type": "participant.registered", "case": REGISTRY_CASE,
        "body": registration("exporter-nl", "exporter", "NL", "Export BV", "Rotterdam", &exporter),
    });
    let o = file(
        d,
        &url,
        "ca-de",
        "wrong.json",
        &wrong,
        &["--actor", "ca-de"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("rule_violation"), "{err}");
    assert!(err.contains("rule: REG-01"), "{err}");
    assert!(err.contains("legal basis: Basel Art. 2(6), 5"), "{err}");

    // A stale prev given explicitly is refused with the head (409, exit 1) ...
    let mut stale = reg.clone();
    stale["body"]["id"] = json!("auditor-1");
    stale["body"]["kind"] = json!("auditor");
    stale["body"]["key"] = keygen(d, "auditor-1");
    stale["prev"] = json!(null);
    let o = file(d, &url, "registrar", "stale.json", &stale, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("stale_prev"), "{err}");
    assert!(
        err.contains(receipt["leaf_hash"].as_str().unwrap()),
        "the head is shown: {err}"
    );
    // ... and accepted when prev is left to the client.
    stale.as_object_mut().unwrap().remove("prev");
    let o = file(d, &url, "registrar", "stale2.json", &stale, &["--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    let r2: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r2["index"], 1);

    // A signed statement is submitted as it is; the same one again is "already in the log".
    let signer = wastetrail::keys::read_signer(&d.join("registrar.pem")).unwrap();
    let signed = wastetrail_ledger::statement::Submission::seal(
        &signer,
        "participant.registered",
        REGISTRY_CASE,
        "registrar",
        wastetrail_ledger::statement::Timestamp::now(),
        Some(wastetrail_ledger::merkle::hash_from_hex(r2["leaf_hash"].as_str().unwrap()).unwrap()),
        registration(
            "ca-nl",
            "competent_authority",
            "NL",
            "ILT",
            "Den Haag",
            &keygen(d, "ca-nl"),
        ),
    )
    .unwrap()
    .to_value();
    let o = file(d, &url, "registrar", "signed.json", &signed, &["--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    let r3: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (r3["index"].as_u64(), r3["duplicate"].as_bool()),
        (Some(2), Some(false))
    );
    let o = file(d, &url, "registrar", "signed.json", &signed, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("already in the log"), "{out}");
    assert!(out.contains(r3["leaf_hash"].as_str().unwrap()), "{out}");

    // A key that is not the actor's: login refused (exit 1).
    let o = file(d, &url, "exporter-nl", "reg3.json", &reg, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("login_failed"),
        "{}",
        show(&o)
    );

    // Invalid input: no actor (exit 2), unknown member (exit 2).
    let o = file(d, &url, "ca-de", "noactor.json", &wrong, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    let mut bad = reg.clone();
    bad["colour"] = json!("blue");
    let o = file(d, &url, "registrar", "bad.json", &bad, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("colour"),
        "{}",
        show(&o)
    );

    // No server there: exit 3.
    let o = file(d, "http://127.0.0.1:9", "registrar", "reg4.json", &reg, &[]);
    assert_eq!(o.status.code(), Some(3), "{}", show(&o));

    // The whole log is exported for auditors only: without a key the exporter says so.
    let o = run(&[
        "export",
        "--server",
        &url,
        "--out",
        d.join("log.json").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("--key"),
        "{}",
        show(&o)
    );
    assert!(!d.join("log.json").exists());
    drop(server);
}

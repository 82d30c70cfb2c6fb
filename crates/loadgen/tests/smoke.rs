//! The load generator end to end, small: a server on a temporary SQLite database (in this
//! process), `wastetrail-loadgen` posting 60 pre-signed filings over 8 connections; every one
//! is accepted and the JSON report says so.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use wastetrail_server::{Application, Config};

#[test]
fn loadgen_files_everything_it_signed() {
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut config = Config::for_data_dir(dir.path().join("data"));
    config.listen = "127.0.0.1:0".into();
    config.rate_limit_per_minute = 600_000;
    config.rate_limit_burst = 100_000;
    config.workers = Some(2);
    let (port, handle) = rt.block_on(async {
        let app = Application::build(config).await.unwrap();
        let port = app.port();
        let handle = app.handle();
        tokio::spawn(app.run_until_stopped());
        (port, handle)
    });
    // No registrar key was configured: the server generated one into the data directory.
    let registrar = dir.path().join("data/registrar.pem");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wastetrail-loadgen"))
        .args([
            "--server",
            &format!("http://127.0.0.1:{port}"),
            "--registrar-key",
        ])
        .arg(&registrar)
        .args([
            "-n",
            "60",
            "-c",
            "8",
            "--verify-seconds",
            "0.05",
            "--verify-sample",
            "60",
            "--json",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(report["accepted"], 60, "{report:#}");
    assert_eq!(report["refused"], serde_json::json!({}));
    assert_eq!(report["receipts_checked"], 60);
    assert!(report["filings_per_second"].as_f64().unwrap() > 0.0);
    assert!(
        report["latency_ms"]["p99"].as_f64().unwrap()
            >= report["latency_ms"]["p50"].as_f64().unwrap()
    );
    assert!(
        report["ed25519_verify_per_second_1_thread"]
            .as_f64()
            .unwrap()
            > 0.0
    );
    rt.block_on(handle.stop(true));
}

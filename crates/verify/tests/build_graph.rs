//! The verifier cannot reach a database or the network by its build graph: no normal
//! (non-dev, non-build) dependency of `wastetrail-verify`, direct or transitive, is a database,
//! network, HTTP or async-runtime crate. Read from `cargo metadata`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

/// Crates an offline verifier must never link.
const FORBIDDEN: &[&str] = &[
    "sqlx",
    "sqlx-core",
    "libsqlite3-sys",
    "tokio-postgres",
    "postgres",
    "rusqlite",
    "actix-web",
    "actix-http",
    "reqwest",
    "hyper",
    "h2",
    "ureq",
    "tokio",
    "async-std",
    "mio",
    "socket2",
    "wastetrail-store",
    "wastetrail-server",
];

/// Names of every package reachable from `root` through normal dependencies.
fn normal_closure(meta: &Value, root: &str) -> BTreeSet<String> {
    let names: HashMap<&str, &str> = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p["name"].as_str().unwrap()))
        .collect();
    let nodes: HashMap<&str, &Value> = meta["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["id"].as_str().unwrap(), n))
        .collect();
    let start = names
        .iter()
        .find(|(_, n)| **n == root)
        .map(|(id, _)| *id)
        .unwrap();
    let mut seen = BTreeSet::new();
    let mut stack = vec![start];
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        for dep in nodes[id]["deps"].as_array().unwrap() {
            let normal = dep["dep_kinds"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| k["kind"].is_null());
            if normal {
                stack.push(dep["pkg"].as_str().unwrap());
            }
        }
    }
    seen.into_iter().map(|id| names[id].to_owned()).collect()
}

#[test]
fn the_verifier_links_no_database_network_or_async_runtime_crate() {
    // This machine's platform only (other platforms' crates need not be downloaded).
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let vv = std::process::Command::new(rustc)
        .arg("-vV")
        .output()
        .unwrap();
    let host = String::from_utf8(vv.stdout)
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_owned))
        .unwrap();
    let out = std::process::Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .args(["--filter-platform", &host])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: Value = serde_json::from_slice(&out.stdout).unwrap();
    let closure = normal_closure(&meta, "wastetrail-verify");
    assert!(closure.contains("wastetrail-ledger") && closure.contains("wastetrail-basel"));
    let bad: Vec<&String> = closure
        .iter()
        .filter(|n| FORBIDDEN.contains(&n.as_str()))
        .collect();
    assert!(bad.is_empty(), "wastetrail-verify links {bad:?}");
    // The check itself can fail: the server's closure holds what the verifier's must not.
    let server = normal_closure(&meta, "wastetrail-server");
    assert!(server.contains("sqlx") && server.contains("actix-web"));
}

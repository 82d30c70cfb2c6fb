//! `wastetrail`: the command-line tool of the wastetrail ledger, and the library behind it.
//!
//! **What it is.** A thin binary over the workspace libraries, with these commands:
//! - `check CASE.json`: replays one Basel Convention case file through the consent rules of
//!   `wastetrail-basel` and answers its question (`docs/case-file.md`); nothing is signed or
//!   sent;
//! - `serve`: runs the HTTP server of `wastetrail-server` (SQLite by default, PostgreSQL for
//!   several instances on one log);
//! - `demo`: creates a demo deployment (participant keys, configuration, cases filed through
//!   the real API) and serves it;
//! - `keygen`: writes an Ed25519 participant key as PKCS#8 PEM (mode 0600);
//! - `file`: the reference API client: fills in, signs and submits one statement, logging in
//!   with a signed challenge, and verifies the receipt against the log key;
//! - `export`: the whole log or one case as a verifiable bundle (`docs/export-bundle.md`).
//!
//! The library part ([`client`], [`filing`], [`keys`], [`export`], [`demo`]) is what the
//! commands are made of; the load generator `wastetrail-loadgen` uses the client.
//!
//! **What it is not.** It holds no rules of its own (every verdict comes from
//! `wastetrail-basel`), no log logic (that is `wastetrail-ledger` and `wastetrail-store`
//! behind the server) and never sends a private key anywhere: statements and login challenges
//! are signed locally.
//!
//! **Formats.** The case-file JSON format; statements and leaves as `wastetrail-ledger`
//! defines them (RFC 8785 canonical JSON, Ed25519); PKCS#8 PEM private keys; C2SP
//! tlog-checkpoint signed notes and RFC 9162 proofs (checked on every receipt); C2SP
//! tlog-tiles entry bundles (read by `export`); the export bundle `wastetrail-export/1`; RFC
//! 9457 problem details (server refusals).
//!
//! **Exit codes.** `check`: 0 may start / answered, 1 may not / refused statement, 2 invalid
//! file. `file`: 0 accepted, 1 refused, 2 invalid input, 3 server unreachable or failing,
//! 4 receipt does not verify. `export`: 0 written, 1 data does not verify, 2 invalid input,
//! 3 server unreachable or failing. `serve`, `demo`: 1 when they cannot start or fail.

pub mod audit;
mod case_file;
mod check;
pub mod cli;
pub mod client;
pub mod commands;
pub mod custody;
pub mod demo;
pub mod export;
pub mod filing;
pub mod keys;
mod render;
pub mod verify_cmd;

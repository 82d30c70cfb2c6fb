//! # wastetrail-verify
//!
//! The verification side of wastetrail, built around **one admission path**: the pure
//! function ([`admission::admit`]) that decides whether a signed statement enters the log —
//! the actor and its key in the registry, the Ed25519 signature, the key's validity window,
//! the case chain (`prev`), registry versus case statements, and the registry and Basel rules
//! of `wastetrail-basel`. The server calls it before appending, its replay of the log calls it
//! for every entry, and `wastetrail check` calls its decision half for case files: the server
//! admits exactly what a replay accepts, by construction.
//!
//! **What it is not (yet):** the offline verifier of whole logs, tiles mirrors and evidence
//! files (`wastetrail verify`) is built on this crate by a later change. It does no I/O and has
//! no database, network or async runtime in its build graph (a test reads `cargo metadata` to
//! keep it so): an auditor's verifier cannot reach either.
//!
//! **Formats:** statements, leaves and disclosures as `wastetrail-ledger` defines them
//! (`docs/ledger-format.md`); bodies as `wastetrail-basel` parses them.

pub mod admission;

pub use admission::{Admitted, Effect, Refusal, admit, authenticate, decide};

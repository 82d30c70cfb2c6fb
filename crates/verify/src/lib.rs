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
//! It also verifies a whole log read from a C2SP tlog-tiles mirror ([`log::verify`],
//! [`log::DirSource`]): the checkpoint with the trusted log key, every leaf, hash tile and the
//! root, every disclosure against its commitment, and the admission of every statement
//! replayed in order — at the full level where bodies are disclosed, signatures and chains
//! where they are not.
//!
//! **What it is not (yet):** witness quorums, consistency with a saved checkpoint, evidence
//! files and QR payloads, chain-of-custody reports and findings come with later changes. It does no I/O and has
//! no database, network or async runtime in its build graph (a test reads `cargo metadata` to
//! keep it so): an auditor's verifier cannot reach either.
//!
//! **Formats:** statements, leaves and disclosures as `wastetrail-ledger` defines them
//! (`docs/ledger-format.md`); bodies as `wastetrail-basel` parses them.

pub mod admission;
pub mod log;

pub use admission::{Admitted, Effect, Refusal, admit, authenticate, decide, key_info};
pub use log::{DirSource, Fault, Level, LogSource, Registrar, Report, Trust, verify};

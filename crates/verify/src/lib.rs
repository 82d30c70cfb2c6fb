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
//! It also verifies a whole log read through a [`LogSource`] ([`log::verify_with`]): a C2SP
//! tlog-tiles mirror ([`log::DirSource`]), a `log` export bundle held in memory
//! ([`proven::MemorySource`]) or a server (the HTTP source lives in the CLI): the checkpoint
//! with the trusted log key and witness quorum, consistency with a checkpoint saved earlier,
//! every leaf, hash tile and the root, every disclosure against its commitment, and the
//! admission of every statement replayed in order ([`replay`]) — at the full level where
//! bodies are disclosed, signatures and chains where they are not. Entries that carry their
//! own proofs — the evidence file of one shipment (`wastetrail-evidence/1`, each entry a C2SP
//! tlog-proof) and the case export bundle — are checked by [`proven::verify_proven`], which
//! also answers the border question for a movement. Reports carry findings (overdue
//! confirmations, illegal traffic, re-imports, consents about to lapse) and, for one case,
//! its chain of custody ([`CaseTrail`]).
//!
//! **What it is not:** it does no I/O (sources hand it bytes) and has no database, network or
//! async runtime in its build graph (a test reads `cargo metadata` to keep it so): an
//! auditor's verifier cannot reach either. It renders nothing: the CLI prints summaries and
//! writes the HTML report.
//!
//! **Formats:** statements, leaves and disclosures as `wastetrail-ledger` defines them
//! (`docs/ledger-format.md`); bodies as `wastetrail-basel` parses them.

pub mod admission;
pub mod log;
pub mod proven;
pub mod replay;

pub use admission::{
    Admitted, Effect, Refusal, admit, authenticate, decide, failed_rules, key_info,
    movement_verdict,
};
pub use log::{
    DirSource, Fault, Level, LogSource, Options, Registrar, Report, Trust, verify, verify_with,
};
pub use proven::{Evidence, ExportFile, MovementAnswer, ProvenEntry, verify_proven};
pub use replay::{CaseTrail, Finding, MovementVerdict, Signer, Step};

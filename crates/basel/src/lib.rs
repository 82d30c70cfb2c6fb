//! # wastetrail-basel
//!
//! The Basel Convention part of wastetrail: dated law data (code lists, country facts), typed
//! statement bodies, the registry of participants, the case state machine and the consent rules
//! with their citations.
//!
//! **What it is.** A pure library. [`apply`] decides whether a filing (a statement's type, case,
//! actor, time and JSON body) may change a case, and returns the new case or a [`Refusal`] that
//! names the rule (e.g. `BAN-02`), its legal citation (e.g. "Basel Art. 4(1)(c); Art. 6(3)(a)")
//! and one plain sentence. [`may_start`] says whether a shipment may start ([`Decision::MayStart`],
//! [`Decision::Blocked`] or [`Decision::Prohibited`], with every check made), following the
//! evaluation order of the project's reference (`basel-rules.md` §10). [`obligations`] lists what
//! is due (receipt and completion confirmations, re-import, illegal traffic, lapsing consents,
//! open transit windows). [`Registry`] is the projection of participant and key statements, with
//! its own authorization rules. The rule IDs, their citations and the tests that exercise them are
//! listed in `docs/basel-rules.md`.
//!
//! **What it is not.** No I/O: no files, no network, no database, no clock, no randomness; the
//! data files are embedded at build time and the time is always an argument. It does not check
//! signatures or hash chains (that is `wastetrail-ledger`), and it is not legal advice: items the
//! reference marks as unverified are settings in the data ([`facts::RuleSettings`]), not law in
//! code.
//!
//! **Data and formats it implements.**
//!
//! - Basel Convention code lists as dated data ([`codes::data_as_of`]): Annexes I, II, III,
//!   VIII and IX with dates of validity (the e-waste amendments of decision BC-15/18: A1181 and
//!   Y49 from 2025-01-01; A1180, B1110 and B4030 deleted), and Annex IV in its pre-COP-17
//!   version ([`codes::ANNEX_IV_VERSION`]).
//! - Annex V A (the notification, [`body::Notification`]) and Annex V B (the movement document,
//!   [`body::MovementDocument`]) as typed statement bodies; quantities are whole kilograms, there
//!   are no floats anywhere.
//! - Per-country Party status, Ban Amendment, Annex VII, OECD, EU, import bans, Art. 6(4) transit
//!   waivers and Art. 11 agreements as dated data with sources ([`facts::Facts`], identified by
//!   [`facts::Facts::data_version`]).
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod body;
pub mod case;
pub mod codes;
pub mod facts;
pub mod filing;
mod json;
pub mod registry;
pub mod rules;
pub mod verdict;

pub use body::{Body, ParticipantKind, StatementType};
pub use case::{Case, Phase};
pub use facts::{CountryCode, Facts};
pub use filing::Filing;

/// The case id of every registry statement (`participant.registered`, `key.added`,
/// `key.revoked`): the registry is one hash chain of its own, and no case may use this id.
pub const REGISTRY_CASE: &str = "registry";
pub use json::check_contact;
pub use registry::{Participant, Registry};
pub use rules::{Deadlines, apply, may_start, obligations, obligations_with};
pub use verdict::{
    Decision, FieldError, Obligation, ObligationKind, Outcome, Reason, Refusal, RuleId, Verdict,
};

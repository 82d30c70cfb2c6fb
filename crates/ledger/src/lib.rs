//! # wastetrail-ledger
//!
//! The pure data layer of wastetrail's signed, append-only log: the exact bytes of what is
//! signed and stored, and the algorithms that check them. Everything here is deterministic
//! and testable offline; the offline verifier depends on it.
//!
//! **What it is not:** it does no I/O (no files, no network, no clock except
//! [`statement::Timestamp::now`] and key generation's OS randomness), has no database, async
//! runtime or web framework (no sqlx, tokio or actix), and does not interpret statement
//! bodies (that is `wastetrail-basel`'s job). Storage lives in `wastetrail-store`.
//!
//! ## Formats implemented
//!
//! | module | format |
//! |---|---|
//! | [`jcs`] | RFC 8785 JSON Canonicalization Scheme (via `serde_json_canonicalizer` 0.4, chosen after checking RFC 8785's examples; see the module) with strict input parsing (duplicate keys rejected) |
//! | [`statement`] | the statement envelope `{"type","case","actor","key","issued_at","prev","commitment"}`, Ed25519 signing input `"wastetrail/statement/v2\n" ‖ JCS(statement)`, the leaf `JCS({"statement","sig","integrated_at"})`, the submission `{"statement","sig","disclosure"}` |
//! | [`disclosure`] | salted body commitments `SHA-256("wastetrail/body/v1\n" ‖ salt ‖ JCS(body))`, separately salted personal data (SD-JWT style) and its erasure |
//! | [`merkle`] | RFC 6962 / RFC 9162 §2.1 Merkle tree: hashes, roots, inclusion and consistency proofs, proofs from stored subtree hashes, compact ranges |
//! | [`tiles`] | c2sp.org/tlog-tiles: tile and entry-bundle paths and contents, height 8 |
//! | [`note`] | c2sp.org/signed-note with Go `sumdb/note` key strings (vkey / skey), PKCS#8 PEM private keys |
//! | [`checkpoint`] | c2sp.org/tlog-checkpoint |
//! | [`cosignature`] | c2sp.org/tlog-cosignature/v1 (timestamped Ed25519, signature type 0x04) |
//! | [`proof`] | c2sp.org/tlog-proof@v1 (one entry's inclusion proof with its checkpoint; wastetrail puts the leaf bytes in `extra`) |
//! | [`qr`] | the QR payload of a printed movement document `wt1:<index>:<size>:<leaf hash b64url>:<origin>` |
//! | [`witness`] | c2sp.org/tlog-witness `add-checkpoint` request format and decision |
//!
//! ## Key IDs
//!
//! * Participant key ID (statement `key`): `"ed25519:"` followed by the lowercase hex of the
//!   first 8 bytes of `SHA-256(public_key)`, where `public_key` is the 32-byte Ed25519 key;
//!   e.g. `ed25519:56475aa75463474c` for the key with seed `00 01 … 1f` (the
//!   worked example of `docs/ledger-format.md`) ([`statement::ParticipantKeyId`]).
//! * Note key ID (log keys, witness keys): the first 4 bytes, big-endian, of
//!   `SHA-256(name ‖ 0x0A ‖ type ‖ public_key)` with `type` 0x01 for Ed25519 note signatures
//!   and 0x04 for cosignatures ([`note::key_id`]); written as 8 lowercase hex digits in
//!   `name+hex8+base64(type ‖ key)` (vkey) and `PRIVATE+KEY+name+hex8+base64(type ‖ seed)`
//!   (skey).
//!
//! The byte-exact description, with a worked example checked by the tests, is
//! `docs/ledger-format.md`.
//!
//! ## Errors
//!
//! Every parser of untrusted bytes (JSON, statements, leaves, notes, checkpoints, key strings,
//! proofs, tile paths, witness requests) returns a typed error and never panics; sizes are
//! limited (constants `MAX_*` in each module). The crate denies `unwrap`, `expect`, `panic!`
//! and slice indexing outside tests.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod checkpoint;
pub mod cosignature;
pub mod disclosure;
pub mod jcs;
pub mod merkle;
pub mod note;
pub mod proof;
pub mod qr;
pub mod statement;
pub mod tiles;
pub mod witness;

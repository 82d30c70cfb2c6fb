//! Values returned by the store.

use wastetrail_ledger::checkpoint::Checkpoint;
use wastetrail_ledger::merkle::Hash;

/// One log entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Leaf index (position in the log, from 0).
    pub index: u64,
    /// RFC 6962 leaf hash, `SHA-256(0x00 || data)`.
    pub leaf_hash: Hash,
    /// The entry bytes, as appended.
    pub data: Vec<u8>,
}

/// A checkpoint as stored: the parsed checkpoint and the signed note text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedCheckpoint {
    /// The checkpoint (origin, tree size, root).
    pub checkpoint: Checkpoint,
    /// The signed note (checkpoint text, blank line, signature lines), as served.
    pub note: String,
}

/// The answer to a successful append: the entry is durably stored and included in
/// `checkpoint`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppendReceipt {
    /// Leaf index assigned to the entry.
    pub index: u64,
    /// Leaf hash of the entry.
    pub leaf_hash: Hash,
    /// The checkpoint signed for the batch that holds the entry (`index < size`).
    pub checkpoint: SignedCheckpoint,
}

/// An inclusion proof of one leaf in a tree of `tree_size` leaves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InclusionProof {
    /// Leaf index.
    pub index: u64,
    /// Tree size the proof is for.
    pub tree_size: u64,
    /// Leaf hash of the entry at `index`.
    pub leaf_hash: Hash,
    /// Audit path, leaf to root (RFC 9162 §2.1.3).
    pub hashes: Vec<Hash>,
}

/// An append with compare-and-swap preconditions and the projection rows that follow from it
/// (see [`crate::LedgerStore::append_with`]).
///
/// Projections are views of the log (participants, case heads, "this statement was already
/// filed") that the server keeps in the same database. Writing them in the same transaction
/// as the entry, guarded by preconditions checked inside that transaction, keeps several
/// server processes on one log consistent without a lock held across their rule checks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AppendRequest {
    /// The entry bytes (leaf), as for [`crate::LedgerStore::append`].
    pub entry: Vec<u8>,
    /// Every precondition must hold when the writer commits the entry, after the entries
    /// queued before it in the same batch.
    pub preconditions: Vec<Precondition>,
    /// Projection rows written (inserted or replaced) with the entry.
    pub writes: Vec<ProjectionWrite>,
    /// The disclosure of the entry's statement body (opaque bytes), stored beside the log in
    /// the same transaction; `None` for none.
    pub disclosure: Option<Vec<u8>>,
}

/// A stored disclosure: the bytes kept beside the log entry `index`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredDisclosure {
    /// Leaf index of the entry it belongs to.
    pub index: u64,
    /// The bytes (the server stores the disclosure's canonical JSON).
    pub data: Vec<u8>,
    /// When personal data was erased from it, if it was.
    pub erased_at: Option<String>,
}

/// A compare-and-swap precondition on one projection row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Precondition {
    /// Projection key, e.g. `case/XA-2025-0001`.
    pub key: String,
    /// The version the row must have; `None`: the row must not exist.
    pub expected_version: Option<String>,
}

/// A projection row written with an entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectionWrite {
    /// Projection key.
    pub key: String,
    /// The row's new version (the server uses the entry's leaf hash in hex).
    pub version: String,
    /// The row's value (the server stores JSON).
    pub value: Vec<u8>,
}

/// A projection row as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectionRow {
    /// Projection key.
    pub key: String,
    /// Version written last.
    pub version: String,
    /// Value written last.
    pub value: Vec<u8>,
    /// Index of the log entry that wrote the row last.
    pub index: u64,
}

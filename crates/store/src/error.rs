//! The error type of the store.

use std::sync::Arc;

use wastetrail_ledger::checkpoint::CheckpointError;
use wastetrail_ledger::merkle::ProofError;
use wastetrail_ledger::tiles::TilePathError;

/// Errors of [`crate::LedgerStore`] operations.
///
/// Mapping hints for a server: [`StoreError::QueueFull`] is back-pressure (HTTP 503 with
/// `Retry-After`); [`StoreError::EntryTooLarge`], [`StoreError::Proof`],
/// [`StoreError::BeyondTree`], [`StoreError::TileNotAvailable`] and
/// [`StoreError::LeafNotFound`] are client errors (4xx); everything else is a server error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// A precondition of [`crate::LedgerStore::append_with`] did not hold when the writer
    /// committed: nothing of that request was written (the rest of its batch was).
    #[error("projection {key} is at version {current_version:?}, not the expected one")]
    Conflict {
        /// The projection key whose precondition failed.
        key: String,
        /// Its version at commit time (`None`: no such row).
        current_version: Option<String>,
    },
    /// The append queue is full: the entry was NOT queued. Retry later.
    #[error("append queue is full ({capacity} entries waiting); retry later")]
    QueueFull {
        /// Configured queue capacity.
        capacity: usize,
    },
    /// The store was closed (or its writer task ended); nothing more can be appended.
    #[error("the store is closed")]
    Closed,
    /// The entry is larger than the configured limit.
    #[error("entry of {size} bytes exceeds the limit of {max} bytes")]
    EntryTooLarge {
        /// Size of the refused entry.
        size: usize,
        /// Configured limit.
        max: usize,
    },
    /// The database URL has neither a `sqlite:` nor a `postgres:`/`postgresql:` scheme.
    #[error("unsupported database URL scheme (expected sqlite: or postgres:): {scheme:?}")]
    UnsupportedUrl {
        /// The scheme found (text before the first `:`).
        scheme: String,
    },
    /// The configuration is invalid.
    #[error("invalid store configuration: {0}")]
    InvalidConfig(String),
    /// A proof or tree request is invalid (index or sizes out of range).
    #[error(transparent)]
    Proof(#[from] ProofError),
    /// A tree size larger than the current tree was requested.
    #[error("tree size {requested} is beyond the current tree size {current}")]
    BeyondTree {
        /// Requested tree size.
        requested: u64,
        /// Current tree size.
        current: u64,
    },
    /// No entry has this leaf hash (in the requested tree).
    #[error("no entry with leaf hash {leaf_hash_hex} in a tree of size {tree_size}")]
    LeafNotFound {
        /// The leaf hash, lowercase hex.
        leaf_hash_hex: String,
        /// The tree size searched.
        tree_size: u64,
    },
    /// The tile or entry bundle does not exist in the current tree (beyond the tree, or a
    /// partial tile whose full tile is already available).
    #[error("{path} is not available for tree size {tree_size}")]
    TileNotAvailable {
        /// The requested path.
        path: String,
        /// The current tree size.
        tree_size: u64,
    },
    /// A tile or entry-bundle path is not a canonical C2SP tlog-tiles path.
    #[error("invalid tile path: {0}")]
    TilePath(#[from] TilePathError),
    /// A checkpoint was refused by the compare-and-swap: it is older than, or inconsistent
    /// with, a checkpoint already stored, or not for the current tree.
    #[error("checkpoint refused: {reason}")]
    CheckpointConflict {
        /// Why.
        reason: String,
    },
    /// A checkpoint could not be built, parsed, signed or verified.
    #[error("checkpoint: {0}")]
    Checkpoint(#[from] CheckpointError),
    /// The database belongs to another log (different origin).
    #[error("the database holds log {stored:?}, but the store was opened for {configured:?}")]
    OriginMismatch {
        /// Origin stored in the database.
        stored: String,
        /// Origin of the configuration.
        configured: String,
    },
    /// The latest stored checkpoint does not verify with the configured log key.
    #[error("the latest stored checkpoint does not verify with the configured log key: {0}")]
    KeyMismatch(CheckpointError),
    /// The database holds data that contradicts the store's invariants.
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    /// Database error.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Applying the embedded migrations failed.
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The batch holding this append failed as a whole (shared by every entry of the batch);
    /// none of its entries was acknowledged. A failure while committing may still have
    /// stored the batch: only an `Ok` answer is a durability guarantee.
    #[error("append batch failed: {0}")]
    Batch(#[source] Arc<StoreError>),
}

impl StoreError {
    /// True for [`StoreError::QueueFull`] (back-pressure: retry later, e.g. HTTP 503).
    pub fn is_queue_full(&self) -> bool {
        matches!(self, StoreError::QueueFull { .. })
    }

    pub(crate) fn corrupt(msg: impl Into<String>) -> Self {
        StoreError::Corrupt(msg.into())
    }
}

/// Converts a stored `u64` quantity to the `i64` of SQL integers.
pub(crate) fn to_i64(v: u64) -> Result<i64, StoreError> {
    i64::try_from(v).map_err(|_| StoreError::Proof(ProofError::SizeOverflow))
}

/// Converts an SQL integer back to `u64`.
pub(crate) fn to_u64(v: i64) -> Result<u64, StoreError> {
    u64::try_from(v).map_err(|_| StoreError::corrupt(format!("negative stored integer {v}")))
}

/// Converts a stored blob to a hash.
pub(crate) fn to_hash(v: &[u8]) -> Result<wastetrail_ledger::merkle::Hash, StoreError> {
    <[u8; 32]>::try_from(v)
        .map_err(|_| StoreError::corrupt(format!("stored hash has {} bytes", v.len())))
}

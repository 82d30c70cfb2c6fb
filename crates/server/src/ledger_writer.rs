//! The one place where the server writes to the log.
//!
//! The server describes every append as an [`AppendRequest`]: the leaf bytes, the
//! compare-and-swap preconditions that must still hold when the entry is written (the
//! statement is new, the case head is the statement's `prev`, the actor's registry record is
//! the one the decision was made on), and the projection rows that follow from the entry.
//! [`LedgerWriter::append_with`] hands it to the store's single writer
//! (`LedgerStore::append_with`), which checks the preconditions against the projection rows
//! inside the batch's transaction and writes the entry and its rows together. No lock is
//! held while a filing is decided, and several server processes on one PostgreSQL log stay
//! consistent: of two filings decided on the same case head, exactly one is appended and the
//! other gets a [`WriteError::Conflict`] (the caller re-decides against the caught-up view).

use std::sync::Arc;

use wastetrail_store::{AppendReceipt, LedgerStore, Store, StoreError};
pub use wastetrail_store::{AppendRequest, Precondition, ProjectionWrite};

/// Why an append did not happen.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// A precondition failed; nothing was written.
    #[error("precondition on {key} failed (current version {current_version:?})")]
    Conflict {
        /// The key.
        key: String,
        /// Its current version.
        current_version: Option<String>,
    },
    /// The store failed.
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for WriteError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict {
                key,
                current_version,
            } => WriteError::Conflict {
                key,
                current_version,
            },
            other => WriteError::Store(other),
        }
    }
}

/// The log writer of the server.
pub struct LedgerWriter {
    store: Arc<Store>,
}

impl LedgerWriter {
    /// A writer over `store`.
    pub fn new(store: Arc<Store>) -> Self {
        LedgerWriter { store }
    }

    /// Appends `req.entry` and writes `req.writes` if every precondition holds when the
    /// store's writer commits it.
    pub async fn append_with(&self, req: AppendRequest) -> Result<AppendReceipt, WriteError> {
        Ok(self.store.append_with(req).await?)
    }
}

//! Store configuration.

use std::time::Duration;

use wastetrail_ledger::tiles::MAX_ENTRY_SIZE;

use crate::StoreError;

/// Configuration of a store. Build it with [`StoreConfig::new`] and adjust the public
/// fields; [`StoreConfig::validate`] is called by every `open`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct StoreConfig {
    /// Checkpoint origin, the log's name (first line of every checkpoint), e.g.
    /// `wastetrail.example.org/log`. A database is bound to the origin it was created with.
    pub origin: String,
    /// Largest number of entries committed in one transaction (group commit). Default 256.
    pub max_batch_size: usize,
    /// How long the writer waits for more entries after the first entry of a batch arrived.
    /// Default 2 ms; zero commits whatever is queued at once.
    pub max_batch_delay: Duration,
    /// Appends that may wait for the writer; when full, appends fail at once with
    /// [`StoreError::QueueFull`]. Default 4096.
    pub queue_capacity: usize,
    /// Largest entry accepted, in bytes. Default 65535, so that every entry fits into a
    /// C2SP entry bundle (16-bit length prefix).
    pub max_entry_bytes: usize,
    /// Size of the connection pool (readers plus the writer). Default 8.
    pub max_connections: u32,
    /// SQLite only: how long a statement waits for a lock held by another connection or
    /// process before failing. Default 5 s.
    pub busy_timeout: Duration,
}

impl StoreConfig {
    /// Defaults for the log named `origin`.
    pub fn new(origin: impl Into<String>) -> Self {
        Self {
            origin: origin.into(),
            max_batch_size: 256,
            max_batch_delay: Duration::from_millis(2),
            queue_capacity: 4096,
            max_entry_bytes: MAX_ENTRY_SIZE,
            max_connections: 8,
            busy_timeout: Duration::from_secs(5),
        }
    }

    /// Checks the values (the origin is checked by building a checkpoint with it).
    pub fn validate(&self) -> Result<(), StoreError> {
        if self.max_batch_size == 0 {
            return Err(StoreError::InvalidConfig(
                "max_batch_size must be at least 1".into(),
            ));
        }
        if self.queue_capacity == 0 {
            return Err(StoreError::InvalidConfig(
                "queue_capacity must be at least 1".into(),
            ));
        }
        if self.max_connections < 2 {
            return Err(StoreError::InvalidConfig(
                "max_connections must be at least 2 (the writer and one reader)".into(),
            ));
        }
        wastetrail_ledger::checkpoint::Checkpoint::new(
            self.origin.clone(),
            0,
            wastetrail_ledger::merkle::EMPTY_ROOT,
        )?;
        Ok(())
    }
}

//! # wastetrail-store
//!
//! Durable storage of the wastetrail Merkle log in SQLite (the embedded default) or
//! PostgreSQL (several server processes sharing one log), behind one trait,
//! [`LedgerStore`], with one implementation per backend ([`SqliteStore`],
//! [`PostgresStore`]) and [`Store`], the backend chosen from the database URL by [`open`].
//!
//! **What it is:** the single append path of the log (batched, durable, back-pressured),
//! the storage of leaves, tree hashes and signed checkpoints, and the read paths: entries by
//! index or leaf hash, inclusion and consistency proofs for any tree size up to the current
//! one, the latest checkpoint, C2SP tlog-tiles hash tiles and entry bundles as bytes.
//!
//! **What it is not:** it does not interpret entries (opaque bytes; the server builds them
//! from signed statements), check signatures or business rules, speak HTTP, or keep the log
//! key anywhere but in memory. The Merkle/tile/checkpoint formats are implemented by
//! `wastetrail-ledger`; this crate only stores and serves them.
//!
//! ## Formats
//! RFC 9162 (RFC 6962 hashing) Merkle tree, leaf hash `SHA-256(0x00 || entry)`; C2SP
//! tlog-checkpoint in a C2SP signed-note (Ed25519); C2SP tlog-tiles (tiles of height 8, entry
//! bundles `tile/entries/...`).
//!
//! ## Schema (`migrations/sqlite`, `migrations/postgres`: same versions and names)
//! * `log_state`: ONE row `(origin, size, root, right_edge)`; `right_edge` is the compact
//!   range (one hash per set bit of `size`). An append reads only this row and the
//!   `(size, root)` of the latest checkpoint (for the compare-and-swap), never the tree.
//! * `entries(idx, leaf_hash, data)`: the leaves (tree level 0), indexed by leaf hash.
//! * `tree_nodes(level, idx, hash)`: only the complete-subtree hashes at levels 8, 16, 24, …
//!   ("tile rows"). A tile `(L, N, W)` is the stored hashes of level `8L`, indices
//!   `[256N, 256N+W)`; any other node is recomputed from at most 128 stored hashes, so a
//!   proof costs one range query per tile row touched (O(log n) rows).
//! * `checkpoints(id, size, root, note)`: every signed checkpoint, in order.
//! * `disclosures(idx, data, erased_at)`: opaque bytes kept BESIDE entry `idx` (the server
//!   stores the statement body's disclosure there), written with the entry, never deleted,
//!   replaced only by [`LedgerStore::replace_disclosure`] (erasure of personal data).
//!
//! Triggers refuse `UPDATE`/`DELETE` (and `TRUNCATE` on PostgreSQL) on `entries`,
//! `tree_nodes` and `checkpoints`, refuse a checkpoint that is not for the current tree or is
//! older than a stored one, and only let `log_state` move forward to a size whose entries
//! exist.
//!
//! ## Single-writer invariant
//! [`LedgerStore::append`] is the ONLY write path of the log. Appends go into a bounded
//! queue read by one writer task per store; the writer commits them in batches (up to
//! [`StoreConfig::max_batch_size`] entries or [`StoreConfig::max_batch_delay`]). A batch's
//! entries, tile rows, new tree state and the checkpoint signed for it are written in ONE
//! transaction that holds the log's write lock (SQLite `BEGIN IMMEDIATE`; PostgreSQL
//! `SELECT ... FOR UPDATE` on `log_state`) and re-reads the tree state inside it, so several
//! stores (processes) on one database still produce one gap-free log. The writer only signs
//! a checkpoint when the latest stored checkpoint is for exactly the tree it extends
//! (compare-and-swap), so no checkpoint is ever signed for a smaller or inconsistent tree.
//!
//! ## Durability
//! An append is answered only after its batch's transaction committed durably: SQLite runs
//! in WAL mode with `synchronous=FULL` (the WAL is fsynced at commit); PostgreSQL sessions use
//! `synchronous_commit=on`. An `Ok` receipt therefore survives a crash or power loss of the
//! process; an `Err` does not prove the entry is absent (the commit may have completed).
//! When the queue is full, [`LedgerStore::append`] fails at once with
//! [`StoreError::QueueFull`] instead of waiting.
//!
//! ## Why runtime queries
//! SQL is written with `sqlx::query(...).bind(...)` rather than the checked `query!` macros:
//! those need a live database or an offline query cache at build time for each backend,
//! which the workspace does not keep; the conformance tests run every statement on both
//! backends instead. Migrations are embedded with `sqlx::migrate!`.

mod config;
mod core;
mod error;
mod postgres;
mod sqlite;
mod types;

use std::future::Future;

use wastetrail_ledger::merkle::Hash;
use wastetrail_ledger::note::NoteSigner;
use wastetrail_ledger::tiles::{EntryBundleId, TileId};

pub use config::StoreConfig;
pub use error::StoreError;
pub use types::{
    AppendReceipt, AppendRequest, Entry, InclusionProof, Precondition, ProjectionRow,
    ProjectionWrite, SignedCheckpoint, StoredDisclosure,
};

use crate::core::Core;

/// The embedded migrations, per backend (for tools that want to inspect or apply them).
pub mod migrations {
    pub use crate::postgres::MIGRATOR as POSTGRES;
    pub use crate::sqlite::MIGRATOR as SQLITE;
}

/// A wastetrail log in a database. Every method is safe to call concurrently.
pub trait LedgerStore: Send + Sync {
    /// The checkpoint origin (name) of the log.
    fn origin(&self) -> &str;

    /// Appends one entry (opaque bytes, at most [`StoreConfig::max_entry_bytes`]) and
    /// returns its index, leaf hash and the signed checkpoint of the batch that includes it.
    ///
    /// This is the ONLY write path of the log. The entry is queued for the store's single
    /// writer task, committed with its batch in one transaction, and the answer comes only
    /// after that commit is durable. Fails at once with [`StoreError::QueueFull`] when the
    /// queue is full (never blocks without bound), [`StoreError::EntryTooLarge`],
    /// [`StoreError::Closed`], or [`StoreError::Batch`] when the batch failed.
    fn append(
        &self,
        entry: Vec<u8>,
    ) -> impl Future<Output = Result<AppendReceipt, StoreError>> + Send;

    /// Appends one entry like [`LedgerStore::append`], guarded by compare-and-swap
    /// preconditions on projection rows, and writes the request's projection rows in the same
    /// transaction. This is the same single write path: the request is queued for the writer,
    /// which checks the preconditions inside the batch's transaction (after the requests
    /// queued before it), so two requests that expect the same version cannot both succeed,
    /// even from two processes sharing a PostgreSQL log.
    ///
    /// Fails with [`StoreError::Conflict`] (naming the key and its current version) when a
    /// precondition does not hold: then neither the entry nor any of its rows is written,
    /// and the rest of the batch is unaffected. Other errors as for `append`.
    fn append_with(
        &self,
        request: AppendRequest,
    ) -> impl Future<Output = Result<AppendReceipt, StoreError>> + Send;

    /// The projection row `key`, if any.
    fn projection(
        &self,
        key: &str,
    ) -> impl Future<Output = Result<Option<ProjectionRow>, StoreError>> + Send;

    /// Every projection row whose key starts with `prefix`, ordered by key. (A scan: meant
    /// for start-up and small prefixes.)
    fn projections_with_prefix(
        &self,
        prefix: &str,
    ) -> impl Future<Output = Result<Vec<ProjectionRow>, StoreError>> + Send;

    /// Number of entries in the committed tree.
    fn tree_size(&self) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// The entry at `index`, if the log has one.
    fn entry(&self, index: u64) -> impl Future<Output = Result<Option<Entry>, StoreError>> + Send;

    /// The first entry (lowest index) whose leaf hash is `leaf_hash`.
    fn entry_by_leaf_hash(
        &self,
        leaf_hash: &Hash,
    ) -> impl Future<Output = Result<Option<Entry>, StoreError>> + Send;

    /// Up to `limit` entries from `start` on, in order (fewer at the end of the log).
    fn entries(
        &self,
        start: u64,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<Entry>, StoreError>> + Send;

    /// Up to `limit` stored disclosures of entries from index `start` on, in order (entries
    /// without one are skipped).
    fn disclosures(
        &self,
        start: u64,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<StoredDisclosure>, StoreError>> + Send;

    /// Replaces the disclosure of entry `index` with `data` and records `erased_at`: the one
    /// change ever made beside the log, to erase personal data after its retention period.
    /// The caller must keep the disclosure matching the entry's commitment (the server
    /// removes only personal values). False when the entry has no disclosure.
    fn replace_disclosure(
        &self,
        index: u64,
        data: &[u8],
        erased_at: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Root of the tree of the first `tree_size` entries (`tree_size` up to the current size).
    fn root_at(&self, tree_size: u64) -> impl Future<Output = Result<Hash, StoreError>> + Send;

    /// Inclusion proof of the entry at `index` in the tree of size `tree_size`
    /// (`index < tree_size <=` current size).
    fn inclusion_proof(
        &self,
        index: u64,
        tree_size: u64,
    ) -> impl Future<Output = Result<InclusionProof, StoreError>> + Send;

    /// Inclusion proof of the first entry with leaf hash `leaf_hash` in the tree of size
    /// `tree_size`; [`StoreError::LeafNotFound`] if that tree has none.
    fn inclusion_proof_by_leaf_hash(
        &self,
        leaf_hash: &Hash,
        tree_size: u64,
    ) -> impl Future<Output = Result<InclusionProof, StoreError>> + Send;

    /// Consistency proof between the trees of sizes `m <= n <=` current size (RFC 9162
    /// §2.1.4).
    fn consistency_proof(
        &self,
        m: u64,
        n: u64,
    ) -> impl Future<Output = Result<Vec<Hash>, StoreError>> + Send;

    /// The latest stored checkpoint (an empty log has a signed checkpoint of size 0).
    fn latest_checkpoint(
        &self,
    ) -> impl Future<Output = Result<SignedCheckpoint, StoreError>> + Send;

    /// Stores another signed note of the CURRENT tree, e.g. the latest checkpoint with
    /// witness cosignatures added. Does not change the tree. The note must verify with the
    /// log key and pass the compare-and-swap rule (same origin, exactly the current tree
    /// size and root, not older than the latest stored checkpoint); otherwise
    /// [`StoreError::CheckpointConflict`] (or [`StoreError::Checkpoint`]).
    fn store_checkpoint(
        &self,
        note: &str,
    ) -> impl Future<Output = Result<SignedCheckpoint, StoreError>> + Send;

    /// The bytes of a hash tile of the current tree (full tiles, or the partial tile at the
    /// right edge); [`StoreError::TileNotAvailable`] for any other.
    fn tile(&self, tile: TileId) -> impl Future<Output = Result<Vec<u8>, StoreError>> + Send;

    /// The bytes of an entry bundle of the current tree (same availability rule as tiles).
    fn entry_bundle(
        &self,
        bundle: EntryBundleId,
    ) -> impl Future<Output = Result<Vec<u8>, StoreError>> + Send;

    /// A tile or entry bundle by its C2SP path (`tile/<L>/<N>[.p/<W>]` or
    /// `tile/entries/<N>[.p/<W>]`).
    fn read_tile_path(
        &self,
        path: &str,
    ) -> impl Future<Output = Result<Vec<u8>, StoreError>> + Send;

    /// Stops accepting appends, commits what is queued, answers those callers, stops the
    /// writer and closes the connections. Later appends fail with [`StoreError::Closed`].
    fn close(&self) -> impl Future<Output = ()> + Send;
}

/// Implements [`LedgerStore`] for a backend store by forwarding to its `core`, with a
/// tracing span per call.
macro_rules! forward_ledger_store {
    ($store:ty, $backend:literal) => {
        impl LedgerStore for $store {
            fn origin(&self) -> &str {
                &self.core.config().origin
            }
            #[tracing::instrument(level = "debug", name = "store.append", skip_all, fields(backend = $backend, bytes = entry.len()))]
            async fn append(&self, entry: Vec<u8>) -> Result<AppendReceipt, StoreError> {
                self.core.append(entry).await
            }
            #[tracing::instrument(level = "debug", name = "store.append_with", skip_all, fields(backend = $backend, bytes = request.entry.len()))]
            async fn append_with(&self, request: AppendRequest) -> Result<AppendReceipt, StoreError> {
                self.core.append_with(request).await
            }
            #[tracing::instrument(level = "trace", name = "store.projection", skip(self), fields(backend = $backend))]
            async fn projection(&self, key: &str) -> Result<Option<ProjectionRow>, StoreError> {
                self.core.projection(key).await
            }
            #[tracing::instrument(level = "debug", name = "store.projections_with_prefix", skip(self), fields(backend = $backend))]
            async fn projections_with_prefix(&self, prefix: &str) -> Result<Vec<ProjectionRow>, StoreError> {
                self.core.projections_with_prefix(prefix).await
            }
            #[tracing::instrument(level = "trace", name = "store.tree_size", skip_all, fields(backend = $backend))]
            async fn tree_size(&self) -> Result<u64, StoreError> {
                self.core.tree_size().await
            }
            #[tracing::instrument(level = "debug", name = "store.entry", skip(self), fields(backend = $backend))]
            async fn entry(&self, index: u64) -> Result<Option<Entry>, StoreError> {
                self.core.entry(index).await
            }
            #[tracing::instrument(level = "debug", name = "store.entry_by_leaf_hash", skip_all, fields(backend = $backend))]
            async fn entry_by_leaf_hash(&self, leaf_hash: &Hash) -> Result<Option<Entry>, StoreError> {
                self.core.entry_by_leaf_hash(leaf_hash).await
            }
            #[tracing::instrument(level = "debug", name = "store.entries", skip(self), fields(backend = $backend))]
            async fn entries(&self, start: u64, limit: u32) -> Result<Vec<Entry>, StoreError> {
                self.core.entries(start, limit).await
            }
            #[tracing::instrument(level = "debug", name = "store.disclosures", skip(self), fields(backend = $backend))]
            async fn disclosures(&self, start: u64, limit: u32) -> Result<Vec<StoredDisclosure>, StoreError> {
                self.core.disclosures(start, limit).await
            }
            #[tracing::instrument(level = "info", name = "store.replace_disclosure", skip(self, data), fields(backend = $backend))]
            async fn replace_disclosure(&self, index: u64, data: &[u8], erased_at: &str) -> Result<bool, StoreError> {
                self.core.replace_disclosure(index, data, erased_at).await
            }
            #[tracing::instrument(level = "debug", name = "store.root_at", skip(self), fields(backend = $backend))]
            async fn root_at(&self, tree_size: u64) -> Result<Hash, StoreError> {
                self.core.root_at(tree_size).await
            }
            #[tracing::instrument(level = "debug", name = "store.inclusion_proof", skip(self), fields(backend = $backend))]
            async fn inclusion_proof(&self, index: u64, tree_size: u64) -> Result<InclusionProof, StoreError> {
                self.core.inclusion_proof(index, tree_size).await
            }
            #[tracing::instrument(level = "debug", name = "store.inclusion_proof_by_leaf_hash", skip(self, leaf_hash), fields(backend = $backend))]
            async fn inclusion_proof_by_leaf_hash(
                &self,
                leaf_hash: &Hash,
                tree_size: u64,
            ) -> Result<InclusionProof, StoreError> {
                self.core.inclusion_proof_by_leaf_hash(leaf_hash, tree_size).await
            }
            #[tracing::instrument(level = "debug", name = "store.consistency_proof", skip(self), fields(backend = $backend))]
            async fn consistency_proof(&self, m: u64, n: u64) -> Result<Vec<Hash>, StoreError> {
                self.core.consistency_proof(m, n).await
            }
            #[tracing::instrument(level = "debug", name = "store.latest_checkpoint", skip_all, fields(backend = $backend))]
            async fn latest_checkpoint(&self) -> Result<SignedCheckpoint, StoreError> {
                self.core.latest_checkpoint().await
            }
            #[tracing::instrument(level = "debug", name = "store.store_checkpoint", skip_all, fields(backend = $backend))]
            async fn store_checkpoint(&self, note: &str) -> Result<SignedCheckpoint, StoreError> {
                self.core.store_checkpoint(note).await
            }
            #[tracing::instrument(level = "debug", name = "store.tile", skip(self), fields(backend = $backend))]
            async fn tile(&self, tile: TileId) -> Result<Vec<u8>, StoreError> {
                self.core.tile(tile).await
            }
            #[tracing::instrument(level = "debug", name = "store.entry_bundle", skip(self), fields(backend = $backend))]
            async fn entry_bundle(&self, bundle: EntryBundleId) -> Result<Vec<u8>, StoreError> {
                self.core.entry_bundle(bundle).await
            }
            #[tracing::instrument(level = "debug", name = "store.read_tile_path", skip(self), fields(backend = $backend))]
            async fn read_tile_path(&self, path: &str) -> Result<Vec<u8>, StoreError> {
                self.core.read_tile_path(path).await
            }
            #[tracing::instrument(level = "debug", name = "store.close", skip_all, fields(backend = $backend))]
            async fn close(&self) {
                self.core.close().await
            }
        }
    };
}

/// The log in an SQLite database file (WAL, `synchronous=FULL`).
pub struct SqliteStore {
    core: Core<sqlite::SqliteBackend>,
}

impl SqliteStore {
    /// Opens (creating if missing) the log at `url` (`sqlite:path/to/log.db`), applies the
    /// migrations, signs a size-0 checkpoint for a new log, checks that the database belongs
    /// to `config.origin` and that its latest checkpoint verifies with `signer`'s key, and
    /// starts the writer task. Needs a running Tokio runtime.
    pub async fn open(
        url: &str,
        signer: NoteSigner,
        config: StoreConfig,
    ) -> Result<Self, StoreError> {
        config.validate()?;
        let backend = sqlite::SqliteBackend::connect(url, &config).await?;
        Ok(Self {
            core: Core::start(backend, signer, config).await?,
        })
    }
}

forward_ledger_store!(SqliteStore, "sqlite");

/// The log in a PostgreSQL database; several processes may open the same log.
pub struct PostgresStore {
    core: Core<postgres::PostgresBackend>,
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user@host/db`), applies the migrations, signs a size-0
    /// checkpoint for a new log, checks that the database belongs to `config.origin` and that
    /// its latest checkpoint verifies with `signer`'s key, and starts the writer task.
    pub async fn open(
        url: &str,
        signer: NoteSigner,
        config: StoreConfig,
    ) -> Result<Self, StoreError> {
        config.validate()?;
        let backend = postgres::PostgresBackend::connect(url, &config).await?;
        Ok(Self {
            core: Core::start(backend, signer, config).await?,
        })
    }
}

forward_ledger_store!(PostgresStore, "postgres");

/// The backend of a database URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BackendKind {
    /// `sqlite:...`
    Sqlite,
    /// `postgres:...` or `postgresql:...`
    Postgres,
}

impl BackendKind {
    /// The backend named by the URL scheme.
    pub fn from_url(url: &str) -> Result<Self, StoreError> {
        let scheme = url.split_once(':').map(|(s, _)| s).unwrap_or("");
        match scheme.to_ascii_lowercase().as_str() {
            "sqlite" => Ok(BackendKind::Sqlite),
            "postgres" | "postgresql" => Ok(BackendKind::Postgres),
            _ => Err(StoreError::UnsupportedUrl {
                scheme: scheme.to_owned(),
            }),
        }
    }
}

/// A store whose backend was chosen from the database URL; see [`open`].
#[non_exhaustive]
pub enum Store {
    /// SQLite.
    Sqlite(SqliteStore),
    /// PostgreSQL.
    Postgres(PostgresStore),
}

/// Opens the log at `url`, choosing the backend from the URL scheme (`sqlite:` or
/// `postgres:`/`postgresql:`). See [`SqliteStore::open`] and [`PostgresStore::open`].
pub async fn open(url: &str, signer: NoteSigner, config: StoreConfig) -> Result<Store, StoreError> {
    match BackendKind::from_url(url)? {
        BackendKind::Sqlite => Ok(Store::Sqlite(SqliteStore::open(url, signer, config).await?)),
        BackendKind::Postgres => Ok(Store::Postgres(
            PostgresStore::open(url, signer, config).await?,
        )),
    }
}

impl Store {
    /// Which backend this store uses.
    pub fn kind(&self) -> BackendKind {
        match self {
            Store::Sqlite(_) => BackendKind::Sqlite,
            Store::Postgres(_) => BackendKind::Postgres,
        }
    }
}

/// Forwards a call to the backend store.
macro_rules! dispatch {
    ($self:ident, $s:ident => $call:expr) => {
        match $self {
            Store::Sqlite($s) => $call,
            Store::Postgres($s) => $call,
        }
    };
}

impl LedgerStore for Store {
    fn origin(&self) -> &str {
        dispatch!(self, s => s.origin())
    }
    async fn append(&self, entry: Vec<u8>) -> Result<AppendReceipt, StoreError> {
        dispatch!(self, s => s.append(entry).await)
    }
    async fn append_with(&self, request: AppendRequest) -> Result<AppendReceipt, StoreError> {
        dispatch!(self, s => s.append_with(request).await)
    }
    async fn projection(&self, key: &str) -> Result<Option<ProjectionRow>, StoreError> {
        dispatch!(self, s => s.projection(key).await)
    }
    async fn projections_with_prefix(
        &self,
        prefix: &str,
    ) -> Result<Vec<ProjectionRow>, StoreError> {
        dispatch!(self, s => s.projections_with_prefix(prefix).await)
    }
    async fn tree_size(&self) -> Result<u64, StoreError> {
        dispatch!(self, s => s.tree_size().await)
    }
    async fn entry(&self, index: u64) -> Result<Option<Entry>, StoreError> {
        dispatch!(self, s => s.entry(index).await)
    }
    async fn entry_by_leaf_hash(&self, leaf_hash: &Hash) -> Result<Option<Entry>, StoreError> {
        dispatch!(self, s => s.entry_by_leaf_hash(leaf_hash).await)
    }
    async fn entries(&self, start: u64, limit: u32) -> Result<Vec<Entry>, StoreError> {
        dispatch!(self, s => s.entries(start, limit).await)
    }
    async fn disclosures(
        &self,
        start: u64,
        limit: u32,
    ) -> Result<Vec<StoredDisclosure>, StoreError> {
        dispatch!(self, s => s.disclosures(start, limit).await)
    }
    async fn replace_disclosure(
        &self,
        index: u64,
        data: &[u8],
        erased_at: &str,
    ) -> Result<bool, StoreError> {
        dispatch!(self, s => s.replace_disclosure(index, data, erased_at).await)
    }
    async fn root_at(&self, tree_size: u64) -> Result<Hash, StoreError> {
        dispatch!(self, s => s.root_at(tree_size).await)
    }
    async fn inclusion_proof(
        &self,
        index: u64,
        tree_size: u64,
    ) -> Result<InclusionProof, StoreError> {
        dispatch!(self, s => s.inclusion_proof(index, tree_size).await)
    }
    async fn inclusion_proof_by_leaf_hash(
        &self,
        leaf_hash: &Hash,
        tree_size: u64,
    ) -> Result<InclusionProof, StoreError> {
        dispatch!(self, s => s.inclusion_proof_by_leaf_hash(leaf_hash, tree_size).await)
    }
    async fn consistency_proof(&self, m: u64, n: u64) -> Result<Vec<Hash>, StoreError> {
        dispatch!(self, s => s.consistency_proof(m, n).await)
    }
    async fn latest_checkpoint(&self) -> Result<SignedCheckpoint, StoreError> {
        dispatch!(self, s => s.latest_checkpoint().await)
    }
    async fn store_checkpoint(&self, note: &str) -> Result<SignedCheckpoint, StoreError> {
        dispatch!(self, s => s.store_checkpoint(note).await)
    }
    async fn tile(&self, tile: TileId) -> Result<Vec<u8>, StoreError> {
        dispatch!(self, s => s.tile(tile).await)
    }
    async fn entry_bundle(&self, bundle: EntryBundleId) -> Result<Vec<u8>, StoreError> {
        dispatch!(self, s => s.entry_bundle(bundle).await)
    }
    async fn read_tile_path(&self, path: &str) -> Result<Vec<u8>, StoreError> {
        dispatch!(self, s => s.read_tile_path(path).await)
    }
    async fn close(&self) {
        dispatch!(self, s => s.close().await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_from_url_scheme() {
        assert_eq!(
            BackendKind::from_url("sqlite:log.db").unwrap(),
            BackendKind::Sqlite
        );
        assert_eq!(
            BackendKind::from_url("sqlite::memory:").unwrap(),
            BackendKind::Sqlite
        );
        assert_eq!(
            BackendKind::from_url("postgres://u@h/db").unwrap(),
            BackendKind::Postgres
        );
        assert_eq!(
            BackendKind::from_url("PostgreSQL://u@h/db").unwrap(),
            BackendKind::Postgres
        );
        for bad in ["mysql://h/db", "log.db", "", "file:log.db"] {
            assert!(
                matches!(
                    BackendKind::from_url(bad),
                    Err(StoreError::UnsupportedUrl { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn config_is_validated() {
        assert!(StoreConfig::new("ok.test/log").validate().is_ok());
        assert!(StoreConfig::new("").validate().is_err());
        assert!(StoreConfig::new("bad\norigin").validate().is_err());
        let mut c = StoreConfig::new("ok.test/log");
        c.max_batch_size = 0;
        assert!(matches!(c.validate(), Err(StoreError::InvalidConfig(_))));
        let mut c = StoreConfig::new("ok.test/log");
        c.queue_capacity = 0;
        assert!(matches!(c.validate(), Err(StoreError::InvalidConfig(_))));
        let mut c = StoreConfig::new("ok.test/log");
        c.max_connections = 1;
        assert!(matches!(c.validate(), Err(StoreError::InvalidConfig(_))));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn in_memory_sqlite_log_works() {
        let (signer, _) = NoteSigner::generate("mem.test/log");
        let verifier = signer.verifier();
        let store = open("sqlite::memory:", signer, StoreConfig::new("mem.test/log"))
            .await
            .unwrap();
        let mut receipts = Vec::new();
        for i in 0..3u8 {
            receipts.push(store.append(vec![i; 10]).await.unwrap());
        }
        assert_eq!(
            receipts.iter().map(|r| r.index).collect::<Vec<_>>(),
            [0, 1, 2]
        );
        let cp = store.latest_checkpoint().await.unwrap();
        wastetrail_ledger::checkpoint::Checkpoint::open(cp.note.as_bytes(), &verifier).unwrap();
        let p = store.inclusion_proof(1, 3).await.unwrap();
        wastetrail_ledger::merkle::verify_inclusion(
            &p.leaf_hash,
            1,
            3,
            &p.hashes,
            &cp.checkpoint.root,
        )
        .unwrap();
        store.close().await;
    }

    #[tokio::test]
    async fn open_rejects_unknown_scheme_and_bad_config() {
        let (signer, _) = NoteSigner::generate("x.test/log");
        assert!(matches!(
            open(
                "mysql://h/db",
                signer.clone(),
                StoreConfig::new("x.test/log")
            )
            .await,
            Err(StoreError::UnsupportedUrl { .. })
        ));
        assert!(matches!(
            open("sqlite::memory:", signer, StoreConfig::new("")).await,
            Err(StoreError::Checkpoint(_))
        ));
    }
}

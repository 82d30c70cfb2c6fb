//! The backend-independent half of the store: the single writer task (group commit), batch
//! planning (compact range, tile rows, checkpoint signing and compare-and-swap checks) and the
//! read paths (proofs and tiles from stored tile rows). A [`Backend`] only runs SQL.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tracing::Instrument as _;
use wastetrail_ledger::checkpoint::Checkpoint;
use wastetrail_ledger::merkle::{
    self, CompactRange, Hash, HashReader, NodeId, StoredProofError, leaf_hash,
};
use wastetrail_ledger::note::{NoteSigner, NoteVerifier};
use wastetrail_ledger::tiles::{self, EntryBundleId, TILE_HEIGHT, TILE_WIDTH, TileId};

use crate::error::to_hash;
use crate::{
    AppendReceipt, Entry, InclusionProof, Precondition, ProjectionRow, ProjectionWrite,
    SignedCheckpoint, StoreConfig, StoreError, StoredDisclosure,
};

/// The tree state kept in the single `log_state` row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LogState {
    pub(crate) range: CompactRange,
    pub(crate) root: Hash,
}

impl LogState {
    /// Parses and checks the stored columns: the right edge must match the size and hash to
    /// the stored root.
    pub(crate) fn from_columns(
        size: u64,
        root: &[u8],
        right_edge: &[u8],
    ) -> Result<Self, StoreError> {
        if !right_edge.len().is_multiple_of(32) {
            return Err(StoreError::corrupt(
                "log_state.right_edge is not a list of hashes",
            ));
        }
        let edge = right_edge
            .chunks_exact(32)
            .map(to_hash)
            .collect::<Result<Vec<_>, _>>()?;
        let range = CompactRange::from_parts(size, edge)
            .map_err(|e| StoreError::corrupt(format!("log_state right edge: {e}")))?;
        let root = to_hash(root)?;
        if range.root() != root {
            return Err(StoreError::corrupt(
                "log_state root does not match its right edge",
            ));
        }
        Ok(Self { range, root })
    }

    /// Size of the tree.
    pub(crate) fn size(&self) -> u64 {
        self.range.size()
    }

    /// The right edge as stored (hashes concatenated).
    pub(crate) fn right_edge_bytes(&self) -> Vec<u8> {
        self.range.right_edge().concat()
    }
}

/// The latest stored checkpoint's size and root, as read by the writer.
pub(crate) type LatestCheckpoint = Option<(u64, Hash)>;

/// Everything one batch writes, computed from the state read inside the transaction.
pub(crate) struct BatchPlan {
    /// Index of the first entry of the batch.
    pub(crate) first_index: u64,
    /// Complete subtrees at levels 8, 16, 24, ... completed by the batch (tile rows).
    pub(crate) nodes: Vec<(NodeId, Hash)>,
    /// The state after the batch.
    pub(crate) state: LogState,
    /// The checkpoint for the state after the batch, signed.
    pub(crate) checkpoint: SignedCheckpoint,
}

/// Checks that the latest stored checkpoint is for exactly the tree in `state` (the
/// single-writer invariant: every committed state has its checkpoint). Anything else means
/// the database was changed behind the store's back; the writer then refuses to sign.
pub(crate) fn check_latest_matches(
    latest: LatestCheckpoint,
    state: &LogState,
) -> Result<(), StoreError> {
    match latest {
        None => Ok(()),
        Some((size, root)) if size == state.size() && root == state.root => Ok(()),
        Some((size, _)) => Err(StoreError::CheckpointConflict {
            reason: format!(
                "the latest stored checkpoint (size {size}) is not for the stored tree (size {}); \
                 refusing to sign a new one",
                state.size()
            ),
        }),
    }
}

/// The compare-and-swap rule for storing a checkpoint that was signed outside a batch (the
/// first checkpoint of an empty log, or a cosigned copy of the latest one): it must be for
/// exactly the stored tree, and not older than the latest stored checkpoint.
pub(crate) fn check_checkpoint_cas(
    checkpoint: &Checkpoint,
    state: &LogState,
    latest: LatestCheckpoint,
) -> Result<(), StoreError> {
    let refuse = |reason: String| Err(StoreError::CheckpointConflict { reason });
    if let Some((latest_size, latest_root)) = latest {
        if checkpoint.size < latest_size {
            return refuse(format!(
                "size {} is older than the stored checkpoint of size {latest_size}",
                checkpoint.size
            ));
        }
        if checkpoint.size == latest_size && checkpoint.root != latest_root {
            return refuse(format!(
                "root differs from the stored checkpoint of the same size {latest_size}"
            ));
        }
    }
    if checkpoint.size != state.size() {
        return refuse(format!(
            "size {} is not the current tree size {}",
            checkpoint.size,
            state.size()
        ));
    }
    if checkpoint.root != state.root {
        return refuse(format!(
            "root is not the root of the stored tree of size {}",
            state.size()
        ));
    }
    Ok(())
}

/// Plans a batch: assigns indices, extends the compact range, collects the tile rows and
/// signs the checkpoint of the new tree. Pure: the caller writes the result.
pub(crate) fn plan_batch(
    mut state: LogState,
    latest: LatestCheckpoint,
    leaf_hashes: &[Hash],
    signer: &NoteSigner,
    origin: &str,
) -> Result<BatchPlan, StoreError> {
    check_latest_matches(latest, &state)?;
    let first_index = state.size();
    let mut nodes = Vec::new();
    for h in leaf_hashes {
        for (id, hash) in state.range.try_append(*h)? {
            if id.level > 0 && id.level.is_multiple_of(TILE_HEIGHT) {
                nodes.push((id, hash));
            }
        }
    }
    state.root = state.range.root();
    let checkpoint = sign_checkpoint(origin, state.size(), state.root, signer)?;
    Ok(BatchPlan {
        first_index,
        nodes,
        state,
        checkpoint,
    })
}

/// Builds and signs the checkpoint of a tree.
pub(crate) fn sign_checkpoint(
    origin: &str,
    size: u64,
    root: Hash,
    signer: &NoteSigner,
) -> Result<SignedCheckpoint, StoreError> {
    let checkpoint = Checkpoint::new(origin, size, root)?;
    let note = checkpoint.sign(signer)?;
    Ok(SignedCheckpoint { checkpoint, note })
}

/// SQL half of a store. Every method is one short query or one transaction.
pub(crate) trait Backend: Send + Sync + 'static {
    /// Size and root of the committed tree (the `log_state` row).
    fn tree_head(&self) -> impl Future<Output = Result<(u64, Hash), StoreError>> + Send;

    /// Commits one batch in ONE transaction that holds the log's write lock (SQLite `BEGIN
    /// IMMEDIATE`, PostgreSQL `SELECT ... FOR UPDATE` on `log_state`): re-reads the state
    /// and the latest checkpoint, calls [`plan_batch`], inserts entries, tile rows, the new
    /// state and the signed checkpoint, and commits. Returns after the commit is durable.
    ///
    /// Before planning, it reads the versions of every projection key named by a
    /// precondition ([`precondition_keys`]), decides with [`admit`] which requests are
    /// written, and writes only those, with their [`projection_rows`]. When no request is
    /// admitted it writes nothing.
    fn commit_batch<'a>(
        &'a self,
        pending: &'a [Pending],
        signer: &'a NoteSigner,
        origin: &'a str,
    ) -> impl Future<Output = Result<BatchOutcome, StoreError>> + Send + 'a;

    /// The projection row `key`.
    fn projection<'a>(
        &'a self,
        key: &'a str,
    ) -> impl Future<Output = Result<Option<ProjectionRow>, StoreError>> + Send + 'a;

    /// Every projection row whose key starts with `prefix`, ordered by key.
    fn projections_with_prefix<'a>(
        &'a self,
        prefix: &'a str,
    ) -> impl Future<Output = Result<Vec<ProjectionRow>, StoreError>> + Send + 'a;

    /// Stores a checkpoint (already verified with the log key) with the compare-and-swap
    /// rule, under the log's write lock: it must be for the current tree and not older than
    /// the latest stored checkpoint.
    fn insert_checkpoint<'a>(
        &'a self,
        checkpoint: &'a SignedCheckpoint,
    ) -> impl Future<Output = Result<(), StoreError>> + Send + 'a;

    /// The note of the latest stored checkpoint.
    fn latest_checkpoint_note(
        &self,
    ) -> impl Future<Output = Result<Option<String>, StoreError>> + Send;

    /// Entries with indices in `[start, end)`, in order.
    fn entries(
        &self,
        start: u64,
        end: u64,
    ) -> impl Future<Output = Result<Vec<Entry>, StoreError>> + Send;

    /// The lowest index below `below` whose leaf hash is `leaf_hash`.
    fn index_of_leaf_hash<'a>(
        &'a self,
        leaf_hash: &'a Hash,
        below: u64,
    ) -> impl Future<Output = Result<Option<u64>, StoreError>> + Send + 'a;

    /// Stored hashes of tree level `level` (0 = leaf hashes, else a multiple of 8) with
    /// indices in `[start, end)`, in order. Fewer rows than asked is an error.
    fn stored_hashes(
        &self,
        level: u8,
        start: u64,
        end: u64,
    ) -> impl Future<Output = Result<Vec<Hash>, StoreError>> + Send;

    /// Several [`Backend::stored_hashes`] runs `(level, start, end)` in ONE query; one
    /// result per run, same order.
    fn stored_hash_ranges<'a>(
        &'a self,
        ranges: &'a [(u8, u64, u64)],
    ) -> impl Future<Output = Result<Vec<Vec<Hash>>, StoreError>> + Send + 'a;

    /// Disclosures of entries with indices in `[start, end)`, in order.
    fn disclosures(
        &self,
        start: u64,
        end: u64,
    ) -> impl Future<Output = Result<Vec<StoredDisclosure>, StoreError>> + Send;

    /// Replaces the disclosure of entry `index` (erasure of personal data), recording
    /// `erased_at`. False when the entry has no disclosure.
    fn replace_disclosure<'a>(
        &'a self,
        index: u64,
        data: &'a [u8],
        erased_at: &'a str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send + 'a;

    /// Closes the connection pool.
    fn close(&self) -> impl Future<Output = ()> + Send;
}

/// The disclosures an admitted batch writes: `(index, bytes)`.
pub(crate) fn disclosure_rows<'a>(
    pending: &'a [Pending],
    admissions: &[Result<u64, StoreError>],
    first_index: u64,
) -> Vec<(u64, &'a [u8])> {
    pending
        .iter()
        .zip(admissions)
        .filter_map(|(p, a)| {
            let pos = a.as_ref().ok()?;
            Some((first_index + pos, p.disclosure.as_deref()?))
        })
        .collect()
}

/// Checks that rows `(idx, hash)` read for `[start, end)` are exactly that range.
pub(crate) fn contiguous_hashes(
    rows: Vec<(i64, Vec<u8>)>,
    level: u8,
    start: u64,
    end: u64,
) -> Result<Vec<Hash>, StoreError> {
    let mut out = Vec::with_capacity(rows.len());
    for (expected, (idx, hash)) in (start..end).zip(rows.iter()) {
        if u64::try_from(*idx).ok() != Some(expected) {
            return Err(StoreError::corrupt(format!(
                "missing stored hash at level {level}, index {expected}"
            )));
        }
        out.push(to_hash(hash)?);
    }
    if out.len() as u64 != end - start {
        return Err(StoreError::corrupt(format!(
            "missing stored hashes at level {level} in [{start}, {end}): found {}",
            out.len()
        )));
    }
    Ok(out)
}

/// Splits the rows of a multi-run query — one row `(run, count, concatenated hashes)` per
/// run `(level, start, end)` — into hashes, checking that each run is complete (the indices
/// are unique and bounded by the run, so a full count means no gaps).
pub(crate) fn split_runs(
    rows: Vec<(i64, i64, Option<Vec<u8>>)>,
    ranges: &[(u8, u64, u64)],
) -> Result<Vec<Vec<Hash>>, StoreError> {
    if rows.len() != ranges.len() {
        return Err(StoreError::corrupt(
            "stored hash query returned the wrong number of runs",
        ));
    }
    let mut out = Vec::with_capacity(ranges.len());
    for (i, ((run, count, bytes), &(level, start, end))) in rows.into_iter().zip(ranges).enumerate()
    {
        let bytes = bytes.unwrap_or_default();
        let want = end - start;
        if usize::try_from(run).ok() != Some(i)
            || u64::try_from(count).ok() != Some(want)
            || bytes.len() as u64 != want * 32
        {
            return Err(StoreError::corrupt(format!(
                "missing stored hashes at level {level} in [{start}, {end}): found {count}"
            )));
        }
        out.push(
            bytes
                .chunks_exact(32)
                .map(to_hash)
                .collect::<Result<Vec<_>, _>>()?,
        );
    }
    Ok(out)
}

/// One append as the writer sees it: the entry, its leaf hash and its projection
/// preconditions and writes (both empty for a plain append).
pub(crate) struct Pending {
    pub(crate) data: Vec<u8>,
    pub(crate) leaf_hash: Hash,
    pub(crate) preconditions: Vec<Precondition>,
    pub(crate) writes: Vec<ProjectionWrite>,
    pub(crate) disclosure: Option<Vec<u8>>,
}

/// One queued append and where to send its answer.
struct Queued {
    pending: Pending,
    reply: oneshot::Sender<Result<AppendReceipt, StoreError>>,
}

/// What a committed batch did: the plan of the admitted entries (`None` when every request
/// of the batch failed a precondition, so nothing was written) and, per request in queue
/// order, its position among the admitted entries or the precondition that failed.
pub(crate) struct BatchOutcome {
    pub(crate) plan: Option<BatchPlan>,
    pub(crate) admissions: Vec<Result<u64, StoreError>>,
}

/// Decides which requests of a batch are admitted: each request's preconditions are checked
/// against the stored versions (`current`, read inside the batch's transaction) as changed by
/// the writes of the requests admitted before it. Returns, per request, its position among
/// the admitted ones or the [`StoreError::Conflict`] that refused it. Pure.
pub(crate) fn admit(
    pending: &[Pending],
    current: &HashMap<String, String>,
) -> Vec<Result<u64, StoreError>> {
    let mut overlay: HashMap<&str, &str> = HashMap::new();
    let mut admitted = 0u64;
    let mut out = Vec::with_capacity(pending.len());
    for p in pending {
        let failed = p.preconditions.iter().find_map(|pre| {
            let now = overlay
                .get(pre.key.as_str())
                .copied()
                .or_else(|| current.get(&pre.key).map(String::as_str));
            (now != pre.expected_version.as_deref()).then(|| StoreError::Conflict {
                key: pre.key.clone(),
                current_version: now.map(str::to_owned),
            })
        });
        match failed {
            Some(conflict) => out.push(Err(conflict)),
            None => {
                for w in &p.writes {
                    overlay.insert(&w.key, &w.version);
                }
                out.push(Ok(admitted));
                admitted += 1;
            }
        }
    }
    out
}

/// Every key named by a precondition of the batch (each once), for the version lookup.
pub(crate) fn precondition_keys(pending: &[Pending]) -> Vec<&str> {
    let mut keys: Vec<&str> = pending
        .iter()
        .flat_map(|p| p.preconditions.iter().map(|pre| pre.key.as_str()))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// The projection rows an admitted batch writes: the last write of each key wins (a key
/// written twice in one batch is stored once, with the later entry's index).
pub(crate) fn projection_rows<'a>(
    pending: &'a [Pending],
    admissions: &[Result<u64, StoreError>],
    first_index: u64,
) -> Vec<(&'a str, &'a str, &'a [u8], u64)> {
    let mut rows: BTreeMap<&str, (&str, &[u8], u64)> = BTreeMap::new();
    for (p, a) in pending.iter().zip(admissions) {
        if let Ok(pos) = a {
            for w in &p.writes {
                rows.insert(&w.key, (&w.version, &w.value, first_index + pos));
            }
        }
    }
    rows.into_iter()
        .map(|(k, (v, val, idx))| (k, v, val, idx))
        .collect()
}

/// A node hash missing from the prefetched map (the store fetched too little: a bug or a
/// damaged database).
#[derive(Debug)]
struct MissingNode(NodeId);

/// Answers [`HashReader`] calls from hashes fetched beforehand with range queries.
struct MapReader<'a>(&'a HashMap<NodeId, Hash>);

impl HashReader for MapReader<'_> {
    type Error = MissingNode;
    fn read_hashes(&self, ids: &[NodeId]) -> Result<Vec<Hash>, MissingNode> {
        ids.iter()
            .map(|id| self.0.get(id).copied().ok_or(MissingNode(*id)))
            .collect()
    }
}

fn stored_proof_error(e: StoredProofError<MissingNode>) -> StoreError {
    match e {
        StoredProofError::Proof(p) => StoreError::Proof(p),
        StoredProofError::Read(MissingNode(id)) => StoreError::corrupt(format!(
            "node (level {}, index {}) was not prefetched",
            id.level, id.index
        )),
    }
}

/// The shared store: a backend, the writer task and the read logic.
pub(crate) struct Core<B: Backend> {
    backend: Arc<B>,
    config: StoreConfig,
    verifier: NoteVerifier,
    /// A committed tree size known to this process (only grows; other processes sharing a
    /// PostgreSQL log may be ahead, so a larger request re-reads the database).
    known_size: Arc<AtomicU64>,
    sender: Mutex<Option<mpsc::Sender<Queued>>>,
    writer: Mutex<Option<JoinHandle<()>>>,
}

impl<B: Backend> Core<B> {
    /// Makes sure a checkpoint exists (signing the current tree if none does), checks the
    /// latest one against the log key and origin, and starts the writer task.
    pub(crate) async fn start(
        backend: B,
        signer: NoteSigner,
        config: StoreConfig,
    ) -> Result<Self, StoreError> {
        let backend = Arc::new(backend);
        let verifier = signer.verifier();
        if backend.latest_checkpoint_note().await?.is_none() {
            let (size, root) = backend.tree_head().await?;
            let first = sign_checkpoint(&config.origin, size, root, &signer)?;
            match backend.insert_checkpoint(&first).await {
                // Another process may have appended and signed in between: fine.
                Ok(()) | Err(StoreError::CheckpointConflict { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        let note = backend
            .latest_checkpoint_note()
            .await?
            .ok_or_else(|| StoreError::corrupt("no checkpoint after storing the first one"))?;
        let latest =
            Checkpoint::open(note.as_bytes(), &verifier).map_err(StoreError::KeyMismatch)?;
        if latest.origin != config.origin {
            return Err(StoreError::OriginMismatch {
                stored: latest.origin,
                configured: config.origin.clone(),
            });
        }
        let known_size = Arc::new(AtomicU64::new(latest.size));
        let (tx, rx) = mpsc::channel(config.queue_capacity);
        let writer = tokio::spawn(
            writer_loop(
                Arc::clone(&backend),
                rx,
                signer,
                config.clone(),
                Arc::clone(&known_size),
            )
            .instrument(tracing::info_span!("wastetrail_store_writer", origin = %config.origin)),
        );
        Ok(Self {
            backend,
            config,
            verifier,
            known_size,
            sender: Mutex::new(Some(tx)),
            writer: Mutex::new(Some(writer)),
        })
    }

    pub(crate) fn config(&self) -> &StoreConfig {
        &self.config
    }

    pub(crate) async fn append(&self, entry: Vec<u8>) -> Result<AppendReceipt, StoreError> {
        self.append_with(crate::AppendRequest {
            entry,
            ..Default::default()
        })
        .await
    }

    pub(crate) async fn projection(&self, key: &str) -> Result<Option<ProjectionRow>, StoreError> {
        self.backend.projection(key).await
    }

    pub(crate) async fn projections_with_prefix(
        &self,
        prefix: &str,
    ) -> Result<Vec<ProjectionRow>, StoreError> {
        self.backend.projections_with_prefix(prefix).await
    }

    pub(crate) async fn append_with(
        &self,
        request: crate::AppendRequest,
    ) -> Result<AppendReceipt, StoreError> {
        let crate::AppendRequest {
            entry,
            preconditions,
            writes,
            disclosure,
        } = request;
        if entry.len() > self.config.max_entry_bytes {
            return Err(StoreError::EntryTooLarge {
                size: entry.len(),
                max: self.config.max_entry_bytes,
            });
        }
        let sender = self
            .sender
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
            .ok_or(StoreError::Closed)?;
        let (reply, answer) = oneshot::channel();
        let leaf_hash = leaf_hash(&entry);
        sender
            .try_send(Queued {
                pending: Pending {
                    data: entry,
                    leaf_hash,
                    preconditions,
                    writes,
                    disclosure,
                },
                reply,
            })
            .map_err(|e| match e {
                mpsc::error::TrySendError::Full(_) => StoreError::QueueFull {
                    capacity: self.config.queue_capacity,
                },
                mpsc::error::TrySendError::Closed(_) => StoreError::Closed,
            })?;
        answer.await.map_err(|_| StoreError::Closed)?
    }

    pub(crate) async fn tree_size(&self) -> Result<u64, StoreError> {
        let size = self.backend.tree_head().await?.0;
        self.known_size.fetch_max(size, Ordering::Relaxed);
        Ok(size)
    }

    /// Checks that a tree of `requested` leaves is committed, reading the database only when
    /// the size known to this process is smaller (the proof paths' fast path).
    async fn check_tree_size(&self, requested: u64) -> Result<(), StoreError> {
        if requested <= self.known_size.load(Ordering::Relaxed) {
            return Ok(());
        }
        let current = self.tree_size().await?;
        if requested > current {
            return Err(StoreError::BeyondTree { requested, current });
        }
        Ok(())
    }

    pub(crate) async fn entry(&self, index: u64) -> Result<Option<Entry>, StoreError> {
        let Some(end) = index.checked_add(1) else {
            return Ok(None);
        };
        Ok(self.backend.entries(index, end).await?.into_iter().next())
    }

    pub(crate) async fn entry_by_leaf_hash(
        &self,
        leaf_hash: &Hash,
    ) -> Result<Option<Entry>, StoreError> {
        let size = self.tree_size().await?;
        match self.backend.index_of_leaf_hash(leaf_hash, size).await? {
            Some(index) => self.entry(index).await,
            None => Ok(None),
        }
    }

    pub(crate) async fn disclosures(
        &self,
        start: u64,
        limit: u32,
    ) -> Result<Vec<StoredDisclosure>, StoreError> {
        let end = start.saturating_add(u64::from(limit));
        self.backend.disclosures(start, end).await
    }

    pub(crate) async fn replace_disclosure(
        &self,
        index: u64,
        data: &[u8],
        erased_at: &str,
    ) -> Result<bool, StoreError> {
        self.backend
            .replace_disclosure(index, data, erased_at)
            .await
    }

    pub(crate) async fn entries(&self, start: u64, limit: u32) -> Result<Vec<Entry>, StoreError> {
        let size = self.tree_size().await?;
        let end = start.saturating_add(u64::from(limit)).min(size);
        if start >= end {
            return Ok(Vec::new());
        }
        self.backend.entries(start, end).await
    }

    /// Fetches the hashes of `ids` with one range query per (stored level, tile) and hashes
    /// each node up from its stored run.
    async fn fetch_nodes(&self, ids: &[NodeId]) -> Result<HashMap<NodeId, Hash>, StoreError> {
        let mut spans: BTreeMap<(u8, u64), (u64, u64)> = BTreeMap::new();
        let mut runs = Vec::with_capacity(ids.len());
        for id in ids {
            let (level, start, end) = tiles::stored_range_for_node(*id);
            spans
                .entry((level, start / TILE_WIDTH))
                .and_modify(|s| {
                    s.0 = s.0.min(start);
                    s.1 = s.1.max(end);
                })
                .or_insert((start, end));
            runs.push((*id, level, start, end));
        }
        let ranges: Vec<(u8, u64, u64)> = spans
            .iter()
            .map(|(&(level, _), &(start, end))| (level, start, end))
            .collect();
        let runs_read = self.backend.stored_hash_ranges(&ranges).await?;
        let mut fetched = HashMap::with_capacity(spans.len());
        for (((level, tile), (start, _)), hashes) in spans.into_iter().zip(runs_read) {
            fetched.insert((level, tile), (start, hashes));
        }
        let mut out = HashMap::with_capacity(ids.len());
        for (id, level, start, end) in runs {
            let run = fetched
                .get(&(level, start / TILE_WIDTH))
                .and_then(|(first, hashes)| {
                    let from = usize::try_from(start - first).ok()?;
                    let to = usize::try_from(end - first).ok()?;
                    hashes.get(from..to)
                })
                .ok_or_else(|| StoreError::corrupt("stored run not fetched"))?;
            out.insert(id, tiles::hash_up(run)?);
        }
        Ok(out)
    }

    pub(crate) async fn root_at(&self, tree_size: u64) -> Result<Hash, StoreError> {
        self.check_tree_size(tree_size).await?;
        let map = self.fetch_nodes(&merkle::nodes_for_root(tree_size)).await?;
        merkle::root_from(tree_size, &MapReader(&map)).map_err(stored_proof_error)
    }

    pub(crate) async fn inclusion_proof(
        &self,
        index: u64,
        tree_size: u64,
    ) -> Result<InclusionProof, StoreError> {
        self.check_tree_size(tree_size).await?;
        let mut ids = merkle::nodes_for_inclusion(index, tree_size)?;
        let leaf = NodeId { level: 0, index };
        ids.push(leaf);
        let map = self.fetch_nodes(&ids).await?;
        let hashes = merkle::inclusion_proof_from(index, tree_size, &MapReader(&map))
            .map_err(stored_proof_error)?;
        let leaf_hash = *map
            .get(&leaf)
            .ok_or_else(|| StoreError::corrupt("leaf hash not fetched"))?;
        Ok(InclusionProof {
            index,
            tree_size,
            leaf_hash,
            hashes,
        })
    }

    pub(crate) async fn inclusion_proof_by_leaf_hash(
        &self,
        leaf_hash: &Hash,
        tree_size: u64,
    ) -> Result<InclusionProof, StoreError> {
        self.check_tree_size(tree_size).await?;
        let index = self
            .backend
            .index_of_leaf_hash(leaf_hash, tree_size)
            .await?
            .ok_or_else(|| StoreError::LeafNotFound {
                leaf_hash_hex: leaf_hash.iter().map(|b| format!("{b:02x}")).collect(),
                tree_size,
            })?;
        self.inclusion_proof(index, tree_size).await
    }

    pub(crate) async fn consistency_proof(&self, m: u64, n: u64) -> Result<Vec<Hash>, StoreError> {
        self.check_tree_size(n).await?;
        let ids = merkle::nodes_for_consistency(m, n)?;
        let map = self.fetch_nodes(&ids).await?;
        merkle::consistency_proof_from(m, n, &MapReader(&map)).map_err(stored_proof_error)
    }

    pub(crate) async fn latest_checkpoint(&self) -> Result<SignedCheckpoint, StoreError> {
        let note = self
            .backend
            .latest_checkpoint_note()
            .await?
            .ok_or_else(|| StoreError::corrupt("no checkpoint stored"))?;
        let checkpoint = Checkpoint::parse_text(note_body(&note))?;
        Ok(SignedCheckpoint { checkpoint, note })
    }

    pub(crate) async fn store_checkpoint(
        &self,
        note: &str,
    ) -> Result<SignedCheckpoint, StoreError> {
        let checkpoint = Checkpoint::open(note.as_bytes(), &self.verifier)?;
        if checkpoint.origin != self.config.origin {
            return Err(StoreError::CheckpointConflict {
                reason: format!(
                    "checkpoint origin {:?} is not the log's origin {:?}",
                    checkpoint.origin, self.config.origin
                ),
            });
        }
        let signed = SignedCheckpoint {
            checkpoint,
            note: note.to_owned(),
        };
        self.backend.insert_checkpoint(&signed).await?;
        Ok(signed)
    }

    /// Size of the tree and the number of stored hashes at the tile's level, or why the tile
    /// is not available.
    fn tile_available(
        size: u64,
        level_shift: u32,
        index: u64,
        width: u16,
        path: &str,
    ) -> Result<(), StoreError> {
        let count = if level_shift >= 64 {
            0
        } else {
            size >> level_shift
        };
        let full = count / TILE_WIDTH;
        let width = u64::from(width);
        let ok = if width >= TILE_WIDTH {
            index < full
        } else {
            width > 0 && index == full && width <= count % TILE_WIDTH
        };
        if ok {
            Ok(())
        } else {
            Err(StoreError::TileNotAvailable {
                path: path.to_owned(),
                tree_size: size,
            })
        }
    }

    pub(crate) async fn tile(&self, tile: TileId) -> Result<Vec<u8>, StoreError> {
        let size = self.tree_size().await?;
        Self::tile_available(
            size,
            tile.tree_level(),
            tile.index,
            tile.width,
            &tile.path(),
        )?;
        // Available tiles have tree level < 64, so the level fits in a u8.
        let level = u8::try_from(tile.tree_level())
            .map_err(|_| StoreError::corrupt("tile level out of range"))?;
        let start = tile.first_hash_index();
        let hashes = self
            .backend
            .stored_hashes(level, start, start + u64::from(tile.width))
            .await?;
        Ok(tiles::tile_bytes(&hashes))
    }

    pub(crate) async fn entry_bundle(&self, bundle: EntryBundleId) -> Result<Vec<u8>, StoreError> {
        let size = self.tree_size().await?;
        Self::tile_available(size, 0, bundle.index, bundle.width, &bundle.path())?;
        let start = bundle.index * TILE_WIDTH;
        let entries = self
            .backend
            .entries(start, start + u64::from(bundle.width))
            .await?;
        if entries.len() != usize::from(bundle.width) {
            return Err(StoreError::corrupt("entries missing below the tree size"));
        }
        let data: Vec<&[u8]> = entries.iter().map(|e| e.data.as_slice()).collect();
        tiles::entry_bundle_bytes(&data)
            .map_err(|e| StoreError::InvalidConfig(format!("entry cannot be bundled: {e}")))
    }

    pub(crate) async fn read_tile_path(&self, path: &str) -> Result<Vec<u8>, StoreError> {
        if path.starts_with("tile/entries/") {
            self.entry_bundle(EntryBundleId::parse_path(path)?).await
        } else {
            self.tile(TileId::parse_path(path)?).await
        }
    }

    pub(crate) async fn close(&self) {
        drop(
            self.sender
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take(),
        );
        let writer = self
            .writer
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(writer) = writer
            && let Err(e) = writer.await
        {
            tracing::error!(error = %e, "store writer task failed");
        }
        self.backend.close().await;
    }
}

/// The checkpoint text of a signed note: everything before the blank line.
fn note_body(note: &str) -> &str {
    match note.find("\n\n") {
        Some(i) => &note[..=i],
        None => note,
    }
}

/// The single writer: takes queued appends, groups them (up to `max_batch_size` entries or
/// `max_batch_delay` after the first one) and commits each group in one transaction, then
/// answers every caller of the group.
async fn writer_loop<B: Backend>(
    backend: Arc<B>,
    mut rx: mpsc::Receiver<Queued>,
    signer: NoteSigner,
    config: StoreConfig,
    known_size: Arc<AtomicU64>,
) {
    let mut batch: Vec<Queued> = Vec::with_capacity(config.max_batch_size);
    while let Some(first) = rx.recv().await {
        batch.push(first);
        let deadline = tokio::time::Instant::now() + config.max_batch_delay;
        while batch.len() < config.max_batch_size {
            match rx.try_recv() {
                Ok(next) => {
                    batch.push(next);
                    continue;
                }
                Err(mpsc::error::TryRecvError::Disconnected) => break,
                Err(mpsc::error::TryRecvError::Empty) => {}
            }
            match tokio::time::timeout_at(deadline, rx.recv()).await {
                Ok(Some(next)) => batch.push(next),
                Ok(None) | Err(_) => break,
            }
        }
        let (pending, replies): (Vec<Pending>, Vec<_>) =
            batch.drain(..).map(|q| (q.pending, q.reply)).unzip();
        let started = Instant::now();
        let result = backend
            .commit_batch(&pending, &signer, &config.origin)
            .instrument(tracing::debug_span!(
                "commit_batch",
                entries = pending.len()
            ))
            .await;
        match result {
            Ok(BatchOutcome { plan, admissions }) => {
                let first_index = plan.as_ref().map_or(0, |p| p.first_index);
                if let Some(plan) = &plan {
                    known_size.fetch_max(plan.state.size(), Ordering::Relaxed);
                    tracing::debug!(
                        entries = pending.len(),
                        size = plan.state.size(),
                        elapsed_us = started.elapsed().as_micros() as u64,
                        "batch committed"
                    );
                }
                for ((p, reply), admission) in pending.iter().zip(replies).zip(admissions) {
                    let answer = match (admission, &plan) {
                        (Ok(pos), Some(plan)) => Ok(AppendReceipt {
                            index: first_index + pos,
                            leaf_hash: p.leaf_hash,
                            checkpoint: plan.checkpoint.clone(),
                        }),
                        (Ok(_), None) => {
                            Err(StoreError::corrupt("an admitted entry has no batch plan"))
                        }
                        (Err(conflict), _) => Err(conflict),
                    };
                    // A caller that went away still got its entry logged.
                    let _ = reply.send(answer);
                }
            }
            Err(e) => {
                tracing::error!(error = %e, entries = pending.len(), "batch commit failed");
                let e = Arc::new(e);
                for reply in replies {
                    let _ = reply.send(Err(StoreError::Batch(Arc::clone(&e))));
                }
            }
        }
    }
    tracing::debug!("append queue closed; writer stops");
}

#[cfg(test)]
mod tests {
    use super::*;
    use wastetrail_ledger::merkle::EMPTY_ROOT;

    fn leaves(n: u64) -> Vec<Hash> {
        (0..n).map(|i| leaf_hash(&i.to_be_bytes())).collect()
    }

    fn state_of(n: u64) -> LogState {
        let range = CompactRange::from_leaf_hashes(&leaves(n));
        let root = range.root();
        LogState { range, root }
    }

    fn pending(pre: &[(&str, Option<&str>)], writes: &[(&str, &str)]) -> Pending {
        Pending {
            data: Vec::new(),
            leaf_hash: EMPTY_ROOT,
            preconditions: pre
                .iter()
                .map(|(k, v)| Precondition {
                    key: (*k).to_owned(),
                    expected_version: v.map(str::to_owned),
                })
                .collect(),
            disclosure: None,
            writes: writes
                .iter()
                .map(|(k, v)| ProjectionWrite {
                    key: (*k).to_owned(),
                    version: (*v).to_owned(),
                    value: Vec::new(),
                })
                .collect(),
        }
    }

    #[test]
    fn admission_sees_the_writes_of_earlier_requests_in_the_batch() {
        let stored: HashMap<String, String> = [("case/a".to_owned(), "1".to_owned())].into();
        let batch = [
            pending(&[("case/a", Some("1"))], &[("case/a", "2")]), // admitted
            pending(&[("case/a", Some("1"))], &[("case/a", "3")]), // stale after the first
            pending(&[("case/a", Some("2"))], &[("case/a", "4")]), // sees the first's write
            pending(&[("case/b", None)], &[("case/b", "1")]),      // new row
            pending(&[("case/b", None)], &[]),                     // no longer absent
            pending(&[], &[]),                                     // plain append
        ];
        let positions: Vec<Option<u64>> =
            admit(&batch, &stored).into_iter().map(Result::ok).collect();
        assert_eq!(positions, [Some(0), None, Some(1), Some(2), None, Some(3)]);
        match &admit(&batch, &stored)[1] {
            Err(StoreError::Conflict {
                key,
                current_version,
            }) => {
                assert_eq!(
                    (key.as_str(), current_version.as_deref()),
                    ("case/a", Some("2"))
                );
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
        let admissions = admit(&batch, &stored);
        let rows = projection_rows(&batch, &admissions, 10);
        // The last admitted write of each key wins, with that entry's index.
        assert_eq!(
            rows.iter()
                .map(|(k, v, _, i)| (*k, *v, *i))
                .collect::<Vec<_>>(),
            [("case/a", "4", 11), ("case/b", "1", 12)]
        );
        assert_eq!(precondition_keys(&batch), ["case/a", "case/b"]);
    }

    #[test]
    fn log_state_columns_are_checked() {
        let s = state_of(5);
        let parsed = LogState::from_columns(5, &s.root, &s.right_edge_bytes()).unwrap();
        assert_eq!(parsed, s);
        assert_eq!(
            LogState::from_columns(0, &EMPTY_ROOT, &[]).unwrap().size(),
            0
        );
        // Wrong number of hashes for the size, truncated hash, wrong root.
        assert!(matches!(
            LogState::from_columns(7, &s.root, &s.right_edge_bytes()),
            Err(StoreError::Corrupt(_))
        ));
        assert!(matches!(
            LogState::from_columns(5, &s.root, &s.right_edge_bytes()[1..]),
            Err(StoreError::Corrupt(_))
        ));
        assert!(matches!(
            LogState::from_columns(5, &EMPTY_ROOT, &s.right_edge_bytes()),
            Err(StoreError::Corrupt(_))
        ));
        assert!(matches!(
            LogState::from_columns(5, &s.root[..31], &s.right_edge_bytes()),
            Err(StoreError::Corrupt(_))
        ));
    }

    #[test]
    fn plan_batch_extends_the_tree_and_keeps_only_tile_rows() {
        let (signer, _) = NoteSigner::generate("plan.test/log");
        let all = leaves(70_000);
        let mut state = state_of(0);
        let mut latest = None;
        let mut nodes = Vec::new();
        for chunk in all.chunks(10_000) {
            let plan = plan_batch(state, latest, chunk, &signer, "plan.test/log").unwrap();
            assert_eq!(plan.first_index + chunk.len() as u64, plan.state.size());
            let cp = Checkpoint::open(plan.checkpoint.note.as_bytes(), &signer.verifier()).unwrap();
            assert_eq!(
                (cp.size, cp.root),
                (
                    plan.state.size(),
                    merkle::root(&all[..plan.state.size() as usize])
                )
            );
            nodes.extend(plan.nodes);
            latest = Some((plan.state.size(), plan.state.root));
            state = plan.state;
        }
        // Level 8: one per complete 256 leaves; level 16: one per 65536.
        assert_eq!(
            nodes.iter().filter(|(id, _)| id.level == 8).count(),
            70_000 / 256
        );
        assert_eq!(nodes.iter().filter(|(id, _)| id.level == 16).count(), 1);
        assert_eq!(nodes.len(), 70_000 / 256 + 1);
        for (id, h) in &nodes {
            let first = id.first_leaf() as usize;
            let end = id.end_leaf() as usize;
            assert_eq!(*h, merkle::root(&all[first..end]));
        }
    }

    #[test]
    fn plan_batch_refuses_when_latest_checkpoint_is_not_the_state() {
        let (signer, _) = NoteSigner::generate("plan.test/log");
        let s = state_of(10);
        let older = Some((9, merkle::root(&leaves(9))));
        assert!(matches!(
            plan_batch(s.clone(), older, &leaves(1), &signer, "plan.test/log"),
            Err(StoreError::CheckpointConflict { .. })
        ));
        let forked = Some((10, EMPTY_ROOT));
        assert!(matches!(
            plan_batch(s.clone(), forked, &leaves(1), &signer, "plan.test/log"),
            Err(StoreError::CheckpointConflict { .. })
        ));
        let same = Some((10, s.root));
        assert_eq!(
            plan_batch(s, same, &leaves(1), &signer, "plan.test/log")
                .unwrap()
                .first_index,
            10
        );
    }

    #[test]
    fn checkpoint_cas_rule() {
        let s = state_of(10);
        let cp = |size, root| Checkpoint::new("cas.test/log", size, root).unwrap();
        let current = cp(10, s.root);
        assert!(check_checkpoint_cas(&current, &s, None).is_ok());
        assert!(check_checkpoint_cas(&current, &s, Some((10, s.root))).is_ok());
        assert!(check_checkpoint_cas(&current, &s, Some((9, merkle::root(&leaves(9))))).is_ok());
        for (candidate, latest) in [
            (cp(9, merkle::root(&leaves(9))), Some((10, s.root))), // older
            (cp(10, EMPTY_ROOT), Some((10, s.root))),              // same size, other root
            (cp(10, EMPTY_ROOT), None),                            // not the tree's root
            (cp(11, s.root), Some((10, s.root))),                  // beyond the tree
            (current.clone(), Some((11, s.root))),                 // a newer one is stored
        ] {
            assert!(matches!(
                check_checkpoint_cas(&candidate, &s, latest),
                Err(StoreError::CheckpointConflict { .. })
            ));
        }
    }

    #[test]
    fn stored_runs_must_be_contiguous() {
        let h = |b: u8| vec![b; 32];
        let ok = contiguous_hashes(vec![(4, h(1)), (5, h(2))], 0, 4, 6).unwrap();
        assert_eq!(ok, vec![[1; 32], [2; 32]]);
        assert!(contiguous_hashes(vec![(4, h(1))], 0, 4, 6).is_err());
        assert!(contiguous_hashes(vec![(4, h(1)), (6, h(2))], 8, 4, 6).is_err());
        assert!(contiguous_hashes(vec![(4, h(1)), (5, vec![0; 31])], 0, 4, 6).is_err());
    }

    #[test]
    fn runs_must_be_complete() {
        let ranges = [(0u8, 4u64, 6u64), (8, 0, 1)];
        let two = [[1u8; 32], [2; 32]].concat();
        let ok = split_runs(
            vec![(0, 2, Some(two.clone())), (1, 1, Some(vec![3; 32]))],
            &ranges,
        )
        .unwrap();
        assert_eq!(ok, vec![vec![[1; 32], [2; 32]], vec![[3; 32]]]);
        for bad in [
            vec![(0, 1, Some(two.clone())), (1, 1, Some(vec![3; 32]))], // count short
            vec![(0, 2, Some(two[..63].to_vec())), (1, 1, Some(vec![3; 32]))], // bytes short
            vec![(0, 2, Some(two.clone())), (1, 0, None)],              // run empty
            vec![(1, 1, Some(vec![3; 32])), (0, 2, Some(two.clone()))], // runs swapped
            vec![(0, 2, Some(two.clone()))],                            // run missing
        ] {
            assert!(matches!(
                split_runs(bad, &ranges),
                Err(StoreError::Corrupt(_))
            ));
        }
    }

    #[test]
    fn tile_availability() {
        let avail = |size, shift, index, width| {
            Core::<NeverBackend>::tile_available(size, shift, index, width, "t").is_ok()
        };
        // 600 leaves: level 0 has tiles 0, 1 full and 2 partial (88); level 1 has 2 hashes.
        assert!(avail(600, 0, 1, 256));
        assert!(avail(600, 0, 2, 88));
        assert!(avail(600, 0, 2, 1));
        assert!(!avail(600, 0, 2, 89));
        assert!(!avail(600, 0, 2, 256));
        assert!(!avail(600, 0, 1, 200)); // partial of a full tile
        assert!(avail(600, 8, 0, 2));
        assert!(!avail(600, 8, 0, 256));
        assert!(!avail(600, 16, 0, 1));
        assert!(!avail(600, 0, 2, 0));
        assert!(!avail(u64::MAX, 504, 0, 1));
        assert!(avail(u64::MAX, 56, 0, 255));
    }

    /// A backend type for calling associated functions that need no database.
    struct NeverBackend;

    impl Backend for NeverBackend {
        async fn tree_head(&self) -> Result<(u64, Hash), StoreError> {
            Err(StoreError::Closed)
        }
        async fn commit_batch<'a>(
            &'a self,
            _: &'a [Pending],
            _: &'a NoteSigner,
            _: &'a str,
        ) -> Result<BatchOutcome, StoreError> {
            Err(StoreError::Closed)
        }
        async fn projection<'a>(&'a self, _: &'a str) -> Result<Option<ProjectionRow>, StoreError> {
            Err(StoreError::Closed)
        }
        async fn projections_with_prefix<'a>(
            &'a self,
            _: &'a str,
        ) -> Result<Vec<ProjectionRow>, StoreError> {
            Err(StoreError::Closed)
        }
        async fn insert_checkpoint<'a>(
            &'a self,
            _: &'a SignedCheckpoint,
        ) -> Result<(), StoreError> {
            Err(StoreError::Closed)
        }
        async fn latest_checkpoint_note(&self) -> Result<Option<String>, StoreError> {
            Err(StoreError::Closed)
        }
        async fn entries(&self, _: u64, _: u64) -> Result<Vec<Entry>, StoreError> {
            Err(StoreError::Closed)
        }
        async fn index_of_leaf_hash<'a>(
            &'a self,
            _: &'a Hash,
            _: u64,
        ) -> Result<Option<u64>, StoreError> {
            Err(StoreError::Closed)
        }
        async fn stored_hashes(&self, _: u8, _: u64, _: u64) -> Result<Vec<Hash>, StoreError> {
            Err(StoreError::Closed)
        }
        async fn stored_hash_ranges<'a>(
            &'a self,
            _: &'a [(u8, u64, u64)],
        ) -> Result<Vec<Vec<Hash>>, StoreError> {
            Err(StoreError::Closed)
        }
        async fn disclosures(&self, _: u64, _: u64) -> Result<Vec<StoredDisclosure>, StoreError> {
            Err(StoreError::Closed)
        }
        async fn replace_disclosure<'a>(
            &'a self,
            _: u64,
            _: &'a [u8],
            _: &'a str,
        ) -> Result<bool, StoreError> {
            Err(StoreError::Closed)
        }
        async fn close(&self) {}
    }

    #[test]
    fn note_body_is_the_checkpoint_text() {
        assert_eq!(note_body("o\n1\nr\n\n— sig\n"), "o\n1\nr\n");
        assert_eq!(note_body("no blank line"), "no blank line");
    }
}

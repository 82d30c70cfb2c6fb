//! The conformance suite of `LedgerStore`, written once and run against SQLite always and
//! against PostgreSQL when `WASTETRAIL_TEST_PG_URL` is set (a fresh database per test).

// Test helpers outside #[test] functions may unwrap and panic too: a panic is a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::TestDb;
use wastetrail_ledger::checkpoint::Checkpoint;
use wastetrail_ledger::merkle::{self, Hash, leaf_hash};
use wastetrail_ledger::note::NoteSigner;
use wastetrail_ledger::tiles::{self, EntryBundleId, TileId};
use wastetrail_store::{
    AppendReceipt, AppendRequest, LedgerStore, Precondition, ProjectionWrite, StoreError,
};

/// Expands each test for both backends.
macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    let db = crate::common::TestDb::sqlite();
                    super::$name(&db).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    let Some(db) = crate::common::TestDb::postgres() else {
                        return;
                    };
                    super::$name(&db).await;
                }
            )*
        }
    };
}

conformance!(
    append_and_read,
    proofs_verify_against_checkpoints,
    tiles_and_bundles_match_tree,
    queue_full_fails_fast,
    checkpoint_compare_and_swap,
    append_only_in_database,
    reopen_keeps_everything,
    concurrent_appends_are_gap_free,
    two_stores_share_one_log,
    large_tree_has_upper_tile_rows,
    preconditions_guard_appends_and_projections,
    concurrent_preconditions_admit_exactly_one,
    disclosures_live_beside_the_log,
);

/// Appends all `entries` concurrently (one task each) and returns the receipts in entry order.
async fn append_all<S: LedgerStore + 'static>(
    store: &Arc<S>,
    entries: &[Vec<u8>],
) -> Vec<AppendReceipt> {
    let mut tasks = tokio::task::JoinSet::new();
    for (i, e) in entries.iter().enumerate() {
        let store = Arc::clone(store);
        let e = e.clone();
        tasks.spawn(async move { (i, store.append(e).await) });
    }
    let mut out: Vec<Option<AppendReceipt>> = vec![None; entries.len()];
    while let Some(r) = tasks.join_next().await {
        let (i, r) = r.unwrap();
        out[i] = Some(r.unwrap());
    }
    out.into_iter().map(Option::unwrap).collect()
}

/// All leaf hashes of the log, read through the public API.
async fn all_leaf_hashes<S: LedgerStore>(store: &S) -> Vec<Hash> {
    let size = store.tree_size().await.unwrap();
    let mut out = Vec::new();
    while (out.len() as u64) < size {
        let chunk = store.entries(out.len() as u64, 1000).await.unwrap();
        assert!(!chunk.is_empty());
        for e in chunk {
            assert_eq!(e.index, out.len() as u64, "entries are gap-free");
            assert_eq!(e.leaf_hash, leaf_hash(&e.data));
            out.push(e.leaf_hash);
        }
    }
    out
}

/// The stored log is one consistent tree: gap-free entries whose recomputed root is the
/// root of the latest checkpoint, which verifies with the log key.
async fn assert_log_consistent<S: LedgerStore>(store: &S, db: &TestDb) -> Vec<Hash> {
    let leaves = all_leaf_hashes(store).await;
    let latest = store.latest_checkpoint().await.unwrap();
    let opened = Checkpoint::open(latest.note.as_bytes(), &db.verifier()).unwrap();
    assert_eq!(opened, latest.checkpoint);
    assert_eq!(latest.checkpoint.size, leaves.len() as u64);
    assert_eq!(latest.checkpoint.root, merkle::root(&leaves));
    assert_eq!(
        store.root_at(leaves.len() as u64).await.unwrap(),
        latest.checkpoint.root
    );
    leaves
}

async fn append_and_read(db: &TestDb) {
    let store = Arc::new(db.open().await);
    assert_eq!(store.origin(), common::ORIGIN);
    // A new log has a signed checkpoint of the empty tree.
    let empty = store.latest_checkpoint().await.unwrap();
    assert_eq!(empty.checkpoint.size, 0);
    assert_eq!(empty.checkpoint.root, merkle::EMPTY_ROOT);
    Checkpoint::open(empty.note.as_bytes(), &db.verifier()).unwrap();

    let entries = common::entries("read", 300);
    let receipts = append_all(&store, &entries).await;
    let mut seen = HashSet::new();
    for (e, r) in entries.iter().zip(&receipts) {
        assert!(seen.insert(r.index));
        assert_eq!(r.leaf_hash, leaf_hash(e));
        assert!(r.index < r.checkpoint.checkpoint.size);
        let cp = Checkpoint::open(r.checkpoint.note.as_bytes(), &db.verifier()).unwrap();
        assert_eq!(cp, r.checkpoint.checkpoint);

        let by_index = store.entry(r.index).await.unwrap().unwrap();
        assert_eq!((&by_index.data, by_index.leaf_hash), (e, r.leaf_hash));
        let by_hash = store
            .entry_by_leaf_hash(&r.leaf_hash)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(by_hash, by_index);
    }
    assert_eq!(seen.len(), 300);
    assert_eq!(store.tree_size().await.unwrap(), 300);
    assert!(store.entry(300).await.unwrap().is_none());
    assert!(store.entry(u64::MAX).await.unwrap().is_none());
    assert!(
        store
            .entry_by_leaf_hash(&leaf_hash(b"never appended"))
            .await
            .unwrap()
            .is_none()
    );
    let page = store.entries(290, 50).await.unwrap();
    assert_eq!(
        page.iter().map(|e| e.index).collect::<Vec<_>>(),
        (290..300).collect::<Vec<_>>()
    );
    assert!(store.entries(300, 10).await.unwrap().is_empty());

    // The same bytes may be appended twice; lookups by hash give the first.
    let again = store.append(entries[0].clone()).await.unwrap();
    assert_eq!(again.index, 300);
    let first = receipts[0].index;
    assert_eq!(
        store
            .entry_by_leaf_hash(&again.leaf_hash)
            .await
            .unwrap()
            .unwrap()
            .index,
        first
    );

    // Limits.
    let too_big = vec![0u8; db.config().max_entry_bytes + 1];
    match store.append(too_big).await {
        Err(StoreError::EntryTooLarge { .. }) => {}
        other => panic!("expected EntryTooLarge, got {other:?}"),
    }
    assert_log_consistent(&*store, db).await;
    store.close().await;
}

async fn proofs_verify_against_checkpoints(db: &TestDb) {
    let store = Arc::new(db.open().await);
    let mut checkpoints = Vec::new();
    // Several rounds so that the log has many checkpoints of different sizes.
    for round in 0..6 {
        let receipts = append_all(&store, &common::entries(&format!("proof{round}"), 97)).await;
        checkpoints.extend(receipts.into_iter().map(|r| r.checkpoint));
    }
    let leaves = assert_log_consistent(&*store, db).await;
    let n = leaves.len() as u64;
    checkpoints.sort_by_key(|c| c.checkpoint.size);
    checkpoints.dedup_by_key(|c| c.checkpoint.size);
    let mut sizes: Vec<u64> = checkpoints.iter().map(|c| c.checkpoint.size).collect();
    sizes.extend([1, 2, 3, 255, 256, 257, 511, 512, n]);
    sizes.sort_unstable();
    sizes.dedup();

    for cp in &checkpoints {
        let size = cp.checkpoint.size;
        assert_eq!(cp.checkpoint.root, merkle::root(&leaves[..size as usize]));
        assert_eq!(store.root_at(size).await.unwrap(), cp.checkpoint.root);
    }
    for &size in &sizes {
        let root = merkle::root(&leaves[..size as usize]);
        for index in [0, 1, size / 2, size.saturating_sub(2), size - 1] {
            if index >= size {
                continue;
            }
            let p = store.inclusion_proof(index, size).await.unwrap();
            assert_eq!(
                (p.index, p.tree_size, p.leaf_hash),
                (index, size, leaves[index as usize])
            );
            merkle::verify_inclusion(&p.leaf_hash, index, size, &p.hashes, &root).unwrap();
            assert_eq!(
                p.hashes,
                merkle::inclusion_proof(index, &leaves[..size as usize]).unwrap()
            );
            let by_hash = store
                .inclusion_proof_by_leaf_hash(&leaves[index as usize], size)
                .await
                .unwrap();
            assert_eq!(by_hash, p);
        }
        for &m in &sizes {
            if m > size {
                break;
            }
            let proof = store.consistency_proof(m, size).await.unwrap();
            let root_m = merkle::root(&leaves[..m as usize]);
            merkle::verify_consistency(m, size, &proof, &root_m, &root).unwrap();
            assert_eq!(
                proof,
                merkle::consistency_proof(m, &leaves[..size as usize]).unwrap()
            );
        }
    }
    // Between successive checkpoints handed out to clients.
    for w in checkpoints.windows(2) {
        let (a, b) = (&w[0].checkpoint, &w[1].checkpoint);
        let proof = store.consistency_proof(a.size, b.size).await.unwrap();
        merkle::verify_consistency(a.size, b.size, &proof, &a.root, &b.root).unwrap();
    }

    // Invalid requests.
    assert!(matches!(
        store.inclusion_proof(n, n).await,
        Err(StoreError::Proof(_))
    ));
    assert!(matches!(
        store.inclusion_proof(0, n + 1).await,
        Err(StoreError::BeyondTree { requested, current }) if requested == n + 1 && current == n
    ));
    assert!(matches!(
        store.consistency_proof(5, 4).await,
        Err(StoreError::Proof(_))
    ));
    assert!(matches!(
        store.consistency_proof(1, n + 1).await,
        Err(StoreError::BeyondTree { .. })
    ));
    assert!(matches!(
        store.root_at(n + 1).await,
        Err(StoreError::BeyondTree { .. })
    ));
    // The leaf exists, but not in the smaller tree.
    let last = leaves[n as usize - 1];
    assert!(matches!(
        store.inclusion_proof_by_leaf_hash(&last, n - 1).await,
        Err(StoreError::LeafNotFound { .. })
    ));
    store.close().await;
}

async fn tiles_and_bundles_match_tree(db: &TestDb) {
    let store = Arc::new(db.open().await);
    let entries = common::entries("tiles", 600);
    append_all(&store, &entries).await;
    let leaves = all_leaf_hashes(&*store).await;
    let n = leaves.len() as u64;
    let mut by_index = vec![Vec::new(); entries.len()];
    for e in store.entries(0, 1000).await.unwrap() {
        by_index[e.index as usize] = e.data;
    }
    // Level 1 of the tiles: the complete 256-leaf subtrees.
    let level8: Vec<Hash> = leaves.chunks_exact(256).map(merkle::root).collect();
    let tiles = tiles::tiles_for_size(n);
    assert_eq!(tiles.len(), 4); // 0/0, 0/1, 0/2.p/88, 1/0.p/2
    for t in tiles {
        let bytes = store.tile(t).await.unwrap();
        let rows = match t.level {
            0 => &leaves[..],
            1 => &level8[..],
            _ => unreachable!(),
        };
        let start = (t.index * 256) as usize;
        assert_eq!(
            bytes,
            tiles::tile_bytes(&rows[start..start + usize::from(t.width)]),
            "{}",
            t.path()
        );
        assert_eq!(store.read_tile_path(&t.path()).await.unwrap(), bytes);
    }
    // A partial tile for an older tree at the right edge is a prefix.
    let older = TileId {
        level: 0,
        index: 2,
        width: 10,
    };
    assert_eq!(
        store.tile(older).await.unwrap(),
        tiles::tile_bytes(&leaves[512..522])
    );
    // Not available: beyond the tree, wider than the tree, not yet full, or partial while the
    // full tile exists.
    for t in [
        TileId {
            level: 0,
            index: 3,
            width: 1,
        },
        TileId {
            level: 0,
            index: 2,
            width: 89,
        },
        TileId {
            level: 0,
            index: 2,
            width: 256,
        },
        TileId {
            level: 0,
            index: 0,
            width: 255,
        },
        TileId {
            level: 1,
            index: 0,
            width: 3,
        },
        TileId {
            level: 1,
            index: 0,
            width: 256,
        },
        TileId {
            level: 2,
            index: 0,
            width: 1,
        },
        TileId {
            level: 63,
            index: u64::MAX,
            width: 256,
        },
    ] {
        match store.tile(t).await {
            Err(StoreError::TileNotAvailable { path, tree_size }) => {
                assert_eq!((path, tree_size), (t.path(), n));
            }
            other => panic!("{}: expected TileNotAvailable, got {other:?}", t.path()),
        }
    }
    assert!(matches!(
        store.read_tile_path("tile/0/1").await,
        Err(StoreError::TilePath(_))
    ));
    // Entry bundles.
    for b in tiles::entry_bundles_for_size(n) {
        let start = (b.index * 256) as usize;
        let expected =
            tiles::entry_bundle_bytes(&by_index[start..start + usize::from(b.width)]).unwrap();
        assert_eq!(store.entry_bundle(b).await.unwrap(), expected);
        assert_eq!(store.read_tile_path(&b.path()).await.unwrap(), expected);
    }
    assert!(matches!(
        store
            .entry_bundle(EntryBundleId {
                index: 2,
                width: 256
            })
            .await,
        Err(StoreError::TileNotAvailable { .. })
    ));
    store.close().await;
}

async fn queue_full_fails_fast(db: &TestDb) {
    let mut config = db.config();
    config.queue_capacity = 4;
    config.max_batch_size = 2;
    config.busy_timeout = Duration::from_secs(30);
    let store = Arc::new(db.open_with(config).await.unwrap());
    // Block the writer: another connection holds the log's write lock.
    let lock = db.hold_write_lock().await;
    let mut waiting = tokio::task::JoinSet::new();
    let mut refused = None;
    // At most: one batch stuck in the writer (2) + the queue (4) can be accepted.
    for i in 0..20 {
        let started = Instant::now();
        let store2 = Arc::clone(&store);
        let (tx, rx) = tokio::sync::oneshot::channel();
        waiting.spawn(async move {
            let r = store2.append(format!("queued {i}").into_bytes()).await;
            let fast = r
                .as_ref()
                .err()
                .map(StoreError::is_queue_full)
                .unwrap_or(false);
            let _ = tx.send(fast);
            r
        });
        // A refused append answers at once; an accepted one stays pending.
        match tokio::time::timeout(Duration::from_millis(200), rx).await {
            Ok(Ok(true)) => {
                assert!(started.elapsed() < Duration::from_millis(200));
                refused = Some(i);
                break;
            }
            Ok(other) => panic!("append {i} finished while the log was locked: {other:?}"),
            Err(_) => {} // pending: queued
        }
    }
    let refused = refused.expect("QueueFull never reported");
    assert!(
        (4..=7).contains(&refused),
        "refused after {refused} accepted appends"
    );
    lock.release().await;
    let mut ok = 0;
    let mut full = 0;
    while let Some(r) = waiting.join_next().await {
        match r.unwrap() {
            Ok(_) => ok += 1,
            Err(StoreError::QueueFull { capacity: 4 }) => full += 1,
            Err(e) => panic!("unexpected error {e}"),
        }
    }
    assert_eq!((ok, full), (refused, 1));
    assert_eq!(store.tree_size().await.unwrap(), refused as u64);
    // The queue drains and appends work again.
    store.append(b"after".to_vec()).await.unwrap();
    assert_log_consistent(&*store, db).await;
    store.close().await;
}

async fn checkpoint_compare_and_swap(db: &TestDb) {
    let store = Arc::new(db.open().await);
    let old = store.append(b"first".to_vec()).await.unwrap().checkpoint;
    append_all(&store, &common::entries("cas", 40)).await;
    let latest = store.latest_checkpoint().await.unwrap();
    assert!(latest.checkpoint.size > old.checkpoint.size);

    // An older checkpoint, validly signed, is refused.
    match store.store_checkpoint(&old.note).await {
        Err(StoreError::CheckpointConflict { .. }) => {}
        other => panic!("expected CheckpointConflict, got {other:?}"),
    }
    // Same size as the latest, different root, validly signed: refused.
    let forged = Checkpoint::new(common::ORIGIN, latest.checkpoint.size, leaf_hash(b"fork"))
        .unwrap()
        .sign(&db.signer())
        .unwrap();
    assert!(matches!(
        store.store_checkpoint(&forged).await,
        Err(StoreError::CheckpointConflict { .. })
    ));
    // Larger than the tree: refused.
    let ahead = Checkpoint::new(
        common::ORIGIN,
        latest.checkpoint.size + 1,
        latest.checkpoint.root,
    )
    .unwrap()
    .sign(&db.signer())
    .unwrap();
    assert!(matches!(
        store.store_checkpoint(&ahead).await,
        Err(StoreError::CheckpointConflict { .. })
    ));
    // Signed by another key: refused.
    let (other_key, _) = NoteSigner::generate(common::ORIGIN);
    let foreign = latest.checkpoint.sign(&other_key).unwrap();
    assert!(matches!(
        store.store_checkpoint(&foreign).await,
        Err(StoreError::Checkpoint(_))
    ));
    // Another origin, signed by the log key: refused.
    let wrong_origin = Checkpoint::new(
        "other.test/log",
        latest.checkpoint.size,
        latest.checkpoint.root,
    )
    .unwrap()
    .sign(&db.signer())
    .unwrap();
    assert!(matches!(
        store.store_checkpoint(&wrong_origin).await,
        Err(StoreError::CheckpointConflict { .. })
    ));
    // The same tree again (e.g. with cosignatures) is accepted and becomes the latest.
    let again = store.store_checkpoint(&latest.note).await.unwrap();
    assert_eq!(again.checkpoint, latest.checkpoint);

    // The database refuses an older checkpoint even from raw SQL.
    let raw = format!(
        "INSERT INTO checkpoints (size, root, note) VALUES ({}, {}, 'raw')",
        old.checkpoint.size,
        hex_literal(db, &old.checkpoint.root)
    );
    let err = db
        .raw_execute(&raw)
        .await
        .expect_err("older checkpoint")
        .to_string();
    assert!(err.contains("wastetrail: checkpoint"), "{err}");
    assert_eq!(store.latest_checkpoint().await.unwrap(), latest);
    // Appends go on and sign newer checkpoints.
    let next = store.append(b"after cas".to_vec()).await.unwrap();
    assert_eq!(next.checkpoint.checkpoint.size, latest.checkpoint.size + 1);
    assert_log_consistent(&*store, db).await;
    store.close().await;
}

fn hex_literal(db: &TestDb, h: &Hash) -> String {
    let hex: String = h.iter().map(|b| format!("{b:02x}")).collect();
    match db.kind {
        common::Kind::Sqlite => format!("x'{hex}'"),
        common::Kind::Postgres => format!("'\\x{hex}'::bytea"),
    }
}

async fn append_only_in_database(db: &TestDb) {
    let store = Arc::new(db.open().await);
    append_all(&store, &common::entries("triggers", 300)).await;
    let before = assert_log_consistent(&*store, db).await;
    assert_eq!(db.raw_i64("SELECT COUNT(*) FROM tree_nodes").await, 1);
    let attempts = [
        "UPDATE entries SET data = leaf_hash WHERE idx = 5",
        "UPDATE entries SET leaf_hash = leaf_hash WHERE idx = 0",
        "DELETE FROM entries WHERE idx = 299",
        "DELETE FROM entries",
        "UPDATE tree_nodes SET idx = idx + 1",
        "DELETE FROM tree_nodes",
        "UPDATE checkpoints SET note = 'x'",
        "DELETE FROM checkpoints",
        "DELETE FROM log_state",
        "UPDATE log_state SET size = size - 1",
        "UPDATE log_state SET size = size + 1",
        "UPDATE log_state SET origin = 'elsewhere'",
    ];
    for sql in attempts {
        let err = db.raw_execute(sql).await.expect_err(sql).to_string();
        // Refused by the append-only triggers, not by anything else.
        assert!(err.contains("wastetrail:"), "{sql}: {err}");
    }
    if db.kind == common::Kind::Postgres {
        for sql in [
            "TRUNCATE entries",
            "TRUNCATE checkpoints CASCADE",
            "TRUNCATE log_state",
        ] {
            let err = db.raw_execute(sql).await.expect_err(sql).to_string();
            assert!(err.contains("wastetrail:"), "{sql}: {err}");
        }
    }
    // Nothing changed, and the writer still works.
    assert_eq!(assert_log_consistent(&*store, db).await, before);
    assert_eq!(db.raw_i64("SELECT COUNT(*) FROM tree_nodes").await, 1);
    store.append(b"still appending".to_vec()).await.unwrap();
    store.close().await;
}

async fn reopen_keeps_everything(db: &TestDb) {
    let store = Arc::new(db.open().await);
    let receipts = append_all(&store, &common::entries("reopen", 270)).await;
    let latest = store.latest_checkpoint().await.unwrap();
    let proof = store.inclusion_proof(17, 270).await.unwrap();
    let tile = store
        .tile(TileId {
            level: 1,
            index: 0,
            width: 1,
        })
        .await
        .unwrap();
    store.close().await;
    assert!(matches!(
        store.append(b"late".to_vec()).await,
        Err(StoreError::Closed)
    ));
    drop(store);

    // Wrong origin or wrong key: refused.
    let mut other_origin = db.config();
    other_origin.origin = "other.test/log".into();
    assert!(matches!(
        db.open_with(other_origin).await,
        Err(StoreError::OriginMismatch { .. })
    ));
    let (other_key, _) = NoteSigner::generate(common::ORIGIN);
    assert!(matches!(
        wastetrail_store::open(&db.url, other_key, db.config()).await,
        Err(StoreError::KeyMismatch(_))
    ));

    let store = Arc::new(db.open().await);
    assert_eq!(store.latest_checkpoint().await.unwrap(), latest);
    assert_eq!(store.inclusion_proof(17, 270).await.unwrap(), proof);
    assert_eq!(
        store
            .tile(TileId {
                level: 1,
                index: 0,
                width: 1
            })
            .await
            .unwrap(),
        tile
    );
    for r in &receipts {
        assert_eq!(
            store.entry(r.index).await.unwrap().unwrap().leaf_hash,
            r.leaf_hash
        );
    }
    let next = store.append(b"after reopen".to_vec()).await.unwrap();
    assert_eq!(next.index, 270);
    assert_log_consistent(&*store, db).await;
    store.close().await;
}

async fn concurrent_appends_are_gap_free(db: &TestDb) {
    let store = Arc::new(db.open().await);
    let mut tasks = tokio::task::JoinSet::new();
    for t in 0..40 {
        let store = Arc::clone(&store);
        tasks.spawn(async move {
            let mut got = Vec::new();
            for i in 0..25 {
                let e = format!("task {t} entry {i}").into_bytes();
                let r = store.append(e.clone()).await.unwrap();
                assert_eq!(r.leaf_hash, leaf_hash(&e));
                got.push(r.index);
            }
            // One task's appends are answered in order.
            assert!(got.windows(2).all(|w| w[0] < w[1]));
            got
        });
    }
    let mut all = Vec::new();
    while let Some(r) = tasks.join_next().await {
        all.extend(r.unwrap());
    }
    all.sort_unstable();
    assert_eq!(all, (0..1000).collect::<Vec<u64>>());
    assert_log_consistent(&*store, db).await;
    store.close().await;
}

async fn two_stores_share_one_log(db: &TestDb) {
    // Two stores (as two server processes would) append to one database at the same time.
    let a = Arc::new(db.open().await);
    let b = Arc::new(db.open().await);
    let ea = common::entries("store a", 400);
    let eb = common::entries("store b", 400);
    let (ra, rb) = tokio::join!(append_all(&a, &ea), append_all(&b, &eb));
    let mut indices: Vec<u64> = ra.iter().chain(&rb).map(|r| r.index).collect();
    indices.sort_unstable();
    assert_eq!(indices, (0..800).collect::<Vec<u64>>());
    let leaves = assert_log_consistent(&*a, db).await;
    for (e, r) in ea.iter().chain(&eb).zip(ra.iter().chain(&rb)) {
        assert_eq!(leaves[r.index as usize], leaf_hash(e));
        // Each receipt's checkpoint is a prefix of the final tree.
        let cp = &r.checkpoint.checkpoint;
        assert_eq!(cp.root, merkle::root(&leaves[..cp.size as usize]));
    }
    // Both see the same tree.
    assert_eq!(
        a.latest_checkpoint().await.unwrap(),
        b.latest_checkpoint().await.unwrap()
    );
    a.close().await;
    b.close().await;
}

async fn large_tree_has_upper_tile_rows(db: &TestDb) {
    // 65536 + 300 leaves: the first level-16 node exists, so proofs read three tile rows.
    let mut config = db.config();
    config.max_batch_size = 2048;
    config.queue_capacity = 70_000;
    config.max_batch_delay = Duration::from_millis(5);
    let store = Arc::new(db.open_with(config).await.unwrap());
    let n = 65_536 + 300;
    append_all(&store, &common::entries("large", n)).await;
    let leaves = assert_log_consistent(&*store, db).await;
    assert_eq!(
        db.raw_i64("SELECT COUNT(*) FROM tree_nodes WHERE level = 16")
            .await,
        1
    );
    assert_eq!(
        db.raw_i64("SELECT COUNT(*) FROM tree_nodes WHERE level = 8")
            .await,
        257
    );
    let size = n as u64;
    let root = merkle::root(&leaves);
    for index in [0, 255, 256, 40_000, 65_535, 65_536, size - 1] {
        let p = store.inclusion_proof(index, size).await.unwrap();
        merkle::verify_inclusion(&leaves[index as usize], index, size, &p.hashes, &root).unwrap();
    }
    for m in [1, 256, 65_536, 65_537] {
        let p = store.consistency_proof(m, size).await.unwrap();
        merkle::verify_consistency(m, size, &p, &merkle::root(&leaves[..m as usize]), &root)
            .unwrap();
    }
    let upper = store
        .tile(TileId {
            level: 2,
            index: 0,
            width: 1,
        })
        .await
        .unwrap();
    assert_eq!(upper, merkle::root(&leaves[..65_536]).to_vec());
    store.close().await;
}

/// An append guarded by `key` having `expected` (None: absent) that writes `key = version`.
fn guarded(entry: &str, key: &str, expected: Option<&str>, version: &str) -> AppendRequest {
    AppendRequest {
        entry: entry.as_bytes().to_vec(),
        preconditions: vec![Precondition {
            key: key.to_owned(),
            expected_version: expected.map(str::to_owned),
        }],
        writes: vec![ProjectionWrite {
            key: key.to_owned(),
            version: version.to_owned(),
            value: format!("{{\"entry\":\"{entry}\"}}").into_bytes(),
        }],
        disclosure: None,
    }
}

async fn preconditions_guard_appends_and_projections(db: &TestDb) {
    let store = db.open().await;
    let first = store
        .append_with(guarded("case 1 opened", "case/1", None, "v1"))
        .await
        .unwrap();
    assert_eq!(first.index, 0);
    let row = store.projection("case/1").await.unwrap().unwrap();
    assert_eq!((row.version.as_str(), row.index), ("v1", 0));
    assert_eq!(row.value, br#"{"entry":"case 1 opened"}"#.to_vec());

    // A stale expectation is refused with the current version; nothing is written.
    let stale = store
        .append_with(guarded("case 1 again", "case/1", None, "v2"))
        .await
        .unwrap_err();
    match stale {
        StoreError::Conflict {
            key,
            current_version,
        } => {
            assert_eq!(key, "case/1");
            assert_eq!(current_version.as_deref(), Some("v1"));
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(store.tree_size().await.unwrap(), 1);
    assert_eq!(
        store.projection("case/1").await.unwrap().unwrap().version,
        "v1"
    );

    // The right expectation moves the row forward and records the new entry's index.
    let second = store
        .append_with(guarded("case 1 consent", "case/1", Some("v1"), "v2"))
        .await
        .unwrap();
    assert_eq!(second.index, 1);
    let row = store.projection("case/1").await.unwrap().unwrap();
    assert_eq!((row.version.as_str(), row.index), ("v2", 1));

    // Plain appends leave projections alone; prefixes are literal (no LIKE wildcards).
    store.append(b"plain".to_vec()).await.unwrap();
    store
        .append_with(guarded("case 2", "case/2", None, "w1"))
        .await
        .unwrap();
    store
        .append_with(guarded("other", "case_%", None, "x1"))
        .await
        .unwrap();
    let keys: Vec<String> = store
        .projections_with_prefix("case/")
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.key)
        .collect();
    assert_eq!(keys, ["case/1", "case/2"]);
    assert_eq!(
        store.projections_with_prefix("case_").await.unwrap().len(),
        1
    );
    assert!(store.projection("case/3").await.unwrap().is_none());
    assert_log_consistent(&store, db).await;
    store.close().await;

    // Projections survive a reopen.
    let reopened = db.open().await;
    assert_eq!(
        reopened
            .projection("case/1")
            .await
            .unwrap()
            .unwrap()
            .version,
        "v2"
    );
    reopened.close().await;
}

async fn concurrent_preconditions_admit_exactly_one(db: &TestDb) {
    // Two stores on one database (two processes sharing a PostgreSQL log; on SQLite two
    // pools on one file), 40 racing requests expecting the same absent row: one wins.
    let a = Arc::new(db.open().await);
    let b = Arc::new(db.open().await);
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..40 {
        let store = Arc::clone(if i % 2 == 0 { &a } else { &b });
        tasks.spawn(async move {
            store
                .append_with(guarded(
                    &format!("race {i}"),
                    "case/race",
                    None,
                    &format!("r{i}"),
                ))
                .await
        });
    }
    let (mut won, mut conflicts) = (Vec::new(), 0);
    while let Some(r) = tasks.join_next().await {
        match r.unwrap() {
            Ok(receipt) => won.push(receipt),
            Err(StoreError::Conflict {
                key,
                current_version,
            }) => {
                assert_eq!(key, "case/race");
                assert!(current_version.is_some());
                conflicts += 1;
            }
            Err(other) => panic!("unexpected error {other:?}"),
        }
    }
    assert_eq!((won.len(), conflicts), (1, 39));
    let row = a.projection("case/race").await.unwrap().unwrap();
    assert_eq!(row.index, won[0].index);
    assert_eq!(a.tree_size().await.unwrap(), 1);
    assert_log_consistent(&*a, db).await;
    a.close().await;
    b.close().await;
}

/// Disclosures are written with their entry (and not when the entry is refused), read back
/// in order, replaced only through `replace_disclosure`, never deleted; the log does not
/// change when one is replaced.
async fn disclosures_live_beside_the_log(db: &TestDb) {
    let store = db.open().await;
    let with = |entry: &str, d: Option<&str>| AppendRequest {
        entry: entry.as_bytes().to_vec(),
        disclosure: d.map(|d| d.as_bytes().to_vec()),
        ..Default::default()
    };
    store.append_with(with("e0", Some("body 0"))).await.unwrap();
    store.append_with(with("e1", None)).await.unwrap();
    store.append_with(with("e2", Some("body 2"))).await.unwrap();
    // Refused by its precondition: neither the entry nor its disclosure is written.
    let mut refused = with("e3", Some("never stored"));
    refused.preconditions.push(Precondition {
        key: "k".into(),
        expected_version: Some("v".into()),
    });
    assert!(matches!(
        store.append_with(refused).await,
        Err(StoreError::Conflict { .. })
    ));
    let got = store.disclosures(0, 10).await.unwrap();
    let got: Vec<_> = got
        .iter()
        .map(|d| (d.index, d.data.as_slice(), d.erased_at.is_some()))
        .collect();
    assert_eq!(
        got,
        [(0, &b"body 0"[..], false), (2, &b"body 2"[..], false)]
    );
    assert_eq!(store.disclosures(1, 1).await.unwrap().len(), 0);
    let before = assert_log_consistent(&store, db).await;
    assert!(
        store
            .replace_disclosure(2, b"body 2 erased", "2030-01-01T00:00:00Z")
            .await
            .unwrap()
    );
    assert!(
        !store
            .replace_disclosure(1, b"x", "2030-01-01T00:00:00Z")
            .await
            .unwrap()
    );
    let d = store.disclosures(2, 1).await.unwrap().remove(0);
    assert_eq!(d.data, b"body 2 erased");
    assert_eq!(d.erased_at.as_deref(), Some("2030-01-01T00:00:00Z"));
    for sql in [
        "DELETE FROM disclosures WHERE idx = 0",
        "DELETE FROM disclosures",
    ] {
        let err = db.raw_execute(sql).await.expect_err(sql).to_string();
        assert!(err.contains("wastetrail:"), "{sql}: {err}");
    }
    assert_eq!(assert_log_consistent(&store, db).await, before);
    assert_eq!(store.disclosures(0, 10).await.unwrap().len(), 2);
    store.close().await;
}

//! Store benchmarks (issue 2 §4).
//!
//! 1. Append throughput: 256 concurrent appends through the ledger store (one group commit:
//!    leaves, tile rows, state, signed checkpoint) against a plain multi-row `INSERT` of the
//!    same bytes, 256 rows in one transaction, on the same backend with the same durability
//!    settings. Reported by criterion, and as a ratio from an interleaved manual run.
//! 2. Inclusion proofs in a 1,000,000-entry SQLite log (built once in a temporary directory
//!    with large batches): p50/p99 of many random proofs, measured here (criterion only
//!    reports means), plus a criterion mean.
//!
//! PostgreSQL runs too when `WASTETRAIL_TEST_PG_URL` is set (a fresh database, dropped after).
//! Sizes can be reduced for a quick run with `WASTETRAIL_BENCH_PROOF_ENTRIES`.
//! `WASTETRAIL_BENCH_ONLY=append` or `=proofs` runs one part only.
//! `WASTETRAIL_BENCH_DROP_LEAF_INDEX=1` drops the SQLite leaf-hash index of the append
//! benchmark's database, to show what that index costs (a breakdown, not a configuration).

// A benchmark that cannot set itself up should stop loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::str::FromStr as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput};
use rand::Rng as _;
use sqlx::{Connection as _, Executor as _, QueryBuilder};
use tokio::runtime::Runtime;
use wastetrail_e2e::pg::FreshDatabase;
use wastetrail_ledger::merkle;
use wastetrail_ledger::note::NoteSigner;
use wastetrail_store::{LedgerStore, Store, StoreConfig};

const ORIGIN: &str = "wastetrail.bench/log";
const BATCH: usize = 256;

/// A realistic entry: a JSON leaf of about 500 bytes.
fn entry(n: u64) -> Vec<u8> {
    format!(
        "{{\"integrated_at\":\"2026-11-28T23:40:00Z\",\"sig\":\"{}\",\"statement\":{{\"type\":\
         \"movement.started\",\"case\":\"DE-2026-{n:08}\",\"actor\":\"exporter-{}\",\"body\":\
         {{\"waste\":\"A1180\",\"quantity_kg\":{n},\"from\":\"DE\",\"to\":\"PL\",\"note\":\"{}\"}}}}}}",
        "A".repeat(86),
        n % 97,
        "x".repeat(200)
    )
    .into_bytes()
}

/// The plain-insert comparator: same bytes, same batch, same backend and durability.
enum Plain {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl Plain {
    async fn insert_batch(&self, first: u64, entries: &[Vec<u8>]) {
        match self {
            Plain::Sqlite(pool) => {
                let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.unwrap();
                let mut q = QueryBuilder::<sqlx::Sqlite>::new("INSERT INTO plain (idx, data) ");
                q.push_values(entries.iter().enumerate(), |mut row, (i, e)| {
                    row.push_bind((first + i as u64) as i64)
                        .push_bind(e.as_slice());
                });
                q.build().execute(&mut *tx).await.unwrap();
                tx.commit().await.unwrap();
            }
            Plain::Postgres(pool) => {
                let mut tx = pool.begin().await.unwrap();
                let mut q = QueryBuilder::<sqlx::Postgres>::new("INSERT INTO plain (idx, data) ");
                q.push_values(entries.iter().enumerate(), |mut row, (i, e)| {
                    row.push_bind((first + i as u64) as i64)
                        .push_bind(e.as_slice());
                });
                q.build().execute(&mut *tx).await.unwrap();
                tx.commit().await.unwrap();
            }
        }
    }
}

/// A ledger store and its plain-insert comparator on one backend.
struct Setup {
    name: &'static str,
    store: Arc<Store>,
    plain: Plain,
    _dir: Option<tempfile::TempDir>,
    /// The fresh PostgreSQL database (`wastetrail_e2e::pg`), dropped with the setup.
    _pg: Option<FreshDatabase>,
}

async fn sqlite_setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("ledger.db").display());
    let store = wastetrail_store::open(
        &url,
        NoteSigner::generate(ORIGIN).0,
        StoreConfig::new(ORIGIN),
    )
    .await
    .unwrap();
    // Breakdown only (not the real store): measure the cost of the leaf-hash index.
    if std::env::var("WASTETRAIL_BENCH_DROP_LEAF_INDEX").is_ok_and(|v| v == "1") {
        let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
        c.execute("DROP INDEX entries_by_leaf_hash").await.unwrap();
    }
    let opts = sqlx::sqlite::SqliteConnectOptions::from_str(&format!(
        "sqlite:{}",
        dir.path().join("plain.db").display()
    ))
    .unwrap()
    .create_if_missing(true)
    .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
    .synchronous(sqlx::sqlite::SqliteSynchronous::Full);
    let pool = sqlx::SqlitePool::connect_with(opts).await.unwrap();
    pool.execute("CREATE TABLE plain (idx INTEGER PRIMARY KEY, data BLOB NOT NULL) STRICT")
        .await
        .unwrap();
    Setup {
        name: "sqlite",
        store: Arc::new(store),
        plain: Plain::Sqlite(pool),
        _dir: Some(dir),
        _pg: None,
    }
}

async fn postgres_setup(pg: FreshDatabase) -> Setup {
    let url = pg.url().to_owned();
    let store = wastetrail_store::open(
        &url,
        NoteSigner::generate(ORIGIN).0,
        StoreConfig::new(ORIGIN),
    )
    .await
    .unwrap();
    let opts = sqlx::postgres::PgConnectOptions::from_str(&url)
        .unwrap()
        .options([("synchronous_commit", "on")]);
    let pool = sqlx::PgPool::connect_with(opts).await.unwrap();
    pool.execute("CREATE TABLE plain (idx BIGINT PRIMARY KEY, data BYTEA NOT NULL)")
        .await
        .unwrap();
    Setup {
        name: "postgres",
        store: Arc::new(store),
        plain: Plain::Postgres(pool),
        _dir: None,
        _pg: Some(pg),
    }
}

/// Appends one batch of `BATCH` entries concurrently and waits for all receipts.
async fn ledger_batch(store: &Arc<Store>, first: u64) {
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..BATCH as u64 {
        let store = Arc::clone(store);
        tasks.spawn(async move { store.append(entry(first + i)).await.unwrap() });
    }
    while let Some(r) = tasks.join_next().await {
        r.unwrap();
    }
}

async fn plain_batch(plain: &Plain, first: u64) {
    let entries: Vec<Vec<u8>> = (0..BATCH as u64).map(|i| entry(first + i)).collect();
    plain.insert_batch(first, &entries).await;
}

fn bench_append(c: &mut Criterion, rt: &Runtime, setup: &Setup) {
    let mut group = c.benchmark_group(format!("append_{}", setup.name));
    group.throughput(Throughput::Elements(BATCH as u64));
    let mut next_ledger = 0u64;
    group.bench_function(BenchmarkId::new("ledger", BATCH), |b| {
        b.to_async(rt).iter(|| {
            let first = next_ledger;
            next_ledger += BATCH as u64;
            let store = Arc::clone(&setup.store);
            async move { ledger_batch(&store, first).await }
        });
    });
    let mut next_plain = 0u64;
    group.bench_function(BenchmarkId::new("plain_insert", BATCH), |b| {
        b.to_async(rt).iter(|| {
            let first = next_plain;
            next_plain += BATCH as u64;
            let plain = &setup.plain;
            async move { plain_batch(plain, first).await }
        });
    });
    group.finish();

    // Interleaved manual run for the ratio (same conditions for both, alternating).
    let rounds = 100;
    let (mut ledger, mut plain) = (Vec::new(), Vec::new());
    rt.block_on(async {
        let base = setup.store.tree_size().await.unwrap().max(next_plain) + 1_000_000;
        for r in 0..rounds {
            let first = base + r * BATCH as u64;
            let t = Instant::now();
            ledger_batch(&setup.store, first).await;
            ledger.push(t.elapsed());
            let t = Instant::now();
            plain_batch(&setup.plain, first).await;
            plain.push(t.elapsed());
        }
    });
    let mean = |v: &[Duration]| v.iter().sum::<Duration>() / v.len() as u32;
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let (lm, pm) = (mean(&ledger), mean(&plain));
    let (lmed, pmed) = (median(&mut ledger), median(&mut plain));
    println!(
        "RATIO {}: {rounds} interleaved batches of {BATCH}: ledger mean {lm:?} (median {lmed:?}), \
         plain INSERT mean {pm:?} (median {pmed:?}); ledger/plain = {:.2} (means), {:.2} (medians); \
         ledger throughput {:.0} entries/s",
        setup.name,
        lm.as_secs_f64() / pm.as_secs_f64(),
        lmed.as_secs_f64() / pmed.as_secs_f64(),
        BATCH as f64 / lm.as_secs_f64()
    );
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn bench_proofs(c: &mut Criterion, rt: &Runtime) {
    let n: u64 = std::env::var("WASTETRAIL_BENCH_PROOF_ENTRIES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("big.db").display());
    let mut config = StoreConfig::new(ORIGIN);
    config.max_batch_size = 16_384;
    config.queue_capacity = 20_000;
    config.max_batch_delay = Duration::from_millis(20);
    let store = Arc::new(
        rt.block_on(wastetrail_store::open(
            &url,
            NoteSigner::generate(ORIGIN).0,
            config,
        ))
        .unwrap(),
    );
    let built = Instant::now();
    rt.block_on(async {
        let mut next = 0u64;
        while next < n {
            let wave = (n - next).min(16_384);
            let mut tasks = tokio::task::JoinSet::new();
            for i in next..next + wave {
                let store = Arc::clone(&store);
                tasks.spawn(async move {
                    store
                        .append(
                            format!("{{\"bench\":{i},\"pad\":\"{}\"}}", "p".repeat(64))
                                .into_bytes(),
                        )
                        .await
                        .unwrap()
                });
            }
            while let Some(r) = tasks.join_next().await {
                r.unwrap();
            }
            next += wave;
        }
    });
    let size = rt.block_on(store.tree_size()).unwrap();
    assert_eq!(size, n);
    let root = rt
        .block_on(store.latest_checkpoint())
        .unwrap()
        .checkpoint
        .root;
    println!(
        "PROOFS: built a {n}-entry SQLite log in {:?}",
        built.elapsed()
    );

    // Random proofs, timed one by one.
    let samples = 20_000;
    let mut by_index = Vec::with_capacity(samples);
    let mut by_hash = Vec::with_capacity(samples);
    rt.block_on(async {
        let mut rng = rand::thread_rng();
        for s in 0..samples {
            let index = rng.gen_range(0..n);
            let t = Instant::now();
            let p = store.inclusion_proof(index, n).await.unwrap();
            by_index.push(t.elapsed());
            let t = Instant::now();
            let q = store
                .inclusion_proof_by_leaf_hash(&p.leaf_hash, n)
                .await
                .unwrap();
            by_hash.push(t.elapsed());
            if s % 50 == 0 {
                merkle::verify_inclusion(&p.leaf_hash, index, n, &p.hashes, &root).unwrap();
                assert_eq!(p.hashes, q.hashes);
            }
        }
    });
    for (what, v) in [("by index", &mut by_index), ("by leaf hash", &mut by_hash)] {
        v.sort();
        println!(
            "PROOFS {what}: {samples} random inclusion proofs at size {n}: p50 {:?}, p90 {:?}, \
             p99 {:?}, max {:?}",
            percentile(v, 0.5),
            percentile(v, 0.9),
            percentile(v, 0.99),
            v[v.len() - 1]
        );
    }

    let mut group = c.benchmark_group("inclusion_proof");
    group.bench_function(BenchmarkId::new("sqlite_random_index", n), |b| {
        b.to_async(rt).iter(|| {
            let index = rand::thread_rng().gen_range(0..n);
            let store = Arc::clone(&store);
            async move { store.inclusion_proof(index, n).await.unwrap() }
        });
    });
    group.finish();
    rt.block_on(store.close());
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut c = Criterion::default()
        .configure_from_args()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    // `WASTETRAIL_BENCH_ONLY=append` or `=proofs` runs one part.
    let only = std::env::var("WASTETRAIL_BENCH_ONLY").unwrap_or_default();
    if only != "proofs" {
        let setup = rt.block_on(sqlite_setup());
        bench_append(&mut c, &rt, &setup);
        rt.block_on(setup.store.close());
        drop(setup);
    }
    if only == "proofs" {
    } else if let Some(pg) = FreshDatabase::create("the PostgreSQL benchmark") {
        let setup = rt.block_on(postgres_setup(pg));
        bench_append(&mut c, &rt, &setup);
        rt.block_on(setup.store.close());
        drop(setup);
    }
    if only != "append" {
        bench_proofs(&mut c, &rt);
    }
    c.final_summary();
}

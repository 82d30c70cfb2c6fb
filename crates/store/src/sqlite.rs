//! SQLite backend: one database file in WAL mode with `synchronous=FULL`; the writer takes
//! the database write lock with `BEGIN IMMEDIATE` for each batch.

use std::str::FromStr as _;

use std::collections::HashMap;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{QueryBuilder, Sqlite};
use wastetrail_ledger::merkle::{EMPTY_ROOT, Hash};
use wastetrail_ledger::note::NoteSigner;

use crate::core::{
    Backend, BatchOutcome, LatestCheckpoint, LogState, Pending, admit, check_checkpoint_cas,
    contiguous_hashes, disclosure_rows, plan_batch, precondition_keys, projection_rows, split_runs,
};
use crate::error::{to_hash, to_i64, to_u64};
use crate::{Entry, ProjectionRow, SignedCheckpoint, StoreConfig, StoreError, StoredDisclosure};

/// Rows per multi-row `INSERT` (3 parameters each, far below SQLite's 32766 limit).
const ROWS_PER_INSERT: usize = 256;

/// The embedded SQLite migrations (`migrations/sqlite`).
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/sqlite");

/// SQL of the SQLite backend.
pub(crate) struct SqliteBackend {
    pool: SqlitePool,
}

impl SqliteBackend {
    /// Opens (creating if missing) the database, applies the migrations and binds the log
    /// to `config.origin`.
    pub(crate) async fn connect(url: &str, config: &StoreConfig) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(config.busy_timeout);
        let pool = SqlitePoolOptions::new()
            .max_connections(config.max_connections)
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await?;
        sqlx::query(
            "INSERT INTO log_state (id, origin, size, root, right_edge) VALUES (1, ?, 0, ?, ?) \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(&config.origin)
        .bind(&EMPTY_ROOT[..])
        .bind(Vec::<u8>::new())
        .execute(&pool)
        .await?;
        let stored: String = sqlx::query_scalar("SELECT origin FROM log_state WHERE id = 1")
            .fetch_one(&pool)
            .await?;
        if stored != config.origin {
            pool.close().await;
            return Err(StoreError::OriginMismatch {
                stored,
                configured: config.origin.clone(),
            });
        }
        Ok(Self { pool })
    }
}

async fn read_state(
    conn: &mut sqlx::SqliteConnection,
) -> Result<(LogState, LatestCheckpoint), StoreError> {
    let (size, root, edge): (i64, Vec<u8>, Vec<u8>) =
        sqlx::query_as("SELECT size, root, right_edge FROM log_state WHERE id = 1")
            .fetch_one(&mut *conn)
            .await?;
    let state = LogState::from_columns(to_u64(size)?, &root, &edge)?;
    let latest: Option<(i64, Vec<u8>)> =
        sqlx::query_as("SELECT size, root FROM checkpoints ORDER BY id DESC LIMIT 1")
            .fetch_optional(&mut *conn)
            .await?;
    let latest = match latest {
        Some((size, root)) => Some((to_u64(size)?, to_hash(&root)?)),
        None => None,
    };
    Ok((state, latest))
}

/// The stored versions of projection `keys` (missing keys are absent from the map).
async fn read_versions(
    conn: &mut sqlx::SqliteConnection,
    keys: &[&str],
) -> Result<HashMap<String, String>, StoreError> {
    let mut out = HashMap::with_capacity(keys.len());
    for chunk in keys.chunks(ROWS_PER_INSERT) {
        let mut q =
            QueryBuilder::<Sqlite>::new("SELECT key, version FROM projections WHERE key IN (");
        let mut list = q.separated(", ");
        for key in chunk {
            list.push_bind(*key);
        }
        q.push(")");
        let rows: Vec<(String, String)> = q.build_query_as().fetch_all(&mut *conn).await?;
        out.extend(rows);
    }
    Ok(out)
}

/// Converts a stored projection row.
fn projection_row(
    (key, version, value, idx): (String, String, Vec<u8>, i64),
) -> Result<ProjectionRow, StoreError> {
    Ok(ProjectionRow {
        key,
        version,
        value,
        index: to_u64(idx)?,
    })
}

async fn insert_checkpoint_row(
    conn: &mut sqlx::SqliteConnection,
    checkpoint: &SignedCheckpoint,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO checkpoints (size, root, note) VALUES (?, ?, ?)")
        .bind(to_i64(checkpoint.checkpoint.size)?)
        .bind(&checkpoint.checkpoint.root[..])
        .bind(&checkpoint.note)
        .execute(conn)
        .await?;
    Ok(())
}

impl Backend for SqliteBackend {
    async fn tree_head(&self) -> Result<(u64, Hash), StoreError> {
        let (size, root): (i64, Vec<u8>) =
            sqlx::query_as("SELECT size, root FROM log_state WHERE id = 1")
                .fetch_one(&self.pool)
                .await?;
        Ok((to_u64(size)?, to_hash(&root)?))
    }

    async fn commit_batch<'a>(
        &'a self,
        pending: &'a [Pending],
        signer: &'a NoteSigner,
        origin: &'a str,
    ) -> Result<BatchOutcome, StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let (state, latest) = read_state(&mut tx).await?;
        let current = read_versions(&mut tx, &precondition_keys(pending)).await?;
        let admissions = admit(pending, &current);
        let entries: Vec<(&[u8], Hash)> = pending
            .iter()
            .zip(&admissions)
            .filter(|(_, a)| a.is_ok())
            .map(|(p, _)| (p.data.as_slice(), p.leaf_hash))
            .collect();
        if entries.is_empty() {
            tx.rollback().await?;
            return Ok(BatchOutcome {
                plan: None,
                admissions,
            });
        }
        let hashes: Vec<Hash> = entries.iter().map(|(_, h)| *h).collect();
        let plan = plan_batch(state, latest, &hashes, signer, origin)?;
        // Both ends fit in i64, so every index in between does.
        let base = to_i64(plan.first_index)?;
        let size = to_i64(plan.state.size())?;
        let mut next = base;
        for chunk in entries.chunks(ROWS_PER_INSERT) {
            let mut insert =
                QueryBuilder::<Sqlite>::new("INSERT INTO entries (idx, leaf_hash, data) ");
            insert.push_values(chunk, |mut row, (data, hash)| {
                row.push_bind(next).push_bind(&hash[..]).push_bind(*data);
                next += 1;
            });
            insert.build().execute(&mut *tx).await?;
        }
        let nodes = plan
            .nodes
            .iter()
            .map(|(id, hash)| Ok((i64::from(id.level), to_i64(id.index)?, hash)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        for chunk in nodes.chunks(ROWS_PER_INSERT) {
            let mut insert =
                QueryBuilder::<Sqlite>::new("INSERT INTO tree_nodes (level, idx, hash) ");
            insert.push_values(chunk, |mut row, (level, idx, hash)| {
                row.push_bind(*level).push_bind(*idx).push_bind(&hash[..]);
            });
            insert.build().execute(&mut *tx).await?;
        }
        sqlx::query("UPDATE log_state SET size = ?, root = ?, right_edge = ? WHERE id = 1")
            .bind(size)
            .bind(&plan.state.root[..])
            .bind(plan.state.right_edge_bytes())
            .execute(&mut *tx)
            .await?;
        let rows = projection_rows(pending, &admissions, plan.first_index)
            .into_iter()
            .map(|(key, version, value, idx)| Ok((key, version, value, to_i64(idx)?)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            let mut upsert =
                QueryBuilder::<Sqlite>::new("INSERT INTO projections (key, version, value, idx) ");
            upsert.push_values(chunk, |mut row, (key, version, value, idx)| {
                row.push_bind(*key)
                    .push_bind(*version)
                    .push_bind(*value)
                    .push_bind(*idx);
            });
            upsert.push(
                " ON CONFLICT (key) DO UPDATE SET version = excluded.version, \
                 value = excluded.value, idx = excluded.idx",
            );
            upsert.build().execute(&mut *tx).await?;
        }
        let disclosures = disclosure_rows(pending, &admissions, plan.first_index)
            .into_iter()
            .map(|(idx, data)| Ok((to_i64(idx)?, data)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        for chunk in disclosures.chunks(ROWS_PER_INSERT) {
            let mut insert = QueryBuilder::<Sqlite>::new("INSERT INTO disclosures (idx, data) ");
            insert.push_values(chunk, |mut row, (idx, data)| {
                row.push_bind(*idx).push_bind(*data);
            });
            insert.build().execute(&mut *tx).await?;
        }
        insert_checkpoint_row(&mut tx, &plan.checkpoint).await?;
        tx.commit().await?;
        Ok(BatchOutcome {
            plan: Some(plan),
            admissions,
        })
    }

    async fn projection<'a>(&'a self, key: &'a str) -> Result<Option<ProjectionRow>, StoreError> {
        let row: Option<(String, String, Vec<u8>, i64)> =
            sqlx::query_as("SELECT key, version, value, idx FROM projections WHERE key = ?")
                .bind(key)
                .fetch_optional(&self.pool)
                .await?;
        row.map(projection_row).transpose()
    }

    async fn projections_with_prefix<'a>(
        &'a self,
        prefix: &'a str,
    ) -> Result<Vec<ProjectionRow>, StoreError> {
        let rows: Vec<(String, String, Vec<u8>, i64)> = sqlx::query_as("SELECT key, version, value, idx FROM projections WHERE substr(key, 1, length(?1)) = ?1 ORDER BY key")
            .bind(prefix)
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(projection_row).collect()
    }

    async fn insert_checkpoint<'a>(
        &'a self,
        checkpoint: &'a SignedCheckpoint,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let (state, latest) = read_state(&mut tx).await?;
        check_checkpoint_cas(&checkpoint.checkpoint, &state, latest)?;
        insert_checkpoint_row(&mut tx, checkpoint).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn latest_checkpoint_note(&self) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT note FROM checkpoints ORDER BY id DESC LIMIT 1")
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    async fn entries(&self, start: u64, end: u64) -> Result<Vec<Entry>, StoreError> {
        let rows: Vec<(i64, Vec<u8>, Vec<u8>)> = sqlx::query_as(
            "SELECT idx, leaf_hash, data FROM entries WHERE idx >= ? AND idx < ? ORDER BY idx",
        )
        .bind(to_i64(start)?)
        .bind(to_i64(end)?)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(idx, hash, data)| {
                Ok(Entry {
                    index: to_u64(idx)?,
                    leaf_hash: to_hash(&hash)?,
                    data,
                })
            })
            .collect()
    }

    async fn index_of_leaf_hash<'a>(
        &'a self,
        leaf_hash: &'a Hash,
        below: u64,
    ) -> Result<Option<u64>, StoreError> {
        let idx: Option<i64> = sqlx::query_scalar(
            "SELECT idx FROM entries WHERE leaf_hash = ? AND idx < ? ORDER BY idx LIMIT 1",
        )
        .bind(&leaf_hash[..])
        .bind(to_i64(below)?)
        .fetch_optional(&self.pool)
        .await?;
        idx.map(to_u64).transpose()
    }

    async fn stored_hashes(
        &self,
        level: u8,
        start: u64,
        end: u64,
    ) -> Result<Vec<Hash>, StoreError> {
        let rows: Vec<(i64, Vec<u8>)> = if level == 0 {
            sqlx::query_as(
                "SELECT idx, leaf_hash FROM entries INDEXED BY entries_by_idx_hash \
                 WHERE idx >= ? AND idx < ? ORDER BY idx",
            )
            .bind(to_i64(start)?)
            .bind(to_i64(end)?)
            .fetch_all(&self.pool)
            .await?
        } else {
            sqlx::query_as(
                "SELECT idx, hash FROM tree_nodes WHERE level = ? AND idx >= ? AND idx < ? \
                 ORDER BY idx",
            )
            .bind(i64::from(level))
            .bind(to_i64(start)?)
            .bind(to_i64(end)?)
            .fetch_all(&self.pool)
            .await?
        };
        contiguous_hashes(rows, level, start, end)
    }

    /// One aggregate row per run (hex round trip: SQLite's `group_concat` is for text),
    /// so a proof costs one query and a few rows, not hundreds.
    async fn stored_hash_ranges<'a>(
        &'a self,
        ranges: &'a [(u8, u64, u64)],
    ) -> Result<Vec<Vec<Hash>>, StoreError> {
        if ranges.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = QueryBuilder::<Sqlite>::new("");
        for (run, &(level, start, end)) in ranges.iter().enumerate() {
            if run > 0 {
                q.push(" UNION ALL ");
            }
            q.push(format_args!("SELECT CAST({run} AS BIGINT) AS run, "));
            if level == 0 {
                q.push("COUNT(*), unhex(group_concat(hex(leaf_hash), '' ORDER BY idx)) FROM entries INDEXED BY entries_by_idx_hash WHERE idx >= ");
            } else {
                q.push("COUNT(*), unhex(group_concat(hex(hash), '' ORDER BY idx)) FROM tree_nodes WHERE level = ");
                q.push_bind(i64::from(level));
                q.push(" AND idx >= ");
            }
            q.push_bind(to_i64(start)?);
            q.push(" AND idx < ");
            q.push_bind(to_i64(end)?);
        }
        q.push(" ORDER BY 1");
        let rows: Vec<(i64, i64, Option<Vec<u8>>)> =
            q.build_query_as().fetch_all(&self.pool).await?;
        split_runs(rows, ranges)
    }

    async fn disclosures(&self, start: u64, end: u64) -> Result<Vec<StoredDisclosure>, StoreError> {
        let rows: Vec<(i64, Vec<u8>, Option<String>)> = sqlx::query_as(
            "SELECT idx, data, erased_at FROM disclosures WHERE idx >= ? AND idx < ? ORDER BY idx",
        )
        .bind(to_i64(start)?)
        .bind(to_i64(end)?)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(idx, data, erased_at)| {
                Ok(StoredDisclosure {
                    index: to_u64(idx)?,
                    data,
                    erased_at,
                })
            })
            .collect()
    }

    async fn replace_disclosure<'a>(
        &'a self,
        index: u64,
        data: &'a [u8],
        erased_at: &'a str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE disclosures SET data = ?, erased_at = ? WHERE idx = ?")
            .bind(data)
            .bind(erased_at)
            .bind(to_i64(index)?)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn close(&self) {
        self.pool.close().await;
    }
}

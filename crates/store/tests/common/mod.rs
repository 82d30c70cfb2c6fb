//! Test harness shared by the integration tests: a fresh database per test (an SQLite file
//! in a temporary directory, or a randomly named PostgreSQL database created from
//! `WASTETRAIL_TEST_PG_URL` and dropped afterwards), raw SQL access and a log signer.

#![allow(dead_code)]

use std::str::FromStr as _;

use rand::Rng as _;
use sqlx::{Connection as _, Executor as _};
use wastetrail_ledger::note::{NoteSigner, NoteVerifier};
use wastetrail_store::{StoreConfig, StoreError};

/// Environment variable with the PostgreSQL server URL for the PostgreSQL runs.
pub const PG_ENV: &str = "WASTETRAIL_TEST_PG_URL";

/// Origin of the test logs (also the log key's name).
pub const ORIGIN: &str = "wastetrail.test/log";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

/// One fresh database and the log key used with it.
pub struct TestDb {
    pub kind: Kind,
    pub url: String,
    pub skey: String,
    _dir: Option<tempfile::TempDir>,
    pg_admin: Option<(String, String)>,
}

/// Replaces the database name of a PostgreSQL URL.
pub fn pg_url_with_db(base: &str, db: &str) -> String {
    let (main, query) = match base.split_once('?') {
        Some((m, q)) => (m, format!("?{q}")),
        None => (base, String::new()),
    };
    let authority_start = main.find("://").map_or(0, |i| i + 3);
    let host_end = main[authority_start..]
        .find('/')
        .map_or(main.len(), |i| authority_start + i);
    format!("{}/{db}{query}", &main[..host_end])
}

impl TestDb {
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite:{}", dir.path().join("log.db").display());
        Self {
            kind: Kind::Sqlite,
            url,
            skey: NoteSigner::generate(ORIGIN).1,
            _dir: Some(dir),
            pg_admin: None,
        }
    }

    /// A fresh PostgreSQL database, or `None` when `WASTETRAIL_TEST_PG_URL` is not set.
    pub async fn postgres() -> Option<Self> {
        let base = std::env::var(PG_ENV).ok().filter(|s| !s.is_empty())?;
        let name = format!("wastetrail_test_{:016x}", rand::thread_rng().r#gen::<u64>());
        let mut admin = sqlx::PgConnection::connect(&base).await.unwrap();
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .unwrap();
        admin.close().await.unwrap();
        Some(Self {
            kind: Kind::Postgres,
            url: pg_url_with_db(&base, &name),
            skey: NoteSigner::generate(ORIGIN).1,
            _dir: None,
            pg_admin: Some((base, name)),
        })
    }

    pub fn signer(&self) -> NoteSigner {
        NoteSigner::parse(&self.skey).unwrap()
    }

    pub fn verifier(&self) -> NoteVerifier {
        self.signer().verifier()
    }

    pub fn config(&self) -> StoreConfig {
        StoreConfig::new(ORIGIN)
    }

    pub async fn open(&self) -> wastetrail_store::Store {
        self.open_with(self.config()).await.unwrap()
    }

    pub async fn open_with(
        &self,
        config: StoreConfig,
    ) -> Result<wastetrail_store::Store, StoreError> {
        wastetrail_store::open(&self.url, self.signer(), config).await
    }

    /// Runs one raw SQL statement outside the store.
    pub async fn raw_execute(&self, sql: &str) -> Result<u64, sqlx::Error> {
        match self.kind {
            Kind::Sqlite => {
                let mut c = sqlx::SqliteConnection::connect(&self.url).await?;
                let r = c.execute(sql).await.map(|r| r.rows_affected());
                c.close().await?;
                r
            }
            Kind::Postgres => {
                let mut c = sqlx::PgConnection::connect(&self.url).await?;
                let r = c.execute(sql).await.map(|r| r.rows_affected());
                c.close().await?;
                r
            }
        }
    }

    /// Runs a raw query returning one i64.
    pub async fn raw_i64(&self, sql: &str) -> i64 {
        match self.kind {
            Kind::Sqlite => {
                let mut c = sqlx::SqliteConnection::connect(&self.url).await.unwrap();
                sqlx::query_scalar(sql).fetch_one(&mut c).await.unwrap()
            }
            Kind::Postgres => {
                let mut c = sqlx::PgConnection::connect(&self.url).await.unwrap();
                sqlx::query_scalar(sql).fetch_one(&mut c).await.unwrap()
            }
        }
    }

    /// Takes the log's write lock from outside the store (the lock its writer needs), until
    /// the guard is released.
    pub async fn hold_write_lock(&self) -> LockGuard {
        match self.kind {
            Kind::Sqlite => {
                let opts = sqlx::sqlite::SqliteConnectOptions::from_str(&self.url).unwrap();
                let mut c = sqlx::SqliteConnection::connect_with(&opts).await.unwrap();
                c.execute("BEGIN IMMEDIATE").await.unwrap();
                LockGuard::Sqlite(c)
            }
            Kind::Postgres => {
                let mut c = sqlx::PgConnection::connect(&self.url).await.unwrap();
                c.execute("BEGIN").await.unwrap();
                c.execute("SELECT size FROM log_state WHERE id = 1 FOR UPDATE")
                    .await
                    .unwrap();
                LockGuard::Postgres(c)
            }
        }
    }
}

pub enum LockGuard {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
}

impl LockGuard {
    pub async fn release(self) {
        match self {
            LockGuard::Sqlite(mut c) => {
                c.execute("ROLLBACK").await.unwrap();
                c.close().await.unwrap();
            }
            LockGuard::Postgres(mut c) => {
                c.execute("ROLLBACK").await.unwrap();
                c.close().await.unwrap();
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((base, name)) = self.pg_admin.take() else {
            return;
        };
        // Drop the database from a separate thread with its own runtime: Drop cannot await,
        // and this also runs when the test panicked.
        let dropper = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                if let Ok(mut admin) = sqlx::PgConnection::connect(&base).await {
                    let _ = admin
                        .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                        .await;
                    let _ = admin.close().await;
                }
            });
        });
        let _ = dropper.join();
    }
}

/// `n` distinct test entries, tagged so that different runs differ.
pub fn entries(tag: &str, n: usize) -> Vec<Vec<u8>> {
    (0..n)
        .map(|i| format!("{{\"test\":\"{tag}\",\"n\":{i}}}").into_bytes())
        .collect()
}
